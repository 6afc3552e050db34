"""Objections (异议), credit repair (信用修复) and an entry's history, as GraphQL types.

Objections, their steps and an entry's versions are graph data: each field declares how
it is read (``graph_schema/fields.py``), so a read root field answers them with one
compiled query; the mutations return plain dicts keyed by the same field names. Repair
eligibility and applications carry the repair rules' verdicts (computed, or stored as
JSON): plain dicts only.
"""

from __future__ import annotations

from enum import Enum

import strawberry

from graph_schema.fields import Expr, Related, Scope, computed, meta, node, prop
from graph_schema.scalars import Date


@strawberry.enum(description="管理办法 第二十八条: the grounds of an objection.")
class ObjectionGround(Enum):
    WRONG_OR_MISSING_FACTS = "WRONG_OR_MISSING_FACTS"  # （一）与事实不符、记载错误或遗漏
    FORBIDDEN_INFORMATION = "FORBIDDEN_INFORMATION"  # （二）归集了第十四条禁止归集的信息
    BEYOND_VALIDITY = "BEYOND_VALIDITY"  # （三）失信信息超期限使用


@strawberry.enum(description="The credit centre's review (管理办法 第二十九条).")
class ReviewOutcome(Enum):
    REJECTED = "REJECTED"  # the objection is unfounded
    FORWARD_FOR_VERIFICATION = "FORWARD_FOR_VERIFICATION"  # the providing unit verifies
    ERROR_CONFIRMED = "ERROR_CONFIRMED"  # clear from the record: correct it


@strawberry.enum(description="Recorded reasons repair is refused (管理办法 第三十一条（二）).")
class ExclusionKind(Enum):
    BANKRUPTCY = "BANKRUPTCY"  # 2. 企业已进入破产程序
    IGNORED_REMINDER = "IGNORED_REMINDER"  # 6. 接到信用提醒后无故不纠正
    OTHER = "OTHER"  # 7. 有关部门认定的其他情形


@strawberry.input(description="A correction: the fields that change (others stay).")
class EntryCorrection:
    facts: str | None = None
    basis: str | None = None
    category: str | None = None
    severity: str | None = strawberry.field(
        default=None, description="GENERAL, MAJOR, SERIOUS or UNSTATED"
    )
    valid_until: Date | None = None
    revoke: bool = strawberry.field(
        default=False,
        description="The entry was wrong as a whole: revoke it (its history is kept).",
    )


def _overdue(s: Scope) -> str:
    """Open past its due date, on the date the objection is read on (today unless the
    root field bound another)."""
    return (
        f"({s.node}.closedOn IS NULL AND {s.node}.dueOn IS NOT NULL "
        f"AND {s.node}.dueOn < {s.bound('asOf', '$today')})"
    )


@node("ObjectionStep")
@strawberry.type(
    description="One step of an objection: review (10 working days), "
    "verification (5), correction (3), appeal."
)
class ObjectionStep:
    id: strawberry.ID = prop("id")
    kind: str = prop("kind")
    opened_on: Date = prop("openedOn")
    due_on: Date | None = prop("dueOn")
    due_provisional: bool | None = prop(
        "dueProvisional",
        description="The due date crosses a year whose holidays are not yet announced.",
    )
    closed_on: Date | None = prop("closedOn")
    overdue: bool = strawberry.field(metadata=meta(Expr(cypher=_overdue)))
    actor: str | None = prop("actor")
    outcome: str | None = prop("outcome")
    note: str | None = prop("note")


def _steps(open_only: bool) -> Related:
    """An objection's steps in order; the day they are read on passes down to them."""
    return Related(
        match=lambda s, m: f"MATCH ({s.node})-[:HAS_STEP]->({m}:ObjectionStep)",
        where=(lambda s, m: f"{m}.closedOn IS NULL") if open_only else None,
        order=lambda s, m: f"{m}.seq",
        binds=(("asOf", lambda s: s.bound("asOf", "$today")),),
    )


def _entry_id(s: Scope) -> str:
    x = s.var("x")
    return f"head(COLLECT {{ MATCH ({s.node})-[:AGAINST]->({x}:ListEntry) RETURN {x}.id }})"


@node("Objection")
@strawberry.type(
    description="An objection against a list entry (异议, 实施办法 第十五条–第十七条)."
)
class Objection:
    id: strawberry.ID = prop("id")
    entry_id: strawberry.ID = computed(_entry_id)
    ground: ObjectionGround = prop("ground")
    statement: str = prop("statement")
    evidence: list[str] = prop("evidence", default="[]")
    filed_on: Date = prop("filedOn")
    filed_by: str = prop("filedBy")
    status: str = prop("status")
    outcome: str | None = prop("outcome")
    closed_on: Date | None = prop("closedOn")
    current_step: ObjectionStep | None = strawberry.field(metadata=meta(_steps(open_only=True)))
    steps: list[ObjectionStep] = strawberry.field(metadata=meta(_steps(open_only=False)))


def iso_datetime_cypher(value: str) -> str:
    """A stored DateTime as neo4j's ``DateTime.iso_format()`` prints it (nanoseconds, the
    offset as ``+00:00``), or '' when there is none."""
    two = [f"right('0' + toString({value}.{part}), 2)" for part in ("hour", "minute", "second")]
    return (
        f"CASE WHEN {value} IS NULL THEN '' ELSE toString(date({value})) + 'T' + "
        f"{two[0]} + ':' + {two[1]} + ':' + {two[2]} + '.' + "
        f"right('00000000' + toString({value}.nanosecond), 9) + "
        f"CASE {value}.offset WHEN 'Z' THEN '+00:00' ELSE {value}.offset END END"
    )


@node("Version")
@strawberry.type(description="One version of an entry: its state after a change.")
class EntryVersion:
    version: int = prop("version")
    change: str = prop("versionChange")
    at: str = computed(lambda s: iso_datetime_cypher(f"{s.node}.versionAt"))
    actor: str | None = prop("versionActor")
    reason: str | None = prop("versionReason")
    status: str | None = prop("status")
    severity: str | None = prop("severity")
    facts: str | None = prop("facts")
    valid_until: Date | None = prop("validUntil")
    ended_on: Date | None = prop("endedOn")


@strawberry.type(description="A rule the repair check applied, with its article and verdict.")
class RepairRule:
    rule: str
    article: str
    passed: bool
    detail: str


@strawberry.type(description="Credit repair eligibility (管理办法 第三十一条, 实施办法 第十八条).")
class RepairEligibility:
    entry_id: strawberry.ID
    eligible: bool
    rules: list[RepairRule]


@strawberry.type(
    description="A credit repair application and its procedure "
    "(管理办法 第三十二条, 实施办法 第十九条)."
)
class RepairApplication:
    id: strawberry.ID
    entry_id: strawberry.ID
    status: str
    applied_on: Date
    corrected_on: Date | None
    committed: bool
    opinion: str | None
    opinion_on: Date | None
    publicity_ends_on: Date | None
    publicity_provisional: bool | None
    publicity_objection: str | None
    accepted_on: Date | None
    rules: list[RepairRule]
