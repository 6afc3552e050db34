"""Validation of import rows: subjects, roles, list entries and credit records.

Each ``parse_*`` function takes one raw row (column → text, as read from CSV or
JSON lines) and returns the canonical row the ingest Cypher expects, or raises
a ``RowError`` naming the field, a stable code and the reason. Pure functions:
no database, so every rule here is unit-tested on its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson

from gateway.base.errors import CreditGraphError
from graph_schema.identifiers import sex_from_id_number
from graph_schema.model import (
    Disclosure,
    EntryStatus,
    ListKind,
    OrganizationType,
    RecordCategory,
    RoleKind,
    Severity,
    SubjectKind,
)
from graph_schema.rules.forbidden import forbidden_fields
from graph_schema.rules.identity import RESERVED_SOURCE_SYSTEMS
from graph_schema.rules.validity import default_valid_until, status_on
from seeds.codes import id_number as normalise_id_number
from seeds.codes import uscc as normalise_uscc


@dataclass
class RowError(Exception):
    field: str
    code: str
    reason: str
    value: Any = None


SUBJECT_COLUMNS = frozenset(
    {
        "subject_type",
        "uscc",
        "id_number",
        "name",
        "org_type",
        "nature",
        "address",
        "status",
        "jurisdiction_code",
        "established_on",
        "work_unit",
        "source",
    }
)
ROLE_COLUMNS = frozenset({"id_number", "uscc", "role", "start", "end", "source"})
ENTRY_COLUMNS = frozenset(
    {
        "list",
        "uscc",
        "id_number",
        "department_id",
        "department",
        "jurisdiction_code",
        "domain",
        "category",
        "facts",
        "basis",
        "decision_document",
        "document_number",
        "severity",
        "disclosure",
        "recognised_on",
        "act_on",
        "valid_until",
        "source_system",
        "source_ref",
    }
)
RECORD_COLUMNS = frozenset(
    {
        "category",
        "uscc",
        "id_number",
        "department_id",
        "department",
        "jurisdiction_code",
        "type",
        "title",
        "content",
        "severity",
        "disclosure",
        "recorded_on",
        "valid_until",
        "source_system",
        "source_ref",
    }
)

_CHINESE_ENUMS: dict[str, str] = {
    # subjects
    "法人": "ORGANIZATION",
    "非法人组织": "ORGANIZATION",
    "自然人": "PERSON",
    # roles
    "法定代表人": "LEGAL_REPRESENTATIVE",
    "主要负责人": "PRINCIPAL_RESPONSIBLE",
    "董事": "DIRECTOR",
    "监事": "SUPERVISOR",
    "高级管理人员": "SENIOR_MANAGER",
    "直接责任人": "DIRECTLY_RESPONSIBLE",
    # lists
    "红名单": "RED",
    "红": "RED",
    "黑名单": "BLACK",
    "黑": "BLACK",
    # severity
    "一般": "GENERAL",
    "较重": "MAJOR",
    "严重": "SERIOUS",
    "未明确": "UNSTATED",
    # disclosure
    "社会公开": "PUBLIC",
    "政府共享": "GOVERNMENT",
    "授权查询": "AUTHORISED",
    # record categories
    "基础信息": "BASIC",
    "正面信息": "POSITIVE",
    "负面信息": "NEGATIVE",
    "其他信息": "OTHER",
}

_DATE_FORMATS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


def clean(raw: Mapping[str, Any]) -> dict[str, str]:
    """Strip text; drop empty values (an empty cell is "not given", never "erase")."""
    out: dict[str, str] = {}
    for key, value in raw.items():
        if key is None:
            raise RowError("(row)", "MALFORMED_ROW", "the row has more cells than the header")
        if value is None:
            continue
        text = str(value).strip()
        if text:
            out[key.strip()] = text
    return out


def check_columns(row: Mapping[str, str], allowed: frozenset[str]) -> None:
    verdict = _columns_verdict(tuple(row), allowed)
    if verdict is not None:
        raise RowError(*verdict)


@lru_cache(maxsize=1024)
def _columns_verdict(
    columns: tuple[str, ...], allowed: frozenset[str]
) -> tuple[str, str, str] | None:
    """The first forbidden or unknown column of a row with these columns (rows of one file
    share them, so the answer is worked out once per file, not once per row)."""
    forbidden = forbidden_fields(columns)
    if forbidden:
        return (
            forbidden[0],
            "FORBIDDEN_INFORMATION",
            "管理办法 第十四条 forbids collecting this information",
        )
    unknown = sorted(set(columns) - allowed)
    if unknown:
        return (unknown[0], "UNKNOWN_FIELD", "not a column of this import kind")
    return None


def required(row: Mapping[str, str], field: str) -> str:
    if field not in row:
        raise RowError(field, "REQUIRED", "a value is required")
    return row[field]


def parse_date(row: Mapping[str, str], field: str) -> dt.date | None:
    text = row.get(field)
    if text is None:
        return None
    for pattern in _DATE_FORMATS:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                break
    raise RowError(field, "INVALID_DATE", "not a date (YYYY-MM-DD)", text)


def past_date(row: Mapping[str, str], field: str, today: dt.date) -> dt.date | None:
    """The date of something that has already happened: never after the import day.

    A recognition (实施办法 第八条: 确定失信时间), the act behind it, a record, the start
    of a role and the establishment of an organisation are facts by the time they are
    reported; a later date cannot be accurate (管理办法 第四条: 客观、准确; 第十六条:
    the provider answers for the truth of what it provides). The end of a validity
    period or of a role is planned, so it may lie ahead and is not checked here.
    """
    value = parse_date(row, field)
    if value is not None and value > today:
        raise RowError(
            field,
            "DATE_IN_FUTURE",
            f"{value} is after the import day {today}: it cannot have happened yet",
            row[field],
        )
    return value


def parse_enum(row: Mapping[str, str], field: str, enum: type[Any], default: Any = None) -> Any:
    text = row.get(field)
    if text is None:
        if default is None:
            raise RowError(field, "REQUIRED", "a value is required")
        return default
    value = _CHINESE_ENUMS.get(text, text.upper())
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise RowError(field, "INVALID_VALUE", f"expected one of {allowed}", text) from None


def _code(parse: Callable[[str], str], field: str, text: str) -> str:
    try:
        return parse(text)
    except CreditGraphError as exc:
        raise RowError(field, exc.code, exc.message, text) from None


def subject_code(row: Mapping[str, str]) -> dict[str, str | None]:
    """Exactly one of uscc / id_number identifies the subject of an entry or record."""
    uscc, id_number = row.get("uscc"), row.get("id_number")
    if (uscc is None) == (id_number is None):
        raise RowError("uscc", "SUBJECT_REQUIRED", "give exactly one of uscc or id_number")
    if uscc is not None:
        return {"uscc": _code(normalise_uscc, "uscc", uscc), "idNumber": None}
    assert id_number is not None
    return {"uscc": None, "idNumber": _code(normalise_id_number, "id_number", id_number)}


# 法人 and 非法人组织 are both organisations; as a subject_type each also says which.
_ORG_TYPE_OF_SUBJECT_TYPE = {
    "法人": OrganizationType.LEGAL_PERSON,
    "非法人组织": OrganizationType.UNINCORPORATED,
}


def _org_type(row: Mapping[str, str]) -> OrganizationType | None:
    """The organisation type as given or as the subject_type says; None when neither says."""
    implied = _ORG_TYPE_OF_SUBJECT_TYPE.get(row.get("subject_type", ""))
    if "org_type" not in row:
        return implied
    org_type: OrganizationType = parse_enum(row, "org_type", OrganizationType)
    if implied is not None and org_type is not implied:
        raise RowError(
            "org_type",
            "INVALID_VALUE",
            f"contradicts subject_type {row['subject_type']}",
            row["org_type"],
        )
    return org_type


def parse_subject(
    raw: Mapping[str, Any], n: int, today: dt.date
) -> tuple[SubjectKind, dict[str, Any]]:
    row = clean(raw)
    check_columns(row, SUBJECT_COLUMNS)
    if "subject_type" in row:
        kind = parse_enum(row, "subject_type", SubjectKind)
    else:
        kind = SubjectKind.PERSON if "id_number" in row else SubjectKind.ORGANIZATION
    name = required(row, "name")
    props: dict[str, Any] = {
        "name": name,
        "kind": kind.value,
        "source": row.get("source"),
        "status": row.get("status"),
    }
    if kind is SubjectKind.ORGANIZATION:
        if "id_number" in row or "work_unit" in row:
            field = "id_number" if "id_number" in row else "work_unit"
            raise RowError(field, "INVALID_VALUE", "not a field of an organisation")
        uscc = _code(normalise_uscc, "uscc", required(row, "uscc"))
        org_type = _org_type(row)
        props.update(
            orgType=org_type.value if org_type else None,
            nature=row.get("nature"),
            address=row.get("address"),
            jurisdictionCode=row.get("jurisdiction_code"),
            establishedOn=past_date(row, "established_on", today),
        )
        # Stated by neither org_type nor subject_type: a legal person, when created.
        defaults = {} if org_type else {"orgType": OrganizationType.LEGAL_PERSON.value}
        return kind, {"n": n, "uscc": uscc, "props": _no_nulls(props), "defaults": defaults}
    for field in ("uscc", "org_type", "nature", "address", "established_on"):
        if field in row:
            raise RowError(field, "INVALID_VALUE", "not a field of a natural person")
    id_number = _code(normalise_id_number, "id_number", required(row, "id_number"))
    props.update(
        sex=sex_from_id_number(id_number),
        workUnit=row.get("work_unit"),
        jurisdictionCode=row.get("jurisdiction_code"),
    )
    return kind, {"n": n, "idNumber": id_number, "props": _no_nulls(props), "defaults": {}}


def parse_role(raw: Mapping[str, Any], n: int, today: dt.date) -> dict[str, Any]:
    row = clean(raw)
    check_columns(row, ROLE_COLUMNS)
    id_number = _code(normalise_id_number, "id_number", required(row, "id_number"))
    uscc = _code(normalise_uscc, "uscc", required(row, "uscc"))
    kind = parse_enum(row, "role", RoleKind)
    start = past_date(row, "start", today)
    if start is None:
        raise RowError("start", "REQUIRED", "a role needs its start date")
    end = parse_date(row, "end")
    if end is not None and end < start:
        raise RowError("end", "INVALID_PERIOD", "the role ends before it starts", row["end"])
    return {
        "n": n,
        "idNumber": id_number,
        "uscc": uscc,
        "kind": kind.value,
        "start": start,
        "end": end,
        "source": row.get("source"),
    }


class DepartmentDirectory:
    """Resolves a department given by id, or by name or alias within a jurisdiction."""

    def __init__(self, departments: Sequence[Mapping[str, Any]]) -> None:
        self.ids = {d["id"] for d in departments}
        self.by_name: dict[str, set[str]] = {}
        self.by_scoped_name: dict[tuple[str, str], str] = {}
        for d in departments:
            for name in {d["name"], *d.get("aliases", [])}:
                self.by_name.setdefault(name, set()).add(d["id"])
                if d.get("jurisdictionCode"):
                    self.by_scoped_name[(d["jurisdictionCode"], name)] = d["id"]

    def resolve(self, row: Mapping[str, str]) -> str:
        if "department_id" in row:
            if row["department_id"] not in self.ids:
                raise RowError(
                    "department_id",
                    "UNKNOWN_DEPARTMENT",
                    "no such department",
                    row["department_id"],
                )
            return row["department_id"]
        name = required(row, "department")
        if "jurisdiction_code" in row:
            found = self.by_scoped_name.get((row["jurisdiction_code"], name))
            if found is None:
                raise RowError(
                    "department",
                    "UNKNOWN_DEPARTMENT",
                    "no department of that name in the jurisdiction",
                    name,
                )
            return found
        candidates = self.by_name.get(name, set())
        if len(candidates) != 1:
            code = "UNKNOWN_DEPARTMENT" if not candidates else "AMBIGUOUS_DEPARTMENT"
            raise RowError(
                "department", code, "give department_id or jurisdiction_code to identify it", name
            )
        return next(iter(candidates))


def _key(source_system: str | None, source_ref: str | None, *parts: object) -> str:
    """The source key ``system:ref`` when both are given, else a digest of the row's identity.

    Two different source keys must never make one key: the system may not contain the
    ``:`` that ends it, nor be a prefix the graph uses for keys it makes itself.
    """
    if source_system and source_ref:
        if ":" in source_system:
            raise RowError("source_system", "INVALID_VALUE", "may not contain ':'", source_system)
        if source_system in RESERVED_SOURCE_SYSTEMS:
            raise RowError(
                "source_system",
                "INVALID_VALUE",
                "reserved for keys the graph makes itself",
                source_system,
            )
        return f"{source_system}:{source_ref}"
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:32]
    return f"sha:{digest}"


def _stated_or_default(
    row: Mapping[str, str], field: str, enum: type[Any], default: Any
) -> tuple[Any, bool]:
    """The value of an optional enum column and whether the row states it.

    A default is for creating a node only: a row that leaves the column out says nothing
    about it, and never writes the default over what the graph holds.
    """
    if field in row:
        return parse_enum(row, field, enum), True
    return default, False


def _validity(
    row: Mapping[str, str],
    field: str,
    kind: ListKind,
    severity: Severity,
    severity_stated: bool,
    start: dt.date,
) -> tuple[dt.date | None, bool]:
    """The end of validity and whether the row states it.

    Given, it is stated; otherwise 管理办法 第二十七条 counts it from the severity, which is
    stated when the row gives the severity and a default (unstated: three years) when not.
    """
    given = parse_date(row, field)
    if given is not None:
        return given, True
    return default_valid_until(kind, severity, start), severity_stated


def _split(values: dict[str, tuple[Any, bool]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(stated, defaults) of (value, stated) pairs, without nulls."""
    stated = {k: v for k, (v, given) in values.items() if given and v is not None}
    defaults = {k: v for k, (v, given) in values.items() if not given and v is not None}
    return stated, defaults


def source_digest(row: Mapping[str, Any]) -> str:
    """What a canonical row says (subject, department, values, defaults), as a short digest.

    Stored on the entry it wrote: a later row with the same digest is the same source row
    and changes nothing, whatever a procedure has made of the entry since.
    """
    said = {k: v for k, v in row.items() if k not in ("n", "status")}
    return hashlib.blake2b(
        orjson.dumps(said, option=orjson.OPT_SORT_KEYS), digest_size=16
    ).hexdigest()


def parse_entry(
    raw: Mapping[str, Any], n: int, departments: DepartmentDirectory, today: dt.date
) -> dict[str, Any]:
    row = clean(raw)
    check_columns(row, ENTRY_COLUMNS)
    kind = parse_enum(row, "list", ListKind)
    subject = subject_code(row)
    department_id = departments.resolve(row)
    severity, severity_stated = _stated_or_default(row, "severity", Severity, Severity.UNSTATED)
    # Not stated → government-shared: nothing is published unless the source says so.
    disclosure = _stated_or_default(row, "disclosure", Disclosure, Disclosure.GOVERNMENT)
    recognised_on = past_date(row, "recognised_on", today)
    if recognised_on is None:
        raise RowError("recognised_on", "REQUIRED", "the date of recognition is required")
    act_on = past_date(row, "act_on", today) or recognised_on
    if act_on > recognised_on:
        raise RowError(
            "act_on", "INVALID_PERIOD", "the act comes after its recognition", row["act_on"]
        )
    valid_until, valid_until_stated = _validity(
        row, "valid_until", kind, severity, severity_stated, recognised_on
    )
    if valid_until is not None and valid_until < recognised_on:
        raise RowError(
            "valid_until", "INVALID_PERIOD", "validity ends before recognition", row["valid_until"]
        )
    if kind is ListKind.BLACK and "facts" not in row:
        raise RowError("facts", "REQUIRED", "实施办法 第八条: a black-list entry states its facts")
    status = status_on(today, recognised_on, valid_until) or EntryStatus.ACTIVE
    props = {
        "kind": kind.value,
        "domain": row.get("domain"),
        "category": row.get("category"),
        "facts": row.get("facts"),
        "basis": row.get("basis"),
        "decisionDocument": row.get("decision_document"),
        "documentNumber": row.get("document_number"),
        "recognisedOn": recognised_on,
        "actOn": act_on,
        "sourceSystem": row.get("source_system"),
        "sourceRef": row.get("source_ref"),
    }
    stated, defaults = _split(
        {
            "severity": (severity.value, severity_stated),
            "disclosure": (disclosure[0].value, disclosure[1]),
            "validUntil": (valid_until, valid_until_stated),
        }
    )
    key = _key(
        row.get("source_system"),
        row.get("source_ref"),
        kind.value,
        subject["uscc"] or subject["idNumber"],
        department_id,
        row.get("document_number"),
        recognised_on,
    )
    # The stored status is for reporting only (set at creation, kept current by the
    # expire command); every answer evaluates validity on its own date.
    out = {
        "n": n,
        "key": key,
        "departmentId": department_id,
        **subject,
        "status": status.value,
        "props": {**_no_nulls(props), **stated},
        "defaults": defaults,
    }
    out["digest"] = source_digest(out)
    return out


def parse_record(
    raw: Mapping[str, Any], n: int, departments: DepartmentDirectory, today: dt.date
) -> dict[str, Any]:
    row = clean(raw)
    check_columns(row, RECORD_COLUMNS)
    category = parse_enum(row, "category", RecordCategory)
    subject = subject_code(row)
    department_id = departments.resolve(row)
    recorded_on = past_date(row, "recorded_on", today)
    if recorded_on is None:
        raise RowError("recorded_on", "REQUIRED", "the date of the record is required")
    severity, severity_stated = _stated_or_default(row, "severity", Severity, Severity.UNSTATED)
    disclosure = _stated_or_default(row, "disclosure", Disclosure, Disclosure.GOVERNMENT)
    if category is RecordCategory.NEGATIVE:
        # 管理办法 第二十七条 applies to negative (dishonesty) information.
        valid_until = _validity(
            row, "valid_until", ListKind.BLACK, severity, severity_stated, recorded_on
        )
    else:
        given = parse_date(row, "valid_until")
        valid_until = (given, given is not None)
    props = {
        "category": category.value,
        "type": required(row, "type"),
        "title": row.get("title"),
        "content": row.get("content"),
        "recordedOn": recorded_on,
        "sourceSystem": row.get("source_system"),
        "sourceRef": row.get("source_ref"),
    }
    stated, defaults = _split(
        {
            "severity": (severity.value, severity_stated),
            "disclosure": (disclosure[0].value, disclosure[1]),
            "validUntil": valid_until,
        }
    )
    key = _key(
        row.get("source_system"),
        row.get("source_ref"),
        category.value,
        subject["uscc"] or subject["idNumber"],
        department_id,
        props["type"],
        props["title"],
        recorded_on,
    )
    return {
        "n": n,
        "key": key,
        "departmentId": department_id,
        **subject,
        "props": {**_no_nulls(props), **stated},
        "defaults": defaults,
    }


def _no_nulls(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if v is not None}
