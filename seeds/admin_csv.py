"""The files an initial load hands to ``neo4j-admin database import full``.

Each validated row (seeds/rows.py) becomes the lines of the nodes and relationships the
online importer (seeds/ingest.py) would have written for it on an empty graph: the
node with its internal id, ``version`` 1, ``createdAt`` and ``updatedAt``; for a list
entry its first ``(:Version)`` (``RECORDED``, a copy of its properties; subjects, roles
and records get versions when they first change); its links. Defaults apply, as when
the online importer creates a node. A file has one fixed header; an empty cell is a
property the node lacks. Pure functions of the row: tests compare the result with what
the online importer writes (tests/integration/test_load.py).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# The value separator of array properties (department aliases): a control character no
# name contains.
ARRAY_DELIMITER = "\x1f"


@dataclass(frozen=True)
class File:
    name: str
    header: tuple[str, ...]
    labels: str | None = None  # nodes: "Subject:Organization"; None for relationships
    type: str | None = None  # relationships: "HOLDS_ROLE"


def _typed(columns: list[str]) -> tuple[str, ...]:
    return tuple(columns)


_STAMPS = ["version:long", "createdAt:datetime", "updatedAt:datetime"]
_VERSION = [
    "versionOf",
    "versionAt:datetime",
    "versionActor",
    "versionChange",
    "versionReason",
]
ORGANIZATION_COLUMNS = [
    "uscc",
    "id",
    "name",
    "kind",
    "orgType",
    "nature",
    "address",
    "status",
    "jurisdictionCode",
    "establishedOn:date",
    "source",
    *_STAMPS,
]
PERSON_COLUMNS = [
    "idNumber",
    "id",
    "name",
    "kind",
    "sex",
    "workUnit",
    "status",
    "jurisdictionCode",
    "source",
    *_STAMPS,
]
ROLE_COLUMNS = ["kind", "start:date", "end:date", "id", "source", *_STAMPS]
ENTRY_COLUMNS = [
    "key",
    "id",
    "kind",
    "domain",
    "category",
    "facts",
    "basis",
    "decisionDocument",
    "documentNumber",
    "severity",
    "disclosure",
    "recognisedOn:date",
    "actOn:date",
    "validUntil:date",
    "sourceSystem",
    "sourceRef",
    "status",
    "derived:boolean",
    "sourceDigest",
    *_STAMPS,
]
RECORD_COLUMNS = [
    "key",
    "id",
    "category",
    "type",
    "title",
    "content",
    "severity",
    "disclosure",
    "recordedOn:date",
    "validUntil:date",
    "sourceSystem",
    "sourceRef",
    *_STAMPS,
]


def _id_column(columns: list[str], space: str) -> list[str]:
    """The first column is the node's key, also its id in the import's ``space``."""
    return [f"{columns[0]}:ID({space})", *columns[1:]]


FILES = {
    f.name: f
    for f in (
        File("departments", ("id:ID(Department)", "aliases:string[]"), labels="Department"),
        File(
            "organizations",
            _typed(_id_column(ORGANIZATION_COLUMNS, "Organization")),
            labels="Subject:Organization",
        ),
        File("persons", _typed(_id_column(PERSON_COLUMNS, "Person")), labels="Subject:Person"),
        File("entries", _typed(_id_column(ENTRY_COLUMNS, "ListEntry")), labels="ListEntry"),
        File("records", _typed(_id_column(RECORD_COLUMNS, "CreditRecord")), labels="CreditRecord"),
        File("entry-versions", (":ID(Version)", *ENTRY_COLUMNS, *_VERSION), labels="Version"),
        File(
            "roles",
            (":START_ID(Person)", ":END_ID(Organization)", *ROLE_COLUMNS),
            type="HOLDS_ROLE",
        ),
        File(
            "entry-organizations",
            (":START_ID(ListEntry)", ":END_ID(Organization)"),
            type="CONCERNS",
        ),
        File("entry-persons", (":START_ID(ListEntry)", ":END_ID(Person)"), type="CONCERNS"),
        File(
            "entry-departments",
            (":START_ID(ListEntry)", ":END_ID(Department)"),
            type="RECOGNISED_BY",
        ),
        File(
            "record-organizations",
            (":START_ID(CreditRecord)", ":END_ID(Organization)"),
            type="CONCERNS",
        ),
        File("record-persons", (":START_ID(CreditRecord)", ":END_ID(Person)"), type="CONCERNS"),
        File(
            "record-departments",
            (":START_ID(CreditRecord)", ":END_ID(Department)"),
            type="PROVIDED_BY",
        ),
        *(
            File(
                f"{space.lower()}-has-version",
                (f":START_ID({space})", ":END_ID(Version)"),
                type="HAS_VERSION",
            )
            for space in ("ListEntry",)
        ),
    )
}


def _plain(column: str) -> str:
    return column.split(":", 1)[0]


def field(value: Any) -> str:
    """One CSV cell: nothing for a missing value, quoted when it holds , " or a line break."""
    if value is None:
        return ""
    if isinstance(value, str):
        if "," in value or '"' in value or "\n" in value or "\r" in value:
            return '"' + value.replace('"', '""') + '"'
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, int)):
        return str(value)
    if isinstance(value, list):
        return field(ARRAY_DELIMITER.join(value))
    raise TypeError(f"no CSV form for {value!r}")


# id(list) → (the list, its property names); holding the list keeps its id from reuse
_KEYS: dict[int, tuple[list[str], tuple[str, ...]]] = {}


def cells(values: dict[str, Any], columns: list[str]) -> str:
    """The row's cells for ``columns`` (their property names worked out once per list)."""
    cached = _KEYS.get(id(columns))
    if cached is None or cached[0] is not columns:
        cached = _KEYS[id(columns)] = (columns, tuple(_plain(c) for c in columns))
    keys = cached[1]
    get = values.get
    return ",".join([field(get(k)) for k in keys])


class Ids:
    """Internal ids in UUID form: a random 80-bit prefix for this process and a counter.

    Unique within a load (and, by the random prefix, across processes and loads) at a
    fraction of the cost of ``uuid4`` for tens of millions of rows.
    """

    def __init__(self) -> None:
        prefix = int.from_bytes(os.urandom(10), "big")
        # version 4 and the RFC 4122 variant, as randomUUID() makes them
        prefix = prefix & ~(0xF << 28) | 0x4 << 28  # the 13th hex digit
        prefix = prefix & ~(0x3 << 14) | 0x2 << 14  # the top bits of the 17th
        text = f"{prefix:020x}"
        self._head = f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-"
        self._next = 0

    def __call__(self) -> str:
        self._next += 1
        return f"{self._head}{self._next:012x}"


@dataclass(frozen=True)
class Stamp:
    """When, by whom and why the load writes: the same for every row of a load."""

    now: str  # ISO 8601 with offset
    actor: str

    def version(self, of: str, kind: str) -> dict[str, str]:
        return {
            "versionOf": of,
            "versionAt": self.now,
            "versionActor": self.actor,
            "versionChange": "RECORDED",
            "versionReason": f"load {kind}",
        }


def _stamped(values: dict[str, Any], new_id: str, stamp: Stamp) -> dict[str, Any]:
    return {**values, "id": new_id, "version": 1, "createdAt": stamp.now, "updatedAt": stamp.now}


def subject_lines(row: dict[str, Any], ids: Ids, stamp: Stamp) -> Iterator[tuple[str, str]]:
    """(file, line) pairs for a canonical subject row (seeds.rows.parse_subject)."""
    values = _stamped({**row["defaults"], **row["props"]}, ids(), stamp)
    if row.get("uscc"):
        yield "organizations", cells({**values, "uscc": row["uscc"]}, ORGANIZATION_COLUMNS)
    else:
        yield "persons", cells({**values, "idNumber": row["idNumber"]}, PERSON_COLUMNS)


def role_lines(row: dict[str, Any], ids: Ids, stamp: Stamp) -> Iterator[tuple[str, str]]:
    """A canonical role row (seeds.rows.parse_role): the relationship."""
    rel = cells(_stamped(row, ids(), stamp), ROLE_COLUMNS)
    yield "roles", f"{row['idNumber']},{row['uscc']},{rel}"


def _keyed_lines(
    row: dict[str, Any],
    ids: Ids,
    stamp: Stamp,
    *,
    what: str,
    columns: list[str],
    extra: dict[str, Any],
    kind: str,
) -> Iterator[tuple[str, str]]:
    values = _stamped({**row["defaults"], **row["props"], **extra, "key": row["key"]}, ids(), stamp)
    node = cells(values, columns)
    key = field(row["key"])
    yield kind, node
    if what == "entry":  # a list entry's history starts with its creation
        version = cells(stamp.version("ListEntry", kind), _VERSION)
        yield "entry-versions", f"{values['id']},{node},{version}"
        yield "listentry-has-version", f"{key},{values['id']}"
    if row.get("uscc"):
        yield f"{what}-organizations", f"{key},{row['uscc']}"
    else:
        yield f"{what}-persons", f"{key},{row['idNumber']}"
    yield f"{what}-departments", f"{key},{field(row['departmentId'])}"


def entry_lines(row: dict[str, Any], ids: Ids, stamp: Stamp) -> Iterator[tuple[str, str]]:
    """A canonical list entry row (seeds.rows.parse_entry), as an imported source entry."""
    extra = {"status": row["status"], "derived": False, "sourceDigest": row["digest"]}
    return _keyed_lines(
        row, ids, stamp, what="entry", columns=ENTRY_COLUMNS, extra=extra, kind="entries"
    )


def record_lines(row: dict[str, Any], ids: Ids, stamp: Stamp) -> Iterator[tuple[str, str]]:
    """A canonical credit record row (seeds.rows.parse_record)."""
    return _keyed_lines(
        row, ids, stamp, what="record", columns=RECORD_COLUMNS, extra={}, kind="records"
    )


def department_line(department: dict[str, Any]) -> str:
    return f"{field(department['id'])},{field(list(department.get('aliases') or []))}"
