"""The public portal (/public/graphql): a schema without non-public fields, and data to match.

Introspection must show none of: the disclosure class, severity, full ID numbers, credit
records, entry history (status, asOf, end dates and reasons), source systems, consents,
the register, credit checks, roles, or any government type. A sweep of public queries
over a dataset of all three classes must return no planted non-public value.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from gateway.base.db import Database
from tests.integration.audiences import SENTINEL, sentinel_world

PUBLIC = "/public/graphql"

# Names that carry non-public information or belong to the government audience only.
FORBIDDEN_FIELDS = {
    "idNumber",
    "disclosure",
    "severity",
    "creditRecords",
    "consents",
    "auditEvents",
    "myAccessLog",
    "creditCheck",
    "creditCheckBatch",
    "status",
    "endedOn",
    "endReason",
    "sourceSystem",
    "sourceRef",
    "roles",
    "searchSubjects",
    "subject",
    "person",
    "source",
    "derivedRoles",
    "grantConsent",
    "revokeConsent",
    "purpose",
    "content",
}
FORBIDDEN_ARGUMENTS = {
    "disclosure",
    "severity",
    "status",
    "asOf",
    "currentOnly",
    "category",
    "idNumber",
    "orderBy",
    "sort",
}
FORBIDDEN_TYPES = {
    "Organization",
    "Person",
    "Subject",
    "ListEntry",
    "CreditRecord",
    "Consent",
    "AuditEvent",
    "AccessLogEntry",
    "CreditCheck",
    "CreditHit",
    "Role",
    "Disclosure",
    "Severity",
    "EntryStatus",
    "RecordCategory",
    "ConsentScope",
    "Mutation",
}
PUBLISHED_ENTRY_FIELDS = {
    "kind",
    "domain",
    "category",
    "facts",
    "basis",
    "decisionDocument",
    "documentNumber",
    "recognisedOn",
    "validUntil",
    "recognisingDepartment",
    "derived",
    "disputed",
    "throughOrganization",
}

INTROSPECT = """{ __schema { mutationType { name } types { name kind
  fields(includeDeprecated: true) { name args { name } }
  inputFields { name } } } }"""


@pytest.fixture(scope="module")
async def world(db: Database) -> dict[str, Any]:
    return await sentinel_world(db, "公")


def test_the_public_schema_has_no_non_public_type_field_or_argument(gql: Any) -> None:
    schema = gql(INTROSPECT, path=PUBLIC, headers={})["data"]["__schema"]
    assert schema["mutationType"] is None
    types = {t["name"]: t for t in schema["types"] if not t["name"].startswith("__")}
    assert not FORBIDDEN_TYPES & set(types), FORBIDDEN_TYPES & set(types)
    for t in types.values():
        fields = {f["name"] for f in (t["fields"] or []) + (t["inputFields"] or [])}
        args = {a["name"] for f in t["fields"] or () for a in f["args"]}
        assert not FORBIDDEN_FIELDS & fields, (t["name"], FORBIDDEN_FIELDS & fields)
        assert not FORBIDDEN_ARGUMENTS & args, (t["name"], FORBIDDEN_ARGUMENTS & args)
    assert {f["name"] for f in types["PublicListEntry"]["fields"]} == PUBLISHED_ENTRY_FIELDS
    person = {f["name"] for f in types["PublicPerson"]["fields"]}
    assert person == {"name", "kind", "listEntries", "sex", "age", "idNumberMasked", "workUnit"}
    assert "id" not in {f["name"] for f in types["PublicOrganization"]["fields"]}


SWEEP = [
    (
        "query($t: String!) { search(text: $t, first: 20) { edges { node { __typename name kind "
        "... on PublicOrganization { uscc address nature orgType establishedOn "
        "legalRepresentativeName jurisdiction { name } } "
        "... on PublicPerson { sex age idNumberMasked workUnit } "
        "listEntries(first: 10) { kind domain category facts basis decisionDocument documentNumber "
        "recognisedOn validUntil derived recognisingDepartment { id name aliases } "
        "throughOrganization { name uscc } } } } pageInfo { hasNextPage endCursor } } }"
    ),
    "query($u: String!) { organization(uscc: $u) { name listEntries(kind: BLACK) { facts "
    "basis documentNumber decisionDocument } } }",
    "query($u: String!) { search(text: $u) { edges { node { name listEntries(kind: RED) "
    "{ category } } } } }",
]


def test_a_sweep_of_public_queries_returns_no_restricted_value(
    gql: Any, world: dict[str, Any]
) -> None:
    texts: list[str] = []
    for term in ("哨兵", "哨兵公", "物流", "代表", "隐者", world["hidden_name"]):
        texts.append(gql.bare.post(PUBLIC, json={"query": SWEEP[0], "variables": {"t": term}}).text)
    for uscc in (world["org"], world["red_org"], world["org"].lower()):
        texts.append(gql.bare.post(PUBLIC, json={"query": SWEEP[1], "variables": {"u": uscc}}).text)
        texts.append(gql.bare.post(PUBLIC, json={"query": SWEEP[2], "variables": {"u": uscc}}).text)
        texts.append(
            gql.bare.get(PUBLIC, params={"query": SWEEP[0], "variables": f'{{"t": "{uscc}"}}'}).text
        )
    everything = "\n".join(texts)
    assert "errors" not in everything, everything[:2000]
    assert SENTINEL not in everything
    for number in (world["rep"], world["hidden"]):
        assert number not in everything and number[6:14] not in everything  # nor the birth date
    assert world["hidden_name"] not in everything  # known only to government
    # What is published is there: the active public entries, the masked number, the red list.
    assert "公开的失信事实甲" in everything and "本人公开失信事实乙" in everything
    assert world["rep"][:6] + "*" * 12 in everything and "纳税信用A级" in everything


def test_only_active_public_entries_with_the_published_fields(
    gql: Any, world: dict[str, Any]
) -> None:
    q = """query($u: String!) { organization(uscc: $u) { name legalRepresentativeName
      listEntries { kind facts recognisedOn validUntil recognisingDepartment { name } } } }"""
    org = gql(q, {"u": world["org"]}, path=PUBLIC, headers={})["data"]["organization"]
    assert org["legalRepresentativeName"] == "哨兵公代表"
    assert [e["facts"] for e in org["listEntries"]] == ["公开的失信事实甲"]
    assert org["listEntries"][0]["recognisingDepartment"] == {"name": "淮安市市场监督管理局"}
    people = gql(
        '{ search(text: "哨兵公代表") { edges { node { name ... on PublicPerson '
        "{ idNumberMasked age listEntries { facts derived } } } } } }",
        path=PUBLIC,
        headers={},
    )["data"]["search"]["edges"]
    [person] = [e["node"] for e in people if e["node"]["name"] == "哨兵公代表"]
    assert re.fullmatch(r"\d{6}\*{12}", person["idNumberMasked"])
    assert sorted((e["facts"], e["derived"]) for e in person["listEntries"]) == [
        ("公开的失信事实甲", True),
        ("本人公开失信事实乙", False),
    ]


def test_restricted_arguments_do_not_exist(gql: Any, world: dict[str, Any]) -> None:
    for q in (
        '{ organization(uscc: "%s") { listEntries(status: EXPIRED) { facts } } }',
        '{ organization(uscc: "%s") { listEntries(asOf: "2020-01-01") { facts } } }',
        '{ organization(uscc: "%s") { creditRecords { content } } }',
        '{ search(text: "%s", disclosure: GOVERNMENT) { edges { cursor } } }',
    ):
        body = gql(q % world["org"], path=PUBLIC, headers={})
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert SENTINEL not in str(body)


def test_depth_cost_and_page_limits_answer_with_their_code(gql: Any) -> None:
    deep = (
        "{ jurisdictionTree { children { children { children { children { children "
        "{ children { children { name } } } } } } } } }"
    )
    err = gql(deep, path=PUBLIC, headers={})["errors"][0]
    assert err["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert {e["extensions"]["limit"] for e in gql(deep, path=PUBLIC, headers={})["errors"]} == {
        "depth",
        "cost",
    }
    costly = (
        '{ search(text: "哨兵", first: 50) { edges { node { listEntries(first: 50) '
        "{ recognisingDepartment { jurisdiction { name } } } } } } }"
    )
    err = gql(costly, path=PUBLIC, headers={})["errors"][0]
    assert (err["extensions"]["code"], err["extensions"]["limit"]) == ("QUERY_TOO_COMPLEX", "cost")
    page = gql('{ search(text: "哨兵", first: 51) { edges { cursor } } }', path=PUBLIC, headers={})
    assert page["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert page["errors"][0]["extensions"]["limit"] == "page"
