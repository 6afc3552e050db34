"""Reading the query register: supervisors review it, a subject sees who looked at it.

There is deliberately no mutation here or anywhere else: events are append-only.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry import Info

from gateway.base.errors import InvalidInput
from gateway.base.viewer import SUBJECT, SUPERVISOR
from graph_schema.audit import AccessLogEntry, AuditEvent
from graph_schema.consent import native
from graph_schema.paging import PageInfo, SubjectRef
from loaders import cursors
from loaders.audit import EVENTS_OF_SUBJECT_ID, events_anchor, events_page, page_params
from loaders.selection import compiled
from resolvers.context import Context
from resolvers.reads import anchor
from resolvers.subject import page_size

MAX_PAGE = 200
From = Annotated[
    dt.datetime | None, strawberry.argument(name="from", description="Inclusive, with offset.")
]
To = Annotated[dt.datetime | None, strawberry.argument(description="Exclusive, with offset.")]
First = Annotated[int, strawberry.argument(description="Page size, 1 to 200.")]
After = Annotated[
    str | None,
    strawberry.argument(description="The `endCursor` of the page before; null: from the newest."),
]


@strawberry.type(description="A register event in a page of events.")
class AuditEventEdge:
    cursor: str = strawberry.field(description="Pass as `after` for the older events.")
    node: AuditEvent = strawberry.field(description="The event.")


@strawberry.type(description="A page of the query register, newest first.")
class AuditEventConnection:
    edges: list[AuditEventEdge] = strawberry.field(description="This page of events.")
    page_info: PageInfo = strawberry.field(description="Whether more follow, and from where.")


@strawberry.type(description="An access in a page of a subject's access log.")
class AccessLogEdge:
    cursor: str = strawberry.field(description="Pass as `after` for the older accesses.")
    node: AccessLogEntry = strawberry.field(description="The access.")


@strawberry.type(description="A page of a subject's access log, newest first.")
class AccessLogConnection:
    edges: list[AccessLogEdge] = strawberry.field(description="This page of accesses.")
    page_info: PageInfo = strawberry.field(description="Whether more follow, and from where.")


def _window(
    start: dt.datetime | None, end: dt.datetime | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    for value, name in ((start, "from"), (end, "to")):
        if value is not None and value.tzinfo is None:
            raise InvalidInput(f"{name} needs a UTC offset", field=name)
    return start, end


def _cursor(after: str | None) -> tuple[Any, ...] | None:
    return cursors.decode(after, "a", dt.datetime, str)


async def _page(
    info: Info[Context, None], template: str, limit: int, params: dict[str, Any]
) -> dict[str, Any]:
    """One page in one query: events projected from the selection below ``edges.node``."""
    selection = compiled(info, at=("edges", "node"))
    rows = (
        await selection.fetch(template, {**params, "limit": limit + 1}, var="a", op="audit_events")
        or []
    )
    edges = [
        {
            "cursor": cursors.encode("a", native(at), id_),
            "node": selection.shape(node, "edges", i, "node"),
        }
        for i, (at, id_, node) in enumerate(rows[:limit])
    ]
    return {
        "edges": edges,
        "pageInfo": {
            "hasNextPage": len(rows) > limit,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="The query register, newest first, for supervisors: by "
        "caller (`sub`), department, subject and time window [from, to).",
        graphql_type=AuditEventConnection,
    )  # a page as plain data (_page)
    async def audit_events(
        self,
        info: Info[Context, None],
        caller: Annotated[
            str | None,
            strawberry.argument(description="Only events of this token subject (`sub`)."),
        ] = None,
        department: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only events of callers acting for this department."),
        ] = None,
        subject: Annotated[
            SubjectRef | None,
            strawberry.argument(description="Only events about this subject."),
        ] = None,
        from_: From = None,
        to: To = None,
        first: First = 50,
        after: After = None,
    ) -> dict[str, Any]:
        ctx = info.context
        ctx.require(SUPERVISOR)
        found = anchor(subject, "s") if subject is not None else None
        start, end = _window(from_, to)  # every argument checked before anything is read
        limit, key = page_size(first, MAX_PAGE), _cursor(after)
        dept = str(department) if department else None
        template = events_page(events_anchor(found[0] if found else None, caller, dept))
        return await _page(
            info,
            template,
            limit,
            {
                "key": found[1] if found else None,
                **page_params(sub=caller, dept=dept, start=start, end=end, after=key, limit=limit),
            },
        )

    @strawberry.field(
        description="For a subject acting for itself: who looked at its "
        "non-public information, newest first (个人诚信 opinion 四(一)).",
        graphql_type=AccessLogConnection,
    )  # a page as plain data (_page)
    async def my_access_log(
        self,
        info: Info[Context, None],
        from_: From = None,
        to: To = None,
        first: First = 50,
        after: After = None,
    ) -> dict[str, Any]:
        ctx = info.context
        viewer = ctx.require(SUBJECT)
        start, end = _window(from_, to)
        limit, key = page_size(first, MAX_PAGE), _cursor(after)
        template = events_page(EVENTS_OF_SUBJECT_ID)
        return await _page(
            info,
            template,
            limit,
            {
                "subjectId": viewer.subject_id,
                **page_params(start=start, end=end, after=key, limit=limit),
            },
        )
