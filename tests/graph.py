"""Helpers that build test data through the project's own import path."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gateway.base.db import Database
from seeds.importer import Importer, ImportKind, ImportReport, Reject
from tests.conftest import TODAY, now, unique_id_number, unique_uscc


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


async def represented_organisation(
    db: Database, name: str, representative: str, department_id: str, disclosures: list[str]
) -> str:
    """A new organisation with a legal representative since 2020 and one serious black
    entry of each disclosure class given (facts ``<name[:2]><class>``); returns its USCC."""
    uscc, rep = unique_uscc(), unique_id_number()
    await load_ok(
        db, "subjects", [{"uscc": uscc, "name": name}, {"id_number": rep, "name": representative}]
    )
    await load_ok(
        db,
        "roles",
        [{"id_number": rep, "uscc": uscc, "role": "LEGAL_REPRESENTATIVE", "start": "2020-01-01"}],
    )
    await load_ok(
        db,
        "entries",
        [
            {
                "list": "BLACK",
                "uscc": uscc,
                "department_id": department_id,
                "severity": "SERIOUS",
                "recognised_on": "2026-02-01",
                "disclosure": d,
                "facts": f"{name[:2]}{d}",
                "source_system": "test",
                "source_ref": f"{uscc}-{d}",
            }
            for d in disclosures
        ],
    )
    return uscc
