"""信息主体: organisations and natural persons, and the roles between them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import Info

from gateway.context import Context, selected_fields
from gateway.errors import Forbidden
from graph_schema.enums import (
    EntryStatus,
    ListKind,
    MatterType,
    OrganizationType,
    RecordCategory,
    RoleKind,
    SubjectKind,
)
from graph_schema.identifiers import mask_id_number, normalise_uscc
from graph_schema.rules.disclosure import GOVERNMENT, ID_NUMBER
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


@strawberry.interface(description="信息主体: an organisation or a natural person.")
class Subject:
    id: strawberry.ID = strawberry.field(description="Internal stable id.")
    name: str
    kind: SubjectKind
    status: str | None

    @strawberry.field(description="Red and black list entries recognised by `asOf` (default "
                      "today), with their status on that date.")
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

    @strawberry.field(description="Credit records (管理办法 第九条) made by `asOf`.")
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
                      "status. Checks of many subjects in one request share one query.")
    async def credit_check(self, info: Info[Context, None], matter: MatterType,
                           as_of: Date | None = None) -> CreditCheckRef:
        from resolvers.credit_check import subject_credit_check  # served by it directly

        return await subject_credit_check(self, info._raw_info, matter, as_of)  # type: ignore[return-value]

    @strawberry.field(description="Roles in both directions: a person's posts, an "
                      "organisation's officers. With `asOf`, only roles held on that date.")
    async def roles(self, info: Info[Context, None], kind: list[RoleKind] | None = None,
                    as_of: Date | None = None) -> list[Role]:
        key = RoleKey(str(self.id), tuple(k.value for k in kind) if kind else None, as_of)
        return [Role.from_map(m) for m in await info.context.loaders.roles_by_subject.load(key)]


@strawberry.federation.type(
    keys=["uscc", "id"], description="法人或非法人组织, keyed by its unified social credit code.")
class Organization(Subject):
    uscc: str = strawberry.field(description="统一社会信用代码 (GB 32100).")
    org_type: OrganizationType | None
    nature: str | None = strawberry.field(description="单位性质.")
    address: str | None = strawberry.field(description="注册地址.")
    established_on: Date | None
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

    @strawberry.field
    async def jurisdiction(self, info: Info[Context, None]) -> JurisdictionRef | None:
        from graph_schema.jurisdiction import Jurisdiction

        if not self.jurisdiction_code:
            return None
        m = await info.context.loaders.jurisdictions_by_code.load(self.jurisdiction_code)
        return Jurisdiction.from_map(m) if m else None

    @strawberry.field(description="法定代表人 on `asOf` (default today).")
    async def legal_representative(self, info: Info[Context, None],
                                   as_of: Date | None = None) -> Person | None:
        key = RoleKey(str(self.id), ("LEGAL_REPRESENTATIVE",), as_of or info.context.today)
        roles = await info.context.loaders.roles_by_subject.load(key)
        return Person.from_map(roles[0]["person"]) if roles else None


@strawberry.federation.type(keys=["id"], description="自然人. Found by citizen ID number, "
                            "keyed across subgraphs by internal id only: the ID number is "
                            "government-shared and never travels as a key.")
class Person(Subject):
    sex: str | None
    work_unit: str | None = strawberry.field(description="工作单位.")
    full_id_number: strawberry.Private[str]

    @strawberry.field(description="公民身份号码 (GB 11643), government-shared: needs a "
                      "government role (or the person itself, or its consent) and a purpose; "
                      "every read is registered.")
    async def id_number(self, info: Info[Context, None]) -> str:
        ctx = info.context
        access = await ctx.access(str(self.id))
        if not access.id_number:
            ctx.audit.record(str(self.id), "Person.idNumber", ["idNumber"], [GOVERNMENT],
                             outcome=Forbidden.code)
            raise Forbidden("the full ID number is government-shared information "
                            "(管理办法 第十八条): use idNumberMasked")
        consent = access.consent_for([ID_NUMBER])
        ctx.disclose(str(self.id), "Person.idNumber", ["idNumber"], [GOVERNMENT],
                     consent_id=consent[0] if consent else None)
        return self.full_id_number

    @strawberry.field(description="The published form (实施办法 第八条): region only, never "
                      "the birth date.")
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
    id: strawberry.ID
    kind: RoleKind
    start: Date
    end: Date | None
    person: Person
    organization: Organization

    @classmethod
    def from_map(cls, m: dict[str, Any]) -> Role:
        return cls(id=m["id"], kind=RoleKind(m["kind"]), start=m["start"], end=m.get("end"),
                   person=Person.from_map(m["person"]),
                   organization=organization_from_map(m["organization"]))
