"""Shared helpers for the audience tests: tokens, headers and a dataset of all three classes.

Every non-public value planted here carries the marker ``SENTINEL`` (facts, document
numbers, record contents) so a response can be searched for it as raw text.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import urllib.parse
from typing import Any

import orjson

from gateway.base.db import Database
from gateway.base.settings import Settings
from procedures.entry import end_entry
from tests.conftest import (
    DEFAULT_DEPT,
    government_token,
    now,
    unique_id_number,
    unique_uscc,
)
from tests.graph import load_ok

DEPT = DEFAULT_DEPT
OTHER_DEPT = "320800/国家税务总局淮安市税务局"
SENTINEL = "SENTINEL"
NOW = now()


def bearer(
    settings: Settings, purpose: str | None = "审批核查", consent: str | None = None, **claims: Any
) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {government_token(settings, **claims)}"}
    if purpose:  # percent-encoded UTF-8: HTTP header values are bytes
        headers["X-Credit-Purpose"] = urllib.parse.quote(purpose)
    if consent:
        headers["X-Credit-Consent"] = consent
    return headers


def subject_headers(
    settings: Settings,
    subject_id: str,
    purpose: str | None = None,
    sub: str = "subject-self",
    consent: str | None = None,
) -> dict[str, str]:
    return bearer(
        settings, purpose, consent, sub=sub, roles=["subject"], dept=None, subject_id=subject_id
    )


def entry(subject: dict[str, str], disclosure: str, facts: str, **extra: str) -> dict[str, str]:
    return {
        "list": "BLACK",
        "department_id": DEPT,
        "severity": "SERIOUS",
        "facts": facts,
        "recognised_on": "2026-03-01",
        "disclosure": disclosure,
        "document_number": f"淮市监罚〔2026〕{facts[-6:]}号",
        "basis": "实施办法 第六条",
        **subject,
        **extra,
    }


async def subject_id(db: Database, *, uscc: str | None = None, id_number: str | None = None) -> str:
    rows = await db.read(
        "MATCH (s:Subject) WHERE s.uscc = $u OR s.idNumber = $n RETURN s.id AS id",
        {"u": uscc, "n": id_number},
    )
    return str(rows[0]["id"])


async def sentinel_world(db: Database, tag: str) -> dict[str, Any]:
    """An organisation and two persons with entries of all three classes, expired and
    repaired entries, records, and a person known only to government."""
    org, rep, hidden, red_org = unique_uscc(), unique_id_number(), unique_id_number(), unique_uscc()
    await load_ok(
        db,
        "subjects",
        [
            {
                "uscc": org,
                "name": f"淮安市哨兵{tag}物流有限公司",
                "address": "淮安市清江浦区哨兵路1号",
            },
            {"uscc": red_org, "name": f"淮安市哨兵{tag}诚信商行", "org_type": "UNINCORPORATED"},
            {"id_number": rep, "name": f"哨兵{tag}代表", "work_unit": "淮安市哨兵物流有限公司"},
            {"id_number": hidden, "name": f"哨兵{tag}隐者"},
        ],
    )
    await load_ok(
        db,
        "roles",
        [{"id_number": rep, "uscc": org, "role": "LEGAL_REPRESENTATIVE", "start": "2015-01-01"}],
    )
    o, p, h = {"uscc": org}, {"id_number": rep}, {"id_number": hidden}
    await load_ok(
        db,
        "entries",
        [
            entry(o, "PUBLIC", "公开的失信事实甲", act_on="2026-02-01"),
            entry(
                o,
                "GOVERNMENT",
                f"{SENTINEL}-GOV-FACTS-{tag}",
                source_ref=f"g{tag}-{org}",
                source_system="test",
                decision_document=f"{SENTINEL}-GOV-DOC",
            ),
            entry(o, "AUTHORISED", f"{SENTINEL}-AUTH-FACTS-{tag}", basis=f"{SENTINEL}-AUTH-BASIS"),
            entry(
                o,
                "PUBLIC",
                f"{SENTINEL}-EXPIRED-{tag}",
                severity="GENERAL",
                recognised_on="2019-05-01",
            ),
            entry(
                o,
                "PUBLIC",
                f"{SENTINEL}-REPAIRED-{tag}",
                source_system="test",
                source_ref=f"r{tag}-{org}",
            ),
            entry(p, "PUBLIC", "本人公开失信事实乙", severity="MAJOR"),
            entry(p, "AUTHORISED", f"{SENTINEL}-PERSON-AUTH-{tag}", severity="MAJOR"),
            entry(h, "GOVERNMENT", f"{SENTINEL}-HIDDEN-{tag}", severity="GENERAL"),
            {
                "list": "RED",
                "uscc": red_org,
                "department_id": DEPT,
                "category": "纳税信用A级",
                "recognised_on": "2026-01-10",
                "disclosure": "PUBLIC",
            },
        ],
    )
    await load_ok(
        db,
        "records",
        [
            {
                "category": "NEGATIVE",
                "uscc": org,
                "department_id": DEPT,
                "type": "行政处罚",
                "content": f"{SENTINEL}-REC-GOV-{tag}",
                "recorded_on": "2026-04-01",
                "disclosure": "GOVERNMENT",
            },
            {
                "category": "NEGATIVE",
                "uscc": org,
                "department_id": DEPT,
                "type": "欠税",
                "content": f"{SENTINEL}-REC-AUTH-{tag}",
                "recorded_on": "2026-04-02",
                "disclosure": "AUTHORISED",
            },
        ],
    )
    repaired = await db.read(
        "MATCH (e:ListEntry {key: $k}) RETURN e.id AS id", {"k": f"test:r{tag}-{org}"}
    )
    await end_entry(
        db,
        repaired[0]["id"],
        status="REPAIRED",
        on=dt.date(2026, 10, 1),
        reason="实施办法 第十九条: 信用修复",
        actor="test",
        now=NOW,
    )
    return {
        "org": org,
        "red_org": red_org,
        "rep": rep,
        "hidden": hidden,
        "org_id": await subject_id(db, uscc=org),
        "rep_id": await subject_id(db, id_number=rep),
        "hidden_name": f"哨兵{tag}隐者",
    }


async def audit_events(db: Database, subject: str, expect: int) -> list[dict[str, Any]]:
    """The register's events about a subject, oldest first, once there are ``expect`` of them.

    The gateway writes the register in the background (a few ms after the response), so
    this waits for the count, then checks that no further event follows.
    """
    query = "MATCH (a:AuditEvent {subjectId: $s}) RETURN a {.*} AS a ORDER BY a.at, a.id"
    deadline = asyncio.get_running_loop().time() + 10
    while True:
        rows = [r["a"] for r in await db.read(query, {"s": subject})]
        if len(rows) >= expect or asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.1)
    rows = [unpacked(r["a"]) for r in await db.read(query, {"s": subject})]
    assert len(rows) == expect, rows
    return rows


def unpacked(event: dict[str, Any]) -> dict[str, Any]:
    """A stored register event with its JSON ``detail`` read back into fields."""
    detail = event.pop("detail", None)
    return {**event, **(orjson.loads(detail) if detail is not None else {})}
