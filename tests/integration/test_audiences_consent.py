"""Consents (管理办法 第二十一条): who records them, and that scope, window and revocation hold.

A query relies on consents explicitly: ``X-Credit-Consent: <id>,…`` or ``*`` for every
consent that covers the caller; without the header only the caller's own standing counts.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from gateway.base.db import Database
from gateway.base.settings import Settings
from procedures.consent import grant_consent
from tests.conftest import LiveServer, now, unique_id_number, unique_uscc
from tests.graph import load_ok
from tests.integration.audiences import (
    DEPT,
    OTHER_DEPT,
    SENTINEL,
    audit_events,
    bearer,
    entry,
    sentinel_world,
    subject_headers,
    subject_id,
)

GRANT = """mutation($i: GrantConsentInput!) { grantConsent(input: $i) {
  id inForce scope purpose createdBy documentRef revokedAt grantee { kind id name uscc } } }"""
REVOKE = 'mutation($id: ID!) { revokeConsent(id: $id, reason: "撤回") { id revokedAt inForce } }'
CONSENTS = """query($s: ID!, $r: Boolean!) { consents(subject: {id: $s}, includeRevoked: $r) {
  id inForce grantee { id } } }"""
SEEN = """query($s: ID!) { subject(ref: {id: $s}) { ... on Person {
  listEntries { facts } creditRecords { content } } } }"""
_n = itertools.count(1)


async def person(db: Database) -> dict[str, str]:
    """A person with an entry of each class and an authorised-query record."""
    n = next(_n)
    number = unique_id_number()
    p = {"id_number": number}
    await load_ok(db, "subjects", [{"id_number": number, "name": f"授权人{n}"}])
    await load_ok(
        db,
        "entries",
        [
            entry(p, "PUBLIC", f"公开{n}", severity="GENERAL"),
            entry(p, "GOVERNMENT", f"共享{n}", severity="GENERAL"),
            entry(p, "AUTHORISED", f"授权{n}", severity="GENERAL"),
        ],
    )
    await load_ok(
        db,
        "records",
        [
            {
                "category": "OTHER",
                "id_number": number,
                "department_id": DEPT,
                "type": "社保缴纳",
                "content": f"授权记录{n}",
                "recorded_on": "2026-05-01",
                "disclosure": "AUTHORISED",
            }
        ],
    )
    return {"id": await subject_id(db, id_number=number), "number": number, "n": str(n)}


def window(start_days: float = -1, end_days: float = 30) -> dict[str, str]:
    at = now()
    return {
        "validFrom": (at + dt.timedelta(days=start_days)).isoformat(),
        "validUntil": (at + dt.timedelta(days=end_days)).isoformat(),
    }


def grant(
    gql: Any,
    headers: dict[str, str],
    subject: str,
    scope: list[str],
    grantee: dict[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    i = {
        "subject": {"id": subject},
        "grantee": grantee or {"departmentId": DEPT},
        "scope": scope,
        "purpose": "办理贷款审批",
        **window(),
        **extra,
    }
    return gql(GRANT, {"i": i}, headers=headers)


def seen(gql: Any, headers: dict[str, str], subject: str) -> set[str]:
    body = gql(SEEN, {"s": subject}, headers=headers)
    assert "errors" not in body, body
    s = body["data"]["subject"]
    return {e["facts"] for e in s["listEntries"]} | {r["content"] for r in s["creditRecords"]}


async def test_who_records_lists_and_revokes_consents(
    gql: Any, settings: Settings, db: Database
) -> None:
    p = await person(db)
    me = subject_headers(settings, p["id"])
    own = grant(gql, me, p["id"], ["AUTHORISED"])["data"]["grantConsent"]
    assert own["inForce"] and own["scope"] == ["AUTHORISED"] and own["createdBy"] == "subject-self"
    assert own["grantee"] == {
        "kind": "DEPARTMENT",
        "id": DEPT,
        "name": "淮安市市场监督管理局",
        "uscc": None,
    }
    admin = bearer(settings, roles=["credit_admin"], sub="admin-1")
    unwritten = grant(gql, admin, p["id"], ["GOVERNMENT"], {"departmentId": OTHER_DEPT})
    assert unwritten["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    written = grant(
        gql,
        admin,
        p["id"],
        ["GOVERNMENT"],
        {"departmentId": OTHER_DEPT},
        documentRef="淮信授〔2026〕18号",
    )["data"]["grantConsent"]
    assert written["documentRef"] == "淮信授〔2026〕18号"
    approver = bearer(settings, roles=["approval"])
    other = subject_headers(settings, (await person(db))["id"])
    for headers in (approver, other):
        refused = grant(gql, headers, p["id"], ["AUTHORISED"])
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (
        grant(
            gql,
            me,
            p["id"],
            [],
        )["errors"][0]["extensions"]["code"]
        == "BAD_USER_INPUT"
    )
    naive = grant(gql, me, p["id"], ["AUTHORISED"], validUntil="2030-01-01T00:00:00")
    assert naive["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    def listed(headers: dict[str, str], revoked: bool = True) -> set[str]:
        return {
            c["id"]
            for c in gql(CONSENTS, {"s": p["id"], "r": revoked}, headers=headers)["data"][
                "consents"
            ]
        }

    assert listed(me) == {own["id"], written["id"]} == listed(admin)
    assert listed(approver) == {own["id"]}  # a department sees the consents given to it
    assert listed(bearer(settings, roles=["approval"], dept=OTHER_DEPT)) == {written["id"]}
    revoked = gql(REVOKE, {"id": own["id"]}, headers=me)["data"]["revokeConsent"]
    assert revoked["revokedAt"] and not revoked["inForce"]
    again = gql(REVOKE, {"id": own["id"]}, headers=admin)["data"]["revokeConsent"]
    assert again["revokedAt"] == revoked["revokedAt"]  # recorded once
    assert (
        gql(REVOKE, {"id": written["id"]}, headers=other)["errors"][0]["extensions"]["code"]
        == "FORBIDDEN"
    )
    assert listed(me) == {own["id"], written["id"]}  # never deleted
    assert listed(me, revoked=False) == {written["id"]}


async def test_scope_window_and_revocation_hold(gql: Any, settings: Settings, db: Database) -> None:
    officer = bearer(settings, roles=["approval"], consent="*")
    admin = bearer(settings, roles=["credit_admin"], sub="admin-2")
    doc = {"documentRef": "书面同意书"}

    async def case(scope: list[str], grantee: str = DEPT, **w: Any) -> tuple[dict[str, str], str]:
        p = await person(db)
        body = grant(gql, admin, p["id"], scope, {"departmentId": grantee}, **doc, **w)
        return p, body["data"]["grantConsent"]["id"]

    def authorised(p: dict[str, str], headers: dict[str, str] = officer) -> bool:
        facts = seen(gql, headers, p["id"])
        assert f"公开{p['n']}" in facts and f"共享{p['n']}" in facts
        return f"授权{p['n']}" in facts or f"授权记录{p['n']}" in facts

    nobody = await person(db)
    assert not authorised(nobody)
    inside, consent = await case(["AUTHORISED"])
    assert authorised(inside)
    assert seen(gql, officer, inside["id"]) >= {f"授权{inside['n']}", f"授权记录{inside['n']}"}
    [*_, event] = await audit_events(db, inside["id"], 2)
    assert event["consentIds"] == [consent] and event["classes"] == ["AUTHORISED", "GOVERNMENT"]
    # Relied on by id it counts; without the header, or naming another consent, it does not.
    assert authorised(inside, bearer(settings, roles=["approval"], consent=consent))
    assert not authorised(inside, bearer(settings, roles=["approval"]))
    other, other_consent = await case(["AUTHORISED"])
    assert not authorised(inside, bearer(settings, roles=["approval"], consent=other_consent))
    before, _ = await case(["AUTHORISED"], **window(start_days=1, end_days=30))
    assert not authorised(before)
    after = await person(db)
    past = window(-30, -1)
    await grant_consent(
        db,
        {
            "subjectId": after["id"],
            "departmentId": DEPT,
            "granteeUscc": None,
            "purpose": "过期",
            "scope": ["AUTHORISED"],
            "validFrom": dt.datetime.fromisoformat(past["validFrom"]),
            "validUntil": dt.datetime.fromisoformat(past["validUntil"]),
            "now": now(),
            "by": "test",
            "byDept": None,
            "documentRef": "x",
        },
    )
    assert not authorised(after)
    withdrawn, consent = await case(["AUTHORISED"])
    assert authorised(withdrawn)
    gql(REVOKE, {"id": consent}, headers=admin)
    assert not authorised(withdrawn)
    elsewhere, _ = await case(["AUTHORISED"], grantee=OTHER_DEPT)
    assert not authorised(elsewhere)
    assert authorised(elsewhere, bearer(settings, roles=["approval"], dept=OTHER_DEPT, consent="*"))
    number_only, _ = await case(["ID_NUMBER"])
    assert not authorised(number_only)


async def test_an_organisation_grantee_sees_exactly_its_scope(
    gql: Any, settings: Settings, db: Database
) -> None:
    bank_uscc = unique_uscc()
    await load_ok(db, "subjects", [{"uscc": bank_uscc, "name": "淮安农商授信银行"}])
    bank = subject_headers(
        settings,
        await subject_id(db, uscc=bank_uscc),
        purpose="贷款审查",
        sub="bank-clerk",
        consent="*",
    )
    p = await person(db)
    q = "query($s: ID!) { subject(ref: {id: $s}) { ... on Person { idNumber } } }"
    assert seen(gql, bank, p["id"]) == {f"公开{p['n']}"}
    assert gql(q, {"s": p["id"]}, headers=bank)["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    me = subject_headers(settings, p["id"])
    for scope in (["AUTHORISED"], ["ID_NUMBER"]):
        body = grant(gql, me, p["id"], scope, {"uscc": bank_uscc})
        assert body["data"]["grantConsent"]["grantee"]["kind"] == "ORGANIZATION"
    assert seen(gql, bank, p["id"]) == {f"公开{p['n']}", f"授权{p['n']}", f"授权记录{p['n']}"}
    assert gql(q, {"s": p["id"]}, headers=bank)["data"]["subject"]["idNumber"] == p["number"]
    no_purpose = {k: v for k, v in bank.items() if k != "X-Credit-Purpose"}
    refused = gql(SEEN, {"s": p["id"]}, headers=no_purpose)
    assert refused["errors"][0]["extensions"]["code"] == "PURPOSE_REQUIRED"


async def test_a_subject_sees_all_of_itself_and_who_looked(
    gql: Any, settings: Settings, db: Database
) -> None:
    p = await person(db)
    number = {"id_number": p["number"]}
    await load_ok(
        db,
        "entries",
        [
            entry(
                number,
                "AUTHORISED",
                f"旧事{p['n']}",
                recognised_on="2019-01-01",
                severity="GENERAL",
            )
        ],
    )
    officer = bearer(settings, roles=["investigator"], sub="officer-77", purpose="案件调查")
    seen(gql, officer, p["id"])
    await audit_events(db, p["id"], 1)
    me = subject_headers(settings, p["id"])  # no purpose: a subject reads itself
    q = """query($s: ID!) { subject(ref: {id: $s}) { ... on Person { idNumber
      listEntries { facts status } } } }"""
    mine = gql(q, {"s": p["id"]}, headers=me)["data"]["subject"]
    assert mine["idNumber"] == p["number"]
    assert {e["facts"]: e["status"] for e in mine["listEntries"]}[f"旧事{p['n']}"] == "EXPIRED"
    await audit_events(db, p["id"], 2)
    log = gql(
        """{ myAccessLog(first: 10) { edges { node { department purpose classes
      operations outcome } } } }""",
        headers=me,
    )["data"]["myAccessLog"]["edges"]
    assert [e["node"]["purpose"] for e in log] == ["本人查询", "案件调查"]
    assert log[1]["node"]["department"] == DEPT and log[1]["node"]["classes"] == ["GOVERNMENT"]
    hidden = gql("{ myAccessLog { edges { node { caller } } } }", headers=me)
    assert hidden["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_consents_of_many_subjects_load_in_one_query(
    gql: Any, gateway: LiveServer, settings: Settings, db: Database
) -> None:
    orgs = [unique_uscc() for _ in range(30)]
    await load_ok(
        db,
        "subjects",
        [{"uscc": u, "name": f"淮安市同意批次{i}有限公司"} for i, u in enumerate(orgs)],
    )
    await load_ok(
        db,
        "entries",
        [entry({"uscc": u}, "AUTHORISED", f"批次授权{i}") for i, u in enumerate(orgs)],
    )
    q = """{ searchSubjects(name: "同意批次", kind: ORGANIZATION, first: 30) { edges { node {
      listEntries { facts } } } } }"""
    for consent in ("*", None):
        before = gateway.queries
        edges = gql(q, headers=bearer(settings, consent=consent))["data"]["searchSubjects"]["edges"]
        assert len(edges) == 30 and all(e["node"]["listEntries"] == [] for e in edges)
        # one compiled query: the consents relied on are read inside it
        assert gateway.queries - before == 1


async def test_a_derived_entry_shows_its_source_only_to_who_may_see_the_source(
    gql: Any, settings: Settings, db: Database
) -> None:
    w = await sentinel_world(db, "源")
    bank_uscc = unique_uscc()
    await load_ok(db, "subjects", [{"uscc": bank_uscc, "name": "淮安来源核查银行"}])
    bank = subject_headers(
        settings,
        await subject_id(db, uscc=bank_uscc),
        purpose="贷款审查",
        sub="bank-clerk-2",
        consent="*",
    )
    me = subject_headers(settings, w["rep_id"])
    grant(gql, me, w["rep_id"], ["AUTHORISED"], {"uscc": bank_uscc})
    q = """query($s: ID!) { subject(ref: {id: $s}) { listEntries { facts derived
      source { facts } } } }"""
    entries = gql(q, {"s": w["rep_id"]}, headers=bank)["data"]["subject"]["listEntries"]
    derived = {e["facts"]: e["source"] for e in entries if e["derived"]}
    # The person's consent opens the derived entry, not the organisation's own entry.
    assert derived == {
        "公开的失信事实甲": {"facts": "公开的失信事实甲"},
        f"{SENTINEL}-AUTH-FACTS-源": None,
    }
    officer = gql(q, {"s": w["rep_id"]})["data"]["subject"]["listEntries"]
    assert {e["facts"]: e["source"] for e in officer if e["derived"]}[
        f"{SENTINEL}-GOV-FACTS-源"
    ] == {"facts": f"{SENTINEL}-GOV-FACTS-源"}
