"""What the endpoint learns about the request it answers, for the access log and metrics.

``Observe`` (gateway/observe.py) puts a ``RequestInfo`` in a context variable for each
request; the GraphQL endpoint notes the operation it runs and the error codes of its
answer on it. Outside a request (a test calling an endpoint directly) the notes are
dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from typing import Any


class RequestInfo:
    """One request, as the endpoint saw it."""

    __slots__ = ("request_id", "status", "operation", "codes", "trace_id")

    def __init__(self, request_id: str) -> None:
        self.request_id = request_id
        self.status = 500  # unless a response starts: the app raised
        self.operation: str | None = None  # "" for an anonymous operation
        self.codes: list[str] = []
        self.trace_id: str | None = None


CURRENT: ContextVar[RequestInfo | None] = ContextVar("credit_graph_request", default=None)


def note_operation(name: str) -> None:
    """The operation a parsed document runs ("" when it has no name)."""
    info = CURRENT.get()
    if info is not None:
        info.operation = name


def note_errors(errors: Iterable[Mapping[str, Any]]) -> None:
    """The ``extensions.code`` of each error an answer holds."""
    info = CURRENT.get()
    if info is not None:
        for error in errors:
            code = (error.get("extensions") or {}).get("code")
            info.codes.append(code if isinstance(code, str) else "UNKNOWN")
