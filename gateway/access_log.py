"""The access log: one JSON line per request, with its request id.

A line holds the method, the path (never the query string: a GET request carries its
variables there), the status, the duration in milliseconds, the GraphQL operation name,
the request id, the answer's error codes and, when tracing is on, the trace id. Never
the token, the purpose, the variables or the answer.

The request id is the caller's ``X-Request-Id`` when it is well-formed (1 to 128 of
letters, digits and ``. _ : -``, starting with a letter or digit; a router or an approval
system can then follow its request here), else a new random one; the answer carries it
back in ``X-Request-Id``.

The lines go to the ``credit_graph.access`` logger. Unless the host process gave that
logger a handler of its own, ``install()`` writes them to standard output as they are;
while that handler is the logger's only one, a line is written to it directly, without
building a ``logging.LogRecord`` (30 µs per request that way, 15 without, measured
in-process).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
import sys
import time
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

import orjson

log = logging.getLogger("credit_graph.access")

REQUEST_ID_HEADER = b"x-request-id"
_WELL_FORMED = re.compile(rb"[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}")


def request_id(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The caller's well-formed ``X-Request-Id``, or a new one (32 hex digits)."""
    for name, value in headers:
        if name == REQUEST_ID_HEADER:
            if _WELL_FORMED.fullmatch(value):
                return value.decode("ascii")
            break
    return secrets.token_hex(16)


def write(
    *,
    method: str,
    path: str,
    status: int,
    seconds: float,
    operation: str | None,
    request: str,
    codes: Sequence[str],
    trace_id: str | None,
) -> None:
    """Log one request (when anything listens: the fields are built only then)."""
    if not log.isEnabledFor(logging.INFO):
        return
    fields: dict[str, Any] = {
        "method": method,
        "path": path,
        "status": status,
        "duration_ms": round(seconds * 1000, 3),
        "operation": operation[:128] if operation else None,
        "request_id": request,
        "error_codes": list(codes),
    }
    if trace_id is not None:
        fields["trace_id"] = trace_id
    handlers = log.handlers
    if len(handlers) == 1 and type(handlers[0]) is _Stdout and not log.filters:
        handlers[0].line(_line(time.time(), "info", fields))
        return
    log.info("%s %s %d", method, path, status, extra={"access": fields})


def _line(created: float, level: str, fields: dict[str, Any]) -> str:
    at = dt.datetime.fromtimestamp(created, dt.UTC)
    return orjson.dumps(
        {"time": at.isoformat(timespec="milliseconds"), "level": level, **fields}
    ).decode()


class JsonLines(logging.Formatter):
    """A record as one JSON object: the time (UTC), the level, and an access record's fields
    (any other record: its logger and message)."""

    def format(self, record: logging.LogRecord) -> str:
        access = getattr(record, "access", None)
        if not isinstance(access, dict):
            access = {"logger": record.name, "message": record.getMessage()}
        return _line(record.created, record.levelname.lower(), access)


class _Stdout(logging.StreamHandler):
    """Standard output as it is when a line is written (a test runner swaps it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> TextIO:
        return sys.stdout

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass

    def line(self, text: str) -> None:
        """Write one formatted line, as ``emit`` would (flushed: log shippers read lines
        as they come)."""
        with self.lock:  # type: ignore[union-attr]  # created by Handler.__init__
            stream = sys.stdout
            stream.write(text + "\n")
            stream.flush()


def install() -> None:
    """Write the access log to standard output unless a handler is configured for it."""
    if log.handlers:
        return
    handler = _Stdout()
    handler.setFormatter(JsonLines())
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False  # the root logger's format is for people, these lines for machines
