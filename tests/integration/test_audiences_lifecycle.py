"""The lifecycle's reads follow the audience rules of every other read of an entry.

- ``entryHistory`` shows an entry's versions only to whom may see the entry itself
  (管理办法 第十八条, 第二十一条): a 授权查询 entry to the subject and under its consent;
- an objection and a repair application are the subject's statements about an entry:
  government-shared, and of the entry's class as well. The subject reads its own; those
  handling the procedure (credit centre, supervisors, the providing department) read any;
  other government callers only what they may see of the entry. Every read by another
  than the subject needs a purpose (第三十三条) and is registered (个人诚信 opinion 四(一)).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from typing import Any

import orjson

from gateway.base.db import Database
from gateway.base.settings import Settings
from graph_schema.rules.procedure_reading import may_read, may_read_cypher
from procedures import objection as objection_steps
from procedures import repair as repair_steps
from resolvers.context import SELF_QUERY
from tests.conftest import unique_uscc
from tests.graph import load_ok
from tests.integration.audiences import (
    DEPT,
    NOW,
    OTHER_DEPT,
    SENTINEL,
    audit_events,
    bearer,
    entry,
    sentinel_world,
    subject_headers,
    subject_id,
    unpacked,
)
from tests.integration.test_audiences_consent import grant
from tests.integration.test_audiences_repair import entry_with

HISTORY = "query History($e: ID!) { entryHistory(entryId: $e) { version change facts status } }"
OBJECTION = """query Objection($o: ID!) { objection(id: $o) { id entryId statement evidence
  status currentStep { kind overdue } steps { kind dueOn } } }"""
APPLICATION = """query Application($a: ID!) { repairApplication(id: $a) { id entryId status
  appliedOn rules { rule passed } } }"""


async def _objection(db: Database, entry_id: str, statement: str) -> str:
    return await objection_steps.file(
        db,
        entry_id,
        ground="WRONG_OR_MISSING_FACTS",
        statement=statement,
        evidence=[f"{statement}-证据"],
        on=dt.date(2026, 11, 2),
        actor="test",
        now=NOW,
    )


async def _repairable(db: Database, disclosure: str, tag: str) -> dict[str, str]:
    """An organisation with one entry that may be repaired, and its application."""
    org = unique_uscc()
    await load_ok(db, "subjects", [{"uscc": org, "name": f"淮安市修复{tag}有限公司"}])
    await load_ok(
        db,
        "entries",
        [
            entry(
                {"uscc": org},
                disclosure,
                f"{SENTINEL}-修复{tag}",
                severity="MAJOR",
                recognised_on="2025-01-10",
            )
        ],
    )
    org_id = await subject_id(db, uscc=org)
    entry_id = await entry_with(db, org_id, f"{SENTINEL}-修复{tag}")
    application = await repair_steps.apply(
        db,
        entry_id,
        corrected_on=dt.date(2025, 3, 1),
        committed=True,
        evidence=["整改报告"],
        on=dt.date(2026, 11, 9),
        actor="test",
    )
    return {"org": org, "org_id": org_id, "entry": entry_id, "application": application}


async def procedure_world(db: Database, gql: Any, settings: Settings, tag: str) -> dict[str, Any]:
    """``sentinel_world`` with objections against entries of each class, repair
    applications for a public and a 授权查询 entry, the organisation's consent to
    ``OTHER_DEPT`` (授权查询) and the representative's to a bank."""
    w = await sentinel_world(db, tag)
    org, rep = w["org_id"], w["rep_id"]
    w["entries"] = {
        "org-public": await entry_with(db, org, "公开的失信事实甲"),
        "org-government": await entry_with(db, org, f"{SENTINEL}-GOV-FACTS"),
        "org-authorised": await entry_with(db, org, f"{SENTINEL}-AUTH-FACTS"),
        "rep-authorised": await entry_with(db, rep, f"{SENTINEL}-PERSON-AUTH"),
    }
    w["objections"] = {
        name: await _objection(db, e, f"{SENTINEL}-STATEMENT-{name}-{tag}")
        for name, e in w["entries"].items()
    }
    await objection_steps.advance(
        db,
        w["objections"]["org-government"],
        "FORWARD_FOR_VERIFICATION",
        note="转核实",
        on=dt.date(2026, 11, 3),
        actor="test",
        now=NOW,
    )
    w["public_repair"] = await _repairable(db, "PUBLIC", f"{tag}公")
    w["authorised_repair"] = await _repairable(db, "AUTHORISED", f"{tag}授")
    await repair_steps.give_opinion(
        db,
        w["public_repair"]["application"],
        supports=True,
        opinion="同意修复",
        on=dt.date(2026, 11, 10),
    )
    bank_uscc = unique_uscc()
    await load_ok(db, "subjects", [{"uscc": bank_uscc, "name": f"淮安{tag}核查银行"}])
    w["bank_id"] = await subject_id(db, uscc=bank_uscc)
    for subject, grantee in (
        (org, {"departmentId": OTHER_DEPT}),
        (w["authorised_repair"]["org_id"], {"departmentId": OTHER_DEPT}),
        (rep, {"uscc": bank_uscc}),
    ):
        body = grant(gql, subject_headers(settings, subject), subject, ["AUTHORISED"], grantee)
        assert "errors" not in body, body
    return w


def other_department(settings: Settings, **extra: Any) -> dict[str, str]:
    """A government caller that handles no procedure and recorded none of the entries."""
    return bearer(settings, roles=["approval"], dept=OTHER_DEPT, sub="other-dept", **extra)


async def test_an_entry_history_follows_the_entrys_class(
    gql: Any, settings: Settings, db: Database
) -> None:
    w = await procedure_world(db, gql, settings, "史")
    authorised = w["entries"]["org-authorised"]
    for headers in (bearer(settings), other_department(settings)):
        refused = gql(HISTORY, {"e": authorised}, headers=headers)
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", refused
        assert refused["data"] is None and SENTINEL not in str(refused)
    [first, second] = await audit_events(db, w["org_id"], 2)
    assert (first["outcome"], first["classes"], first["operations"]) == (
        "FORBIDDEN",
        ["AUTHORISED"],
        ["entryHistory"],
    )
    assert second["outcome"] == "FORBIDDEN"
    # The subject's consent opens it, as it opens the entry; the subject sees its own.
    consented = gql(HISTORY, {"e": authorised}, headers=other_department(settings, consent="*"))
    assert [v["change"] for v in consented["data"]["entryHistory"]] == ["RECORDED", "DISPUTED"]
    own = gql(HISTORY, {"e": authorised}, headers=subject_headers(settings, w["org_id"]))
    assert own["data"]["entryHistory"] == consented["data"]["entryHistory"]
    events = await audit_events(db, w["org_id"], 4)
    assert [(e["outcome"], e["classes"], e["consentIds"] != []) for e in events[2:]] == [
        ("OK", ["AUTHORISED"], True),
        ("OK", ["AUTHORISED"], False),
    ]
    assert events[3]["purpose"] == SELF_QUERY
    # Government-shared entries stay open to every government caller.
    shared = gql(HISTORY, {"e": w["entries"]["org-government"]}, headers=other_department(settings))
    assert "errors" not in shared and shared["data"]["entryHistory"]


async def test_an_objection_needs_a_purpose_and_is_registered(
    gql: Any, settings: Settings, db: Database
) -> None:
    w = await procedure_world(db, gql, settings, "议")
    public = w["objections"]["org-public"]
    refused = gql(OBJECTION, {"o": public}, headers=bearer(settings, purpose=None))
    assert refused["errors"][0]["extensions"]["code"] == "PURPOSE_REQUIRED", refused
    assert refused["data"] is None and SENTINEL not in str(refused)
    [event] = await audit_events(db, w["org_id"], 1)
    assert (event["outcome"], event["operations"]) == ("PURPOSE_REQUIRED", ["objection"])
    answered = gql(OBJECTION, {"o": public}, headers=bearer(settings, purpose="异议审查"))
    assert answered["data"]["objection"]["statement"].startswith(f"{SENTINEL}-STATEMENT")
    event = (await audit_events(db, w["org_id"], 2))[-1]
    # The objection is government-shared; it speaks of a public entry.
    assert (event["outcome"], event["purpose"], event["classes"], event["operationName"]) == (
        "OK",
        "异议审查",
        ["GOVERNMENT"],
        "Objection",
    )
    assert "objection.statement" in event["fields"]
    own = gql(OBJECTION, {"o": public}, headers=subject_headers(settings, w["org_id"]))
    assert own["data"] == answered["data"]
    event = (await audit_events(db, w["org_id"], 3))[-1]
    assert (event["purpose"], event["classes"]) == (SELF_QUERY, ["GOVERNMENT"])


async def test_an_objection_about_an_authorised_entry_is_for_its_handlers(
    gql: Any, settings: Settings, db: Database
) -> None:
    w = await procedure_world(db, gql, settings, "办")
    authorised = w["objections"]["org-authorised"]
    refused = gql(OBJECTION, {"o": authorised}, headers=other_department(settings))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", refused
    assert SENTINEL not in str(refused)
    [event] = await audit_events(db, w["org_id"], 1)
    assert (event["outcome"], event["classes"]) == ("FORBIDDEN", ["AUTHORISED", "GOVERNMENT"])
    handlers = [
        bearer(settings, roles=["credit_admin"], dept=OTHER_DEPT),
        bearer(settings, roles=["supervisor"], dept=OTHER_DEPT),
        bearer(settings, roles=["approval"], dept=DEPT),  # the providing department
        other_department(settings, consent="*"),
    ]  # under the subject's consent
    for headers in handlers:
        body = gql(OBJECTION, {"o": authorised}, headers=headers)
        assert body["data"]["objection"]["id"] == authorised, body
    events = await audit_events(db, w["org_id"], 5)
    assert [e["outcome"] for e in events] == ["FORBIDDEN", "OK", "OK", "OK", "OK"]
    assert events[-1]["consentIds"] != [] and events[1]["consentIds"] == []


async def named_events(db: Database, operation: str, expect: int) -> list[dict[str, Any]]:
    """The register's events of the requests named ``operation``, once there are
    ``expect`` of them (the register is written in the background)."""
    needle = orjson.dumps({"operationName": operation}).decode()[1:-1]  # in its JSON detail
    query = """MATCH (a:AuditEvent) WHERE a.detail CONTAINS $op
      RETURN a {.*} AS a ORDER BY a.subjectId"""
    for _ in range(500):
        rows = [r["a"] for r in await db.read(query, {"op": needle})]
        if len(rows) >= expect:
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.1)
    rows = [unpacked(r["a"]) for r in await db.read(query, {"op": needle})]
    assert len(rows) == expect, rows
    return rows


async def test_the_open_objections_are_registered_per_subject(
    gql: Any, settings: Settings, db: Database
) -> None:
    w = await procedure_world(db, gql, settings, "列")
    supervisor = bearer(settings, roles=["supervisor"], sub="supervisor-open")
    named = "query OpenUnstated { objections { id entryId statement } }"
    refused = gql(named, headers={**supervisor, "X-Credit-Purpose": ""})
    assert refused["errors"][0]["extensions"]["code"] == "PURPOSE_REQUIRED", refused
    assert SENTINEL not in str(refused)
    [event] = await named_events(db, "OpenUnstated", 1)  # the first subject refused
    assert event["outcome"] == "PURPOSE_REQUIRED"
    named = named.replace("OpenUnstated", f"Open{w['org_id'][:8]}")
    listed = gql(named, headers=supervisor)["data"]["objections"]
    assert {o["entryId"] for o in listed} >= set(w["entries"].values())
    subjects = {o["entryId"] for o in listed}
    events = {
        e["subjectId"]: e
        for e in await named_events(
            db, f"Open{w['org_id'][:8]}", len(await _subjects_of(db, subjects))
        )
    }
    assert (events[w["org_id"]]["classes"], events[w["org_id"]]["operations"]) == (
        ["AUTHORISED", "GOVERNMENT"],
        ["objections"],
    )
    assert events[w["rep_id"]]["classes"] == ["AUTHORISED", "GOVERNMENT"]
    assert {e["outcome"] for e in events.values()} == {"OK"}


async def _subjects_of(db: Database, entries: set[str]) -> set[str]:
    rows = await db.read(
        "MATCH (e:ListEntry)-[:CONCERNS]->(s:Subject) WHERE e.id IN $e RETURN DISTINCT s.id AS id",
        {"e": sorted(entries)},
    )
    return {r["id"] for r in rows}


async def test_a_repair_application_needs_a_purpose_and_follows_the_entrys_class(
    gql: Any, settings: Settings, db: Database
) -> None:
    w = await procedure_world(db, gql, settings, "请")
    public, authorised = w["public_repair"], w["authorised_repair"]
    refused = gql(APPLICATION, {"a": public["application"]}, headers=bearer(settings, purpose=None))
    assert refused["errors"][0]["extensions"]["code"] == "PURPOSE_REQUIRED", refused
    answered = gql(APPLICATION, {"a": public["application"]}, headers=bearer(settings))
    assert answered["data"]["repairApplication"]["status"] == "PUBLICITY"
    events = await audit_events(db, public["org_id"], 2)
    assert [(e["outcome"], e["classes"], e["operations"]) for e in events] == [
        ("PURPOSE_REQUIRED", ["GOVERNMENT"], ["repairApplication"]),
        ("OK", ["GOVERNMENT"], ["repairApplication"]),
    ]
    withheld = gql(
        APPLICATION,
        {"a": authorised["application"]},
        headers=bearer(settings, roles=["approval"], dept=OTHER_DEPT, sub="no-consent"),
    )
    assert withheld["errors"][0]["extensions"]["code"] == "FORBIDDEN", withheld
    consented = gql(
        APPLICATION,
        {"a": authorised["application"]},
        headers=other_department(settings, consent="*"),
    )
    assert consented["data"]["repairApplication"]["entryId"] == authorised["entry"]
    own = gql(
        APPLICATION,
        {"a": authorised["application"]},
        headers=subject_headers(settings, authorised["org_id"]),
    )
    assert own["data"] == consented["data"]
    events = await audit_events(db, authorised["org_id"], 3)
    assert [(e["outcome"], e.get("purpose")) for e in events] == [
        ("FORBIDDEN", "审批核查"),
        ("OK", "审批核查"),
        ("OK", SELF_QUERY),
    ]


async def test_the_reading_rule_in_cypher_agrees_with_python(db: Database) -> None:
    cypher = may_read_cypher(subject="s", entry="e", department="d", visible="v")
    for self_id, government, handler, dept, visible in itertools.product(
        ("S", "X", None),
        (True, False),
        (True, False),
        ("D", "E", None),
        (["PUBLIC", "AUTHORISED"], ["PUBLIC"]),
    ):
        [row] = await db.read(
            f"WITH {{id: 'S'}} AS s, {{disclosure: 'AUTHORISED'}} AS e, 'D' AS d, $v AS v "
            f"RETURN {cypher} AS allowed",
            {
                "self": self_id,
                "government": government,
                "handler": handler,
                "dept": dept,
                "v": visible,
            },
        )
        expected = may_read(
            self_query=self_id == "S",
            government=government,
            handler=handler,
            providing=government and dept == "D",
            entry_visible="AUTHORISED" in visible,
        )
        assert row["allowed"] is expected, (self_id, government, handler, dept, visible)
