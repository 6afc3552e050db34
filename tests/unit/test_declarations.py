"""Every field the gateway serves declares how it is read (``graph_schema/fields.py``), so
that every read root field compiles into one Cypher query; the only exceptions are the
types a root field answers as plain data, listed below with the reason. A selection that
reaches a field without a declaration is a schema defect: a ``ConfigurationError`` at the
first request that selects it, never an answer read some other way."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
import strawberry
from graphql import GraphQLInterfaceType, GraphQLObjectType, GraphQLSchema

from gateway.base.errors import ConfigurationError
from graph_schema.fields import node, prop
from loaders.selection import compiled, declaration_of
from resolvers.federation import SUBGRAPH_NAMES, subgraph
from resolvers.public import public_schema
from resolvers.schema import government_schema

CHECK = (
    "a credit check's answer: one query reads the hits, the decision rules "
    "(graph_schema/rules/decision.py) assemble it in Python"
)
PAGE = "a page envelope its root resolver builds around the compiled nodes"
DRAWN = (
    "an investigator's graph, path or risk hit: one query reads it, "
    "graph_schema/investigate_plain.py builds it"
)
REPAIR = (
    "the repair rules' verdicts: computed in Python (eligibility) or stored as JSON "
    "(applications), which Cypher cannot read field by field"
)

PLAIN: dict[str, str] = {
    **dict.fromkeys(
        [
            "CreditCheck",
            "CheckedSubject",
            "CheckError",
            "CreditHit",
            "HitDepartment",
            "DerivationChain",
            "AppliedMeasure",
            "RelatedPartyFlag",
        ],
        CHECK,
    ),
    # also MeasureInfo.legalBasis, read in Cypher and converted (graph_schema/fields.converted)
    "LegalBasis": CHECK + "; the articles are cited from the committed extraction",
    **dict.fromkeys(
        [
            "PageInfo",
            "SubjectConnection",
            "SubjectEdge",
            "PublicSubjectConnection",
            "PublicSubjectEdge",
            "AuditEventConnection",
            "AuditEventEdge",
            "AccessLogConnection",
            "AccessLogEdge",
            "TenureConnection",
            "TenureEdge",
            "SharedOfficerConnection",
            "SharedOfficerEdge",
            "PathConnection",
            "PathEdge",
            "RiskConnection",
            "RiskEdge",
        ],
        PAGE,
    ),
    **dict.fromkeys(
        [
            "SubjectGraph",
            "GraphNode",
            "GraphSubject",
            "GraphEntry",
            "GraphDepartment",
            "GraphEdge",
            "SubjectPath",
            "PathStep",
            "PathRole",
            "RiskHit",
        ],
        DRAWN,
    ),
    **dict.fromkeys(["RepairEligibility", "RepairRule", "RepairApplication"], REPAIR),
}

ROOTS = {"Query", "Mutation", "_Service"}


def _schemas() -> dict[str, GraphQLSchema]:
    schemas = {"government": government_schema()._schema, "public": public_schema()._schema}
    for name in SUBGRAPH_NAMES:
        schemas[f"{name} subgraph"] = subgraph(name).schema
    return schemas


SCHEMAS = _schemas()


def _types(schema: GraphQLSchema) -> list[Any]:
    return [
        t
        for t in schema.type_map.values()
        if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)
        and not t.name.startswith("__")
        and t.name not in ROOTS
    ]


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_field_declares_how_it_is_read(name: str) -> None:
    undeclared = [
        f"{t.name}.{f}"
        for t in _types(SCHEMAS[name])
        if t.name not in PLAIN
        for f in t.fields
        if declaration_of(t, f) is None
    ]
    assert undeclared == []


def test_the_plain_data_types_are_served_and_declare_nothing() -> None:
    served = {t.name: t for schema in SCHEMAS.values() for t in _types(schema)}
    assert set(PLAIN) <= set(served), sorted(set(PLAIN) - set(served))
    declared = [
        f"{n}.{f}"
        for n in PLAIN
        for f in served[n].fields
        if declaration_of(served[n], f) is not None
    ]
    assert declared == []


@node("Thing")
@strawberry.type
class Thing:
    colour: str  # declares nothing
    name: str = prop("name")


PLANNED: list[Any] = []


@strawberry.type
class Query:
    @strawberry.field
    async def thing(self, info: strawberry.Info) -> Thing | None:
        PLANNED.append(compiled(info).plan("MATCH (n:Thing) RETURN {value} AS value", "n"))
        return None


async def _run(query: str) -> Any:
    # No database in the context: compiling a selection must not need one.
    context = SimpleNamespace(viewer=None, consents=None)
    return await strawberry.Schema(query=Query).execute(query, context_value=context)


async def test_a_declared_selection_compiles_into_one_query() -> None:
    PLANNED.clear()
    result = await _run("{ thing { name } }")
    assert result.errors is None
    assert len(PLANNED) == 1 and "n.`name`" in PLANNED[0].cypher


async def test_a_selection_reaching_an_undeclared_field_is_a_configuration_error() -> None:
    PLANNED.clear()
    result = await _run("{ thing { name colour } }")
    assert result.data == {"thing": None} and PLANNED == []
    [error] = result.errors
    assert isinstance(error.original_error, ConfigurationError)
    assert error.original_error.code == "CONFIGURATION"
    assert "Thing.colour has no declaration" in error.message
