"""Which rows of a batch are written beside the writes in flight (seeds/importer.py).

A row that shares a key with a write in flight waits, and so does every later row that
shares a key with a waiting row: rows about one key stay in file order."""

from __future__ import annotations

from typing import Any

from seeds.importer import hold_back
from seeds.ingest import entry_conflicts


def entry(n: int, key: str, subject: str) -> dict[str, Any]:
    return {"n": n, "key": key, "uscc": subject, "idNumber": None}


def lines(rows: list[dict[str, Any]]) -> list[int]:
    return [r["n"] for r in rows]


def test_nothing_in_flight_writes_the_whole_batch() -> None:
    rows = [entry(1, "k1", "A"), entry(2, "k2", "A"), entry(3, "k3", "B")]
    ready, held = hold_back(rows, frozenset(), entry_conflicts)
    assert (lines(ready), lines(held)) == ([1, 2, 3], [])


def test_a_row_about_a_key_in_flight_waits_and_the_rest_goes_on() -> None:
    rows = [entry(1, "k1", "A"), entry(2, "k2", "B"), entry(3, "k3", "C")]
    busy = entry_conflicts([entry(0, "k0", "B")])
    ready, held = hold_back(rows, busy, entry_conflicts)
    assert (lines(ready), lines(held)) == ([1, 3], [2])


def test_a_later_row_sharing_a_key_with_a_waiting_row_waits_too() -> None:
    # Row 2 waits for subject B; row 3 names the key of row 2 (a different subject, so a
    # conflict to report), row 4 the subject of row 3: both must come after row 2.
    rows = [
        entry(1, "k1", "A"),
        entry(2, "k2", "B"),
        entry(3, "k2", "C"),
        entry(4, "k4", "C"),
        entry(5, "k5", "D"),
    ]
    busy = entry_conflicts([entry(0, "k0", "B")])
    ready, held = hold_back(rows, busy, entry_conflicts)
    assert (lines(ready), lines(held)) == ([1, 5], [2, 3, 4])


def test_an_earlier_ready_row_does_not_wait_for_a_later_one() -> None:
    # Row 1 shares key k1 with row 2, which waits for subject B: row 1 comes first in the
    # file, so it may be written now (row 2 then waits for it as well).
    rows = [entry(1, "k1", "A"), entry(2, "k1", "B")]
    busy = entry_conflicts([entry(0, "k0", "B")])
    ready, held = hold_back(rows, busy, entry_conflicts)
    assert (lines(ready), lines(held)) == ([1], [2])
    assert not entry_conflicts(held).isdisjoint(entry_conflicts(ready))
