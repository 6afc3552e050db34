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

from graph_schema.enums import graphql_enum
from graph_schema.fields import Expr, Related, Scope, computed, meta, node, prop
from graph_schema.scalars import Date


class ObjectionGround(Enum):
    WRONG_OR_MISSING_FACTS = "WRONG_OR_MISSING_FACTS"
    FORBIDDEN_INFORMATION = "FORBIDDEN_INFORMATION"
    BEYOND_VALIDITY = "BEYOND_VALIDITY"


graphql_enum(
    ObjectionGround,
    "管理办法 第二十八条: the grounds of an objection.",
    {
        "WRONG_OR_MISSING_FACTS": "（一）与事实不符、记载错误或遗漏: the information is "
        "wrong or incomplete.",
        "FORBIDDEN_INFORMATION": "（二）归集了第十四条禁止归集的信息: information "
        "管理办法 第十四条 forbids collecting.",
        "BEYOND_VALIDITY": "（三）失信信息超期限使用: dishonesty information used beyond "
        "its validity (管理办法 第二十七条).",
    },
)


class ReviewOutcome(Enum):
    REJECTED = "REJECTED"
    FORWARD_FOR_VERIFICATION = "FORWARD_FOR_VERIFICATION"
    ERROR_CONFIRMED = "ERROR_CONFIRMED"


graphql_enum(
    ReviewOutcome,
    "The credit centre's review (管理办法 第二十九条).",
    {
        "REJECTED": "The objection is unfounded: it is closed (and may be appealed).",
        "FORWARD_FOR_VERIFICATION": "The providing unit verifies the entry (5 working days).",
        "ERROR_CONFIRMED": "The error is clear from the record: the entry is corrected "
        "(3 working days).",
    },
)


class ExclusionKind(Enum):
    BANKRUPTCY = "BANKRUPTCY"
    IGNORED_REMINDER = "IGNORED_REMINDER"
    OTHER = "OTHER"


graphql_enum(
    ExclusionKind,
    "Recorded reasons repair is refused (管理办法 第三十一条（二）).",
    {
        "BANKRUPTCY": "2. 企业已进入破产程序: the enterprise is in bankruptcy proceedings.",
        "IGNORED_REMINDER": "6. 接到信用提醒后无故不纠正: a credit reminder or interview "
        "was ignored without reason.",
        "OTHER": "7. 有关部门认定的其他情形: another case a department has recognised as "
        "barring repair.",
    },
)


@strawberry.input(description="A correction: the fields that change (others stay).")
class EntryCorrection:
    facts: str | None = strawberry.field(default=None, description="New 主要失信事实.")
    basis: str | None = strawberry.field(default=None, description="New 认定依据.")
    category: str | None = strawberry.field(
        default=None, description="New 失信行为类型 / 名单类别."
    )
    severity: str | None = strawberry.field(
        default=None, description="GENERAL, MAJOR, SERIOUS or UNSTATED"
    )
    valid_until: Date | None = strawberry.field(
        default=None, description="New 信息有效期 (移出日期), inclusive."
    )
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
    id: strawberry.ID = prop("id", description="The step's id.")
    kind: str = prop("kind", description="REVIEW, VERIFICATION, CORRECTION or APPEAL.")
    opened_on: Date = prop("openedOn", description="The day the step was opened.")
    due_on: Date | None = prop(
        "dueOn",
        description="The last day to close it, counted in working days on the official "
        "calendar (管理办法 第二十九条); null for an appeal.",
    )
    due_provisional: bool | None = prop(
        "dueProvisional",
        description="The due date crosses a year whose holidays are not yet announced.",
    )
    closed_on: Date | None = prop("closedOn", description="The day it was closed; null while open.")
    overdue: bool = strawberry.field(
        description="Still open after its due date, on the date asked about (default today).",
        metadata=meta(Expr(cypher=_overdue)),
    )
    actor: str | None = prop(
        "actor",
        description="Who closed it: the caller's token subject, as `sub@department` when it "
        "acts for a department.",
    )
    outcome: str | None = prop(
        "outcome",
        description="How it was closed: REJECTED, FORWARD_FOR_VERIFICATION, ERROR_CONFIRMED, "
        "MAINTAINED, CORRECTED, OVERTURNED or UPHELD.",
    )
    note: str | None = prop(
        "note", description="The note given with the outcome; for an appeal, its statement."
    )


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
    id: strawberry.ID = prop("id", description="The objection's id.")
    entry_id: strawberry.ID = computed(_entry_id, description="The list entry objected to.")
    ground: ObjectionGround = prop("ground", description="The ground (管理办法 第二十八条).")
    statement: str = prop("statement", description="What the subject says is wrong.")
    evidence: list[str] = prop(
        "evidence", default="[]", description="References to the supporting material."
    )
    filed_on: Date = prop("filedOn", description="The day it was filed.")
    filed_by: str = prop(
        "filedBy",
        description="Who filed it: the caller's token subject, as `sub@department` when it "
        "acts for a department.",
    )
    status: str = prop(
        "status",
        description="Where it stands: REVIEW, VERIFICATION, CORRECTION, APPEAL or CLOSED.",
    )
    outcome: str | None = prop(
        "outcome",
        description="The outcome it was last closed with (REJECTED, MAINTAINED, CORRECTED or "
        "UPHELD); null until it first closes.",
    )
    closed_on: Date | None = prop(
        "closedOn", description="The day it closed; null while open (an appeal reopens it)."
    )
    current_step: ObjectionStep | None = strawberry.field(
        description="The open step; null once closed.", metadata=meta(_steps(open_only=True))
    )
    steps: list[ObjectionStep] = strawberry.field(
        description="Every step, in order.", metadata=meta(_steps(open_only=False))
    )


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
    version: int = prop("version", description="The version number, from 1.")
    change: str = prop(
        "versionChange",
        description="What made it, e.g. RECORDED, UPDATED, CORRECTED, REVOKED, REPAIRED, "
        "EXPIRED, ARCHIVED, DISPUTED, DISPUTE_CLOSED.",
    )
    at: str = computed(
        lambda s: iso_datetime_cypher(f"{s.node}.versionAt"),
        description="When, as an ISO 8601 date-time with offset (nanoseconds).",
    )
    actor: str | None = prop("versionActor", description="Who made the change.")
    reason: str | None = prop("versionReason", description="Why, as recorded.")
    status: str | None = prop(
        "status", description="The entry's recorded status after the change (see EntryStatus)."
    )
    severity: str | None = prop("severity", description="失信严重程度 after the change.")
    facts: str | None = prop("facts", description="主要失信事实 after the change.")
    valid_until: Date | None = prop(
        "validUntil", description="信息有效期 (移出日期) after the change, inclusive."
    )
    ended_on: Date | None = prop(
        "endedOn", description="The day the entry ended (revoked or repaired), if it has."
    )


@strawberry.type(description="A rule the repair check applied, with its article and verdict.")
class RepairRule:
    rule: str = strawberry.field(
        description="The rule's name, e.g. PUBLICITY_3_MONTHS, CLEAN_PERIOD, "
        "EXCLUSION_2_BANKRUPTCY."
    )
    article: str = strawberry.field(
        description="Where it is written, e.g. 管理办法 第三十一条（一）."
    )
    passed: bool = strawberry.field(description="The entry meets it.")
    detail: str = strawberry.field(description="Why, with the dates and entries weighed.")


@strawberry.type(description="Credit repair eligibility (管理办法 第三十一条, 实施办法 第十八条).")
class RepairEligibility:
    entry_id: strawberry.ID = strawberry.field(description="The list entry asked about.")
    eligible: bool = strawberry.field(description="Every rule passed.")
    rules: list[RepairRule] = strawberry.field(description="Every rule applied, in order.")


@strawberry.type(
    description="A credit repair application and its procedure "
    "(管理办法 第三十二条, 实施办法 第十九条)."
)
class RepairApplication:
    id: strawberry.ID = strawberry.field(description="The application's id.")
    entry_id: strawberry.ID = strawberry.field(description="The list entry to be repaired.")
    status: str = strawberry.field(
        description="APPLIED, PUBLICITY, PUBLICITY_OBJECTION, REJECTED or ACCEPTED."
    )
    applied_on: Date = strawberry.field(description="The day it was filed.")
    corrected_on: Date | None = strawberry.field(
        description="The day the subject corrected the dishonest act, as stated "
        "(管理办法 第三十一条（一）)."
    )
    committed: bool = strawberry.field(
        description="The subject made a credit commitment (管理办法 第三十一条（三）)."
    )
    opinion: str | None = strawberry.field(
        description="The providing department's written opinion, with its answer to a "
        "publicity objection appended."
    )
    opinion_on: Date | None = strawberry.field(description="The day the opinion was given.")
    publicity_ends_on: Date | None = strawberry.field(
        description="Last day of the 5-working-day publicity (管理办法 第三十二条)."
    )
    publicity_provisional: bool | None = strawberry.field(
        description="The publicity end crosses a year whose holidays are not yet announced."
    )
    publicity_objection: str | None = strawberry.field(
        description="An objection raised during publicity, as stated."
    )
    accepted_on: Date | None = strawberry.field(
        description="The day the repair was accepted and the entry left the list."
    )
    rules: list[RepairRule] = strawberry.field(
        description="The eligibility rules as they stood when it was filed."
    )
