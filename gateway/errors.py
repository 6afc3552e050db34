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
    code = "CONFIGURATION"


class InvalidInput(CreditGraphError):
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
    code = "NOT_FOUND"


class Conflict(CreditGraphError):
    code = "CONFLICT"


class Unauthenticated(CreditGraphError):
    code = "UNAUTHENTICATED"


class Forbidden(CreditGraphError):
    code = "FORBIDDEN"


class PurposeRequired(Forbidden):
    """管理办法 第三十三条: no query of non-public data without a stated duty."""

    code = "PURPOSE_REQUIRED"


class QueryTooComplex(CreditGraphError):
    code = "QUERY_TOO_COMPLEX"


class RequestTooLarge(CreditGraphError):
    code = "REQUEST_TOO_LARGE"


class RateLimited(CreditGraphError):
    code = "RATE_LIMITED"


class QueryBudgetExceeded(CreditGraphError):
    code = "QUERY_BUDGET_EXCEEDED"


class DatabaseUnavailable(CreditGraphError):
    code = "DATABASE_UNAVAILABLE"


class PersistedQueryNotFound(CreditGraphError):
    """A ``documentId`` that names no registered document (``graph_schema/documents/``)."""

    code = "PERSISTED_QUERY_NOT_FOUND"


class PersistedQueryRequired(CreditGraphError):
    """Free text on an endpoint that runs registered documents only
    (``CREDIT_GRAPH_TRUSTED_DOCUMENTS_ONLY``)."""

    code = "PERSISTED_QUERY_REQUIRED"
