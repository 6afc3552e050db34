"""The lifecycle's read root fields, each answered by ONE Cypher query.

Objections and an entry's versions are projected from the selection (``loaders/
selection.py``); repair eligibility (computed by the repair rules) and repair
applications (their verdicts stored as JSON) are fixed maps. Each query also returns
the facts its gates decide on (the subject, the entry's class, whether the caller may be
shown it, the consents relied on), and shows nothing the caller may not see: a gate that
refuses found the data withheld inside Neo4j.

Every gate runs before anything is shown, and every refusal is registered like a sight
(``withheld``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
from strawberry import Info

from gateway.base.errors import Forbidden, NotFound
from gateway.base.viewer import Viewer
from graph_schema.rules import procedure_reading
from graph_schema.rules import repair as repair_rule
from loaders import lifecycle
from loaders.selection import Rules, compiled, request_params
from resolvers.context import Context, selected_fields
from resolvers.reads import known_access

HISTORY_FOR = "an entry's history is for government and the subject itself"
OBJECTION_FOR = "an objection is for government and the subject itself"
ELIGIBILITY_FOR = "repair eligibility is for government and the subject itself"
APPLICATION_FOR = "a repair application is for government and the subject itself"
ENTRY_WITHHELD = (
    "the entry is 授权查询 information: it is shown only to the subject itself "
    "and to whom the subject consented (管理办法 第二十一条)"
)
PROCEDURE_WITHHELD = (
    "this procedure concerns 授权查询 information: it is shown to the "
    "subject, to whom the subject consented and to those handling it "
    "(管理办法 第二十一条)"
)


def withheld(
    ctx: Context,
    subject_id: str,
    operation: str,
    fields: list[str],
    classes: list[str],
    message: str,
) -> Forbidden:
    """A refusal for want of the subject's consent, registered like every refusal."""
    ctx.audit.record(subject_id, operation, fields, classes, outcome=Forbidden.code)
    return Forbidden(message)


def _government_or_self(viewer: Viewer, subject_id: str, message: str) -> None:
    if not (viewer.government or viewer.acts_for(subject_id)):
        raise Forbidden(message)


def reader_params(ctx: Context) -> dict[str, Any]:
    """The parameters of ``procedure_reading.may_read_cypher`` beyond the request's."""
    viewer = ctx.require()
    return {"handler": viewer.has_any(*procedure_reading.HANDLERS), "dept": viewer.dept}


async def entry_history(info: Info[Context, None], entry_id: str) -> list[Any]:
    ctx = info.context
    viewer = ctx.require()
    selection = compiled(info)
    found = await selection.fetch(lifecycle.entry_history(selection.rules), {"id": entry_id})
    if found is None:
        raise NotFound("no such list entry", id=entry_id)
    subject, disclosure, visible, grants, versions = found
    _government_or_self(viewer, subject, HISTORY_FOR)
    known_access(ctx, subject, grants)
    if not visible:  # 管理办法 第二十一条, as for the entry itself (listEntries)
        raise withheld(ctx, subject, "entryHistory", ["entryHistory"], [disclosure], ENTRY_WITHHELD)
    ctx.disclose(subject, "entryHistory", ["entryHistory"], [disclosure])
    return [selection.shape(v, i) for i, v in enumerate(versions)]


async def objection(info: Info[Context, None], objection_id: str) -> Any:
    ctx = info.context
    viewer = ctx.require()
    selection = compiled(info)
    found = await selection.fetch(
        lifecycle.objection(selection.rules), {"id": objection_id, **reader_params(ctx)}
    )
    if found is None:
        raise NotFound("no such objection", id=objection_id)
    subject, disclosure, allowed, grants, value = found
    _government_or_self(viewer, subject, OBJECTION_FOR)
    known_access(ctx, subject, grants)
    classes, fields = procedure_reading.disclosed(disclosure), selected_fields(info)
    if not allowed:
        raise withheld(ctx, subject, "objection", fields, classes, PROCEDURE_WITHHELD)
    ctx.disclose(subject, "objection", fields, classes)
    return selection.shape(value)


async def objections(info: Info[Context, None], overdue_only: bool, as_of: Any) -> list[Any]:
    ctx = info.context
    ctx.require("supervisor", "credit_admin")  # both handle every objection
    day = as_of or ctx.today
    selection = compiled(info, bound=(("asOf", "$asOf"),))
    found = (
        await selection.fetch(
            lifecycle.open_objections(selection.rules), {"overdueOnly": overdue_only, "asOf": day}
        )
        or []
    )
    fields = selected_fields(info)
    for subject, disclosure, grants, _ in found:
        known_access(ctx, subject, grants)
        ctx.disclose(subject, "objections", fields, procedure_reading.disclosed(disclosure))
    return [selection.shape(value, i) for i, (*_, value) in enumerate(found)]


async def repair_eligibility(
    info: Info[Context, None], entry_id: str, corrected_on: Any, committed: bool, as_of: Any
) -> dict[str, Any]:
    """Eligibility is a read like any other: its classes (管理办法 第十八条) need a purpose
    (第三十三条) unless the subject reads itself, and go to the register. The rules weigh
    the subject's other entries too, so the answer discloses their classes as well."""
    ctx = info.context
    viewer = ctx.require()
    rules = Rules.of(ctx)
    record = await lifecycle.read_repair_case(
        ctx.db, rules, {"id": entry_id, **request_params(ctx, rules.audience)}
    )
    if record is None:
        raise NotFound("no such list entry", id=entry_id)
    subject = record["subject"]["id"]
    _government_or_self(viewer, subject, ELIGIBILITY_FOR)
    classes = {record["entry"]["disclosure"], *(x["disclosure"] for x in record["others"])}
    known_access(ctx, subject, record["grants"])
    ctx.disclose(subject, "repairEligibility", selected_fields(info), classes)
    case = lifecycle.repair_case(
        record, applied_on=as_of or ctx.today, corrected_on=corrected_on, committed=committed
    )
    result = repair_rule.eligibility(case)
    return {
        "entryId": entry_id,
        "eligible": result.eligible,
        "rules": [dataclasses.asdict(r) for r in result.rules],
    }


async def repair_application(info: Info[Context, None], application_id: str) -> dict[str, Any]:
    ctx = info.context
    viewer = ctx.require()
    rules = Rules.of(ctx)
    record = await lifecycle.read_repair_application(
        ctx.db,
        rules,
        {"id": application_id, **request_params(ctx, rules.audience), **reader_params(ctx)},
    )
    if record is None:
        raise NotFound("no such repair application", id=application_id)
    subject = record["subjectId"]
    _government_or_self(viewer, subject, APPLICATION_FOR)
    known_access(ctx, subject, record["grants"])
    classes, fields = procedure_reading.disclosed(record["disclosure"]), selected_fields(info)
    if not record["allowed"]:
        raise withheld(ctx, subject, "repairApplication", fields, classes, PROCEDURE_WITHHELD)
    ctx.disclose(subject, "repairApplication", fields, classes)
    application = record["application"]
    return {
        **application,
        "rules": orjson.loads(application["rules"]) if application.get("rules") else [],
    }
