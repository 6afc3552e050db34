"""The objection procedure's transitions (实施办法 第十六条–第十七条,
管理办法 第二十九条–第三十条)."""

import pytest

from gateway.base.errors import Conflict
from graph_schema.rules.objection import TRANSITIONS, appeal, transition


def test_each_step_has_its_statutory_deadline() -> None:
    assert transition("REVIEW", "FORWARD_FOR_VERIFICATION").days == 5
    assert transition("VERIFICATION", "ERROR_CONFIRMED").days == 3
    assert transition("APPEAL", "OVERTURNED").next_step == "CORRECTION"


def test_closing_outcomes_close() -> None:
    closing = {k for k, t in TRANSITIONS.items() if t.close}
    assert closing == {
        ("REVIEW", "REJECTED"),
        ("VERIFICATION", "MAINTAINED"),
        ("CORRECTION", "CORRECTED"),
        ("APPEAL", "UPHELD"),
    }


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        ("CLOSED", "REJECTED"),
        ("REVIEW", "CORRECTED"),
        ("VERIFICATION", "UPHELD"),
        ("CORRECTION", "MAINTAINED"),
    ],
)
def test_out_of_order_steps_are_refused(status: str, outcome: str) -> None:
    with pytest.raises(Conflict):
        transition(status, outcome)


@pytest.mark.parametrize("outcome", ["REJECTED", "MAINTAINED", "UPHELD"])
def test_an_outcome_against_the_subject_may_be_appealed(outcome: str) -> None:
    appeal("CLOSED", outcome)  # 实施办法 第十七条: no Conflict


@pytest.mark.parametrize(
    ("status", "outcome"), [("CLOSED", "CORRECTED"), ("REVIEW", None), ("APPEAL", "REJECTED")]
)
def test_an_open_or_corrected_objection_cannot_be_appealed(
    status: str, outcome: str | None
) -> None:
    with pytest.raises(Conflict) as refused:
        appeal(status, outcome)
    assert refused.value.details == {"status": status}
