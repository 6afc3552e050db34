"""The scaling measure compares the gateway with raw Cypher only after turning raw's records
into the answer the gateway gives: these are the pieces of that turn that need no Neo4j."""

from __future__ import annotations

import datetime as dt

from bench.credit_check import BATCH, CHECK
from bench.read_path import canonical
from bench.scaling import checks_of, project, root_selection, size_bytes

DAY = dt.date(2026, 11, 25)
SUBJECT = {"id": "s1", "name": "江阴市华宏化纤有限公司", "kind": "ORGANIZATION", "uscc": "X"}


def test_a_plain_answer_is_cut_to_the_selection() -> None:
    plain = {
        "found": True,
        "decision": "CLEAR",
        "subject": {**SUBJECT, "status": "ACTIVE"},
        "hits": [],
        "measures": [],
        "relatedParties": [{"role": "LEGAL_REPRESENTATIVE"}],
        "asOf": DAY,
    }
    assert project(plain, root_selection(CHECK)) == {
        "found": True,
        "decision": "CLEAR",
        "subject": {"id": "s1", "name": "江阴市华宏化纤有限公司"},
        "hits": [],
        "measures": [],
    }


def test_raw_records_become_the_gateway_answers_in_input_order() -> None:
    records = [{"measures": [], "subjects": [[1, [SUBJECT, [], [], ["PUBLIC"], []]]]}]
    unknown, known = project(
        checks_of(records, 2, "ADMINISTRATIVE_LICENSING", DAY), root_selection(BATCH)
    )
    assert unknown == {
        "found": False,
        "decision": None,
        "subject": None,
        "hits": [],
        "measures": [],
    }
    assert known["found"] is True and known["subject"] == {"id": "s1", "name": SUBJECT["name"]}
    assert known["decision"] == "CLEAR"  # no hits, no measures


def test_a_differing_answer_compares_unequal() -> None:
    a = project(checks_of([], 1, "ADMINISTRATIVE_LICENSING", DAY), root_selection(CHECK))
    b = {**a[0], "found": True}
    assert canonical(a[0]) != canonical(b)


def test_memory_settings_in_bytes() -> None:
    assert size_bytes("1.00GiB") == 2**30
    assert size_bytes("512m") == 512 * 2**20
    assert size_bytes("12.5GiB") == 12.5 * 2**30
