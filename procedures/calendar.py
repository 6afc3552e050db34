"""Recording the State Council's holiday arrangements for the working-day calendar."""

from __future__ import annotations

from typing import Any

from gateway.base.db import Database, Transaction
from procedures import step

RECORD_CALENDAR = """
UNWIND $days AS day
MERGE (d:CalendarDay {date: day.date})
SET d.working = day.working, d.name = day.name, d.source = $source
WITH count(*) AS recorded
UNWIND $years AS year
MERGE (y:CalendarYear {year: year})
SET y.source = $source
RETURN recorded
"""


async def record(
    db: Database, days: list[dict[str, Any]], *, years: list[int], source: str
) -> None:
    """Days (``date``: dt.date, ``working``: bool, ``name``) and the years now complete."""

    async def work(tx: Transaction) -> None:
        await tx.run(RECORD_CALENDAR, {"days": days, "years": years, "source": source})

    await step.run(db, work, op="calendar")
