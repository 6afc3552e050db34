"""Rejected import rows: what the graph refused and why, and the rejects file.

The row rules (seeds/rows.py) refuse a row before it reaches the graph; the ingest
Cypher (seeds/ingest.py) refuses the rows it cannot link or that would change an
identity (graph_schema/rules/identity.py), answering ``[n, what, details]``. This
module turns those answers into rejects that name the field, a stable code and both
sides of a conflict, and writes the rejects file, which holds full ID numbers and is
therefore readable by its owner only.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson


@dataclass
class Reject:
    line: int
    field: str
    code: str
    reason: str
    value: Any
    record: Any
    file: str = ""  # the file the row came from: one rejects file may serve several


def _subject_field(row: Mapping[str, Any]) -> tuple[str, str]:
    """The column that named the row's subject, and its (normalised) code."""
    if row.get("uscc"):
        return "uscc", row["uscc"]
    return "id_number", row["idNumber"]


def _named(code: str | None, name: str | None) -> str:
    return f"{code} ({name})" if name else str(code)


def _other_kind(code: str, other: Mapping[str, Any] | None) -> str:
    """管理办法 第十五条: a code identifies one subject, a person or an organisation."""
    if not other:
        held = "a subject of the other kind"
    elif other["kind"] == "PERSON":
        held = f"the citizen ID number of natural person {other['name']}"
    else:
        held = f"the USCC of organisation {other['name']}"
    return f"{code} is already {held}; a code identifies one subject only (管理办法 第十五条)"


def _unknown(field: str) -> str:
    if field == "uscc":
        return "no organisation with this USCC; import subjects first"
    return "no person with this ID number; import subjects first"


def graph_reject(
    kind: str, row: Mapping[str, Any], raw: Any, what: str, details: Mapping[str, Any] | None
) -> Reject:
    """The reject for a row the ingest Cypher answered ``[n, what, details]`` for."""
    details = details or {}
    n = row["n"]
    if kind == "roles":
        return _role_reject(row, raw, what, details)
    field, code = _subject_field(row)
    if what == "subject_type":
        return Reject(
            n, field, "SUBJECT_TYPE_CONFLICT", _other_kind(code, details.get("other")), code, raw
        )
    if what == "subject":
        return Reject(n, field, "UNKNOWN_SUBJECT", _unknown(field), code, raw)
    dept_field = (
        "department_id" if isinstance(raw, Mapping) and raw.get("department_id") else ("department")
    )
    if what == "department":
        return Reject(
            n, dept_field, "UNKNOWN_DEPARTMENT", "no such department", row["departmentId"], raw
        )
    key = row["key"]
    if what == "source_key":
        held = details.get("held") or {}
        reason = (
            f"source key {key} already concerns "
            f"{_named(held.get('uscc') or held.get('idNumber'), held.get('name'))}; "
            f"this row names {_named(code, details.get('rowName'))}"
        )
        return Reject(n, field, "SOURCE_KEY_CONFLICT", reason, code, raw)
    if what == "kind" and kind == "entries":
        new = row["props"]["kind"]
        reason = f"source key {key} is a {details.get('kind')} list entry; this row says {new}"
        return Reject(n, "list", "LIST_KIND_CONFLICT", reason, new, raw)
    if what == "kind":
        new = row["props"]["category"]
        reason = f"source key {key} is a {details.get('kind')} record; this row makes it {new}"
        return Reject(n, "category", "CATEGORY_CONFLICT", reason, new, raw)
    if what == "given_by":
        # 实施办法 第三条 (谁认定、谁负责) for lists; 管理办法 第四条 (谁提供、谁负责) for records.
        verb, rule = (
            ("recognised", "实施办法 第三条: 谁认定、谁负责")
            if kind == "entries"
            else ("provided", "管理办法 第四条: 谁提供、谁负责")
        )
        reason = (
            f"source key {key} was {verb} by {details.get('givenBy')}; this row names "
            f"{row['departmentId']} ({rule})"
        )
        return Reject(n, dept_field, "DEPARTMENT_CONFLICT", reason, row["departmentId"], raw)
    if what == "procedure":
        return Reject(n, "(row)", "CHANGED_BY_PROCEDURE", _procedure_reason(key, details), key, raw)
    raise ValueError(f"unknown graph reject {what!r}")


def _procedure_reason(key: str, details: Mapping[str, Any]) -> str:
    """实施办法 第二十条: an entry a procedure ended or corrected changes only through one."""
    if details.get("endedOn") is not None:
        done = (
            f"was ended {details.get('endStatus') or 'REVOKED'} on {details['endedOn']} "
            f"({details.get('endReason') or 'no reason recorded'})"
        )
        remedy = "a change to it goes through the procedure that ended it"
    else:
        on = str(details.get("correctedAt"))[:10]
        done = f"was CORRECTED on {on} through an objection (管理办法 第二十九条)"
        remedy = "correct the source to match, or file an objection"
    return (
        f"list entry {key} {done}; this row differs from the entry and from the row imported "
        f"before, and an import never undoes a procedure (实施办法 第二十条): {remedy}"
    )


def _role_reject(row: Mapping[str, Any], raw: Any, what: str, details: Mapping[str, Any]) -> Reject:
    n = row["n"]
    if what in ("id_number", "uscc"):
        code = row["idNumber"] if what == "id_number" else row["uscc"]
        return Reject(n, what, "UNKNOWN_SUBJECT", _unknown(what), code, raw)
    if what in ("id_number_type", "uscc_type"):
        field = what.removesuffix("_type")
        code = row["idNumber"] if field == "id_number" else row["uscc"]
        return Reject(
            n, field, "SUBJECT_TYPE_CONFLICT", _other_kind(code, details.get("other")), code, raw
        )
    if what == "role_holder":
        holder = details.get("holder") or {}
        reason = (
            f"{row['uscc']} already has {row['kind']} "
            f"{_named(holder.get('idNumber'), holder.get('name'))} from {row['start']}; "
            "one person holds this post at a time (民法典 第六十一条)"
        )
        return Reject(n, "id_number", "ROLE_HOLDER_CONFLICT", reason, row["idNumber"], raw)
    raise ValueError(f"unknown graph reject {what!r}")


def write_rejects(path: Path, rejects: list[Reject]) -> None:
    """Write the rejects as CSV, readable by its owner only (it holds full ID numbers).

    The rows go to a new file that ``mkstemp`` creates with mode 600 beside ``path``,
    which then replaces ``path``: no moment exists when the file is readable by others,
    an earlier rejects file (whatever its mode) is replaced rather than rewritten, and
    a reader who opened that earlier file never sees the new rows. With no rejects an
    earlier file is removed: it would misreport this run, and it holds ID numbers.
    """
    if not rejects:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with open(fd, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["file", "line", "field", "code", "reason", "value", "record"])
            for r in rejects:
                writer.writerow(
                    [
                        r.file,
                        r.line,
                        r.field,
                        r.code,
                        r.reason,
                        "" if r.value is None else r.value,
                        orjson.dumps(r.record, default=str).decode(),
                    ]
                )
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
