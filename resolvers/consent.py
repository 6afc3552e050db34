"""Granting, revoking and listing consents (管理办法 第二十一条).

A subject grants consent for itself (a ``subject`` token); a credit administrator
records a written consent received on paper, citing the document. Either may
revoke; nothing deletes a consent. A mutation answers with the consent as it stands
after the write, read like any consent (one compiled query).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry import Info

from gateway.base.errors import Forbidden, InvalidInput, NotFound
from gateway.base.viewer import CREDIT_ADMIN, SUBJECT, SUPERVISOR, Viewer
from graph_schema.consent import Consent, ConsentScope
from graph_schema.identifiers import normalise_uscc
from graph_schema.paging import SubjectRef
from loaders.consent import CONSENT_BY_ID, consents_of
from loaders.selection import Shaped, compiled
from procedures.consent import grant_consent, revoke_consent
from resolvers.context import Context
from resolvers.reads import anchor, one
from resolvers.subject import load_subject

MAX_TEXT = 500


@strawberry.input(one_of=True, description="A grantee: a department, or an organisation.")
class GranteeRef:
    department_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="A department, by id (`<jurisdiction code>/<name>`)."
    )
    uscc: str | None = strawberry.field(
        default=strawberry.UNSET, description="An organisation, by its unified social credit code."
    )


@strawberry.input(description="A consent to record (管理办法 第二十一条).")
class GrantConsentInput:
    subject: SubjectRef = strawberry.field(description="The subject giving consent.")
    grantee: GranteeRef = strawberry.field(description="Who may query under it.")
    scope: list[ConsentScope] = strawberry.field(
        description="What it opens: at least one class or the ID number."
    )
    purpose: str = strawberry.field(
        description="What the grantee may query for; required, at most 500 characters."
    )
    valid_until: dt.datetime = strawberry.field(
        description="End of the window, exclusive; with a UTC offset."
    )
    valid_from: dt.datetime | None = strawberry.field(
        default=None, description="Start of the window (default: now); with a UTC offset."
    )
    document_ref: str | None = strawberry.field(
        default=None,
        description="The written consent on file; required from a credit administrator.",
    )


def _aware(value: dt.datetime, name: str) -> dt.datetime:
    if value.tzinfo is None:
        raise InvalidInput(f"{name} needs a UTC offset, e.g. 2027-01-01T00:00:00+08:00", field=name)
    return value.astimezone(dt.UTC)


def _text(value: str | None, name: str, required: bool) -> str | None:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"{name} is required", field=name)
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"{name} is longer than {MAX_TEXT} characters", field=name)
    return text or None


@strawberry.type
class ConsentMutation:
    @strawberry.mutation(
        description="Record a consent: by the subject itself, or by a credit "
        "administrator from a written consent (documentRef required)."
    )
    async def grant_consent(
        self,
        info: Info[Context, None],
        input: Annotated[GrantConsentInput, strawberry.argument(description="The consent.")],
    ) -> Consent:
        ctx = info.context
        viewer = ctx.require(SUBJECT, CREDIT_ADMIN)
        subject = await load_subject(ctx, input.subject)
        if subject is None:
            raise NotFound("no such subject")
        if not viewer.acts_for(subject["id"]):
            if not viewer.has_any(CREDIT_ADMIN):
                raise Forbidden("a subject grants consent only for itself")
            if not input.document_ref:
                raise InvalidInput(
                    "a credit administrator records a written consent: documentRef is required",
                    field="documentRef",
                )
        if not input.scope:
            raise InvalidInput("scope names at least one class or field", field="scope")
        valid_from = _aware(input.valid_from, "validFrom") if input.valid_from else ctx.now
        valid_until = _aware(input.valid_until, "validUntil")
        if valid_until <= max(valid_from, ctx.now):
            raise InvalidInput(
                "validUntil must be after validFrom and in the future", field="validUntil"
            )
        grantee = input.grantee
        granted = await grant_consent(
            ctx.db,
            {
                "subjectId": subject["id"],
                "departmentId": str(grantee.department_id) if grantee.department_id else None,
                "granteeUscc": normalise_uscc(grantee.uscc) if grantee.uscc else None,
                "purpose": _text(input.purpose, "purpose", True),
                "scope": sorted({s.value for s in input.scope}),
                "validFrom": valid_from,
                "validUntil": valid_until,
                "now": ctx.now,
                "by": viewer.sub,
                "byDept": viewer.dept,
                "documentRef": _text(input.document_ref, "documentRef", False),
            },
        )
        if granted is None:
            raise NotFound("no such grantee (or the subject named itself)")
        return await one(info, CONSENT_BY_ID, key=granted)

    @strawberry.mutation(description="Revoke a consent from now on; it stays on file.")
    async def revoke_consent(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="The consent's id.")],
        reason: Annotated[
            str | None, strawberry.argument(description="Why, at most 500 characters.")
        ] = None,
    ) -> Consent:
        ctx = info.context
        viewer = ctx.require(SUBJECT, CREDIT_ADMIN)
        known = await ctx.loaders.consents_by_id.load(str(id))
        if known is None:
            raise NotFound("no such consent", id=str(id))
        if not (viewer.acts_for(known["subjectId"]) or viewer.has_any(CREDIT_ADMIN)):
            raise Forbidden(
                "only the subject that gave a consent, or a credit administrator, may revoke it"
            )
        revoked = await revoke_consent(
            ctx.db, str(id), now=ctx.now, by=viewer.sub, reason=_text(reason, "reason", False)
        )
        if revoked is None:
            raise NotFound("no such consent", id=str(id))
        return await one(info, CONSENT_BY_ID, key=revoked)


def _visible_to(viewer: Viewer, subject_id: str) -> bool:
    """Whether the caller sees all of a subject's consents (else only those given to it);
    ``Forbidden`` when it can see none."""
    everyone = viewer.acts_for(subject_id) or viewer.has_any(CREDIT_ADMIN, SUPERVISOR)
    if not everyone and not viewer.grantee_ids:
        raise Forbidden("no consents are visible to this caller")
    return everyone


@strawberry.type
class ConsentQuery:
    @strawberry.field(
        description="A subject's consents, newest first: all of them for the "
        "subject itself, credit administrators and supervisors; for anyone "
        "else those given to the caller's department or organisation.",
        graphql_type=list[Consent],
    )  # answered by the compiled selection
    async def consents(
        self,
        info: Info[Context, None],
        subject: Annotated[SubjectRef, strawberry.argument(description="The subject.")],
        include_revoked: Annotated[
            bool,
            strawberry.argument(description="Revoked consents too; false: only those not revoked."),
        ] = True,
    ) -> list[Shaped | None]:
        ctx = info.context
        viewer = ctx.require()
        pattern, key = anchor(subject, "s")
        selection = compiled(info)
        answer = await selection.fetch(
            consents_of(pattern),
            {
                "key": key,
                "everyone": viewer.has_any(CREDIT_ADMIN, SUPERVISOR),
                "granteeIds": list(viewer.grantee_ids),
                "includeRevoked": include_revoked,
            },
        )
        if answer is None:
            return []
        _visible_to(viewer, answer[0])
        return [selection.shape(c, i) for i, c in enumerate(answer[1])]
