"""The repair procedure's steps by status (管理办法 第三十二条, 实施办法 第十九条)."""

import datetime as dt

import pytest

from gateway.base.errors import Conflict
from graph_schema.rules import repair_steps as rule

ENDS = dt.date(2026, 11, 17)  # the last day of publicity


def test_an_opinion_is_given_on_a_new_application_only() -> None:
    rule.opinion("APPLIED")
    for status in ("PUBLICITY", "REJECTED", "ACCEPTED"):
        with pytest.raises(Conflict, match=f"the application is {status}"):
            rule.opinion(status)


def test_publicity_objections_are_raised_during_publicity_only() -> None:
    rule.publicity_objection("PUBLICITY", ENDS, ENDS)  # its last day still counts
    with pytest.raises(Conflict):
        rule.publicity_objection("PUBLICITY", ENDS, ENDS + dt.timedelta(days=1))
    with pytest.raises(Conflict):
        rule.publicity_objection("APPLIED", None, ENDS)


def test_only_an_objection_under_way_is_resolved() -> None:
    rule.resolution("PUBLICITY_OBJECTION")
    with pytest.raises(Conflict, match="the application is PUBLICITY"):
        rule.resolution("PUBLICITY")


def test_acceptance_follows_publicity_that_has_ended_without_objection() -> None:
    rule.acceptance("PUBLICITY", ENDS, ENDS + dt.timedelta(days=1))
    for status, on in (
        ("PUBLICITY", ENDS),
        ("PUBLICITY_OBJECTION", ENDS + dt.timedelta(days=3)),
        ("ACCEPTED", ENDS + dt.timedelta(days=3)),
    ):
        with pytest.raises(Conflict) as refused:
            rule.acceptance(status, ENDS, on)
        assert refused.value.details == {"status": status}
