"""HTTP behaviour: health, readiness, and clear errors for bad requests."""

from __future__ import annotations

from typing import Any

from tests.conftest import LiveServer


def test_health_and_readiness(gql: Any) -> None:
    assert gql.client.get("/healthz").json() == {"status": "alive"}
    ready = gql.client.get("/readyz").json()
    assert ready["status"] == "ready"
    assert ready["register"]["mode"] == "background" and ready["register"]["failing"] is False


def test_bad_requests_get_codes_not_stack_traces(gql: Any, gateway: LiveServer) -> None:
    c = gql.client
    r = c.post("/graphql", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    r = c.post("/graphql", json={"query": "{ subject("})
    assert r.status_code == 400
    assert r.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    r = c.post("/graphql", json={"query": "{ noSuchField }"})
    assert r.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    r = c.post(
        "/graphql",
        json={
            "query": "query($d: Date) { organization(uscc: "
            '"91110000600037341L") { listEntries(asOf: $d) { id } } }',
            "variables": {"d": "2024-13-45"},
        },
    )
    body = r.json()
    assert r.status_code == 200 and body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Traceback" not in r.text
    r = c.post("/graphql", json={"query": '{ subject(ref: {uscc: "a", idNumber: "b"}) { id } }'})
    assert r.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "exactly one" in r.json()["errors"][0]["message"]


def test_get_serves_queries_and_graphiql(gql: Any) -> None:
    r = gql.client.get(
        "/graphql", params={"query": '{ jurisdiction(code: "320800") { name level } }'}
    )
    assert r.json() == {"data": {"jurisdiction": {"name": "淮安市", "level": "MUNICIPAL"}}}
    page = gql.client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


def test_jurisdiction_tree_and_departments(gql: Any) -> None:
    q = """{ jurisdiction(code: "320281") { fullName level parent { name parent { name } }
             departments { name } } }"""
    j = gql(q)["data"]["jurisdiction"]
    assert j["level"] == "COUNTY" and j["parent"]["name"] == "无锡市"
    assert j["parent"]["parent"]["name"] == "江苏省"
    assert "江阴市市场监督管理局" in [d["name"] for d in j["departments"]]
