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
from typing import Annotated, Any

import orjson
import strawberry
from strawberry import Info

from gateway.base.errors import Forbidden, InvalidInput, NotFound
from gateway.base.viewer import GOVERNMENT_ROLES, Viewer
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
from graph_schema.paging import SubjectRef
from graph_schema.scalars import Date
from loaders.lifecycle import (
    entry_for_lifecycle,
    objection_by_id,
    repair_application_by_id,
)
from procedures import entry as entry_steps
from procedures import objection as objection_steps
from procedures import repair as repair_steps
from resolvers import lifecycle_reads as reads
from resolvers.context import Context
from resolvers.subject import load_subject

# The arguments several steps share.
ENTRY_ID = Annotated[strawberry.ID, strawberry.argument(description="The list entry's id.")]
OBJECTION_ID = Annotated[strawberry.ID, strawberry.argument(description="The objection's id.")]
APPLICATION_ID = Annotated[
    strawberry.ID, strawberry.argument(description="The repair application's id.")
]
ON = Annotated[
    Date | None,
    strawberry.argument(
        description="The day the step happened (default today, Asia/Shanghai); an earlier day "
        "only by a credit administrator, for a step taken on paper; never a future one."
    ),
]
NOTE = Annotated[
    str | None, strawberry.argument(description="A note kept with the step's outcome.")
]


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
    entry = await entry_for_lifecycle(ctx.db, entry_id)
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
    viewer = ctx.require(*sorted(GOVERNMENT_ROLES))
    if viewer.dept is None or viewer.dept != department_id:
        raise Forbidden("only the providing department may do this", department=department_id)
    return viewer


async def _objection(ctx: Context, objection_id: str) -> dict[str, Any]:
    found = await objection_by_id(ctx.db, objection_id)
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
    ctx: Context, viewer: Viewer, o: dict[str, Any], outcome: str, note: str | None, on: dt.date
) -> dict[str, Any]:
    """Record ``outcome`` on the open step (procedures/objection); the objection after it."""
    await objection_steps.advance(
        ctx.db, o["id"], outcome, note=note, on=on, actor=_actor(viewer), now=ctx.now
    )
    return objection_plain(await _objection(ctx, o["id"]), ctx.today)


async def _application(ctx: Context, application_id: str) -> dict[str, Any]:
    found = await repair_application_by_id(ctx.db, application_id)
    if found is None:
        raise NotFound("no such repair application", id=application_id)
    return {**found, "rules": orjson.loads(found["rules"]) if found.get("rules") else []}


@strawberry.type
class LifecycleQuery:
    @strawberry.field(
        description="Every version of an entry, oldest first (nothing is ever "
        "deleted: 实施办法 第二十条)."
    )
    async def entry_history(
        self, info: Info[Context, None], entry_id: ENTRY_ID
    ) -> list[EntryVersion]:
        return await reads.entry_history(info, str(entry_id))

    @strawberry.field(
        description="Open objections, or only the overdue ones, for supervisors "
        "and the credit centre."
    )
    async def objections(
        self,
        info: Info[Context, None],
        overdue_only: Annotated[
            bool, strawberry.argument(description="Only objections with an overdue open step.")
        ] = False,
        as_of: Annotated[
            Date | None,
            strawberry.argument(description="The day overdue is judged on (default today)."),
        ] = None,
    ) -> list[Objection]:
        return await reads.objections(info, overdue_only, as_of)

    @strawberry.field(
        description="An objection with its steps, for government users and the subject itself; "
        "one about 授权查询 information only for the subject, those it consented to and those "
        "handling it (管理办法 第二十一条)."
    )
    async def objection(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="The objection's id.")],
    ) -> Objection:
        return await reads.objection(info, str(id))

    @strawberry.field(
        description="Could this entry be repaired now? Yes or no, with every rule.",
        graphql_type=RepairEligibility,
    )
    async def repair_eligibility(
        self,
        info: Info[Context, None],
        entry_id: ENTRY_ID,
        corrected_on: Annotated[
            Date | None,
            strawberry.argument(
                description="The day the dishonest act was corrected; null: no correction "
                "(管理办法 第三十一条（一）)."
            ),
        ] = None,
        committed: Annotated[
            bool,
            strawberry.argument(
                description="A credit commitment is made (管理办法 第三十一条（三）)."
            ),
        ] = True,
        as_of: Annotated[
            Date | None,
            strawberry.argument(
                description="The day to judge on, as if applying then (default today)."
            ),
        ] = None,
    ) -> dict[str, Any]:
        return await reads.repair_eligibility(info, str(entry_id), corrected_on, committed, as_of)

    @strawberry.field(
        description="A credit repair application and where its procedure stands, for "
        "government users and the subject itself; one about 授权查询 information only for the "
        "subject, those it consented to and those handling it (管理办法 第二十一条).",
        graphql_type=RepairApplication,
    )
    async def repair_application(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="The application's id.")],
    ) -> dict[str, Any]:
        return await reads.repair_application(info, str(id))


@strawberry.type
class LifecycleMutation:
    """Who may take each step, and with which arguments; the steps themselves, each in one
    transaction, are in procedures/. Each answers with the objection or application as plain
    data (``objection_plain``, ``_application``), projected by the executor; ``graphql_type``
    names the type the schema declares."""

    @strawberry.mutation(
        description="File an objection (实施办法 第十五条, 管理办法 第二十八条); "
        "the review is due in 10 working days.",
        graphql_type=Objection,
    )
    async def file_objection(
        self,
        info: Info[Context, None],
        entry_id: ENTRY_ID,
        ground: Annotated[
            ObjectionGround, strawberry.argument(description="The ground (管理办法 第二十八条).")
        ],
        statement: Annotated[
            str, strawberry.argument(description="What is wrong with the entry; not empty.")
        ],
        evidence: Annotated[
            list[str] | None,
            strawberry.argument(description="References to the supporting material."),
        ] = None,
        on: ON = None,
    ) -> dict[str, Any]:
        ctx = info.context
        entry = await _entry(ctx, str(entry_id))
        viewer = _subject_or_admin(ctx, entry["subjectId"])
        day = _day(ctx, viewer, on)
        if not statement.strip():
            raise InvalidInput("state what is wrong with the entry")
        objection_id = await objection_steps.file(
            ctx.db,
            str(entry_id),
            ground=ground.value,
            statement=statement,
            evidence=evidence or [],
            on=day,
            actor=_actor(viewer),
            now=ctx.now,
        )
        return objection_plain(await _objection(ctx, objection_id), ctx.today)

    @strawberry.mutation(
        description="The credit centre's review (10 working days).",
        graphql_type=Objection,
    )
    async def review_objection(
        self,
        info: Info[Context, None],
        objection_id: OBJECTION_ID,
        outcome: Annotated[ReviewOutcome, strawberry.argument(description="The review's outcome.")],
        note: NOTE = None,
        on: ON = None,
    ) -> dict[str, Any]:
        ctx = info.context
        viewer = ctx.require("credit_admin")
        o = await _objection(ctx, str(objection_id))
        day = _day(ctx, viewer, on)
        return await _advance(ctx, viewer, o, outcome.value, note, day)

    @strawberry.mutation(
        description="The providing department's verification (5 working days).",
        graphql_type=Objection,
    )
    async def verify_objection(
        self,
        info: Info[Context, None],
        objection_id: OBJECTION_ID,
        error_confirmed: Annotated[
            bool,
            strawberry.argument(
                description="true: the entry is wrong, it goes to correction; false: it is "
                "right and is maintained (维持原信息)."
            ),
        ],
        note: NOTE = None,
        on: ON = None,
    ) -> dict[str, Any]:
        ctx = info.context
        o = await _objection(ctx, str(objection_id))
        viewer = _providing_department(ctx, o["departmentId"])
        day = _day(ctx, viewer, on)
        outcome = "ERROR_CONFIRMED" if error_confirmed else "MAINTAINED"
        return await _advance(ctx, viewer, o, outcome, note, day)

    @strawberry.mutation(
        description="Correct the entry (3 working days): a new version; the old "
        "one is kept. Derived entries follow.",
        graphql_type=Objection,
    )
    async def correct_entry(
        self,
        info: Info[Context, None],
        objection_id: OBJECTION_ID,
        correction: Annotated[
            EntryCorrection, strawberry.argument(description="What changes in the entry.")
        ],
        reason: Annotated[str, strawberry.argument(description="Why, kept with the new version.")],
        on: ON = None,
    ) -> dict[str, Any]:
        ctx = info.context
        viewer = ctx.require("credit_admin")
        o = await _objection(ctx, str(objection_id))
        day = _day(ctx, viewer, on)
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
        await objection_steps.correct(
            ctx.db,
            o["id"],
            changes=changes,
            revoke=bool(correction.revoke),
            reason=reason,
            on=day,
            actor=_actor(viewer),
            now=ctx.now,
        )
        return objection_plain(await _objection(ctx, o["id"]), ctx.today)

    @strawberry.mutation(
        description="Appeal an outcome to the credit authority "
        "(实施办法 第十七条, 管理办法 第三十条).",
        graphql_type=Objection,
    )
    async def appeal_objection(
        self,
        info: Info[Context, None],
        objection_id: OBJECTION_ID,
        statement: Annotated[str, strawberry.argument(description="Why the outcome is contested.")],
        on: ON = None,
    ) -> dict[str, Any]:
        ctx = info.context
        o = await _objection(ctx, str(objection_id))
        viewer = _subject_or_admin(ctx, o["subjectId"])
        day = _day(ctx, viewer, on)
        await objection_steps.appeal(
            ctx.db, o["id"], statement=statement, on=day, actor=_actor(viewer), now=ctx.now
        )
        return objection_plain(await _objection(ctx, o["id"]), ctx.today)

    @strawberry.mutation(
        description="Decide an appeal; an overturned outcome goes to correction.",
        graphql_type=Objection,
    )
    async def decide_appeal(
        self,
        info: Info[Context, None],
        objection_id: OBJECTION_ID,
        overturned: Annotated[
            bool,
            strawberry.argument(
                description="true: the outcome is overturned, the entry goes to correction; "
                "false: it is upheld and the objection closes."
            ),
        ],
        note: NOTE = None,
        on: ON = None,
    ) -> dict[str, Any]:
        ctx = info.context
        viewer = ctx.require("supervisor")
        o = await _objection(ctx, str(objection_id))
        day = _day(ctx, viewer, on)
        return await _advance(ctx, viewer, o, "OVERTURNED" if overturned else "UPHELD", note, day)

    @strawberry.mutation(description="Revoke an entry recognised in error (撤销); kept on file.")
    async def revoke_list_entry(
        self,
        info: Info[Context, None],
        entry_id: ENTRY_ID,
        reason: Annotated[str, strawberry.argument(description="Why it is revoked, kept on file.")],
        on: ON = None,
    ) -> bool:
        ctx = info.context
        viewer = ctx.require("credit_admin")
        day = _day(ctx, viewer, on)
        await _entry(ctx, str(entry_id))
        return await entry_steps.end_entry(
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
        self,
        info: Info[Context, None],
        subject: Annotated[SubjectRef, strawberry.argument(description="The subject.")],
        kind: Annotated[ExclusionKind, strawberry.argument(description="Which exclusion applies.")],
        reason: Annotated[str, strawberry.argument(description="Why, kept on file.")],
    ) -> bool:
        ctx = info.context
        viewer = ctx.require("credit_admin", "supervisor")
        found = await load_subject(ctx, subject)
        if found is None:
            raise NotFound("no such subject")
        await repair_steps.record_exclusion(
            ctx.db,
            found["id"],
            kind=kind.value,
            reason=reason,
            on=ctx.today,
            actor=_actor(viewer),
            dept=viewer.dept,
        )
        return True

    @strawberry.mutation(
        description="Apply for credit repair; refused with every failed rule when not eligible.",
        graphql_type=RepairApplication,
    )
    async def apply_for_repair(
        self,
        info: Info[Context, None],
        entry_id: ENTRY_ID,
        corrected_on: Annotated[
            Date,
            strawberry.argument(
                description="The day the dishonest act was corrected (管理办法 第三十一条（一）)."
            ),
        ],
        committed: Annotated[
            bool,
            strawberry.argument(
                description="A credit commitment is made (管理办法 第三十一条（三）)."
            ),
        ],
        evidence: Annotated[
            list[str] | None,
            strawberry.argument(description="References to the supporting material."),
        ] = None,
        on: ON = None,
    ) -> dict[str, Any]:
        ctx = info.context
        entry = await _entry(ctx, str(entry_id))
        viewer = _subject_or_admin(ctx, entry["subjectId"])
        day = _day(ctx, viewer, on)
        application_id = await repair_steps.apply(
            ctx.db,
            str(entry_id),
            corrected_on=corrected_on,
            committed=committed,
            evidence=evidence or [],
            on=day,
            actor=_actor(viewer),
        )
        return await _application(ctx, application_id)

    @strawberry.mutation(
        description="The providing department's written opinion; a favourable "
        "one opens 5 working days of publicity (管理办法 第三十二条).",
        graphql_type=RepairApplication,
    )
    async def give_repair_opinion(
        self,
        info: Info[Context, None],
        application_id: APPLICATION_ID,
        supports: Annotated[
            bool,
            strawberry.argument(
                description="true: favourable, publicity opens; false: the application is rejected."
            ),
        ],
        opinion: Annotated[str, strawberry.argument(description="The written opinion.")],
        on: ON = None,
    ) -> dict[str, Any]:
        ctx = info.context
        a = await _application(ctx, str(application_id))
        viewer = _providing_department(ctx, a["departmentId"])
        day = _day(ctx, viewer, on)
        await repair_steps.give_opinion(ctx.db, a["id"], supports=supports, opinion=opinion, on=day)
        return await _application(ctx, a["id"])

    @strawberry.mutation(
        description="Record an objection raised during the publicity period.",
        graphql_type=RepairApplication,
    )
    async def object_during_publicity(
        self,
        info: Info[Context, None],
        application_id: APPLICATION_ID,
        statement: Annotated[str, strawberry.argument(description="The objection, as raised.")],
    ) -> dict[str, Any]:
        ctx = info.context
        ctx.require(*sorted(GOVERNMENT_ROLES))
        await repair_steps.object_during_publicity(
            ctx.db, str(application_id), statement=statement, today=ctx.today
        )
        return await _application(ctx, str(application_id))

    @strawberry.mutation(
        description="The providing department answers a publicity objection.",
        graphql_type=RepairApplication,
    )
    async def resolve_publicity_objection(
        self,
        info: Info[Context, None],
        application_id: APPLICATION_ID,
        upheld: Annotated[
            bool,
            strawberry.argument(
                description="true: the objection stands and the application is rejected; "
                "false: publicity goes on."
            ),
        ],
        opinion: Annotated[
            str, strawberry.argument(description="The department's opinion, added to its first.")
        ],
    ) -> dict[str, Any]:
        ctx = info.context
        a = await _application(ctx, str(application_id))
        _providing_department(ctx, a["departmentId"])
        await repair_steps.resolve_publicity_objection(
            ctx.db, a["id"], upheld=upheld, opinion=opinion
        )
        return await _application(ctx, a["id"])

    @strawberry.mutation(
        description="Accept after publicity without objection: the entry leaves "
        "the list, derived entries follow, the original is archived "
        "(实施办法 第十九条).",
        graphql_type=RepairApplication,
    )
    async def accept_repair(
        self, info: Info[Context, None], application_id: APPLICATION_ID, on: ON = None
    ) -> dict[str, Any]:
        ctx = info.context
        viewer = ctx.require("credit_admin")
        day = _day(ctx, viewer, on)
        await repair_steps.accept(
            ctx.db, str(application_id), on=day, actor=_actor(viewer), now=ctx.now
        )
        return await _application(ctx, str(application_id))
