"""Trusted documents through HTTP: registered ids answer, unknown ids and (when only
registered documents may run) free text are refused with stable codes."""

from __future__ import annotations

import json
from typing import Any

import httpx

from gateway.base.db import Database
from gateway.base.settings import Settings
from gateway.persisted import Documents, document_id
from tests.conftest import DEFAULT_PURPOSE, LiveServer, government_token, unique_uscc
from tests.graph import load_ok

REGISTERED = {d.name: d for d in Documents.load().by_id.values()}
CHECK_ID = REGISTERED["CreditCheck"].id
FREE_TEXT = '{ jurisdiction(code: "320800") { name } }'
UNKNOWN_ID = document_id(FREE_TEXT)


def client(server: LiveServer, settings: Settings) -> httpx.Client:
    return httpx.Client(
        base_url=server.url,
        timeout=60,
        headers={
            "Authorization": f"Bearer {government_token(settings)}",
            "X-Credit-Purpose": DEFAULT_PURPOSE,
        },
    )


def code_of(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


async def _organisation(db: Database) -> str:
    org = unique_uscc()
    await load_ok(db, "subjects", [{"uscc": org, "name": "淮安市登记文档测试有限公司"}])
    return org


def _check_vars(org: str) -> dict[str, Any]:
    return {"subject": {"uscc": org}, "matter": "ADMINISTRATIVE_LICENSING"}


async def test_a_registered_id_answers_as_its_text_does(
    db: Database, gateway: LiveServer, settings: Settings
) -> None:
    org = await _organisation(db)
    with client(gateway, settings) as c:
        by_id = c.post("/graphql", json={"documentId": CHECK_ID, "variables": _check_vars(org)})
        by_text = c.post(
            "/graphql",
            json={"query": REGISTERED["CreditCheck"].text, "variables": _check_vars(org)},
        )
        assert by_id.status_code == 200, by_id.text
        assert by_id.json() == by_text.json()
        answer = by_id.json()["data"]["creditCheck"]
        assert answer["found"] and answer["decision"] == "CLEAR"
        assert answer["subject"]["uscc"] == org
        # GET takes the id as a query parameter, as it takes query
        got = c.get(
            "/graphql", params={"documentId": CHECK_ID, "variables": json.dumps(_check_vars(org))}
        )
        assert got.status_code == 200 and got.json() == by_id.json()


async def test_an_unknown_id_is_refused_with_its_code(
    gateway: LiveServer, trusted_gateway: LiveServer, settings: Settings
) -> None:
    for server in (gateway, trusted_gateway):
        with client(server, settings) as c:
            r = c.post("/graphql", json={"documentId": UNKNOWN_ID})
            assert r.status_code == 400 and code_of(r) == "PERSISTED_QUERY_NOT_FOUND"
            assert r.json()["errors"][0]["extensions"]["value"] == UNKNOWN_ID
            r = c.post("/graphql", json={"documentId": 7})
            assert r.status_code == 400 and code_of(r) == "PERSISTED_QUERY_NOT_FOUND"
            r = c.post("/graphql", json={"documentId": CHECK_ID, "query": FREE_TEXT})
            assert r.status_code == 400 and code_of(r) == "BAD_USER_INPUT"
            assert "Traceback" not in r.text


def test_free_text_is_refused_only_when_the_setting_is_on(
    gateway: LiveServer, trusted_gateway: LiveServer, settings: Settings
) -> None:
    with client(gateway, settings) as c:
        r = c.post("/graphql", json={"query": FREE_TEXT})
        assert r.json() == {"data": {"jurisdiction": {"name": "淮安市"}}}
    with client(trusted_gateway, settings) as c:
        r = c.post("/graphql", json={"query": FREE_TEXT})
        assert r.status_code == 400 and code_of(r) == "PERSISTED_QUERY_REQUIRED"
        assert "data" not in r.json()
        r = c.get("/graphql", params={"query": FREE_TEXT})
        assert r.status_code == 400 and code_of(r) == "PERSISTED_QUERY_REQUIRED"
        # the public portal is not restricted by the setting
        r = c.post("/public/graphql", json={"query": FREE_TEXT})
        assert r.json() == {"data": {"jurisdiction": {"name": "淮安市"}}}


async def test_registered_documents_run_where_only_they_may(
    db: Database, trusted_gateway: LiveServer, settings: Settings
) -> None:
    org = await _organisation(db)
    with client(trusted_gateway, settings) as c:
        by_id = c.post("/graphql", json={"documentId": CHECK_ID, "variables": _check_vars(org)})
        assert by_id.status_code == 200 and by_id.json()["data"]["creditCheck"]["found"]
        # the registered text itself is a registered document
        by_text = c.post(
            "/graphql",
            json={"query": REGISTERED["CreditCheck"].text, "variables": _check_vars(org)},
        )
        assert by_text.json() == by_id.json()
        # one character more is another document
        r = c.post(
            "/graphql",
            json={"query": REGISTERED["CreditCheck"].text + " ", "variables": _check_vars(org)},
        )
        assert code_of(r) == "PERSISTED_QUERY_REQUIRED"
