"""Depth and cost rules on the public schema, the token bucket, the client address."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse, validate

from gateway.errors import QueryTooComplex
from gateway.limits import (
    RateLimiter,
    check_page,
    client_address,
    cost_limit_rule,
    depth_limit_rule,
)
from resolvers.public import public_schema

SCHEMA = public_schema()._schema


def codes(query: str, *, depth: int = 8, cost: int = 500, page: int = 50) -> list[Any]:
    rules = [depth_limit_rule(depth), cost_limit_rule(cost, page)]
    return [(e.extensions or {}).get("limit") for e in validate(SCHEMA, parse(query), rules)]


SEARCH = """query($n: Int) { search(text: "华宏", first: %s) { edges { node { name
  listEntries { facts recognisingDepartment { name } } } } } }"""


def test_depth_counts_fields_through_fragments_but_not_introspection() -> None:
    deep = "{ jurisdictionTree { children { children { children { children { children { " \
           "children { children { name } } } } } } } } }"
    assert codes(deep, cost=10**9) == ["depth"]
    assert codes(deep, depth=9, cost=10**9) == []
    fragment = "{ jurisdictionTree { ...F } } fragment F on Jurisdiction { children { children {" \
               " children { children { children { children { children { name } } } } } } } }"
    assert codes(fragment, cost=10**9) == ["depth"]
    introspection = "{ __schema { types { fields { type { ofType { ofType { ofType { ofType " \
                    "{ ofType { name } } } } } } } } } }"
    assert codes(introspection, depth=2) == []


def test_cost_multiplies_by_page_sizes_and_takes_the_worst_case_for_variables() -> None:
    # search → edges × 20 → (node → listEntries × 10 → department): 1 + 1 + 20 × (1 + 1 + 10)
    assert codes(SEARCH % "20", cost=242) == []
    assert codes(SEARCH % "20", cost=241) == ["cost"]
    assert codes(SEARCH % "$n", cost=1000) == []  # 50 × 12 + 2 = 602
    assert codes(SEARCH % "$n", cost=601) == ["cost"]
    cyclic = "{ jurisdictionTree { ...A } } fragment A on Jurisdiction { children { ...A } }"
    validate(SCHEMA, parse(cyclic), [cost_limit_rule(10, 10), depth_limit_rule(3)])  # ends


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


class _Request:
    def __init__(self, headers: dict[str, str], host: str = "10.0.0.1") -> None:
        self.headers = headers
        self.client = type("C", (), {"host": host})()


def test_client_address_trusts_the_proxy_header_only_when_configured() -> None:
    spoofed = _Request({"x-forwarded-for": "1.2.3.4, 203.0.113.9"})
    assert client_address(spoofed, None) == "10.0.0.1"  # type: ignore[arg-type]
    assert client_address(spoofed, "x-forwarded-for") == "203.0.113.9"  # type: ignore[arg-type]
