"""Graph answers as plain data: dicts keyed by GraphQL field names, from the queries' maps.

``gateway/executor.py`` projects such dicts straight onto the selection, which matters for
a graph of a thousand nodes. Every function here is pure; ``build_graph`` also reports
which disclosure classes it put in front of the caller, per subject, for the register.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph_schema.identifiers import mask_id_number
from graph_schema.investigate import EdgeKind, NodeKind
from graph_schema.model import ListKind

Plain = dict[str, Any]


def subject_plain(m: Mapping[str, Any], black_listed: bool) -> Plain:
    number = m.get("idNumber")
    return {
        "id": m["id"],
        "kind": m["kind"],
        "name": m["name"],
        "uscc": m.get("uscc"),
        "idNumberMasked": mask_id_number(number) if number else None,
        "status": m.get("status"),
        "blackListed": black_listed,
    }


def department_plain(m: Mapping[str, Any]) -> Plain:
    return {
        "id": m["id"],
        "name": m["name"],
        "level": m.get("level"),
        "jurisdictionCode": m.get("jurisdictionCode"),
    }


def explain(m: Mapping[str, Any], person: str | None) -> str | None:
    """管理办法 第二十六条 in words, for a derived entry."""
    if not m.get("derived"):
        return None
    roles = ", ".join(m.get("derivedRoles") or ()) or "a responsible post"
    org = m.get("through") or "the organisation"
    return (
        f"管理办法 第二十六条: {person or 'this person'} held {roles} at {org} on "
        f"{m.get('actOn')}, the date of the act behind {org}'s serious black entry "
        f"({m.get('category')}); so the entry is recorded against the person too, and "
        "lasts, ends or is repaired with the organisation's."
    )


def entry_plain(m: Mapping[str, Any], person: str | None = None) -> Plain:
    dept = m.get("department")
    return {
        "id": m["id"],
        "kind": m["kind"],
        "category": m.get("category"),
        "facts": m.get("facts"),
        "severity": m.get("severity") or "UNSTATED",
        "disclosure": m["disclosure"],
        "recognisedOn": m["recognisedOn"],
        "validUntil": m.get("validUntil"),
        "actOn": m.get("actOn"),
        "derived": bool(m.get("derived")),
        "derivedRoles": list(m.get("derivedRoles") or ()),
        "sourceEntryId": m.get("sourceEntryId"),
        "throughOrganizationId": m.get("throughOrganizationId"),
        "throughOrganizationName": m.get("through"),
        "department": department_plain(dept) if dept else None,
        "explanation": explain(m, person),
    }


def edge_plain(
    id: str, kind: EdgeKind, source: str, target: str, role: Mapping[str, Any] | None = None
) -> Plain:
    return {
        "id": id,
        "kind": kind.value,
        "source": source,
        "target": target,
        "role": role["kind"] if role else None,
        "start": role["start"] if role else None,
        "end": role.get("end") if role else None,
    }


def path_plain(m: Mapping[str, Any], black: Iterable[str]) -> Plain:
    """A path from the loader: nodes and roles in walking order."""
    marked = set(black)
    nodes = m["nodes"]
    steps = [
        {
            "from": nodes[i]["id"],
            "to": nodes[i + 1]["id"],
            "role": {"id": r["id"], "kind": r["kind"], "start": r["start"], "end": r.get("end")},
        }
        for i, r in enumerate(m["roles"])
    ]
    return {
        "length": len(steps),
        "steps": steps,
        "nodes": [subject_plain(n, n["id"] in marked) for n in nodes],
    }


def risk_hits(
    page: Sequence[Mapping[str, Any]],
    paths: Mapping[str, Mapping[str, Any]],
    marks: Mapping[str, Mapping[str, Any]],
) -> tuple[list[Plain], dict[str, set[str]]]:
    """A page of risk hits, each with its black entries in force and one path to it, and
    the classes shown per subject: each hit's entries, and the mark of every black-listed
    subject on a path."""
    on_paths = [n["id"] for p in paths.values() for n in p["nodes"]]
    black = {sid for sid, m in marks.items() if m["blackClasses"]}
    shown: dict[str, set[str]] = {}
    hits = []
    for h in page:
        m = marks.get(h["id"], {"entries": [], "blackClasses": []})
        path = paths.get(h["id"])
        entries = [
            entry_plain(e, h["name"] if h["kind"] == "PERSON" else None) for e in m["entries"]
        ]
        shown.setdefault(h["id"], set()).update(e["disclosure"] for e in entries)
        hits.append(
            {
                "subject": subject_plain(h, h["id"] in black),
                "hops": h["hops"],
                "entries": entries,
                "path": path_plain(path, black) if path else None,
            }
        )
    for sid in set(on_paths) & black:
        shown.setdefault(sid, set()).update(marks[sid]["blackClasses"])
    return hits, shown


def page_plain(edges: list[Plain], has_next: bool, **extra: Any) -> Plain:
    return {
        "edges": edges,
        "pageInfo": {"hasNextPage": has_next, "endCursor": edges[-1]["cursor"] if edges else None},
        **extra,
    }


@dataclass
class Drawing:
    """A graph being assembled under a node cap."""

    cap: int
    nodes: dict[str, Plain] = field(default_factory=dict)
    edges: dict[str, Plain] = field(default_factory=dict)
    truncated: bool = False
    shown: dict[str, set[str]] = field(default_factory=dict)  # subject id → classes shown

    def add(self, node: Plain) -> bool:
        if node["id"] in self.nodes:
            return True
        if len(self.nodes) >= self.cap:
            self.truncated = True
            return False
        self.nodes[node["id"]] = node
        return True

    def link(self, edge: Plain) -> None:
        if edge["source"] in self.nodes and edge["target"] in self.nodes:
            self.edges.setdefault(edge["id"], edge)

    def show(self, subject_id: str, classes: Iterable[str]) -> None:
        self.shown.setdefault(subject_id, set()).update(classes)


def build_graph(
    found: Mapping[str, Any],
    marks: Mapping[str, Mapping[str, Any]],
    *,
    root_id: str,
    depth: int,
    as_of: Any,
    cap: int,
    list_kinds: Sequence[str],
    departments: bool,
) -> tuple[Plain, dict[str, set[str]]]:
    """The neighbourhood as nodes and edges (subjects nearest first, then their entries and
    departments while the cap allows), and the classes shown per subject."""
    g = Drawing(cap, truncated=bool(found["truncated"]))
    subjects = found["subjects"]
    for s in subjects:
        black = list(marks.get(s["id"], {}).get("blackClasses") or ())
        if black:
            g.show(s["id"], black)  # the mark itself says so
        g.add(
            {
                "id": s["id"],
                "kind": NodeKind[s["kind"]].value,
                "label": s["name"],
                "hops": s["hops"],
                "blackListed": bool(black),
                "subject": subject_plain(s, bool(black)),
                "entry": None,
                "department": None,
            }
        )
    for r in found["roles"]:
        g.link(edge_plain(r["id"], EdgeKind.ROLE, r["person"], r["organization"], r))
    wanted = set(list_kinds)
    derived: list[Plain] = []
    for s in subjects:
        m = marks.get(s["id"])
        if not m:
            continue
        g.truncated |= bool(m["more"])
        for e in m["entries"]:
            if e["kind"] not in wanted:
                continue
            entry = entry_plain(e, s["name"] if s["kind"] == "PERSON" else None)
            label = (
                f"{'黑名单' if e['kind'] == ListKind.BLACK.value else '红名单'} · "
                f"{e.get('category') or ''}"
            )
            if not g.add(
                {
                    "id": e["id"],
                    "kind": NodeKind.LIST_ENTRY.value,
                    "label": label,
                    "hops": None,
                    "blackListed": e["kind"] == ListKind.BLACK.value,
                    "subject": None,
                    "entry": entry,
                    "department": None,
                }
            ):
                continue
            g.show(s["id"], [e["disclosure"]])
            g.link(edge_plain(f"{e['id']}>{s['id']}", EdgeKind.LISTED, e["id"], s["id"]))
            dept = entry["department"]
            if (
                departments
                and dept
                and g.add(
                    {
                        "id": dept["id"],
                        "kind": NodeKind.DEPARTMENT.value,
                        "label": dept["name"],
                        "hops": None,
                        "blackListed": False,
                        "subject": None,
                        "entry": None,
                        "department": dept,
                    }
                )
            ):
                g.link(
                    edge_plain(
                        f"{e['id']}>{dept['id']}", EdgeKind.RECOGNISED_BY, e["id"], dept["id"]
                    )
                )
            if entry["derived"]:
                derived.append(entry)
    for entry in derived:  # drawn when both ends are in the graph
        if entry["sourceEntryId"]:
            g.link(
                edge_plain(
                    f"{entry['id']}>{entry['sourceEntryId']}",
                    EdgeKind.DERIVED_FROM,
                    entry["id"],
                    entry["sourceEntryId"],
                )
            )
        if entry["throughOrganizationId"]:
            g.link(
                edge_plain(
                    f"{entry['id']}>>{entry['throughOrganizationId']}",
                    EdgeKind.THROUGH,
                    entry["id"],
                    entry["throughOrganizationId"],
                )
            )
    graph = {
        "rootId": root_id,
        "depth": depth,
        "asOf": as_of,
        "truncated": g.truncated,
        "nodes": list(g.nodes.values()),
        "edges": list(g.edges.values()),
    }
    return graph, g.shown
