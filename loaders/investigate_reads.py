"""The investigators' root fields, one Cypher query each.

Each query finds the subject(s) it starts from by their ``SubjectRef`` (a node pattern
binding ``root``, or ``src`` and ``dst``), walks the roles under the size caps of
``loaders/investigate.py``, and brings the marks of the subjects it shows in the same query: the
entries in force each may be shown (the audience's ``visible`` rule inside the Cypher,
管理办法 第十八条/第二十一条) and the consents relied on, for the register. Role pages
and shared officers are projected from the selection (``{value}``); neighbourhoods, paths
and risk hits are fixed structures built in ``graph_schema/investigate_plain.py``.
"""

from __future__ import annotations

from typing import Any

from gateway.base.db import Database
from graph_schema.model import CONCERNS, HOLDS_ROLE, LIST_ENTRY, ORGANIZATION, PERSON, SUBJECT
from graph_schema.rules.validity import in_force_cypher
from loaders.investigate import (
    _BLACK_CLASSES,
    _PATH_MAP,
    ROLE_FIELDS,
    SUBJECT_FIELDS,
    _marks,
    _role_step,
    role_filter,
)
from loaders.selection import Rules


def marks(nodes: str, rules: Rules) -> str:
    """A CALL yielding ``marks``: for each subject node of the list ``nodes``, its id, the
    classes of its black entries in force on ``$day`` it may be shown, up to
    ``$perSubject`` such entries of ``$listKinds`` and the consents relied on."""
    return f"""
CALL ({nodes}) {{
  UNWIND {nodes} AS x
  WITH DISTINCT x
  WITH x, {rules.visible("x")} AS classes
  {_marks("x", "classes")}
  RETURN collect({{id: x.id, entries: entries, more: more, blackClasses: {_BLACK_CLASSES},
                  grants: {rules.grants("x")}}}) AS marks
}}"""


def neighbourhood(root: str, depth: int, rules: Rules) -> str:
    """Subjects within ``depth`` role hops of the subject ``root`` names (nearest first, at
    most ``$cap`` with the root) and the roles among them, with every drawn subject's
    marks."""
    return f"""
MATCH {root}
CALL (root) {{
  MATCH p = ANY SHORTEST (root){_role_step()}{{1,{depth}}}(n:{SUBJECT})
  WHERE n <> root
  WITH n, length(p) AS hops LIMIT $cap
  RETURN collect(n) AS found, collect(n {{{SUBJECT_FIELDS}, hops: hops}}) AS maps
}}
WITH root, [root] + found AS nodes, [root {{{SUBJECT_FIELDS}, hops: 0}}] + maps AS maps
WITH root, nodes[..$cap] AS nodes, maps[..$cap] AS maps, size(nodes) > $cap AS truncated
CALL (nodes) {{
  UNWIND nodes AS a
  MATCH (a:{PERSON})-[r:{HOLDS_ROLE} WHERE {role_filter("r")}]->(b:{ORGANIZATION})
  WHERE b IN nodes
  RETURN collect(r {{{ROLE_FIELDS}, person: a.id, organization: b.id}}) AS roles
}}
{marks("nodes", rules)}
RETURN {{rootId: root.id, subjects: maps, roles: roles, truncated: truncated, marks: marks}}
  AS value
"""


def shortest_paths(src: str, dst: str, hops: int, rules: Rules) -> str:
    """All shortest paths between the subjects ``src`` and ``dst`` name (``from``/``to``:
    null when one is unknown, and no walk when they are one), ordered by the ids of their
    roles (a unique key: the same roles in the same order are the same path), one page
    after ``$after``, with the marks of the subjects on the ``$shown`` paths of the page
    that are shown."""
    return f"""
OPTIONAL MATCH {src}
OPTIONAL MATCH {dst}
CALL (src, dst) {{
  WITH src, dst WHERE src IS NOT NULL AND dst IS NOT NULL AND src <> dst
  MATCH p = ALL SHORTEST (src){_role_step()}{{1,{hops}}}(dst)
  WITH p LIMIT $maxScan + 1
  RETURN collect(p) AS found
}}
WITH src, dst, found, size(found) AS total
CALL (found, total) {{
  UNWIND CASE WHEN total > $maxScan THEN [] ELSE found END AS p
  WITH p, reduce(k = '', r IN relationships(p) | k + r.id + '/') AS key
  WHERE $after IS NULL OR key > $after
  WITH p, key ORDER BY key LIMIT $limit
  RETURN collect({_PATH_MAP}) AS page, collect(nodes(p)) AS walks
}}
WITH src, dst, total, page, reduce(ns = [], w IN walks[..$shown] | ns + w) AS onPaths
{marks("onPaths", rules)}
RETURN {{from: src.id, to: dst.id, same: src = dst, total: total, over: total > $maxScan,
        page: page, marks: marks}} AS value
"""


def risk_around(root: str, hops: int, rules: Rules) -> str:
    """The subjects within ``hops`` of the subject ``root`` names that carry a black entry
    in force on ``$day``: the page of those hits the caller may be shown (nearest first,
    after the ``($afterHops, $afterId)`` cursor), one shortest path to each, and the marks
    of the hits and of the subjects on those paths. A hit has a black entry in force whose
    class is among ``$possible`` (null: those the caller may see of the root) and those it
    may see of the hit."""
    return f"""
MATCH {root}
WITH root, {rules.visible("root")} AS rootClasses
CALL (root) {{
  MATCH p = ANY SHORTEST (root){_role_step()}{{1,{hops}}}(n:{SUBJECT})
  WHERE n <> root
  WITH n, length(p) AS hops LIMIT $maxScan + 1
  RETURN collect([n, hops]) AS walked
}}
WITH root, rootClasses, walked, size(walked) > $maxScan AS over
CALL (walked, over, rootClasses) {{
  UNWIND CASE WHEN over THEN [] ELSE walked END AS w
  WITH w[0] AS n, w[1] AS hops, coalesce($possible, rootClasses) AS possible
  WITH n, hops, possible, {rules.visible("n")} AS seen
  WHERE any(k IN [(n)<-[:{CONCERNS}]-(b:{LIST_ENTRY})
                  WHERE b.kind = $black AND {in_force_cypher("b", "$day")} | b.disclosure]
            WHERE k IN possible AND k IN seen)
  WITH n, hops ORDER BY hops, n.id
  RETURN collect([n, hops, n {{{SUBJECT_FIELDS}, hops: hops}}]) AS hits
}}
WITH root, walked, over, hits,
     [h IN hits WHERE $afterHops IS NULL OR h[1] > $afterHops
                      OR (h[1] = $afterHops AND h[0].id > $afterId)] AS rest
WITH root, walked, over, hits, rest, rest[..$limit] AS page
CALL (root, page) {{
  UNWIND page AS h
  WITH root, h[0] AS target
  CALL (root, target) {{
    MATCH p = ANY SHORTEST (root){_role_step()}{{1,{hops}}}(target)
    WITH p, '' AS key
    RETURN {_PATH_MAP} AS path, nodes(p) AS walk
  }}
  RETURN collect([target.id, path]) AS paths, reduce(ns = [], w IN collect(walk) | ns + w)
    AS onPaths
}}
WITH root, walked, over, hits, rest, page, paths, [h IN page | h[0]] + onPaths AS shown
{marks("shown", rules)}
RETURN {{rootId: root.id, walked: size(walked), over: over, total: size(hits),
        more: size(rest) > $limit,
        page: [h IN page | h[2]], paths: paths,
        marks: marks}} AS value
"""


def roles_page(subject: str) -> str:
    """The roles of the subject ``subject`` names (``s``), newest first, keyset-paged on
    (start, role id); with ``$held``, only those held on ``$on`` (true) or ended before it
    (false). Each role is projected from the selection (``{value}``, read from the
    relationship ``r``) after its cursor key and whether it is held on ``$on``; with the
    subject's id and kind."""
    return f"""
MATCH {subject}
CALL (s) {{
  MATCH (s)-[r:{HOLDS_ROLE}]-(other:{SUBJECT})
  WHERE ($kinds IS NULL OR r.kind IN $kinds)
    AND ($held IS NULL OR ($held AND r.start <= $on AND (r.end IS NULL OR $on <= r.end))
         OR (NOT $held AND r.end < $on))
    AND ($afterStart IS NULL OR r.start < $afterStart
         OR (r.start = $afterStart AND r.id > $afterId))
  WITH r ORDER BY r.start DESC, r.id LIMIT $limit
  RETURN collect([toString(r.start), r.id,
                  r.start <= $on AND (r.end IS NULL OR $on <= r.end), {{value}}]) AS rows
}}
RETURN [s.id, s.kind, rows] AS value
"""


def shared_officers(subject: str) -> str:
    """Organisations sharing an officer with the subject ``subject`` names (``s``; nothing
    is walked unless it is an organisation), most shared officers first, keyset-paged on
    (shared count, organisation id); ``walked`` counts the role pairs, the size budget.
    Each link is the map ``n`` (``organization``, ``shared``, ``officers``: ``person``,
    ``here``, ``there``, the posts sorted) projected from the selection (``{value}``)
    after its cursor key."""
    return f"""
MATCH {subject}
WITH s, CASE WHEN s:{ORGANIZATION} THEN COUNT {{
  MATCH (s)<-[r1:{HOLDS_ROLE}]-(:{PERSON})-[r2:{HOLDS_ROLE}]->(o2:{ORGANIZATION})
  WHERE o2 <> s AND {role_filter("r1")} AND {role_filter("r2")} }} ELSE 0 END AS walked
CALL (s, walked) {{
  WITH s WHERE s:{ORGANIZATION} AND walked <= $maxScan
  MATCH (s)<-[r1:{HOLDS_ROLE}]-(p:{PERSON})-[r2:{HOLDS_ROLE}]->(o2:{ORGANIZATION})
  WHERE o2 <> s AND {role_filter("r1")} AND {role_filter("r2")}
  WITH o2, p, collect(DISTINCT r1.kind) AS here, collect(DISTINCT r2.kind) AS there
  WITH o2, p, COLLECT {{ UNWIND here AS k WITH k ORDER BY k RETURN k }} AS here,
       COLLECT {{ UNWIND there AS k WITH k ORDER BY k RETURN k }} AS there
  ORDER BY p.id
  WITH o2, collect({{person: p, here: here, there: there}}) AS officers
  WITH o2, officers, size(officers) AS shared
  WHERE $afterShared IS NULL OR shared < $afterShared
     OR (shared = $afterShared AND o2.id > $afterId)
  WITH o2, officers, shared ORDER BY shared DESC, o2.id LIMIT $limit
  WITH o2, shared, {{organization: o2, shared: shared, officers: officers}} AS n
  RETURN collect([shared, o2.id, {{value}}]) AS page
}}
RETURN [s.id, s.kind, walked, walked > $maxScan, page] AS value
"""


async def read_value(
    db: Database, query: str, params: dict[str, Any], *, op: str, timeout: float
) -> Any:
    """One of the queries above: its ``value``; None when it found nothing."""
    records = await db.read(query, params, op=op, timeout=timeout)
    return records[0]["value"] if records else None
