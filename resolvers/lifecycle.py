"""Objections, corrections, credit repair, revocation and history: who may do what, when.

Roles: the subject itself (or a credit administrator recording for it) files and
appeals; the credit centre (``credit_admin``) reviews, corrects and accepts; the
providing department (a government caller of the entry's department) verifies and
gives repair opinions; supervisors decide appeals and watch deadlines. Due dates
are counted in working days on the official calendar (graph_schema/rules/working_days).
A date other than today may be recorded only by a credit administrator, for
procedures that happened on paper, and never in the future.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
import strawberry
from strawberry import Info

from gateway.auth import Viewer
from gateway.context import Context
from gateway.db import Transaction
from gateway.errors import Conflict, Forbidden, InvalidInput, NotFound
from graph_schema.lifecycle import (
    EntryCorrection,
    EntryVersion,
    ExclusionKind,
    Objection,
    ObjectionGround,
    RepairApplication,
    RepairEligibility,
    ReviewOutcome,
)
from graph_schema.model import Severity
from graph_schema.rules import objection as objection_rule
from graph_schema.rules import repair as repair_rule
from graph_schema.scalars import Date
from loaders import lifecycle as cypher
from loaders.ingest import end_list_entry
from resolvers.subject import SubjectRef, load_subject

GOVERNMENT = ("approval", "investigator", "credit_admin", "supervisor")
PUBLICITY_DAYS = 5  # 管理办法 第三十二条


def _actor(viewer: Viewer) -> str:
    return f"{viewer.sub}@{viewer.dept}" if viewer.dept else viewer.sub


def _day(ctx: Context, viewer: Viewer, on: dt.date | None) -> dt.date:
    if on is None or on == ctx.today:
        return ctx.today
    if on > ctx.today:
        raise InvalidInput("a procedure cannot be recorded in the future", value=on.isoformat())
    if not viewer.has_any("credit_admin"):
        raise Forbidden(
            "recording an earlier date needs a credit administrator", required=["credit_admin"]
        )
    return on


async def _entry(ctx: Context, entry_id: str) -> dict[str, Any]:
    entry = await cypher.single(ctx.db, cypher.ENTRY_FOR_LIFECYCLE, {"id": entry_id}, "entry")
    if entry is None:
        raise NotFound("no such list entry", id=entry_id)
    return dict(entry)


def _subject_or_admin(ctx: Context, subject_id: str) -> Viewer:
    viewer = ctx.require()
    if viewer.acts_for(subject_id) or viewer.has_any("credit_admin"):
        return viewer
    raise Forbidden(
        "only the subject itself or a credit administrator may do this",
        required=["subject", "credit_admin"],
    )


def _providing_department(ctx: Context, department_id: str | None) -> Viewer:
    """信息提供单位: a government caller of the department that recorded the entry."""
    viewer = ctx.require(*GOVERNMENT)
    if viewer.dept is None or viewer.dept != department_id:
        raise Forbidden("only the providing department may do this", department=department_id)
    return viewer


async def _objection(ctx: Context, objection_id: str) -> dict[str, Any]:
    found = await cypher.single(ctx.db, cypher.OBJECTION, {"id": objection_id}, "objection")
    if found is None:
        raise NotFound("no such objection", id=objection_id)
    return dict(found)


def _step(step: dict[str, Any] | None, today: dt.date) -> dict[str, Any] | None:
    if step is None:
        return None
    due = step.get("dueOn")
    overdue = step.get("closedOn") is None and due is not None and due.to_native() < today
    return {**step, "overdue": overdue}


def objection_plain(o: dict[str, Any], today: dt.date) -> dict[str, Any]:
    steps = sorted(o.get("steps") or [], key=lambda s: s.get("seq", 0))
    current = next((s for s in steps if s.get("closedOn") is None), None)
    return {
        **o,
        "evidence": o.get("evidence") or [],
        "steps": [_step(s, today) for s in steps],
        "currentStep": _step(current, today),
    }


async def _advance(
    ctx: Context,
    viewer: Viewer,
    objection: dict[str, Any],
    outcome: str,
    note: str | None,
    on: dt.date,
) -> Any:
    """Record ``outcome`` on the open step and move on as the procedure says."""
    step = objection_rule.transition(objection["status"], outcome)
    due = provisional = None
    if step.next_step and step.days:
        when = (await cypher.calendar(ctx.db)).add_working_days(on, step.days)
        due, provisional = when.date, when.provisional

    async def work(tx: Transaction) -> None:
        await tx.run(
            cypher.ADVANCE_OBJECTION,
            {
                "id": objection["id"],
                "on": on,
                "actor": _actor(viewer),
                "outcome": outcome,
                "note": note,
                "status": step.status,
                "next": step.next_step,
                "dueOn": due,
                "provisional": provisional,
                "close": step.close,
            },
        )
        if step.close:  # the entry is no longer disputed: that too is a version
            await tx.run(
                cypher.ENTRY_EVENT,
                {
                    "entryId": objection["entryId"],
                    "now": ctx.now,
                    "actor": _actor(viewer),
                    "change": "DISPUTE_CLOSED",
                    "reason": f"objection {objection['id']}: {outcome}",
                },
            )

    await ctx.db.transaction(work, op="objection")
    return objection_plain(await _objection(ctx, objection["id"]), ctx.today)


async def _eligibility(
    ctx: Context, entry_id: str, corrected_on: dt.date | None, committed: bool, on: dt.date
) -> repair_rule.Eligibility:
    [record] = await ctx.db.read(cypher.REPAIR_CASE, {"id": entry_id}, op="repair_case") or [None]
    if record is None:
        raise NotFound("no such list entry", id=entry_id)
    e, subject = record["entry"], record["subject"]

    def past(m: dict[str, Any]) -> repair_rule.PastEntry:
        return repair_rule.PastEntry(
            m["id"],
            m["kind"],
            m.get("severity") or "UNSTATED",
            m.get("category"),
            m["recognisedOn"].to_native(),
        )

    exclusions = record["exclusions"]

    def native(d: Any) -> dt.date | None:
        return d.to_native() if d is not None else None

    case = repair_rule.RepairCase(
        entry=past(e),
        valid_until=native(e.get("validUntil")),
        ended_on=native(e.get("endedOn")),
        applied_on=on,
        corrected_on=corrected_on,
        committed=committed,
        other_entries=[past(x) for x in record["others"]],
        repairs=[
            repair_rule.PastRepair(r["entryId"], r.get("category"), r["repairedOn"].to_native())
            for r in record["repairs"]
        ],
        bankrupt="破产" in (subject.get("status") or "")
        or any(x["kind"] == "BANKRUPTCY" for x in exclusions),
        ignored_reminders=[x["reason"] for x in exclusions if x["kind"] == "IGNORED_REMINDER"],
        other_exclusions=[x["reason"] for x in exclusions if x["kind"] == "OTHER"],
    )
    return repair_rule.eligibility(case)


def _rules(result: repair_rule.Eligibility) -> list[dict[str, Any]]:
    return [
        {"rule": r.rule, "article": r.article, "passed": r.passed, "detail": r.detail}
        for r in result.rules
    ]


async def _application(ctx: Context, application_id: str) -> dict[str, Any]:
    found = await cypher.single(
        ctx.db, cypher.REPAIR_APPLICATION, {"id": application_id}, "application"
    )
    if found is None:
        raise NotFound("no such repair application", id=application_id)
    return {**found, "rules": orjson.loads(found["rules"]) if found.get("rules") else []}


async def _update_application(ctx: Context, application_id: str, **changes: Any) -> dict[str, Any]:
    await ctx.db.write(
        cypher.UPDATE_REPAIR, {"id": application_id, "changes": changes}, op="repair"
    )
    return await _application(ctx, application_id)


@strawberry.type
class LifecycleQuery:
    @strawberry.field(
        description="Every version of an entry, oldest first (nothing is ever "
        "deleted: 实施办法 第二十条)."
    )
    async def entry_history(
        self, info: Info[Context, None], entry_id: strawberry.ID
    ) -> list[EntryVersion]:
        ctx = info.context
        viewer = ctx.require()
        entry = await _entry(ctx, str(entry_id))
        if not (viewer.government or viewer.acts_for(entry["subjectId"])):
            raise Forbidden("an entry's history is for government and the subject itself")
        await ctx.access(entry["subjectId"])
        ctx.disclose(entry["subjectId"], "entryHistory", ["entryHistory"], [entry["disclosure"]])
        versions = (
            await cypher.single(ctx.db, cypher.ENTRY_HISTORY, {"id": str(entry_id)}, "versions")
            or []
        )
        return [
            {
                "version": v.get("version"),
                "change": v.get("versionChange"),  # type: ignore[misc]
                "at": v["versionAt"].iso_format() if v.get("versionAt") else "",
                "actor": v.get("versionActor"),
                "reason": v.get("versionReason"),
                "status": v.get("status"),
                "severity": v.get("severity"),
                "facts": v.get("facts"),
                "validUntil": v.get("validUntil"),
                "endedOn": v.get("endedOn"),
            }
            for v in versions
        ]

    @strawberry.field(
        description="Open objections, or only the overdue ones, for supervisors "
        "and the credit centre."
    )
    async def objections(
        self, info: Info[Context, None], overdue_only: bool = False, as_of: Date | None = None
    ) -> list[Objection]:
        ctx = info.context
        ctx.require("supervisor", "credit_admin")
        day = as_of or ctx.today
        found = await cypher.single(
            ctx.db, cypher.OPEN_OBJECTIONS, {"overdueOnly": overdue_only, "asOf": day}, "objections"
        )
        return [objection_plain(o, day) for o in found or []]  # type: ignore[misc]

    @strawberry.field
    async def objection(self, info: Info[Context, None], id: strawberry.ID) -> Objection:
        ctx = info.context
        o = await _objection(ctx, str(id))
        viewer = ctx.require()
        if not (viewer.government or viewer.acts_for(o["subjectId"])):
            raise Forbidden("an objection is for government and the subject itself")
        return objection_plain(o, ctx.today)  # type: ignore[return-value]

    @strawberry.field(description="Could this entry be repaired now? Yes or no, with every rule.")
    async def repair_eligibility(
        self,
        info: Info[Context, None],
        entry_id: strawberry.ID,
        corrected_on: Date | None = None,
        committed: bool = True,
        as_of: Date | None = None,
    ) -> RepairEligibility:
        ctx = info.context
        entry = await _entry(ctx, str(entry_id))
        viewer = ctx.require()
        if not (viewer.government or viewer.acts_for(entry["subjectId"])):
            raise Forbidden("repair eligibility is for government and the subject itself")
        result = await _eligibility(ctx, str(entry_id), corrected_on, committed, as_of or ctx.today)
        return {
            "entryId": str(entry_id),
            "eligible": result.eligible,  # type: ignore[return-value]
            "rules": _rules(result),
        }

    @strawberry.field
    async def repair_application(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> RepairApplication:
        ctx = info.context
        application = await _application(ctx, str(id))
        viewer = ctx.require()
        if not (viewer.government or viewer.acts_for(application["subjectId"])):
            raise Forbidden("a repair application is for government and the subject itself")
        return application  # type: ignore[return-value]


@strawberry.type
class LifecycleMutation:
    @strawberry.mutation(
        description="File an objection (实施办法 第十五条, 管理办法 第二十八条); "
        "the review is due in 10 working days."
    )
    async def file_objection(
        self,
        info: Info[Context, None],
        entry_id: strawberry.ID,
        ground: ObjectionGround,
        statement: str,
        evidence: list[str] | None = None,
        on: Date | None = None,
    ) -> Objection:
        ctx = info.context
        entry = await _entry(ctx, str(entry_id))
        viewer = _subject_or_admin(ctx, entry["subjectId"])
        day = _day(ctx, viewer, on)
        if not statement.strip():
            raise InvalidInput("state what is wrong with the entry")
        due = (await cypher.calendar(ctx.db)).add_working_days(day, objection_rule.REVIEW_DAYS)
        [record] = await ctx.db.write(
            cypher.FILE_OBJECTION,
            {
                "entryId": str(entry_id),
                "ground": ground.value,
                "statement": statement,
                "evidence": evidence or [],
                "on": day,
                "actor": _actor(viewer),
                "now": ctx.now,
                "dueOn": due.date,
                "provisional": due.provisional,
                "change": "DISPUTED",
                "reason": f"objection: {ground.value}",
            },
            op="objection",
        )
        return objection_plain(await _objection(ctx, record["id"]), ctx.today)  # type: ignore[return-value]

    @strawberry.mutation(description="The credit centre's review (10 working days).")
    async def review_objection(
        self,
        info: Info[Context, None],
        objection_id: strawberry.ID,
        outcome: ReviewOutcome,
        note: str | None = None,
        on: Date | None = None,
    ) -> Objection:
        ctx = info.context
        viewer = ctx.require("credit_admin")
        o = await _objection(ctx, str(objection_id))
        day = _day(ctx, viewer, on)
        return await _advance(ctx, viewer, o, outcome.value, note, day)

    @strawberry.mutation(description="The providing department's verification (5 working days).")
    async def verify_objection(
        self,
        info: Info[Context, None],
        objection_id: strawberry.ID,
        error_confirmed: bool,
        note: str | None = None,
        on: Date | None = None,
    ) -> Objection:
        ctx = info.context
        o = await _objection(ctx, str(objection_id))
        viewer = _providing_department(ctx, o["departmentId"])
        day = _day(ctx, viewer, on)
        outcome = "ERROR_CONFIRMED" if error_confirmed else "MAINTAINED"
        return await _advance(ctx, viewer, o, outcome, note, day)

    @strawberry.mutation(
        description="Correct the entry (3 working days): a new version; the old "
        "one is kept. Derived entries follow."
    )
    async def correct_entry(
        self,
        info: Info[Context, None],
        objection_id: strawberry.ID,
        correction: EntryCorrection,
        reason: str,
        on: Date | None = None,
    ) -> Objection:
        ctx = info.context
        viewer = ctx.require("credit_admin")
        o = await _objection(ctx, str(objection_id))
        day = _day(ctx, viewer, on)
        objection_rule.transition(o["status"], "CORRECTED")  # only an objection at correction
        changes = {
            k: v
            for k, v in {
                "facts": correction.facts,
                "basis": correction.basis,
                "category": correction.category,
                "severity": Severity(correction.severity).value if correction.severity else None,
                "validUntil": correction.valid_until,
            }.items()
            if v is not None
        }
        if not changes and not correction.revoke:
            raise InvalidInput("say what changes, or revoke the entry")
        if correction.revoke:
            await end_list_entry(
                ctx.db,
                o["entryId"],
                status="REVOKED",
                on=day,
                reason=f"objection {o['id']}: {reason}",
                actor=_actor(viewer),
                now=ctx.now,
            )
        if changes:

            async def work(tx: Transaction) -> None:
                await cypher.correct_entry(
                    tx, o["entryId"], changes, now=ctx.now, actor=_actor(viewer), reason=reason
                )

            await ctx.db.transaction(work, op="correct_entry")
        return await _advance(ctx, viewer, o, "CORRECTED", reason, day)

    @strawberry.mutation(
        description="Appeal an outcome to the credit authority "
        "(实施办法 第十七条, 管理办法 第三十条)."
    )
    async def appeal_objection(
        self,
        info: Info[Context, None],
        objection_id: strawberry.ID,
        statement: str,
        on: Date | None = None,
    ) -> Objection:
        ctx = info.context
        o = await _objection(ctx, str(objection_id))
        viewer = _subject_or_admin(ctx, o["subjectId"])
        day = _day(ctx, viewer, on)
        if o["status"] != "CLOSED" or o.get("outcome") == "CORRECTED":
            raise Conflict(
                "only a rejected or maintained objection can be appealed", status=o["status"]
            )

        async def work(tx: Transaction) -> None:  # the reopening and its entry event, or neither
            await tx.run(cypher.REOPEN_FOR_APPEAL, {"id": o["id"], "on": day, "note": statement})
            await tx.run(cypher.ENTRY_EVENT, {
                "entryId": o["entryId"], "now": ctx.now, "actor": _actor(viewer),
                "change": "DISPUTED", "reason": f"appeal of objection {o['id']}"})

        await ctx.db.transaction(work, op="objection")
        return objection_plain(await _objection(ctx, o["id"]), ctx.today)  # type: ignore[return-value]

    @strawberry.mutation(description="Decide an appeal; an overturned outcome goes to correction.")
    async def decide_appeal(
        self,
        info: Info[Context, None],
        objection_id: strawberry.ID,
        overturned: bool,
        note: str | None = None,
        on: Date | None = None,
    ) -> Objection:
        ctx = info.context
        viewer = ctx.require("supervisor")
        o = await _objection(ctx, str(objection_id))
        day = _day(ctx, viewer, on)
        return await _advance(ctx, viewer, o, "OVERTURNED" if overturned else "UPHELD", note, day)

    @strawberry.mutation(description="Revoke an entry recognised in error (撤销); kept on file.")
    async def revoke_list_entry(
        self,
        info: Info[Context, None],
        entry_id: strawberry.ID,
        reason: str,
        on: Date | None = None,
    ) -> bool:
        ctx = info.context
        viewer = ctx.require("credit_admin")
        day = _day(ctx, viewer, on)
        await _entry(ctx, str(entry_id))
        return await end_list_entry(
            ctx.db,
            str(entry_id),
            status="REVOKED",
            on=day,
            reason=reason,
            actor=_actor(viewer),
            now=ctx.now,
        )

    @strawberry.mutation(
        description="Record a reason a subject may not be repaired "
        "(管理办法 第三十一条（二）2, 6, 7)."
    )
    async def record_repair_exclusion(
        self, info: Info[Context, None], subject: SubjectRef, kind: ExclusionKind, reason: str
    ) -> bool:
        ctx = info.context
        viewer = ctx.require("credit_admin", "supervisor")
        found = await load_subject(ctx, subject)
        if found is None:
            raise NotFound("no such subject")
        await ctx.db.write(
            cypher.RECORD_EXCLUSION,
            {
                "subjectId": found["id"],
                "kind": kind.value,
                "reason": reason,
                "on": ctx.today,
                "actor": _actor(viewer),
                "dept": viewer.dept,
            },
            op="repair",
        )
        return True

    @strawberry.mutation(
        description="Apply for credit repair; refused with every failed rule when not eligible."
    )
    async def apply_for_repair(
        self,
        info: Info[Context, None],
        entry_id: strawberry.ID,
        corrected_on: Date,
        committed: bool,
        evidence: list[str] | None = None,
        on: Date | None = None,
    ) -> RepairApplication:
        ctx = info.context
        entry = await _entry(ctx, str(entry_id))
        viewer = _subject_or_admin(ctx, entry["subjectId"])
        day = _day(ctx, viewer, on)
        result = await _eligibility(ctx, str(entry_id), corrected_on, committed, day)
        if not result.eligible:
            raise Conflict(
                "the entry is not eligible for repair",
                failed=[r.rule for r in result.rules if not r.passed],
            )
        [record] = await ctx.db.write(
            cypher.APPLY_FOR_REPAIR,
            {
                "entryId": str(entry_id),
                "on": day,
                "correctedOn": corrected_on,
                "committed": committed,
                "evidence": evidence or [],
                "actor": _actor(viewer),
                "rules": orjson.dumps(_rules(result)).decode(),
            },
            op="repair",
        )
        return await _application(ctx, record["id"])  # type: ignore[return-value]

    @strawberry.mutation(
        description="The providing department's written opinion; a favourable "
        "one opens 5 working days of publicity (管理办法 第三十二条)."
    )
    async def give_repair_opinion(
        self,
        info: Info[Context, None],
        application_id: strawberry.ID,
        supports: bool,
        opinion: str,
        on: Date | None = None,
    ) -> RepairApplication:
        ctx = info.context
        a = await _application(ctx, str(application_id))
        viewer = _providing_department(ctx, a["departmentId"])
        day = _day(ctx, viewer, on)
        if a["status"] != "APPLIED":
            raise Conflict(f"the application is {a['status']}", status=a["status"])
        if not supports:
            return await _update_application(
                ctx,
                a["id"],
                status="REJECTED",
                opinion=opinion,  # type: ignore[return-value]
                opinionOn=day,
            )
        ends = (await cypher.calendar(ctx.db)).add_working_days(day, PUBLICITY_DAYS)
        return await _update_application(
            ctx,
            a["id"],
            status="PUBLICITY",
            opinion=opinion,  # type: ignore[return-value]
            opinionOn=day,
            publicityEndsOn=ends.date,
            publicityProvisional=ends.provisional,
        )

    @strawberry.mutation(description="Record an objection raised during the publicity period.")
    async def object_during_publicity(
        self, info: Info[Context, None], application_id: strawberry.ID, statement: str
    ) -> RepairApplication:
        ctx = info.context
        ctx.require(*GOVERNMENT)
        a = await _application(ctx, str(application_id))
        if a["status"] != "PUBLICITY" or ctx.today > a["publicityEndsOn"].to_native():
            raise Conflict("the application is not in its publicity period", status=a["status"])
        return await _update_application(
            ctx,
            a["id"],
            status="PUBLICITY_OBJECTION",  # type: ignore[return-value]
            publicityObjection=statement,
        )

    @strawberry.mutation(description="The providing department answers a publicity objection.")
    async def resolve_publicity_objection(
        self, info: Info[Context, None], application_id: strawberry.ID, upheld: bool, opinion: str
    ) -> RepairApplication:
        ctx = info.context
        a = await _application(ctx, str(application_id))
        _providing_department(ctx, a["departmentId"])
        if a["status"] != "PUBLICITY_OBJECTION":
            raise Conflict(f"the application is {a['status']}", status=a["status"])
        return await _update_application(
            ctx,
            a["id"],  # type: ignore[return-value]
            status="REJECTED" if upheld else "PUBLICITY",
            opinion=f"{a.get('opinion') or ''}\n{opinion}".strip(),
        )

    @strawberry.mutation(
        description="Accept after publicity without objection: the entry leaves "
        "the list, derived entries follow, the original is archived "
        "(实施办法 第十九条)."
    )
    async def accept_repair(
        self, info: Info[Context, None], application_id: strawberry.ID, on: Date | None = None
    ) -> RepairApplication:
        ctx = info.context
        viewer = ctx.require("credit_admin")
        day = _day(ctx, viewer, on)
        a = await _application(ctx, str(application_id))
        if a["status"] != "PUBLICITY" or day <= a["publicityEndsOn"].to_native():
            raise Conflict(
                "acceptance follows a publicity period that has ended without objection",
                status=a["status"],
            )
        await end_list_entry(
            ctx.db,
            a["entryId"],
            status="REPAIRED",
            on=day,
            reason=f"信用修复 {a['id']}",
            actor=_actor(viewer),
            now=ctx.now,
        )
        await ctx.db.write(
            cypher.ARCHIVE_ENTRY,
            {
                "entryId": a["entryId"],
                "on": day,
                "now": ctx.now,
                "actor": _actor(viewer),
                "reason": f"信用修复 {a['id']}",
            },
            op="repair",
        )
        return await _update_application(ctx, a["id"], status="ACCEPTED", acceptedOn=day)  # type: ignore[return-value]
