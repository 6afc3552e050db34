"""Credit checks for approval systems: one subject or up to a thousand per call."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry import Info

from gateway.context import Context
from gateway.errors import CreditGraphError, InvalidInput
from graph_schema.credit_check import CheckError, CreditCheck, check_from_record, not_found
from graph_schema.enums import MatterType
from graph_schema.identifiers import normalise_id_number, normalise_uscc
from graph_schema.rules.decision import Measure, decide
from graph_schema.scalars import Date
from loaders.credit_check import credit_check
from resolvers.subject import SubjectRef


def _key(ref: SubjectRef) -> dict[str, str | None]:
    """The reference as the check's Cypher takes it; raises on an invalid code."""
    if ref.uscc:
        return {"uscc": normalise_uscc(ref.uscc), "idNumber": None, "id": None}
    if ref.id_number:
        return {"uscc": None, "idNumber": normalise_id_number(ref.id_number), "id": None}
    if ref.id:
        return {"uscc": None, "idNumber": None, "id": str(ref.id)}
    raise InvalidInput("give exactly one of uscc, idNumber or id")


async def run_checks(ctx: Context, refs: list[SubjectRef], matter: MatterType,
                     as_of: dt.date | None) -> list[CreditCheck]:
    day = as_of or ctx.today
    keys: list[dict[str, str | None] | None] = []
    errors: dict[int, CheckError] = {}
    for n, ref in enumerate(refs):
        try:
            keys.append(_key(ref))
        except CreditGraphError as exc:
            keys.append(None)
            errors[n] = CheckError(code=exc.code, message=exc.message,
                                   value=exc.details.get("value"))
    wanted = [k for k in keys if k is not None]
    records, measure_maps = await credit_check(ctx.db, wanted, matter.value, day)
    measures = [Measure.from_map(m) for m in measure_maps]
    out: list[CreditCheck] = []
    rows = iter(records)
    for n, key in enumerate(keys):
        if key is None:
            out.append(not_found(matter, day, errors[n]))
            continue
        record = next(rows)
        subject = record["subject"]
        outcome = decide(record["hits"], measures, subject["kind"]) if subject else None
        out.append(check_from_record(record, outcome, matter, day))
    return out


@strawberry.type
class CreditCheckQuery:
    @strawberry.field(description="Screen one applicant for a matter: a decision (BLOCK, REVIEW, "
                      "GREEN_CHANNEL, CLEAR), every hit with its legal basis, the measures.")
    async def credit_check(self, info: Info[Context, None], subject: SubjectRef,
                           matter: MatterType, as_of: Date | None = None) -> CreditCheck:
        return (await run_checks(info.context, [subject], matter, as_of))[0]

    @strawberry.field(description="Screen up to 1,000 applicants in one call; one answer per "
                      "subject in input order (unknown subjects answer found: false).")
    async def credit_check_batch(self, info: Info[Context, None], subjects: list[SubjectRef],
                                 matter: MatterType, as_of: Date | None = None) -> list[CreditCheck]:
        limit = info.context.settings.max_batch
        if len(subjects) > limit:
            raise InvalidInput(f"at most {limit} subjects per batch", value=len(subjects))
        return await run_checks(info.context, subjects, matter, as_of)
