"""Imports never guess: a row that would change an identity is refused with its own code.

Each test loads a first state, then rows that claim the same key for another subject,
list, category, department or holder, across imports and within one batch. The
refused rows are reported, the good rows of the same file load, and the graph keeps
exactly the first state.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gateway.base.db import Database
from graph_schema.identifiers import normalise_uscc
from seeds.importer import Importer, ImportKind, Reject
from tests.conftest import unique_id_number, unique_uscc
from tests.graph import load, load_ok

DEPT = "320800/淮安市市场监督管理局"
OTHER_DEPT = "320800/国家税务总局淮安市税务局"
TODAY = dt.date(2026, 11, 25)


def code_of_both_kinds() -> str:
    """A never-used code that is a valid citizen ID number and a valid USCC at once."""
    while True:
        code = unique_id_number()
        try:
            return normalise_uscc(code)
        except Exception:  # noqa: BLE001 - most ID numbers are not valid USCCs
            continue


def black(subject: dict[str, str], ref: str, **extra: str) -> dict[str, str]:
    return {
        "list": "BLACK",
        **subject,
        "department_id": DEPT,
        "facts": "提供虚假材料",
        "recognised_on": "2025-05-01",
        "source_system": "court",
        "source_ref": ref,
        **extra,
    }


def codes(rejects: list[Reject]) -> list[tuple[int, str, str]]:
    return [(r.line, r.field, r.code) for r in rejects]


async def subjects_of(db: Database, label: str, key: str) -> list[str]:
    records = await db.read(
        f"MATCH (x:{label} {{key: $key}})-[:CONCERNS]->(s:Subject) "
        "RETURN coalesce(s.uscc, s.idNumber) AS code",
        {"key": key},
    )
    return sorted(r["code"] for r in records)


async def two_orgs(db: Database) -> tuple[str, str]:
    a, b = unique_uscc(), unique_uscc()
    await load_ok(
        db,
        "subjects",
        [{"uscc": a, "name": "淮安市甲贸易有限公司"}, {"uscc": b, "name": "淮安市乙贸易有限公司"}],
    )
    return a, b


async def test_an_entry_source_key_never_moves_to_another_subject(db: Database) -> None:
    a, b = await two_orgs(db)
    ref = f"(2025)苏0802执{a}号"
    await load_ok(db, "entries", [black({"uscc": a}, ref)])
    report, rejects = await load(
        db,
        "entries",
        [
            black({"uscc": b}, ref),  # the same row for another subject
            black({"uscc": b}, ref, facts="另一事实"),  # ... with a change as well
            black({"uscc": a}, ref, facts="更正后的事实"),  # a correction of the same entry
            black({"uscc": b}, ref + "-b"),  # a good row of the same file
        ],
    )
    assert codes(rejects) == [
        (1, "uscc", "SOURCE_KEY_CONFLICT"),
        (2, "uscc", "SOURCE_KEY_CONFLICT"),
    ]
    assert a in rejects[0].reason and b in rejects[0].reason
    assert rejects[0].value == b
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    assert await subjects_of(db, "ListEntry", f"court:{ref}") == [a]
    [entry] = await db.read(
        "MATCH (e:ListEntry {key: $key}) RETURN e.facts AS facts, e.version AS version",
        {"key": f"court:{ref}"},
    )
    assert (entry["facts"], entry["version"]) == ("更正后的事实", 2)


async def test_within_one_batch_the_first_claim_of_a_key_wins_at_any_batch_size(
    db: Database,
) -> None:
    """Rows are judged in file order, as if imported one by one, whatever the batch size."""
    results = []
    for batch_size in (2000, 1):
        a, b = await two_orgs(db)
        person = unique_id_number()
        await load_ok(db, "subjects", [{"id_number": person, "name": "王五"}])
        ref = f"batch-{a}"
        rows = [
            black({"uscc": unique_uscc()}, ref),  # an unknown subject claims nothing
            black({"uscc": a}, ref),
            black({"uscc": b}, ref),
            black({"id_number": person}, ref),
            black({"uscc": a}, ref, severity="SERIOUS"),
        ]
        importer = Importer(db, actor="test", batch_size=batch_size, today=TODAY)
        report, rejects = await importer.load(enumerate(rows, start=1), ImportKind.ENTRIES)
        results.append(([(r.line, r.code) for r in rejects], report.created, report.updated))
        assert await subjects_of(db, "ListEntry", f"court:{ref}") == [a]
        assert b in rejects[1].reason and a in rejects[1].reason
        assert person in rejects[2].reason
    expected = [(1, "UNKNOWN_SUBJECT"), (3, "SOURCE_KEY_CONFLICT"), (4, "SOURCE_KEY_CONFLICT")]
    assert results == [(expected, 1, 1), (expected, 1, 1)]


async def test_an_entry_keeps_its_list_and_its_recognising_department(db: Database) -> None:
    a, _ = await two_orgs(db)
    ref = f"kind-{a}"
    await load_ok(db, "entries", [black({"uscc": a}, ref)])
    report, rejects = await load(
        db,
        "entries",
        [
            black({"uscc": a}, ref, list="RED", facts=""),
            black({"uscc": a}, ref, department_id=OTHER_DEPT),
            black({"uscc": a}, ref),
        ],
    )
    assert codes(rejects) == [
        (1, "list", "LIST_KIND_CONFLICT"),
        (2, "department_id", "DEPARTMENT_CONFLICT"),
    ]
    assert "BLACK" in rejects[0].reason and "RED" in rejects[0].reason
    assert DEPT in rejects[1].reason and OTHER_DEPT in rejects[1].reason
    assert report.unchanged == 1
    [entry] = await db.read(
        "MATCH (e:ListEntry {key: $key}) "
        "RETURN e.kind AS kind, [(e)-[:RECOGNISED_BY]->(d) | d.id] AS departments",
        {"key": f"court:{ref}"},
    )
    assert (entry["kind"], entry["departments"]) == ("BLACK", [DEPT])


def record(subject: dict[str, str], ref: str, **extra: str) -> dict[str, str]:
    return {
        "category": "NEGATIVE",
        **subject,
        "department_id": DEPT,
        "type": "行政处罚",
        "recorded_on": "2025-01-01",
        "source_system": "penalties",
        "source_ref": ref,
        **extra,
    }


async def test_a_record_source_key_keeps_its_subject_category_and_department(
    db: Database,
) -> None:
    a, b = await two_orgs(db)
    ref = f"淮市监罚〔2025〕{a}号"
    await load_ok(db, "records", [record({"uscc": a}, ref)])
    report, rejects = await load(
        db,
        "records",
        [
            record({"uscc": b}, ref, title="改写"),
            record({"uscc": a}, ref, category="POSITIVE"),
            record({"uscc": a}, ref, department_id=OTHER_DEPT),
            record({"uscc": a}, ref, title="行政处罚决定书"),
        ],
    )
    assert codes(rejects) == [
        (1, "uscc", "SOURCE_KEY_CONFLICT"),
        (2, "category", "CATEGORY_CONFLICT"),
        (3, "department_id", "DEPARTMENT_CONFLICT"),
    ]
    assert a in rejects[0].reason and b in rejects[0].reason
    assert report.updated == 1
    assert await subjects_of(db, "CreditRecord", f"penalties:{ref}") == [a]
    [stored] = await db.read(
        "MATCH (r:CreditRecord {key: $key}) RETURN r.category AS category, r.title AS title, "
        "[(r)-[:PROVIDED_BY]->(d) | d.id] AS departments",
        {"key": f"penalties:{ref}"},
    )
    assert (stored["category"], stored["title"], stored["departments"]) == (
        "NEGATIVE",
        "行政处罚决定书",
        [DEPT],
    )


async def count_subjects(db: Database, code: str) -> list[str]:
    records = await db.read(
        "MATCH (s:Subject) WHERE s.uscc = $c OR s.idNumber = $c RETURN labels(s) AS labels",
        {"c": code},
    )
    return sorted(label for r in records for label in r["labels"] if label != "Subject")


async def test_a_code_never_becomes_the_other_kind_of_subject(db: Database) -> None:
    org_code, person_code, same_batch = (code_of_both_kinds() for _ in range(3))
    await load_ok(
        db,
        "subjects",
        [
            {"uscc": org_code, "name": "淮安市丙有限公司"},
            {"id_number": person_code, "name": "赵六"},
        ],
    )
    report, rejects = await load(
        db,
        "subjects",
        [
            {"subject_type": "PERSON", "id_number": org_code, "name": "钱七"},
            {"subject_type": "ORGANIZATION", "uscc": person_code, "name": "淮安市丁有限公司"},
            {"subject_type": "PERSON", "id_number": same_batch, "name": "孙八"},
            {"subject_type": "ORGANIZATION", "uscc": same_batch, "name": "淮安市戊有限公司"},
        ],
    )
    assert codes(rejects) == [
        (1, "id_number", "SUBJECT_TYPE_CONFLICT"),
        (2, "uscc", "SUBJECT_TYPE_CONFLICT"),
        (4, "uscc", "SUBJECT_TYPE_CONFLICT"),
    ]
    assert "淮安市丙有限公司" in rejects[0].reason and "赵六" in rejects[1].reason
    assert report.created == 1
    assert await count_subjects(db, org_code) == ["Organization"]
    assert await count_subjects(db, person_code) == ["Person"]
    assert await count_subjects(db, same_batch) == ["Person"]

    # Rows that link to a subject say which kind the code belongs to.
    _, rejects = await load(
        db,
        "entries",
        [black({"id_number": org_code}, f"type-{org_code}"), black({"uscc": person_code}, "t2")],
    )
    assert codes(rejects) == [
        (1, "id_number", "SUBJECT_TYPE_CONFLICT"),
        (2, "uscc", "SUBJECT_TYPE_CONFLICT"),
    ]
    _, rejects = await load(
        db,
        "roles",
        [
            {"id_number": org_code, "uscc": org_code, "role": "DIRECTOR", "start": "2020-01-01"},
            {
                "id_number": person_code,
                "uscc": person_code,
                "role": "DIRECTOR",
                "start": "2020-01-01",
            },
        ],
    )
    assert codes(rejects) == [
        (1, "id_number", "SUBJECT_TYPE_CONFLICT"),
        (2, "uscc", "SUBJECT_TYPE_CONFLICT"),
    ]


def role(person: str, org: str, kind: str = "LEGAL_REPRESENTATIVE", **extra: Any) -> dict[str, str]:
    return {"id_number": person, "uscc": org, "role": kind, "start": "2021-03-01", **extra}


async def test_a_post_with_one_holder_is_never_given_to_a_second_person(db: Database) -> None:
    """民法典 第六十一条: a legal person has one legal representative at a time."""
    org, other_org = await two_orgs(db)
    first, second, third = unique_id_number(), unique_id_number(), unique_id_number()
    await load_ok(
        db,
        "subjects",
        [
            {"id_number": p, "name": n}
            for p, n in ((first, "周一"), (second, "吴二"), (third, "郑三"))
        ],
    )
    await load_ok(db, "roles", [role(first, org)])
    report, rejects = await load(
        db,
        "roles",
        [
            role(second, org),  # a second legal representative from the same day
            role(second, org, "DIRECTOR"),  # many directors: fine
            role(first, org, end="2024-12-31"),  # the holder's own role ends: fine
            role(second, other_org),  # within one batch: the first claim wins
            role(third, other_org),
        ],
    )
    assert codes(rejects) == [
        (1, "id_number", "ROLE_HOLDER_CONFLICT"),
        (5, "id_number", "ROLE_HOLDER_CONFLICT"),
    ]
    assert first in rejects[0].reason and "周一" in rejects[0].reason
    assert second in rejects[1].reason
    assert (report.created, report.updated) == (2, 1)
    held = await db.read(
        "MATCH (p:Person)-[r:HOLDS_ROLE {kind: 'LEGAL_REPRESENTATIVE'}]->(o:Organization) "
        "WHERE o.uscc IN $orgs RETURN o.uscc AS org, collect(p.idNumber) AS people",
        {"orgs": [org, other_org]},
    )
    assert {r["org"]: r["people"] for r in held} == {org: [first], other_org: [second]}
