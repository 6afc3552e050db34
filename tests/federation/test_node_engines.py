"""The pinned node tools run on the Node.js the README asks for, without engine warnings.

``npm ci --dry-run`` resolves a lock file exactly as ``npm ci`` does and reports every
package whose ``engines.node`` refuses the running Node (``EBADENGINE``), without
installing anything. Hive Gateway 2.15's dependencies want Node 22.15, so the router is
pinned at 2.14.2 with a tree that accepts Node 20 (deploy/README.md).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gateway.ops.router import FEDERATION_DIR

ROOT = FEDERATION_DIR.parent.parent


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
@pytest.mark.parametrize("folder", [FEDERATION_DIR, ROOT], ids=["federation", "web"])
def test_npm_ci_gives_no_engine_warning(folder: Path, tmp_path: Path) -> None:
    for name in ("package.json", "package-lock.json"):
        shutil.copy(folder / name, tmp_path / name)  # a copy: the real node_modules stay
    done = subprocess.run(
        ["npm", "ci", "--dry-run", "--no-audit", "--no-fund"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "add @" in done.stdout  # it did resolve the tree
    refused = re.findall(r"package: '([^']+)'", done.stderr)
    assert "EBADENGINE" not in done.stderr, sorted(set(refused))
