"""The authenticated caller of one request, and the role names a token may grant.

Below the HTTP shell (gateway/auth.py turns a bearer token into a ``Viewer``) because
resolvers, the request context and the query register all read the caller.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

APPROVAL = "approval"
INVESTIGATOR = "investigator"
CREDIT_ADMIN = "credit_admin"
SUPERVISOR = "supervisor"
SUBJECT = "subject"
GOVERNMENT_ROLES = frozenset({APPROVAL, INVESTIGATOR, CREDIT_ADMIN, SUPERVISOR})
KNOWN_ROLES = GOVERNMENT_ROLES | {SUBJECT}


@dataclass(frozen=True, slots=True)
class Viewer:
    """The authenticated caller of one request."""

    sub: str
    roles: frozenset[str]
    dept: str | None = None
    jur: str | None = None
    subject_id: str | None = None
    expires_at: dt.datetime | None = None

    @property
    def government(self) -> bool:
        return bool(self.roles & GOVERNMENT_ROLES)

    def has_any(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def acts_for(self, subject_id: str) -> bool:
        """A subject querying itself (管理办法 第二十一条)."""
        return SUBJECT in self.roles and self.subject_id == subject_id

    @property
    def grantee_ids(self) -> tuple[str, ...]:
        """What a consent may name as grantee for this caller: its department, or the
        organisation it acts for."""
        ids = []
        if self.government and self.dept:
            ids.append(self.dept)
        if SUBJECT in self.roles and self.subject_id:
            ids.append(self.subject_id)
        return tuple(ids)
