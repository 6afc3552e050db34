"""Subjects, roles and entries through the HTTP GraphQL endpoint."""

from __future__ import annotations

from typing import Any

from gateway.base.db import Database
from tests.conftest import LiveServer, unique_id_number, unique_uscc
from tests.graph import load_ok

DEPT = "320800/淮安市市场监督管理局"


async def test_lookup_by_each_key_and_invalid_code_is_a_clear_error(db: Database, gql: Any) -> None:
    org, person = unique_uscc(), unique_id_number()
    await load_ok(
        db,
        "subjects",
        [{"uscc": org, "name": "淮安市键值有限公司"}, {"id_number": person, "name": "赵敏"}],
    )
    by_uscc = gql(
        "query($u: String!) { subject(ref: {uscc: $u}) { id name kind } }", {"u": org.lower()}
    )
    node = by_uscc["data"]["subject"]
    assert node["name"] == "淮安市键值有限公司" and node["kind"] == "ORGANIZATION"
    by_id = gql(
        "query($i: ID!) { subject(ref: {id: $i}) { ... on Organization { uscc } } }",
        {"i": node["id"]},
    )
    assert by_id["data"]["subject"]["uscc"] == org
    by_number = gql(
        "query($n: String!) { person(idNumber: $n) { name sex idNumber } }", {"n": person}
    )
    assert by_number["data"]["person"]["name"] == "赵敏"
    bad = org[:-1] + ("0" if org[-1] != "0" else "1")
    err = gql("query($u: String!) { organization(uscc: $u) { name } }", {"u": bad})
    assert err["data"]["organization"] is None
    assert err["errors"][0]["extensions"] == {"code": "INVALID_USCC", "value": bad}
    missing = gql("query($u: String!) { organization(uscc: $u) { name } }", {"u": unique_uscc()})
    assert missing == {"data": {"organization": None}}


async def test_cjk_name_search_finds_real_names_by_two_characters(db: Database, gql: Any) -> None:
    a, b, c = unique_uscc(), unique_uscc(), unique_uscc()
    await load_ok(
        db,
        "subjects",
        [
            {"uscc": a, "name": "江阴市华宏化纤有限公司"},
            {"uscc": b, "name": "常州市天宁区华宏建材商行", "org_type": "UNINCORPORATED"},
            {"uscc": c, "name": "南通市恒信物流有限公司"},
        ],
    )
    result = gql('{ searchSubjects(name: "华宏", first: 50) { edges { node { name } } } }')
    names = [e["node"]["name"] for e in result["data"]["searchSubjects"]["edges"]]
    assert "江阴市华宏化纤有限公司" in names and "常州市天宁区华宏建材商行" in names
    assert "南通市恒信物流有限公司" not in names
    exact = gql(
        "query($q: String!) { searchSubjects(name: $q) { edges { node { name } } } }", {"q": c}
    )
    assert [e["node"]["name"] for e in exact["data"]["searchSubjects"]["edges"]] == [
        "南通市恒信物流有限公司"
    ]
    hostile = gql('{ searchSubjects(name: "华宏 AND (x OR \\"y") { edges { node { name } } } }')
    assert "errors" not in hostile


async def test_search_pages_with_cursors(db: Database, gql: Any) -> None:
    await load_ok(
        db,
        "subjects",
        [{"uscc": unique_uscc(), "name": f"淮安市翻页测试{i}有限公司"} for i in range(5)],
    )
    q = """query($a: String) { searchSubjects(name: "翻页测试", first: 2, after: $a) {
      edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }"""
    seen: list[str] = []
    after = None
    for _ in range(5):
        page = gql(q, {"a": after})["data"]["searchSubjects"]
        seen += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == 5 and len(set(seen)) == 5
    bad = gql(q, {"a": "not-a-cursor"})
    assert (
        bad["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
        or bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    )


async def test_roles_both_directions_with_dates_and_entries_as_of(db: Database, gql: Any) -> None:
    org, old, new = unique_uscc(), unique_id_number(), unique_id_number()
    await load_ok(
        db,
        "subjects",
        [
            {"uscc": org, "name": "淮安市换届有限公司"},
            {"id_number": old, "name": "钱前"},
            {"id_number": new, "name": "孙后"},
        ],
    )
    await load_ok(
        db,
        "roles",
        [
            {
                "id_number": old,
                "uscc": org,
                "role": "LEGAL_REPRESENTATIVE",
                "start": "2015-01-01",
                "end": "2022-06-30",
            },
            {"id_number": new, "uscc": org, "role": "LEGAL_REPRESENTATIVE", "start": "2022-07-01"},
            {"id_number": old, "uscc": org, "role": "DIRECTOR", "start": "2015-01-01"},
        ],
    )
    await load_ok(
        db,
        "entries",
        [
            {
                "list": "BLACK",
                "uscc": org,
                "department_id": DEPT,
                "facts": "一般违法",
                "recognised_on": "2024-03-01",
                "severity": "GENERAL",
            }
        ],
    )
    q = """query($u: String!) { organization(uscc: $u) {
      now: legalRepresentative { name }
      then: legalRepresentative(asOf: "2020-01-01") { name }
      roles(kind: [LEGAL_REPRESENTATIVE]) { person { name } start end }
      inForce: listEntries(asOf: "2024-12-01") {
        status validUntil recognisingDepartment { name level } }
      today: listEntries { status }
      active: listEntries(status: ACTIVE) { id }
    } }"""
    o = gql(q, {"u": org})["data"]["organization"]
    assert o["now"]["name"] == "孙后" and o["then"]["name"] == "钱前"
    assert [(r["person"]["name"], r["end"]) for r in o["roles"]] == [
        ("孙后", None),
        ("钱前", "2022-06-30"),
    ]
    assert o["inForce"] == [
        {
            "status": "ACTIVE",
            "validUntil": "2025-03-01",
            "recognisingDepartment": {"name": "淮安市市场监督管理局", "level": "MUNICIPAL"},
        }
    ]
    assert o["today"] == [{"status": "EXPIRED"}] and o["active"] == []
    p = gql(
        "query($n: String!) { person(idNumber: $n) { roles { kind organization { uscc } } } }",
        {"n": old},
    )["data"]["person"]
    assert sorted(r["kind"] for r in p["roles"]) == ["DIRECTOR", "LEGAL_REPRESENTATIVE"]
    assert {r["organization"]["uscc"] for r in p["roles"]} == {org}


async def test_hundred_subjects_with_relations_cost_a_fixed_number_of_queries(
    db: Database, gql: Any, gateway: LiveServer
) -> None:
    rows, people, roles, entries = [], [], [], []
    for i in range(100):
        org, person = unique_uscc(), unique_id_number()
        rows.append({"uscc": org, "name": f"淮安市批量加载{i}有限公司"})
        people.append({"id_number": person, "name": f"批量{i}"})
        roles.append(
            {
                "id_number": person,
                "uscc": org,
                "role": "LEGAL_REPRESENTATIVE",
                "start": "2020-01-01",
            }
        )
        entries.append(
            {
                "list": "BLACK",
                "uscc": org,
                "department_id": DEPT,
                "facts": "x",
                "recognised_on": "2025-01-01",
                "severity": "SERIOUS",
            }
        )
    await load_ok(db, "subjects", rows + people)
    await load_ok(db, "roles", roles)
    await load_ok(db, "entries", entries)
    q = """{ searchSubjects(name: "批量加载", kind: ORGANIZATION, first: 100) { edges { node {
      name ... on Organization { legalRepresentative { name }
        listEntries { kind recognisingDepartment { name } } } } } } }"""
    before = gateway.queries
    result = gql(q)
    used = gateway.queries - before
    edges = result["data"]["searchSubjects"]["edges"]
    assert len(edges) == 100
    assert all(e["node"]["legalRepresentative"]["name"].startswith("批量") for e in edges)
    assert all(len(e["node"]["listEntries"]) == 1 for e in edges)
    assert used == 1  # one compiled query for the root field
