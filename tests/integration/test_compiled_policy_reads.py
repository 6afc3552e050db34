"""Compiled reads of the policy graph the session seeds (``seeds.load_all``): every root
field answers with one Cypher query, on the government and on the public endpoint, and
reads its enum arguments as they say.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import LiveServer

HUAIAN_MARKET = "320800/淮安市市场监督管理局"
JIANGYIN_MARKET = "320281/江阴市市场监督管理局"


def test_every_value_of_every_enum_argument_reads(gql: Any) -> None:
    """Every value of every enum argument, on a selection reaching each of them: read as
    the argument says (a role filter keeps the units in that role, a matter the measures
    that apply to it)."""
    for role in ("LEAD", "COOPERATING", "RESPONSIBLE", "ANY", "null"):
        units = "ANY" if role == "null" else role
        body = gql(f"""{{ department(id: "{JIANGYIN_MARKET}") {{ tasks(role: {role}) {{
            id openEnded units(role: {units}) {{
              role position asWritten kind department {{ id }} collective {{ id name }} }} }} }}
          jurisdiction(code: "320800") {{ departments {{ id tasks(role: {role}) {{ id }} }} }}
        }}""")
        assert "errors" not in body, body
        tasks = body["data"]["department"]["tasks"]
        assert body["data"]["jurisdiction"]["departments"]
        if units == "ANY":
            assert tasks
        else:
            assert {u["role"] for t in tasks for u in t["units"]} <= {units}
    for matter in ("null", "ADMINISTRATIVE_LICENSING", "OFFICER_APPOINTMENT", "HONOURS_AWARDS"):
        body = gql(f"""{{ measures(matter: {matter}) {{ id name kind list targets
            matters {{ matter effect }} departments {{ id name asWritten }}
            legalBasis {{ __typename itemId document n: documentNumber article }} }} }}""")
        assert "errors" not in body, body
        measures = body["data"]["measures"]
        if matter == "null":
            assert measures
        else:
            assert all(matter in {m["matter"] for m in x["matters"]} for x in measures)


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
