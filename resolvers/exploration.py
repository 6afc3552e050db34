"""What the investigators' root fields share: who may explore, the budgets, the register.

Every field needs an investigating role and a stated purpose (管理办法 第三十三条), runs its
Cypher under the time budget inside Neo4j and the size caps in the Cypher, and writes the
query register (个人诚信 opinion 四(一)): one event for the subject(s) the exploration
starts from, whatever it found, and one for every other subject whose non-public entries
(or a black-listed mark resting on them) it shows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable, Mapping
from typing import Any, TypeVar

from strawberry import Info

from gateway.base.errors import InvalidInput, QueryBudgetExceeded
from gateway.base.viewer import CREDIT_ADMIN, INVESTIGATOR
from graph_schema.investigate import RoleFilter
from graph_schema.rules.disclosure import PUBLIC
from loaders import investigate
from resolvers.context import Context, selected_fields

T = TypeVar("T")
INVESTIGATING_ROLES = (INVESTIGATOR, CREDIT_ADMIN)  # market regulators, credit administrators
MAX_NODES = 1000
MAX_PAGE = 100


def in_range(name: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise InvalidInput(f"{name} must be between {low} and {high}", value=value)
    return value


def role_filter(f: RoleFilter | None) -> investigate.RoleFilter:
    if f is None:
        return investigate.RoleFilter()
    return investigate.RoleFilter(tuple(k.value for k in f.kinds) if f.kinds else None, f.as_of)


def budget_of(ctx: Context) -> investigate.Budget:
    return investigate.Budget(ctx.settings.investigate_timeout_s, ctx.settings.investigate_max_scan)


async def bounded(work: Awaitable[T], budget: investigate.Budget) -> T:
    """The query's result; a terminated transaction becomes a clear budget error."""
    try:
        return await work
    except QueryBudgetExceeded as exc:
        limit: float | None = budget.timeout_s
        what = f"its time budget of {budget.timeout_s:g} s inside Neo4j"
        if "Memory" in str(exc.details.get("neo4j_code")):
            what, limit = "the transaction memory limit of Neo4j", None
        raise QueryBudgetExceeded(
            f"the exploration exceeded {what}; narrow it: fewer hops, role kinds, a date",
            budget="memory" if limit is None else "time",
            limit=limit,
            **exc.details,
        ) from exc


def too_big(what: str, budget: investigate.Budget) -> QueryBudgetExceeded:
    return QueryBudgetExceeded(
        f"{what} more than {budget.max_scan:,}, the size budget; narrow "
        "it: fewer hops, role kinds, a date",
        budget="size",
        limit=budget.max_scan,
    )


def register(
    info: Info[Context, None],
    operation: str,
    anchors: Iterable[str],
    shown: Mapping[str, Iterable[str]],
) -> None:
    """One register entry per anchor, and per other subject shown non-public classes."""
    ctx, fields = info.context, selected_fields(info)
    anchors = list(dict.fromkeys(anchors))
    for sid in anchors:
        ctx.audit.record(sid, operation, fields, sorted(set(shown.get(sid, ())) - {PUBLIC}))
    for sid, classes in shown.items():
        restricted = sorted(set(classes) - {PUBLIC})
        if restricted and sid not in anchors:
            ctx.audit.record(sid, operation, fields, restricted)


def require_kind(m: Mapping[str, Any], kind: str, argument: str) -> None:
    if m["kind"] != kind:
        wanted = "a person" if kind == "PERSON" else "an organisation"
        raise InvalidInput(f"{argument} must be {wanted}", field=argument)
