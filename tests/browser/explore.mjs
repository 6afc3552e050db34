// The /explore page in a real browser: Debian's Chromium driven by playwright-core.
//
// Run by tests/integration/test_explore_browser.py against the live test gateway, with
// everything it needs in the environment:
//   EXPLORE_URL (the gateway), EXPLORE_TOKEN (an investigator's token), EXPLORE_PURPOSE,
//   EXPLORE_SEARCH (a unique organisation name), EXPLORE_IDS (JSON: subject ids by name),
//   EXPLORE_DERIVED (the ID number of a person with a derived entry),
//   EXPLORE_CROWD (an organisation with some forty officers), EXPLORE_SCREENSHOT (where to
//   save the picture), EXPLORE_PNG (where to save the exported PNG), CHROMIUM (default
//   /usr/bin/chromium).
// Prints one JSON line with what it saw; exits 1 on the first failed expectation.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const env = process.env;
const ids = JSON.parse(env.EXPLORE_IDS);
const seen = {};
const problems = [];

function expect(ok, what) {
  if (!ok) throw new Error(`expected ${what}`);
}

const profile = mkdtempSync(join(tmpdir(), 'explore-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: env.CHROMIUM || '/usr/bin/chromium',
  headless: true, // Playwright passes --headless, and --user-data-dir for the fresh profile
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1400, height: 900 },
});
const page = context.pages()[0] || await context.newPage();
page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
page.on('pageerror', (e) => problems.push(String(e)));

const graph = (fn, arg) => page.evaluate(
  ([body, a]) => new Function('cy', 'arg', body)(window.creditGraphExplore.cy, a), [fn, arg]);
const hasNode = (id) => graph('return cy.getElementById(arg).nonempty();', id);
const status = () => page.locator('#status').textContent();

async function clickNode(id) {
  // A real click on the canvas, where cytoscape drew the node.
  const at = await graph('const p = cy.getElementById(arg).renderedPosition(); return [p.x, p.y];', id);
  const box = await page.locator('#graph').boundingBox();
  await page.mouse.click(box.x + at[0], box.y + at[1]);
  await page.waitForFunction((x) => window.creditGraphExplore.cy.getElementById(x).selected(), id);
}

async function waitIdle(before) {
  await page.waitForFunction((b) => {
    const s = document.getElementById('status').textContent;
    return s !== b && !s.endsWith('…');
  }, before, { timeout: 30000 });
  const s = await status();
  expect(!(await page.locator('#status.error').count()), `no error, got: ${s}`);
  return s;
}

let code = 0;
try {
  const response = await page.goto(`${env.EXPLORE_URL}/explore`);
  expect(response.ok(), 'the page to load');
  await page.waitForSelector('body.ready');
  expect(!(await page.locator('#no-bundle').isVisible()), 'the bundle to be served');

  await page.fill('#token', env.EXPLORE_TOKEN);
  await page.fill('#purpose', env.EXPLORE_PURPOSE);
  await page.click('#save-token');
  expect(await page.evaluate(() => sessionStorage.getItem('credit-graph.token')) === env.EXPLORE_TOKEN,
    'the token in sessionStorage');

  // Search by name, pick the organisation: its two-hop neighbourhood is drawn.
  let before = await status();
  await page.fill('#search-text', env.EXPLORE_SEARCH);
  await page.click('#search-go');
  const pick = page.locator('#results button', { hasText: env.EXPLORE_SEARCH });
  await pick.first().waitFor();
  before = await status();
  await pick.first().click();
  seen.loaded = await waitIdle(before);
  expect(await hasNode(ids.A) && await hasNode(ids.E) && await hasNode(ids.B), 'A, B and E drawn');
  expect(!(await hasNode(ids.sup)), 'sup beyond two hops');
  seen.blackListed = await graph(
    'return cy.nodes("[?black][kind != \\"LIST_ENTRY\\"]").map((n) => n.id());');
  expect(seen.blackListed.includes(ids.E) && !seen.blackListed.includes(ids.B),
    'E marked black-listed, B (authorised-query entry) not');
  seen.nodesAfterSearch = await graph('return cy.nodes().length;');

  // Expand B, then sup: C comes in four hops from A.
  for (const name of ['B', 'sup']) {
    await clickNode(ids[name]);
    before = await status();
    await page.click('#expand');
    await waitIdle(before);
  }
  expect(await hasNode(ids.sup) && await hasNode(ids.C), 'sup and C after expanding');
  seen.nodesAfterExpand = await graph('return cy.nodes().length;');

  // The path from A to C.
  await clickNode(ids.A);
  await page.click('#set-from');
  await clickNode(ids.C);
  await page.click('#set-to');
  before = await status();
  await page.click('#find-path');
  seen.path = await waitIdle(before);
  expect(seen.path.startsWith('找到 2 条最短路径（4 跳）'), `two 4-hop paths, got ${seen.path}`);
  seen.pathLines = await page.locator('#path-result li').allTextContents();
  expect(seen.pathLines.length === 2, 'two paths listed');
  seen.onPath = await graph('return cy.elements(".on-path").length;');
  expect(seen.onPath === 6 + 6, 'six nodes and six roles highlighted');
  await page.screenshot({ path: env.EXPLORE_SCREENSHOT, fullPage: true });

  // A derived entry, explained on click.
  before = await status();
  await page.fill('#search-text', env.EXPLORE_DERIVED);
  await page.click('#search-go');
  await waitIdle(before);
  await page.waitForFunction((x) => window.creditGraphExplore.cy.getElementById(x).nonempty(), ids.d);
  const derived = await graph('return cy.nodes().filter((n) => n.data("entry") && n.data("entry").derived).map((n) => n.id());');
  expect(derived.length === 1, 'one derived entry drawn');
  await clickNode(derived[0]);
  seen.explanation = await page.locator('#details-explanation').textContent();
  expect(seen.explanation.includes('第二十六条'), 'the derivation explained');
  seen.details = await page.locator('#details-fields').textContent();
  expect(seen.details.includes('名单条目') && /\d{4}-\d{2}-\d{2}/.test(seen.details),
    `the entry's kind in Chinese and dates as YYYY-MM-DD, got ${seen.details}`);

  // The interface in Chinese: the legend names every edge kind, and the font draws the
  // characters (two different characters come out as different pixels, not two boxes).
  seen.legend = await page.locator('#legend').innerText();
  for (const word of ['图例', '组织', '自然人', '名单条目', '任职', '列入名单', '认定', '源自', '经由', '最短路径']) {
    expect(seen.legend.includes(word), `${word} in the legend, got ${seen.legend}`);
  }
  seen.glyphsDiffer = await page.evaluate(() => {
    const draw = (ch) => {
      const c = document.createElement('canvas');
      c.width = 40; c.height = 40;
      const g = c.getContext('2d');
      g.font = '32px "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif';
      g.fillText(ch, 2, 34);
      return Array.from(g.getImageData(0, 0, 40, 40).data).join(',');
    };
    return draw('任') !== draw('职');
  });
  expect(seen.glyphsDiffer, 'a CJK font (fonts-noto-cjk): 任 and 职 drawn as boxes');

  // Export: a PNG of the whole graph.
  const download = page.waitForEvent('download');
  await page.click('#export-png');
  await (await download).saveAs(env.EXPLORE_PNG);
  const png = readFileSync(env.EXPLORE_PNG);
  seen.png = { bytes: png.length, signature: png.subarray(1, 4).toString('latin1'),
               width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
  expect(seen.png.signature === 'PNG' && seen.png.width > 100 && seen.png.height > 100,
    `an exported PNG, got ${JSON.stringify(seen.png)}`);

  // Fit and zoom: from a fitted view (the steps above may leave another), zoom in, fit back.
  const zoom = () => graph('return cy.zoom();');
  await page.click('#fit');
  const fitted = await zoom();
  await page.click('#zoom-in');
  seen.zoomedIn = (await zoom()) > fitted;
  await page.click('#fit');
  seen.fitAgain = Math.abs((await zoom()) - fitted) < 1e-6;
  expect(seen.zoomedIn && seen.fitAgain, 'zoom in, then fit back');

  // Some forty officers: no two names drawn on top of each other; a hidden one on hover.
  before = await status();
  await page.fill('#search-text', env.EXPLORE_CROWD);
  await page.click('#search-go');
  await waitIdle(before);
  await page.waitForFunction(() => window.creditGraphExplore.cy.nodes().length >= 40);
  seen.crowd = await graph(`
    const { labelBox } = window.creditGraphExplore;
    const boxes = cy.elements().filter((e) => !e.hasClass('quiet')).map(labelBox).filter(Boolean);
    let overlapping = 0;
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]; const b = boxes[j];
      if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) overlapping++;
    }
    const named = cy.nodes().filter((n) => labelBox(n));
    return { nodes: cy.nodes().length, names: named.length,
             shownNames: named.filter((n) => !n.hasClass('quiet')).length,
             quietNodes: cy.nodes('.quiet').map((n) => n.id()),
             quietEdges: cy.edges('.quiet').length, overlapping };`);
  expect(seen.crowd.overlapping === 0, `no overlapping names, got ${JSON.stringify(seen.crowd)}`);
  expect(seen.crowd.shownNames >= 10, `most names shown, got ${JSON.stringify(seen.crowd)}`);
  if (seen.crowd.quietNodes.length) {
    const hidden = seen.crowd.quietNodes[0];
    const at = await graph('const p = cy.getElementById(arg).renderedPosition(); return [p.x, p.y];', hidden);
    const box = await page.locator('#graph').boundingBox();
    await page.mouse.move(box.x + at[0], box.y + at[1]);
    seen.hoverShows = await graph('return cy.getElementById(arg).hasClass("hover");', hidden);
  }
  await page.screenshot({ path: env.EXPLORE_SCREENSHOT.replace(/\.png$/, '-crowd.png'), fullPage: true });
  expect(problems.length === 0, `no console errors, got ${problems.join(' | ')}`);
} catch (err) {
  seen.error = String(err.message || err);
  seen.console = problems;
  code = 1;
  await page.screenshot({ path: env.EXPLORE_SCREENSHOT, fullPage: true }).catch(() => {});
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
// Exit once the line is written: a pipe may not take it all at once.
process.stdout.write(`${JSON.stringify(seen)}\n`, () => process.exit(code));
