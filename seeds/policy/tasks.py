"""Task rows and their responsible units, per document layout (pure functions).

* Nantong (001): each numbered item ends with its assignment in brackets —
  〔牵头单位：…，配合单位：…〕, written with 〔〕, （）, () or [] — on the same
  line (task 10) or the next.
* Changzhou (002): a table flattened to lines; cells are separated by lines
  holding only "|": 序号 | 工作任务 | 牵头单位:… 配合单位:… (one cell).
* Jiangyin (000) 七、重点任务分工表: a row starts at a line holding only the
  next row number; then the task text, 牵头单位：…, 配合单位：…, each of
  which may run over several lines and page breaks.
* Huai'an opinions (004 个人诚信 / 电子商务): an item ending in （责任单位：…）
  is a task with responsible units only (no lead/cooperating split).

Unit lists are split by ``unitlist.split_units`` (rules U1–U3 there).
"""

from __future__ import annotations

import re
from typing import Any

from seeds.policy.textnorm import normalise
from seeds.policy.unitlist import split_units

_CLOSER = {"〔": "〕", "（": "）", "(": ")", "[": "]"}
_NANTONG_ASSIGNMENT = re.compile(r"[〔（(\[]牵头单位：")
_LEAD_COOP = re.compile(r"^牵头单位[:：](?P<lead>.+?)[，,]?配合单位[:：](?P<coop>.+)$")
_RESPONSIBLE = "（责任单位："
_NUMBER_LINE = re.compile(r"^\s*(\d+)\s*$")


def _task(
    doc_id: str, number: str, item_id: str | None, text: str, roles: dict[str, str]
) -> dict[str, Any]:
    task: dict[str, Any] = {
        "id": f"{doc_id}:task:{number}",
        "document_id": doc_id,
        "item_id": item_id,
        "number": number,
        "text": text,
        "lead": [],
        "cooperating": [],
        "responsible": [],
        "units_as_written": roles,
        "open_ended": [],
    }
    for role, written in roles.items():
        names, open_ended = split_units(written)
        task[role] = [{"as_written": name, "unit_id": None} for name in names]
        if open_ended:
            task["open_ended"].append(role)
    return task


def lead_and_cooperating(cell: str) -> dict[str, str]:
    match = _LEAD_COOP.match(cell)
    if not match or "配合单位" in match["lead"] or "牵头单位" in match["coop"]:
        raise ValueError(f"not a 牵头单位/配合单位 cell: {cell!r}")
    return {"lead": match["lead"], "cooperating": match["coop"]}


def nantong_tasks(doc_id: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One task per numbered item 1.–18. of 001, with its bracketed assignment."""
    tasks = []
    for item in items:
        if not (item["marker"] or "").isdigit():
            continue
        text: str = item["text"]
        starts = list(_NANTONG_ASSIGNMENT.finditer(text))
        if len(starts) != 1:
            raise ValueError(f"{item['id']}: {len(starts)} assignments")
        opener = starts[0].start()
        if text[-1] != _CLOSER[text[opener]]:
            raise ValueError(f"{item['id']}: assignment not closed at the end of the item")
        body = re.sub(r"^\d+\.\s*", "", text[:opener]).strip()
        roles = lead_and_cooperating(text[opener + 1 : -1])
        tasks.append(_task(doc_id, item["marker"], item["id"], body, roles))
    return tasks


def changzhou_tasks(doc_id: str, lines: list[str]) -> list[dict[str, Any]]:
    """The rows of 002: (序号, 工作任务, 牵头单位/配合单位) cells between "|" lines."""
    cells: list[str] = []
    current: list[str] = []
    for line in lines:
        if line.strip() == "|":
            cells.append(normalise("\n".join(current)))
            current = []
        else:
            current.append(line)
    if normalise("\n".join(current)):
        raise ValueError("002: text after the last cell separator")
    if len(cells) % 3:
        raise ValueError(f"002: {len(cells)} cells is not a whole number of rows")
    tasks = []
    for row in range(len(cells) // 3):
        number, text, units = cells[3 * row : 3 * row + 3]
        if number != str(row + 1):
            raise ValueError(f"002: row {row + 1} numbered {number!r}")
        tasks.append(_task(doc_id, number, None, text, lead_and_cooperating(units)))
    return tasks


def jiangyin_tasks(doc_id: str, item_id: str, lines: list[str]) -> list[dict[str, Any]]:
    """The rows of 000's 重点任务分工表; ``lines`` are the lines after its header."""
    rows: list[list[str]] = []
    for line in lines:
        match = _NUMBER_LINE.match(line)
        if match and int(match[1]) == len(rows) + 1:
            rows.append([])
        elif rows:
            rows[-1].append(line)
        elif line.strip():
            raise ValueError(f"000: text before row 1: {line!r}")
    tasks = []
    for number, row in enumerate(rows, start=1):
        cell = normalise("\n".join(row))
        lead_at = cell.find("牵头单位：")
        if lead_at <= 0:
            raise ValueError(f"000: row {number} has no 牵头单位")
        roles = lead_and_cooperating(cell[lead_at:])
        tasks.append(_task(doc_id, str(number), item_id, cell[:lead_at].strip(), roles))
    return tasks


def huaian_tasks(doc_id: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One task per item that ends with （责任单位：…）; its number is the item's path."""
    tasks = []
    for item in items:
        text: str = item["text"]
        if not (item["marker"] or "").startswith("（") or _RESPONSIBLE not in text:
            continue
        opener = text.rindex(_RESPONSIBLE)
        if text.count(_RESPONSIBLE) != 1 or text[-1] != "）":
            raise ValueError(f"{item['id']}: malformed （责任单位：…）")
        path = item["id"].split(":", 1)[1]
        body = text[len(item["marker"]) : opener].strip()
        roles = {"responsible": text[opener + len(_RESPONSIBLE) : -1]}
        tasks.append(_task(doc_id, path, item["id"], body, roles))
    return tasks
