"""The subgraph cut and the committed supergraph (no database needed)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from graphql import (
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    build_ast_schema,
    parse,
)

from gateway.base.errors import ConfigurationError
from gateway.ops.router import FEDERATION_DIR, HIVE_GATEWAY, SUPERGRAPH, compose
from resolvers.federation import ALL, SUBGRAPH_NAMES, subgraph

FEDERATION_SPEC = """
scalar FieldSet
scalar link__Import
directive @link(url: String!, import: [link__Import]) repeatable on SCHEMA
directive @key(fields: FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @shareable repeatable on OBJECT | FIELD_DEFINITION
"""


def _types(sdl: str) -> dict[str, GraphQLNamedType]:
    return build_ast_schema(parse(sdl + FEDERATION_SPEC), assume_valid_sdl=True).type_map


def _fields(sdl: str) -> dict[str, set[str]]:
    """The field names of each object, interface and input type in ``sdl``."""
    return {
        name: set(t.fields)
        for name, t in _types(sdl).items()
        if isinstance(t, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType)
    }


def test_committed_subgraph_sdl_is_current() -> None:
    for name in SUBGRAPH_NAMES:
        committed = (FEDERATION_DIR / "subgraphs" / f"{name}.graphql").read_text()
        assert committed == subgraph(name).sdl, (
            f"deploy/federation/subgraphs/{name}.graphql is stale: "
            "run `credit-graph federation compose` and commit the result"
        )


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_committed_supergraph_is_what_composition_gives(tmp_path: Path) -> None:
    assert HIVE_GATEWAY.exists(), "run `make federation-deps` first"
    # compose the subgraphs as the code prints them now, with the committed URLs
    config = []
    for service in json.loads((FEDERATION_DIR / "subgraphs.json").read_text()):
        (tmp_path / f"{service['name']}.graphql").write_text(subgraph(service["name"]).sdl)
        config.append({**service, "sdl": f"{service['name']}.graphql"})
    (tmp_path / "subgraphs.json").write_text(json.dumps(config))
    fresh = compose(tmp_path / "subgraphs.json", tmp_path / "supergraph.graphql")
    assert SUPERGRAPH.read_text() == fresh, (
        "deploy/federation/supergraph.graphql is stale: run `credit-graph federation compose`"
    )


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_a_composition_error_is_reported(tmp_path: Path) -> None:
    # two subgraphs resolving the same non-shareable field cannot compose
    sdl = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", '
        'import: ["@key"])\ntype Query { clash: String }\n'
    )
    for name in ("a", "b"):
        (tmp_path / f"{name}.graphql").write_text(sdl)
    (tmp_path / "subgraphs.json").write_text(
        json.dumps(
            [{"name": n, "sdl": f"{n}.graphql", "url": f"http://127.0.0.1:1/{n}"} for n in "ab"]
        )
    )
    with pytest.raises(ConfigurationError) as raised:
        compose(tmp_path / "subgraphs.json", tmp_path / "supergraph.graphql")
    assert any("clash" in line for line in raised.value.details["errors"])


def test_each_subgraph_owns_its_part_and_stubs_the_others_entities() -> None:
    credit, policy = _fields(subgraph("credit").sdl), _fields(subgraph("policy").sdl)
    credit_query, policy_query = credit["Query"], policy["Query"]
    assert {"creditCheck", "creditCheckBatch", "organization", "neighbourhood"} <= set(credit_query)
    assert {"policyDocuments", "tasks", "department", "measures"} <= set(policy_query)
    assert not set(credit_query) & set(policy_query)
    assert "Mutation" in credit and "Mutation" not in policy
    # the credit subgraph names departments and jurisdictions by key only
    assert credit["Department"] == {"id"}
    assert credit["Jurisdiction"] == {"code"}
    assert "tasks" in policy["Department"]
    assert "Organization" not in policy and "PolicyDocument" not in credit


def test_entity_keys_never_use_the_citizen_id_number() -> None:
    sdl = subgraph(ALL).sdl
    assert 'type Person implements Subject @key(fields: "id")' in sdl
    assert '@key(fields: "uscc") @key(fields: "id")' in sdl  # Organization
    for line in sdl.splitlines():
        if "@key" in line:
            assert "idNumber" not in line
    for name in SUBGRAPH_NAMES:
        assert 'fields: "idNumber"' not in subgraph(name).sdl


def test_executable_subgraphs_match_their_sdl() -> None:
    for name in SUBGRAPH_NAMES:
        cut = subgraph(name)
        printed, fields = _types(cut.sdl), _fields(cut.sdl)
        for type_name, t in cut.schema.type_map.items():
            if type_name.startswith("_") or "__" in type_name:
                continue  # introspection and federation's own (_Any, _Entity, link__Import…)
            assert type_name in printed or type_name in {
                "String",
                "Boolean",
                "ID",
                "Int",
                "Float",
            }, (name, type_name)
            if hasattr(t, "fields") and type_name in printed:
                expected = set(fields[type_name])
                if type_name == "Query":
                    expected |= {"_entities", "_service"}
                assert set(t.fields) == expected, (name, type_name)
