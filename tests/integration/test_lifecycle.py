"""Objections, corrections, repair, expiry and history, through HTTP on the real Neo4j.

Dates are recorded as the procedure happened (a credit administrator may record
earlier dates), so due dates can be checked against real holiday periods: the 2026
National Day week (1–7 Oct) and its adjusted working Sunday (20 Sep) and Saturday (10 Oct).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gateway.base.db import Database
from tests.conftest import DEFAULT_DEPT, now, unique_id_number, unique_uscc
from tests.graph import load_ok
from tests.integration.audiences import bearer, subject_headers, subject_id

OTHER_DEPT = "320800/国家税务总局淮安市税务局"

OBJECTION = """id status outcome closedOn currentStep { kind dueOn dueProvisional overdue }
               steps { kind openedOn dueOn closedOn outcome actor }"""
FILE = f"""mutation($e: ID!, $on: Date) {{ fileObjection(entryId: $e,
  ground: WRONG_OR_MISSING_FACTS, statement: "处罚决定已被撤销",
  evidence: ["(2026)苏0812行初18号"], on: $on) {{ {OBJECTION} }} }}"""
REVIEW = f"""mutation($o: ID!, $r: ReviewOutcome!, $on: Date) {{
  reviewObjection(objectionId: $o, outcome: $r, on: $on) {{ {OBJECTION} }} }}"""
VERIFY = f"""mutation($o: ID!, $err: Boolean!, $on: Date) {{
  verifyObjection(objectionId: $o, errorConfirmed: $err, on: $on) {{ {OBJECTION} }} }}"""
CORRECT = f"""mutation($o: ID!, $c: EntryCorrection!, $on: Date) {{
  correctEntry(objectionId: $o, correction: $c, reason: "核实有误，予以更正", on: $on) {{
  {OBJECTION} }} }}"""
APPEAL = f"""mutation($o: ID!) {{ appealObjection(objectionId: $o, statement: "不服") {{
  {OBJECTION} }} }}"""
DECIDE = f"""mutation($o: ID!, $x: Boolean!, $on: Date) {{
  decideAppeal(objectionId: $o, overturned: $x, on: $on) {{ {OBJECTION} }} }}"""
HISTORY = """query($e: ID!) { entryHistory(entryId: $e) { version change actor facts status } }"""


def admin(settings: Any) -> dict[str, str]:
    return bearer(
        settings, roles=["credit_admin", "supervisor"], dept="320800/淮安市公共信用信息中心"
    )


def provider(settings: Any, dept: str = DEFAULT_DEPT) -> dict[str, str]:
    return bearer(settings, roles=["credit_admin"], dept=dept, sub="provider-officer")


def ok(result: dict[str, Any], field: str) -> Any:
    assert "errors" not in result, result
    return result["data"][field]


async def listed(
    db: Database, severity: str = "MAJOR", recognised: str = "2025-01-10", with_rep: bool = False
) -> dict[str, str]:
    org = unique_uscc()
    rows = [{"uscc": org, "name": "淮安市异议测试有限公司"}]
    rep = unique_id_number()
    if with_rep:
        rows.append({"id_number": rep, "name": "异议法人"})
    await load_ok(db, "subjects", rows)
    if with_rep:
        await load_ok(
            db,
            "roles",
            [
                {
                    "id_number": rep,
                    "uscc": org,
                    "role": "LEGAL_REPRESENTATIVE",
                    "start": "2010-01-01",
                }
            ],
        )
    await load_ok(
        db,
        "entries",
        [
            {
                "list": "BLACK",
                "uscc": org,
                "department_id": DEFAULT_DEPT,
                "facts": "未按期公示年报",
                "category": "经营异常",
                "severity": severity,
                "recognised_on": recognised,
                "disclosure": "PUBLIC",
                "source_system": "t",
                "source_ref": org,
            }
        ],
    )
    entry = await db.read(
        "MATCH (e:ListEntry {derived: false})-[:CONCERNS]->(:Organization "
        "{uscc: $u}) RETURN e.id AS id",
        {"u": org},
    )
    return {
        "org": org,
        "rep": rep,
        "entry": entry[0]["id"],
        "subject": await subject_id(db, uscc=org),
    }


async def test_review_due_across_national_day_and_the_entry_is_disputed_everywhere(
    db: Database, gql: Any, settings: Any
) -> None:
    x = await listed(db)
    o = ok(
        gql(FILE, {"e": x["entry"], "on": "2026-09-29"}, headers=admin(settings)), "fileObjection"
    )
    # 30 Sep, then 8, 9, 10 (adjusted working Saturday), 12–16, 19 Oct.
    assert o["currentStep"] == {
        "kind": "REVIEW",
        "dueOn": "2026-10-19",
        "dueProvisional": False,
        "overdue": True,
    }  # still open on today's date
    q = "query($u: String!) { organization(uscc: $u) { listEntries { disputed } } }"
    assert ok(gql(q, {"u": x["org"]}), "organization")["listEntries"] == [{"disputed": True}]
    check = """query($u: String!) { creditCheck(subject: {uscc: $u}, matter: FISCAL_FUNDS) {
                 hits { disputed } } }"""
    assert ok(gql(check, {"u": x["org"]}), "creditCheck")["hits"] == [{"disputed": True}]
    public = gql.client.post(
        "/public/graphql",
        json={
            "query": "query($u: String!) { organization(uscc: $u) { listEntries { disputed } } }",
            "variables": {"u": x["org"]},
        },
    ).json()
    if public["data"]["organization"]["listEntries"]:  # published only while in force
        assert public["data"]["organization"]["listEntries"] == [{"disputed": True}]
    overdue = ok(
        gql(
            "{ objections(overdueOnly: true) { id currentStep { kind overdue } } }",
            headers=admin(settings),
        ),
        "objections",
    )
    assert {"id": o["id"], "currentStep": {"kind": "REVIEW", "overdue": True}} in overdue
    own = gql(
        REVIEW, {"o": o["id"], "r": "REJECTED"}, headers=subject_headers(settings, x["subject"])
    )
    assert own["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_verification_maintained_then_appeal_upheld(
    db: Database, gql: Any, settings: Any
) -> None:
    x = await listed(db)
    o = ok(
        gql(FILE, {"e": x["entry"], "on": "2026-10-08"}, headers=admin(settings)), "fileObjection"
    )
    o = ok(
        gql(
            REVIEW,
            {"o": o["id"], "r": "FORWARD_FOR_VERIFICATION", "on": "2026-10-09"},
            headers=admin(settings),
        ),
        "reviewObjection",
    )
    # Five working days after Fri 9 Oct: Sat 10 (adjusted working day), 12, 13, 14, 15.
    assert o["currentStep"]["kind"] == "VERIFICATION" and o["currentStep"]["dueOn"] == "2026-10-15"
    wrong = gql(VERIFY, {"o": o["id"], "err": False}, headers=provider(settings, OTHER_DEPT))
    assert wrong["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # not the providing unit
    o = ok(
        gql(VERIFY, {"o": o["id"], "err": False, "on": "2026-10-14"}, headers=provider(settings)),
        "verifyObjection",
    )
    assert (o["status"], o["outcome"]) == ("CLOSED", "MAINTAINED")
    o = ok(
        gql(APPEAL, {"o": o["id"]}, headers=subject_headers(settings, x["subject"])),
        "appealObjection",
    )
    assert o["status"] == "APPEAL" and o["closedOn"] is None
    o = ok(gql(DECIDE, {"o": o["id"], "x": False}, headers=admin(settings)), "decideAppeal")
    assert (o["status"], o["outcome"]) == ("CLOSED", "UPHELD")
    assert [s["kind"] for s in o["steps"]] == ["REVIEW", "VERIFICATION", "APPEAL"]


async def test_rejected_objection(db: Database, gql: Any, settings: Any) -> None:
    x = await listed(db)
    o = ok(
        gql(FILE, {"e": x["entry"]}, headers=subject_headers(settings, x["subject"])),
        "fileObjection",
    )
    o = ok(gql(REVIEW, {"o": o["id"], "r": "REJECTED"}, headers=admin(settings)), "reviewObjection")
    assert (o["status"], o["outcome"], o["currentStep"]) == ("CLOSED", "REJECTED", None)
    again = gql(REVIEW, {"o": o["id"], "r": "REJECTED"}, headers=admin(settings))
    assert again["errors"][0]["extensions"]["code"] == "CONFLICT"


async def test_correction_is_a_new_version_and_keeps_the_old_one(
    db: Database, gql: Any, settings: Any
) -> None:
    x = await listed(db, severity="SERIOUS", recognised="2026-06-01", with_rep=True)
    o = ok(
        gql(FILE, {"e": x["entry"], "on": "2026-11-02"}, headers=admin(settings)), "fileObjection"
    )
    o = ok(
        gql(
            REVIEW,
            {"o": o["id"], "r": "FORWARD_FOR_VERIFICATION", "on": "2026-11-03"},
            headers=admin(settings),
        ),
        "reviewObjection",
    )
    o = ok(
        gql(VERIFY, {"o": o["id"], "err": True, "on": "2026-11-05"}, headers=provider(settings)),
        "verifyObjection",
    )
    assert o["currentStep"]["kind"] == "CORRECTION" and o["currentStep"]["dueOn"] == "2026-11-10"
    o = ok(
        gql(
            CORRECT,
            {
                "o": o["id"],
                "c": {"facts": "未按期公示2025年度报告", "severity": "GENERAL"},
                "on": "2026-11-06",
            },
            headers=admin(settings),
        ),
        "correctEntry",
    )
    assert (o["status"], o["outcome"]) == ("CLOSED", "CORRECTED")
    history = ok(gql(HISTORY, {"e": x["entry"]}), "entryHistory")
    assert [h["change"] for h in history] == ["RECORDED", "DISPUTED", "CORRECTED", "DISPUTE_CLOSED"]
    assert (
        history[0]["facts"] == "未按期公示年报" and history[2]["facts"] == "未按期公示2025年度报告"
    )
    # 一般 now: no longer serious, so the legal representative's derived entry is voided.
    rep = ok(
        gql(
            "query($n: String!) { person(idNumber: $n) { listEntries { status derived } } }",
            {"n": x["rep"]},
        ),
        "person",
    )
    assert rep["listEntries"] == [{"status": "REVOKED", "derived": True}]


async def test_appeal_overturned_revokes_the_entry_and_derived_ones_follow(
    db: Database, gql: Any, settings: Any
) -> None:
    x = await listed(db, severity="SERIOUS", recognised="2026-06-01", with_rep=True)
    o = ok(gql(FILE, {"e": x["entry"]}, headers=admin(settings)), "fileObjection")
    o = ok(gql(REVIEW, {"o": o["id"], "r": "REJECTED"}, headers=admin(settings)), "reviewObjection")
    o = ok(gql(APPEAL, {"o": o["id"]}, headers=admin(settings)), "appealObjection")
    o = ok(gql(DECIDE, {"o": o["id"], "x": True}, headers=admin(settings)), "decideAppeal")
    assert o["currentStep"]["kind"] == "CORRECTION"
    o = ok(
        gql(CORRECT, {"o": o["id"], "c": {"revoke": True}}, headers=admin(settings)), "correctEntry"
    )
    assert o["outcome"] == "CORRECTED"
    q = "query($n: String!) { person(idNumber: $n) { listEntries { status } } }"
    assert ok(gql(q, {"n": x["rep"]}), "person")["listEntries"] == [{"status": "REVOKED"}]
    history = [h["change"] for h in ok(gql(HISTORY, {"e": x["entry"]}), "entryHistory")]
    assert history[0] == "RECORDED" and "REVOKED" in history and history[-1] == "DISPUTE_CLOSED"


REPAIR_FIELDS = "id status publicityEndsOn acceptedOn rules { rule passed }"


async def test_repair_procedure_archives_the_entry_and_derived_entries_follow(
    db: Database, gql: Any, settings: Any
) -> None:
    x = await listed(db, severity="SERIOUS", recognised="2025-01-10", with_rep=True)
    check = """query($e: ID!) { repairEligibility(entryId: $e, correctedOn: "2025-03-01") {
                 eligible rules { rule article passed } } }"""
    result = ok(gql(check, {"e": x["entry"]}), "repairEligibility")
    assert result["eligible"] and len(result["rules"]) == 13
    apply = f"""mutation($e: ID!) {{ applyForRepair(entryId: $e, correctedOn: "2025-03-01",
                 committed: true, evidence: ["整改报告"], on: "2026-11-09") {{
                 {REPAIR_FIELDS} }} }}"""
    a = ok(gql(apply, {"e": x["entry"]}, headers=admin(settings)), "applyForRepair")
    assert a["status"] == "APPLIED" and all(r["passed"] for r in a["rules"])
    opinion = f"""mutation($a: ID!) {{ giveRepairOpinion(applicationId: $a, supports: true,
                   opinion: "同意修复", on: "2026-11-10") {{ {REPAIR_FIELDS} }} }}"""
    a = ok(gql(opinion, {"a": a["id"]}, headers=provider(settings)), "giveRepairOpinion")
    assert (a["status"], a["publicityEndsOn"]) == ("PUBLICITY", "2026-11-17")  # 5 working days
    accept = f"""mutation($a: ID!, $on: Date) {{ acceptRepair(applicationId: $a, on: $on) {{
                  {REPAIR_FIELDS} }} }}"""
    early = gql(accept, {"a": a["id"], "on": "2026-11-17"}, headers=admin(settings))
    assert early["errors"][0]["extensions"]["code"] == "CONFLICT"  # publicity not over
    a = ok(gql(accept, {"a": a["id"], "on": "2026-11-18"}, headers=admin(settings)), "acceptRepair")
    assert (a["status"], a["acceptedOn"]) == ("ACCEPTED", "2026-11-18")
    entries = """query($u: String!, $n: String!) {
      organization(uscc: $u) { listEntries { status } }
      person(idNumber: $n) { listEntries { status derived } } }"""
    data = ok(gql(entries, {"u": x["org"], "n": x["rep"]}), "organization")
    assert data == {"listEntries": [{"status": "REPAIRED"}]}
    person = gql(entries, {"u": x["org"], "n": x["rep"]})["data"]["person"]
    assert person == {"listEntries": [{"status": "REPAIRED", "derived": True}]}
    history = [h["change"] for h in ok(gql(HISTORY, {"e": x["entry"]}), "entryHistory")]
    assert history == ["RECORDED", "REPAIRED", "ARCHIVED"]
    archived = await db.read(
        "MATCH (e:ListEntry {id: $e}) RETURN toString(e.archivedOn) AS a", {"e": x["entry"]}
    )
    assert archived[0]["a"] == "2026-11-18"
    # 管理办法 第三十一条（二）3: a second repair within a year is refused.
    second = await listed(db)
    await db.write(
        "MATCH (e:ListEntry {id: $new}), (s:Subject {uscc: $u}) "
        "MATCH (e)-[r:CONCERNS]->() DELETE r CREATE (e)-[:CONCERNS]->(s)",
        {"new": second["entry"], "u": x["org"]},
    )
    refused = gql(
        apply.replace('"2026-11-09"', '"2026-11-20"'),
        {"e": second["entry"]},
        headers=admin(settings),
    )
    assert refused["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert "EXCLUSION_3_REPAIR_WITHIN_A_YEAR" in refused["errors"][0]["extensions"]["failed"]


async def test_an_upheld_publicity_objection_rejects_the_repair(
    db: Database, gql: Any, settings: Any
) -> None:
    x = await listed(db)
    apply = f"""mutation($e: ID!) {{ applyForRepair(entryId: $e, correctedOn: "2025-03-01",
                 committed: true) {{ {REPAIR_FIELDS} }} }}"""
    a = ok(
        gql(apply, {"e": x["entry"]}, headers=subject_headers(settings, x["subject"])),
        "applyForRepair",
    )
    a = ok(
        gql(
            f"""mutation($a: ID!) {{ giveRepairOpinion(applicationId: $a, supports: true,
               opinion: "拟同意") {{ {REPAIR_FIELDS} }} }}""",
            {"a": a["id"]},
            headers=provider(settings),
        ),
        "giveRepairOpinion",
    )
    a = ok(
        gql(
            f"""mutation($a: ID!) {{ objectDuringPublicity(applicationId: $a,
               statement: "仍在拖欠") {{ {REPAIR_FIELDS} }} }}""",
            {"a": a["id"]},
        ),
        "objectDuringPublicity",
    )
    assert a["status"] == "PUBLICITY_OBJECTION"
    a = ok(
        gql(
            f"""mutation($a: ID!) {{ resolvePublicityObjection(applicationId: $a, upheld: true,
               opinion: "异议属实") {{ {REPAIR_FIELDS} }} }}""",
            {"a": a["id"]},
            headers=provider(settings),
        ),
        "resolvePublicityObjection",
    )
    assert a["status"] == "REJECTED"


async def test_ineligible_application_lists_the_failed_rules(
    db: Database, gql: Any, settings: Any
) -> None:
    x = await listed(db, recognised="2026-10-01")  # published less than three months ago
    apply = f"""mutation($e: ID!) {{ applyForRepair(entryId: $e, correctedOn: "2026-10-20",
                 committed: false) {{ {REPAIR_FIELDS} }} }}"""
    refused = gql(apply, {"e": x["entry"]}, headers=admin(settings))
    failed = refused["errors"][0]["extensions"]["failed"]
    assert {"PUBLICITY_3_MONTHS", "COMMITMENT", "CLEAN_PERIOD"} <= set(failed)


async def test_expire_marks_once_and_no_api_deletes(db: Database, gql: Any) -> None:
    from procedures.entry import expire

    x = await listed(db, severity="GENERAL", recognised="2024-01-05")
    at = now()
    await expire(db, as_of=dt.date(2026, 11, 25), now=at, actor="test")
    assert await expire(db, as_of=dt.date(2026, 11, 25), now=at, actor="test") == 0
    status = await db.read("MATCH (e:ListEntry {id: $e}) RETURN e.status AS s", {"e": x["entry"]})
    assert status[0]["s"] == "EXPIRED"
    mutations = gql("{ __schema { mutationType { fields { name } } } }")
    names = [f["name"] for f in mutations["data"]["__schema"]["mutationType"]["fields"]]
    assert not [n for n in names if n.lower().startswith(("delete", "remove", "purge"))]
