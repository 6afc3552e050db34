"""Compiled reads against the per-field path for any root field, and query counting.

``tests/integration/test_compiled_reads.py`` compares the subject lookups; this module
lends its generator, its comparison (``_alike``, with the one tolerated difference) and
its two gateways (``legacy``, ``compiled``) to the other root fields' tests. Root fields
answered as fixed maps (repair eligibility, the investigators' graphs) have no field
declarations, so the generator here selects from every field of a type.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from graphql import (
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
)
from graphql import get_named_type as named_type

from gateway.db import Database
from tests.conftest import LiveServer
from tests.integration.test_compiled_reads import (
    SCHEMA,
    SKIP_FIELDS,
    Generator,
    _alike,
    _literal,
    _normalised,
    _register,
    compiled,
    legacy,
)

__all__ = ["compare", "compiled", "count_queries", "legacy", "request"]


RUN = uuid.uuid4().hex[:8]  # names this run's operations apart from every other's


class AnyFields(Generator):
    """Random selections over every field of a type (declared or not)."""

    def fields(self, type_: Any, depth: int, plain: bool = False) -> str:
        names = [n for n in type_.fields if n not in SKIP_FIELDS]
        chosen = self.rng.sample(names, min(len(names), self.rng.randint(1, 5)))
        out = []
        if self.rng.random() < 0.2:
            out.append("__typename")
        for name in chosen:
            field = type_.fields[name]
            child = named_type(field.type)
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
                inner = self.selection(field.type, depth - 1)
                if self.rng.random() < 0.2 and isinstance(child, GraphQLObjectType):
                    fragment = f"F{len(self.fragments)}"
                    self.fragments.append(f"fragment {fragment} on {child.name} {{ {inner} }}")
                    inner = f"...{fragment}"
                text += f" {{ {inner} }}"
            out.append(text)
        return " ".join(out) or "__typename"


def request(seed: int, roots: list[str], depth: int = 3) -> tuple[str, dict[str, Any]]:
    """A generated request on one of ``roots``: a root field with its arguments (written
    out), or a bare name whose optional arguments the generator draws."""
    g = AnyFields(seed)
    root = g.rng.choice(roots)
    name = root.split("(")[0]
    field = SCHEMA.query_type.fields[name]  # type: ignore[union-attr]
    call = root if "(" in root else f"{name}{g.arguments(field)}"
    target = named_type(field.type)
    if isinstance(target, GraphQLObjectType | GraphQLInterfaceType):
        body = f"{call} {{ {g.selection(field.type, depth)} }}"
    else:
        body = call
    definitions = ", ".join(f"${n}: {t}" for n, (t, _) in g.variables.items())
    head = f"query OPERATION({definitions})" if definitions else "query OPERATION"
    query = f"{head} {{ {body} }} {' '.join(g.fragments)}"
    return query, {n: _literal(v) for n, (_, v) in g.variables.items()}


async def compare(
    db: Database,
    legacy: LiveServer,
    compiled: LiveServer,
    roots: list[str],
    audiences: dict[str, dict[str, str]],
    seeds: range,
    depth: int = 3,
) -> int:
    """Send each generated request to both gateways as one audience (by turns); the answers
    and register entries must be alike. Returns how many requests answered without error
    on both paths (a comparison of nothing but refusals would prove little)."""
    answered = 0
    names = list(audiences)
    with httpx.Client(timeout=60) as client:
        for seed in seeds:
            query, variables = request(seed, roots, depth)
            audience = names[seed % len(names)]
            bodies = []
            for server, tag in ((legacy, "L"), (compiled, "C")):
                op = f"Q{RUN}x{seed}{tag}"  # the register is searched by it: unique
                response = client.post(
                    f"{server.url}/graphql",
                    headers=audiences[audience],
                    json={"query": query.replace("OPERATION", op, 1), "variables": variables},
                )
                assert response.status_code == 200, response.text
                bodies.append(_normalised(response.json()))
            registers = [await _register(db, f"Q{RUN}x{seed}{tag}") for tag in "LC"]
            if not _alike(bodies, registers):
                print("AUDIENCE", audience, "\nQUERY", query, "\nVARIABLES", variables)
                print("LEGACY", bodies[0], registers[0], "\nCOMPILED", bodies[1], registers[1])
            assert _alike(bodies, registers), (audience, query, variables)
            answered += not bodies[0]["errors"]
    return answered


def count_queries(
    server: LiveServer, headers: dict[str, str], query: str, variables: dict[str, Any] | None = None
) -> tuple[dict[str, Any], int]:
    """The answer to one request and the Cypher queries the gateway ran for it."""
    before = server.queries
    response = httpx.post(
        f"{server.url}/graphql",
        headers=headers,
        timeout=60,
        json={"query": query, "variables": variables or {}},
    )
    assert response.status_code == 200, response.text
    return response.json(), server.queries - before
