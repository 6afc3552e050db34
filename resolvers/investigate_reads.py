"""The investigators' root fields, each answered by ONE Cypher query
(``loaders/investigate_reads.py``): the subjects it starts from, the walk, and the marks of
what it shows, with the entries each subject may be shown chosen inside Neo4j.

Each checks the caller's role, the subjects' codes and the purpose first, runs under the
exploration budgets (``resolvers/exploration.py``) and writes the register. Only a
refusal for want of a purpose reads something else: the subjects it concerns, to
register it against them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from strawberry import Info

from gateway.base.errors import InvalidInput, PurposeRequired
from graph_schema.enums import ListKind, RoleKind
from graph_schema.investigate import RoleFilter, Tenure
from graph_schema.investigate_plain import build_graph, page_plain, path_plain, risk_hits
from graph_schema.paging import SubjectRef
from graph_schema.rules.disclosure import CLASSES
from loaders import cursors, investigate, investigate_reads
from loaders.selection import Rules, compiled, request_params
from resolvers.context import Context, selected_fields
from resolvers.exploration import (
    INVESTIGATING_ROLES,
    MAX_NODES,
    MAX_PAGE,
    bounded,
    budget_of,
    in_range,
    register,
    require_kind,
    role_filter,
    too_big,
)
from resolvers.reads import anchor, anchors, known_access, subject_ids
from resolvers.subject import page_size

BLACK = ListKind.BLACK.value


async def _begin(info: Info[Context, None], operation: str, *refs: SubjectRef) -> None:
    """Role, valid codes, and a purpose: a refusal for want of one is registered against
    the subjects asked about, like any refusal (``ctx.disclose``)."""
    ctx = info.context
    ctx.require(*INVESTIGATING_ROLES)
    anchors(refs)
    if not ctx.purpose:
        for found in await subject_ids(ctx, refs, operation):
            if found is not None:
                ctx.audit.record(
                    found, operation, selected_fields(info), [], outcome=PurposeRequired.code
                )
        ctx.require_purpose()


async def _read(
    ctx: Context,
    rules: Rules,
    query: str,
    params: dict[str, Any],
    budget: investigate.Budget,
    op: str,
) -> Any:
    """The one query under the time budget: its ``value``, None when it found nothing."""
    return await bounded(
        investigate_reads.read_value(
            ctx.db,
            query,
            {**request_params(ctx, rules.audience), "maxScan": budget.max_scan, **params},
            op=op,
            timeout=budget.timeout_s,
        ),
        budget,
    )


def _marks(ctx: Context, found: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """The marks by subject id; what the caller may see of each, for the register."""
    marks = {}
    for m in found:
        known_access(ctx, m["id"], m["grants"])
        marks[m["id"]] = m
    return marks


async def neighbourhood(
    info: Info[Context, None],
    subject: SubjectRef,
    depth: int,
    roles: RoleFilter | None,
    list_kinds: list[ListKind] | None,
    departments: bool,
    max_nodes: int,
) -> dict[str, Any] | None:
    ctx = info.context
    await _begin(info, "neighbourhood", subject)
    in_range("depth", depth, 1, investigate.MAX_DEPTH)
    in_range("maxNodes", max_nodes, 1, MAX_NODES)
    rf, budget, rules = role_filter(roles), budget_of(ctx), Rules.of(ctx)
    kinds = [k.value for k in list_kinds] if list_kinds is not None else [BLACK, ListKind.RED.value]
    root, key = anchor(subject, "root")
    found = await _read(
        ctx,
        rules,
        investigate_reads.neighbourhood(root, depth, rules),
        {
            "key": key,
            "cap": max_nodes,
            "listKinds": kinds,
            "perSubject": investigate.ENTRIES_PER_SUBJECT,
            "day": rf.as_of or ctx.today,
            "black": BLACK,
            **rf.params(),
        },
        budget,
        "neighbourhood",
    )
    if found is None:
        return None
    graph, shown = build_graph(
        found,
        _marks(ctx, found["marks"]),
        root_id=found["rootId"],
        depth=depth,
        as_of=rf.as_of,
        cap=max_nodes,
        list_kinds=kinds,
        departments=departments,
    )
    register(info, "neighbourhood", [found["rootId"]], shown)
    return graph


async def shortest_paths(
    info: Info[Context, None],
    from_: SubjectRef,
    to: SubjectRef,
    max_hops: int,
    roles: RoleFilter | None,
    first: int,
    after: str | None,
) -> dict[str, Any]:
    ctx = info.context
    await _begin(info, "shortestPaths", from_, to)
    in_range("maxHops", max_hops, 1, investigate.MAX_PATH_HOPS)
    limit = page_size(first, MAX_PAGE)
    key = cursors.decode(after, "p", str)
    rf, budget, rules = role_filter(roles), budget_of(ctx), Rules.of(ctx)
    (src, a), (dst, b) = anchor(from_, "src", "from"), anchor(to, "dst", "to")
    found = await _read(
        ctx,
        rules,
        investigate_reads.shortest_paths(src, dst, max_hops, rules),
        {
            "from": a,
            "to": b,
            "after": key[0] if key else None,
            "limit": limit + 1,
            "shown": limit,
            "listKinds": [],
            "perSubject": 0,
            "day": rf.as_of or ctx.today,
            "black": BLACK,
            **rf.params(),
        },
        budget,
        "shortest_paths",
    )
    if found["from"] is None or found["to"] is None:
        return page_plain([], False, totalCount=0)
    if found["same"]:
        raise InvalidInput("from and to are the same subject", field="to")
    if found["over"]:
        raise too_big("the shortest paths are", budget)
    marks = _marks(ctx, found["marks"])
    black = {sid: m["blackClasses"] for sid, m in marks.items() if m["blackClasses"]}
    page = found["page"][:limit]
    edges = [{"cursor": cursors.encode("p", p["key"]), "node": path_plain(p, black)} for p in page]
    register(info, "shortestPaths", [found["from"], found["to"]], black)
    return page_plain(edges, len(found["page"]) > limit, totalCount=found["total"])


async def risk_around(
    info: Info[Context, None],
    subject: SubjectRef,
    max_hops: int,
    roles: RoleFilter | None,
    first: int,
    after: str | None,
) -> dict[str, Any]:
    ctx = info.context
    await _begin(info, "riskAround", subject)
    in_range("maxHops", max_hops, 1, investigate.MAX_DEPTH)
    limit = page_size(first, MAX_PAGE)
    key = cursors.decode(after, "r", int, str)
    rf, budget, rules = role_filter(roles), budget_of(ctx), Rules.of(ctx)
    root, k = anchor(subject, "root")
    found = await _read(
        ctx,
        rules,
        investigate_reads.risk_around(root, max_hops, rules),
        {
            "key": k,
            "afterHops": key[0] if key else None,
            "afterId": key[1] if key else None,
            "limit": limit,
            "listKinds": [BLACK],
            "perSubject": investigate.ENTRIES_PER_SUBJECT,
            # Classes anyone could open: what needs no consent, or all when consents are relied on.
            "possible": list(CLASSES) if ctx.consents else None,
            "day": rf.as_of or ctx.today,
            "black": BLACK,
            **rf.params(),
        },
        budget,
        "risk_scan",
    )
    if found is None:
        return page_plain([], False, totalCount=0, walked=0)
    if found["over"]:
        raise too_big(f"the subjects within {max_hops} hops are", budget)
    page, paths = found["page"], {target: path for target, path in found["paths"]}
    nodes, shown = risk_hits(page, paths, _marks(ctx, found["marks"]))
    edges = [
        {"cursor": cursors.encode("r", h["hops"], h["id"]), "node": node}
        for h, node in zip(page, nodes, strict=True)
    ]
    register(info, "riskAround", [found["rootId"]], shown)
    return page_plain(edges, found["more"], totalCount=found["total"], walked=found["walked"])


def _connection(edges: list[dict[str, Any]], has_next: bool) -> dict[str, Any]:
    return {
        "edges": edges,
        "pageInfo": {"hasNextPage": has_next, "endCursor": edges[-1]["cursor"] if edges else None},
    }


async def tenures(
    info: Info[Context, None],
    operation: str,
    ref: SubjectRef,
    kind: str,
    argument: str,
    tenure: Tenure | None,
    kinds: list[RoleKind] | None,
    on: dt.date | None,
    first: int,
    after: str | None,
) -> dict[str, Any]:
    """A subject's roles, each projected from the selection below ``edges.node``."""
    ctx = info.context
    key = cursors.decode(after, "t", dt.date, str)
    await _begin(info, operation, ref)
    budget, day = budget_of(ctx), on or ctx.today
    subject, k = anchor(ref, "s")
    selection = compiled(info, at=("edges", "node"))
    found = await bounded(
        selection.fetch(
            investigate_reads.roles_page(subject),
            {
                "key": k,
                "kinds": [x.value for x in kinds] if kinds else None,
                "held": None if tenure is None else tenure is Tenure.CURRENT,
                "on": day,
                "afterStart": key[0] if key else None,
                "afterId": key[1] if key else None,
                "limit": first + 1 if 1 <= first <= MAX_PAGE else 0,
            },
            var="r",
            op="roles_page",
            timeout=budget.timeout_s,
        ),
        budget,
    )
    if found is None:
        return _connection([], False)
    subject_id, subject_kind, rows = found
    require_kind({"kind": subject_kind}, kind, argument)
    limit = page_size(first, MAX_PAGE)
    edges = [
        {
            "cursor": cursors.encode("t", start, role_id),
            "current": current,
            "node": selection.shape(raw, "edges", i, "node"),
        }
        for i, (start, role_id, current, raw) in enumerate(rows[:limit])
    ]
    register(info, operation, [subject_id], {})
    return _connection(edges, len(rows) > limit)


async def shared_officers(
    info: Info[Context, None],
    organization: SubjectRef,
    roles: RoleFilter | None,
    first: int,
    after: str | None,
) -> dict[str, Any]:
    """Organisations sharing an officer, each link projected from the selection below
    ``edges.node``."""
    ctx = info.context
    await _begin(info, "sharedOfficers", organization)
    limit = page_size(first, MAX_PAGE)
    key = cursors.decode(after, "s", int, str)
    budget = budget_of(ctx)
    subject, k = anchor(organization, "s")
    selection = compiled(info, at=("edges", "node"))
    found = await bounded(
        selection.fetch(
            investigate_reads.shared_officers(subject),
            {
                "key": k,
                "afterShared": key[0] if key else None,
                "afterId": key[1] if key else None,
                "limit": limit + 1,
                "maxScan": budget.max_scan,
                **role_filter(roles).params(),
            },
            op="shared_officers",
            timeout=budget.timeout_s,
        ),
        budget,
    )
    if found is None:
        return _connection([], False)
    subject_id, subject_kind, _, over, rows = found
    require_kind({"kind": subject_kind}, "ORGANIZATION", "organization")
    if over:
        raise too_big("the officers' other posts are", budget)
    edges = [
        {
            "cursor": cursors.encode("s", shared, org_id),
            "node": selection.shape(raw, "edges", i, "node"),
        }
        for i, (shared, org_id, raw) in enumerate(rows[:limit])
    ]
    register(info, "sharedOfficers", [subject_id], {})
    return _connection(edges, len(rows) > limit)
