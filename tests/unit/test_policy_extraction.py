"""The policy extraction (seeds/policy): counts taken by reading the texts, spot checks,
unit resolution, the committed output, the reviewed alignment. No database."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from seeds.policy import extract
from seeds.policy.structure import heading
from seeds.policy.textnorm import chinese_numeral, normalise
from seeds.policy.unitlist import split_units

POLICY = Path(extract.__file__).parent
# CI clones the repository with shared/ beside it.
SHARED = Path(__file__).resolve().parents[3] / "shared" / "policy-docs"
CHINESE = [
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "七",
    "八",
    "九",
    "十",
    "十一",
    "十二",
    "十三",
    "十四",
    "十五",
    "十六",
    "十七",
    "十八",
    "十九",
    "二十",
    "二十一",
    "二十二",
    "二十三",
]

# Counted by hand from the texts (000 七、重点任务分工表; 001 1.–18.; 002 rows 1–20; 004 意见 items
# with （责任单位：…）). Mentions follow unitlist U1–U3: a group noun after 等 (等有关部门, 等部门,
# 等高校) counts as one COLLECTIVE mention; a bare trailing 等 adds none.
TASKS = {"jy-ec-2018": 20, "nt-ec": 18, "cz-ec": 20, "ha-grcx": 19, "ha-dzsw": 18}
MENTIONS = {  # (lead, cooperating, responsible)
    "jy-ec-2018": (28, 102, 0),
    "nt-ec": (24, 109, 0),
    "cz-ec": (26, 124, 0),
    "ha-grcx": (0, 0, 179),
    "ha-dzsw": (0, 0, 146),
}
# Task rows whose list contains 等 (counted in the texts).
OPEN_ENDED = {"jy-ec-2018": 11, "nt-ec": 10, "cz-ec": 11, "ha-grcx": 10, "ha-dzsw": 4}
# Distinct wordings per document.
DISTINCT_MENTIONS = {"jy-ec-2018": 22, "nt-ec": 24, "cz-ec": 24, "ha-grcx": 52, "ha-dzsw": 22}


@pytest.fixture(scope="module")
def data() -> dict:
    return extract.extract()


@pytest.fixture(scope="module")
def units() -> dict:
    return extract.load_json("units.json")


@pytest.fixture(scope="module")
def documents() -> list[dict]:
    return extract.load_json("documents.json")


@pytest.fixture(scope="module")
def tasks(data) -> dict[str, dict]:
    return {t["id"]: t for t in data["tasks"]}


@pytest.fixture(scope="module")
def items(data) -> dict[str, dict]:
    return {i["id"]: i for i in data["items"]}


def names(task: dict, role: str) -> list[str]:
    return [m["as_written"] for m in task[role]]


def unbracket(text: str) -> str:
    return "".join(ch for ch in text if ch not in "〔〕﹝﹞")


def resolve(units: dict, code: str, name: str) -> str:
    """A unit by jurisdiction and any of its names (departments' aliases, collectives' names)."""
    found = {
        d["id"]
        for d in units["departments"]
        if d["jurisdiction_code"] == code and (name == d["name"] or name in d["aliases"])
    }
    found |= {
        c["id"]
        for c in units["collectives"]
        if c["jurisdiction_code"] == code and c["name"] == name
    }
    assert len(found) == 1, (code, name, found)
    return found.pop()


# --- the committed files ---------------------------------------------------------------------


def test_extracted_json_is_current():
    assert extract.is_current()
    assert extract.main(["--check"]) == 0


def test_texts_are_verbatim_copies():
    if not SHARED.exists():
        pytest.skip("shared/policy-docs not present")
    for source in sorted(SHARED.glob("*.txt")):
        assert (POLICY / "texts" / source.name).read_bytes() == source.read_bytes()


# --- tasks and mentions: hard numbers from the texts ------------------------------------------


def test_task_counts(data):
    assert Counter(t["document_id"] for t in data["tasks"]) == TASKS


@pytest.mark.parametrize("doc_id", sorted(MENTIONS))
def test_mention_counts(data, doc_id):
    rows = [t for t in data["tasks"] if t["document_id"] == doc_id]
    counted = tuple(sum(len(t[role]) for t in rows) for role in extract.TASK_DEPARTMENT_ROLES)
    assert counted == MENTIONS[doc_id]
    assert sum(1 for t in rows if t["open_ended"]) == OPEN_ENDED[doc_id]
    wordings = {
        m["as_written"] for t in rows for role in extract.TASK_DEPARTMENT_ROLES for m in t[role]
    }
    assert len(wordings) == DISTINCT_MENTIONS[doc_id]


def test_task_numbers_follow_the_text(data):
    for doc_id in ("jy-ec-2018", "nt-ec", "cz-ec"):
        numbers = [t["number"] for t in data["tasks"] if t["document_id"] == doc_id]
        assert numbers == [str(n) for n in range(1, TASKS[doc_id] + 1)]
    grcx = [t["number"] for t in data["tasks"] if t["document_id"] == "ha-grcx"]
    assert grcx[:6] == [f"二/（{n}）" for n in CHINESE[:5]] + ["三/（一）"]
    assert grcx[-1] == "七/（三）"


def test_changzhou_row_1(tasks):
    row = tasks["cz-ec:task:1"]
    assert row["item_id"] is None
    assert names(row, "lead") == ["市公安局"]
    assert names(row, "cooperating") == [
        "市通信行业管理办公室",
        "市商务局",
        "市工商局",
        "市网信办",
        "各辖市区人民政府",
    ]
    assert row["responsible"] == [] and row["open_ended"] == []
    assert row["text"].startswith("建立实名登记和认证制度。")
    assert row["text"].endswith("加大非法网站整治力度。")


def test_changzhou_cell_broken_over_lines(tasks):
    row = tasks["cz-ec:task:8"]  # 配合单位:市商务局、\n市工商局、…
    assert names(row, "lead") == ["市经信委(市信用办)"]
    assert names(row, "cooperating")[:2] == ["市商务局", "市工商局"]
    assert names(row, "cooperating")[-2:] == ["部门", "各辖市区人民政府"]
    assert row["units_as_written"]["cooperating"].endswith("市邮政管理局等部门、各辖市区人民政府")


def test_jiangyin_rows_across_lines_and_pages(tasks):
    row = tasks["jy-ec-2018:task:1"]  # 市市\n场监管局
    assert names(row, "cooperating") == ["电信局", "市商务局", "市市场监管局", "各镇街园区"]
    row5 = tasks["jy-ec-2018:task:5"]  # ends at a page break with a repeated table header
    assert names(row5, "cooperating") == [
        "市交通运输局",
        "市公安局",
        "市商务局",
        "市市场监管局",
        "江阴海关",
    ]
    assert "序号" not in row5["text"] + row5["units_as_written"]["cooperating"]
    row6 = tasks["jy-ec-2018:task:6"]  # as written: 市市场监管局 both leads and cooperates
    assert names(row6, "lead") == ["市市场监管局"]
    assert names(row6, "cooperating") == ["市商务局", "市市场监管局", "江阴海关", "市公安局"]
    # 人\n民银行
    assert names(tasks["jy-ec-2018:task:14"], "lead") == ["市经信委（信用办）", "人民银行"]
    assert names(tasks["jy-ec-2018:task:20"], "cooperating") == [
        "市市场监管局",
        "市有关部门",
        "各镇街园区",
    ]
    assert tasks["jy-ec-2018:task:20"]["item_id"] == "jy-ec-2018:七"


def test_nantong_brackets(tasks):
    first = tasks["nt-ec:task:1"]  # 〔…〕 on its own line
    assert first["item_id"] == "nt-ec:1"
    assert names(first, "lead") == ["市公安局"]
    assert names(first, "cooperating")[-1] == "各县（市）区政府（管委会）"
    third = tasks["nt-ec:task:3"]  # half-width (…)
    assert names(third, "lead") == ["人民银行南通市中心支行"]
    assert names(third, "cooperating") == ["南通银监局", "市金融办"]
    tenth = tasks["nt-ec:task:10"]  # 〔…〕 at the end of the paragraph
    assert names(tenth, "lead") == ["市经信委", "人民银行南通市中心支行"]
    assert tenth["text"].endswith("形成的电子商务领域失信信息。")
    twelfth = tasks["nt-ec:task:12"]  # […]
    assert names(twelfth, "cooperating")[-2:] == ["有关部门", "各县（市）区人民政府（管委会）"]
    assert tasks["nt-ec:task:13"]["units_as_written"]["cooperating"].endswith("市农委等市有关部门")
    for task in tasks.values():
        assert "牵头单位" not in task["text"] and "责任单位" not in task["text"]


def test_huaian_responsible_units(tasks):
    campus = tasks["ha-grcx:task:二/（五）"]
    assert campus["lead"] == [] and campus["cooperating"] == []
    assert names(campus, "responsible") == [
        "市教育局",
        "市文明办",
        "团市委",
        "市人行",
        "市经信委（信用办）",
        "淮阴工学院",
        "淮阴师范学院",
        "高校",
    ]
    assert campus["open_ended"] == ["responsible"]
    payment = tasks["ha-dzsw:task:二/（三）"]
    assert names(payment, "responsible") == ["市人行", "淮安银监分局", "市金融办"]
    assert payment["open_ended"] == ["responsible"]
    assert payment["item_id"] == "ha-dzsw:二/（三）"
    assert len(tasks["ha-grcx:task:三/（二）"]["responsible"]) == 26


# --- unit resolution ----------------------------------------------------------------------------


def test_every_mention_resolves(data, units):
    departments = {d["id"]: d for d in units["departments"]}
    collectives = {c["id"]: c for c in units["collectives"]}
    used = set()
    for task in data["tasks"]:
        for role in extract.TASK_DEPARTMENT_ROLES:
            for m in task[role]:
                assert m["unit_id"] in departments or m["unit_id"] in collectives, m
                if m["unit_id"] in departments:
                    assert m["as_written"] in departments[m["unit_id"]]["aliases"]
                used.add((task["document_id"], m["as_written"], m["unit_id"]))
    listed = {(m["document_id"], m["as_written"], m["unit_id"]) for m in units["mentions"]}
    assert listed == used
    assert len(units["mentions"]) == sum(DISTINCT_MENTIONS.values())


def test_unit_records(units):
    for d in units["departments"]:
        assert d["id"] == f"{d['jurisdiction_code']}/{d['name']}" and d["kind"] == "DEPARTMENT"
        assert d["name_basis"] in {"text", "expanded", "inferred", "uncertain"}
        if d["name_basis"] in {"inferred", "uncertain"}:
            assert d["note"]
    for c in units["collectives"]:
        assert c["id"] == f"{c['jurisdiction_code']}/collective/{c['name']}"
        assert c["kind"] == "COLLECTIVE"
    codes = {d["jurisdiction_code"] for d in units["departments"]}
    assert codes == {"320281", "320400", "320600", "320800"}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("320800", "320800/淮安市市场监督管理局"),
        ("320400", "320400/常州市市场监督管理局"),
        ("320600", "320600/南通市市场监督管理局"),
        ("320281", "320281/江阴市市场监督管理局"),
    ],
)
def test_aic_and_market_regulation_are_one_department(units, code, expected):
    assert resolve(units, code, "市工商局") == resolve(units, code, "市市场监管局") == expected
    department = next(d for d in units["departments"] if d["id"] == expected)
    assert "2018" in department["note"]


def test_aliases_as_written(units, data):
    assert resolve(units, "320600", "人民银行南通市中心支行") == "320600/中国人民银行南通市中心支行"
    assert resolve(units, "320400", "公安局") == "320400/常州市公安局"
    assert resolve(units, "320400", "市公安局") == "320400/常州市公安局"
    assert resolve(units, "320400", "农委") == resolve(units, "320400", "市农委")
    assert resolve(units, "320281", "市银监局") == resolve(units, "320281", "市银监办")
    assert resolve(units, "320281", "人民银行") == "320281/中国人民银行江阴市支行"
    assert resolve(units, "320600", "市经信委") == resolve(units, "320600", "市经信委（市信用办）")
    ha = next(t for t in data["tasks"] if t["id"] == "ha-dzsw:task:二/（一）")
    assert ha["responsible"][0] == {
        "as_written": "市工商局",
        "unit_id": "320800/淮安市市场监督管理局",
    }


def test_collectives_are_not_departments(units, tasks):
    collective_ids = {c["id"] for c in units["collectives"]}
    assert resolve(units, "320400", "各辖市区人民政府") == "320400/collective/各辖市区人民政府"
    assert (
        tasks["cz-ec:task:1"]["cooperating"][-1]["unit_id"] == "320400/collective/各辖市区人民政府"
    )
    assert (
        tasks["jy-ec-2018:task:1"]["cooperating"][-1]["unit_id"] == "320281/collective/各镇街园区"
    )
    assert tasks["nt-ec:task:11"]["cooperating"][0]["unit_id"] == "320600/collective/市有关部门"
    assert (
        tasks["ha-grcx:task:二/（二）"]["responsible"][0]["unit_id"]
        == "320800/淮安市精神文明建设委员会办公室"
    )
    for task in tasks.values():
        for role in extract.TASK_DEPARTMENT_ROLES:
            for m in task[role]:
                group = (
                    m["as_written"].startswith("各")
                    or m["as_written"].endswith("部门")
                    or m["as_written"] == "高校"
                )
                assert (m["unit_id"] in collective_ids) == group, m
    aliases = {a for d in units["departments"] for a in d["aliases"]}
    assert not aliases & {c["name"] for c in units["collectives"]}


# --- items ------------------------------------------------------------------------------------


def test_all_23_national_items(items):
    for n, numeral in enumerate(CHINESE[:23], start=1):
        item = items[f"nat-ec-2016:（{numeral}）"]
        assert item["ordinal"] == n and item["parent_id"] == f"nat-ec-2016:{item['parent_id'][-1]}"
        assert item["text"].startswith(f"（{numeral}）")
    assert "nat-ec-2016:（二十四）" not in items
    assert [items[f"nat-ec-2016:{s}"]["title"] for s in ("一", "七")] == [
        "充分认识加强电子商务领域诚信建设的重要意义",
        "保障措施",
    ]
    assert items["nat-ec-2016:（十九）"]["title"] == "加大对失信主体的惩戒力度"
    assert items["nat-ec-2016:（一）"]["title"] == "指导思想"
    assert (
        "不得担任企业法定代表人、负责人、董事、监事、高级管理人员职务"
        in items["nat-ec-2016:（十九）"]["text"]
    )


def test_ha_jlcj_articles_13_and_14(items):
    for article, count in (("第十三条", 4), ("第十四条", 15)):
        assert items[f"ha-jlcj:{article}"]["parent_id"] in {"ha-jlcj:第四章", "ha-jlcj:第五章"}
        children = [i for i in items.values() if i["parent_id"] == f"ha-jlcj:{article}"]
        expected = [f"ha-jlcj:{article}/（{n}）" for n in CHINESE[:count]]
        assert [c["id"] for c in children] == expected
    assert "法定代表人、主要负责人" in items["ha-jlcj:第十四条/（十一）"]["text"]
    assert (
        "法定代表人、主要负责人和其他负有直接责任人员" in items["ha-jlcj:第十四条/（十三）"]["text"]
    )
    assert items["ha-jlcj:第十三条/（二）"]["title"] == "建立行政审批“绿色通道”"
    assert items["ha-jlcj:第十四条/（一）"]["title"] is None


def test_other_example_ids(items):
    assert items["ha-xxgl:第二十六条"]["text"].startswith("第二十六条 信息提供单位应将严重失信法人")
    assert items["ha-grcx:四/（一）"]["title"] == "保护个人信息安全"
    points = [items[f"ha-xxgl:第三十一条/（二）/{n}"]["ordinal"] for n in range(1, 8)]
    assert points == list(range(1, 8))
    assert items["nt-ec:三/(二)"]["marker"] == "(二)"  # half-width, as written
    assert items["nt-ec:6"]["parent_id"] == "nt-ec:三/(二)"
    assert (
        sum(
            1
            for i in items.values()
            if i["document_id"] == "ha-xxgl" and i["marker"] and i["marker"].endswith("条")
        )
        == 38
    )


def test_item_tree_is_complete(data, items):
    assert len(items) == len(data["items"])
    siblings: dict = {}
    for item in data["items"]:
        if item["parent_id"] is not None:
            assert items[item["parent_id"]]["document_id"] == item["document_id"]
            assert item["text"] in items[item["parent_id"]]["text"]
        if item["marker"] is not None:
            kind = item["marker"][-1] if item["marker"][0] == "第" else item["marker"][0].isdigit()
            key = (item["document_id"], item["parent_id"], kind)
            siblings.setdefault(key, []).append(item["ordinal"])
        assert "\n\n" not in item["text"] and "— " not in item["text"]
    for key, ordinals in siblings.items():
        # consecutive within a parent; 003's and Jiangyin's （N）, Nantong's tasks and every
        # 第N条 run on through the document, so a group may start after 1
        assert ordinals == list(range(ordinals[0], ordinals[0] + len(ordinals))), key
    for doc_id in ("ha-jlcj", "ha-xxgl"):
        articles = [
            i["ordinal"]
            for i in data["items"]
            if i["document_id"] == doc_id and (i["marker"] or "").endswith("条")
        ]
        assert articles == list(range(1, len(articles) + 1))


# --- documents --------------------------------------------------------------------------------


def test_documents(documents):
    by_id = {d["id"]: d for d in documents}
    for doc_id in (
        "nat-ec-2016",
        "js-144-2017",
        "jy-ec-2018",
        "nt-ec",
        "cz-ec",
        "ha-notice-2018",
        "ha-jlcj",
        "ha-xxgl",
        "ha-grcx",
        "ha-dzsw",
    ):
        assert doc_id in by_id
    for doc_id in ("ha-jlcj", "ha-xxgl", "ha-grcx", "ha-dzsw"):
        assert by_id[doc_id]["parent"] == "ha-notice-2018" and by_id[doc_id]["date"] == "2018-10-30"
    assert by_id["js-144-2017"]["number"] == "苏政办发〔2017〕144号"
    assert by_id["js-144-2017"]["source_file"] is None
    assert by_id["jy-ec-2018"]["number"] == "澄信用发〔2018〕7号"
    assert by_id["jy-ec-2018"]["level"] == "COUNTY"
    assert by_id["jy-ec-2018"]["cites"] == ["nat-ec-2016", "js-144-2017"]
    assert by_id["ha-dzsw"]["cites"] == ["nat-ec-2016", "js-144-2017"]
    assert by_id["nt-ec"]["cites"][0] == "js-144-2017"
    assert "gf-33-2016" in by_id["ha-jlcj"]["cites"]
    levels = {"100000": "NATIONAL", "320000": "PROVINCIAL", "320281": "COUNTY"}
    for d in documents:
        assert d["level"] == levels.get(d["jurisdiction_code"], "MUNICIPAL")
        assert d["date"] is None or (len(d["date"]) == 10 and d["date"][4] == "-")


def test_citations_are_quoted_from_the_texts(data, documents):
    text: dict[str, str] = {}
    for item in data["items"]:
        text[item["document_id"]] = text.get(item["document_id"], "") + item["text"]
    by_id = {d["id"]: d for d in documents}
    for d in documents:
        for citation in d.get("citations", []):
            assert citation["as_written"] in text[d["id"]]
            cited = by_id[citation["document_id"]]
            number = unbracket(cited["number"] or "")
            plain = unbracket(citation["as_written"])
            assert (number and number in plain) or cited["title"] in citation["as_written"]


# --- alignment --------------------------------------------------------------------------------


def test_alignment_rows(tasks, items):
    with (POLICY / "alignment.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and list(rows[0]) == ["task_id", "national_item_id", "evidence"]
    assert len(rows) == len({(r["task_id"], r["national_item_id"]) for r in rows})
    for row in rows:
        task = tasks[row["task_id"]]
        national = items[row["national_item_id"]]
        assert national["document_id"] == "nat-ec-2016" and national["marker"].startswith("（")
        assert row["evidence"]
        assert row["evidence"] in task["text"] and row["evidence"] in national["text"]
    mapped = {r["task_id"] for r in rows}
    ecommerce = {t for t, task in tasks.items() if task["document_id"] != "ha-grcx"}
    # every e-commerce task implements an item of 003; the 个人诚信 tasks implement none
    assert mapped == ecommerce
    assert len(rows) == 77


# --- the rules on small inputs ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("市公安局", (["市公安局"], False)),
        (
            "市统计局等有关部门、各县（市）区政府（管委会）",
            (["市统计局", "有关部门", "各县（市）区政府（管委会）"], True),
        ),
        (
            "市经信委（信用办），淮阴工学院、淮阴师范学院等高校",
            (["市经信委（信用办）", "淮阴工学院", "淮阴师范学院", "高校"], True),
        ),
        ("市交通局、市城管局等", (["市交通局", "市城管局"], True)),
        ("市商务局、市经信委(市信用办)", (["市商务局", "市经信委(市信用办)"], False)),
    ],
)
def test_split_units(written, expected):
    assert split_units(written) == expected


@pytest.mark.parametrize("written", ["市公安局、", "市统计局等其他单位", "市经信委（信用办"])
def test_split_units_rejects(written):
    with pytest.raises(ValueError):
        split_units(written)


def test_normalise_and_numerals():
    assert normalise("  电子商务迅猛发\n\n展，已成为 ") == "电子商务迅猛发展，已成为"
    assert normalise("第十四条  对列入") == "第十四条 对列入"
    assert normalise("APP\nstore") == "APP store"
    numerals = [chinese_numeral(n) for n in ("一", "十", "十九", "二十三", "三十八")]
    assert numerals == [1, 10, 19, 23, 38]
    assert heading("建立实名登记和认证制度。电子商务平台要") == "建立实名登记和认证制度"
    assert heading("信息主体应强化诚信自律意识、建立信用管理制度并承诺不再失信。") is None
    assert heading("初次列入黑名单，已按规定全面履行法定义务。其后") is None


def test_output_is_deterministic():
    first = extract.render(extract.extract())
    assert first == extract.render(extract.extract())
    assert json.loads(first)["tasks"][0]["id"] == "jy-ec-2018:task:1"
