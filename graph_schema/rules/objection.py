"""The objection procedure (异议处理) as a table of transitions.

实施办法 第十六条 and 管理办法 第二十九条: the credit centre reviews within 10 working days;
the providing unit verifies within 5; a confirmed error is corrected within 3;
实施办法 第十七条 / 管理办法 第三十条: an outcome may be appealed to the credit authority.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.base.errors import Conflict

REVIEW_DAYS, VERIFY_DAYS, CORRECT_DAYS = 10, 5, 3


@dataclass(frozen=True)
class Transition:
    status: str  # the objection's status afterwards
    next_step: str | None = None  # the step opened, if any
    days: int | None = None  # its deadline in working days
    close: bool = False  # the objection is closed (the entry is no longer disputed)


# (status now, outcome) → what follows.
TRANSITIONS: dict[tuple[str, str], Transition] = {
    ("REVIEW", "REJECTED"): Transition("CLOSED", close=True),
    ("REVIEW", "FORWARD_FOR_VERIFICATION"): Transition("VERIFICATION", "VERIFICATION", VERIFY_DAYS),
    ("REVIEW", "ERROR_CONFIRMED"): Transition("CORRECTION", "CORRECTION", CORRECT_DAYS),
    ("VERIFICATION", "ERROR_CONFIRMED"): Transition("CORRECTION", "CORRECTION", CORRECT_DAYS),
    ("VERIFICATION", "MAINTAINED"): Transition("CLOSED", close=True),  # 核实无误的，维持原信息
    ("CORRECTION", "CORRECTED"): Transition("CLOSED", close=True),
    ("APPEAL", "OVERTURNED"): Transition("CORRECTION", "CORRECTION", CORRECT_DAYS),
    ("APPEAL", "UPHELD"): Transition("CLOSED", close=True),
}


def transition(status: str, outcome: str) -> Transition:
    """What ``outcome`` does to an objection at ``status``; Conflict when it cannot."""
    found = TRANSITIONS.get((status, outcome))
    if found is None:
        raise Conflict(f"an objection at {status} cannot be {outcome}", status=status)
    return found


def appeal(status: str, outcome: str | None) -> None:
    """实施办法 第十七条, 管理办法 第三十条: a closed objection whose outcome the subject did not
    get (rejected, maintained, upheld) may be appealed; Conflict otherwise."""
    if status != "CLOSED" or outcome == "CORRECTED":
        raise Conflict("only a rejected or maintained objection can be appealed", status=status)
