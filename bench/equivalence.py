"""Are two graphs the same credit data? The initial load against the online importer.

Internal ids, timestamps and who wrote a version differ between any two loads; the
rest must not. Every subject, role, list entry (direct and derived), credit record and
list-entry version is read in a fixed order as a canonical line (ids replaced by the
natural keys they stand for), and the lines of each kind are compared by count and
by digest, streamed, so a million subjects need no memory to speak of. Credit checks of
a sample of subjects (hits, related parties, the decision) are compared one by one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from gateway.db import Database
from graph_schema.rules.decision import Measure, decide
from loaders.credit_check import CREDIT_CHECK, check_params

# Written differently by any two loads: never compared. A derived entry (管理办法 第二十六条)
# has as many versions as its source changed in separate transactions, so its version
# number and history are compared for its source only; its state is compared in full.
VOLATILE = {"id", "createdAt", "updatedAt", "versionAt", "versionActor", "versionReason"}

# name → Cypher returning one canonical record a row, ordered by natural key
QUERIES = {
    "subjects": """
MATCH (s:Subject)
RETURN coalesce(s.uscc, s.idNumber) AS k, labels(s) AS labels, properties(s) AS p
ORDER BY k""",
    "roles": """
MATCH (p:Person)-[r:HOLDS_ROLE]->(o:Organization)
RETURN [p.idNumber, o.uscc, r.kind, toString(r.start)] AS k, properties(r) AS p
ORDER BY k""",
    "entries": """
MATCH (e:ListEntry {derived: false})-[:CONCERNS]->(s:Subject)
RETURN e.key AS k, properties(e) AS p, coalesce(s.uscc, s.idNumber) AS subject,
       [(e)-[:RECOGNISED_BY]->(d) | d.id] AS departments,
       CASE WHEN e.endReason CONTAINS ' entry ' THEN COLLECT {
         MATCH (b:ListEntry {id: last(split(e.endReason, ' '))}) RETURN b.key } END AS endedBy
ORDER BY k""",
    "derived entries": """
MATCH (d:ListEntry {derived: true})-[:DERIVED_FROM]->(src:ListEntry),
      (d)-[:CONCERNS]->(p:Person), (d)-[:THROUGH]->(o:Organization)
RETURN [src.key, p.idNumber] AS k, properties(d) AS p, o.uscc AS through,
       [(d)-[:RECOGNISED_BY]->(x) | x.id] AS departments
ORDER BY k""",
    "records": """
MATCH (c:CreditRecord)-[:CONCERNS]->(s:Subject)
RETURN c.key AS k, properties(c) AS p, coalesce(s.uscc, s.idNumber) AS subject,
       [(c)-[:PROVIDED_BY]->(d) | d.id] AS departments
ORDER BY k""",
    "entry versions": """
MATCH (e:ListEntry {derived: false})-[:HAS_VERSION]->(v:Version)
RETURN [e.key, toString(v.version), v.versionChange] AS k, properties(v) AS p
ORDER BY k""",
    "other versions": """
MATCH (x)-[:HAS_VERSION]->(v:Version) WHERE NOT x:ListEntry
RETURN [coalesce(x.uscc, x.idNumber, x.key), v.versionOf, toString(v.version),
        v.versionChange] AS k, properties(v) AS p
ORDER BY k""",
}

# Properties that hold internal ids: the natural key they name is compared instead.
_ID_PROPERTIES = {"sourceEntryId", "throughOrganizationId", "key"}


def canonical(name: str, record: dict[str, Any]) -> bytes:
    props = {k: v for k, v in record["p"].items() if k not in VOLATILE}
    if name == "derived entries" or name.endswith("versions"):
        props = {k: v for k, v in props.items() if k not in _ID_PROPERTIES}
    if name == "derived entries":
        props.pop("version", None)
    if isinstance(props.get("endReason"), str) and " entry " in props["endReason"]:
        props["endReason"] = props["endReason"].split(" entry ")[0]  # it names an id
    if isinstance(props.get("derivedRoles"), list):
        props["derivedRoles"] = sorted(props["derivedRoles"])
    rest = {k: sorted(v) if k == "labels" else v for k, v in record.items() if k != "p"}
    return orjson.dumps({**rest, "p": props}, option=orjson.OPT_SORT_KEYS, default=str)


async def lines(db: Database, name: str) -> AsyncIterator[bytes]:
    async with db.driver.session(database=db.database, fetch_size=5000) as session:
        result = await session.run(QUERIES[name])
        async for record in result:
            yield canonical(name, record.data())


@dataclass
class Comparison:
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    digests: dict[str, tuple[str, str]] = field(default_factory=dict)
    first_difference: dict[str, tuple[bytes | None, bytes | None]] = field(default_factory=dict)
    checks_compared: int = 0
    checks_differing: list[Any] = field(default_factory=list)
    decisions: dict[str, int] = field(default_factory=dict)

    @property
    def identical(self) -> bool:
        return not self.first_difference and not self.checks_differing

    def summary(self) -> dict[str, Any]:
        return {
            "identical": self.identical,
            "counts": {k: list(v) for k, v in self.counts.items()},
            "digests_equal": {k: a == b for k, (a, b) in self.digests.items()},
            "first_difference": {
                k: [x.decode() if x else None for x in v] for k, v in self.first_difference.items()
            },
            "credit_checks_compared": self.checks_compared,
            "credit_checks_differing": len(self.checks_differing),
            "decisions": self.decisions,
        }


async def snapshot(db: Database, names: Iterable[str] = QUERIES) -> dict[str, list[bytes]]:
    """Every canonical line of a (small) graph, by kind."""
    return {name: [line async for line in lines(db, name)] for name in names}


async def compare_graphs(a: Database, b: Database, names: Iterable[str] = QUERIES) -> Comparison:
    """Stream each kind from both graphs side by side; count, digest, first difference."""
    out = Comparison()
    for name in names:
        ha, hb = hashlib.sha256(), hashlib.sha256()
        na = nb = 0
        ia, ib = lines(a, name).__aiter__(), lines(b, name).__aiter__()
        while True:
            la = await anext(ia, None)
            lb = await anext(ib, None)
            if la is None and lb is None:
                break
            if la is not None:
                na += 1
                ha.update(la)
            if lb is not None:
                nb += 1
                hb.update(lb)
            if la != lb and name not in out.first_difference:
                out.first_difference[name] = (la, lb)
        out.counts[name] = (na, nb)
        out.digests[name] = (ha.hexdigest(), hb.hexdigest())
    return out


def _strip(value: Any) -> Any:
    """A credit check's answer without internal ids (lists sorted, as order is not data)."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in ("id", "entryId", "i")}
    if isinstance(value, list):
        return sorted((_strip(v) for v in value), key=lambda v: orjson.dumps(v, default=str))
    return value


async def checks(
    db: Database, refs: list[dict[str, str | None]], matter: str, as_of: dt.date
) -> list[Any]:
    """Each subject's check: hits, related parties, and the decision they give."""
    answers: list[Any] = []
    for i in range(0, len(refs), 500):
        part = refs[i : i + 500]
        records = await db.read(CREDIT_CHECK, check_params(part, matter, as_of))
        rows = {r["i"]: r for r in records[0]["subjects"]} if records else {}
        measures = [Measure.from_map(m) for m in records[0]["measures"]] if records else []
        for n in range(len(part)):
            row = rows.get(n)
            if row is None:
                answers.append(None)
                continue
            outcome = decide(row["hits"], measures, row["subject"]["kind"])
            answers.append({**_strip(dict(row)), "decision": outcome.decision})
    return answers


async def compare_checks(
    a: Database,
    b: Database,
    refs: list[dict[str, str | None]],
    as_of: dt.date,
    comparison: Comparison,
    matter: str = "ADMINISTRATIVE_LICENSING",
) -> None:
    left, right = await checks(a, refs, matter, as_of), await checks(b, refs, matter, as_of)
    comparison.checks_compared += len(refs)
    for ref, x, y in zip(refs, left, right, strict=True):
        if x != y:
            comparison.checks_differing.append((ref, x, y))
        decision = x["decision"] if x else "UNKNOWN"
        comparison.decisions[decision] = comparison.decisions.get(decision, 0) + 1
