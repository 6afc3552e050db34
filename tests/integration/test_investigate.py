"""Investigators' queries on a crafted graph with known answers.

``world()`` builds, through the importer, five organisations and eight persons:

    lr   ─LEGAL_REPRESENTATIVE 2015-01-01…2020-12-31─┐
    new  ─LEGAL_REPRESENTATIVE 2021-01-01…───────────┤
    dir  ─DIRECTOR 2016-01-01…─┐                     ├─ A (red entry, PUBLIC)
    dir2 ─DIRECTOR 2016-06-01…─┼─────────────────────┤
    e    ─SENIOR_MANAGER 2017-01-01…─────────────────┘
    dir, dir2 ─DIRECTOR 2018-…→ B (black, AUTHORISED) ←SUPERVISOR 2019-01-01…─ sup
    sup  ─LEGAL_REPRESENTATIVE 2010-01-01…2019-06-30→ C (black, PUBLIC, 一般)
    e    ─LEGAL_REPRESENTATIVE 2012-01-01…→ E (black, GOVERNMENT)
    c    ─LEGAL_REPRESENTATIVE 2019-07-01…→ C;  c ─DIRECTOR 2022-01-01…→ D
    d    ─LEGAL_REPRESENTATIVE 2020-01-01…→ D (black, PUBLIC, 严重, act 2023-03-01:
                                                propagates to d, 管理办法 第二十六条)

From A: hop 1 lr, new, dir, dir2, e; hop 2 B, E; hop 3 sup; hop 4 C; D and d lie further.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from graphql import ExecutionResult, execute, parse

from gateway.base.db import Database
from gateway.base.errors import QueryBudgetExceeded
from gateway.base.settings import Settings
from gateway.base.viewer import Viewer
from gateway.executor import Executor
from gateway.graphql_http import format_error
from resolvers.context import Context
from resolvers.schema import government_schema
from tests.conftest import LiveServer, free_port, unique_id_number, unique_uscc
from tests.graph import load_ok
from tests.integration.audiences import DEPT, audit_events, bearer, subject_headers

FAR = "2035-12-31"
NODE = "id kind label hops blackListed"
GRAPH = f"""query($s: SubjectRef!, $d: Int!, $r: RoleFilter, $k: [ListKind!], $dep: Boolean!,
  $max: Int!) {{ neighbourhood(subject: $s, depth: $d, roles: $r, listKinds: $k,
  departments: $dep, maxNodes: $max) {{ rootId depth asOf truncated
    nodes {{ {NODE} subject {{ name uscc idNumberMasked blackListed }}
             entry {{ kind category disclosure derived derivedRoles throughOrganizationName
                     explanation department {{ id }} }} department {{ id name }} }}
    edges {{ id kind source target role start end }} }} }}"""
PATHS = """query($a: SubjectRef!, $b: SubjectRef!, $h: Int!, $r: RoleFilter, $first: Int!,
  $after: String) { shortestPaths(from: $a, to: $b, maxHops: $h, roles: $r, first: $first,
  after: $after) { totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { length nodes { id name blackListed }
                          steps { from to role { kind start end } } } } } }"""
RISK = """query($s: SubjectRef!, $h: Int!, $first: Int!, $after: String) {
  riskAround(subject: $s, maxHops: $h, first: $first, after: $after) {
    totalCount walked pageInfo { hasNextPage endCursor }
    edges { cursor node { hops subject { id name blackListed }
      entries { kind disclosure category }
      path { length nodes { id } steps { from to role { kind start end } } } } } } }"""
OFFICERS = """query($o: SubjectRef!, $t: Tenure, $on: Date, $first: Int!, $after: String) {
  officersOfOrganization(organization: $o, tenure: $t, on: $on, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { cursor current node { id kind start end person { name } } } } }"""
ORGS = """query($p: SubjectRef!, $t: Tenure) { organizationsOfPerson(person: $p, tenure: $t) {
  edges { current node { kind start end organization { name } } } } }"""
SHARED = """query($o: SubjectRef!, $r: RoleFilter, $first: Int!, $after: String) {
  sharedOfficers(organization: $o, roles: $r, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { sharedCount organization { name }
      officers { person { name } rolesHere rolesThere } } } } }"""


def black(subject: dict[str, str], disclosure: str, severity: str, **extra: str) -> dict[str, str]:
    return {
        "list": "BLACK",
        "department_id": DEPT,
        "severity": severity,
        "facts": "测试失信事实",
        "category": f"{disclosure}类失信",
        "recognised_on": "2025-06-01",
        "valid_until": FAR,
        "disclosure": disclosure,
        "source_system": "test",
        "source_ref": f"inv-{next(iter(subject.values()))}",
        **subject,
        **extra,
    }


async def world(db: Database, tag: str) -> dict[str, Any]:
    o = {k: unique_uscc() for k in "ABCDE"}
    p = {k: unique_id_number() for k in ("lr", "new", "dir", "dir2", "e", "sup", "c", "d")}
    await load_ok(
        db,
        "subjects",
        [{"uscc": u, "name": f"淮安市{tag}{k}探查有限公司"} for k, u in o.items()]
        + [{"id_number": n, "name": f"{tag}{k}"} for k, n in p.items()],
    )

    def role(person: str, org: str, kind: str, start: str, end: str = "") -> dict[str, str]:
        return {"id_number": p[person], "uscc": o[org], "role": kind, "start": start, "end": end}

    await load_ok(
        db,
        "roles",
        [
            role("lr", "A", "LEGAL_REPRESENTATIVE", "2015-01-01", "2020-12-31"),
            role("new", "A", "LEGAL_REPRESENTATIVE", "2021-01-01"),
            role("dir", "A", "DIRECTOR", "2016-01-01"),
            role("dir", "B", "DIRECTOR", "2018-01-01"),
            role("dir2", "A", "DIRECTOR", "2016-06-01"),
            role("dir2", "B", "DIRECTOR", "2018-06-01"),
            role("e", "A", "SENIOR_MANAGER", "2017-01-01"),
            role("e", "E", "LEGAL_REPRESENTATIVE", "2012-01-01"),
            role("sup", "B", "SUPERVISOR", "2019-01-01"),
            role("sup", "C", "LEGAL_REPRESENTATIVE", "2010-01-01", "2019-06-30"),
            role("c", "C", "LEGAL_REPRESENTATIVE", "2019-07-01"),
            role("c", "D", "DIRECTOR", "2022-01-01"),
            role("d", "D", "LEGAL_REPRESENTATIVE", "2020-01-01"),
        ],
    )
    await load_ok(
        db,
        "entries",
        [
            black({"uscc": o["B"]}, "AUTHORISED", "MAJOR"),
            black({"uscc": o["C"]}, "PUBLIC", "GENERAL"),
            black(
                {"uscc": o["D"]},
                "PUBLIC",
                "SERIOUS",
                act_on="2023-03-01",
                recognised_on="2023-09-01",
            ),
            black({"uscc": o["E"]}, "GOVERNMENT", "MAJOR"),
            {
                "list": "RED",
                "uscc": o["A"],
                "department_id": DEPT,
                "category": "纳税信用A级",
                "recognised_on": "2025-01-01",
                "valid_until": FAR,
                "disclosure": "PUBLIC",
            },
        ],
    )
    rows = await db.read(
        "MATCH (s:Subject) WHERE s.uscc IN $u OR s.idNumber IN $n "
        "RETURN coalesce(s.uscc, s.idNumber) AS key, s.id AS id",
        {"u": list(o.values()), "n": list(p.values())},
    )
    ids = {r["key"]: r["id"] for r in rows}
    return {
        "tag": tag,
        "uscc": o,
        "idn": p,
        "id": {**{k: ids[u] for k, u in o.items()}, **{k: ids[n] for k, n in p.items()}},
    }


@pytest.fixture(scope="module")
async def w(db: Database) -> AsyncIterator[dict[str, Any]]:
    yield await world(db, "探")


def names(w: dict[str, Any], ids: list[str]) -> set[str]:
    back = {v: k for k, v in w["id"].items()}
    return {back.get(i, i) for i in ids}


def graph(
    gql: Any,
    ref: dict[str, str],
    depth: int = 4,
    roles: dict[str, Any] | None = None,
    kinds: list[str] | None = None,
    departments: bool = True,
    cap: int = 200,
) -> dict[str, Any]:
    body = gql(
        GRAPH, {"s": ref, "d": depth, "r": roles, "k": kinds, "dep": departments, "max": cap}
    )
    assert "errors" not in body, body
    return body["data"]["neighbourhood"]


def subjects_of(w: dict[str, Any], g: dict[str, Any]) -> dict[str, int]:
    back = {v: k for k, v in w["id"].items()}
    return {back[n["id"]]: n["hops"] for n in g["nodes"] if n["kind"] in ("PERSON", "ORGANIZATION")}


async def test_neighbourhood_draws_subjects_roles_entries_and_departments(
    gql: Any, w: dict[str, Any]
) -> None:
    g = graph(gql, {"uscc": w["uscc"]["A"]})
    assert g["rootId"] == w["id"]["A"] and g["depth"] == 4 and g["truncated"] is False
    assert subjects_of(w, g) == {
        "A": 0,
        "lr": 1,
        "new": 1,
        "dir": 1,
        "dir2": 1,
        "e": 1,
        "B": 2,
        "E": 2,
        "sup": 3,
        "C": 4,
    }
    by_id = {n["id"]: n for n in g["nodes"]}
    marked = {k for k in "ABCE" if by_id[w["id"][k]]["blackListed"]}
    assert marked == {"C", "E"}  # B's entry is 授权查询: not for this caller, not even as a mark
    entries = sorted(
        (n["entry"]["kind"], n["entry"]["disclosure"])
        for n in g["nodes"]
        if n["kind"] == "LIST_ENTRY"
    )
    assert entries == [("BLACK", "GOVERNMENT"), ("BLACK", "PUBLIC"), ("RED", "PUBLIC")]
    assert [n["department"]["id"] for n in g["nodes"] if n["kind"] == "DEPARTMENT"] == [DEPT]
    assert len(g["nodes"]) == 14
    kinds: dict[str, int] = {}
    for e in g["edges"]:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    assert kinds == {"ROLE": 10, "LISTED": 3, "RECOGNISED_BY": 3}
    lr = next(e for e in g["edges"] if e["source"] == w["id"]["lr"])
    assert (lr["target"], lr["role"], lr["start"], lr["end"]) == (
        w["id"]["A"],
        "LEGAL_REPRESENTATIVE",
        "2015-01-01",
        "2020-12-31",
    )
    assert "SENTINEL" not in str(g) and "AUTHORISED" not in str(g)


async def test_role_windows_on_a_date(gql: Any, w: dict[str, Any]) -> None:
    a = {"uscc": w["uscc"]["A"]}
    before = graph(gql, a, depth=1, roles={"asOf": "2019-03-01"}, kinds=[])
    assert set(subjects_of(w, before)) == {"A", "lr", "dir", "dir2", "e"}
    after = graph(gql, a, depth=1, roles={"asOf": "2021-06-01"}, kinds=[])
    assert set(subjects_of(w, after)) == {"A", "new", "dir", "dir2", "e"}
    assert after["asOf"] == "2021-06-01"
    # Both ends inclusive: the last day of lr's post still counts, the next does not.
    assert "lr" in subjects_of(w, graph(gql, a, 1, {"asOf": "2020-12-31"}, []))
    assert "lr" not in subjects_of(w, graph(gql, a, 1, {"asOf": "2021-01-01"}, []))
    # sup left C on 2019-06-30: four hops reach C before, not after.
    assert subjects_of(w, graph(gql, a, 4, {"asOf": "2019-03-01"}, []))["C"] == 4
    assert "C" not in subjects_of(w, graph(gql, a, 4, {"asOf": "2021-06-01"}, []))
    directors = graph(gql, a, depth=4, roles={"kinds": ["DIRECTOR"]}, kinds=[])
    assert subjects_of(w, directors) == {"A": 0, "dir": 1, "dir2": 1, "B": 2}
    assert {e["role"] for e in directors["edges"]} == {"DIRECTOR"}


async def test_node_cap_keeps_the_nearest_and_says_so(gql: Any, w: dict[str, Any]) -> None:
    a = {"uscc": w["uscc"]["A"]}
    six = graph(gql, a, kinds=[], departments=False, cap=6)
    assert six["truncated"] is True
    assert subjects_of(w, six) == {"A": 0, "lr": 1, "new": 1, "dir": 1, "dir2": 1, "e": 1}
    assert all(e["source"] in {n["id"] for n in six["nodes"]} for e in six["edges"])
    assert graph(gql, a, cap=14)["truncated"] is False
    thirteen = graph(gql, a, cap=13)
    assert thirteen["truncated"] is True and len(thirteen["nodes"]) == 13
    one = graph(gql, a, cap=1)
    assert [n["id"] for n in one["nodes"]] == [w["id"]["A"]] and one["truncated"] is True


async def test_derived_entries_are_drawn_and_explained(gql: Any, w: dict[str, Any]) -> None:
    g = graph(gql, {"idNumber": w["idn"]["d"]}, depth=1)
    assert subjects_of(w, g) == {"d": 0, "D": 1}
    person = next(n for n in g["nodes"] if n["id"] == w["id"]["d"])
    assert person["blackListed"] is True  # through D, 管理办法 第二十六条
    derived = next(n for n in g["nodes"] if n["kind"] == "LIST_ENTRY" and n["entry"]["derived"])
    assert derived["entry"]["derivedRoles"] == ["LEGAL_REPRESENTATIVE"]
    assert derived["entry"]["throughOrganizationName"] == f"淮安市{w['tag']}D探查有限公司"
    text = derived["entry"]["explanation"]
    assert "第二十六条" in text and "2023-03-01" in text and f"{w['tag']}d" in text
    edges = {(e["kind"], e["source"]) for e in g["edges"]}
    assert ("DERIVED_FROM", derived["id"]) in edges and ("THROUGH", derived["id"]) in edges
    through = next(e for e in g["edges"] if e["kind"] == "THROUGH")
    assert through["target"] == w["id"]["D"]


async def test_shortest_paths_with_roles_and_dates_and_stable_cursors(
    gql: Any, w: dict[str, Any]
) -> None:
    a, c = {"uscc": w["uscc"]["A"]}, {"uscc": w["uscc"]["C"]}
    body = gql(PATHS, {"a": a, "b": c, "h": 4, "first": 10})["data"]["shortestPaths"]
    assert body["totalCount"] == 2 and body["pageInfo"]["hasNextPage"] is False
    paths = [e["node"] for e in body["edges"]]
    back = {v: k for k, v in w["id"].items()}
    assert sorted([back[n["id"]] for n in p["nodes"]] for p in paths) == [
        ["A", "dir", "B", "sup", "C"],
        ["A", "dir2", "B", "sup", "C"],
    ]
    via_dir = next(p for p in paths if p["nodes"][1]["id"] == w["id"]["dir"])
    assert [n["name"] for n in via_dir["nodes"]][0].endswith("A探查有限公司")
    steps = via_dir["steps"]
    assert [(s["role"]["kind"], s["role"]["start"], s["role"]["end"]) for s in steps] == [
        ("DIRECTOR", "2016-01-01", None),
        ("DIRECTOR", "2018-01-01", None),
        ("SUPERVISOR", "2019-01-01", None),
        ("LEGAL_REPRESENTATIVE", "2010-01-01", "2019-06-30"),
    ]
    assert steps[0]["from"] == w["id"]["A"] and steps[-1]["to"] == w["id"]["C"]
    assert via_dir["nodes"][-1]["blackListed"] is True and via_dir["length"] == 4
    # One at a time: the same two paths, in the same order, with the same cursors.
    first = gql(PATHS, {"a": a, "b": c, "h": 4, "first": 1})["data"]["shortestPaths"]
    assert first["pageInfo"]["hasNextPage"] is True
    second = gql(
        PATHS, {"a": a, "b": c, "h": 4, "first": 1, "after": first["pageInfo"]["endCursor"]}
    )["data"]["shortestPaths"]
    assert second["pageInfo"]["hasNextPage"] is False
    assert [e["cursor"] for e in first["edges"] + second["edges"]] == [
        e["cursor"] for e in body["edges"]
    ]
    assert (
        gql(PATHS, {"a": a, "b": c, "h": 3, "first": 5})["data"]["shortestPaths"]["totalCount"] == 0
    )
    late = gql(PATHS, {"a": a, "b": c, "h": 6, "r": {"asOf": "2021-06-01"}, "first": 5})
    assert late["data"]["shortestPaths"]["totalCount"] == 0  # sup had left C by then
    same = gql(PATHS, {"a": a, "b": a, "h": 4, "first": 1})
    assert same["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_officers_over_time_and_a_persons_organisations(gql: Any, w: dict[str, Any]) -> None:
    a = {"uscc": w["uscc"]["A"]}

    def officers(**v: Any) -> list[tuple[str, str]]:
        body = gql(OFFICERS, {"o": a, "first": 20, **v})["data"]["officersOfOrganization"]
        return [
            (e["node"]["person"]["name"].removeprefix(w["tag"]), e["node"]["kind"])
            for e in body["edges"]
        ]

    assert officers() == [
        ("new", "LEGAL_REPRESENTATIVE"),
        ("e", "SENIOR_MANAGER"),
        ("dir2", "DIRECTOR"),
        ("dir", "DIRECTOR"),
        ("lr", "LEGAL_REPRESENTATIVE"),
    ]
    assert [n for n, _ in officers(t="CURRENT", on="2019-03-01")] == ["e", "dir2", "dir", "lr"]
    assert officers(t="PAST", on="2021-06-01") == [("lr", "LEGAL_REPRESENTATIVE")]
    orgs = gql(ORGS, {"p": {"idNumber": w["idn"]["sup"]}})["data"]["organizationsOfPerson"]
    assert [
        (e["node"]["organization"]["name"][-7:-6], e["current"], e["node"]["end"])
        for e in orgs["edges"]
    ] == [("B", True, None), ("C", False, "2019-06-30")]
    past = gql(ORGS, {"p": {"idNumber": w["idn"]["sup"]}, "t": "PAST"})
    assert [
        e["node"]["organization"]["name"][-7:-6]
        for e in past["data"]["organizationsOfPerson"]["edges"]
    ] == ["C"]
    wrong = gql(ORGS, {"p": a})
    assert wrong["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_role_cursors_are_keyset_stable(gql: Any, db: Database) -> None:
    org, people = unique_uscc(), [unique_id_number() for _ in range(8)]
    await load_ok(
        db,
        "subjects",
        [{"uscc": org, "name": "淮安市翻页测试有限公司"}]
        + [{"id_number": n, "name": f"翻页{i}"} for i, n in enumerate(people)],
    )
    await load_ok(
        db,
        "roles",
        [
            {"id_number": n, "uscc": org, "role": "DIRECTOR", "start": "2020-01-01"}
            for n in people[:6]
        ]
        + [
            {
                "id_number": people[6],
                "uscc": org,
                "role": "LEGAL_REPRESENTATIVE",
                "start": "2019-01-01",
            }
        ],
    )

    def page(after: str | None) -> dict[str, Any]:
        return gql(OFFICERS, {"o": {"uscc": org}, "first": 2, "after": after})["data"][
            "officersOfOrganization"
        ]

    everything = gql(OFFICERS, {"o": {"uscc": org}, "first": 50})["data"]["officersOfOrganization"]
    ids = [e["node"]["id"] for e in everything["edges"]]
    assert len(ids) == 7 and everything["edges"][-1]["node"]["kind"] == "LEGAL_REPRESENTATIVE"
    first = page(None)
    # A new officer sorting before the cursor does not shift the pages after it.
    await load_ok(
        db,
        "roles",
        [{"id_number": people[7], "uscc": org, "role": "SUPERVISOR", "start": "2025-01-01"}],
    )
    seen, cursor, has_next = (
        [e["node"]["id"] for e in first["edges"]],
        first["pageInfo"]["endCursor"],
        True,
    )
    while has_next:
        nxt = page(cursor)
        seen += [e["node"]["id"] for e in nxt["edges"]]
        cursor, has_next = nxt["pageInfo"]["endCursor"], nxt["pageInfo"]["hasNextPage"]
    assert seen == ids
    assert page(None)["edges"][0]["node"]["kind"] == "SUPERVISOR"
    bad = gql(OFFICERS, {"o": {"uscc": org}, "first": 2, "after": "bm9wZQ=="})
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_shared_officers(gql: Any, w: dict[str, Any]) -> None:
    a = {"uscc": w["uscc"]["A"]}
    body = gql(SHARED, {"o": a, "first": 10})["data"]["sharedOfficers"]
    rows = [
        (
            e["node"]["organization"]["name"][-7:-6],
            e["node"]["sharedCount"],
            [
                (o["person"]["name"].removeprefix(w["tag"]), o["rolesHere"], o["rolesThere"])
                for o in e["node"]["officers"]
            ],
        )
        for e in body["edges"]
    ]
    assert sorted(rows[0][2]) == [
        ("dir", ["DIRECTOR"], ["DIRECTOR"]),
        ("dir2", ["DIRECTOR"], ["DIRECTOR"]),
    ]
    assert [(r[0], r[1]) for r in rows] == [("B", 2), ("E", 1)]
    assert rows[1][2] == [("e", ["SENIOR_MANAGER"], ["LEGAL_REPRESENTATIVE"])]
    one = gql(SHARED, {"o": a, "first": 1})["data"]["sharedOfficers"]
    two = gql(SHARED, {"o": a, "first": 1, "after": one["pageInfo"]["endCursor"]})["data"][
        "sharedOfficers"
    ]
    both = one["edges"] + two["edges"]
    assert [e["cursor"] for e in both] == [e["cursor"] for e in body["edges"]]
    assert two["pageInfo"]["hasNextPage"] is False
    officers = gql(
        SHARED, {"o": a, "r": {"kinds": ["SENIOR_MANAGER", "LEGAL_REPRESENTATIVE"]}, "first": 10}
    )["data"]["sharedOfficers"]["edges"]
    assert [e["node"]["sharedCount"] for e in officers] == [1]


async def test_risk_around_a_subject(gql: Any, w: dict[str, Any]) -> None:
    a = {"uscc": w["uscc"]["A"]}
    near = gql(RISK, {"s": a, "h": 2, "first": 10})["data"]["riskAround"]
    assert near["totalCount"] == 1 and near["walked"] == 7  # 5 persons, B and E
    hit = near["edges"][0]["node"]
    assert (hit["subject"]["id"], hit["hops"], hit["subject"]["blackListed"]) == (
        w["id"]["E"],
        2,
        True,
    )
    assert hit["entries"] == [
        {"kind": "BLACK", "disclosure": "GOVERNMENT", "category": "GOVERNMENT类失信"}
    ]
    assert [n["id"] for n in hit["path"]["nodes"]] == [w["id"]["A"], w["id"]["e"], w["id"]["E"]]
    assert [(s["role"]["kind"], s["role"]["start"]) for s in hit["path"]["steps"]] == [
        ("SENIOR_MANAGER", "2017-01-01"),
        ("LEGAL_REPRESENTATIVE", "2012-01-01"),
    ]
    far = gql(RISK, {"s": a, "h": 4, "first": 10})["data"]["riskAround"]
    assert [
        (names(w, [e["node"]["subject"]["id"]]).pop(), e["node"]["hops"]) for e in far["edges"]
    ] == [("E", 2), ("C", 4)]  # B: 授权查询, no consent
    p1 = gql(RISK, {"s": a, "h": 4, "first": 1})["data"]["riskAround"]
    p2 = gql(RISK, {"s": a, "h": 4, "first": 1, "after": p1["pageInfo"]["endCursor"]})
    assert [e["cursor"] for e in p1["edges"] + p2["data"]["riskAround"]["edges"]] == [
        e["cursor"] for e in far["edges"]
    ]


async def test_risk_sees_authorised_entries_only_under_consent(
    gql: Any, settings: Settings, db: Database
) -> None:
    w = await world(db, "许")
    grant = gql(
        """mutation($i: GrantConsentInput!) { grantConsent(input: $i) { id } }""",
        {
            "i": {
                "subject": {"uscc": w["uscc"]["B"]},
                "grantee": {"departmentId": DEPT},
                "scope": ["AUTHORISED"],
                "purpose": "调查",
                "validUntil": "2035-01-01T00:00:00+08:00",
            }
        },
        headers=subject_headers(settings, w["id"]["B"]),
    )
    consent = grant["data"]["grantConsent"]["id"]
    a = {"uscc": w["uscc"]["A"]}
    without = gql(RISK, {"s": a, "h": 2, "first": 10}, headers=bearer(settings))
    assert [e["node"]["subject"]["id"] for e in without["data"]["riskAround"]["edges"]] == [
        w["id"]["E"]
    ]
    under = gql(RISK, {"s": a, "h": 2, "first": 10}, headers=bearer(settings, consent="*"))
    hits = {e["node"]["subject"]["id"]: e["node"] for e in under["data"]["riskAround"]["edges"]}
    assert set(hits) == {w["id"]["B"], w["id"]["E"]}
    assert hits[w["id"]["B"]]["entries"][0]["disclosure"] == "AUTHORISED"
    [event] = await audit_events(db, w["id"]["B"], 1)
    assert (event["classes"], event["consentIds"], event["operations"]) == (
        ["AUTHORISED"],
        [consent],
        ["riskAround"],
    )


async def test_every_exploration_is_registered(gql: Any, settings: Settings, db: Database) -> None:
    w = await world(db, "登")
    graph(gql, {"uscc": w["uscc"]["A"]})
    [root] = await audit_events(db, w["id"]["A"], 1)
    assert (root["operations"], root["classes"], root["purpose"], root["outcome"]) == (
        ["neighbourhood"],
        [],
        "automated test",
        "OK",
    )
    assert "neighbourhood.nodes" in root["fields"]
    [e] = await audit_events(db, w["id"]["E"], 1)  # its 政府共享 entry was shown
    assert e["classes"] == ["GOVERNMENT"] and e["requestId"] == root["requestId"]
    await audit_events(db, w["id"]["C"], 0)  # public only: no entry
    await audit_events(db, w["id"]["lr"], 0)
    gql(PATHS, {"a": {"uscc": w["uscc"]["A"]}, "b": {"uscc": w["uscc"]["C"]}, "h": 4, "first": 5})
    await audit_events(db, w["id"]["C"], 1)  # an end of the path
    gql(SHARED, {"o": {"uscc": w["uscc"]["A"]}, "first": 5})
    gql(OFFICERS, {"o": {"uscc": w["uscc"]["A"]}, "first": 5})
    events = await audit_events(db, w["id"]["A"], 4)
    assert [ev["operations"] for ev in events[1:]] == [
        ["shortestPaths"],
        ["sharedOfficers"],
        ["officersOfOrganization"],
    ]


async def test_role_and_purpose_are_required(
    gql: Any, settings: Settings, db: Database, w: dict[str, Any]
) -> None:
    a = {"uscc": w["uscc"]["A"]}
    calls = [
        (GRAPH, {"s": a, "d": 1, "dep": True, "max": 10}),
        (PATHS, {"a": a, "b": {"uscc": w["uscc"]["C"]}, "h": 4, "first": 1}),
        (RISK, {"s": a, "h": 1, "first": 1}),
        (OFFICERS, {"o": a, "first": 1}),
        (ORGS, {"p": {"idNumber": w["idn"]["e"]}}),
        (SHARED, {"o": a, "first": 1}),
    ]
    for query, variables in calls:
        body = gql(query, variables, headers=bearer(settings, roles=["approval"]))
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
        assert body["errors"][0]["extensions"]["required"] == ["investigator", "credit_admin"]
        body = gql(query, variables, headers=bearer(settings, purpose=None, roles=["investigator"]))
        assert body["errors"][0]["extensions"]["code"] == "PURPOSE_REQUIRED", body
    ok = gql(
        GRAPH,
        {"s": a, "d": 1, "dep": True, "max": 10},
        headers=bearer(settings, purpose="线索核查", roles=["credit_admin"]),
    )
    assert ok["data"]["neighbourhood"]["rootId"] == w["id"]["A"]
    # A refusal is registered against the subject asked about, like any refusal.
    [refused] = await audit_events(db, w["id"]["e"], 1)
    assert (refused["outcome"], refused["operations"], refused.get("purpose")) == (
        "PURPOSE_REQUIRED",
        ["organizationsOfPerson"],
        None,
    )


@pytest.fixture(scope="module")
def tight(settings: Settings, db: Database) -> Iterator[LiveServer]:
    """A gateway whose scans may collect at most two rows."""
    server = LiveServer(_app(settings.with_(investigate_max_scan=2)), free_port())
    server.start()
    yield server
    server.stop()


def _app(settings: Settings) -> Any:
    from gateway.app import create_app

    return create_app(settings)


async def test_size_budget_fails_clearly(
    tight: LiveServer, settings: Settings, w: dict[str, Any]
) -> None:
    import httpx

    headers = {**bearer(settings), "content-type": "application/json"}
    a = {"uscc": w["uscc"]["A"]}
    for query, variables in ((RISK, {"s": a, "h": 4, "first": 5}), (SHARED, {"o": a, "first": 5})):
        r = httpx.post(
            f"{tight.url}/graphql",
            headers=headers,
            timeout=30,
            json={"query": query, "variables": variables},
        )
        error = r.json()["errors"][0]
        assert error["extensions"]["code"] == "QUERY_BUDGET_EXCEEDED", error
        assert error["extensions"]["budget"] == "size" and error["extensions"]["limit"] == 2
        assert "narrow it" in error["message"]
    r = httpx.post(
        f"{tight.url}/graphql",
        headers=headers,
        timeout=30,
        json={
            "query": PATHS,
            "variables": {"a": a, "b": {"uscc": w["uscc"]["C"]}, "h": 4, "first": 1},
        },
    )
    assert r.json()["data"]["shortestPaths"]["totalCount"] == 2  # within the budget


class Recording(Database):
    """Notes the transaction timeout of every read; fails them on demand like Neo4j does."""

    def __init__(self, db: Database, fail: str | None = None) -> None:
        super().__init__(db.driver, db.database)
        self.timeouts: dict[str, float | None] = {}
        self.fail = fail

    async def read(
        self, cypher: str, params: Any = None, *, op: str = "read", timeout: float | None = None
    ) -> Any:
        self.timeouts[op] = timeout
        if op == self.fail:
            raise QueryBudgetExceeded(
                "the query exceeded its time or memory budget",
                neo4j_code="Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
            )
        return await super().read(cypher, params, op=op, timeout=timeout)


async def run(
    db: Database, settings: Settings, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    viewer = Viewer(sub="t", roles=frozenset({"investigator"}), dept=DEPT, jur="320800")
    ctx = Context(db, settings, viewer=viewer, purpose="test")
    outcome = execute(
        government_schema()._schema,
        parse(query),
        context_value=ctx,
        variable_values=variables,
        executor_class=Executor,
    )
    result = outcome if isinstance(outcome, ExecutionResult) else await outcome
    out: dict[str, Any] = {"data": result.data}
    if result.errors:
        out["errors"] = [format_error(e) for e in result.errors]
    return out


async def test_every_query_runs_under_the_time_budget(
    db: Database, settings: Settings, w: dict[str, Any]
) -> None:
    budgeted = settings.with_(investigate_timeout_s=1.5)
    rec = Recording(db)
    a, c = {"uscc": w["uscc"]["A"]}, {"uscc": w["uscc"]["C"]}
    for query, variables in [
        (GRAPH, {"s": a, "d": 2, "dep": True, "max": 50}),
        (PATHS, {"a": a, "b": c, "h": 4, "first": 1}),
        (RISK, {"s": a, "h": 4, "first": 5}),
        (OFFICERS, {"o": a, "first": 5}),
        (SHARED, {"o": a, "first": 5}),
    ]:
        assert "errors" not in await run(rec, budgeted, query, variables)
    explorations = {
        op: t
        for op, t in rec.timeouts.items()
        if op not in {"OrganizationsByUSCC", "PersonsByIdNumber", "SubjectsById"}
    }
    assert set(explorations) == {
        "neighbourhood",
        "shortest_paths",
        "risk_scan",
        "roles_page",
        "shared_officers",
    }  # one query each, marks and paths inside
    assert set(explorations.values()) == {1.5}
    # Neo4j terminating the transaction reads as a clear budget error.
    body = await run(Recording(db, fail="risk_scan"), budgeted, RISK, {"s": a, "h": 2, "first": 1})
    error = body["errors"][0]
    assert error["extensions"]["code"] == "QUERY_BUDGET_EXCEEDED"
    assert error["extensions"]["budget"] == "time" and error["extensions"]["limit"] == 1.5
    assert "1.5 s" in error["message"]


async def test_neo4j_terminates_an_exploration_over_its_time_budget(db: Database) -> None:
    """The mechanism the budget rests on: a transaction timeout ends the query in Neo4j."""
    with pytest.raises(QueryBudgetExceeded):
        await db.read(
            "UNWIND range(1, 2000000000) AS x WITH x WHERE x % 7 = 100 RETURN count(x) AS n",
            timeout=0.05,
        )
