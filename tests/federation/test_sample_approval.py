"""`federation up --sample-approval`: the sample approval subgraph composed in beside the
committed subgraphs, the committed supergraph left as it is (no database needed)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from graphql import GraphQLObjectType, build_ast_schema, parse
from stdnum.cn import uscc

from gateway.ops import router
from tests.conftest import free_port


def _object_fields(sdl: str) -> dict[str, set[str]]:
    schema = build_ast_schema(parse(sdl), assume_valid_sdl=True)
    return {
        name: set(t.fields)
        for name, t in schema.type_map.items()
        if isinstance(t, GraphQLObjectType) and not name.startswith("__")
    }


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_sample_approval_subgraph_composes_in_beside_the_committed_ones(tmp_path: Path) -> None:
    assert router.HIVE_GATEWAY.exists(), "run `make federation-deps` first"
    committed = router.SUPERGRAPH.read_text()
    port = free_port()
    process = router.start_sample_approval(port)
    try:
        url = f"http://127.0.0.1:{port}/graphql"
        composed = router.compose_with(
            {"approval": (router.subgraph_sdl(url), url)}, tmp_path
        ).read_text()
    finally:
        router.stop([process])
    assert router.SUPERGRAPH.read_text() == committed
    before, after = _object_fields(committed), _object_fields(composed)
    # everything the committed subgraphs serve is there unchanged; the sample adds its own
    for name, fields in before.items():
        if name != "Query":
            assert after[name] == fields, name
    assert after["Query"] - before["Query"] == {"applications", "application"}
    assert set(after) - set(before) == {"Application"}
    assert f'url: "{url}"' in composed


def test_the_demo_applications_name_demo_companies_by_valid_codes() -> None:
    applications = json.loads(router.SAMPLE_APPLICATIONS.read_text())
    assert [a["id"] for a in applications] == ["APP-1", "APP-2", "APP-3"]
    for application in applications:
        assert uscc.is_valid(application["uscc"]), application
