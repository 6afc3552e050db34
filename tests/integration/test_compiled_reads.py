"""Compiled reads against the per-field resolvers: generated selections, identical answers.

Two gateways serve the same graph: one answers reads with one compiled Cypher query per
root field (the default), the other through the per-field resolvers and DataLoaders
(``CREDIT_GRAPH_READ_PATH=legacy``). Many generated requests (fields, aliases, named
and inline fragments, arguments, ``@skip``/``@include``, ``__typename``) go to both, as
several audiences (officers with and without a purpose, a subject reading itself, a bank
relying on a consent); the answers (data and errors) and the register entries they
leave must be identical.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
)

from gateway.app import create_app
from gateway.db import Database
from gateway.settings import Settings
from graph_schema.fields import Assembled
from loaders.selection import declaration_of
from resolvers.schema import government_schema
from tests.conftest import LiveServer, free_port, unique_uscc
from tests.graph import load_ok
from tests.integration.audiences import bearer, sentinel_world, subject_headers, subject_id
from tests.integration.test_audiences_consent import grant

SCHEMA: GraphQLSchema = government_schema()._schema
SKIP_FIELDS: set[str] = set()
SEEDS = int(os.environ.get("CREDIT_GRAPH_DIFFERENTIAL_SEEDS", "240"))
DATES = ["2019-06-01", "2026-03-15", "2026-10-15", "2030-01-01"]


RUN = uuid.uuid4().hex[:8]  # names this run's operations apart from every other's


class Generator:
    """Random selections over the compiled part of the schema."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fragments: list[str] = []
        self.variables: dict[str, Any] = {}
        self.declared: list[str] = []

    def arguments(self, field: Any) -> str:
        parts = []
        for name, arg in field.args.items():
            if self.rng.random() < 0.5 and not isinstance(arg.type, GraphQLNonNull):
                continue
            named = get_named_type(arg.type)
            if isinstance(named, GraphQLEnumType):
                values = list(named.values)
                if isinstance(_unwrap(arg.type), GraphQLList):
                    value = "[" + ", ".join(self.rng.sample(values, self.rng.randint(1, 2))) + "]"
                else:
                    value = self.rng.choice(values)
            elif named.name == "Date":
                value = f'"{self.rng.choice(DATES)}"'
            elif named.name == "Boolean":
                value = self.rng.choice(["true", "false"])
            else:
                continue
            if self.rng.random() < 0.3:  # sometimes through a variable
                var = f"v{len(self.variables)}"
                self.variables[var] = (str(arg.type), value)
                value = f"${var}"
            parts.append(f"{name}: {value}")
        return f"({', '.join(parts)})" if parts else ""

    def selection(self, type_: Any, depth: int, plain: bool = False) -> str:
        named = get_named_type(type_)
        if isinstance(named, GraphQLInterfaceType):
            parts = [self.fields(named, depth)]
            for possible in SCHEMA.get_possible_types(named):
                if self.rng.random() < 0.7:
                    parts.append(f"... on {possible.name} {{ {self.fields(possible, depth)} }}")
            return " ".join(parts)
        return self.fields(named, depth, plain)

    def fields(self, type_: Any, depth: int, plain: bool = False) -> str:
        """``plain``: inside an answer assembled in Python (a credit check), every field."""
        names = [n for n in type_.fields if n not in SKIP_FIELDS
                 and (plain or isinstance(type_, GraphQLInterfaceType)
                      or declaration_of(type_, n))]
        chosen = self.rng.sample(names, min(len(names), self.rng.randint(1, 5)))
        out = []
        if self.rng.random() < 0.2:
            out.append("__typename")
        for name in chosen:
            field = type_.fields[name]
            child = get_named_type(field.type)
            composite = not isinstance(child, GraphQLScalarType | GraphQLEnumType)
            if composite and depth <= 0:
                continue
            alias = f"a{self.rng.randint(0, 9)}_{name}: " if self.rng.random() < 0.3 else ""
            text = f"{alias}{name}{self.arguments(field)}"
            if self.rng.random() < 0.1:
                var = f"c{len(self.variables)}"
                self.variables[var] = ("Boolean!", self.rng.choice(["true", "false"]))
                text += f" @{self.rng.choice(['skip', 'include'])}(if: ${var})"
            if composite:
                inner_plain = plain or isinstance(declaration_of(type_, name), Assembled) \
                    if isinstance(type_, GraphQLObjectType) else plain
                inner = self.selection(field.type, depth - 1, inner_plain)
                if self.rng.random() < 0.2 and isinstance(child, GraphQLObjectType):
                    fragment = f"F{len(self.fragments)}"
                    self.fragments.append(f"fragment {fragment} on {child.name} {{ {inner} }}")
                    inner = f"...{fragment}"
                text += f" {{ {inner} }}"
            out.append(text)
        return " ".join(out) or "__typename"


def _unwrap(t: Any) -> Any:
    return t.of_type if isinstance(t, GraphQLNonNull) else t


def _literal(value: str) -> Any:
    if value in ("true", "false"):
        return value == "true"
    if value.startswith("["):
        return [v.strip() for v in value[1:-1].split(",")]
    return value.strip('"')


def request(seed: int, roots: list[str]) -> tuple[str, dict[str, Any]]:
    g = Generator(seed)
    root = g.rng.choice(roots)
    field = SCHEMA.query_type.fields[root.split("(")[0]]  # type: ignore[union-attr]
    if root.startswith("searchSubjects"):
        node = g.selection(SCHEMA.get_type("Subject"), 3)
        body = f"{root} {{ edges {{ cursor node {{ {node} }} }} }}"
    else:
        body = f"{root} {{ {g.selection(field.type, 3)} }}"
    definitions = ", ".join(f"${name}: {t}" for name, (t, _) in g.variables.items())
    head = f"query OPERATION({definitions})" if definitions else "query OPERATION"
    query = f"{head} {{ {body} }} {' '.join(g.fragments)}"
    return query, {name: _literal(v) for name, (_, v) in g.variables.items()}


@pytest.fixture(scope="module")
def legacy(settings: Settings, db: Database) -> Iterator[LiveServer]:
    server = LiveServer(create_app(settings.with_(read_path="legacy", audit_write="request")),
                        free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def compiled(settings: Settings, db: Database) -> Iterator[LiveServer]:
    server = LiveServer(create_app(settings.with_(audit_write="request")), free_port())
    server.start()
    yield server
    server.stop()


def _normalised(body: dict[str, Any]) -> dict[str, Any]:
    errors = sorted(({"path": e.get("path"), "code": e["extensions"]["code"],
                      "message": e["message"]} for e in body.get("errors") or ()),
                    key=lambda e: str(e["path"]))
    return {"data": body.get("data"), "errors": errors}


def _alike(bodies: list[dict[str, Any]], registers: list[list[dict[str, Any]]]) -> bool:
    """Identical data, errors and register entries; except where errors made a null
    propagate: which of the failing fields is reported, and which of its siblings still
    ran (and registered a sight or a refusal the null then hid), follows the per-field
    resolvers' completion order on one path and selection order on the other. Then the
    data and the error codes must be identical."""
    if bodies[0]["data"] != bodies[1]["data"]:
        return False
    if bodies[0]["errors"] == bodies[1]["errors"] and registers[0] == registers[1]:
        return True
    if not bodies[0]["errors"]:
        return False
    codes = [{e["code"] for e in b["errors"]} for b in bodies]
    return codes[0] == codes[1]


async def _register(db: Database, operation: str) -> list[dict[str, Any]]:
    rows = await db.read(
        "MATCH (a:AuditEvent {operationName: $op})-[:ABOUT]->(s:Subject) "
        "OPTIONAL MATCH (a)-[:UNDER]->(c:Consent) "
        "RETURN s.id AS subject, a.operations AS operations, a.fields AS fields, "
        "a.classes AS classes, a.outcome AS outcome, a.purpose AS purpose, "
        "collect(c.id) AS consents ORDER BY subject", {"op": operation})
    return [dict(r) for r in rows]


@pytest.fixture(scope="module")
async def world(db: Database, gql: Any, settings: Settings) -> dict[str, Any]:
    w = await sentinel_world(db, "差分")
    bank_uscc = unique_uscc()
    await load_ok(db, "subjects", [{"uscc": bank_uscc, "name": "淮安差分核查银行"}])
    await load_ok(db, "roles", [
        {"id_number": w["rep"], "uscc": w["red_org"], "role": "DIRECTOR", "start": "2018-01-01",
         "end": "2026-06-30"},
        {"id_number": w["hidden"], "uscc": w["org"], "role": "SUPERVISOR",
         "start": "2021-03-01"}])
    bank_id = await subject_id(db, uscc=bank_uscc)
    me = subject_headers(settings, w["rep_id"])
    granted = grant(gql, me, w["rep_id"], ["AUTHORISED", "ID_NUMBER"], {"uscc": bank_uscc})
    assert "errors" not in granted, granted
    w["bank_id"] = bank_id
    return w


def _audiences(settings: Settings, w: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {
        "officer": bearer(settings),
        "officer-no-purpose": bearer(settings, purpose=None),
        "approval-other-dept": bearer(settings, roles=["approval"],
                                      dept="320800/国家税务总局淮安市税务局"),
        "self": subject_headers(settings, w["rep_id"]),
        "bank-consent": subject_headers(settings, w["bank_id"], purpose="贷款审查",
                                        sub="bank-clerk-d", consent="*"),
        "bank-no-consent": subject_headers(settings, w["bank_id"], purpose="贷款审查",
                                           sub="bank-clerk-e"),
    }


async def test_generated_selections_answer_alike_on_both_paths(
        world: dict[str, Any], settings: Settings, db: Database, legacy: LiveServer,
        compiled: LiveServer) -> None:
    w = world
    roots = [f'organization(uscc: "{w["org"]}")', f'organization(uscc: "{w["red_org"]}")',
             f'person(idNumber: "{w["rep"]}")', f'person(idNumber: "{w["hidden"]}")',
             f'subject(ref: {{id: "{w["rep_id"]}"}})', f'subject(ref: {{uscc: "{w["org"]}"}})',
             'searchSubjects(name: "哨兵差分")', f'searchSubjects(name: "{w["org"]}")']
    audiences = _audiences(settings, w)
    compared = differing = 0
    with httpx.Client(timeout=60) as client:
        for seed in range(SEEDS):
            query, variables = request(seed, roots)
            name = list(audiences)[seed % len(audiences)]
            headers = audiences[name]
            bodies = []
            for server, tag in ((legacy, "L"), (compiled, "C")):
                op = f"Q{RUN}x{seed}{tag}"  # the register is searched by it: unique
                response = client.post(f"{server.url}/graphql", headers=headers,
                                       json={"query": query.replace("OPERATION", op, 1),
                                             "variables": variables})
                assert response.status_code == 200, response.text
                bodies.append(_normalised(response.json()))
            registers = [await _register(db, f"Q{RUN}x{seed}{tag}") for tag in "LC"]
            compared += 1
            if not _alike(bodies, registers):
                differing += 1
                print("AUDIENCE", name, "\nQUERY", query, "\nVARIABLES", variables)
                print("LEGACY", bodies[0], registers[0], "\nCOMPILED", bodies[1], registers[1])
            assert _alike(bodies, registers), (name, query, variables)
    assert compared == SEEDS and differing == 0
