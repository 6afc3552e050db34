// GraphiQL in a real browser: Debian's Chromium driven by playwright-core.
//
// Run by tests/integration/test_graphiql_browser.py against the live test gateway, with
// everything it needs in the environment:
//   GRAPHIQL_URL (the page, e.g. http://127.0.0.1:PORT/graphql), GRAPHIQL_TOKEN,
//   GRAPHIQL_PURPOSE (Chinese: sent percent-encoded), GRAPHIQL_QUERY (typed into the
//   editor), GRAPHIQL_SCREENSHOT, CHROMIUM (default /usr/bin/chromium).
// Every request the page (and its workers) makes is recorded; any request to another
// origin is aborted, so a page that needed one fails visibly. Prints one JSON line with
// what it saw; exits 1 on the first failed expectation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const env = process.env;
const origin = new URL(env.GRAPHIQL_URL).origin;
const seen = { requests: [], elsewhere: [] };
const problems = [];

function expect(ok, what) {
  if (!ok) throw new Error(`expected ${what}`);
}

const profile = mkdtempSync(join(tmpdir(), 'graphiql-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1400, height: 900 },
});
context.on('request', (r) => seen.requests.push(`${r.method()} ${r.url()}`));
await context.route((url) => url.origin !== origin && url.protocol !== 'data:', (route) => {
  seen.elsewhere.push(route.request().url());
  return route.abort();
});
const page = context.pages()[0] || await context.newPage();
page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
page.on('pageerror', (e) => problems.push(String(e)));
page.on('worker', (w) => { seen.workers = [...(seen.workers || []), w.url()]; });

let code = 0;
try {
  const response = await page.goto(env.GRAPHIQL_URL);
  expect(response.ok(), 'the page to load');
  seen.csp = response.headers()['content-security-policy'];
  await page.waitForSelector('body.ready');
  expect(!(await page.locator('#no-bundle').isVisible()), 'the bundle to be served');

  await page.fill('#token', env.GRAPHIQL_TOKEN);
  await page.fill('#purpose', env.GRAPHIQL_PURPOSE);
  // The schema is read again with the token: GraphiQL gets a new fetcher.
  const introspected = page.waitForResponse((r) => r.request().method() === 'POST'
    && (r.request().postData() || '').includes('IntrospectionQuery') && r.status() === 200);
  await page.click('#save-token');
  await introspected;
  seen.stored = await page.evaluate(() => ({
    session: sessionStorage.getItem('credit-graph.token'),
    local: Object.keys(localStorage),
  }));
  expect(seen.stored.session === env.GRAPHIQL_TOKEN, 'the token in sessionStorage');

  // The query, typed into Monaco, run with the execute button.
  const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
  await editor.waitFor();
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(env.GRAPHIQL_QUERY);
  // GraphiQL has read the new document once its tab bears the operation's name.
  await page.locator('.graphiql-tab', { hasText: 'Review' }).first().waitFor();
  const answered = page.waitForResponse((r) => r.request().method() === 'POST'
    && (r.request().postData() || '').includes('query Review'));
  await page.click('.graphiql-execute-button');
  const answer = await answered;
  seen.status = answer.status();
  seen.purposeSent = await answer.request().headerValue('x-credit-purpose');
  seen.answer = await answer.json();
  await page.waitForFunction(() => {
    const out = document.querySelector('.graphiql-response .view-lines');
    return out && out.textContent.includes('"data"');
  }, null, { timeout: 30000 });
  seen.panel = await page.locator('.graphiql-response .view-lines').first().textContent();
  await page.screenshot({ path: env.GRAPHIQL_SCREENSHOT, fullPage: true });
  seen.stored.local = await page.evaluate(() => Object.keys(localStorage));
  expect(problems.length === 0, `no console errors, got ${problems.join(' | ')}`);
} catch (err) {
  seen.error = String(err.message || err);
  seen.console = problems;
  code = 1;
  await page.screenshot({ path: env.GRAPHIQL_SCREENSHOT, fullPage: true }).catch(() => {});
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
// Exit once the line is written: a pipe may not take it all at once.
process.stdout.write(`${JSON.stringify(seen)}\n`, () => process.exit(code));
