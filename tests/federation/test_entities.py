"""``_entities``: references from other subgraphs resolve in batches, under the same rules."""

from __future__ import annotations

from typing import Any

from gateway.base.db import Database
from gateway.base.settings import Settings
from tests.conftest import LiveServer, unique_id_number, unique_uscc
from tests.graph import load_ok
from tests.integration.audiences import bearer, subject_id

ENTITIES = """query($r: [_Any!]!) { _entities(representations: $r) {
  __typename
  ... on Organization { uscc name listEntries { id kind }
                        creditCheck(matter: FISCAL_FUNDS) { decision hits { entryId } } }
  ... on Person { name idNumberMasked }
  ... on ListEntry { id facts }
  ... on Department { name aliases }
} }"""


async def test_a_thousand_references_cost_a_fixed_few_queries(
    db: Database, gql: Any, gateway: LiveServer, settings: Settings
) -> None:
    codes = [unique_uscc() for _ in range(1000)]
    await load_ok(
        db, "subjects", [{"uscc": c, "name": f"淮安市实体{n}有限公司"} for n, c in enumerate(codes)]
    )
    await load_ok(
        db,
        "entries",
        [
            {
                "list": "BLACK",
                "uscc": c,
                "department_id": "320800/淮安市市场监督管理局",
                "severity": "SERIOUS",
                "recognised_on": "2026-03-01",
                "disclosure": "PUBLIC",
                "facts": f"实体失信{n}",
                "basis": "实施办法 第六条",
                "document_number": f"实体{n}",
            }
            for n, c in enumerate(codes[:100])
        ],
    )
    headers = bearer(settings, roles=["approval"])

    def run(refs: list[dict[str, str]]) -> tuple[list[Any], int]:
        before = gateway.queries
        answer = gql(ENTITIES, {"r": refs}, headers=headers)
        assert "errors" not in answer, answer
        return answer["data"]["_entities"], gateway.queries - before

    few, few_queries = run([{"__typename": "Organization", "uscc": c} for c in codes[:10]])
    many, many_queries = run([{"__typename": "Organization", "uscc": c} for c in codes])
    assert [e["uscc"] for e in many] == codes  # in the order asked
    assert [e["creditCheck"]["decision"] for e in many[:100]] == ["BLOCK"] * 100
    assert {e["creditCheck"]["decision"] for e in many[100:]} == {"CLEAR"}
    assert all(len(e["listEntries"]) == 1 for e in many[:100])
    # organisations with their entries and checks: one query, whatever the count
    assert many_queries == few_queries == 1, (few_queries, many_queries)
    mixed = [
        {"__typename": "Organization", "uscc": codes[0]},
        {"__typename": "Department", "id": "320800/淮安市市场监督管理局"},
        {"__typename": "Organization", "uscc": codes[1]},
    ]
    answers, queries = run(mixed)
    assert [a.get("uscc") or a.get("name") for a in answers] == [
        codes[0],
        "淮安市市场监督管理局",
        codes[1],
    ]
    assert queries == 2  # one per entity type


async def test_references_resolve_only_what_the_caller_may_see(
    db: Database, gql: Any, settings: Settings
) -> None:
    org, person = unique_uscc(), unique_id_number()
    await load_ok(
        db,
        "subjects",
        [
            {"uscc": org, "name": "淮安市实体授权有限公司"},
            {"id_number": person, "name": "实体个人"},
        ],
    )
    await load_ok(
        db,
        "entries",
        [
            {
                "list": "BLACK",
                "uscc": org,
                "department_id": "320800/淮安市市场监督管理局",
                "severity": "SERIOUS",
                "recognised_on": "2026-03-01",
                "disclosure": disclosure,
                "facts": f"实体{disclosure}事实",
                "basis": "实施办法 第六条",
                "document_number": f"淮市监罚〔2026〕实体{disclosure}号",
            }
            for disclosure in ("PUBLIC", "GOVERNMENT", "AUTHORISED")
        ],
    )
    subject = await subject_id(db, uscc=org)
    rows = await db.read(
        "MATCH (:Subject {id: $s})<-[:CONCERNS]-(e:ListEntry) RETURN e.disclosure AS d, e.id AS id",
        {"s": subject},
    )
    entry = {r["d"]: r["id"] for r in rows}
    person_id = await subject_id(db, id_number=person)
    refs = [
        {"__typename": "ListEntry", "id": entry[d]} for d in ("PUBLIC", "GOVERNMENT", "AUTHORISED")
    ]
    refs += [
        {"__typename": "Person", "id": person_id},
        {"__typename": "Person", "id": subject},  # an organisation is no person
        {"__typename": "Department", "id": "320800/淮安市市场监督管理局"},
    ]
    answer = gql(ENTITIES, {"r": refs}, headers=bearer(settings, roles=["approval"]))
    public, government, authorised, person_ref, not_a_person, department = answer["data"][
        "_entities"
    ]
    assert public["facts"] == "实体PUBLIC事实" and government["facts"] == "实体GOVERNMENT事实"
    assert authorised is None  # an authorised-query entry needs consent (管理办法 第二十一条)
    assert person_ref == {
        "__typename": "Person",
        "name": "实体个人",
        "idNumberMasked": person[:6] + "*" * 12,
    }
    assert not_a_person is None
    assert department["name"] == "淮安市市场监督管理局" and department["aliases"]
    # the ID number is never a key: a representation by it resolves nothing
    by_number = gql(
        ENTITIES,
        {"r": [{"__typename": "Person", "idNumber": person}]},
        headers=bearer(settings, roles=["approval"]),
    )
    assert by_number.get("data") is None or by_number["data"]["_entities"] == [None]
    assert person not in str(by_number.get("data"))
