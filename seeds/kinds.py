"""The kinds of import file, as one table: what each kind is, the columns it takes, the
checker that turns a raw row into a validated one, and the set-based write that stores it.

``credit-graph import --kind``, ``credit-graph load`` and the importer read this table,
and ``tests/unit/test_import_kinds.py`` holds the README's "Import format" to it: a new
kind is a row here (with its checker in seeds/rows.py and its write in loaders/ingest.py).
The table's order is the load order (subjects before the roles and entries naming them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from seeds import ingest
from seeds.rows import (
    ENTRY_COLUMNS,
    RECORD_COLUMNS,
    ROLE_COLUMNS,
    SUBJECT_COLUMNS,
    DepartmentDirectory,
    parse_entry,
    parse_record,
    parse_role,
    parse_subject,
)

# A raw row, its line, the import day and the department directory (None for the kinds
# that name no department) -> the validated row, or RowError.
Check = Callable[[Mapping[str, Any], int, dt.date, DepartmentDirectory | None], dict[str, Any]]


class ImportKind(Enum):
    SUBJECTS = "subjects"
    ROLES = "roles"
    ENTRIES = "entries"
    RECORDS = "records"


@dataclass(frozen=True)
class KindSpec:
    kind: ImportKind
    description: str
    columns: frozenset[str]
    check: Check
    write: ingest.Writer
    # what a row's write depends on: rows sharing none may be written at once, in any order
    depends_on: Callable[[dict[str, Any]], tuple[Hashable, ...]]
    departments: bool = False  # rows name a department: the check needs the directory
    # the write propagates to derived entries and takes ``derived=False`` to leave that to
    # the caller (an initial load propagates once, after every role)
    defers_derived: bool = False

    @property
    def name(self) -> str:
        return self.kind.value


def _subject(raw: Mapping[str, Any], n: int, today: dt.date, _: Any) -> dict[str, Any]:
    return parse_subject(raw, n, today)[1]


def _role(raw: Mapping[str, Any], n: int, today: dt.date, _: Any) -> dict[str, Any]:
    return parse_role(raw, n, today)


def _entry(raw: Mapping[str, Any], n: int, today: dt.date, d: Any) -> dict[str, Any]:
    return parse_entry(raw, n, d, today)


def _record(raw: Mapping[str, Any], n: int, today: dt.date, d: Any) -> dict[str, Any]:
    return parse_record(raw, n, d, today)


KINDS: dict[ImportKind, KindSpec] = {
    spec.kind: spec
    for spec in (
        KindSpec(
            ImportKind.SUBJECTS,
            "organisations (by USCC) and persons (by citizen ID number)",
            SUBJECT_COLUMNS,
            _subject,
            ingest.write_subjects,
            ingest.subject_depends_on,
        ),
        KindSpec(
            ImportKind.ROLES,
            "posts persons hold in organisations (legal representative, director, …)",
            ROLE_COLUMNS,
            _role,
            ingest.write_roles,
            ingest.role_depends_on,
            defers_derived=True,
        ),
        KindSpec(
            ImportKind.ENTRIES,
            "red and black list entries, with the department that recognised them",
            ENTRY_COLUMNS,
            _entry,
            ingest.write_list_entries,
            ingest.entry_depends_on,
            departments=True,
        ),
        KindSpec(
            ImportKind.RECORDS,
            "credit records (基础/正面/负面/其他信息), with the department that provided them",
            RECORD_COLUMNS,
            _record,
            ingest.write_records,
            ingest.record_depends_on,
            departments=True,
        ),
    )
}
NAMES = tuple(spec.name for spec in KINDS.values())


def kind_help() -> str:
    """The kinds for an option's help: ``subjects | roles | entries | records``."""
    return " | ".join(NAMES)


def kinds_described() -> str:
    """One paragraph per kind, for a command's help."""
    return "\n\n".join(f"{spec.name}: {spec.description}" for spec in KINDS.values())
