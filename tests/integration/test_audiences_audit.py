"""The query register (个人诚信 opinion 四(一)): one event per request and subject, unaltered."""

from __future__ import annotations

import ast
import re
import uuid
from pathlib import Path
from typing import Any

from gateway.base.db import Database
from gateway.base.settings import Settings
from procedures.audit import insert_events, replay, spill
from tests.conftest import ROOT, now, unique_uscc
from tests.graph import load_ok
from tests.integration.audiences import (
    DEPT,
    OTHER_DEPT,
    audit_events,
    bearer,
    sentinel_world,
    subject_headers,
)

REVIEW = """query Review($u: String!) { organization(uscc: $u) {
  name listEntries { facts } creditRecords { content }
  legalRepresentative { idNumber listEntries { facts } } } }"""


async def test_every_non_public_access_leaves_exactly_one_event(
    gql: Any, settings: Settings, db: Database
) -> None:
    w = await sentinel_world(db, "审")
    org, rep = w["org_id"], w["rep_id"]
    await audit_events(db, org, 0)
    for n in (1, 2):
        body = gql(REVIEW, {"u": w["org"]}, headers=bearer(settings, sub="officer-a"))
        assert "errors" not in body, body
        await audit_events(db, org, n)
        await audit_events(db, rep, n)
    org_event = (await audit_events(db, org, 2))[-1]
    rep_event = (await audit_events(db, rep, 2))[-1]
    assert org_event["requestId"] == rep_event["requestId"]
    assert org_event["operations"] == ["creditRecords", "listEntries"]
    assert rep_event["operations"] == ["Person.idNumber", "listEntries"]
    assert org_event["fields"] == [
        "creditRecords",
        "creditRecords.content",
        "listEntries",
        "listEntries.facts",
    ]
    assert org_event["classes"] == ["GOVERNMENT"]  # AUTHORISED was never returned
    assert (
        org_event["sub"],
        org_event["dept"],
        org_event["purpose"],
        org_event["operationName"],
        org_event["outcome"],
        org_event["consentIds"],
    ) == ("officer-a", DEPT, "审批核查", "Review", "OK", [])
    # Public information leaves no event: the red-listed shop, the public portal, jurisdictions.
    red = await db.read("MATCH (s:Organization {uscc: $u}) RETURN s.id AS id", {"u": w["red_org"]})
    gql(
        "query($u: String!) { organization(uscc: $u) { listEntries { category } } }",
        {"u": w["red_org"]},
    )
    gql(
        "query($u: String!) { organization(uscc: $u) { listEntries { facts } } }",
        {"u": w["org"]},
        path="/public/graphql",
        headers={},
    )
    await audit_events(db, red[0]["id"], 0)
    await audit_events(db, org, 2)
    await audit_events(db, rep, 2)


async def test_refusals_are_registered_too(gql: Any, settings: Settings, db: Database) -> None:
    w = await sentinel_world(db, "拒")
    refused = gql(REVIEW, {"u": w["org"]}, headers=bearer(settings, purpose=None))
    assert refused["errors"][0]["extensions"]["code"] == "PURPOSE_REQUIRED"
    [event] = await audit_events(db, w["org_id"], 1)
    assert event["outcome"] == "PURPOSE_REQUIRED" and event.get("purpose") is None
    stranger = subject_headers(settings, w["org_id"], purpose="好奇")
    q = "query($n: String!) { person(idNumber: $n) { idNumber } }"
    assert (
        gql(q, {"n": w["hidden"]}, headers=stranger)["errors"][0]["extensions"]["code"]
        == "FORBIDDEN"
    )
    hidden = await db.read("MATCH (p:Person {idNumber: $n}) RETURN p.id AS id", {"n": w["hidden"]})
    [event] = await audit_events(db, hidden[0]["id"], 1)
    assert (event["outcome"], event["fields"]) == ("FORBIDDEN", ["idNumber"])


def test_no_operation_can_alter_the_register(gql: Any) -> None:
    schema = gql("""{ __schema { mutationType { fields { name type { name ofType { name } }
      args { name type { name ofType { name } } } } } } }""")["data"]["__schema"]
    mutations = schema["mutationType"]["fields"]
    names = " ".join(str(m) for m in mutations)
    assert not re.search("audit|register|accesslog", names, re.IGNORECASE), names
    attempt = gql('mutation { deleteAuditEvent(id: "x") { id } }')
    assert attempt["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    # And in the code: the only Cypher naming an AuditEvent that writes, creates.
    writes = re.compile(r"\b(SET|DELETE|DETACH|REMOVE|MERGE|FOREACH)\b")
    creates = 0
    for package in ("gateway", "graph_schema", "loaders", "procedures", "resolvers", "seeds"):
        for path in (ROOT / package).rglob("*.py"):
            for text in _strings(path):
                if "AuditEvent" in text or "AUDIT_EVENT" in text:
                    assert not writes.search(text), (path, text)
                    creates += "CREATE (a:AuditEvent" in text
    assert creates == 1


def _strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            out.append(ast.unparse(node))
    return out


PAGE = """query($c: String, $d: ID, $s: SubjectRef, $f: DateTime, $a: String) {
  auditEvents(caller: $c, department: $d, subject: $s, from: $f, first: 2, after: $a) {
    edges { cursor node { id at caller department purpose operationName fields classes
      subject { name } } }
    pageInfo { hasNextPage endCursor } } }"""


async def test_supervisors_review_the_register_by_caller_department_subject_and_time(
    gql: Any, settings: Settings, db: Database
) -> None:
    w = await sentinel_world(db, "督")
    caller = f"probe-{uuid.uuid4()}"
    q = "query Look($u: String!) { organization(uscc: $u) { listEntries { facts } } }"
    stamps = []
    for n in range(5):
        dept = OTHER_DEPT if n == 4 else DEPT
        gql(q, {"u": w["org"]}, headers=bearer(settings, sub=caller, dept=dept, purpose=f"核查{n}"))
        stamps.append(now())
    await audit_events(db, w["org_id"], 5)
    supervisor = bearer(settings, roles=["supervisor"], sub="supervisor-1", purpose=None)

    def pages(**variables: Any) -> list[dict[str, Any]]:
        nodes, after = [], None
        while True:
            body = gql(PAGE, {**variables, "a": after}, headers=supervisor)
            assert "errors" not in body, body
            page = body["data"]["auditEvents"]
            nodes += [e["node"] for e in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                return nodes
            after = page["pageInfo"]["endCursor"]

    mine = pages(c=caller)
    assert [n["purpose"] for n in mine] == [f"核查{n}" for n in (4, 3, 2, 1, 0)]  # newest first
    assert len({n["id"] for n in mine}) == 5
    assert mine[0]["department"] == OTHER_DEPT and mine[0]["operationName"] == "Look"
    assert mine[0]["subject"]["name"] == "淮安市哨兵督物流有限公司"
    assert mine[0]["fields"] == ["listEntries", "listEntries.facts"]
    assert [n["purpose"] for n in pages(c=caller, d=OTHER_DEPT)] == ["核查4"]
    assert len(pages(s={"uscc": w["org"]}, c=caller)) == 5
    since = pages(c=caller, f=stamps[2].isoformat())
    assert [n["purpose"] for n in since] == ["核查4", "核查3"]
    officer = gql(PAGE, {"c": caller}, headers=bearer(settings, roles=["approval"]))
    assert officer["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def _events(db: Database, name: str) -> tuple[str, list[dict[str, Any]]]:
    org = unique_uscc()
    await load_ok(db, "subjects", [{"uscc": org, "name": name}])
    [row] = await db.read("MATCH (s:Organization {uscc: $u}) RETURN s.id AS id", {"u": org})
    subject_id = row["id"]
    return subject_id, [
        {
            "id": str(uuid.uuid4()),
            "at": now(),
            "requestId": str(uuid.uuid4()),
            "sub": "officer",
            "dept": DEPT,
            "jur": "320800",
            "roles": ["approval"],
            "purpose": "审批核查",
            "subjectId": subject_id,
            "operationName": None,
            "operations": ["creditCheck"],
            "fields": ["creditCheck"],
            "classes": ["GOVERNMENT"],
            "consentIds": [],
            "outcome": "OK",
        }
        for _ in range(2)
    ]


async def test_a_batch_sent_again_after_a_lost_answer_is_registered_once(db: Database) -> None:
    subject, batch = await _events(db, "淮安市重写登记测试有限公司")
    assert await insert_events(db, batch) == 2
    # Neo4j committed the batch but crashed before answering: the writer sends it again.
    assert await insert_events(db, batch) == 0
    rows = await db.read(
        "MATCH (a:AuditEvent) WHERE a.id IN $ids RETURN a.id AS id, a.subjectId AS subject",
        {"ids": [e["id"] for e in batch]},
    )
    assert sorted((r["id"], r["subject"]) for r in rows) == sorted(
        (e["id"], subject) for e in batch
    )


async def test_events_kept_at_shutdown_are_replayed_once(db: Database, tmp_path: Path) -> None:
    subject, batch = await _events(db, "淮安市补记登记测试有限公司")
    kept = spill(batch, tmp_path)
    assert kept is not None
    assert await replay(db, kept) == 2
    assert await replay(db, kept) == 0  # run twice: nothing twice
    events = await audit_events(db, subject, 2)
    assert sorted(e["id"] for e in events) == sorted(e["id"] for e in batch)
    assert {e["purpose"] for e in events} == {"审批核查"}
    assert {e["id"]: e["at"].to_native() for e in events} == {e["id"]: e["at"] for e in batch}
