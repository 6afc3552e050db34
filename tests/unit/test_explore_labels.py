"""The graph view's label table (web/labels.json) names every value of the enums it shows.

/explore speaks zh-CN: an enum value the table lacks would reach the investigator as
SERIOUS or LIST_ENTRY. The table is compared with the schema's enums both ways, so a value
added to the schema fails here until it has a name.
"""

from __future__ import annotations

import json
import re
from enum import Enum

from graph_schema.investigate import EdgeKind, NodeKind
from graph_schema.model import Disclosure, JurisdictionLevel, ListKind, RoleKind, Severity
from tests.conftest import ROOT

SHOWN: dict[str, type[Enum]] = {
    "NodeKind": NodeKind,
    "EdgeKind": EdgeKind,
    "RoleKind": RoleKind,
    "ListKind": ListKind,
    "Severity": Severity,
    "Disclosure": Disclosure,
    "JurisdictionLevel": JurisdictionLevel,
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_enum_value_shown_has_a_chinese_name() -> None:
    labels = json.loads((ROOT / "web" / "labels.json").read_text(encoding="utf-8"))
    assert set(labels) == set(SHOWN)
    for name, enum in SHOWN.items():
        assert set(labels[name]) == {m.value for m in enum}, name
        assert all(CJK.search(text) for text in labels[name].values()), labels[name]


def test_the_names_the_issue_cites() -> None:
    labels = json.loads((ROOT / "web" / "labels.json").read_text(encoding="utf-8"))
    assert labels["Severity"]["SERIOUS"] == "严重"
    assert labels["NodeKind"]["LIST_ENTRY"] == "名单条目"
    assert labels["Disclosure"]["PUBLIC"] == "社会公开"  # 管理办法 第十八条
