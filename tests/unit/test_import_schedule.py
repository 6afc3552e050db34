"""The importer's schedule: which rows of a batch are written now, which are held back."""

from __future__ import annotations

import random
from collections.abc import Hashable
from typing import Any

from seeds.importer import schedule
from seeds.ingest import entry_depends_on


def row(n: int, *keys: str) -> dict[str, Any]:
    return {"n": n, "keys": keys}


def keys_of(r: dict[str, Any]) -> tuple[str, ...]:
    return r["keys"]


def lines(rows: list[dict[str, Any]]) -> list[int]:
    return [r["n"] for r in rows]


def test_rows_sharing_a_key_with_a_write_in_flight_are_held_back() -> None:
    rows = [row(1, "a"), row(2, "b"), row(3, "c", "b"), row(4, "d")]
    free, keys, held = schedule(rows, {"b"}, keys_of)
    assert lines(free) == [1, 4]
    assert keys == {"a", "d"}
    assert lines(held) == [2, 3]


def test_a_row_after_a_held_row_sharing_its_key_is_held_too() -> None:
    # row 3 shares nothing with the write in flight, but "c" with row 2, held before it
    rows = [row(1, "a"), row(2, "b", "c"), row(3, "c"), row(4, "a")]
    free, keys, held = schedule(rows, {"b"}, keys_of)
    assert lines(free) == [1, 4]
    assert keys == {"a"}
    assert lines(held) == [2, 3]


def test_nothing_in_flight_writes_every_row() -> None:
    rows = [row(1, "a"), row(2, "a"), row(3, "b")]
    assert schedule(rows, set(), keys_of) == (rows, {"a", "b"}, [])


def test_entries_of_one_subject_wait_for_each_other() -> None:
    first = {"key": "s:1", "uscc": "91320000MA1X00001A", "idNumber": None}
    other_key = {"key": "s:2", "uscc": "91320000MA1X00001A", "idNumber": None}
    other_subject = {"key": "s:3", "uscc": None, "idNumber": "320400195905110749"}
    busy = set(entry_depends_on(first))
    free, _, held = schedule([other_key, other_subject], busy, entry_depends_on)
    assert free == [other_subject]
    assert held == [other_key]


def test_writes_in_any_schedule_keep_file_order_for_every_key() -> None:
    """Random files written batch after batch, two at once, in whatever order the writes
    end: every key sees its rows in file order."""
    rng = random.Random(7)
    for _ in range(200):
        rows = [row(n, *rng.sample("abcdefgh", rng.randint(1, 2))) for n in range(60)]
        written: list[int] = []
        in_flight: list[tuple[set[Hashable], list[dict[str, Any]]]] = []
        held: list[dict[str, Any]] = []
        pending = list(rows)
        while pending or held or in_flight:
            if in_flight and (len(in_flight) == 2 or rng.random() < 0.5 or not (pending or held)):
                _, done = in_flight.pop(rng.randrange(len(in_flight)))
                written.extend(lines(done))
                continue
            chunk, pending = pending[:7], pending[7:]
            busy: set[Hashable] = set().union(*(k for k, _ in in_flight))
            free, keys, held = schedule(held + chunk, busy, keys_of)
            if free:
                assert busy.isdisjoint(keys)
                in_flight.append((keys, free))
        assert sorted(written) == list(range(60))
        for key in "abcdefgh":
            order = [n for n in written if key in rows[n]["keys"]]
            assert order == sorted(order), key
