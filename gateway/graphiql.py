"""GraphiQL, served by the gateway itself: no request leaves it.

``GET /graphql`` (and ``/public/graphql``) with ``Accept: text/html`` answers this page
shell; its script, styles and Monaco's web workers are bundled by esbuild from the npm
packages pinned in ``package-lock.json`` (``web/graphiql.js`` into
``gateway/static/graphiql/`` by ``make web``) and served under ``/graphiql/static``. The
page has fields for the bearer token and the purpose; both stay in the tab's
sessionStorage, and the purpose is sent percent-encoded (browsers refuse a header value
outside ISO-8859-1; ``gateway.context.read_purpose`` decodes it).

Monaco adds ``<style>`` elements of its own at run time, with content that varies, so
styles allow ``'unsafe-inline'``; scripts do not: a value from the graph can never run as
code in the page that holds the token.
"""

from __future__ import annotations

from starlette.responses import HTMLResponse
from starlette.routing import Mount

from gateway.explore import STATIC, Assets

BUNDLE = STATIC / "graphiql"
ASSETS = "/graphiql/static"

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; worker-src 'self'; connect-src 'self'; "
        "img-src 'self' data: blob:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

GRAPHIQL_HTML = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>credit-graph · GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{ASSETS}/graphiql.css">
<script src="{ASSETS}/graphiql.js" defer></script></head>
<body>
<header id="bar">
  <strong>credit-graph · GraphiQL</strong>
  <form id="auth" autocomplete="off">
    <label>令牌 Bearer token <input id="token" type="password"
      placeholder=".venv/bin/credit-graph token --roles …"></label>
    <label>查询目的 X-Credit-Purpose <input id="purpose" type="text"
      placeholder="行政许可审查"></label>
    <button id="save-token" type="submit">使用 Use</button>
    <button id="forget-token" type="button">清除 Forget</button>
  </form>
  <span class="note">仅保存在本标签页 (sessionStorage)</span>
</header>
<div id="graphiql"></div>
<p id="no-bundle">GraphiQL is not built on this server: run <code>make web</code>
(npm ci and esbuild).</p>
</body></html>
"""


def page() -> HTMLResponse:
    return HTMLResponse(GRAPHIQL_HTML, headers=HEADERS)


def routes() -> list[Mount]:
    return [Mount(ASSETS, app=Assets(directory=BUNDLE, headers=HEADERS), name="graphiql-static")]
