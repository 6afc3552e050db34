"""The decision a credit check returns to an approval system (行政审批 and others).

Pure: the hits (entries in force on the date, direct and derived) and the measures
that apply to the matter go in; the decision and the measures it rests on come out.

- 实施办法 第十四条 and 第十三条: a measure for the matter, of the hit's list kind,
  decides the effect: BLOCK or REVIEW for punishments, GREEN_CHANNEL for incentives.
- 管理办法 第二十六条, 实施办法 第十四条（十三）: a derived hit (a responsible person of a
  seriously dishonest organisation) triggers only the measures aimed at such persons.
- 实施办法 第四条: a black entry outweighs a red one: no incentive while a black hit stands.
- A black entry in force with no measure for the matter still goes to REVIEW: the
  officer must see it. Red hits without an incentive for the matter are CLEAR.
- Related-party flags are information only and never change the decision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SEVERITY_RANK = {"GENERAL": 1, "MAJOR": 2, "SERIOUS": 3, "UNSTATED": 0}
EFFECT_RANK = {"BLOCK": 3, "REVIEW": 2, "GREEN_CHANNEL": 1}


@dataclass(frozen=True, slots=True)
class Measure:
    id: str
    name: str
    kind: str
    list: str
    effect: str
    targets: tuple[str, ...]
    subject_kinds: tuple[str, ...] | None
    min_severity: str | None
    basis: tuple[str, ...]

    @classmethod
    def from_map(cls, m: Mapping[str, Any]) -> Measure:
        kinds = m.get("subjectKinds")
        return cls(
            m["id"],
            m["name"],
            m["kind"],
            m["list"],
            m["effect"],
            tuple(m["targets"]),
            tuple(kinds) if kinds else None,
            m.get("minSeverity"),
            tuple(m["basis"]),
        )


@dataclass(slots=True)
class Outcome:
    decision: str
    applied: list[tuple[Measure, list[str]]] = field(default_factory=list)
    outweighed: set[str] = field(default_factory=set)


def applies(measure: Measure, hit: Mapping[str, Any], subject_kind: str) -> bool:
    """Does ``measure`` follow from ``hit`` for a subject of ``subject_kind``?"""
    if measure.list != hit["kind"]:
        return False
    target = "RESPONSIBLE_PERSON" if hit.get("derived") else "SUBJECT"
    if target not in measure.targets:
        return False
    if measure.subject_kinds is not None and subject_kind not in measure.subject_kinds:
        return False
    if measure.min_severity is not None:
        severity = hit.get("severity") or "UNSTATED"
        return SEVERITY_RANK[severity] >= SEVERITY_RANK[measure.min_severity]
    return True


# What a subject without hits gets (most subjects screened).
WITHOUT_HITS = "CLEAR"


def decide(
    hits: Sequence[Mapping[str, Any]], measures: Sequence[Measure], subject_kind: str
) -> Outcome:
    if not hits:
        return Outcome(WITHOUT_HITS)
    black = [h for h in hits if h["kind"] == "BLACK"]
    red = [h for h in hits if h["kind"] == "RED"]
    if black:
        outcome = Outcome("REVIEW", outweighed={h["id"] for h in red})
        considered = black
    elif red:
        outcome = Outcome("CLEAR")
        considered = red
    else:
        return Outcome("CLEAR")
    best = 0
    for measure in measures:
        because = [h["id"] for h in considered if applies(measure, h, subject_kind)]
        if because:
            outcome.applied.append((measure, because))
            best = max(best, EFFECT_RANK[measure.effect])
    if best == EFFECT_RANK["BLOCK"]:
        outcome.decision = "BLOCK"
    elif best == EFFECT_RANK["GREEN_CHANNEL"] and not black:
        outcome.decision = "GREEN_CHANNEL"
    return outcome
