"""Legal basis: policy items (articles) by id, as citations a decision can carry.

Read once from the committed extraction (``seeds/policy``), so an answer can cite
"淮安市守信联合激励和失信联合惩戒实施办法（试行） 第十四条（二）" without a database
round trip; the full text is one query away (``policyItem(id)``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

POLICY = Path(__file__).resolve().parent.parent.parent / "seeds" / "policy"

# The articles every hit rests on, beside the measures it triggers.
BLACK_LIST_CRITERIA = "ha-jlcj:第六条"  # 实施办法 第六条: black-list criteria
RED_LIST_CRITERIA = "ha-jlcj:第五条"  # 实施办法 第五条: red-list criteria
VALIDITY = "ha-xxgl:第二十七条"  # 管理办法 第二十七条: validity periods
PROPAGATION = "ha-xxgl:第二十六条"  # 管理办法 第二十六条: responsible persons
MUTUAL_RECOGNITION = "ha-jlcj:第十四条/（十二）"  # 结果互认 across regions and departments
BLACK_OUTWEIGHS_RED = "ha-jlcj:第四条"  # 实施办法 第四条


@dataclass(frozen=True, slots=True)
class Citation:
    item_id: str
    document: str
    document_number: str | None
    article: str


@cache
def _index() -> dict[str, Citation]:
    documents = {d["id"]: d for d in json.loads((POLICY / "documents.json").read_text("utf-8"))}
    extracted = json.loads((POLICY / "extracted.json").read_text("utf-8"))
    out = {}
    for item in extracted["items"]:
        doc = documents[item["document_id"]]
        article = item["id"].split(":", 1)[1].replace("/", "")
        out[item["id"]] = Citation(item["id"], doc["title"], doc.get("number"), article)
    return out


def cite(item_id: str) -> Citation:
    """The citation for a policy item id; KeyError for an id the documents lack."""
    return _index()[item_id]
