"""The register's request log and writer, without a database."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import orjson
import pytest
from starlette.requests import Request

from gateway.base.errors import InvalidInput, PurposeRequired
from gateway.base.settings import Settings
from gateway.base.viewer import Viewer
from procedures import audit as audit_module
from procedures.audit import AuditLog, AuditWriter
from resolvers.context import Context, read_consents, read_purpose

AT = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
VIEWER = Viewer(sub="officer-1", roles=frozenset({"approval"}), dept="320800/x", jur="320800")


def test_one_event_per_subject_and_request_with_everything_merged() -> None:
    log = AuditLog(lambda subject, classes: ["c1"] if "AUTHORISED" in classes else [])
    log.record("s1", "listEntries", ["listEntries.facts"], ["GOVERNMENT"])
    log.record("s1", "creditRecords", ["creditRecords.content"], ["AUTHORISED"])
    log.record("s2", "Person.idNumber", ["idNumber"], ["GOVERNMENT"], outcome="PURPOSE_REQUIRED")
    log.record("s2", "listEntries", ["listEntries.id"], ["GOVERNMENT"])
    events = {
        e["subjectId"]: e
        for e in log.events(viewer=VIEWER, purpose="审批", operation_name="Check", at=AT)
    }
    assert len(events) == 2 and len({e["requestId"] for e in events.values()}) == 1
    s1 = events["s1"]
    assert s1["operations"] == ["creditRecords", "listEntries"]
    assert s1["classes"] == ["AUTHORISED", "GOVERNMENT"] and s1["consentIds"] == ["c1"]
    assert (s1["sub"], s1["dept"], s1["purpose"], s1["outcome"]) == (
        "officer-1",
        "320800/x",
        "审批",
        "OK",
    )
    assert events["s2"]["outcome"] == "PURPOSE_REQUIRED"  # the refusal is what shows


class FakeDb:
    def __init__(self, fail: bool = False) -> None:
        self.batches: list[list[dict[str, Any]]] = []
        self.fail = fail


@pytest.fixture()
def fake_insert(monkeypatch: pytest.MonkeyPatch) -> FakeDb:
    db = FakeDb()

    async def insert(target: FakeDb, events: list[dict[str, Any]]) -> int:
        if target.fail:
            raise RuntimeError("Neo4j is down")
        target.batches.append(list(events))
        return len(events)

    monkeypatch.setattr(audit_module, "insert_events", insert)
    return db


async def test_background_writer_batches_and_flushes_at_close(fake_insert: FakeDb) -> None:
    """Every event is written once, in the order written, in batches of at most
    ``max_batch``; what is queued at close is flushed. How events fall into batches
    depends on timing and is not asserted."""
    writer = AuditWriter(lambda: fake_insert, mode="background", flush_ms=1, max_batch=4)  # type: ignore[arg-type,return-value]
    await writer.start()
    sent = [str(n) for n in range(10)]
    for n in sent:
        await writer.write([{"id": n}])
    await asyncio.sleep(0)  # the writer may take some of them before the next ones arrive
    sent += ["late-1", "late-2"]
    await writer.write([{"id": "late-1"}, {"id": "late-2"}])
    await writer.close()
    batches = [[e["id"] for e in b] for b in fake_insert.batches]
    assert [event for batch in batches for event in batch] == sent
    assert all(1 <= len(batch) <= 4 for batch in batches), batches
    assert (writer.events_written, writer.batches_written) == (len(sent), len(batches))


async def test_events_neo4j_never_took_are_kept_owner_only_not_logged(
    fake_insert: FakeDb, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake_insert.fail = True
    writer = AuditWriter(
        lambda: fake_insert,  # type: ignore[arg-type,return-value]
        mode="background",
        flush_ms=1,
        spill_dir=tmp_path / "register",
    )
    await writer.start()
    events = [
        {"id": str(n), "at": AT, "purpose": "行政许可审查", "subjectId": f"s{n}"} for n in (1, 2)
    ]
    await writer.write(events)
    await asyncio.sleep(0.05)  # the writer holds the batch and retries
    await writer.close(timeout_s=0.1)
    [kept] = (tmp_path / "register").iterdir()
    assert kept.stat().st_mode & 0o777 == 0o600
    lines = kept.read_bytes().splitlines()
    assert [orjson.loads(line)["subjectId"] for line in lines] == ["s1", "s2"]
    assert orjson.loads(lines[0])["at"] == AT.isoformat()
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "2 audit events could not be written" in logged and str(kept) in logged
    assert "行政许可审查" not in logged and "s1" not in logged


async def test_request_mode_fails_closed_when_the_register_cannot_be_written(
    fake_insert: FakeDb,
) -> None:
    fake_insert.fail = True
    writer = AuditWriter(lambda: fake_insert, mode="request")  # type: ignore[arg-type,return-value]
    ctx = Context(
        fake_insert,  # type: ignore[arg-type]  # a stand-in that fails every write
        Settings(),
        viewer=VIEWER,
        purpose="审批",
        audit_writer=writer,
    )
    ctx.disclose("s1", "listEntries", ["listEntries.facts"], ["PUBLIC", "GOVERNMENT"])
    payload: dict[str, Any] = {"data": {"secret": "政府共享"}}
    await ctx.finish(payload)
    assert payload["data"] is None
    assert payload["errors"][0]["extensions"]["code"] == "AUDIT_UNAVAILABLE"


def test_disclose_asks_a_purpose_for_non_public_information_only() -> None:
    ctx = Context(None, Settings(), viewer=VIEWER)  # type: ignore[arg-type]
    ctx.disclose("s1", "listEntries", [], ["PUBLIC"])
    assert len(ctx.audit) == 0
    with pytest.raises(PurposeRequired):
        ctx.disclose("s1", "listEntries", [], ["PUBLIC", "AUTHORISED"])
    [event] = ctx.audit.events(viewer=VIEWER, purpose=None, operation_name=None, at=AT)
    assert event["outcome"] == "PURPOSE_REQUIRED" and event["classes"] == ["AUTHORISED"]


def _request(**headers: bytes) -> Request:
    return Request(
        {"type": "http", "headers": [(k.replace("_", "-").encode(), v) for k, v in headers.items()]}
    )


def test_purpose_and_consent_headers() -> None:
    assert read_purpose(_request()) is None
    assert read_purpose(_request(x_credit_purpose="行政许可".encode())) == "行政许可"
    assert read_purpose(_request(x_credit_purpose=b"%E8%A1%8C%E6%94%BF")) == "行政"
    with pytest.raises(InvalidInput):
        read_purpose(_request(x_credit_purpose=b"x" * 501))
    # what cannot be read as UTF-8 is refused, never stored garbled in the register
    for garbled in (b"%E8%A1", b"\xe8\xa1", b"%FF%FE", b"\xff", b"a%00b", b"a\tb"):
        with pytest.raises(InvalidInput):
            read_purpose(_request(x_credit_purpose=garbled))
    assert read_consents(_request()) is None
    assert read_consents(_request(x_credit_consent=b"*")) == ("*",)
    assert read_consents(_request(x_credit_consent=b"a-1, b-2,a-1")) == ("a-1", "b-2")
    with pytest.raises(InvalidInput):
        read_consents(_request(x_credit_consent=b"a'; MATCH (n)"))
