"""The policy graph in Neo4j (seeds/policy/load.py) and through /graphql.

The session fixture loads it once (``seeds.load_all``); these tests only read it, except
the reload test, which loads it again and must change nothing. Expected numbers are the
ones counted by hand from the texts (tests/unit/test_policy_extraction.py) and, for the
alignment, read from seeds/policy/alignment.csv.
"""

from __future__ import annotations

from typing import Any

from gateway.base.db import Database
from seeds.policy import load as policy
from seeds.policy.extract import load_json
from tests.conftest import LiveServer

TASKS = {"jy-ec-2018": 20, "nt-ec": 18, "cz-ec": 20, "ha-grcx": 19, "ha-dzsw": 18}
UNITS = {  # (lead, cooperating, responsible) links, one per unit as written in a row
    "jy-ec-2018": (28, 102, 0),
    "nt-ec": (24, 109, 0),
    "cz-ec": (26, 124, 0),
    "ha-grcx": (0, 0, 179),
    "ha-dzsw": (0, 0, 146),
}
PER_DOC = """
MATCH (t:Task)-[:IN_DOCUMENT]->(d:PolicyDocument)
RETURN d.id AS doc, count(t) AS tasks, sum(COUNT { (t)-[:LED_BY]->() }) AS lead,
       sum(COUNT { (t)-[:COOPERATED_BY]->() }) AS coop,
       sum(COUNT { (t)-[:RESPONSIBILITY_OF]->() }) AS resp
"""
SHAPE = """
CALL () { MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n ORDER BY label }
WITH collect([label, n]) AS nodes
CALL () { MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type }
RETURN nodes, collect([type, n]) AS rels
"""
CONTENT = """
MATCH (n) WHERE n:PolicyDocument OR n:PolicyItem OR n:Task OR n:CollectiveUnit
   OR n:Department
WITH n ORDER BY n.id
WITH collect(properties(n)) AS nodes
CALL () {
  MATCH (t)-[r]->(u) WHERE t:Task OR t:PolicyDocument OR t:PolicyItem
  WITH t, r, u ORDER BY t.id, type(r), coalesce(u.id, u.code), r.position
  RETURN collect([t.id, type(r), coalesce(u.id, u.code), properties(r)]) AS links
}
RETURN nodes, links
"""


def data(result: dict[str, Any]) -> Any:
    assert "errors" not in result, result["errors"]
    return result["data"]


async def test_tasks_and_units_per_document_equal_the_extraction(db: Database) -> None:
    records = await db.read(PER_DOC)
    graph = {r["doc"]: (r["tasks"], (r["lead"], r["coop"], r["resp"])) for r in records}
    assert graph == {doc: (TASKS[doc], UNITS[doc]) for doc in TASKS}
    extracted = load_json("extracted.json")
    assert sum(n for n, _ in graph.values()) == len(extracted["tasks"]) == 95
    assert sum(sum(u) for _, u in graph.values()) == 738
    [items] = await db.read("MATCH (i:PolicyItem) RETURN count(i) AS n")
    assert items["n"] == len(extracted["items"]) == 303


def test_task_counts_through_graphql(gql: Any) -> None:
    q = """query($id: ID!) { policyDocument(id: $id) { tasks { id units { role asWritten } } } }"""
    for doc, (lead, coop, resp) in UNITS.items():
        tasks = data(gql(q, {"id": doc}))["policyDocument"]["tasks"]
        roles = [u["role"] for t in tasks for u in t["units"]]
        assert len(tasks) == TASKS[doc]
        assert (roles.count("LEAD"), roles.count("COOPERATING"), roles.count("RESPONSIBLE")) == (
            lead,
            coop,
            resp,
        )


def test_documents_items_and_the_huaian_notice(gql: Any) -> None:
    docs = data(
        gql("""{ policyDocuments(level: MUNICIPAL, jurisdictionCode: "320800") {
        id parent { id } } }""")
    )["policyDocuments"]
    assert [d["id"] for d in docs] == [
        "ha-notice-2018",
        "ha-jlcj",
        "ha-xxgl",
        "ha-grcx",
        "ha-dzsw",
        "ha-xygh-2016",
        "ha-cjbf-2014",
    ]
    assert {d["id"] for d in docs if d["parent"]} == {"ha-jlcj", "ha-xxgl", "ha-grcx", "ha-dzsw"}
    doc = data(
        gql("""{ policyDocument(id: "nat-ec-2016") {
        number level jurisdiction { code } citedBy { id }
        items { id children { marker title } } } }""")
    )["policyDocument"]
    assert doc["number"] == "发改财金〔2016〕2794号" and doc["level"] == "NATIONAL"
    assert doc["jurisdiction"] == {"code": "100000"}
    assert [d["id"] for d in doc["citedBy"]] == ["jy-ec-2018", "ha-dzsw"]
    assert [i["id"] for i in doc["items"]] == ["nat-ec-2016:preamble"] + [
        f"nat-ec-2016:{n}" for n in "一二三四五六七"
    ]
    section_three = doc["items"][3]["children"]
    first = section_three[0]
    assert (first["marker"], first["title"]) == ("（三）", "建立实名登记和认证制度")
    assert len(section_three) == 5
    item = data(
        gql("""{ policyItem(id: "ha-jlcj:第十四条/（二）") {
        marker parent { id } document { title } } }""")
    )["policyItem"]
    assert item["parent"]["id"] == "ha-jlcj:第十四条"
    dated = data(gql('{ policyDocument(id: "jy-ec-2018") { date number } }'))["policyDocument"]
    assert dated == {"date": "2018-06-22", "number": "澄信用发〔2018〕7号"}
    assert item["document"]["title"] == "淮安市守信联合激励和失信联合惩戒实施办法（试行）"
    notice = data(
        gql("""{ policyDocument(id: "ha-notice-2018") { parts { id } }
                          repealed: policyDocument(id: "ha-cjbf-2014") { repealedBy { id } } }""")
    )
    assert [p["id"] for p in notice["policyDocument"]["parts"]] == [
        "ha-jlcj",
        "ha-xxgl",
        "ha-grcx",
        "ha-dzsw",
    ]
    assert notice["repealed"]["repealedBy"] == {"id": "ha-jlcj"}


ALIAS_QUERY = """query($name: String!, $code: String!) {
  tasks(departmentName: $name, jurisdictionCode: $code) {
    id document { id } units { asWritten department { id name } } } }"""


def test_shijgongshangju_resolves_to_each_citys_market_regulator(gql: Any) -> None:
    """市工商局 (the name before the 2018 reform) is one 市场监督管理局 entity per city."""
    cases = {
        "320800": ("320800/淮安市市场监督管理局", 20),
        "320600": ("320600/南通市市场监督管理局", 16),
        "320400": ("320400/常州市市场监督管理局", 17),
    }
    for code, (dept, n) in cases.items():
        tasks = data(gql(ALIAS_QUERY, {"name": "市工商局", "code": code}))["tasks"]
        assert len(tasks) == n
        for t in tasks:
            links = [u for u in t["units"] if u["department"] and u["department"]["id"] == dept]
            assert [u["asWritten"] for u in links] == ["市工商局"]  # the wording is kept
        by_id = data(gql("query($d: ID!) { tasks(departmentId: $d) { id } }", {"d": dept}))
        assert [t["id"] for t in by_id["tasks"]] == [t["id"] for t in tasks]
    huaian = data(gql(ALIAS_QUERY, {"name": "市工商局", "code": "320800"}))["tasks"]
    assert {t["document"]["id"] for t in huaian} == {"ha-grcx", "ha-dzsw"}
    # Jiangyin writes 市市场监管局, never 市工商局; the alias still resolves.
    jiangyin = data(gql(ALIAS_QUERY, {"name": "市工商局", "code": "320281"}))["tasks"]
    assert len(jiangyin) == 18


def test_two_wordings_one_department(gql: Any) -> None:
    """Jiangyin writes 市公安局 in seven rows and 公安局 in two: one entity, both wordings."""
    tasks = data(gql(ALIAS_QUERY, {"name": "公安局", "code": "320281"}))["tasks"]
    wording = {
        t["id"]: [
            u["asWritten"]
            for u in t["units"]
            if u["department"] and u["department"]["id"] == "320281/江阴市公安局"
        ]
        for t in tasks
    }
    assert wording == {
        f"jy-ec-2018:task:{n}": ["公安局" if n in (15, 19) else "市公安局"]
        for n in (1, 5, 6, 7, 11, 15, 16, 17, 19)
    }
    same = data(gql(ALIAS_QUERY, {"name": "市公安局", "code": "320281"}))["tasks"]
    assert [t["id"] for t in same] == [t["id"] for t in tasks]
    unknown = data(gql(ALIAS_QUERY, {"name": "市不存在局", "code": "320281"}))["tasks"]
    assert unknown == []
    err = gql('{ tasks(departmentName: "市工商局") { id } }')
    assert err["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_department_nodes_are_shared_with_reference_and_aliases_accumulate(
    db: Database, gql: Any
) -> None:
    dept = data(
        gql("""{ department(id: "320800/淮安市市场监督管理局") {
        name aliases level tasks(role: RESPONSIBLE) { id } } }""")
    )["department"]
    assert dept["name"] == "淮安市市场监督管理局" and dept["level"] == "MUNICIPAL"
    assert {"市工商局", "市市场监管局", "淮安市工商行政管理局"} <= set(dept["aliases"])
    assert len(dept["tasks"]) == 20
    [node] = await db.read(
        "MATCH (d:Department {id: $id}) RETURN d.nameBasis AS basis, "
        "d.note AS note, COUNT { (d)-[:BELONGS_TO]->() } AS j",
        {"id": "320800/淮安市市场监督管理局"},
    )
    assert node["basis"] == "expanded" and "2018" in node["note"] and node["j"] == 1
    listing = data(gql('{ jurisdiction(code: "320600") { departments { id } } }'))
    ids = {d["id"] for d in listing["jurisdiction"]["departments"]}
    assert "320600/中国人民银行南通市中心支行" in ids
    assert not any("/collective/" in i for i in ids)  # collectives are not departments
    [c] = await db.read(
        "MATCH (c:CollectiveUnit) RETURN count(c) AS n, "
        "sum(CASE WHEN c:Department THEN 1 ELSE 0 END) AS departments"
    )
    assert (c["n"], c["departments"]) == (15, 0)


def test_implementation_chain_of_real_name_registration(gql: Any) -> None:
    """003 （三） 建立实名登记和认证制度 → 苏政办发〔2017〕144号 → four cities' tasks."""
    chain = data(
        gql("""{ implementationChain(nationalItemId: "nat-ec-2016:（三）") {
        nationalItem { title } nationalDocument { number } provincialDocuments { id number }
        implementations { evidence task { id } document { id } jurisdiction { code name }
          leadDepartments { role asWritten department { id } } } } }""")
    )["implementationChain"]
    assert chain["nationalItem"]["title"] == "建立实名登记和认证制度"
    assert chain["nationalDocument"]["number"] == "发改财金〔2016〕2794号"
    assert chain["provincialDocuments"] == [
        {"id": "js-144-2017", "number": "苏政办发〔2017〕144号"}
    ]
    got = [
        (
            i["task"]["id"],
            i["document"]["id"],
            i["jurisdiction"]["name"],
            [(u["role"], u["asWritten"], u["department"]["id"]) for u in i["leadDepartments"]],
        )
        for i in chain["implementations"]
    ]
    assert got == [
        (
            "jy-ec-2018:task:1",
            "jy-ec-2018",
            "江阴市",
            [("LEAD", "市公安局", "320281/江阴市公安局")],
        ),
        ("cz-ec:task:1", "cz-ec", "常州市", [("LEAD", "市公安局", "320400/常州市公安局")]),
        ("nt-ec:task:1", "nt-ec", "南通市", [("LEAD", "市公安局", "320600/南通市公安局")]),
        (
            "ha-dzsw:task:二/（一）",
            "ha-dzsw",
            "淮安市",
            [  # 责任单位; its two collectives left out
                ("RESPONSIBLE", "市工商局", "320800/淮安市市场监督管理局"),
                ("RESPONSIBLE", "市公安局", "320800/淮安市公安局"),
                ("RESPONSIBLE", "市通管办", "320800/淮安市通信行业管理办公室"),
                ("RESPONSIBLE", "市商务局", "320800/淮安市商务局"),
                ("RESPONSIBLE", "市委网信办", "320800/中共淮安市委网络安全和信息化领导小组办公室"),
            ],
        ),
    ]
    assert all(i["evidence"] for i in chain["implementations"])
    missing = gql(
        '{ implementationChain(nationalItemId: "nat-ec-2016:（九十）") { nationalItem { id } } }'
    )
    assert missing == {"data": {"implementationChain": None}}
    municipal = gql('{ implementationChain(nationalItemId: "nt-ec:1") { nationalItem { id } } }')
    assert municipal["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_coverage_matrix(gql: Any) -> None:
    matrix = data(
        gql("""{ coverageMatrix { jurisdictionCodes jurisdictions { name }
        rows { item { id } implementedIn cells { jurisdictionCode taskIds implemented } } } }""")
    )["coverageMatrix"]
    assert matrix["jurisdictionCodes"] == ["320281", "320400", "320600", "320800"]
    assert [j["name"] for j in matrix["jurisdictions"]] == ["江阴市", "常州市", "南通市", "淮安市"]
    rows = {r["item"]["id"].split(":")[1]: r for r in matrix["rows"]}
    assert len(matrix["rows"]) == 23 and matrix["rows"][0]["item"]["id"] == "nat-ec-2016:（一）"

    def cells(marker: str) -> list[list[str]]:
        return [c["taskIds"] for c in rows[marker]["cells"]]

    assert cells("（三）") == [
        ["jy-ec-2018:task:1"],
        ["cz-ec:task:1"],
        ["nt-ec:task:1"],
        ["ha-dzsw:task:二/（一）"],
    ]
    assert cells("（十九）") == [[], [], [], ["ha-dzsw:task:五/（二）"]]  # not in Nantong
    assert rows["（十九）"]["cells"][2] == {
        "jurisdictionCode": "320600",
        "taskIds": [],
        "implemented": False,
    }
    assert cells("（十六）")[2] == ["nt-ec:task:10", "nt-ec:task:12"]
    assert cells("（十七）")[3] == []  # Huai'an's opinion has no 信用信息公示 item
    assert rows["（十四）"]["implementedIn"] == 0 and rows["（一）"]["implementedIn"] == 0
    assert sum(1 for r in matrix["rows"] if r["implementedIn"] == 4) == 16
    assert sum(len(c["taskIds"]) for r in matrix["rows"] for c in r["cells"]) == 77


def test_department_workload(gql: Any) -> None:
    q = """query($d: ID!) { departmentWorkload(departmentId: $d) {
        department { name } ledCount cooperatedCount responsibleCount taskCount
        documents { document { id } led { id } cooperated { id } responsible { id } } } }"""
    w = data(gql(q, {"d": "320281/江阴市市场监督管理局"}))["departmentWorkload"]
    # Row 6 names 市市场监管局 both as lead and as cooperating unit: two links, one task.
    assert (w["ledCount"], w["cooperatedCount"], w["responsibleCount"], w["taskCount"]) == (
        7,
        12,
        0,
        18,
    )
    [doc] = w["documents"]
    assert doc["document"]["id"] == "jy-ec-2018"
    assert [t["id"] for t in doc["led"]] == [
        f"jy-ec-2018:task:{n}" for n in (6, 10, 11, 13, 15, 17, 19)
    ]
    assert "jy-ec-2018:task:6" in [t["id"] for t in doc["cooperated"]]
    huaian = data(gql(q, {"d": "320800/淮安市市场监督管理局"}))["departmentWorkload"]
    assert (huaian["responsibleCount"], huaian["taskCount"]) == (20, 20)
    assert [(d["document"]["id"], len(d["responsible"])) for d in huaian["documents"]] == [
        ("ha-grcx", 3),
        ("ha-dzsw", 17),
    ]
    assert data(gql(q, {"d": "320800/collective/各县区人民政府"}))["departmentWorkload"] is None
    led = data(
        gql("""{ department(id: "320281/江阴市市场监督管理局") {
        tasks(role: LEAD) { id } } }""")
    )["department"]["tasks"]
    assert len(led) == 7


def test_nested_policy_query_costs_a_fixed_number_of_queries(gql: Any, gateway: LiveServer) -> None:
    before = gateway.queries
    result = data(
        gql("""{ policyDocuments { tasks { document { id } item { id }
        units { department { id } } implements { item { id } } } } }""")
    )
    used = gateway.queries - before
    assert sum(len(d["tasks"]) for d in result["policyDocuments"]) == 95
    assert used == 1, used  # one compiled query for the root field


async def test_loading_twice_changes_nothing_and_prunes_what_the_files_lack(db: Database) -> None:
    shape, content = (await db.read(SHAPE))[0], (await db.read(CONTENT))[0]
    counts = await policy.load(db)
    assert counts["tasks"] == 95 and counts["task_units"] == 738
    assert (await db.read(SHAPE))[0] == shape
    assert (await db.read(CONTENT))[0] == content
    # Something the files do not hold: a stale task and a stale link of a real task.
    await db.write("CREATE (:Task {id: 'stale:task:1'})")
    await db.write(
        "MATCH (t:Task {id: 'nt-ec:task:1'}), (d:Department {id: $d}) "
        "CREATE (t)-[:LED_BY {position: 99, asWritten: '旧'}]->(d)",
        {"d": "320600/南通市商务局"},
    )
    await policy.load(db)
    assert (await db.read(SHAPE))[0] == shape
    assert (await db.read(CONTENT))[0] == content
