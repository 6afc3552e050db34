"""repairEligibility follows the audience rules of every other read of an entry: a purpose
for non-public information (管理办法 第三十三条) and one register entry per request."""

from __future__ import annotations

from typing import Any

from gateway.base.db import Database
from gateway.base.settings import Settings
from resolvers.context import SELF_QUERY
from tests.integration.audiences import (
    audit_events,
    bearer,
    sentinel_world,
    subject_headers,
    subject_id,
)

ELIGIBILITY = """query Eligibility($e: ID!) { repairEligibility(entryId: $e) {
  eligible rules { rule passed detail } } }"""


async def entry_with(db: Database, subject: str, facts: str) -> str:
    """The subject's (source) entry whose facts start with ``facts``."""
    [row] = await db.read(
        "MATCH (e:ListEntry {derived: false})-[:CONCERNS]->(:Subject {id: $s}) "
        "WHERE e.facts STARTS WITH $f RETURN e.id AS id",
        {"s": subject, "f": facts},
    )
    return str(row["id"])


async def test_a_non_public_entry_needs_a_purpose_and_is_registered(
    gql: Any, settings: Settings, db: Database
) -> None:
    w = await sentinel_world(db, "修")
    org = w["org_id"]
    government = await entry_with(db, org, "SENTINEL-GOV-FACTS")
    refused = gql(ELIGIBILITY, {"e": government}, headers=bearer(settings, purpose=None))
    assert refused["errors"][0]["extensions"]["code"] == "PURPOSE_REQUIRED"
    assert refused["data"] is None
    [event] = await audit_events(db, org, 1)
    assert (event["outcome"], event.get("purpose")) == ("PURPOSE_REQUIRED", None)
    answered = gql(ELIGIBILITY, {"e": government}, headers=bearer(settings, purpose="信用修复审核"))
    assert "errors" not in answered, answered
    event = (await audit_events(db, org, 2))[-1]
    assert (event["outcome"], event["purpose"], event["operationName"]) == (
        "OK",
        "信用修复审核",
        "Eligibility",
    )
    assert event["operations"] == ["repairEligibility"]
    assert event["fields"] == [
        "repairEligibility",
        "repairEligibility.eligible",
        "repairEligibility.rules",
    ]
    # The rules weigh the subject's other entries too (AUTHORISED among them).
    assert event["classes"] == ["AUTHORISED", "GOVERNMENT"]


async def test_the_subject_reading_its_own_is_a_self_query(
    gql: Any, settings: Settings, db: Database
) -> None:
    w = await sentinel_world(db, "己")
    rep = w["rep_id"]
    authorised = await entry_with(db, rep, "SENTINEL-PERSON-AUTH")
    own = gql(ELIGIBILITY, {"e": authorised}, headers=subject_headers(settings, rep))
    assert "errors" not in own, own
    [event] = await audit_events(db, rep, 1)
    assert (event["outcome"], event["purpose"], event["sub"]) == ("OK", SELF_QUERY, "subject-self")
    # Its own entry, and the government-shared ones it holds through the organisation.
    assert event["classes"] == ["AUTHORISED", "GOVERNMENT"]
    other = gql(ELIGIBILITY, {"e": authorised}, headers=subject_headers(settings, w["org_id"]))
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_public_information_needs_no_purpose_and_leaves_no_event(
    gql: Any, settings: Settings, db: Database
) -> None:
    w = await sentinel_world(db, "公")
    red = await subject_id(db, uscc=w["red_org"])
    [public] = await db.read(
        "MATCH (e:ListEntry)-[:CONCERNS]->(:Subject {id: $s}) RETURN e.id AS id", {"s": red}
    )
    answered = gql(ELIGIBILITY, {"e": public["id"]}, headers=bearer(settings, purpose=None))
    assert "errors" not in answered, answered
    await audit_events(db, red, 0)
    # A public entry of a subject with non-public ones: the answer draws on those too.
    org_public = await entry_with(db, w["org_id"], "公开的失信事实甲")
    refused = gql(ELIGIBILITY, {"e": org_public}, headers=bearer(settings, purpose=None))
    assert refused["errors"][0]["extensions"]["code"] == "PURPOSE_REQUIRED"
