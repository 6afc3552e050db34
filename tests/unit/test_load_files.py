"""The initial load's pieces that need no database: claims and the admin-import cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

from seeds import admin_csv
from seeds.claims import Claims, KeySet, code_key


def test_a_key_set_holds_exactly_what_was_added_through_growth() -> None:
    rng = random.Random(5)
    for wide in (False, True):
        keys = KeySet(4, wide=wide)
        bits = 100 if wide else 64
        added = {rng.getrandbits(bits) for _ in range(20_000)}
        assert all(keys.add(k) for k in added)
        assert not any(keys.add(k) for k in added)  # a second time: already there
        assert keys.size == len(added)
        others = {rng.getrandbits(bits) for _ in range(5_000)} - added
        assert all(k in keys for k in added) and not any(k in keys for k in others)


def test_the_first_claim_of_a_code_wins_whatever_its_kind() -> None:
    claims = Claims()
    code = "91320800000000001C"
    assert claims.subject(code, None)
    assert not claims.subject(code, None)  # a second row for the code goes online
    assert not claims.subject(None, code)  # so does the code as a person's
    assert claims.exists(code, None) and not claims.exists(None, code)
    assert code_key(code) != code_key("91320800000000001D")
    assert claims.touch(1, 2) and not claims.touch(2, 3) and not claims.touch(3)


def test_cells_are_quoted_only_when_they_must_be() -> None:
    values = {
        "name": '某"公司",分号',
        "when": dt.date(2025, 1, 2),
        "derived": False,
        "n": 3,
        "facts": "一行\n两行",
        "aliases": ["甲", "乙"],
    }
    line = admin_csv.cells(
        values,
        ["name", "when:date", "derived:boolean", "n:long", "facts", "missing", "aliases:string[]"],
    )
    [row] = list(csv.reader(io.StringIO(line)))
    assert row == [
        '某"公司",分号',
        "2025-01-02",
        "false",
        "3",
        "一行\n两行",
        "",
        f"甲{admin_csv.ARRAY_DELIMITER}乙",
    ]
    assert admin_csv.field("plain") == "plain"


def test_ids_are_unique_uuids_of_version_4() -> None:
    a, b = admin_csv.Ids(), admin_csv.Ids()
    made = [a() for _ in range(1000)] + [b() for _ in range(1000)]
    assert len(set(made)) == 2000
    for text in made[:3] + made[-3:]:
        parts = text.split("-")
        assert [len(p) for p in parts] == [8, 4, 4, 4, 12]
        assert parts[2][0] == "4" and parts[3][0] in "89ab"
