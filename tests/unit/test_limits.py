"""Depth and cost rules on the public schema, the token bucket, the client address."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse
from starlette.requests import Request

from gateway.base.errors import QueryTooComplex
from gateway.limits import (
    DocumentLimits,
    RateLimiter,
    client_address,
    measure_document,
)
from graph_schema.paging import check_page
from resolvers.public import public_schema

SCHEMA = public_schema()._schema


def codes(
    query: str,
    *,
    depth: int = 8,
    cost: int = 500,
    page: int = 50,
    fields: int | None = None,
    nesting: int = 64,
) -> list[Any]:
    limits = DocumentLimits(
        max_tokens=10**6,
        max_source=10**9,
        max_depth=depth,
        max_cost=cost,
        max_page=page,
        max_fields=fields,
        max_nesting=nesting,
    )
    return [
        (e.extensions or {}).get("limit") for e in measure_document(SCHEMA, parse(query), limits)
    ]


SEARCH = """query($n: Int) { search(text: "华宏", first: %s) { edges { node { name
  listEntries { facts recognisingDepartment { name } } } } } }"""


def test_depth_counts_fields_through_fragments_but_not_introspection() -> None:
    deep = (
        "{ jurisdictionTree { children { children { children { children { children { "
        "children { children { name } } } } } } } } }"
    )
    assert codes(deep, cost=10**9) == ["depth"]
    assert codes(deep, depth=9, cost=10**9) == []
    fragment = (
        "{ jurisdictionTree { ...F } } fragment F on Jurisdiction { children { children {"
        " children { children { children { children { children { name } } } } } } } }"
    )
    assert codes(fragment, cost=10**9) == ["depth"]
    introspection = (
        "{ __schema { types { fields { type { ofType { ofType { ofType { ofType "
        "{ ofType { name } } } } } } } } } }"
    )
    assert codes(introspection, depth=2) == []


def test_cost_multiplies_by_page_sizes_and_takes_the_worst_case_for_variables() -> None:
    # search → edges × 20 → (node → listEntries × 10 → department): 1 + 1 + 20 × (1 + 1 + 10)
    assert codes(SEARCH % "20", cost=242) == []
    assert codes(SEARCH % "20", cost=241) == ["cost"]
    assert codes(SEARCH % "$n", cost=1000) == []  # 50 × 12 + 2 = 602
    assert codes(SEARCH % "$n", cost=601) == ["cost"]
    cyclic = "{ jurisdictionTree { ...A } } fragment A on Jurisdiction { children { ...A } }"
    assert codes(cyclic, cost=10, depth=3) == []  # ends; NoFragmentCycles reports the cycle
    # a variable's default does not bound the page: the caller may send a larger one
    assert codes(SEARCH.replace("$n: Int", "$n: Int = 1") % "$n", cost=601) == ["cost"]


def test_page_size() -> None:
    assert check_page(50, 50) == 50
    for bad in (0, 51):
        with pytest.raises(QueryTooComplex):
            check_page(bad, 50)


def test_token_bucket_refills_per_address() -> None:
    now = [0.0]
    limiter = RateLimiter(60, clock=lambda: now[0])
    assert all(limiter.take("a") == 0 for _ in range(60))
    assert limiter.take("a") == pytest.approx(1.0)
    assert limiter.take("b") == 0
    now[0] += 2.0
    assert limiter.take("a") == 0 and limiter.take("a") == 0 and limiter.take("a") > 0


def _request(headers: dict[str, str], host: str = "10.0.0.1") -> Request:
    return Request(
        {
            "type": "http",
            "client": (host, 40000),
            "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
        }
    )


def test_client_address_trusts_the_proxy_header_only_when_configured() -> None:
    spoofed = _request({"x-forwarded-for": "1.2.3.4, 203.0.113.9"})
    assert client_address(spoofed, None) == "10.0.0.1"
    assert client_address(spoofed, "x-forwarded-for") == "203.0.113.9"


def doubling(n: int, leaf: str = "__typename") -> str:
    """``{ ...F0 }`` where every fragment spreads the next one twice: 2**n leaves expanded."""
    parts = ["{ ...F0 }"]
    parts += [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(n)]
    parts.append(f"fragment F{n} on Query {{ {leaf} }}")
    return "\n".join(parts)


def test_fragments_are_measured_once_however_often_they_are_spread() -> None:
    assert codes(doubling(3), fields=8) == []  # 2**3 expanded fields
    assert codes(doubling(3), fields=7) == ["fields"]
    # 2**40 expansions: refused from the fragment graph, never expanded (this returns at once)
    limits = DocumentLimits(max_tokens=10**6, max_source=10**9, max_fields=500)
    [error] = measure_document(SCHEMA, parse(doubling(40)), limits)
    assert error.extensions == {
        "code": "QUERY_TOO_COMPLEX",
        "limit": "fields",
        "max": 500,
        "actual": 2**40,
    }
    # the same for depth and cost: a composite leaf makes every measure double
    heavy = doubling(60, "jurisdictionTree { name children { name } }")
    assert sorted(codes(heavy, fields=500)) == ["cost", "fields"]


def test_nesting_counts_fragments_and_stops_before_the_interpreter_does() -> None:
    chain = ["{ ...F0 }"]
    chain += [f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(3000)]
    chain.append("fragment F3000 on Query { __typename }")
    assert codes("\n".join(chain)) == ["nesting"]
    nested = "{ jurisdictionTree { " + "children { " * 70 + "name" + " }" * 72
    assert codes(nested, depth=1000, cost=10**18) == ["nesting"]


def test_introspection_counts_as_fields_but_not_as_depth_or_cost() -> None:
    from graphql import get_introspection_query

    assert codes(get_introspection_query(descriptions=True), depth=1, cost=0) == []
    assert codes(get_introspection_query(descriptions=True), fields=100) == ["fields"]
