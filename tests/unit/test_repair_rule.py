"""管理办法 第三十一条 and 实施办法 第十八条: each condition and each exclusion on its own."""

import datetime as dt
from dataclasses import replace

import pytest

from graph_schema.rules.repair import (
    PastEntry,
    PastRepair,
    RepairCase,
    add_months,
    eligibility,
    in_bankruptcy,
)

D = dt.date
ENTRY = PastEntry("e1", "BLACK", "MAJOR", "拖欠农民工工资", D(2025, 1, 10))
BASE = RepairCase(
    entry=ENTRY,
    valid_until=D(2028, 1, 10),
    ended_on=None,
    applied_on=D(2026, 11, 25),
    corrected_on=D(2025, 3, 1),
    committed=True,
)


def failed(case: RepairCase) -> set[str]:
    return {r.rule for r in eligibility(case).rules if not r.passed}


def test_a_clean_case_is_eligible_and_every_rule_is_reported() -> None:
    result = eligibility(BASE)
    assert result.eligible
    assert len(result.rules) == 13 and all(r.article for r in result.rules)


def test_months_end_on_the_same_day_or_the_month_end() -> None:
    assert add_months(D(2025, 1, 10), 3) == D(2025, 4, 10)
    assert add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"applied_on": D(2025, 4, 9), "corrected_on": D(2025, 1, 20)}, "PUBLICITY_3_MONTHS"),
        ({"corrected_on": None}, "CORRECTED"),
        ({"committed": False}, "COMMITMENT"),
        ({"ended_on": D(2026, 1, 1)}, "IN_FORCE"),
        ({"valid_until": D(2026, 1, 10)}, "IN_FORCE"),
        ({"bankrupt": True}, "EXCLUSION_2_BANKRUPTCY"),
        ({"ignored_reminders": ["2026-03 约谈未到"]}, "EXCLUSION_6_IGNORED_REMINDERS"),
        ({"other_exclusions": ["县市场监管局认定不予修复"]}, "EXCLUSION_7_OTHER"),
    ],
)
def test_each_condition_on_its_own(change: dict, rule: str) -> None:
    assert rule in failed(replace(BASE, **change))


def test_exclusion_1_a_serious_or_three_major_entries_within_a_year() -> None:
    serious = PastEntry("e2", "BLACK", "SERIOUS", "其他", D(2026, 6, 1))
    assert "EXCLUSION_1_RECENT_DISHONESTY" in failed(replace(BASE, other_entries=[serious]))
    two = [PastEntry(f"m{i}", "BLACK", "MAJOR", "其他", D(2026, 2 + i, 1)) for i in range(2)]
    assert "EXCLUSION_1_RECENT_DISHONESTY" not in failed(replace(BASE, other_entries=two))
    three = two + [PastEntry("m3", "BLACK", "MAJOR", "其他", D(2026, 9, 1))]
    assert "EXCLUSION_1_RECENT_DISHONESTY" in failed(replace(BASE, other_entries=three))
    old = PastEntry("e3", "BLACK", "SERIOUS", "其他", D(2025, 11, 25))  # just over a year ago
    assert "EXCLUSION_1_RECENT_DISHONESTY" not in failed(replace(BASE, other_entries=[old]))


def test_exclusions_3_4_5_earlier_repairs() -> None:
    recent = PastRepair("x", "其他", D(2026, 3, 1))
    assert "EXCLUSION_3_REPAIR_WITHIN_A_YEAR" in failed(replace(BASE, repairs=[recent]))
    two = [PastRepair("x", "其他", D(2022, 3, 1)), PastRepair("y", "其他2", D(2024, 3, 1))]
    assert failed(replace(BASE, repairs=two)) == {"EXCLUSION_4_TWO_REPAIRS_IN_FIVE_YEARS"}
    same = [PastRepair("z", "拖欠农民工工资", D(2023, 5, 1))]
    assert failed(replace(BASE, repairs=same)) == {"EXCLUSION_5_SAME_KIND_REPAIRED"}
    long_ago = [PastRepair("z", "拖欠农民工工资", D(2021, 5, 1))]
    assert failed(replace(BASE, repairs=long_ago)) == set()


def test_same_kind_again_after_correction_fails_condition_one() -> None:
    again = PastEntry("e4", "BLACK", "GENERAL", "拖欠农民工工资", D(2025, 9, 1))
    assert "NO_SAME_KIND_AFTER_CORRECTION" in failed(replace(BASE, other_entries=[again]))


def test_article_18_clean_period_six_months_first_twelve_otherwise() -> None:
    soon = replace(BASE, applied_on=D(2025, 8, 1), corrected_on=D(2025, 2, 15))
    assert "CLEAN_PERIOD" in failed(soon)  # first listing: until 2025-08-15
    assert "CLEAN_PERIOD" not in failed(replace(soon, applied_on=D(2025, 8, 15)))
    earlier = PastEntry("e0", "BLACK", "GENERAL", "其他", D(2022, 1, 1))
    repeat = replace(
        BASE, applied_on=D(2025, 12, 1), corrected_on=D(2025, 2, 15), other_entries=[earlier]
    )
    rule = next(r for r in eligibility(repeat).rules if r.rule == "CLEAN_PERIOD")
    assert not rule.passed and rule.article == "实施办法 第十八条（二）"  # 12 months: 2026-02-15


@pytest.mark.parametrize(
    ("status", "recorded", "bankrupt"),
    [
        ("破产清算", False, True),
        ("破产重整", False, True),
        ("存续（破产和解中）", False, True),
        ("存续", False, False),
        ("注销", False, False),
        (None, False, False),
        ("", False, False),
        ("存续", True, True),  # a department recorded it (ExclusionKind.BANKRUPTCY)
        (None, True, True),
    ],
)
def test_bankruptcy_is_read_from_the_status_or_a_recorded_exclusion(
    status: str | None, recorded: bool, bankrupt: bool
) -> None:
    """管理办法 第三十一条（二）2."""
    assert in_bankruptcy(status, recorded=recorded) is bankrupt
