"""Load the reviewed policy data into Neo4j: documents, items, tasks, units, alignment.

Reads the committed files (``documents.json``, ``units.json``, ``extracted.json``,
``alignment.csv``), never the texts. Every statement is one set-based ``UNWIND``
over rows built here, MERGEd on ids, all in one transaction. Idempotent: a second
run changes nothing, and the policy nodes and links the files no longer contain
are removed, so the graph says what the files say. Department aliases are the
exception: they only accumulate (a name once used stays linked, DOMAIN.md), the
same rule as ``seeds/reference``, whose ``Department`` nodes these share (ids
``<jurisdiction code>/<full name>``). Collective units (各镇街园区 …) are
``CollectiveUnit`` nodes, never departments.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from gateway.base.db import Database, Transaction
from gateway.base.errors import ConfigurationError
from graph_schema.model import BELONGS_TO, DEPARTMENT, JURISDICTION
from graph_schema.policy_model import (
    CITES,
    COLLECTIVE_UNIT,
    IMPLEMENTS,
    IN_DOCUMENT,
    ISSUED_IN,
    PART_OF_DOCUMENT,
    PART_OF_ITEM,
    POLICY_DOCUMENT,
    POLICY_ITEM,
    REPEALS,
    ROLE_KEYS,
    ROLE_TYPES,
    TASK,
    UNDER_ITEM,
    UNIT_KIND_COLLECTIVE,
    UNIT_KIND_DEPARTMENT,
    TaskRole,
)
from seeds.policy.extract import load_json

HERE = Path(__file__).parent

MISSING_JURISDICTIONS = f"""
UNWIND $codes AS code
OPTIONAL MATCH (j:{JURISDICTION} {{code: code}})
WITH code WHERE j IS NULL
RETURN collect(code) AS missing
"""

# Aliases accumulate (never overwritten): the rule of seeds/reference.
UPSERT_DEPARTMENTS = f"""
UNWIND $rows AS row
MATCH (j:{JURISDICTION} {{code: row.jurisdictionCode}})
MERGE (d:{DEPARTMENT} {{id: row.id}})
SET d.name = row.name, d.jurisdictionCode = row.jurisdictionCode, d.level = j.level,
    d.kind = '{UNIT_KIND_DEPARTMENT}', d.category = row.category, d.nameBasis = row.nameBasis,
    d.note = row.note,
    d.aliases = coalesce(d.aliases, []) + [a IN row.aliases WHERE NOT a IN coalesce(d.aliases, [])]
MERGE (d)-[:{BELONGS_TO}]->(j)
"""

UPSERT_COLLECTIVES = f"""
UNWIND $rows AS row
MATCH (j:{JURISDICTION} {{code: row.jurisdictionCode}})
MERGE (c:{COLLECTIVE_UNIT} {{id: row.id}})
SET c.name = row.name, c.jurisdictionCode = row.jurisdictionCode, c.level = j.level,
    c.kind = '{UNIT_KIND_COLLECTIVE}'
MERGE (c)-[:{BELONGS_TO}]->(j)
"""

UPSERT_DOCUMENTS = f"""
UNWIND $rows AS row
MATCH (j:{JURISDICTION} {{code: row.jurisdictionCode}})
MERGE (d:{POLICY_DOCUMENT} {{id: row.id}})
SET d.title = row.title, d.issuer = row.issuer, d.number = row.number, d.date = date(row.date),
    d.level = row.level, d.jurisdictionCode = row.jurisdictionCode, d.seq = row.seq,
    d.sourceFile = row.sourceFile, d.titleSupplied = row.titleSupplied,
    d.alsoCitedAs = row.alsoCitedAs, d.issuedUnderNumber = row.issuedUnderNumber,
    d.issuedUnderTitle = row.issuedUnderTitle, d.note = row.note, d.sources = row.sources
MERGE (d)-[:{ISSUED_IN}]->(j)
"""

LINK_DOCUMENTS = f"""
CALL () {{
  UNWIND $citations AS c
  MATCH (a:{POLICY_DOCUMENT} {{id: c.from}}), (b:{POLICY_DOCUMENT} {{id: c.to}})
  MERGE (a)-[r:{CITES}]->(b)
  SET r.asWritten = c.asWritten
}}
CALL () {{
  UNWIND $parts AS p
  MATCH (a:{POLICY_DOCUMENT} {{id: p.from}}), (b:{POLICY_DOCUMENT} {{id: p.to}})
  MERGE (a)-[:{PART_OF_DOCUMENT}]->(b)
}}
CALL () {{
  UNWIND $repeals AS x
  MATCH (a:{POLICY_DOCUMENT} {{id: x.from}}), (b:{POLICY_DOCUMENT} {{id: x.to}})
  MERGE (a)-[r:{REPEALS}]->(b)
  SET r.itemId = x.itemId
}}
"""

UPSERT_ITEMS = f"""
UNWIND $rows AS row
MATCH (d:{POLICY_DOCUMENT} {{id: row.documentId}})
MERGE (i:{POLICY_ITEM} {{id: row.id}})
SET i.marker = row.marker, i.ordinal = row.ordinal, i.title = row.title, i.text = row.text,
    i.seq = row.seq
MERGE (i)-[:{IN_DOCUMENT}]->(d)
"""

LINK_ITEM_PARENTS = f"""
UNWIND $rows AS row
MATCH (i:{POLICY_ITEM} {{id: row.id}}), (p:{POLICY_ITEM} {{id: row.parentId}})
MERGE (i)-[:{PART_OF_ITEM}]->(p)
"""

UPSERT_TASKS = f"""
UNWIND $rows AS row
MATCH (d:{POLICY_DOCUMENT} {{id: row.documentId}})
MERGE (t:{TASK} {{id: row.id}})
SET t.number = row.number, t.text = row.text, t.seq = row.seq, t.openEnded = row.openEnded,
    t.leadAsWritten = row.leadAsWritten, t.cooperatingAsWritten = row.cooperatingAsWritten,
    t.responsibleAsWritten = row.responsibleAsWritten
MERGE (t)-[:{IN_DOCUMENT}]->(d)
WITH t, row WHERE row.itemId IS NOT NULL
MATCH (i:{POLICY_ITEM} {{id: row.itemId}})
MERGE (t)-[:{UNDER_ITEM}]->(i)
"""

# One statement per role (relationship types cannot be parameters). A unit id that
# is neither a department nor a collective leaves u null and MERGE fails: loud.
LINK_UNITS_TEMPLATE = """
UNWIND $rows AS row
MATCH (t:{task} {{id: row.taskId}})
OPTIONAL MATCH (d:{department} {{id: row.unitId}})
OPTIONAL MATCH (c:{collective} {{id: row.unitId}})
WITH t, row, coalesce(d, c) AS u
MERGE (t)-[r:{rel} {{position: row.position}}]->(u)
SET r.asWritten = row.asWritten
"""
LINK_UNITS = {
    role: LINK_UNITS_TEMPLATE.format(
        task=TASK, department=DEPARTMENT, collective=COLLECTIVE_UNIT, rel=rel
    )
    for role, rel in ROLE_TYPES.items()
}

LINK_IMPLEMENTS = f"""
UNWIND $rows AS row
MATCH (t:{TASK} {{id: row.taskId}}), (i:{POLICY_ITEM} {{id: row.itemId}})
MERGE (t)-[r:{IMPLEMENTS}]->(i)
SET r.evidence = row.evidence
"""

OWN_LINKS = "|".join(
    [
        IN_DOCUMENT,
        PART_OF_ITEM,
        CITES,
        PART_OF_DOCUMENT,
        REPEALS,
        ISSUED_IN,
        UNDER_ITEM,
        IMPLEMENTS,
        *ROLE_TYPES.values(),
    ]
)

# What the files no longer hold: policy nodes by id, links by (type, from, to, position).
PRUNE_NODES = f"""
MATCH (n:{POLICY_DOCUMENT}|{POLICY_ITEM}|{TASK}|{COLLECTIVE_UNIT}) WHERE NOT n.id IN $ids
DETACH DELETE n
"""
PRUNE_LINKS = f"""
MATCH (a:{POLICY_DOCUMENT}|{POLICY_ITEM}|{TASK})-[r:{OWN_LINKS}]->(b)
WHERE NOT [type(r), a.id, coalesce(b.id, b.code), coalesce(r.position, 0)] IN $links
DELETE r
"""


def _sources(doc: dict[str, Any]) -> list[str]:
    """``sources`` as ``field: source`` lines (a property cannot hold a map)."""
    out: list[str] = []
    for field, value in (doc.get("sources") or {}).items():
        out.extend(f"{field}: {v}" for v in (value if isinstance(value, list) else [value]))
    return out


def rows(root: Path = HERE) -> dict[str, list[dict[str, Any]]]:
    """Every row the statements take, built from the committed files."""
    documents = load_json("documents.json", root)
    units = load_json("units.json", root)
    extracted = load_json("extracted.json", root)
    with (root / "alignment.csv").open(encoding="utf-8", newline="") as f:
        alignment = list(csv.DictReader(f))
    docs = [
        {
            "id": d["id"],
            "title": d["title"],
            "issuer": d["issuer"],
            "number": d["number"],
            "date": d["date"],
            "level": d["level"],
            "jurisdictionCode": d["jurisdiction_code"],
            "seq": seq,
            "sourceFile": d["source_file"],
            "titleSupplied": bool(d.get("title_supplied")),
            "alsoCitedAs": d.get("also_cited_as", []),
            "issuedUnderNumber": (d.get("issued_under") or {}).get("number"),
            "issuedUnderTitle": (d.get("issued_under") or {}).get("title"),
            "note": d.get("note"),
            "sources": _sources(d),
        }
        for seq, d in enumerate(documents)
    ]
    repealed_by = {d["id"]: d.get("repealed_by") for d in documents}
    seq_in_doc: dict[str, int] = {}

    def seq(doc_id: str) -> int:
        seq_in_doc[doc_id] = seq_in_doc.get(doc_id, -1) + 1
        return seq_in_doc[doc_id]

    items = [
        {
            "id": i["id"],
            "documentId": i["document_id"],
            "parentId": i["parent_id"],
            "marker": i["marker"],
            "ordinal": i["ordinal"],
            "title": i["title"],
            "text": i["text"],
            "seq": seq(i["document_id"]),
        }
        for i in extracted["items"]
    ]
    seq_in_doc.clear()
    tasks: list[dict[str, Any]] = []
    unit_links: list[dict[str, Any]] = []
    for t in extracted["tasks"]:
        written = t["units_as_written"]
        tasks.append(
            {
                "id": t["id"],
                "documentId": t["document_id"],
                "itemId": t["item_id"],
                "number": t["number"],
                "text": t["text"],
                "seq": seq(t["document_id"]),
                "openEnded": t["open_ended"],
                **{f"{key}AsWritten": written.get(key) for key in ROLE_KEYS.values()},
            }
        )
        for role, key in ROLE_KEYS.items():
            unit_links.extend(
                {
                    "role": role.value,
                    "taskId": t["id"],
                    "unitId": m["unit_id"],
                    "asWritten": m["as_written"],
                    "position": n,
                }
                for n, m in enumerate(t[key], start=1)
            )
    return {
        "departments": [
            {
                "id": d["id"],
                "name": d["name"],
                "jurisdictionCode": d["jurisdiction_code"],
                "aliases": list(dict.fromkeys(d["aliases"])),
                "category": d.get("category"),
                "nameBasis": d.get("name_basis"),
                "note": d.get("note") or None,
            }
            for d in units["departments"]
        ],
        "collectives": [
            {"id": c["id"], "name": c["name"], "jurisdictionCode": c["jurisdiction_code"]}
            for c in units["collectives"]
        ],
        "documents": docs,
        "citations": [
            {"from": d["id"], "to": c["document_id"], "asWritten": c["as_written"]}
            for d in documents
            for c in d["citations"]
        ],
        "parts": [{"from": d["id"], "to": d["parent"]} for d in documents if d["parent"]],
        "repeals": [
            {"from": d["id"], "to": r, "itemId": repealed_by.get(r)}
            for d in documents
            for r in d.get("repeals", [])
        ],
        "items": items,
        "tasks": tasks,
        "unitLinks": unit_links,
        "alignment": [
            {"taskId": a["task_id"], "itemId": a["national_item_id"], "evidence": a["evidence"]}
            for a in alignment
        ],
    }


def link_keys(data: dict[str, list[dict[str, Any]]]) -> list[list[Any]]:
    """``[type, from, to, position]`` of every link the rows make (PRUNE_LINKS keeps these)."""
    keys: list[list[Any]] = []
    keys += [[ISSUED_IN, d["id"], d["jurisdictionCode"], 0] for d in data["documents"]]
    keys += [[CITES, c["from"], c["to"], 0] for c in data["citations"]]
    keys += [[PART_OF_DOCUMENT, p["from"], p["to"], 0] for p in data["parts"]]
    keys += [[REPEALS, r["from"], r["to"], 0] for r in data["repeals"]]
    keys += [[IN_DOCUMENT, i["id"], i["documentId"], 0] for i in data["items"] + data["tasks"]]
    keys += [[PART_OF_ITEM, i["id"], i["parentId"], 0] for i in data["items"] if i["parentId"]]
    keys += [[UNDER_ITEM, t["id"], t["itemId"], 0] for t in data["tasks"] if t["itemId"]]
    keys += [[IMPLEMENTS, a["taskId"], a["itemId"], 0] for a in data["alignment"]]
    keys += [
        [ROLE_TYPES[TaskRole(u["role"])], u["taskId"], u["unitId"], u["position"]]
        for u in data["unitLinks"]
    ]
    return keys


def check(data: dict[str, list[dict[str, Any]]]) -> None:
    """Refuse dangling references before writing (a MATCH would silently drop the row)."""
    docs = {d["id"] for d in data["documents"]}
    items = {i["id"] for i in data["items"]}
    tasks = {t["id"] for t in data["tasks"]}
    units = {u["id"] for u in data["departments"] + data["collectives"]}
    dangling = (
        [
            ("document", x["to"])
            for x in data["citations"] + data["parts"] + data["repeals"]
            if x["to"] not in docs
        ]
        + [
            ("document", x["documentId"])
            for x in data["items"] + data["tasks"]
            if x["documentId"] not in docs
        ]
        + [("item", x["parentId"]) for x in data["items"] if x["parentId"] not in items | {None}]
        + [("item", x["itemId"]) for x in data["tasks"] if x["itemId"] not in items | {None}]
        + [("unit", u["unitId"]) for u in data["unitLinks"] if u["unitId"] not in units]
        + [("task", a["taskId"]) for a in data["alignment"] if a["taskId"] not in tasks]
        + [("item", a["itemId"]) for a in data["alignment"] if a["itemId"] not in items]
    )
    if dangling:
        raise ConfigurationError(
            "seeds/policy refers to what it does not define", dangling=sorted(set(dangling))[:20]
        )


async def load(db: Database) -> dict[str, int]:
    """Load (or re-load) the policy graph; returns what the files hold."""
    data = rows()
    check(data)
    codes = sorted(
        {
            r["jurisdictionCode"]
            for r in data["documents"] + data["departments"] + data["collectives"]
        }
    )
    [record] = await db.read(MISSING_JURISDICTIONS, {"codes": codes}, op="seed:policy")
    if record["missing"]:
        raise ConfigurationError(
            "load seeds/reference first: jurisdictions are missing", missing=record["missing"]
        )
    ids = [r["id"] for key in ("documents", "items", "tasks", "collectives") for r in data[key]]

    async def work(tx: Transaction) -> None:
        await tx.run(UPSERT_DEPARTMENTS, {"rows": data["departments"]})
        await tx.run(UPSERT_COLLECTIVES, {"rows": data["collectives"]})
        await tx.run(UPSERT_DOCUMENTS, {"rows": data["documents"]})
        await tx.run(LINK_DOCUMENTS, {k: data[k] for k in ("citations", "parts", "repeals")})
        await tx.run(UPSERT_ITEMS, {"rows": data["items"]})
        await tx.run(LINK_ITEM_PARENTS, {"rows": [i for i in data["items"] if i["parentId"]]})
        await tx.run(UPSERT_TASKS, {"rows": data["tasks"]})
        for role, cypher in LINK_UNITS.items():
            links = [u for u in data["unitLinks"] if u["role"] == role.value]
            await tx.run(cypher, {"rows": links})
        await tx.run(LINK_IMPLEMENTS, {"rows": data["alignment"]})
        await tx.run(PRUNE_NODES, {"ids": ids})
        await tx.run(PRUNE_LINKS, {"links": link_keys(data)})

    await db.transaction(work, op="seed:policy")
    return {
        "policy_documents": len(data["documents"]),
        "policy_items": len(data["items"]),
        "tasks": len(data["tasks"]),
        "task_units": len(data["unitLinks"]),
        "policy_departments": len(data["departments"]),
        "collective_units": len(data["collectives"]),
        "implementations": len(data["alignment"]),
    }
