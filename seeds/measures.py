"""The measure catalogue (联合奖惩措施) as graph data, from ``measures.json``.

``(:Measure)-[:APPLIES_TO {effect}]->(:MatterType)``, ``(:Measure)-[:BASED_ON]->(:PolicyItem)``
and, where the policy graph names who carries a measure out,
``(:Measure)-[:IMPLEMENTED_BY {task}]->(:Department)``. Idempotent: links not in the
file are removed, so the graph always says what the file says.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gateway.base.db import Database, Transaction

CATALOGUE = Path(__file__).parent / "measures.json"

UPSERT_MATTERS = """
UNWIND $matters AS m
MERGE (x:MatterType {code: m.code})
SET x.name = m.name
"""

UPSERT_MEASURES = """
UNWIND $measures AS m
MERGE (x:Measure {id: m.id})
SET x.name = m.name, x.kind = m.kind, x.list = m.list, x.targets = m.targets,
    x.subjectKinds = m.subject_kinds, x.minSeverity = m.min_severity, x.basis = m.basis
"""

LINK_MATTERS = """
MATCH (x:Measure)-[r:APPLIES_TO]->(t:MatterType)
WHERE NOT [x.id, t.code, r.effect] IN $applies
DELETE r
WITH count(*) AS removed
UNWIND $applies AS a
MATCH (x:Measure {id: a[0]}), (t:MatterType {code: a[1]})
MERGE (x)-[r:APPLIES_TO]->(t)
SET r.effect = a[2]
"""

LINK_BASIS = """
MATCH (x:Measure)-[r:BASED_ON]->(i:PolicyItem)
WHERE NOT [x.id, i.id] IN $basis
DELETE r
WITH count(*) AS removed
UNWIND $basis AS b
MATCH (x:Measure {id: b[0]}), (i:PolicyItem {id: b[1]})
MERGE (x)-[:BASED_ON]->(i)
"""

# The departments leading (or responsible for) the tasks that carry a measure out.
LINK_DEPARTMENTS = """
UNWIND $tasks AS t
MATCH (x:Measure {id: t[0]})
MATCH (:Task {id: t[1]})-[link:LED_BY|RESPONSIBILITY_OF]->(d:Department)
WHERE coalesce(d.kind, 'DEPARTMENT') = 'DEPARTMENT'
MERGE (x)-[r:IMPLEMENTED_BY]->(d)
SET r.task = t[1], r.asWritten = link.asWritten
"""


def catalogue() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CATALOGUE.read_text("utf-8"))
    for m in data["measures"]:
        m.setdefault("subject_kinds", None)
        m.setdefault("min_severity", None)
    return data


async def load(db: Database) -> dict[str, int]:
    data = catalogue()
    measures = data["measures"]
    applies = [
        [m["id"], matter, effect] for m in measures for matter, effect in m["applies"].items()
    ]
    basis = [[m["id"], item] for m in measures for item in m["basis"]]
    tasks = [[m["id"], task] for m in measures for task in m.get("tasks", [])]

    async def work(tx: Transaction) -> None:
        await tx.run(UPSERT_MATTERS, {"matters": data["matters"]})
        await tx.run(UPSERT_MEASURES, {"measures": measures})
        await tx.run(LINK_MATTERS, {"applies": applies})
        await tx.run(LINK_BASIS, {"basis": basis})
        await tx.run(LINK_DEPARTMENTS, {"tasks": tasks})

    await db.transaction(work, op="seed:measures")
    return {"measures": len(measures), "matter_types": len(data["matters"])}
