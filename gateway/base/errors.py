"""One small error hierarchy. Every error carries a stable ``code``.

GraphQL responses show it as ``extensions.code`` together with ``details``
(the offending value, the field); the bulk importer writes the same code and
message to its rejects file.
"""

from __future__ import annotations

from typing import Any


class CreditGraphError(Exception):
    """Base of every error this project raises on purpose."""

    code = "INTERNAL"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def extensions(self) -> dict[str, Any]:
        ext: dict[str, Any] = {"code": self.code}
        ext.update(self.details)
        return ext


class ConfigurationError(CreditGraphError):
    """The server is misconfigured (a setting, a missing secret or key): the operator's defect,
    logged."""

    code = "CONFIGURATION"


class InvalidInput(CreditGraphError):
    """A value the caller sent is refused (a malformed argument, a list too long, a missing or
    conflicting field); the message says which."""

    code = "BAD_USER_INPUT"


class InvalidUSCC(InvalidInput):
    """统一社会信用代码 (GB 32100) failed validation."""

    code = "INVALID_USCC"


class InvalidIdNumber(InvalidInput):
    """公民身份号码 (GB 11643) failed validation."""

    code = "INVALID_ID_NUMBER"


class ForbiddenInformation(InvalidInput):
    """管理办法 第十四条: information that must never be collected."""

    code = "FORBIDDEN_INFORMATION"


class NotFound(CreditGraphError):
    """The entry, objection or repair application a field or mutation names does not exist."""

    code = "NOT_FOUND"


class Conflict(CreditGraphError):
    """The request contradicts the graph's state (a step out of order, a record that already
    exists); nothing was written."""

    code = "CONFLICT"


class Unauthenticated(CreditGraphError):
    """No bearer token, or one that does not verify (signature, expiry, audience, issuer,
    claims)."""

    code = "UNAUTHENTICATED"


class Forbidden(CreditGraphError):
    """The caller's roles do not allow this field or mutation; ``required`` names the roles
    that would."""

    code = "FORBIDDEN"


class PurposeRequired(Forbidden):
    """管理办法 第三十三条: no query of non-public data without a stated duty."""

    code = "PURPOSE_REQUIRED"


class QueryTooComplex(CreditGraphError):
    """The document exceeds a limit (tokens, depth, fields, page size, cost); ``limit`` and
    ``max`` say which."""

    code = "QUERY_TOO_COMPLEX"


class RequestTooLarge(CreditGraphError):
    """The request body is larger than the endpoint accepts."""

    code = "REQUEST_TOO_LARGE"


class RateLimited(CreditGraphError):
    """The public portal's per-client rate is used up; retry after ``Retry-After``."""

    code = "RATE_LIMITED"


class QueryBudgetExceeded(CreditGraphError):
    """A query ran out of its time or memory budget inside Neo4j (an investigation also of its
    row budget); narrow it and ask again."""

    code = "QUERY_BUDGET_EXCEEDED"


class DatabaseUnavailable(CreditGraphError):
    """Neo4j cannot be reached: retry after ``Retry-After`` seconds (HTTP 503)."""

    code = "DATABASE_UNAVAILABLE"


class PersistedQueryNotFound(CreditGraphError):
    """A ``documentId`` that names no registered document (``graph_schema/documents/``)."""

    code = "PERSISTED_QUERY_NOT_FOUND"


class PersistedQueryRequired(CreditGraphError):
    """Free text on an endpoint that runs registered documents only
    (``CREDIT_GRAPH_TRUSTED_DOCUMENTS_ONLY``)."""

    code = "PERSISTED_QUERY_REQUIRED"
