"""Investigators' root fields: who stands behind a company, how two subjects connect, what
black-listed subjects are near one.

Every field needs an investigating role and a stated purpose (管理办法 第三十三条), runs
its Cypher under the time budget inside Neo4j and the size caps in the Cypher
(``loaders/investigate.py``), and writes the query register (个人诚信 opinion 四(一)): one
event for the subject(s) the exploration starts from, whatever it found, and one for every
other subject whose non-public entries (or a black-listed mark resting on them) it shows.

Each field is answered by one Cypher query (``resolvers/investigate_reads.py``), the
entries each subject may be shown chosen inside Neo4j (管理办法 第十八条/第二十一条).
The per-field path below (``CREDIT_GRAPH_READ_PATH=legacy``: the subjects, the walk and
the marks in separate queries, entries filtered by ``ctx.visible_classes_many``) stays
until the two have been compared.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Any

import strawberry
from strawberry import Info

from gateway.context import Context, selected_fields
from gateway.errors import InvalidInput, PurposeRequired
from graph_schema.enums import ListKind, RoleKind
from graph_schema.investigate import (
    PathConnection,
    RiskConnection,
    RoleFilter,
    SharedOfficer,
    SharedOfficerConnection,
    SharedOfficerEdge,
    SharedOfficerLink,
    SubjectGraph,
    Tenure,
    TenureConnection,
    TenureEdge,
)
from graph_schema.investigate_plain import build_graph, page_plain, path_plain, risk_hits
from graph_schema.paging import PageInfo, SubjectRef
from graph_schema.rules.disclosure import CLASSES
from graph_schema.scalars import Date
from graph_schema.subject import Person, Role, organization_from_map
from loaders import cursors
from loaders import investigate as q
from loaders.selection import NotCompiled
from resolvers import investigate_reads as reads
from resolvers.exploration import (
    MAX_NODES,
    MAX_PAGE,
    ROLES,
    bounded,
    budget_of,
    empty_page,
    in_range,
    register,
    require_kind,
    role_filter,
    too_big,
)
from resolvers.reads import legacy
from resolvers.subject import load_subject, page_size

From = Annotated[SubjectRef, strawberry.argument(name="from")]


async def _start(info: Info[Context, None], operation: str,
                 *refs: SubjectRef) -> list[dict[str, Any]] | None:
    """Role, the subjects the exploration starts from, and a purpose: a refusal for want of
    a purpose is registered against them, like any refusal (``ctx.disclose``)."""
    ctx = info.context
    ctx.require(*ROLES)
    found = await asyncio.gather(*(load_subject(ctx, r) for r in refs))
    if not ctx.purpose:
        for m in found:
            if m is not None:
                ctx.audit.record(m["id"], operation, selected_fields(info), [],
                                 outcome=PurposeRequired.code)
        ctx.require_purpose()
    if any(m is None for m in found):
        return None
    return [m for m in found if m is not None]


async def _marks(ctx: Context, ids: Iterable[str], list_kinds: list[str], day: Any,
                 budget: q.Budget, per_subject: int = q.ENTRIES_PER_SUBJECT
                 ) -> dict[str, dict[str, Any]]:
    ids = list(dict.fromkeys(ids))
    classes = await ctx.visible_classes_many(ids)
    return await bounded(q.subject_marks(ctx.db, list(zip(ids, classes, strict=True)),
                                          list_kinds, day, budget, per_subject), budget)


async def _tenures(info: Info[Context, None], operation: str, ref: SubjectRef, kind: str,
                   argument: str, tenure: Tenure | None, kinds: list[RoleKind] | None,
                   on: Any, first: int, after: str | None) -> TenureConnection | dict[str, Any]:
    if not legacy(info):
        try:
            return await reads.tenures(info, operation, ref, kind, argument, tenure, kinds, on,
                                       first, after)
        except NotCompiled:  # a field not yet compiled: answered field by field
            pass
    ctx = info.context
    key = cursors.decode(after, "t", dt.date, str)
    found = await _start(info, operation, ref)
    if found is None:
        return TenureConnection(edges=[], page_info=empty_page())
    require_kind(found[0], kind, argument)
    limit, budget, day = page_size(first, MAX_PAGE), budget_of(ctx), on or ctx.today
    rows = await bounded(q.roles_page(
        ctx.db, found[0]["id"], tuple(k.value for k in kinds) if kinds else None,
        None if tenure is None else tenure is Tenure.CURRENT, day, key, limit + 1, budget),
        budget)
    edges = [TenureEdge(cursor=cursors.encode("t", str(r["start"]), r["id"]),
                        node=Role.from_map(r),
                        current=r["start"] <= day and (r.get("end") is None or day <= r["end"]))
             for r in rows[:limit]]
    register(info, operation, [found[0]["id"]], {})
    return TenureConnection(edges=edges, page_info=PageInfo(
        has_next_page=len(rows) > limit, end_cursor=edges[-1].cursor if edges else None))


@strawberry.type
class InvestigateQuery:
    @strawberry.field(description="A subject's neighbourhood up to 4 role hops, ready to draw: "
                      "subjects nearest first (at most `maxNodes` nodes in all, `truncated` "
                      "when the cap cut it), the roles among them, their list entries in force "
                      "on `roles.asOf` (default today) and the entries' departments.")
    async def neighbourhood(self, info: Info[Context, None], subject: SubjectRef,
                            depth: int = 2, roles: RoleFilter | None = None,
                            list_kinds: list[ListKind] | None = None, departments: bool = True,
                            max_nodes: int = 200) -> SubjectGraph | None:
        if not legacy(info):
            return await reads.neighbourhood(  # type: ignore[return-value]  # plain data
                info, subject, depth, roles, list_kinds, departments, max_nodes)
        ctx = info.context
        found = await _start(info, "neighbourhood", subject)
        in_range("depth", depth, 1, q.MAX_DEPTH)
        in_range("maxNodes", max_nodes, 1, MAX_NODES)
        if found is None:
            return None
        root, rf, budget = found[0], role_filter(roles), budget_of(ctx)
        kinds = [k.value for k in list_kinds] if list_kinds is not None else [
            ListKind.BLACK.value, ListKind.RED.value]
        day = rf.as_of or ctx.today
        walked = await bounded(q.neighbourhood(ctx.db, root["id"], depth, rf, max_nodes,
                                                budget), budget)
        assert walked is not None  # the root exists
        marks = await _marks(ctx, [s["id"] for s in walked["subjects"]], kinds, day, budget)
        graph, shown = build_graph(walked, marks, root_id=root["id"], depth=depth,
                                   as_of=rf.as_of, cap=max_nodes, list_kinds=kinds,
                                   departments=departments)
        register(info, "neighbourhood", [root["id"]], shown)
        return graph  # type: ignore[return-value]  # plain data, see gateway/executor.py

    @strawberry.field(description="All shortest paths between two subjects up to `maxHops` "
                      "role hops (at most 6), each step with its role and dates, ordered by "
                      "the roles they take; nodes marked black-listed on `roles.asOf` "
                      "(default today).")
    async def shortest_paths(self, info: Info[Context, None], from_: From, to: SubjectRef,
                             max_hops: int = 4, roles: RoleFilter | None = None,
                             first: int = 10, after: str | None = None) -> PathConnection:
        if not legacy(info):
            return await reads.shortest_paths(  # type: ignore[return-value]  # plain data
                info, from_, to, max_hops, roles, first, after)
        ctx = info.context
        found = await _start(info, "shortestPaths", from_, to)
        in_range("maxHops", max_hops, 1, q.MAX_PATH_HOPS)
        limit = page_size(first, MAX_PAGE)
        key = cursors.decode(after, "p", str)
        if found is None:
            return page_plain([], False, totalCount=0)  # type: ignore[return-value]
        a, b = found
        if a["id"] == b["id"]:
            raise InvalidInput("from and to are the same subject", field="to")
        rf, budget = role_filter(roles), budget_of(ctx)
        result = await bounded(q.shortest_paths(ctx.db, a["id"], b["id"], max_hops, rf,
                                                 key[0] if key else None, limit + 1, budget),
                                budget)
        if result["over"]:
            raise too_big("the shortest paths are", budget)
        page = result["page"][:limit]
        marks = await _marks(ctx, [n["id"] for p in page for n in p["nodes"]], [],
                             rf.as_of or ctx.today, budget, per_subject=0)
        black = {sid: m["blackClasses"] for sid, m in marks.items() if m["blackClasses"]}
        edges = [{"cursor": cursors.encode("p", p["key"]), "node": path_plain(p, black)}
                 for p in page]
        register(info, "shortestPaths", [a["id"], b["id"]], black)
        return page_plain(edges, len(result["page"]) > limit,  # type: ignore[return-value]
                          totalCount=result["total"])

    @strawberry.field(description="Black-listed subjects within `maxHops` role hops (at most "
                      "4), nearest first, each with its black entries in force on "
                      "`roles.asOf` (default today) and one shortest path to it.")
    async def risk_around(self, info: Info[Context, None], subject: SubjectRef,
                          max_hops: int = 2, roles: RoleFilter | None = None, first: int = 20,
                          after: str | None = None) -> RiskConnection:
        if not legacy(info):
            return await reads.risk_around(  # type: ignore[return-value]  # plain data
                info, subject, max_hops, roles, first, after)
        ctx = info.context
        found = await _start(info, "riskAround", subject)
        in_range("maxHops", max_hops, 1, q.MAX_DEPTH)
        limit = page_size(first, MAX_PAGE)
        key = cursors.decode(after, "r", int, str)
        if found is None:
            return page_plain([], False, totalCount=0, walked=0)  # type: ignore[return-value]
        root, rf, budget = found[0], role_filter(roles), budget_of(ctx)
        day = rf.as_of or ctx.today
        # Classes anyone could open: what needs no consent, or all when consents are relied on.
        possible = CLASSES if ctx.consents else await ctx.visible_classes(root["id"])
        scan = await bounded(q.risk_scan(ctx.db, root["id"], max_hops, rf, possible, day,
                                          budget), budget)
        if scan["over"]:
            raise too_big(f"the subjects within {max_hops} hops are", budget)
        candidates = scan["hits"]
        visible = await ctx.visible_classes_many([h["id"] for h in candidates])
        hits = sorted((h for h, v in zip(candidates, visible, strict=True)
                       if set(h["classes"]) & set(v)), key=lambda h: (h["hops"], h["id"]))
        after_key = (key[0], key[1]) if key else None
        rest = [h for h in hits if after_key is None or (h["hops"], h["id"]) > after_key]
        page = rest[:limit]
        paths = await bounded(q.one_path_each(ctx.db, root["id"], [h["id"] for h in page],
                                               max_hops, rf, budget), budget)
        on_paths = [n["id"] for p in paths.values() for n in p["nodes"]]
        marks = await _marks(ctx, [h["id"] for h in page] + on_paths, [ListKind.BLACK.value],
                             day, budget)
        nodes, shown = risk_hits(page, paths, marks)
        edges = [{"cursor": cursors.encode("r", h["hops"], h["id"]), "node": node}
                 for h, node in zip(page, nodes, strict=True)]
        register(info, "riskAround", [root["id"]], shown)
        return page_plain(edges, len(rest) > limit, totalCount=len(hits),  # type: ignore[return-value]
                          walked=scan["walked"])

    @strawberry.field(description="A person's organisations through its roles, current and "
                      "past (`tenure` on `on`, default today), newest start first.")
    async def organizations_of_person(self, info: Info[Context, None], person: SubjectRef,
                                      tenure: Tenure | None = None,
                                      kinds: list[RoleKind] | None = None, on: Date | None = None,
                                      first: int = 20, after: str | None = None
                                      ) -> TenureConnection:
        return await _tenures(info, "organizationsOfPerson", person, "PERSON", "person", tenure,
                              kinds, on, first, after)  # type: ignore[return-value]

    @strawberry.field(description="An organisation's officers over time, newest start first; "
                      "`tenure` CURRENT or PAST on `on` (default today).")
    async def officers_of_organization(self, info: Info[Context, None],
                                       organization: SubjectRef, tenure: Tenure | None = None,
                                       kinds: list[RoleKind] | None = None,
                                       on: Date | None = None, first: int = 20,
                                       after: str | None = None) -> TenureConnection:
        return await _tenures(info, "officersOfOrganization", organization,  # type: ignore[return-value]
                              "ORGANIZATION", "organization", tenure, kinds, on, first, after)

    @strawberry.field(description="Organisations that share an officer with this one (roles "
                      "filtered on both sides), most shared officers first.")
    async def shared_officers(self, info: Info[Context, None], organization: SubjectRef,
                              roles: RoleFilter | None = None, first: int = 20,
                              after: str | None = None) -> SharedOfficerConnection:
        if not legacy(info):
            try:
                return await reads.shared_officers(  # type: ignore[return-value]
                    info, organization, roles, first, after)
            except NotCompiled:  # a field not yet compiled: answered field by field
                pass
        ctx = info.context
        found = await _start(info, "sharedOfficers", organization)
        limit = page_size(first, MAX_PAGE)
        key = cursors.decode(after, "s", int, str)
        if found is None:
            return SharedOfficerConnection(edges=[], page_info=empty_page())
        require_kind(found[0], "ORGANIZATION", "organization")
        budget = budget_of(ctx)
        result = await bounded(q.shared_officers(ctx.db, found[0]["id"], role_filter(roles), key,
                                                  limit + 1, budget), budget)
        if result["over"]:
            raise too_big("the officers' other posts are", budget)
        edges = [SharedOfficerEdge(
            cursor=cursors.encode("s", row["shared"], row["organization"]["id"]),
            node=SharedOfficerLink(
                organization=organization_from_map(row["organization"]),
                shared_count=row["shared"],
                officers=[SharedOfficer(person=Person.from_map(o["person"]),
                                        roles_here=[RoleKind(k) for k in sorted(o["here"])],
                                        roles_there=[RoleKind(k) for k in sorted(o["there"])])
                          for o in row["officers"]]))
            for row in result["page"][:limit]]
        register(info, "sharedOfficers", [found[0]["id"]], {})
        return SharedOfficerConnection(edges=edges, page_info=PageInfo(
            has_next_page=len(result["page"]) > limit,
            end_cursor=edges[-1].cursor if edges else None))
