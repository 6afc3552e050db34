"""Types of the public portal (社会公开, 管理办法 第十八条): what anyone may read.

These types simply lack every non-public field: no disclosure class, no severity,
no full ID number, no credit records, no history, no consents, no register. A
list entry shows the published fields of 实施办法 第八条 and exists here only while
it is PUBLIC and in force (管理办法 第二十七条, 实施办法 第十九条); a natural person
shows the masked ID number (实施办法 第七条: no birth date, no private detail).
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry import Info

from gateway.context import Context
from gateway.limits import check_page
from graph_schema.enums import ListKind, OrganizationType, SubjectKind
from graph_schema.identifiers import age_on, mask_id_number
from graph_schema.jurisdiction import Department, Jurisdiction
from graph_schema.rules.disclosure import PUBLIC
from graph_schema.scalars import Date
from loaders.list_entry import EntryKey
from loaders.role import RoleKey

PublicOrganizationRef = Annotated["PublicOrganization", strawberry.lazy("graph_schema.public")]


async def published_entries(ctx: Context, subject_id: str, kind: ListKind | None,
                            first: int) -> list[PublicListEntry]:
    """管理办法 第十八条/第二十七条: PUBLIC entries in force today, filtered in Cypher."""
    check_page(first, ctx.settings.public_max_page)
    key = EntryKey(subject_id, kind.value if kind else None, "ACTIVE", ctx.today, (PUBLIC,))
    maps = await ctx.loaders.list_entries_by_subject.load(key)
    return [PublicListEntry.from_map(m) for m in maps[:first]]


@strawberry.interface(description="A subject as published: an organisation, or a person "
                      "with a published entry.")
class PublicSubject:
    name: str
    kind: SubjectKind
    subject_id: strawberry.Private[str]

    @strawberry.field(description="Red and black list entries published today (active and "
                      "public); expired and repaired entries are not published.")
    async def list_entries(self, info: Info[Context, None], kind: ListKind | None = None,
                           first: int = 10) -> list[PublicListEntry]:
        return await published_entries(info.context, self.subject_id, kind, first)


@strawberry.type(name="PublicOrganization",
                 description="法人或非法人组织 as published (实施办法 第八条（二）).")
class PublicOrganization(PublicSubject):
    uscc: str = strawberry.field(description="统一社会信用代码.")
    org_type: OrganizationType | None
    nature: str | None = strawberry.field(description="单位性质.")
    address: str | None = strawberry.field(description="注册地址.")
    established_on: Date | None
    jurisdiction_code: strawberry.Private[str | None]

    @classmethod
    def from_map(cls, m: dict[str, Any]) -> PublicOrganization:
        org_type = m.get("orgType")
        return cls(name=m["name"], kind=SubjectKind.ORGANIZATION, subject_id=m["id"],
                   uscc=m["uscc"], org_type=OrganizationType(org_type) if org_type else None,
                   nature=m.get("nature"), address=m.get("address"),
                   established_on=m.get("establishedOn"),
                   jurisdiction_code=m.get("jurisdictionCode"))

    @strawberry.field(description="法定代表人或负责人姓名 today.")
    async def legal_representative_name(self, info: Info[Context, None]) -> str | None:
        ctx = info.context
        roles = await ctx.loaders.roles_by_subject.load(
            RoleKey(self.subject_id, ("LEGAL_REPRESENTATIVE",), ctx.today))
        return str(roles[0]["person"]["name"]) if roles else None

    @strawberry.field
    async def jurisdiction(self, info: Info[Context, None]) -> Jurisdiction | None:
        if not self.jurisdiction_code:
            return None
        m = await info.context.loaders.jurisdictions_by_code.load(self.jurisdiction_code)
        return Jurisdiction.from_map(m) if m else None


@strawberry.type(name="PublicPerson",
                 description="自然人 with a published entry (实施办法 第八条（一）).")
class PublicPerson(PublicSubject):
    sex: str | None
    age: int | None = strawberry.field(description="年龄 today.")
    id_number_masked: str = strawberry.field(
        description="公民身份号码, region only: never the full number, never the birth date.")
    work_unit: str | None = strawberry.field(description="工作单位.")

    @classmethod
    def from_map(cls, m: dict[str, Any], today: Any) -> PublicPerson:
        number = m["idNumber"]
        return cls(name=m["name"], kind=SubjectKind.PERSON, subject_id=m["id"],
                   sex=m.get("sex"), age=age_on(number, today),
                   id_number_masked=mask_id_number(number), work_unit=m.get("workUnit"))


def public_subject(m: dict[str, Any], today: Any) -> PublicOrganization | PublicPerson:
    return PublicOrganization.from_map(m) if m.get("uscc") else PublicPerson.from_map(m, today)


@strawberry.type(name="PublicListEntry",
                 description="A published red or black list entry: the fields of 实施办法 第八条.")
class PublicListEntry:
    kind: ListKind
    domain: str | None = strawberry.field(description="领域.")
    category: str | None = strawberry.field(description="失信行为类型 / 名单类别.")
    facts: str | None = strawberry.field(description="主要失信事实.")
    basis: str | None = strawberry.field(description="认定依据.")
    decision_document: str | None = strawberry.field(description="处罚法定文书.")
    document_number: str | None = strawberry.field(description="文书编号.")
    recognised_on: Date = strawberry.field(description="认定日期 (确定失信时间).")
    valid_until: Date | None = strawberry.field(description="信息有效期 (移出日期).")
    recognising_department: Department | None = strawberry.field(description="认定单位.")
    derived: bool = strawberry.field(description="Recorded against a responsible person "
                                     "through an organisation (管理办法 第二十六条).")
    disputed: bool = strawberry.field(description="An objection against the entry is open "
                                      "(实施办法 第十五条).")
    through_organization_id: strawberry.Private[str | None]

    @classmethod
    def from_map(cls, m: dict[str, Any]) -> PublicListEntry:
        dept = m.get("department")
        return cls(kind=ListKind(m["kind"]), domain=m.get("domain"), category=m.get("category"),
                   facts=m.get("facts"), basis=m.get("basis"),
                   decision_document=m.get("decisionDocument"),
                   document_number=m.get("documentNumber"), recognised_on=m["recognisedOn"],
                   valid_until=m.get("validUntil"),
                   recognising_department=Department.from_map(dept) if dept else None,
                   derived=bool(m.get("derived")), disputed=bool(m.get("disputed")),
                   through_organization_id=m.get("throughOrganizationId"))

    @strawberry.field(description="For a derived entry: the organisation it came through.")
    async def through_organization(self, info: Info[Context, None]
                                   ) -> PublicOrganizationRef | None:
        if not self.through_organization_id:
            return None
        m = await info.context.loaders.subjects_by_id.load(self.through_organization_id)
        return PublicOrganization.from_map(m) if m and m.get("uscc") else None
