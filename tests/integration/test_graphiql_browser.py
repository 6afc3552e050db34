"""GraphiQL offline, with a Chinese purpose: the page in a real browser.

The page, its script, styles and Monaco's workers come from the gateway (bundled by
``make web``); ``tests/browser/graphiql.mjs`` drives Debian's Chromium through it with an
investigator's token and the purpose 行政许可审查, which the page percent-encodes (a
browser refuses that header value raw). Every request the page makes is recorded and
any to another origin aborted. The screenshot goes to ``var/screenshots/graphiql.png``.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.parse
from typing import Any

import httpx

from gateway.base.db import Database
from gateway.base.settings import Settings
from gateway.graphiql import BUNDLE
from tests.conftest import ROOT, LiveServer, government_token
from tests.integration.audiences import audit_events, sentinel_world
from tests.integration.test_explore_browser import chromium

SCRIPT = ROOT / "tests" / "browser" / "graphiql.mjs"
SCREENSHOT = ROOT / "var" / "screenshots" / "graphiql.png"
PURPOSE = "行政许可审查"


def test_the_page_loads_nothing_from_elsewhere(gateway: LiveServer) -> None:
    page = httpx.get(f"{gateway.url}/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "connect-src 'self';" in policy
    assert "https:" not in policy and "unpkg" not in page.text and "cdn" not in page.text
    for asset in (
        "graphiql.js",
        "graphiql.css",
        "editor.worker.js",
        "graphql.worker.js",
        "json.worker.js",
    ):
        r = httpx.get(f"{gateway.url}/graphiql/static/{asset}")
        assert r.status_code == 200, f"{asset} is not built: run `make web`"
        assert r.headers["content-security-policy"] == policy
    public = httpx.get(f"{gateway.url}/public/graphql", headers={"accept": "text/html"})
    assert public.status_code == 200 and "/graphiql/static/graphiql.js" in public.text


async def test_a_query_with_a_token_and_a_chinese_purpose_answers(
    gateway: LiveServer, settings: Settings, db: Database
) -> None:
    executable = chromium()
    assert (BUNDLE / "graphiql.js").exists(), "the bundle is not built: run `make web`"
    assert (ROOT / "node_modules" / "playwright-core").exists(), "run `npm ci` (make web)"
    w = await sentinel_world(db, "图")
    await audit_events(db, w["org_id"], 0)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    SCREENSHOT.unlink(missing_ok=True)
    query = (
        f'query Review {{ organization(uscc: "{w["org"]}") {{ name '
        "listEntries { disclosure facts } } }"
    )
    env = {
        **os.environ,
        "CHROMIUM": executable,
        "GRAPHIQL_URL": f"{gateway.url}/graphql",
        "GRAPHIQL_TOKEN": government_token(settings, sub="graphiql-test", roles=["investigator"]),
        "GRAPHIQL_PURPOSE": PURPOSE,
        "GRAPHIQL_QUERY": query,
        "GRAPHIQL_SCREENSHOT": str(SCREENSHOT),
    }
    run = subprocess.run(
        ["node", str(SCRIPT)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    seen: dict[str, Any] = (
        json.loads(run.stdout.strip().splitlines()[-1]) if run.stdout.strip() else {}
    )
    assert run.returncode == 0, (seen, run.stderr[-3000:])

    # Nothing left the gateway: every request went to it, the workers included.
    assert seen["elsewhere"] == []
    assert all(r.split(" ", 1)[1].startswith(gateway.url) for r in seen["requests"])
    fetched = {urllib.parse.urlsplit(r.split(" ", 1)[1]).path for r in seen["requests"]}
    assert {
        "/graphql",
        "/graphiql/static/graphiql.js",
        "/graphiql/static/graphiql.css",
        "/graphiql/static/graphql.worker.js",
    } <= fetched, fetched

    # The purpose went percent-encoded, and the answer holds what only a purpose opens.
    assert seen["purposeSent"] == urllib.parse.quote(PURPOSE)
    assert seen["status"] == 200 and "errors" not in seen["answer"], seen["answer"]
    entries = seen["answer"]["data"]["organization"]["listEntries"]
    assert "GOVERNMENT" in {e["disclosure"] for e in entries}
    assert "淮安市哨兵图物流有限公司" in seen["panel"]  # shown in the response editor

    # The token stayed in the tab; the register holds the purpose as the officer wrote it.
    assert not any("token" in k or "header" in k for k in seen["stored"]["local"]), seen["stored"]
    event = (await audit_events(db, w["org_id"], 1))[0]
    assert (event["sub"], event["purpose"], event["operationName"]) == (
        "graphiql-test",
        PURPOSE,
        "Review",
    )
    assert SCREENSHOT.stat().st_size > 10_000
