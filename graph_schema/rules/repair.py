"""Credit repair eligibility (信用修复), every rule with its article and its verdict.

管理办法 第三十一条 sets the conditions and the seven exclusions; 实施办法 第十八条 adds,
for leaving a black list, a clean period after correction: 6 months for a first
listing, 12 months otherwise. Pure: the caller gathers the subject's history.

Readings chosen where the text is open:
- "公示期满3个月" counts from the recognition date (entries are published when recognised).
- "自纠正之日起，1年内未再发生同类失信行为" and 第十八条's "其后6/12个月内" are checked
  over the part of the window that has passed by the application date; the
  6/12-month clean period must have fully elapsed (it is a condition of leaving).
- Exclusion 1 counts the subject's other black entries (direct and derived) recognised
  in the year before the application.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from graph_schema.rules.validity import add_years


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later; the month's last day when it has no such day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


@dataclass(frozen=True)
class PastEntry:
    id: str
    kind: str  # RED | BLACK
    severity: str
    category: str | None
    recognised_on: dt.date


@dataclass(frozen=True)
class PastRepair:
    entry_id: str
    category: str | None
    repaired_on: dt.date


@dataclass(frozen=True)
class RepairCase:
    entry: PastEntry
    valid_until: dt.date | None
    ended_on: dt.date | None
    applied_on: dt.date
    corrected_on: dt.date | None
    committed: bool  # 第三十一条（三）: a credit-management commitment was made
    other_entries: Sequence[PastEntry] = ()
    repairs: Sequence[PastRepair] = ()
    bankrupt: bool = False
    ignored_reminders: Sequence[str] = ()  # recorded by departments, with their reasons
    other_exclusions: Sequence[str] = ()


@dataclass(frozen=True)
class RuleResult:
    rule: str
    article: str
    passed: bool
    detail: str


@dataclass
class Eligibility:
    eligible: bool
    rules: list[RuleResult] = field(default_factory=list)


def in_bankruptcy(registration_status: str | None, recorded: bool = False) -> bool:
    """管理办法 第三十一条（二）2: no repair for "企业已进入破产程序".

    The article names the exclusion but not how it is known. This reading takes it from
    a BANKRUPTCY exclusion a department recorded, or from the registration status
    (登记状态) when it names 破产 (破产清算, 破产重整, 破产和解 …); neither the 管理办法
    nor the other documents of 004 say which status values mean the procedure has begun.
    """
    return recorded or "破产" in (registration_status or "")


def _rule(rules: list[RuleResult], rule: str, article: str, passed: bool, detail: str) -> None:
    rules.append(RuleResult(rule, article, passed, detail))


def eligibility(case: RepairCase) -> Eligibility:
    rules: list[RuleResult] = []
    on, entry = case.applied_on, case.entry
    in_force = (
        entry.recognised_on <= on
        and (case.valid_until is None or on <= case.valid_until)
        and (case.ended_on is None or on < case.ended_on)
    )
    _rule(
        rules,
        "IN_FORCE",
        "管理办法 第三十一条",
        in_force,
        "the entry is within its period of use"
        if in_force
        else "repair applies only to an entry within its period of use",
    )
    published = add_months(entry.recognised_on, 3)
    _rule(
        rules,
        "PUBLICITY_3_MONTHS",
        "管理办法 第三十一条（一）",
        on >= published,
        f"published since {entry.recognised_on}; three months end {published}",
    )
    corrected = case.corrected_on is not None and case.corrected_on <= on
    _rule(
        rules,
        "CORRECTED",
        "管理办法 第三十一条（一）",
        corrected,
        f"corrected on {case.corrected_on}" if corrected else "no correction on record",
    )
    if corrected:
        assert case.corrected_on is not None
        until = min(on, add_years(case.corrected_on, 1))
        same = [
            e
            for e in case.other_entries
            if e.kind == "BLACK"
            and e.category == entry.category
            and case.corrected_on <= e.recognised_on <= until
        ]
        _rule(
            rules,
            "NO_SAME_KIND_AFTER_CORRECTION",
            "管理办法 第三十一条（一）",
            not same,
            "no dishonesty of the same kind since the correction"
            if not same
            else f"same kind again: {', '.join(e.id for e in same)}",
        )
        if entry.kind == "BLACK":
            first = not any(
                e.kind == "BLACK" and e.recognised_on < entry.recognised_on
                for e in case.other_entries
            )
            months = 6 if first else 12
            clean_until = add_months(case.corrected_on, months)
            serious = [
                e
                for e in case.other_entries
                if e.kind == "BLACK"
                and e.severity == "SERIOUS"
                and case.corrected_on <= e.recognised_on <= min(on, clean_until)
            ]
            ok = on >= clean_until and not serious
            _rule(
                rules,
                "CLEAN_PERIOD",
                f"实施办法 第十八条（{'一' if first else '二'}）",
                ok,
                f"{'first' if first else 'repeated'} listing: {months} months without serious "
                f"dishonesty after {case.corrected_on} (until {clean_until})"
                + (f"; serious again: {', '.join(e.id for e in serious)}" if serious else ""),
            )
    year_ago = add_years(on, -1)
    recent = [
        e for e in case.other_entries if e.kind == "BLACK" and year_ago < e.recognised_on <= on
    ]
    serious = [e for e in recent if e.severity == "SERIOUS"]
    major = [e for e in recent if e.severity == "MAJOR"]
    _rule(
        rules,
        "EXCLUSION_1_RECENT_DISHONESTY",
        "管理办法 第三十一条（二）1",
        not serious and len(major) < 3,
        f"in the year before: {len(serious)} serious, {len(major)} major",
    )
    _rule(
        rules,
        "EXCLUSION_2_BANKRUPTCY",
        "管理办法 第三十一条（二）2",
        not case.bankrupt,
        "in bankruptcy proceedings" if case.bankrupt else "not in bankruptcy proceedings",
    )
    last = max((r.repaired_on for r in case.repairs), default=None)
    _rule(
        rules,
        "EXCLUSION_3_REPAIR_WITHIN_A_YEAR",
        "管理办法 第三十一条（二）3",
        last is None or last <= year_ago,
        f"last repair {last}" if last else "no earlier repair",
    )
    five_years_ago = add_years(on, -5)
    within_five = [r for r in case.repairs if r.repaired_on > five_years_ago]
    _rule(
        rules,
        "EXCLUSION_4_TWO_REPAIRS_IN_FIVE_YEARS",
        "管理办法 第三十一条（二）4",
        len(within_five) < 2,
        f"{len(within_five)} repair(s) in five years",
    )
    same_kind = [r for r in within_five if r.category == entry.category]
    _rule(
        rules,
        "EXCLUSION_5_SAME_KIND_REPAIRED",
        "管理办法 第三十一条（二）5",
        not same_kind,
        "this kind was repaired within five years"
        if same_kind
        else "this kind not repaired within five years",
    )
    _rule(
        rules,
        "EXCLUSION_6_IGNORED_REMINDERS",
        "管理办法 第三十一条（二）6",
        not case.ignored_reminders,
        "; ".join(case.ignored_reminders) or "none recorded",
    )
    _rule(
        rules,
        "EXCLUSION_7_OTHER",
        "管理办法 第三十一条（二）7",
        not case.other_exclusions,
        "; ".join(case.other_exclusions) or "none recorded",
    )
    _rule(
        rules,
        "COMMITMENT",
        "管理办法 第三十一条（三）",
        case.committed,
        "credit commitment made" if case.committed else "no credit commitment",
    )
    return Eligibility(all(r.passed for r in rules), rules)
