"""/explore in a real browser: search, expand, find a path, a derived entry explained.

Headless Chromium from Debian (``apt-get install -y chromium``) driven by playwright-core
(``npm ci``) runs ``tests/browser/explore.mjs`` against the live test gateway on the
crafted graph of ``test_investigate.world``; the bundle is built by ``make web``. The
screenshot goes to ``var/screenshots/explore.png``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any

import httpx
import pytest

from gateway.base.db import Database
from gateway.base.settings import Settings
from gateway.explore import STATIC
from tests.conftest import ROOT, LiveServer, government_token
from tests.integration.test_investigate import world

SCRIPT = ROOT / "tests" / "browser" / "explore.mjs"
SCREENSHOT = ROOT / "var" / "screenshots" / "explore.png"


def chromium() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(found):
        pytest.skip("no Chromium: install Debian's package (apt-get install -y chromium)")
    return found


def test_the_page_shell_carries_no_data_and_a_strict_policy(gateway: LiveServer) -> None:
    page = httpx.get(f"{gateway.url}/explore")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy
    assert "unsafe-inline" not in policy and "https:" not in policy
    assert "/explore/static/explore.js" in page.text
    script = httpx.get(f"{gateway.url}/explore/static/explore.js")
    assert script.status_code == 200, "the bundle is not built: run `make web`"
    assert "javascript" in script.headers["content-type"]
    assert "cdn" not in page.text.lower() and "unpkg" not in script.text


async def test_search_expand_and_find_a_path(gateway: LiveServer, settings: Settings,
                                             db: Database) -> None:
    executable = chromium()
    assert (STATIC / "explore.js").exists(), "the bundle is not built: run `make web`"
    assert (ROOT / "node_modules" / "playwright-core").exists(), "run `npm ci` (make web)"
    w = await world(db, "览")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    SCREENSHOT.unlink(missing_ok=True)
    env = {**os.environ, "CHROMIUM": executable, "EXPLORE_URL": gateway.url,
           "EXPLORE_TOKEN": government_token(settings, sub="browser-test",
                                             roles=["investigator"]),
           "EXPLORE_PURPOSE": "浏览器测试", "EXPLORE_SEARCH": f"淮安市{w['tag']}A探查有限公司",
           "EXPLORE_DERIVED": w["idn"]["d"], "EXPLORE_IDS": json.dumps(w["id"]),
           "EXPLORE_SCREENSHOT": str(SCREENSHOT)}
    run = subprocess.run(["node", str(SCRIPT)], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=180)
    seen: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1] or "{}") \
        if run.stdout.strip() else {}
    assert run.returncode == 0, (seen, run.stderr[-3000:])
    assert seen["nodesAfterExpand"] > seen["nodesAfterSearch"]
    assert seen["path"].startswith("2 shortest path(s) of 4 hop(s)")
    assert "第二十六条" in seen["explanation"]
    assert SCREENSHOT.stat().st_size > 10_000
