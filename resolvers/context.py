"""The per-request context every resolver sees as ``info.context``.

Besides the database, settings and DataLoaders (the mutations' look-ups) it carries the
caller and the small API resolvers use before returning non-public information:

- ``ctx.viewer``: the authenticated ``Viewer``, or None on the public portal;
- ``ctx.require(*roles)``: the viewer if it holds one of the roles, else ``Forbidden``;
- ``ctx.require_purpose()``: the stated purpose (管理办法 第三十三条), else ``PurposeRequired``;
- ``ctx.known_access(subject_id, grants)``: what the caller may see of a subject
  (管理办法 第十八条/第二十一条), from the consents a compiled query brought along. A
  consent counts only when the request relies on it: ``X-Credit-Consent: <id>[,<id>…]``
  or ``*`` (the queries read ``ctx.consents``);
- ``ctx.audit.record(...)``: note an access for the query register;
- ``ctx.disclose(...)``: all of it at once for a resolver about to return some classes.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import urllib.parse
from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from gateway.base.db import Database
from gateway.base.errors import Forbidden, InvalidInput, PurposeRequired, Unauthenticated
from gateway.base.settings import Settings
from gateway.base.viewer import Viewer
from graph_schema.rules import disclosure
from graph_schema.rules.disclosure import Access, Grant
from loaders import Loaders
from procedures.audit import AuditLog, AuditWriter

if TYPE_CHECKING:
    from starlette.requests import Request

log = logging.getLogger("credit_graph.context")

PURPOSE_HEADER = "x-credit-purpose"
CONSENT_HEADER = "x-credit-consent"
ANY_CONSENT = "*"
MAX_CONSENTS = 100
_CONSENT_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
MAX_PURPOSE = 500
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode's control characters (category Cc)
SELF_QUERY = "本人查询"  # what the register shows as purpose when a subject reads itself


def read_consents(request: Request) -> tuple[str, ...] | None:
    """``X-Credit-Consent``: the consents a query relies on (管理办法 第二十一条), as ids
    separated by commas, or ``*`` for every consent covering the caller; None when absent."""
    raw = request.headers.get(CONSENT_HEADER, "").strip()
    if not raw:
        return None
    if raw == ANY_CONSENT:
        return (ANY_CONSENT,)
    ids = tuple(dict.fromkeys(i.strip() for i in raw.split(",") if i.strip()))
    if len(ids) > MAX_CONSENTS or not all(_CONSENT_ID.fullmatch(i) for i in ids):
        raise InvalidInput(
            f"X-Credit-Consent takes up to {MAX_CONSENTS} consent ids separated by commas, or *"
        )
    return ids


def read_purpose(request: Request) -> str | None:
    """The ``X-Credit-Purpose`` header: UTF-8, percent-encoded or raw; None when absent."""
    raw = request.headers.get(PURPOSE_HEADER)
    if raw is None:
        return None
    try:  # Starlette decodes header bytes as latin-1; raw UTF-8 is common from curl
        purpose = urllib.parse.unquote(
            raw.encode("latin-1").decode("utf-8"), errors="strict"
        ).strip()
    except UnicodeError:  # the register must hold what the caller meant, or nothing
        raise InvalidInput(
            "X-Credit-Purpose must be UTF-8, raw or percent-encoded", header="X-Credit-Purpose"
        ) from None
    if _CONTROL.search(purpose):
        raise InvalidInput(
            "X-Credit-Purpose must not hold control characters", header="X-Credit-Purpose"
        )
    if len(purpose) > MAX_PURPOSE:
        raise InvalidInput(f"the purpose is longer than {MAX_PURPOSE} characters")
    return purpose or None


def selected_fields(info: Any) -> list[str]:
    """The resolver's field and its direct subfields as ``field.subfield``, fragments
    flattened: what a register entry lists as the fields returned."""
    from strawberry.types.nodes import SelectedField

    out: set[str] = set()

    def walk(prefix: str, selections: Iterable[Any]) -> None:
        for sel in selections:
            if isinstance(sel, SelectedField):
                out.add(f"{prefix}.{sel.name}")
            else:  # fragment spread or inline fragment
                walk(prefix, sel.selections)

    for field in info.selected_fields:
        out.add(field.name)
        walk(field.name, field.selections)
    return sorted(out)


class Context:
    """Database, settings, the caller and the request's own DataLoaders."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        request: Request | None = None,
        viewer: Viewer | None = None,
        today: dt.date | None = None,
        *,
        purpose: str | None = None,
        consents: tuple[str, ...] | None = None,
        operation_name: str | None = None,
        audit_writer: AuditWriter | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.request = request
        self.viewer = viewer
        self.today = today or settings.today_()  # the one clock (gateway/base/settings.py)
        self.now = now or settings.now()
        self.purpose = purpose
        self.consents = consents
        self.operation_name = operation_name
        self._writer = audit_writer
        access: dict[str, Access] = {}
        self._access = access

        def consents_used(subject_id: str, items: Iterable[str]) -> list[str]:
            known = access.get(subject_id)
            return known.consent_for(items) if known else []

        # a closure over the decisions, not a method: no cycle for the collector to break
        self.audit = AuditLog(consents_used)
        # Errors met while shaping a compiled answer (loaders/selection.py), each with
        # its path; the endpoint reports them with graphql-core's own.
        self.errors: list[Any] = []
        self.sidecars: dict[str, Any] = {}  # values a compiled answer's converters share

    @cached_property
    def loaders(self) -> Loaders:
        return Loaders(self.db)

    def require(self, *roles: str) -> Viewer:
        """The viewer when it holds any of ``roles``; ``Forbidden`` naming them otherwise."""
        if self.viewer is None:
            raise Unauthenticated("this needs an authenticated caller")
        if roles and not self.viewer.has_any(*roles):
            raise Forbidden(
                f"this needs one of the roles: {', '.join(roles)}", required=list(roles)
            )
        return self.viewer

    def require_purpose(self) -> str:
        """管理办法 第三十三条: no query of non-public information without a stated duty."""
        if not self.purpose:
            raise PurposeRequired(
                "state the purpose of this query in the X-Credit-Purpose header "
                "(管理办法 第三十三条)"
            )
        return self.purpose

    def known_access(self, subject_id: str, grants: list[Grant]) -> Access:
        """What the caller may see of a subject whose consents a compiled query brought
        along (``graph_schema.rules.disclosure.access``), remembered for the request."""
        subject_id = str(subject_id)
        known = self._access.get(subject_id)
        if known is None:
            viewer = self.viewer
            if viewer is None:
                known = disclosure.PUBLIC_ONLY
            else:
                self_query = viewer.acts_for(subject_id)
                known = disclosure.access(
                    government=viewer.government,
                    self_query=self_query,
                    grantee_ids=viewer.grantee_ids,
                    grants=[] if self_query else grants,
                    now=self.now,
                )
            self._access[subject_id] = known
        return known

    def known_access_of(self, subject_id: str) -> Access:
        return self._access[str(subject_id)]

    def disclose(
        self,
        subject_id: str,
        operation: str,
        fields: Iterable[str],
        classes: Iterable[str],
        consent_id: str | None = None,
    ) -> None:
        """Before returning information of ``classes`` about a subject: nothing for public
        information; otherwise a purpose (unless the subject reads itself) and one entry
        in the register. A refusal is registered too, then raised."""
        restricted = sorted({c for c in classes if c != disclosure.PUBLIC})
        if not restricted:
            return
        known = self._access.get(str(subject_id))
        if not (known and known.self_query):
            try:
                self.require_purpose()
            except PurposeRequired as exc:
                self.audit.record(subject_id, operation, fields, restricted, outcome=exc.code)
                raise
        self.audit.record(subject_id, operation, fields, restricted, consent_id=consent_id)

    async def finish(self, payload: dict[str, Any]) -> None:
        """Called by the endpoint after execution: write the request's register entries."""
        if not len(self.audit) or self._writer is None:
            return
        purpose = self.purpose
        if purpose is None and self.viewer is not None and self.viewer.subject_id:
            # 本人查询: every subject the request registers a sight of is the caller itself
            purpose = (
                SELF_QUERY if all(self.viewer.acts_for(s) for s in self.audit.subjects()) else None
            )
        events = self.audit.events(
            viewer=self.viewer, purpose=purpose, operation_name=self.operation_name, at=self.now
        )
        try:
            await self._writer.write(events)
        except Exception:  # noqa: BLE001 - fail closed: no data without its register entry
            log.exception("could not write %d audit events; withholding the data", len(events))
            payload.clear()
            payload.update(
                {
                    "errors": [
                        {
                            "message": "the query register is unavailable; no data was returned",
                            "extensions": {"code": "AUDIT_UNAVAILABLE"},
                        }
                    ],
                    "data": None,
                }
            )
