"""Compiled reads of the policy graph against the per-field resolvers.

The policy graph the session seeds (``seeds.load_all``) is read by two gateways: one
answers every root field with one compiled Cypher query (the default), the other through
the per-field resolvers and DataLoaders (``CREDIT_GRAPH_READ_PATH=legacy``). Generated
requests (fields, aliases, named and inline fragments, arguments literal and through
variables, ``@skip``/``@include``, ``__typename``) over the jurisdictions, departments,
documents, items, tasks, chains, the coverage matrix, workloads and the measure
catalogue go to both, on the government and on the public endpoint; data and errors
must be identical, order included. Then each root field costs one query.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from graphql import GraphQLEnumType, GraphQLObjectType, GraphQLSchema, get_named_type

from gateway.app import create_app
from gateway.db import Database
from gateway.settings import Settings
from resolvers.public import public_schema
from resolvers.schema import government_schema
from tests.conftest import LiveServer, free_port, government_token

GOVERNMENT: GraphQLSchema = government_schema()._schema
PUBLIC: GraphQLSchema = public_schema()._schema
SEEDS = int(os.environ.get("CREDIT_GRAPH_DIFFERENTIAL_SEEDS", "240"))

HUAIAN_MARKET = "320800/淮安市市场监督管理局"
JIANGYIN_MARKET = "320281/江阴市市场监督管理局"
ROOTS = [
    "jurisdictionTree",
    'jurisdiction(code: "320800")',
    'jurisdiction(code: "320281")',
    'jurisdiction(code: "999999")',
    f'department(id: "{HUAIAN_MARKET}")',
    'department(id: "320281/江阴市公安局")',
    'department(id: "320800/无此部门")',
    "policyDocuments",
    'policyDocuments(level: MUNICIPAL, jurisdictionCode: "320800")',
    "policyDocuments(level: NATIONAL)",
    'policyDocument(id: "nat-ec-2016")',
    'policyDocument(id: "ha-notice-2018")',
    'policyDocument(id: "ha-cjbf-2014")',
    'policyDocument(id: "jy-ec-2018")',
    'policyDocument(id: "js-144-2017")',
    'policyDocument(id: "none")',
    'policyItem(id: "nat-ec-2016:（三）")',
    'policyItem(id: "ha-jlcj:第十四条")',
    'policyItem(id: "ha-dzsw:二/（一）")',
    'policyItem(id: "none")',
    'tasks(documentId: "nt-ec")',
    "tasks(level: COUNTY)",
    'tasks(jurisdictionCode: "320600", departmentRole: LEAD)',
    'tasks(departmentName: "市工商局", jurisdictionCode: "320800")',
    'tasks(departmentName: " 公安局 ", jurisdictionCode: "320281", departmentRole: COOPERATING)',
    'tasks(departmentName: "市不存在局", jurisdictionCode: "320281")',
    f'tasks(departmentId: "{JIANGYIN_MARKET}", departmentRole: LEAD)',
    'tasks(departmentName: "市工商局")',
    'tasks(departmentId: "x", departmentName: "y")',
    'implementationChain(nationalItemId: "nat-ec-2016:（三）")',
    'implementationChain(nationalItemId: "nat-ec-2016:（十九）")',
    'implementationChain(nationalItemId: "nat-ec-2016:（九十）")',
    'implementationChain(nationalItemId: "nt-ec:1")',
    "coverageMatrix",
    'coverageMatrix(documentId: "nat-ec-2016")',
    'coverageMatrix(documentId: "ha-jlcj")',
    f'departmentWorkload(departmentId: "{JIANGYIN_MARKET}")',
    f'departmentWorkload(departmentId: "{HUAIAN_MARKET}")',
    'departmentWorkload(departmentId: "320800/collective/各县区人民政府")',
]
MEASURES = ["measures", "measures(matter: ECOMMERCE_ADMISSION)", "measures(matter: FISCAL_FUNDS)"]


class Generator:
    """Random selections over the object types a root field reaches."""

    def __init__(self, seed: int, schema: GraphQLSchema) -> None:
        self.rng = random.Random(seed)
        self.schema = schema
        self.fragments: list[str] = []
        self.variables: dict[str, tuple[str, Any]] = {}

    def arguments(self, field: Any) -> str:
        parts = []
        for name, arg in field.args.items():
            named = get_named_type(arg.type)
            if not isinstance(named, GraphQLEnumType) or self.rng.random() < 0.4:
                continue
            value = self.rng.choice(list(named.values))
            if self.rng.random() < 0.3:  # sometimes through a variable
                var = f"v{len(self.variables)}"
                self.variables[var] = (str(arg.type), value)
                value = f"${var}"
            parts.append(f"{name}: {value}")
        return f"({', '.join(parts)})" if parts else ""

    def fields(self, type_: GraphQLObjectType, depth: int) -> str:
        names = list(type_.fields)
        out = ["__typename"] if self.rng.random() < 0.2 else []
        for name in self.rng.sample(names, min(len(names), self.rng.randint(1, 4))):
            field = type_.fields[name]
            child = get_named_type(field.type)
            composite = isinstance(child, GraphQLObjectType)
            if composite and depth <= 0:
                continue
            alias = f"a{self.rng.randint(0, 9)}_{name}: " if self.rng.random() < 0.3 else ""
            text = f"{alias}{name}{self.arguments(field)}"
            if self.rng.random() < 0.1:
                var = f"c{len(self.variables)}"
                self.variables[var] = ("Boolean!", self.rng.choice([True, False]))
                text += f" @{self.rng.choice(['skip', 'include'])}(if: ${var})"
            if composite:
                assert isinstance(child, GraphQLObjectType)
                inner = self.fields(child, depth - 1)
                roll = self.rng.random()
                if roll < 0.15:
                    fragment = f"F{len(self.fragments)}"
                    self.fragments.append(f"fragment {fragment} on {child.name} {{ {inner} }}")
                    inner = f"...{fragment}"
                elif roll < 0.25:
                    inner = f"... on {child.name} {{ {inner} }}"
                text += f" {{ {inner} }}"
            out.append(text)
        return " ".join(out) or "__typename"

    def request(self, root: str) -> tuple[str, dict[str, Any]]:
        query_type = self.schema.query_type
        assert query_type is not None
        field = query_type.fields[root.split("(")[0]]
        named = get_named_type(field.type)
        assert isinstance(named, GraphQLObjectType)
        body = f"{root} {{ {self.fields(named, self.rng.randint(1, 3))} }}"
        definitions = ", ".join(f"${name}: {t}" for name, (t, _) in self.variables.items())
        head = f"query Q({definitions})" if definitions else "query Q"
        query = f"{head} {{ {body} }} {' '.join(self.fragments)}"
        return query, {name: value for name, (_, value) in self.variables.items()}


@pytest.fixture(scope="module")
def legacy(settings: Settings, db: Database) -> Iterator[LiveServer]:
    server = LiveServer(create_app(settings.with_(read_path="legacy")), free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def compiled(settings: Settings, db: Database) -> Iterator[LiveServer]:
    server = LiveServer(create_app(settings), free_port())
    server.start()
    yield server
    server.stop()


def _normalised(body: dict[str, Any]) -> dict[str, Any]:
    errors = sorted(
        (
            {"path": e.get("path"), "code": e["extensions"]["code"], "message": e["message"]}
            for e in body.get("errors") or ()
        ),
        key=lambda e: str(e["path"]),
    )
    return {"data": body.get("data"), "errors": errors}


def test_generated_policy_selections_answer_alike_on_both_paths(
    settings: Settings, legacy: LiveServer, compiled: LiveServer
) -> None:
    government = {
        "Authorization": f"Bearer {government_token(settings)}",
        "X-Credit-Purpose": "automated test",
    }
    endpoints = [
        ("/graphql", GOVERNMENT, government, ROOTS + MEASURES),
        ("/public/graphql", PUBLIC, {}, ROOTS),
    ]
    answered = errors = 0
    with httpx.Client(timeout=120) as client:
        for seed in range(SEEDS):
            path, schema, headers, roots = endpoints[seed % 2]
            generator = Generator(seed, schema)  # each endpoint goes through every root
            query, variables = generator.request(roots[seed // 2 % len(roots)])
            bodies = []
            for server in (legacy, compiled):
                response = client.post(
                    f"{server.url}{path}",
                    headers=headers,
                    json={"query": query, "variables": variables},
                )
                assert response.status_code == 200, response.text
                bodies.append(_normalised(response.json()))
            assert bodies[0] == bodies[1], (path, query, variables)
            answered += bodies[1]["data"] is not None
            errors += bool(bodies[1]["errors"])
    # Both kinds of answer were compared: data, and the refusals of bad arguments.
    assert answered > SEEDS // 2 and errors > 0, (answered, errors)


def test_argument_values_are_alike_on_both_paths(
    legacy: LiveServer, compiled: LiveServer, settings: Settings
) -> None:
    """Every value of every enum argument, on a selection reaching each of them."""
    government = {
        "Authorization": f"Bearer {government_token(settings)}",
        "X-Credit-Purpose": "automated test",
    }
    queries = []
    for role in ("LEAD", "COOPERATING", "RESPONSIBLE", "ANY", "null"):
        queries.append(f"""{{ department(id: "{JIANGYIN_MARKET}") {{ tasks(role: {role}) {{
            id openEnded units(role: {"ANY" if role == "null" else role}) {{
              role position asWritten kind department {{ id }} collective {{ id name }} }} }} }}
          jurisdiction(code: "320800") {{ departments {{ id tasks(role: {role}) {{ id }} }} }}
        }}""")
    for matter in ("null", "ADMINISTRATIVE_LICENSING", "OFFICER_APPOINTMENT", "HONOURS_AWARDS"):
        queries.append(f"""{{ measures(matter: {matter}) {{ id name kind list targets
            matters {{ matter effect }} departments {{ id name asWritten }}
            legalBasis {{ __typename itemId document n: documentNumber article }} }} }}""")
    with httpx.Client(timeout=120) as client:
        for query in queries:
            bodies = [
                client.post(f"{s.url}/graphql", headers=government, json={"query": query}).json()
                for s in (legacy, compiled)
            ]
            assert "errors" not in bodies[1], bodies[1]
            assert bodies[0] == bodies[1], query


DEEP = {
    "department": f"""{{ department(id: "{HUAIAN_MARKET}") {{ name jurisdiction {{ name }}
        tasks {{ id document {{ title jurisdiction {{ name }} }} item {{ id }}
          units {{ asWritten department {{ name }} collective {{ name }} }} }} }} }}""",
    "jurisdictionTree": """{ jurisdictionTree { name children { name children { name
        departments { name tasks { id } } } } } }""",
    "policyDocuments": """{ policyDocuments { id parent { id } parts { id }
        cites { asWritten document { id } } citedBy { id } repeals { id } repealedBy { id }
        items { id children { id tasks { id } implementedBy { task { id } } } }
        tasks { units { department { id } } implements { item { id } } } } }""",
    "policyItem": """{ policyItem(id: "nat-ec-2016:（三）") { document { id } parent { id }
        implementedBy { evidence document { id } jurisdiction { name }
          leadDepartments { department { id } } } } }""",
    "tasks": """{ tasks(level: MUNICIPAL) { id document { id } units(role: LEAD) {
        department { tasks(role: COOPERATING) { id } } } } }""",
    "implementationChain": """{ implementationChain(nationalItemId: "nat-ec-2016:（三）") {
        nationalItem { id } nationalDocument { id } provincialDocuments { id }
        implementations { task { id } leadDepartments { asWritten } } } }""",
    "coverageMatrix": """{ coverageMatrix { jurisdictionCodes jurisdictions { name }
        rows { item { id } implementedIn cells { jurisdictionCode taskIds implemented
          jurisdiction { name } tasks { id units { asWritten } } } } } }""",
    "departmentWorkload": f"""{{ departmentWorkload(departmentId: "{JIANGYIN_MARKET}") {{
        department {{ name }} ledCount cooperatedCount responsibleCount taskCount
        documents {{ document {{ id }} led {{ id }} cooperated {{ id }} responsible {{ id }} }}
      }} }}""",
    "measures": """{ measures { id matters { matter } legalBasis { itemId }
        departments { name } } }""",
}


@pytest.mark.parametrize("root", sorted(DEEP))
def test_each_policy_root_field_costs_one_query(root: str, gql: Any, gateway: LiveServer) -> None:
    """Every root field with a deep selection: one query."""
    before = gateway.queries
    result = gql(DEEP[root])
    used = gateway.queries - before
    assert "errors" not in result, result["errors"]
    assert result["data"][root], result
    assert used == 1, (root, used)


# Within the portal's cost limit (gateway/limits.py): at most two nested lists.
PUBLIC_DEEP = f"""{{
  department(id: "{HUAIAN_MARKET}") {{ tasks {{ id units {{ department {{ name }} }} }} }}
  coverageMatrix(documentId: "nat-ec-2016") {{ rows {{ cells {{ implemented }} }} }}
  policyDocument(id: "nat-ec-2016") {{ items {{ children {{ id }} }} }}
  departmentWorkload(departmentId: "{JIANGYIN_MARKET}") {{ documents {{ led {{ id }} }} }}
}}"""


def test_public_root_fields_cost_one_query_each(gql: Any, gateway: LiveServer) -> None:
    before = gateway.queries
    result = gql(PUBLIC_DEEP, path="/public/graphql", headers={})
    used = gateway.queries - before
    assert "errors" not in result, result["errors"]
    assert all(result["data"].values()) and len(result["data"]) == 4
    assert used == 4


def test_a_department_reads_its_tasks_units_and_documents_in_one_query(
    gql: Any, gateway: LiveServer
) -> None:
    before = gateway.queries
    dept = gql(DEEP["department"])["data"]["department"]
    assert gateway.queries - before == 1
    assert len(dept["tasks"]) == 20 and dept["jurisdiction"] == {"name": "淮安市"}
    assert {t["document"]["title"] for t in dept["tasks"]} == {
        "淮安市加强个人诚信体系建设的实施意见",
        "淮安市全面加强电子商务领域诚信建设的实施意见",
    }
    for task in dept["tasks"]:
        named = [u for u in task["units"] if u["department"]]
        assert any(u["department"]["name"] == "淮安市市场监督管理局" for u in named)
        assert all((u["department"] is None) != (u["collective"] is None) for u in task["units"])
