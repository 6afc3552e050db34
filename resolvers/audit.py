"""Reading the query register: supervisors review it, a subject sees who looked at it.

There is deliberately no mutation here or anywhere else: events are append-only.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry import Info

from gateway.auth import SUBJECT, SUPERVISOR
from gateway.context import Context
from gateway.errors import InvalidInput
from graph_schema.audit import AccessLogEntry, AuditEvent
from graph_schema.consent import native
from loaders import cursors
from loaders.audit import audit_events
from resolvers.subject import PageInfo, SubjectRef, load_subject, page_size

MAX_PAGE = 200
From = Annotated[dt.datetime | None, strawberry.argument(name="from",
                                                          description="Inclusive, with offset.")]


@strawberry.type
class AuditEventEdge:
    cursor: str
    node: AuditEvent


@strawberry.type
class AuditEventConnection:
    edges: list[AuditEventEdge]
    page_info: PageInfo


@strawberry.type
class AccessLogEdge:
    cursor: str
    node: AccessLogEntry


@strawberry.type
class AccessLogConnection:
    edges: list[AccessLogEdge]
    page_info: PageInfo


def _window(start: dt.datetime | None, end: dt.datetime | None
            ) -> tuple[dt.datetime | None, dt.datetime | None]:
    for value, name in ((start, "from"), (end, "to")):
        if value is not None and value.tzinfo is None:
            raise InvalidInput(f"{name} needs a UTC offset", field=name)
    return start, end


async def _page(ctx: Context, first: int, after: str | None,
                **filters: Any) -> tuple[list[tuple[str, dict[str, Any]]], PageInfo]:
    limit = page_size(first, MAX_PAGE)
    rows = await audit_events(ctx.db, after=after, limit=limit + 1, **filters)
    page = [(cursors.encode("a", native(m["at"]), m["id"]), m) for m in rows[:limit]]
    return page, PageInfo(has_next_page=len(rows) > limit,
                          end_cursor=page[-1][0] if page else None)


@strawberry.type
class AuditQuery:
    @strawberry.field(description="The query register, newest first, for supervisors: by "
                      "caller (`sub`), department, subject and time window [from, to).")
    async def audit_events(self, info: Info[Context, None], caller: str | None = None,
                           department: strawberry.ID | None = None,
                           subject: SubjectRef | None = None,
                           from_: From = None,
                           to: dt.datetime | None = None, first: int = 50,
                           after: str | None = None) -> AuditEventConnection:
        ctx = info.context
        ctx.require(SUPERVISOR)
        subject_id = None
        if subject is not None:
            m = await load_subject(ctx, subject)
            if m is None:
                return AuditEventConnection(edges=[], page_info=PageInfo(
                    has_next_page=False, end_cursor=None))
            subject_id = m["id"]
        start, end = _window(from_, to)
        page, info_ = await _page(ctx, first, after, subject_id=subject_id, sub=caller,
                                  dept=str(department) if department else None,
                                  start=start, end=end)
        return AuditEventConnection(
            edges=[AuditEventEdge(cursor=c, node=AuditEvent.from_map(m)) for c, m in page],
            page_info=info_)

    @strawberry.field(description="For a subject acting for itself: who looked at its "
                      "non-public information, newest first (个人诚信 opinion 四(一)).")
    async def my_access_log(self, info: Info[Context, None],
                            from_: From = None,
                            to: dt.datetime | None = None, first: int = 50,
                            after: str | None = None) -> AccessLogConnection:
        ctx = info.context
        viewer = ctx.require(SUBJECT)
        start, end = _window(from_, to)
        page, info_ = await _page(ctx, first, after, subject_id=viewer.subject_id,
                                  start=start, end=end)
        return AccessLogConnection(
            edges=[AccessLogEdge(cursor=c, node=AccessLogEntry.from_map(m)) for c, m in page],
            page_info=info_)
