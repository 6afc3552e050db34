"""Reference data: the jurisdiction tree and the functional departments in it.

Jurisdictions come from ``reference/jurisdictions.json`` (GB/T 2260 codes);
departments from the templates in ``reference/departments.json``, one set per
jurisdiction of each level. The policy graph (seeds/policy) adds the aliases
that documents use and the departments only they mention, to the same ids.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gateway.base.db import Database

HERE = Path(__file__).parent / "reference"

UPSERT_JURISDICTIONS = """
UNWIND $rows AS row
MERGE (j:Jurisdiction {code: row.code})
SET j.name = row.name, j.fullName = row.fullName, j.level = row.level
WITH j, row WHERE row.parent IS NOT NULL
MATCH (p:Jurisdiction {code: row.parent})
MERGE (j)-[:PART_OF]->(p)
"""

# Aliases accumulate: a name once used for a department stays linked to it.
UPSERT_DEPARTMENTS = """
UNWIND $rows AS row
MATCH (j:Jurisdiction {code: row.jurisdictionCode})
MERGE (d:Department {id: row.id})
ON CREATE SET d.aliases = []
SET d.name = row.name, d.jurisdictionCode = row.jurisdictionCode, d.level = j.level,
    d.kind = coalesce(row.kind, 'DEPARTMENT'),
    d.aliases = d.aliases + [a IN row.aliases WHERE NOT a IN d.aliases]
MERGE (d)-[:BELONGS_TO]->(j)
"""


def jurisdictions() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((HERE / "jurisdictions.json").read_text("utf-8"))
    by_code = {r["code"]: r for r in rows}
    for r in rows:
        parent = by_code.get(r["parent"] or "")
        # Districts (区) are named with their city: 常州市天宁区.
        r["fullName"] = (
            parent["name"] + r["name"] if parent and r["name"].endswith("区") else r["name"]
        )
    return rows


def departments() -> list[dict[str, Any]]:
    templates = json.loads((HERE / "departments.json").read_text("utf-8"))
    out = []
    for j in jurisdictions():
        for template in templates[j["level"]]:
            name = template.format(name=j["fullName"])
            out.append(
                {
                    "id": f"{j['code']}/{name}",
                    "name": name,
                    "jurisdictionCode": j["code"],
                    "aliases": [],
                    "kind": "DEPARTMENT",
                }
            )
    return out


async def load(db: Database) -> dict[str, int]:
    js, ds = jurisdictions(), departments()
    await db.write(UPSERT_JURISDICTIONS, {"rows": js}, op="seed:jurisdictions")
    await db.write(UPSERT_DEPARTMENTS, {"rows": ds}, op="seed:departments")
    return {"jurisdictions": len(js), "departments": len(ds)}
