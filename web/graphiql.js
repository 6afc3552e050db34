// GraphiQL for credit-graph, served on GET /graphql and /public/graphql (Accept: text/html)
// and bundled by `make web` from the pinned npm packages: nothing is loaded from a CDN.
//
// The page's own fields hold the bearer token and the stated purpose, in sessionStorage
// (gone when the tab closes; the same keys as /explore, so one tab shares them). Browsers
// refuse header values outside ISO-8859-1, so the purpose is sent percent-encoded UTF-8,
// which the gateway decodes (gateway/context.py read_purpose). A purpose typed into
// GraphiQL's own Headers tab is encoded the same way when it holds anything but ASCII.
import './monaco-workers.js';
import { GraphiQL } from 'graphiql';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';
import './graphiql-page.css';

const TOKEN = 'credit-graph.token';
const PURPOSE = 'credit-graph.purpose';
const PURPOSE_HEADER = 'x-credit-purpose';
const ENDPOINT = window.location.pathname;
// /graphql refuses a request without a token (HTTP 401); the public portal needs none.
const NEEDS_TOKEN = !ENDPOINT.startsWith('/public/');

const $ = (id) => document.getElementById(id);

// A purpose as a header value: percent-encoded UTF-8 unless it is printable ASCII already
// (which may be a value the user encoded by hand).
function purposeHeader(value) {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}

// One fetcher per token and purpose: a new one makes GraphiQL read the schema again.
function makeFetcher(token, purpose) {
  return async (params, opts = {}) => {
    if (NEEDS_TOKEN && !token) {
      return { errors: [{ message: '请先在上方填写令牌 (paste a bearer token above)',
                          extensions: { code: 'UNAUTHENTICATED' } }] };
    }
    const headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (purpose) headers[PURPOSE_HEADER] = encodeURIComponent(purpose);
    for (const [name, value] of Object.entries(opts.headers || {})) {
      const key = name.toLowerCase();
      headers[key] = key === PURPOSE_HEADER ? purposeHeader(String(value)) : String(value);
    }
    const response = await fetch(ENDPOINT, {
      method: 'POST', headers, body: JSON.stringify(params), credentials: 'omit',
    });
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 300)}` }] };
    }
  };
}

const DEFAULT_QUERY = `# 令牌与查询目的填在上方；目的以百分号编码发送（X-Credit-Purpose）。
# Token and purpose go in the fields above; the purpose is sent percent-encoded.
query Jurisdiction {
  jurisdiction(code: "320800") { name level }
}
`;

const root = createRoot($('graphiql'));

function render() {
  const fetcher = makeFetcher(sessionStorage.getItem(TOKEN), sessionStorage.getItem(PURPOSE));
  root.render(createElement(GraphiQL, {
    fetcher,
    defaultQuery: DEFAULT_QUERY,
    storage: sessionStorage, // tabs, queries and variables too: nothing outlives the tab
    shouldPersistHeaders: false,
  }));
}

function init() {
  $('token').value = sessionStorage.getItem(TOKEN) || '';
  $('purpose').value = sessionStorage.getItem(PURPOSE) || '';
  $('auth').addEventListener('submit', (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(TOKEN, $('token').value.trim());
    sessionStorage.setItem(PURPOSE, $('purpose').value.trim());
    render();
  });
  $('forget-token').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(PURPOSE);
    $('token').value = '';
    $('purpose').value = '';
    render();
  });
  document.body.classList.add('ready');
  render();
}

init();
