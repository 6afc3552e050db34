"""信息主体: organisations and natural persons, and the roles between them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import Info

from gateway.context import Context, selected_fields
from gateway.errors import Forbidden
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
from graph_schema.fields import Assembled, Expr, Guarded, Related, Scope, meta, node, prop
from graph_schema.identifiers import mask_id_number, mask_id_number_cypher, normalise_uscc
from graph_schema.rules.disclosure import GOVERNMENT, ID_NUMBER
from graph_schema.rules.validity import status_on_cypher
from graph_schema.scalars import Date
from loaders.list_entry import EntryKey, RecordKey
from loaders.role import RoleKey

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
    return (f"{on} IS NOT NULL AND ({kind} IS NULL OR {m}.kind = {kind}) "
            f"AND ({status} IS NULL OR {on} = {status}) "
            f"AND ({s.history(s.node)} OR ({day} = $today AND coalesce({status}, 'ACTIVE') "
            f"= 'ACTIVE' AND {on} = 'ACTIVE'))")


LIST_ENTRIES = Related(
    match=lambda s, m: f"MATCH ({s.node})<-[:CONCERNS]-({m}:ListEntry)",
    where=_entries_where, order=lambda s, m: f"{m}.recognisedOn DESC, {m}.id",
    audit="listEntries", binds=(("asOf", _day),),
    locals=(("status", lambda s, m: status_on_cypher(m, s.bound("asOf", _day(s)))),))


def _records_where(s: Scope, m: str) -> str:
    """管理办法 第二十七条: expired information is not published."""
    day, category = _day(s), s.arg("category")
    current = f"(coalesce({s.arg('currentOnly')}, false) OR NOT {s.history(s.node)})"
    return (f"({s.history(s.node)} OR {day} = $today) "
            f"AND ({category} IS NULL OR {m}.category = {category}) AND {m}.recordedOn <= {day} "
            f"AND (NOT {current} OR {m}.validUntil IS NULL OR {day} <= {m}.validUntil)")


CREDIT_RECORDS = Related(
    match=lambda s, m: f"MATCH ({s.node})<-[:CONCERNS]-({m}:CreditRecord)",
    where=_records_where, order=lambda s, m: f"{m}.recordedOn DESC, {m}.id",
    audit="creditRecords")


def _roles_where(s: Scope, m: str) -> str:
    """A role is in force on a date from its start through its end, both inclusive."""
    kinds, day = s.arg("kind"), s.arg("asOf")
    return (f"({kinds} IS NULL OR {m}.kind IN {kinds}) AND ({day} IS NULL OR "
            f"({m}.start <= {day} AND ({m}.end IS NULL OR {day} <= {m}.end)))")


ROLES = Related(
    match=lambda s, m: f"MATCH ({s.node})-[{m}:HOLDS_ROLE]-(:Subject)",
    where=_roles_where,
    order=lambda s, m: f"{m}.start DESC, {m}.kind, startNode({m}).id, endNode({m}).id")


def _legal_representative_where(s: Scope, m: str) -> str:
    day = s.bound("asOf", _day(s))
    return (f"{m}r.kind = 'LEGAL_REPRESENTATIVE' AND {m}r.start <= {day} "
            f"AND ({m}r.end IS NULL OR {day} <= {m}r.end)")


LEGAL_REPRESENTATIVE = Related(
    match=lambda s, m: f"MATCH ({s.node})<-[{m}r:HOLDS_ROLE]-({m}:Person)",
    where=_legal_representative_where, order=lambda s, m: f"{m}r.start DESC, {m}.id",
    binds=(("asOf", _day),))


def _constant(value: str) -> Expr:
    return Expr(cypher=lambda s: repr(value))


@strawberry.interface(description="信息主体: an organisation or a natural person.")
class Subject:
    id: strawberry.ID = prop("id", description="Internal stable id.")
    name: str = prop("name", public=True)
    kind: SubjectKind = strawberry.field(metadata=meta(Expr(public=True, cypher=lambda s: (
        f"CASE WHEN {s.node}:Organization THEN 'ORGANIZATION' ELSE 'PERSON' END"))))
    status: str | None = prop("status")

    @strawberry.field(description="Red and black list entries recognised by `asOf` (default "
                      "today), with their status on that date.", metadata=meta(LIST_ENTRIES))
    async def list_entries(self, info: Info[Context, None], kind: ListKind | None = None,
                           status: EntryStatus | None = None,
                           as_of: Date | None = None) -> list[ListEntryRef]:
        from graph_schema.list_entry import ListEntry

        ctx = info.context
        access = await ctx.access(str(self.id))
        day, wanted = as_of or ctx.today, status.value if status else None
        if not access.history:
            # 管理办法 第二十七条, 实施办法 第十九条: outside government only what is in force
            if day != ctx.today or wanted not in (None, "ACTIVE"):
                return []
            wanted = "ACTIVE"
        key = EntryKey(str(self.id), kind.value if kind else None, wanted, day, access.classes)
        entries = [ListEntry.from_map(m)
                   for m in await ctx.loaders.list_entries_by_subject.load(key)]
        ctx.disclose(str(self.id), "listEntries", selected_fields(info),
                     {e.disclosure.value for e in entries})
        return entries

    @strawberry.field(description="Credit records (管理办法 第九条) made by `asOf`.",
                      metadata=meta(CREDIT_RECORDS))
    async def credit_records(self, info: Info[Context, None],
                             category: RecordCategory | None = None, as_of: Date | None = None,
                             current_only: bool = False) -> list[CreditRecordRef]:
        from graph_schema.list_entry import CreditRecord

        ctx = info.context
        access = await ctx.access(str(self.id))
        day, current = as_of or ctx.today, current_only
        if not access.history:  # 管理办法 第二十七条: expired information is not published
            if day != ctx.today:
                return []
            current = True
        key = RecordKey(str(self.id), category.value if category else None, day, current,
                        access.classes)
        records = [CreditRecord.from_map(m)
                   for m in await ctx.loaders.credit_records_by_subject.load(key)]
        ctx.disclose(str(self.id), "creditRecords", selected_fields(info),
                     {r.disclosure.value for r in records})
        return records

    @strawberry.field(description="Screen this subject for a matter, exactly as the root "
                      "`creditCheck` does (same roles, purpose, withheld details and register): "
                      "how a router joins an applicant held by another subgraph to its credit "
                      "status. Checks of many subjects in one request share one query.",
                      metadata=meta(Assembled(cypher=subject_check_cypher,
                                              assemble=assemble_subject_check)))
    async def credit_check(self, info: Info[Context, None], matter: MatterType,
                           as_of: Date | None = None) -> CreditCheckRef:
        from resolvers.credit_check import subject_credit_check  # served by it directly

        return await subject_credit_check(self, info._raw_info, matter, as_of)  # type: ignore[return-value]

    @strawberry.field(description="Roles in both directions: a person's posts, an "
                      "organisation's officers. With `asOf`, only roles held on that date.",
                      metadata=meta(ROLES))
    async def roles(self, info: Info[Context, None], kind: list[RoleKind] | None = None,
                    as_of: Date | None = None) -> list[Role]:
        key = RoleKey(str(self.id), tuple(k.value for k in kind) if kind else None, as_of)
        return [Role.from_map(m) for m in await info.context.loaders.roles_by_subject.load(key)]


@node("Organization")
@strawberry.federation.type(
    keys=["uscc", "id"], description="法人或非法人组织, keyed by its unified social credit code.")
class Organization(Subject):
    uscc: str = prop("uscc", public=True, description="统一社会信用代码 (GB 32100).")
    org_type: OrganizationType | None = prop("orgType", public=True)
    nature: str | None = prop("nature", public=True, description="单位性质.")
    address: str | None = prop("address", public=True, description="注册地址.")
    established_on: Date | None = prop("establishedOn", public=True)
    jurisdiction_code: strawberry.Private[str | None]

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], uscc: str | None = None,
                                id: strawberry.ID | None = None) -> Organization | None:
        """An organisation named by another subgraph, by USCC or internal id (batched)."""
        loaders = info.context.loaders
        if uscc is not None:
            m = await loaders.organizations_by_uscc.load(normalise_uscc(uscc))
        else:
            m = await loaders.subjects_by_id.load(str(id))
        return organization_from_map(m) if m and m.get("uscc") else None

    @strawberry.field(metadata=meta(Related(public=True, match=lambda s, m: (
        f"MATCH ({m}:Jurisdiction {{code: {s.node}.jurisdictionCode}})"))))
    async def jurisdiction(self, info: Info[Context, None]) -> JurisdictionRef | None:
        from graph_schema.jurisdiction import Jurisdiction

        if not self.jurisdiction_code:
            return None
        m = await info.context.loaders.jurisdictions_by_code.load(self.jurisdiction_code)
        return Jurisdiction.from_map(m) if m else None

    @strawberry.field(description="法定代表人 on `asOf` (default today).",
                      metadata=meta(LEGAL_REPRESENTATIVE))
    async def legal_representative(self, info: Info[Context, None],
                                   as_of: Date | None = None) -> Person | None:
        key = RoleKey(str(self.id), ("LEGAL_REPRESENTATIVE",), as_of or info.context.today)
        roles = await info.context.loaders.roles_by_subject.load(key)
        return Person.from_map(roles[0]["person"]) if roles else None


ID_NUMBER_REFUSED = ("the full ID number is government-shared information (管理办法 第十八条): "
                     "use idNumberMasked")


@node("Person")
@strawberry.federation.type(keys=["id"], description="自然人. Found by citizen ID number, "
                            "keyed across subgraphs by internal id only: the ID number is "
                            "government-shared and never travels as a key.")
class Person(Subject):
    sex: str | None = prop("sex", public=True)
    work_unit: str | None = prop("workUnit", public=True, description="工作单位.")
    full_id_number: strawberry.Private[str]

    @strawberry.field(description="公民身份号码 (GB 11643), government-shared: needs a "
                      "government role (or the person itself, or its consent) and a purpose; "
                      "every read is registered.", metadata=meta(Guarded(
                          value=lambda s: f"{s.node}.idNumber",
                          guard=lambda s: s.id_number_visible(s.node), disclosure=GOVERNMENT,
                          operation="Person.idNumber", consent_item=ID_NUMBER,
                          message=ID_NUMBER_REFUSED)))
    async def id_number(self, info: Info[Context, None]) -> str | None:
        ctx = info.context
        access = await ctx.access(str(self.id))
        if not access.id_number:
            ctx.audit.record(str(self.id), "Person.idNumber", ["idNumber"], [GOVERNMENT],
                             outcome=Forbidden.code)
            raise Forbidden(ID_NUMBER_REFUSED)
        consent = access.consent_for([ID_NUMBER])
        ctx.disclose(str(self.id), "Person.idNumber", ["idNumber"], [GOVERNMENT],
                     consent_id=consent[0] if consent else None)
        return self.full_id_number

    @strawberry.field(description="The published form (实施办法 第八条): region only, never "
                      "the birth date.", metadata=meta(Expr(public=True, cypher=lambda s: (
                          mask_id_number_cypher(f"{s.node}.idNumber")))))
    def id_number_masked(self) -> str:
        return mask_id_number(self.full_id_number)

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None],
                                id: strawberry.ID) -> Person | None:
        """A person named by another subgraph, by internal id (batched)."""
        m = await info.context.loaders.subjects_by_id.load(str(id))
        return Person.from_map(m) if m and not m.get("uscc") else None

    @classmethod
    def from_map(cls, m: dict[str, Any]) -> Person:
        return cls(id=m["id"], name=m["name"], kind=SubjectKind.PERSON, status=m.get("status"),
                   full_id_number=m["idNumber"], sex=m.get("sex"), work_unit=m.get("workUnit"))


def organization_from_map(m: dict[str, Any]) -> Organization:
    org_type = m.get("orgType")
    return Organization(
        id=m["id"], name=m["name"], kind=SubjectKind.ORGANIZATION, status=m.get("status"),
        uscc=m["uscc"], org_type=OrganizationType(org_type) if org_type else None,
        nature=m.get("nature"), address=m.get("address"), established_on=m.get("establishedOn"),
        jurisdiction_code=m.get("jurisdictionCode"),
    )


def subject_from_map(m: dict[str, Any]) -> Organization | Person:
    return organization_from_map(m) if m.get("uscc") else Person.from_map(m)


@strawberry.type(description="A post held by a person in an organisation, from start to end.")
class Role:
    id: strawberry.ID = prop("id")
    kind: RoleKind = prop("kind")
    start: Date = prop("start")
    end: Date | None = prop("end")
    person: Person = strawberry.field(metadata=meta(Related(
        match=lambda s, m: f"WITH startNode({s.node}) AS {m}")))
    organization: Organization = strawberry.field(metadata=meta(Related(
        match=lambda s, m: f"WITH endNode({s.node}) AS {m}")))

    @classmethod
    def from_map(cls, m: dict[str, Any]) -> Role:
        return cls(id=m["id"], kind=RoleKind(m["kind"]), start=m["start"], end=m.get("end"),
                   person=Person.from_map(m["person"]),
                   organization=organization_from_map(m["organization"]))
