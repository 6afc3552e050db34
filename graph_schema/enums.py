"""The model's enumerations as GraphQL enums (same names and values), with the descriptions
a client reads.

Every GraphQL enum is declared with ``graphql_enum``: the enum and each of its values get
their description where the GraphQL enum is declared (here for the model's classes). The
classes stay plain Python enums with plain values: the importer and the rules use the model's
without GraphQL, and ``strawberry.enum_value`` would make every ``.value`` a wrapper to a type
checker.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

import strawberry
from strawberry.types.enum import StrawberryEnumDefinition

from graph_schema.model import (
    Decision,
    Disclosure,
    EntryStatus,
    JurisdictionLevel,
    ListKind,
    MatterType,
    OrganizationType,
    RecordCategory,
    RoleKind,
    Severity,
    SubjectKind,
)

E = TypeVar("E", bound=type[Enum])


def graphql_enum(cls: E, description: str, values: Mapping[str, str]) -> E:
    """Mark the model's enum ``cls`` in place as a GraphQL enum described by ``description``,
    each value by ``values`` (by name). A name ``cls`` lacks is an error; a value left out
    has no description (tests/unit/test_schema_descriptions.py names it)."""
    strawberry.enum(cls, description=description)
    definition = getattr(cls, "__strawberry_definition__", None)
    assert isinstance(definition, StrawberryEnumDefinition)
    unknown = set(values) - {v.name for v in definition.values}
    if unknown:
        raise ValueError(f"{cls.__name__} has no value {', '.join(sorted(unknown))}")
    for value in definition.values:
        value.description = values.get(value.name, value.description)
    return cls


graphql_enum(
    SubjectKind,
    "信息主体: an organisation (法人或非法人组织) or a natural person (自然人).",
    {
        "ORGANIZATION": "法人或非法人组织, identified by its unified social credit code.",
        "PERSON": "自然人, identified by its citizen ID number.",
    },
)
graphql_enum(
    OrganizationType,
    "法人 (legal person) or 非法人组织 (unincorporated organisation).",
    {
        "LEGAL_PERSON": "法人: a legal person.",
        "UNINCORPORATED": "非法人组织: an unincorporated organisation.",
    },
)
graphql_enum(
    RoleKind,
    "A post a person holds in an organisation.",
    {
        "LEGAL_REPRESENTATIVE": "法定代表人.",
        "PRINCIPAL_RESPONSIBLE": "主要负责人.",
        "DIRECTOR": "董事.",
        "SUPERVISOR": "监事.",
        "SENIOR_MANAGER": "高级管理人员.",
        "DIRECTLY_RESPONSIBLE": "直接责任人 (管理办法 第二十六条: 其他直接责任人).",
    },
)
graphql_enum(
    JurisdictionLevel,
    "An administrative level: national → provincial → municipal → county.",
    {
        "NATIONAL": "国家: the whole country.",
        "PROVINCIAL": "省级: a province (e.g. 江苏省).",
        "MUNICIPAL": "市级: a city divided into districts (e.g. 淮安市).",
        "COUNTY": "县级: a county, county-level city or district (e.g. 江阴市).",
    },
)
graphql_enum(
    ListKind,
    "红名单 (RED, joint incentives) or 黑名单 (BLACK, joint punishment).",
    {
        "RED": "红名单: a trustworthy subject, for joint incentives (实施办法 第五条, 第十三条).",
        "BLACK": "黑名单: a seriously dishonest subject, for joint punishment "
        "(实施办法 第六条, 第十四条).",
    },
)
graphql_enum(
    Severity,
    "失信严重程度 (管理办法 第二十六条, 第二十七条); for dishonesty information it sets the "
    "default validity period.",
    {
        "GENERAL": "一般: dishonesty information is valid 1 year from recognition unless "
        "stated otherwise (管理办法 第二十七条).",
        "MAJOR": "较重: valid 3 years from recognition unless stated otherwise (only 一般 "
        "earns the 1-year term).",
        "SERIOUS": "严重: valid 3 years from recognition unless stated otherwise; an "
        "organisation's serious black entry is also recorded against its responsible "
        "persons (管理办法 第二十六条).",
        "UNSTATED": "未明确: the source states no severity; valid 3 years from recognition "
        "unless stated otherwise (管理办法 第二十七条).",
    },
)
graphql_enum(
    Disclosure,
    "信息公开类别 (管理办法 第十八条): who may see a piece of information.",
    {
        "PUBLIC": "社会公开: anyone, the public portal included (管理办法 第二十一条).",
        "GOVERNMENT": "政府共享: government users (管理办法 第十九条), the subject itself and "
        "those it consented to. The default when a source does not say.",
        "AUTHORISED": "授权查询: only the subject itself and those it consented to in writing "
        "(管理办法 第二十一条).",
    },
)
graphql_enum(
    EntryStatus,
    "A list entry's status on a date (管理办法 第二十七条, 实施办法 第十九条).",
    {
        "ACTIVE": "In force: recognised on or before the date, within its validity, not ended.",
        "EXPIRED": "Past its validity end (`validUntil`): no longer a basis for punishment "
        "and no longer published (管理办法 第二十七条).",
        "REPAIRED": "Ended by an accepted credit repair; kept on file as an archive record "
        "(实施办法 第十九条).",
        "REVOKED": "Ended otherwise (撤销): revoked as recognised in error or through an "
        "objection, a red entry ended by a black listing (实施办法 第四条), or a derived "
        "entry voided. Kept on file.",
    },
)
graphql_enum(
    RecordCategory,
    "The category of a credit record (管理办法 第九条).",
    {
        "BASIC": "基础信息 (管理办法 第十条).",
        "POSITIVE": "正面信息 (管理办法 第十一条).",
        "NEGATIVE": "负面信息, i.e. dishonesty information (管理办法 第十二条); valid 1 or 3 "
        "years by default (第二十七条).",
        "OTHER": "其他信息 (管理办法 第十三条).",
    },
)
graphql_enum(
    MatterType,
    "What an approval system is deciding on: the matter a credit check screens for.",
    {
        "ADMINISTRATIVE_LICENSING": "行政许可: administrative licensing.",
        "FISCAL_FUNDS": "财政性资金项目: projects funded by public money.",
        "PUBLIC_RESOURCE_TRADING": "公共资源交易: public resource trading.",
        "OFFICER_APPOINTMENT": "任职: serving as legal representative, responsible person, "
        "director, supervisor or senior manager.",
        "FINANCING_CREDIT": "融资授信: financing and credit.",
        "HONOURS_AWARDS": "评先评优、荣誉表彰: honours and awards.",
        "ECOMMERCE_ADMISSION": "电子商务平台入驻: admission to an e-commerce platform.",
    },
)
graphql_enum(
    Decision,
    "A credit check's decision for a matter (实施办法 第十三条, 第十四条, 第四条).",
    {
        "BLOCK": "拦截: a punishment measure for the matter, triggered by a black hit, blocks "
        "the application.",
        "REVIEW": "人工审核: a black entry is in force and no measure for the matter blocks: "
        "an officer must look at it.",
        "GREEN_CHANNEL": "绿色通道: an incentive measure for the matter applies to a red hit, "
        "and no black entry is in force (实施办法 第四条).",
        "CLEAR": "无记录: no black entry in force and no incentive for the matter (no hits, "
        "or red hits only).",
    },
)

__all__ = [
    "graphql_enum",
    "SubjectKind",
    "OrganizationType",
    "RoleKind",
    "JurisdictionLevel",
    "ListKind",
    "Severity",
    "Disclosure",
    "EntryStatus",
    "RecordCategory",
    "MatterType",
    "Decision",
]
