"""Import row validation: every rule on its own, no database."""

import datetime as dt

import pytest

from seeds.rows import (
    DepartmentDirectory,
    RowError,
    parse_entry,
    parse_record,
    parse_role,
    parse_subject,
)

ORG = "91110000600037341L"
PERSON = "11010519491231002X"
TODAY = dt.date(2026, 11, 25)
TODAY_LATER = dt.date(2028, 6, 1)  # the entry of entry() has expired by then
DEPARTMENTS = DepartmentDirectory(
    [
        {
            "id": "320800/淮安市市场监督管理局",
            "name": "淮安市市场监督管理局",
            "aliases": ["市市场监管局", "市工商局"],
            "jurisdictionCode": "320800",
        },
        {
            "id": "320400/常州市市场监督管理局",
            "name": "常州市市场监督管理局",
            "aliases": ["市市场监管局"],
            "jurisdictionCode": "320400",
        },
    ]
)


def error(call, *args):
    with pytest.raises(RowError) as info:
        call(*args)
    return info.value


def test_organisation_row_is_normalised() -> None:
    kind, row = parse_subject(
        {
            "uscc": ORG.lower(),
            "name": " 江阴市华宏化纤有限公司 ",
            "established_on": "2003/7/1",
            "address": "",
        },
        3,
        TODAY,
    )
    assert kind.value == "ORGANIZATION"
    assert row == {
        "n": 3,
        "uscc": ORG,
        "props": {
            "name": "江阴市华宏化纤有限公司",
            "kind": "ORGANIZATION",
            "establishedOn": dt.date(2003, 7, 1),
        },
        # Not stated: a legal person when created, never written over a stored type.
        "defaults": {"orgType": "LEGAL_PERSON"},
    }
    _, given = parse_subject({"uscc": ORG, "name": "x", "subject_type": "非法人组织"}, 1, TODAY)
    assert (given["props"]["orgType"], given["defaults"]) == ("UNINCORPORATED", {})


def test_person_row_derives_sex_and_rejects_organisation_fields() -> None:
    kind, row = parse_subject(
        {"subject_type": "自然人", "id_number": PERSON, "name": "张三"}, 1, TODAY
    )
    assert kind.value == "PERSON" and row["props"]["sex"] == "FEMALE"
    assert (
        error(parse_subject, {"id_number": PERSON, "name": "张三", "address": "x"}, 1, TODAY).field
        == "address"
    )


@pytest.mark.parametrize("column", ["religion", "blood_type", "血型", "Medical History", "基因"])
def test_article_14_forbidden_columns_are_refused(column: str) -> None:
    err = error(parse_subject, {"id_number": PERSON, "name": "张三", column: "x"}, 1, TODAY)
    assert (err.code, err.field) == ("FORBIDDEN_INFORMATION", column)


def test_unknown_columns_and_bad_codes_are_refused_with_field_and_value() -> None:
    assert (
        error(parse_subject, {"uscc": ORG, "name": "a", "colour": "red"}, 1, TODAY).code
        == "UNKNOWN_FIELD"
    )
    err = error(parse_subject, {"uscc": ORG[:-1] + "M", "name": "a"}, 1, TODAY)
    assert (err.field, err.code, err.value) == ("uscc", "INVALID_USCC", ORG[:-1] + "M")
    assert error(parse_subject, {"uscc": ORG}, 1, TODAY).code == "REQUIRED"


def test_role_needs_a_start_and_an_end_not_before_it() -> None:
    row = parse_role(
        {"id_number": PERSON, "uscc": ORG, "role": "法定代表人", "start": "2020-01-01"}, 1, TODAY
    )
    assert row["kind"] == "LEGAL_REPRESENTATIVE" and row["end"] is None
    assert (
        error(parse_role, {"id_number": PERSON, "uscc": ORG, "role": "DIRECTOR"}, 1, TODAY).field
        == "start"
    )
    err = error(
        parse_role,
        {
            "id_number": PERSON,
            "uscc": ORG,
            "role": "DIRECTOR",
            "start": "2020-01-02",
            "end": "2020-01-01",
        },
        1,
        TODAY,
    )
    assert err.code == "INVALID_PERIOD"
    assert (
        error(
            parse_role,
            {"id_number": PERSON, "uscc": ORG, "role": "CHAIRMAN", "start": "2020-01-01"},
            1,
            TODAY,
        ).code
        == "INVALID_VALUE"
    )


def entry(**extra: str) -> dict[str, str]:
    return {
        "list": "BLACK",
        "uscc": ORG,
        "department": "市工商局",
        "jurisdiction_code": "320800",
        "facts": "提供虚假材料",
        "recognised_on": "2025-03-01",
        **extra,
    }


def test_black_entry_defaults_follow_article_27() -> None:
    row = parse_entry(entry(severity="一般"), 1, DEPARTMENTS, TODAY)
    assert row["departmentId"] == "320800/淮安市市场监督管理局"
    assert row["props"]["validUntil"] == dt.date(2026, 3, 1)
    # Nothing published unless stated; a default applies when the entry is created only.
    assert "disclosure" not in row["props"]
    assert row["defaults"] == {"disclosure": "GOVERNMENT"}
    assert row["status"] == "EXPIRED"  # one year after 2025-03-01 has passed by TODAY
    serious = parse_entry(entry(severity="严重"), 1, DEPARTMENTS, TODAY)
    assert serious["props"]["validUntil"] == dt.date(2028, 3, 1)
    assert serious["status"] == "ACTIVE"
    unstated = parse_entry(entry(), 1, DEPARTMENTS, TODAY)
    assert "severity" not in unstated["props"] and "validUntil" not in unstated["props"]
    assert unstated["defaults"] == {
        "severity": "UNSTATED",
        "disclosure": "GOVERNMENT",
        "validUntil": dt.date(2028, 3, 1),
    }


def test_entry_key_is_stable_and_source_keys_win() -> None:
    a = parse_entry(entry(), 1, DEPARTMENTS, TODAY)
    b = parse_entry(entry(), 9, DEPARTMENTS, TODAY)
    assert a["key"] == b["key"]
    # The source row's digest: the same row on another line or day, not a changed row.
    assert a["digest"] == b["digest"] == parse_entry(entry(), 1, DEPARTMENTS, TODAY_LATER)["digest"]
    assert parse_entry(entry(facts="其他"), 1, DEPARTMENTS, TODAY)["digest"] != a["digest"]
    assert parse_entry(entry(disclosure="政府共享"), 1, DEPARTMENTS, TODAY)["digest"] != a["digest"]
    c = parse_entry(
        entry(source_system="court", source_ref="(2025)苏0802执123号"), 1, DEPARTMENTS, TODAY
    )
    assert c["key"] == "court:(2025)苏0802执123号"


def test_entry_rules() -> None:
    assert error(parse_entry, entry(facts=""), 1, DEPARTMENTS, TODAY).field == "facts"
    assert (
        error(parse_entry, entry(act_on="2025-03-02"), 1, DEPARTMENTS, TODAY).code
        == "INVALID_PERIOD"
    )
    both = entry(id_number=PERSON)
    assert error(parse_entry, both, 1, DEPARTMENTS, TODAY).code == "SUBJECT_REQUIRED"
    assert (
        error(parse_entry, entry(recognised_on="2025-02-30"), 1, DEPARTMENTS, TODAY).code
        == "INVALID_DATE"
    )


def test_departments_resolve_by_alias_within_a_jurisdiction_only() -> None:
    unscoped = entry()
    del unscoped["jurisdiction_code"]
    unscoped["department"] = "市市场监管局"  # written in two cities
    assert error(parse_entry, unscoped, 1, DEPARTMENTS, TODAY).code == "AMBIGUOUS_DEPARTMENT"
    unscoped["department"] = "市工商局"  # one city only
    assert parse_entry(unscoped, 1, DEPARTMENTS, TODAY)["departmentId"].startswith("320800/")
    assert (
        error(
            parse_entry,
            entry(jurisdiction_code="320400", department="市工商局"),
            1,
            DEPARTMENTS,
            TODAY,
        ).code
        == "UNKNOWN_DEPARTMENT"
    )


def test_negative_records_get_article_27_validity() -> None:
    row = parse_record(
        {
            "category": "负面信息",
            "uscc": ORG,
            "type": "行政处罚",
            "department_id": "320800/淮安市市场监督管理局",
            "recorded_on": "2025-01-01",
            "severity": "一般",
        },
        1,
        DEPARTMENTS,
        TODAY,
    )
    assert row["props"]["validUntil"] == dt.date(2026, 1, 1)


def record(**extra: str) -> dict[str, str]:
    return {
        "category": "负面信息",
        "uscc": ORG,
        "type": "行政处罚",
        "department_id": "320800/淮安市市场监督管理局",
        "recorded_on": "2025-01-01",
        **extra,
    }


@pytest.mark.parametrize(
    ("parse", "row", "field"),
    [
        (parse_entry, entry(recognised_on="2099-01-01"), "recognised_on"),
        (parse_entry, entry(recognised_on="2026-11-26"), "recognised_on"),
        (parse_entry, entry(act_on="2026-11-26"), "act_on"),
        (parse_record, record(recorded_on="2026年11月26日"), "recorded_on"),
        (
            parse_role,
            {"id_number": PERSON, "uscc": ORG, "role": "董事", "start": "2027-01-01"},
            "start",
        ),
        (
            parse_subject,
            {"uscc": ORG, "name": "甲", "established_on": "2026-12-01"},
            "established_on",
        ),
    ],
)
def test_dates_of_past_events_after_the_import_day_are_refused(parse, row, field) -> None:
    args = (DEPARTMENTS, TODAY) if parse in (parse_entry, parse_record) else (TODAY,)
    err = error(parse, row, 7, *args)
    assert (err.field, err.code, err.value) == (field, "DATE_IN_FUTURE", row[field])
    assert str(TODAY) in err.reason


def test_the_import_day_itself_and_planned_ends_are_accepted() -> None:
    today = "2026-11-25"
    row = parse_entry(entry(recognised_on=today, valid_until="2099-01-01"), 1, DEPARTMENTS, TODAY)
    assert row["props"]["recognisedOn"] == TODAY
    assert row["props"]["validUntil"] == dt.date(2099, 1, 1)
    assert (
        parse_record(record(recorded_on=today), 1, DEPARTMENTS, TODAY)["props"]["recordedOn"]
        == TODAY
    )
    held = parse_role(
        {"id_number": PERSON, "uscc": ORG, "role": "董事", "start": today, "end": "2029-11-24"},
        1,
        TODAY,
    )
    assert (held["start"], held["end"]) == (TODAY, dt.date(2029, 11, 24))
    _, org = parse_subject({"uscc": ORG, "name": "甲", "established_on": today}, 1, TODAY)
    assert org["props"]["establishedOn"] == TODAY


@pytest.mark.parametrize("system", ["court:2025", "derived", "sha"])
def test_a_source_key_never_collides_with_another_or_with_the_graphs_own(system: str) -> None:
    """court:2025 + x and court + 2025:x would make one key; derived:… and sha:… are the graph's."""
    for parse, row in ((parse_entry, entry()), (parse_record, record())):
        err = error(
            parse, {**row, "source_system": system, "source_ref": "x:1"}, 1, DEPARTMENTS, TODAY
        )
        assert (err.field, err.code, err.value) == ("source_system", "INVALID_VALUE", system)
    assert (
        parse_entry(entry(source_system="court", source_ref="2025:x"), 1, DEPARTMENTS, TODAY)["key"]
        == "court:2025:x"
    )


def test_an_unincorporated_organisation_is_never_recorded_as_a_legal_person() -> None:
    def org_type(**extra: str) -> str:
        return str(
            parse_subject({"uscc": ORG, "name": "甲", **extra}, 1, TODAY)[1]["props"]["orgType"]
        )

    assert org_type(subject_type="非法人组织") == "UNINCORPORATED"
    assert org_type(subject_type="法人") == "LEGAL_PERSON"
    assert org_type(subject_type="ORGANIZATION", org_type="UNINCORPORATED") == "UNINCORPORATED"
    err = error(
        parse_subject,
        {"uscc": ORG, "name": "甲", "subject_type": "非法人组织", "org_type": "LEGAL_PERSON"},
        1,
        TODAY,
    )
    assert (err.field, err.code) == ("org_type", "INVALID_VALUE")
