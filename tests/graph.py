"""Helpers that build test data through the project's own import path."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gateway.base.db import Database
from seeds.importer import Importer, ImportKind, ImportReport, Reject
from tests.conftest import TODAY, now


async def load(
    db: Database, kind: str, rows: list[dict[str, Any]], today: dt.date | None = None
) -> tuple[ImportReport, list[Reject]]:
    importer = Importer(db, actor="test", today=today or TODAY, clock=now)
    return await importer.load(enumerate(rows, start=1), ImportKind(kind))


async def load_ok(
    db: Database, kind: str, rows: list[dict[str, Any]], today: dt.date | None = None
) -> ImportReport:
    report, rejects = await load(db, kind, rows, today)
    assert not rejects, rejects
    return report
