"""Queries of compiled root fields answered without graphql-core's executor
(``gateway/shaped_roots.py``) answer exactly what graphql-core's execution answers:
the same body, byte for byte, for selections with aliases, fragments, variables and
conditions, several root fields, nulls, errors and root fields that are not compiled."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gateway.base.db import Database
from gateway.shaped_roots import ShapedRoots
from tests.conftest import unique_uscc
from tests.graph import represented_organisation
from tests.integration.audiences import DEPT

ORGANIZATION = """query Worked($u: String!) { organization(uscc: $u) {
  name
  legalRepresentative { name }
  listEntries(kind: BLACK) {
    category severity status validUntil
    recognisingDepartment { name level }
  }
} }"""

TWO_ROOTS = """query($u: String!, $v: String!, $skip: Boolean!) {
  first: organization(uscc: $u) { ...Named __typename
    entries: listEntries { kind ... on ListEntry { facts @skip(if: $skip) } } }
  second: organization(uscc: $v) { name }
  documents: policyDocuments { title }
}
fragment Named on Organization { label: name uscc }"""

SEARCH_AND_ONE = """query($u: String!) {
  found: searchSubjects(name: "影子测试") { edges { node { name } } }
  organization(uscc: $u) { name }
}"""

ONE_FAILS = """query($u: String!) {
  good: organization(uscc: $u) { name }
  bad: organization(uscc: "not-a-code") { name }
}"""

PUBLIC = """query($u: String!) { organization(uscc: $u) {
  name listEntries { kind facts recognisingDepartment { name } } } }"""


class _Road:
    """Which road each operation took: ``answered`` on the plain one, ``replayed``
    through graphql-core with the outcomes in hand."""

    def __init__(self) -> None:
        self.answered = 0
        self.replayed = 0


@pytest.fixture
def road(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Road]:
    seen = _Road()
    run, replay = ShapedRoots.run, ShapedRoots._replay

    async def counted_run(self: ShapedRoots, *args: Any) -> Any:
        before = seen.replayed
        result = await run(self, *args)
        if result is not None and seen.replayed == before:
            seen.answered += 1
        return result

    async def counted_replay(self: ShapedRoots, *args: Any) -> Any:
        seen.replayed += 1
        return await replay(self, *args)

    monkeypatch.setattr(ShapedRoots, "run", counted_run)
    monkeypatch.setattr(ShapedRoots, "_replay", counted_replay)
    yield seen


def _both(
    gql: Any, monkeypatch: pytest.MonkeyPatch, query: str, variables: dict[str, Any], **kw: Any
) -> dict[str, Any]:
    """The body on the gateway's road, asserted equal to graphql-core's own execution's."""
    body = gql(query, variables, **kw)
    with monkeypatch.context() as off:
        off.setattr(ShapedRoots, "operation", lambda *_: None)
        assert gql(query, variables, **kw) == body
    return body


@pytest.fixture(scope="module")
async def org(db: Database) -> str:
    return await represented_organisation(
        db, "影子测试物流有限公司", "影子代表", DEPT, ["PUBLIC", "GOVERNMENT"]
    )


def test_compiled_roots_answer_as_the_executor_does(
    gql: Any, monkeypatch: pytest.MonkeyPatch, road: _Road, org: str
) -> None:
    body = _both(gql, monkeypatch, ORGANIZATION, {"u": org})
    assert body["data"]["organization"]["legalRepresentative"] == {"name": "影子代表"}
    assert len(body["data"]["organization"]["listEntries"]) == 2
    other = unique_uscc()  # valid, unknown: a null answer
    for skip in (True, False):
        body = _both(gql, monkeypatch, TWO_ROOTS, {"u": org, "v": other, "skip": skip})
        first = body["data"]["first"]
        assert first["label"] == "影子测试物流有限公司" and first["__typename"] == "Organization"
        assert all(("facts" in e) is not skip for e in first["entries"])
        assert body["data"]["second"] is None
        assert isinstance(body["data"]["documents"], list)
    public = _both(gql, monkeypatch, PUBLIC, {"u": org}, path="/public/graphql", headers={})
    assert [e["facts"] for e in public["data"]["organization"]["listEntries"]] == ["影子PUBLIC"]
    assert road.answered == 4 and road.replayed == 0


def test_errors_and_other_answers_are_completed_by_graphql_core(
    gql: Any, monkeypatch: pytest.MonkeyPatch, road: _Road, org: str
) -> None:
    bad = _both(gql, monkeypatch, ORGANIZATION, {"u": "not-a-code"})
    assert bad["data"] == {"organization": None}
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_USCC"
    assert bad["errors"][0]["path"] == ["organization"]
    assert road.replayed == 1
    # one root field of two fails: the other's answer stands
    partial = _both(gql, monkeypatch, ONE_FAILS, {"u": org})
    assert partial["data"] == {"good": {"name": "影子测试物流有限公司"}, "bad": None}
    assert [e["path"] for e in partial["errors"]] == [["bad"]]
    assert road.replayed == 2
    # a variable that does not coerce: graphql-core reports it, no resolver runs
    missing = _both(gql, monkeypatch, ORGANIZATION, {})
    assert "data" not in missing or missing["data"] is None
    assert road.replayed == 2 and road.answered == 0
    # a root field answering plain data (a search page) is completed by graphql-core,
    # then its operations go there directly
    mixed = _both(gql, monkeypatch, SEARCH_AND_ONE, {"u": org})
    assert mixed["data"]["organization"] == {"name": "影子测试物流有限公司"}
    assert mixed["data"]["found"]["edges"][0]["node"]["name"] == "影子测试物流有限公司"
    replayed = road.replayed
    assert replayed <= 3  # replayed once, unless an earlier test already taught it
    _both(gql, monkeypatch, SEARCH_AND_ONE, {"u": org})
    assert road.replayed == replayed
