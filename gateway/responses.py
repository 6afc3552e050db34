"""JSON responses and the HTTP status of each refusal."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

from gateway.base.errors import CreditGraphError
from gateway.request_info import note_errors

# A refusal before execution answers with the HTTP status its code stands for; an error
# met while executing is a GraphQL error in an HTTP 200 answer, like any other.
_STATUS = {
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "PURPOSE_REQUIRED": 403,
    "REQUEST_TOO_LARGE": 413,
    "RATE_LIMITED": 429,
    "DATABASE_UNAVAILABLE": 503,
}


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError


def json_response(
    payload: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    errors = payload.get("errors")
    if errors:  # every answer's errors pass here: counted by code (gateway/metrics.py)
        note_errors(errors)
    return Response(
        orjson.dumps(payload, default=_json_default),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def error_payload(err: CreditGraphError) -> dict[str, Any]:
    return {"errors": [{"message": err.message, "extensions": err.extensions()}]}


def refusal(err: CreditGraphError) -> Response:
    """The answer to a request refused before execution."""
    status = _STATUS.get(err.code, 400)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    retry = err.details.get("retry_after_s")
    if retry is not None:
        headers["Retry-After"] = str(retry)
    return json_response(error_payload(err), status, headers or None)


def bad_request(message: str, status: int = 400) -> Response:
    return json_response(
        {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}, status
    )
