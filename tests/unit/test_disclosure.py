"""管理办法 第十八条/第二十一条 as a pure rule: classes, consents, windows, revocation."""

from __future__ import annotations

import datetime as dt

from graph_schema.rules.disclosure import (
    AUTHORISED,
    GOVERNMENT,
    ID_NUMBER,
    PUBLIC,
    Grant,
    access,
    in_force,
)

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
DEPT = "320800/淮安市市场监督管理局"
OTHER = "320800/淮安市税务局"


def grant(
    scope: tuple[str, ...] = (AUTHORISED,),
    grantee: str = DEPT,
    *,
    start: dt.timedelta = dt.timedelta(days=-1),
    end: dt.timedelta = dt.timedelta(days=30),
    revoked: dt.timedelta | None = None,
    id: str = "c1",
) -> Grant:
    return Grant(
        id=id,
        grantee_id=grantee,
        scope=frozenset(scope),
        valid_from=NOW + start,
        valid_until=NOW + end,
        revoked_at=NOW + revoked if revoked is not None else None,
    )


def see(
    *grants: Grant,
    government: bool = True,
    self_query: bool = False,
    grantees: tuple[str, ...] = (DEPT,),
) -> tuple[str, ...]:
    return access(
        government=government, self_query=self_query, grantee_ids=grantees, grants=grants, now=NOW
    ).classes


def test_public_to_all_government_to_government_roles_all_to_the_subject_itself() -> None:
    assert see(government=False, grantees=()) == (PUBLIC,)
    assert see() == (PUBLIC, GOVERNMENT)
    me = access(government=False, self_query=True, grantee_ids=(), grants=(), now=NOW)
    assert me.classes == (PUBLIC, GOVERNMENT, AUTHORISED) and me.id_number and me.history


def test_consent_opens_its_scope_inside_its_window_until_revoked() -> None:
    assert see(grant()) == (PUBLIC, GOVERNMENT, AUTHORISED)
    assert see(grant(start=dt.timedelta(hours=1))) == (PUBLIC, GOVERNMENT)  # before
    assert see(grant(end=dt.timedelta(0))) == (PUBLIC, GOVERNMENT)  # the end is exclusive
    assert see(grant(end=dt.timedelta(seconds=-1))) == (PUBLIC, GOVERNMENT)  # after
    assert see(grant(revoked=dt.timedelta(seconds=-1))) == (PUBLIC, GOVERNMENT)
    assert see(grant(revoked=dt.timedelta(hours=1))) == (PUBLIC, GOVERNMENT, AUTHORISED)


def test_consent_to_another_grantee_or_of_another_class_opens_nothing() -> None:
    assert see(grant(grantee=OTHER)) == (PUBLIC, GOVERNMENT)
    assert see(grant(scope=(GOVERNMENT,))) == (PUBLIC, GOVERNMENT)
    assert see(grant(scope=(ID_NUMBER,))) == (PUBLIC, GOVERNMENT)


def test_organisation_grantee_sees_exactly_the_scope() -> None:
    bank = "org-bank"
    only_authorised = access(
        government=False,
        self_query=False,
        grantee_ids=(bank,),
        grants=[grant(grantee=bank)],
        now=NOW,
    )
    assert only_authorised.classes == (PUBLIC, AUTHORISED)
    assert not only_authorised.id_number and not only_authorised.history
    assert only_authorised.consent_for([AUTHORISED]) == ["c1"]
    government_too = access(
        government=False,
        self_query=False,
        grantee_ids=(bank,),
        grants=[grant((GOVERNMENT,), bank, id="c2")],
        now=NOW,
    )
    assert government_too.classes == (PUBLIC, GOVERNMENT)
    assert government_too.id_number and government_too.consent_for([ID_NUMBER]) == ["c2"]
    number_only = access(
        government=False,
        self_query=False,
        grantee_ids=(bank,),
        grants=[grant((ID_NUMBER,), bank, id="c3")],
        now=NOW,
    )
    assert number_only.classes == (PUBLIC,) and number_only.id_number


def test_the_consent_used_is_recorded_and_the_role_needs_none() -> None:
    a = access(
        government=True,
        self_query=False,
        grantee_ids=(DEPT,),
        grants=[
            grant((GOVERNMENT, AUTHORISED, ID_NUMBER), id="c9"),
            grant(id="c8", start=dt.timedelta(days=-2)),
        ],
        now=NOW,
    )
    assert a.consent_for([AUTHORISED]) == ["c8"]  # the older consent in force is the one used
    assert a.consent_for([GOVERNMENT, ID_NUMBER]) == []  # the role suffices
    assert a.id_number and a.history


def test_in_force_boundaries() -> None:
    g = grant(start=dt.timedelta(0), end=dt.timedelta(seconds=1))
    assert in_force(g, NOW) and not in_force(g, NOW + dt.timedelta(seconds=1))
    assert not in_force(g, NOW - dt.timedelta(microseconds=1))
