"""Objections (异议), credit repair (信用修复) and an entry's history, as GraphQL types.

Pure-data types: resolvers return plain dicts keyed by these field names.
"""

from __future__ import annotations

from enum import Enum

import strawberry

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


@strawberry.type(
    description="One step of an objection: review (10 working days), "
    "verification (5), correction (3), appeal."
)
class ObjectionStep:
    id: strawberry.ID
    kind: str
    opened_on: Date
    due_on: Date | None
    due_provisional: bool | None = strawberry.field(
        description="The due date crosses a year whose holidays are not yet announced."
    )
    closed_on: Date | None
    overdue: bool
    actor: str | None
    outcome: str | None
    note: str | None


@strawberry.type(
    description="An objection against a list entry (异议, 实施办法 第十五条–第十七条)."
)
class Objection:
    id: strawberry.ID
    entry_id: strawberry.ID
    ground: ObjectionGround
    statement: str
    evidence: list[str]
    filed_on: Date
    filed_by: str
    status: str
    outcome: str | None
    closed_on: Date | None
    current_step: ObjectionStep | None
    steps: list[ObjectionStep]


@strawberry.type(description="One version of an entry: its state after a change.")
class EntryVersion:
    version: int
    change: str
    at: str
    actor: str | None
    reason: str | None
    status: str | None
    severity: str | None
    facts: str | None
    valid_until: Date | None
    ended_on: Date | None


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
