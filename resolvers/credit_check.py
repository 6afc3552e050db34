"""Credit checks for approval systems: one subject or up to a thousand per call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any

import strawberry
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionSetNode,
)
from strawberry import Info

from gateway.base.errors import CreditGraphError, InvalidInput
from graph_schema.credit_check import (
    AUDITED_FIELDS,
    CHECK_ROLES,
    CreditCheck,
    MeasureInfo,
    Plain,
    answer,
    not_found,
    record_of,
    without_hits,
)
from graph_schema.enums import MatterType
from graph_schema.fields import SUBGRAPH
from graph_schema.identifiers import normalise_id_number, normalise_uscc
from graph_schema.paging import SubjectRef
from graph_schema.rules.decision import Measure
from graph_schema.rules.disclosure import Grant
from graph_schema.scalars import Date
from loaders.credit_check import MEASURES, credit_check
from loaders.selection import Audience, request_params
from resolvers.context import Context
from resolvers.reads import many


def _key(ref: Mapping[str, Any]) -> dict[str, str | None]:
    """A SubjectRef (as GraphQL delivers it) as the check's Cypher takes it; raises on an
    invalid code."""
    if ref.get("uscc"):
        return {"uscc": normalise_uscc(ref["uscc"]), "idNumber": None, "id": None}
    if ref.get("idNumber"):
        return {"uscc": None, "idNumber": normalise_id_number(ref["idNumber"]), "id": None}
    if ref.get("id"):
        return {"uscc": None, "idNumber": None, "id": str(ref["id"])}
    raise InvalidInput("give exactly one of uscc, idNumber or id")


_SELECTS: dict[tuple[Any, ...], tuple[Any, bool]] = {}


def selects(info: GraphQLResolveInfo, name: str) -> bool:
    """Does the query select field ``name`` anywhere below this field (fragments too)?

    Remembered per field node of the (cached) document; the value keeps the nodes alive.
    """
    key = (name, *(id(n) for n in info.field_nodes))
    known = _SELECTS.get(key)
    if known is None:
        if len(_SELECTS) >= 4096:
            _SELECTS.clear()
        known = _SELECTS[key] = (info.field_nodes, _selects(info, name))
    return known[1]


def _selects(info: GraphQLResolveInfo, name: str) -> bool:

    def walk(selection_set: SelectionSetNode | None) -> bool:
        if selection_set is None:
            return False
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                found = node.name.value == name or walk(node.selection_set)
            elif isinstance(node, InlineFragmentNode):
                found = walk(node.selection_set)
            elif isinstance(node, FragmentSpreadNode):
                found = walk(info.fragments[node.name.value].selection_set)
            else:
                found = False
            if found:
                return True
        return False

    return any(walk(node.selection_set) for node in info.field_nodes)


async def run_checks(
    ctx: Context,
    refs: list[Mapping[str, Any]],
    matter: MatterType,
    as_of: dt.date | None,
    *,
    related: bool = True,
) -> list[Plain]:
    """One answer per reference, in order, as plain data (see gateway/executor.py).

    A check may touch non-public entries, so it needs a checking role and a stated
    purpose (管理办法 第三十三条). Every entry in force counts for the decision; the
    details of entries the caller may not see (管理办法 第二十一条) are withheld, and
    each subject whose non-public entries are shown gets one register entry.
    """
    ctx.require(*CHECK_ROLES)
    ctx.require_purpose()
    day = as_of or ctx.today
    keys: list[dict[str, str | None] | None] = []
    errors: dict[int, Plain] = {}
    for n, ref in enumerate(refs):
        try:
            keys.append(_key(ref))
        except CreditGraphError as exc:
            keys.append(None)
            errors[n] = {
                "code": exc.code,
                "message": exc.message,
                "value": exc.details.get("value"),
            }
    wanted = [k for k in keys if k is not None]
    audience = Audience.of(ctx)
    raws, measure_maps = await credit_check(
        ctx.db,
        wanted,
        matter.value,
        day,
        audience=audience,
        request=request_params(ctx, audience),
        related=related,
    )
    measures = [Measure.from_map(m) for m in measure_maps]
    name = matter.value
    out: list[Plain] = []
    rows = iter(raws)
    for n, key in enumerate(keys):
        if key is None:
            out.append(not_found(name, day, errors[n]))
            continue
        raw = next(rows)
        if raw is None:
            out.append(not_found(name, day))
            continue
        out.append(without_hits(raw, name, day) or answer(_disclose(raw, ctx), measures, name, day))
    return out


def _disclose(raw: list[Any], ctx: Context) -> dict[str, Any]:
    """The check's record; a sight of its hits is registered (the details of those the
    caller may not see were withheld inside Neo4j)."""
    record = record_of(raw)
    if record["hits"]:
        subject = record["subject"]["id"]
        ctx.known_access(subject, [Grant.from_map(g) for g in raw[4]])
        ctx.disclose(
            subject, "creditCheck", AUDITED_FIELDS, {h["disclosure"] for h in record["hits"]}
        )
    return record


MATTER = "What the approval is deciding on: the measures for this matter decide."
AS_OF = "The date to check on (default today, Asia/Shanghai): the entries in force then."


def _as_mapping(ref: SubjectRef) -> dict[str, Any]:
    return {"uscc": ref.uscc or None, "idNumber": ref.id_number or None, "id": ref.id or None}


@strawberry.type
class CreditCheckQuery:
    @strawberry.field(
        description="Screen one applicant for a matter: a decision (BLOCK, REVIEW, "
        "GREEN_CHANNEL, CLEAR), every hit with its legal basis, the measures.",
        graphql_type=CreditCheck,  # answered as plain data (see run_checks)
    )
    async def credit_check(
        self,
        info: Info[Context, None],
        subject: Annotated[
            SubjectRef,
            strawberry.argument(
                description="The applicant; an invalid code is answered in `error`."
            ),
        ],
        matter: Annotated[MatterType, strawberry.argument(description=MATTER)],
        as_of: Annotated[Date | None, strawberry.argument(description=AS_OF)] = None,
    ) -> Plain:
        related = selects(info._raw_info, "relatedParties")
        return (
            await run_checks(
                info.context,
                [_as_mapping(subject)],
                matter,
                as_of,
                related=related,
            )
        )[0]

    @strawberry.field(
        description="The measure catalogue (实施办法 第十三条、第十四条, 003 "
        "（十八）（十九）): effects per matter, legal basis, implementing departments.",
        metadata={SUBGRAPH: "policy"},
    )
    async def measures(
        self,
        info: Info[Context, None],
        matter: Annotated[
            MatterType | None,
            strawberry.argument(description="Only measures applying to this matter; null: all."),
        ] = None,
    ) -> list[MeasureInfo]:
        return await many(info, MEASURES, matter=matter.value if matter else None)

    @strawberry.field(
        description="Screen up to 1,000 applicants in one call; one answer per "
        "subject in input order (unknown subjects answer found: false).",
        graphql_type=list[CreditCheck],  # answered as plain data (see run_checks)
    )
    async def credit_check_batch(
        self,
        info: Info[Context, None],
        subjects: Annotated[
            list[SubjectRef],
            strawberry.argument(
                description="The applicants, at most the gateway's batch limit (1,000 by "
                "default); an invalid code is answered in that subject's `error`."
            ),
        ],
        matter: Annotated[MatterType, strawberry.argument(description=MATTER)],
        as_of: Annotated[Date | None, strawberry.argument(description=AS_OF)] = None,
    ) -> list[Plain]:
        limit = info.context.settings.max_batch
        if len(subjects) > limit:
            raise InvalidInput(f"at most {limit} subjects per batch", value=len(subjects))
        related = selects(info._raw_info, "relatedParties")
        return await run_checks(
            info.context,
            [_as_mapping(s) for s in subjects],
            matter,
            as_of,
            related=related,
        )


# The same two fields without strawberry's per-argument conversion: graphql-core has
# already validated the arguments (SubjectRef's oneOf included) into plain values,
# and converting 1,000 SubjectRefs into objects costs more than checking them.
async def _credit_check(
    _: Any,
    info: GraphQLResolveInfo,
    subject: Mapping[str, Any],
    matter: MatterType,
    asOf: dt.date | None = None,
) -> Plain:  # noqa: N803
    return (
        await run_checks(
            info.context, [subject], matter, asOf, related=selects(info, "relatedParties")
        )
    )[0]


async def _credit_check_batch(
    _: Any,
    info: GraphQLResolveInfo,
    subjects: list[Mapping[str, Any]],
    matter: MatterType,
    asOf: dt.date | None = None,  # noqa: N803
) -> list[Plain]:
    limit = info.context.settings.max_batch
    if len(subjects) > limit:
        raise InvalidInput(f"at most {limit} subjects per batch", value=len(subjects))
    return await run_checks(
        info.context, subjects, matter, asOf, related=selects(info, "relatedParties")
    )


def install_fast_resolvers(schema: strawberry.Schema) -> None:
    """Serve the credit checks through the resolvers above."""
    query = schema._schema.query_type
    assert query is not None  # every schema served has a Query
    fields = query.fields
    if "creditCheck" in fields:
        fields["creditCheck"].resolve = _credit_check
        fields["creditCheckBatch"].resolve = _credit_check_batch
