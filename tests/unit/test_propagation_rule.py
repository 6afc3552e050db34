import datetime as dt

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
    assert set(PROPAGATING_ROLES) == {"LEGAL_REPRESENTATIVE", "PRINCIPAL_RESPONSIBLE",
                                      "DIRECTLY_RESPONSIBLE"}
