"""Deterministic extraction of the policy texts into ``extracted.json``.

    python -m seeds.policy.extract           # write extracted.json
    python -m seeds.policy.extract --check   # exit 1 if extracted.json is stale

Inputs: ``texts/*.txt`` (verbatim copies of the five source texts), the reviewed
``documents.json`` and the reviewed ``units.json``. Output: ``items`` (the item
tree of every numbered document, see ``structure``) and ``tasks`` (task rows
with their units, see ``tasks``; unit lists are split by the rules U1–U3 of
``unitlist``: separators 、，, ; 等 ends a list and a group noun after it —
有关部门, 市有关部门, 部门, 高校 — is a COLLECTIVE mention written without 等;
as_written never includes 等 or a separator; roles with 等 are listed in
``open_ended`` and the unsplit text is kept in ``units_as_written``).

Every unit as written is resolved through ``units.json`` ``mentions`` (by
document and exact wording); an unresolved mention, a mention entry no text
uses, or a unit id that is neither a department nor a collective of the
document's jurisdiction is an error. Nothing is guessed at run time.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from seeds.policy.sources import (
    CHANGZHOU_FILE,
    JIANGYIN_TABLE_HEADER,
    TEXTS,
    Source,
    numbered_sources,
    read_lines,
)
from seeds.policy.structure import items as item_records
from seeds.policy.tasks import changzhou_tasks, huaian_tasks, jiangyin_tasks, nantong_tasks

HERE = Path(__file__).parent
TASK_DEPARTMENT_ROLES = ("lead", "cooperating", "responsible")  # a policy task's departments


def load_json(name: str, root: Path = HERE) -> Any:
    return json.loads((root / name).read_text(encoding="utf-8"))


def _jiangyin_table(source: Source, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tasks of 000 七、重点任务分工表, the last section: the lines after its header."""
    table = items[-1]
    if table["id"] != "jy-ec-2018:七" or not table["text"].startswith("七、重点任务分工表"):
        raise ValueError("000: the last section is not the task table")
    start = next(i for i, ln in enumerate(source.lines) if ln.strip() == JIANGYIN_TABLE_HEADER)
    return jiangyin_tasks(source.doc_id, table["id"], source.lines[start + 1 :])


def raw_extraction(texts: Path = TEXTS) -> dict[str, list[dict[str, Any]]]:
    """Items and tasks with unit ids still unresolved."""
    sources = {s.doc_id: s for s in numbered_sources(texts)}
    by_doc = {
        doc_id: item_records(doc_id, s.lines, s.levels, indented_paragraphs=s.indented_paragraphs)
        for doc_id, s in sources.items()
    }
    tasks = [
        *_jiangyin_table(sources["jy-ec-2018"], by_doc["jy-ec-2018"]),
        *nantong_tasks("nt-ec", by_doc["nt-ec"]),
        *changzhou_tasks("cz-ec", read_lines(CHANGZHOU_FILE, texts)),
        *huaian_tasks("ha-grcx", by_doc["ha-grcx"]),
        *huaian_tasks("ha-dzsw", by_doc["ha-dzsw"]),
    ]
    return {"items": [item for records in by_doc.values() for item in records], "tasks": tasks}


def unit_jurisdictions(units: dict[str, Any]) -> dict[str, str]:
    """Unit id → jurisdiction code, for departments and collectives."""
    out = {}
    for kind in ("departments", "collectives"):
        for unit in units[kind]:
            if unit["id"] in out:
                raise ValueError(f"units.json: duplicate id {unit['id']}")
            out[unit["id"]] = unit["jurisdiction_code"]
    return out


def resolve(
    tasks: list[dict[str, Any]], documents: list[dict[str, Any]], units: dict[str, Any]
) -> None:
    """Fill every unit_id from units.json mentions, in place; fail on any gap."""
    jurisdiction = {d["id"]: d["jurisdiction_code"] for d in documents}
    known = unit_jurisdictions(units)
    table: dict[tuple[str, str], str] = {}
    for m in units["mentions"]:
        key = (m["document_id"], m["as_written"])
        if key in table:
            raise ValueError(f"units.json: duplicate mention {key}")
        table[key] = m["unit_id"]
    used, problems = set(), []
    for task in tasks:
        for role in TASK_DEPARTMENT_ROLES:
            for mention in task[role]:
                key = (task["document_id"], mention["as_written"])
                unit_id = table.get(key)
                if unit_id is None:
                    problems.append(f"unresolved {key} in {task['id']}")
                elif known.get(unit_id) != jurisdiction[task["document_id"]]:
                    problems.append(f"{key} → {unit_id}: not a unit of the document's jurisdiction")
                mention["unit_id"] = unit_id
                used.add(key)
    problems += [f"mention {key} is used by no task" for key in sorted(set(table) - used)]
    if problems:
        raise ValueError("units.json does not match the texts:\n  " + "\n  ".join(problems))


def check_documents(
    items: list[dict[str, Any]],
    tasks: list[dict[str, Any]],
    documents: list[dict[str, Any]],
    texts: Path,
) -> None:
    """documents.json against the texts: every extracted document is described, each
    citation is quoted exactly as the citing text writes it, every reference resolves."""
    by_id = {d["id"]: d for d in documents}
    problems = [
        f"documents.json lacks {doc_id}"
        for doc_id in sorted({r["document_id"] for r in [*items, *tasks]} - set(by_id))
    ]
    text: dict[str, list[str]] = {}
    for item in items:
        text.setdefault(item["document_id"], []).append(item["text"])
    for d in documents:
        if d["source_file"] and not (texts / d["source_file"]).exists():
            problems.append(f"{d['id']}: no text {d['source_file']}")
        if d["cites"] != list(dict.fromkeys(c["document_id"] for c in d.get("citations", []))):
            problems.append(f"{d['id']}: cites does not list its citations")
        for ref in [d["parent"], *d["cites"]]:
            if ref is not None and ref not in by_id:
                problems.append(f"{d['id']}: unknown document {ref}")
        body = "\n".join(text.get(d["id"], []))
        for c in d.get("citations", []):
            if c["as_written"] not in body:
                problems.append(f"{d['id']}: citation not in the text: {c['as_written']}")
    if problems:
        raise ValueError("documents.json does not match the texts:\n  " + "\n  ".join(problems))


def extract(root: Path = HERE) -> dict[str, list[dict[str, Any]]]:
    """The full extraction, unit ids resolved."""
    documents = load_json("documents.json", root)
    units = load_json("units.json", root)
    data = raw_extraction(root / "texts")
    check_documents(data["items"], data["tasks"], documents, root / "texts")
    resolve(data["tasks"], documents, units)
    return data


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def is_current(root: Path = HERE) -> bool:
    """Whether the committed extracted.json equals a fresh extraction."""
    path = root / "extracted.json"
    return path.exists() and path.read_text(encoding="utf-8") == render(extract(root))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="fail if extracted.json is stale")
    args = parser.parse_args(argv)
    if args.check:
        if is_current():
            print("extracted.json is current")
            return 0
        print(
            "extracted.json differs from a fresh extraction: run python -m seeds.policy.extract",
            file=sys.stderr,
        )
        return 1
    data = extract()
    (HERE / "extracted.json").write_text(render(data), encoding="utf-8")
    print(f"wrote {len(data['items'])} items, {len(data['tasks'])} tasks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
