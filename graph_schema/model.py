"""The graph's vocabulary: labels, relationship types and enumerations.

Cypher text interpolates only these names (never values); values always travel
as parameters. The enumerations are shared by the importer, the rules and the
GraphQL types.
"""

from __future__ import annotations

from enum import Enum

# Node labels
SUBJECT = "Subject"
ORGANIZATION = "Organization"
PERSON = "Person"
JURISDICTION = "Jurisdiction"
DEPARTMENT = "Department"
LIST_ENTRY = "ListEntry"
CREDIT_RECORD = "CreditRecord"
VERSION = "Version"
MIGRATION = "Migration"
CONSENT = "Consent"  # 管理办法 第二十一条: a subject's written consent to be queried
AUDIT_EVENT = "AuditEvent"  # 个人诚信 opinion 四(一): the query register, append-only

# Relationship types
HOLDS_ROLE = "HOLDS_ROLE"  # (:Person)-[:HOLDS_ROLE {kind, start, end}]->(:Organization)
PART_OF = "PART_OF"  # (:Jurisdiction)-[:PART_OF]->(:Jurisdiction)
BELONGS_TO = "BELONGS_TO"  # (:Department)-[:BELONGS_TO]->(:Jurisdiction)
CONCERNS = "CONCERNS"  # (:ListEntry|CreditRecord)-[:CONCERNS]->(:Subject)
RECOGNISED_BY = "RECOGNISED_BY"  # (:ListEntry)-[:RECOGNISED_BY]->(:Department)
PROVIDED_BY = "PROVIDED_BY"  # (:CreditRecord)-[:PROVIDED_BY]->(:Department)
HAS_VERSION = "HAS_VERSION"  # (any)-[:HAS_VERSION]->(:Version)
DERIVED_FROM = "DERIVED_FROM"  # (derived :ListEntry)-[:DERIVED_FROM]->(source :ListEntry)
THROUGH = "THROUGH"  # (derived :ListEntry)-[:THROUGH]->(:Organization), 管理办法 第二十六条
AGAINST = "AGAINST"  # (:Objection|RepairExclusion)-[:AGAINST]->(:ListEntry|Subject)
HAS_STEP = "HAS_STEP"  # (:Objection)-[:HAS_STEP]->(:ObjectionStep)
FOR_ENTRY = "FOR_ENTRY"  # (:RepairApplication)-[:FOR_ENTRY]->(:ListEntry)
GRANTED = "GRANTED"  # (:Subject)-[:GRANTED]->(:Consent)
TO = "TO"  # (:Consent)-[:TO]->(:Department|:Organization), the grantee

SUBJECT_NAME_INDEX = "subject_name"


class SubjectKind(Enum):
    """信息主体: 自然人 or 法人/非法人组织."""

    ORGANIZATION = "ORGANIZATION"
    PERSON = "PERSON"


class OrganizationType(Enum):
    """法人 (legal person) or 非法人组织 (unincorporated organisation)."""

    LEGAL_PERSON = "LEGAL_PERSON"
    UNINCORPORATED = "UNINCORPORATED"


class RoleKind(Enum):
    """Posts a person holds in an organisation."""

    LEGAL_REPRESENTATIVE = "LEGAL_REPRESENTATIVE"  # 法定代表人
    PRINCIPAL_RESPONSIBLE = "PRINCIPAL_RESPONSIBLE"  # 主要负责人
    DIRECTOR = "DIRECTOR"  # 董事
    SUPERVISOR = "SUPERVISOR"  # 监事
    SENIOR_MANAGER = "SENIOR_MANAGER"  # 高级管理人员
    DIRECTLY_RESPONSIBLE = "DIRECTLY_RESPONSIBLE"  # 直接责任人


class JurisdictionLevel(Enum):
    NATIONAL = "NATIONAL"
    PROVINCIAL = "PROVINCIAL"
    MUNICIPAL = "MUNICIPAL"
    COUNTY = "COUNTY"


class ListKind(Enum):
    """红名单 (RED, joint incentives) or 黑名单 (BLACK, joint punishment)."""

    RED = "RED"
    BLACK = "BLACK"


class Severity(Enum):
    """失信严重程度 (管理办法 第二十六条, 第二十七条)."""

    GENERAL = "GENERAL"  # 一般
    MAJOR = "MAJOR"  # 较重
    SERIOUS = "SERIOUS"  # 严重
    UNSTATED = "UNSTATED"  # 未明确


class Disclosure(Enum):
    """管理办法 第十八条: 社会公开, 政府共享, 授权查询."""

    PUBLIC = "PUBLIC"
    GOVERNMENT = "GOVERNMENT"
    AUTHORISED = "AUTHORISED"


class EntryStatus(Enum):
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"
    REPAIRED = "REPAIRED"
    REVOKED = "REVOKED"


class RecordCategory(Enum):
    """管理办法 第九条: 基础信息, 正面信息, 负面信息, 其他信息."""

    BASIC = "BASIC"
    POSITIVE = "POSITIVE"
    NEGATIVE = "NEGATIVE"
    OTHER = "OTHER"


class MatterType(Enum):
    """What an approval system is deciding on."""

    ADMINISTRATIVE_LICENSING = "ADMINISTRATIVE_LICENSING"  # 行政许可
    FISCAL_FUNDS = "FISCAL_FUNDS"  # 财政性资金项目
    PUBLIC_RESOURCE_TRADING = "PUBLIC_RESOURCE_TRADING"  # 公共资源交易
    OFFICER_APPOINTMENT = "OFFICER_APPOINTMENT"  # 担任法定代表人、董事、监事、高级管理人员
    FINANCING_CREDIT = "FINANCING_CREDIT"  # 融资授信
    HONOURS_AWARDS = "HONOURS_AWARDS"  # 评先评优、荣誉
    ECOMMERCE_ADMISSION = "ECOMMERCE_ADMISSION"  # 电子商务平台入驻


class Decision(Enum):
    BLOCK = "BLOCK"  # 拦截
    REVIEW = "REVIEW"  # 人工审核
    GREEN_CHANNEL = "GREEN_CHANNEL"  # 绿色通道
    CLEAR = "CLEAR"  # 无记录


class ConsentScope(Enum):
    """What a consent opens to its grantee (管理办法 第二十一条): a class, or one field."""

    GOVERNMENT = "GOVERNMENT"  # 政府共享 information, for a grantee outside government
    AUTHORISED = "AUTHORISED"  # 授权查询 information
    ID_NUMBER = "ID_NUMBER"  # the full 公民身份号码 only


class GranteeKind(Enum):
    """Who a consent is given to: a department, or an organisation (e.g. a bank)."""

    DEPARTMENT = "DEPARTMENT"
    ORGANIZATION = "ORGANIZATION"
