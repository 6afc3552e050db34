import datetime as dt

import pytest

from graph_schema.model import ListKind, Severity
from graph_schema.rules.propagation import PROPAGATING_ROLES, held_on, propagates

D = dt.date


def test_only_serious_black_on_organisations_propagates() -> None:
    assert propagates(ListKind.BLACK, Severity.SERIOUS, on_organization=True)
    assert not propagates(ListKind.BLACK, Severity.MAJOR, on_organization=True)
    assert not propagates(ListKind.BLACK, Severity.UNSTATED, on_organization=True)
    assert not propagates(ListKind.RED, Severity.SERIOUS, on_organization=True)
    assert not propagates(ListKind.BLACK, Severity.SERIOUS, on_organization=False)


def test_the_post_held_on_the_date_of_the_act_decides_both_ends_inclusive() -> None:
    act = D(2020, 3, 1)
    assert held_on(D(2020, 3, 1), None, act) and held_on(D(2010, 1, 1), D(2020, 3, 1), act)
    assert not held_on(D(2010, 1, 1), D(2020, 2, 29), act)  # left before
    assert not held_on(D(2020, 3, 2), None, act)  # joined after


def test_article_26_roles() -> None:
    assert set(PROPAGATING_ROLES) == {
        "LEGAL_REPRESENTATIVE",
        "PRINCIPAL_RESPONSIBLE",
        "DIRECTLY_RESPONSIBLE",
    }


def test_a_derived_entry_copies_what_the_declarations_mark_propagating() -> None:
    """The copy list is read from the list entry's declarations: a field declared
    ``propagates`` is copied, the entry's own identity and links are not."""
    from graph_schema.fields import Prop, declaration, fields_of
    from graph_schema.list_entry import SYNCED, ListEntry
    from graph_schema.rules.propagation import (
        SCOPES,
        propagate_initial,
        propagate_new_sources,
        propagate_statement,
    )

    declared = {
        d.name
        for f in fields_of(ListEntry).values()
        if isinstance(d := declaration(f), Prop) and d.propagates
    }
    assert {"kind", "severity", "disclosure", "facts", "validUntil", "actOn"} <= declared
    assert set(SYNCED) == declared | {"endStatus", "status"}
    assert not {"id", "derived", "derivedRoles"} & set(SYNCED)
    statements = [
        *(propagate_statement(s, SYNCED) for s in SCOPES),
        propagate_initial(SYNCED),
        propagate_new_sources(SYNCED),
    ]
    for statement in statements:
        for name in SYNCED:
            assert f"`{name}`: src.`{name}`" in statement
        assert "`id`: src." not in statement


def test_a_new_propagating_field_reaches_the_statement() -> None:
    from graph_schema.rules.propagation import propagate_statement

    assert "`riskScore`: src.`riskScore`" in propagate_statement("sources", ("kind", "riskScore"))
    with pytest.raises(ValueError):
        propagate_statement("sources", ())
