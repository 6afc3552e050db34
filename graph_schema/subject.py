"""信息主体: organisations and natural persons, and the roles between them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from graph_schema.credit_check import assemble_subject_check, subject_check_cypher
from graph_schema.enums import (
    EntryStatus,
    ListKind,
    MatterType,
    OrganizationType,
    RecordCategory,
    RoleKind,
    SubjectKind,
)
from graph_schema.fields import (
    Assembled,
    Expr,
    Related,
    Scope,
    computed,
    guarded,
    meta,
    node,
    prop,
    reads,
    related,
)
from graph_schema.identifiers import mask_id_number_cypher
from graph_schema.rules.disclosure import GOVERNMENT, ID_NUMBER
from graph_schema.rules.validity import status_on_cypher
from graph_schema.scalars import Date

if TYPE_CHECKING:
    from graph_schema.credit_check import CreditCheck
    from graph_schema.jurisdiction import Jurisdiction
    from graph_schema.list_entry import CreditRecord, ListEntry

ListEntryRef = Annotated["ListEntry", strawberry.lazy("graph_schema.list_entry")]
CreditRecordRef = Annotated["CreditRecord", strawberry.lazy("graph_schema.list_entry")]
CreditCheckRef = Annotated["CreditCheck", strawberry.lazy("graph_schema.credit_check")]
JurisdictionRef = Annotated["Jurisdiction", strawberry.lazy("graph_schema.jurisdiction")]


def _day(s: Scope) -> str:
    return f"coalesce({s.arg('asOf')}, $today)"


def _entries_where(s: Scope, m: str) -> str:
    """管理办法 第二十七条, 实施办法 第十九条: outside government (and the subject itself)
    only what is in force today."""
    day, on = s.bound("asOf", _day(s)), s.bound("status", "null")
    status, kind = s.arg("status"), s.arg("kind")
    return (
        f"{on} IS NOT NULL AND ({kind} IS NULL OR {m}.kind = {kind}) "
        f"AND ({status} IS NULL OR {on} = {status}) "
        f"AND ({s.history(s.node)} OR ({day} = $today AND coalesce({status}, 'ACTIVE') "
        f"= 'ACTIVE' AND {on} = 'ACTIVE'))"
    )


LIST_ENTRIES = Related(
    match=lambda s, m: f"MATCH ({s.node})<-[:CONCERNS]-({m}:ListEntry)",
    where=_entries_where,
    order=lambda s, m: f"{m}.recognisedOn DESC, {m}.id",
    audit="listEntries",
    binds=(("asOf", _day),),
    locals=(("status", lambda s, m: status_on_cypher(m, s.bound("asOf", _day(s)))),),
)


def _records_where(s: Scope, m: str) -> str:
    """管理办法 第二十七条: expired information is not published."""
    day, category = _day(s), s.arg("category")
    current = f"(coalesce({s.arg('currentOnly')}, false) OR NOT {s.history(s.node)})"
    return (
        f"({s.history(s.node)} OR {day} = $today) "
        f"AND ({category} IS NULL OR {m}.category = {category}) AND {m}.recordedOn <= {day} "
        f"AND (NOT {current} OR {m}.validUntil IS NULL OR {day} <= {m}.validUntil)"
    )


CREDIT_RECORDS = Related(
    match=lambda s, m: f"MATCH ({s.node})<-[:CONCERNS]-({m}:CreditRecord)",
    where=_records_where,
    order=lambda s, m: f"{m}.recordedOn DESC, {m}.id",
    audit="creditRecords",
)


def _roles_where(s: Scope, m: str) -> str:
    """A role is in force on a date from its start through its end, both inclusive."""
    kinds, day = s.arg("kind"), s.arg("asOf")
    return (
        f"({kinds} IS NULL OR {m}.kind IN {kinds}) AND ({day} IS NULL OR "
        f"({m}.start <= {day} AND ({m}.end IS NULL OR {day} <= {m}.end)))"
    )


ROLES = Related(
    match=lambda s, m: f"MATCH ({s.node})-[{m}:HOLDS_ROLE]-(:Subject)",
    where=_roles_where,
    order=lambda s, m: f"{m}.start DESC, {m}.kind, startNode({m}).id, endNode({m}).id",
)


def _legal_representative_where(s: Scope, m: str) -> str:
    day = s.bound("asOf", _day(s))
    return (
        f"{m}r.kind = 'LEGAL_REPRESENTATIVE' AND {m}r.start <= {day} "
        f"AND ({m}r.end IS NULL OR {day} <= {m}r.end)"
    )


LEGAL_REPRESENTATIVE = Related(
    match=lambda s, m: f"MATCH ({s.node})<-[{m}r:HOLDS_ROLE]-({m}:Person)",
    where=_legal_representative_where,
    order=lambda s, m: f"{m}r.start DESC, {m}.id",
    binds=(("asOf", _day),),
)


def _constant(value: str) -> Expr:
    return Expr(cypher=lambda s: repr(value))


@strawberry.interface(description="信息主体: an organisation or a natural person.")
class Subject:
    id: strawberry.ID = prop("id", description="Internal stable id.")
    name: str = prop(
        "name", public=True, description="名称 of an organisation, 姓名 of a natural person."
    )
    kind: SubjectKind = strawberry.field(
        description="Organisation or natural person.",
        metadata=meta(
            Expr(
                public=True,
                cypher=lambda s: (
                    f"CASE WHEN {s.node}:Organization THEN 'ORGANIZATION' ELSE 'PERSON' END"
                ),
            )
        ),
    )
    status: str | None = prop(
        "status", description="登记状态 as the source recorded it (e.g. 存续, 注销); free text."
    )

    @reads(
        LIST_ENTRIES,
        description="Red and black list entries recognised by `asOf` "
        "(default today), with their status on that date.",
    )
    def list_entries(
        self,
        kind: Annotated[
            ListKind | None, strawberry.argument(description="Only this list; null: both.")
        ] = None,
        status: Annotated[
            EntryStatus | None,
            strawberry.argument(
                description="Only entries with this status on `asOf`; null: any. Outside "
                "government and the subject itself, only ACTIVE entries today are shown "
                "(管理办法 第二十七条)."
            ),
        ] = None,
        as_of: Annotated[
            Date | None,
            strawberry.argument(
                description="The date to read the entries and their status on (default today, "
                "Asia/Shanghai); entries recognised later are left out. Other dates answer "
                "only government users and the subject itself."
            ),
        ] = None,
    ) -> list[ListEntryRef]: ...

    @reads(CREDIT_RECORDS, description="Credit records (管理办法 第九条) made by `asOf`.")
    def credit_records(
        self,
        category: Annotated[
            RecordCategory | None,
            strawberry.argument(description="Only this category; null: all."),
        ] = None,
        as_of: Annotated[
            Date | None,
            strawberry.argument(
                description="Records made on or before this date (default today). Other dates "
                "answer only government users and the subject itself."
            ),
        ] = None,
        current_only: Annotated[
            bool,
            strawberry.argument(
                description="Only records still valid on `asOf`. Always so outside government "
                "and the subject itself (管理办法 第二十七条)."
            ),
        ] = False,
    ) -> list[CreditRecordRef]: ...

    @reads(
        Assembled(cypher=subject_check_cypher, assemble=assemble_subject_check),
        description="Screen this subject for a matter, exactly as the root `creditCheck` "
        "does (same roles, purpose, withheld details and register): how a router joins an "
        "applicant held by another subgraph to its credit status. Checks of many subjects "
        "in one request share one query.",
    )
    def credit_check(
        self,
        matter: Annotated[
            MatterType, strawberry.argument(description="What the approval is deciding on.")
        ],
        as_of: Annotated[
            Date | None,
            strawberry.argument(description="The date to check on (default today)."),
        ] = None,
    ) -> CreditCheckRef: ...

    @reads(
        ROLES,
        description="Roles in both directions: a person's posts, an organisation's "
        "officers. With `asOf`, only roles held on that date.",
    )
    def roles(
        self,
        kind: Annotated[
            list[RoleKind] | None,
            strawberry.argument(description="Only posts of these kinds; null: all."),
        ] = None,
        as_of: Annotated[
            Date | None,
            strawberry.argument(
                description="Only roles held on this date (start and end inclusive); null: "
                "every role, past and present."
            ),
        ] = None,
    ) -> list[Role]: ...


@node("Organization")
@strawberry.federation.type(
    keys=["uscc", "id"], description="法人或非法人组织, keyed by its unified social credit code."
)
class Organization(Subject):
    uscc: str = prop("uscc", public=True, description="统一社会信用代码 (GB 32100).")
    org_type: OrganizationType | None = prop(
        "orgType", public=True, description="法人 or 非法人组织."
    )
    nature: str | None = prop("nature", public=True, description="单位性质.")
    address: str | None = prop("address", public=True, description="注册地址.")
    established_on: Date | None = prop(
        "establishedOn", public=True, description="成立日期: the date of establishment."
    )
    jurisdiction: JurisdictionRef | None = related(
        public=True,
        match=lambda s, m: f"MATCH ({m}:Jurisdiction {{code: {s.node}.jurisdictionCode}})",
        description="The jurisdiction the organisation belongs to.",
    )

    @reads(LEGAL_REPRESENTATIVE, description="法定代表人 on `asOf` (default today).")
    def legal_representative(
        self,
        as_of: Annotated[
            Date | None,
            strawberry.argument(description="The date the post is held on (default today)."),
        ] = None,
    ) -> Person | None: ...


ID_NUMBER_REFUSED = (
    "the full ID number is government-shared information (管理办法 第十八条): use idNumberMasked"
)


@node("Person")
@strawberry.federation.type(
    keys=["id"],
    description="自然人. Found by citizen ID number, "
    "keyed across subgraphs by internal id only: the ID number is "
    "government-shared and never travels as a key.",
)
class Person(Subject):
    sex: str | None = prop(
        "sex", public=True, description="性别: MALE or FEMALE, from the ID number (GB 11643)."
    )
    work_unit: str | None = prop("workUnit", public=True, description="工作单位.")
    id_number: str | None = guarded(
        lambda s: f"{s.node}.idNumber",
        guard=lambda s: s.id_number_visible(s.node),
        disclosure=GOVERNMENT,
        operation="Person.idNumber",
        consent_item=ID_NUMBER,
        message=ID_NUMBER_REFUSED,
        description="公民身份号码 (GB 11643), government-shared: "
        "needs a government role (or the person itself, or its consent) and a purpose; every "
        "read is registered.",
    )
    id_number_masked: str = computed(
        lambda s: mask_id_number_cypher(f"{s.node}.idNumber"),
        public=True,
        description="The published form (实施办法 第八条): region only, never the birth date.",
    )


@strawberry.type(description="A post held by a person in an organisation, from start to end.")
class Role:
    id: strawberry.ID = prop("id", description="The role's id.")
    kind: RoleKind = prop("kind", description="The post.")
    start: Date = prop("start", description="First day in post.")
    end: Date | None = prop("end", description="Last day in post, inclusive; null while held.")
    person: Person = related(
        lambda s, m: f"WITH startNode({s.node}) AS {m}", description="The person holding it."
    )
    organization: Organization = related(
        lambda s, m: f"WITH endNode({s.node}) AS {m}", description="The organisation it is in."
    )
