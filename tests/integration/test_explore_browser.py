"""/explore in a real browser: search, expand, find a path, a derived entry explained.

Headless Chromium from Debian (``apt-get install -y chromium fonts-noto-cjk``) driven by
playwright-core (``npm ci``) runs ``tests/browser/explore.mjs`` against the live test
gateway on the crafted graph of ``test_investigate.world`` and an organisation with some
forty officers (``crowd``); the bundle is built by ``make web``. The page speaks Chinese
(legend, details, status), exports a PNG, fits and zooms, and draws no name over another.
The screenshots go to ``var/screenshots/explore.png`` and ``explore-crowd.png``, the
exported picture to ``explore-export.png``.
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
from tests.conftest import ROOT, LiveServer, government_token, unique_id_number, unique_uscc
from tests.graph import load_ok
from tests.integration.test_investigate import black, world

SCRIPT = ROOT / "tests" / "browser" / "explore.mjs"
SCREENSHOT = ROOT / "var" / "screenshots" / "explore.png"
EXPORT = ROOT / "var" / "screenshots" / "explore-export.png"
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张"
GIVEN = "伟芳娜敏静丽强磊军洋"
ROLES = ["DIRECTOR", "SUPERVISOR", "SENIOR_MANAGER", "DIRECTLY_RESPONSIBLE"]


async def crowd(db: Database, tag: str, officers: int = 36) -> str:
    """An organisation with ``officers`` officers, four of them and itself black-listed: some
    forty-two nodes two hops around it. Returns its name."""
    org = unique_uscc()
    name = f"淮安市{tag}众联实业有限公司"
    people = [unique_id_number() for _ in range(officers)]
    await load_ok(
        db,
        "subjects",
        [{"uscc": org, "name": name}]
        + [
            {"id_number": n, "name": f"{SURNAMES[i % len(SURNAMES)]}{tag}{GIVEN[i % len(GIVEN)]}"}
            for i, n in enumerate(people)
        ],
    )
    await load_ok(
        db,
        "roles",
        [
            {
                "id_number": n,
                "uscc": org,
                "start": "2018-03-01",
                "role": "LEGAL_REPRESENTATIVE" if i == 0 else ROLES[i % len(ROLES)],
            }
            for i, n in enumerate(people)
        ],
    )
    await load_ok(
        db,
        "entries",
        [black({"uscc": org}, "PUBLIC", "SERIOUS")]
        + [black({"id_number": n}, "PUBLIC", "MAJOR") for n in people[1:4]],
    )
    return name


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


async def test_search_expand_and_find_a_path(
    gateway: LiveServer, settings: Settings, db: Database
) -> None:
    executable = chromium()
    assert (STATIC / "explore.js").exists(), "the bundle is not built: run `make web`"
    assert (ROOT / "node_modules" / "playwright-core").exists(), "run `npm ci` (make web)"
    w = await world(db, "览")
    crowded = await crowd(db, "览")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    SCREENSHOT.unlink(missing_ok=True)
    EXPORT.unlink(missing_ok=True)
    env = {
        **os.environ,
        "CHROMIUM": executable,
        "EXPLORE_URL": gateway.url,
        "EXPLORE_TOKEN": government_token(settings, sub="browser-test", roles=["investigator"]),
        "EXPLORE_PURPOSE": "浏览器测试",
        "EXPLORE_SEARCH": f"淮安市{w['tag']}A探查有限公司",
        "EXPLORE_DERIVED": w["idn"]["d"],
        "EXPLORE_IDS": json.dumps(w["id"]),
        "EXPLORE_CROWD": crowded,
        "EXPLORE_SCREENSHOT": str(SCREENSHOT),
        "EXPLORE_PNG": str(EXPORT),
    }
    run = subprocess.run(
        ["node", str(SCRIPT)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    seen: dict[str, Any] = (
        json.loads(run.stdout.strip().splitlines()[-1] or "{}") if run.stdout.strip() else {}
    )
    assert run.returncode == 0, (seen, run.stderr[-3000:])
    assert seen["nodesAfterExpand"] > seen["nodesAfterSearch"]
    assert seen["path"].startswith("找到 2 条最短路径（4 跳）")
    assert "第二十六条" in seen["explanation"]
    assert "名单条目" in seen["details"] and "严重程度" in seen["details"]
    assert all(word in seen["legend"] for word in ("组织", "名单条目", "任职", "列入名单"))
    assert seen["glyphsDiffer"], "no CJK font: apt-get install -y fonts-noto-cjk"
    assert EXPORT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and seen["png"]["width"] > 100
    assert seen["crowd"]["nodes"] >= 40 and seen["crowd"]["overlapping"] == 0
    assert SCREENSHOT.stat().st_size > 10_000
