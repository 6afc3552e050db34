"""Are two graphs the same credit data? The initial load against the online importer.

Internal ids, timestamps and who wrote a version differ between any two loads; the
rest must not. Every subject, role, list entry (direct and derived), credit record and
version is read as a canonical line (ids replaced by the natural keys they stand for),
and the lines of each kind are compared by count and by a digest that does not depend on
their order, streamed, so a million subjects need no memory to speak of (small graphs
are compared line by line, ``snapshot``). Credit checks of
a sample of subjects (hits, related parties, the decision) are compared one by one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from gateway.base.db import Database
from graph_schema.credit_check import record_of
from graph_schema.rules.decision import Measure, decide
from loaders.credit_check import check_params, check_query, officer_request
from loaders.selection import Audience

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


async def lines(db: Database, name: str, *, ordered: bool = True) -> AsyncIterator[bytes]:
    query = QUERIES[name] if ordered else QUERIES[name].rsplit("ORDER BY", 1)[0]
    async with db.driver.session(database=db.database, fetch_size=5000) as session:
        result = await session.run(query)
        async for record in result:
            yield canonical(name, record.data())


def _line_hash(line: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(line, digest_size=16).digest(), "big")


async def _multiset(db: Database, name: str) -> tuple[int, str]:
    """How many lines, and a digest of them that does not depend on their order (the sum
    of their hashes), so nothing need be sorted: a million rows sorted with all their
    properties would not fit in a small heap."""
    count, total = 0, 0
    async for line in lines(db, name, ordered=False):
        count += 1
        total = (total + _line_hash(line)) % (1 << 128)
    return count, f"{total:032x}"


async def _by_key(db: Database, name: str) -> dict[bytes, bytes]:
    out = {}
    async for line in lines(db, name, ordered=False):
        out[orjson.dumps(orjson.loads(line)["k"])] = line
    return out


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
    """Each kind from both graphs: count and order-free digest; on a difference, the first
    differing line by key."""
    out = Comparison()
    for name in names:
        (na, da), (nb, db_) = await _multiset(a, name), await _multiset(b, name)
        out.counts[name] = (na, nb)
        out.digests[name] = (da, db_)
        if da != db_:
            left, right = await _by_key(a, name), await _by_key(b, name)
            for key in sorted(set(left) | set(right)):
                if left.get(key) != right.get(key):
                    out.first_difference[name] = (left.get(key), right.get(key))
                    break
    return out


def _strip(value: Any) -> Any:
    """A credit check's answer without internal ids (lists sorted, as order is not data)."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in ("id", "entryId", "i")}
    if isinstance(value, list):
        return sorted((_strip(v) for v in value), key=lambda v: orjson.dumps(v, default=str))
    return value


async def checks(
    db: Database, refs: Sequence[Mapping[str, str | None]], matter: str, as_of: dt.date
) -> list[Any]:
    """Each subject's check: hits, related parties, and the decision they give."""
    answers: list[Any] = []
    for i in range(0, len(refs), 500):
        part = refs[i : i + 500]
        params = {
            **officer_request(as_of, dt.datetime.now(dt.UTC)),
            **check_params(part, matter, as_of),
        }
        records = await db.read(check_query(Audience(), True), params)
        rows = {i: record_of(raw) for i, raw in records[0]["subjects"]} if records else {}
        measures = [Measure.from_map(m) for m in records[0]["measures"]] if records else []
        for n in range(len(part)):
            row = rows.get(n)
            if row is None:
                answers.append(None)
                continue
            outcome = decide(row["hits"], measures, row["subject"]["kind"])
            row.pop("visible")
            answers.append({**_strip(row), "decision": outcome.decision})
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


async def _main(args: Any) -> dict[str, Any]:
    from pathlib import Path

    from bench.instances import ROOT, instance, load_average, machine
    from bench.load import sample_refs
    from gateway.ops import neo4j_server

    left, right = instance(args.a), instance(args.b)
    for settings in (left, right):
        neo4j_server.start(settings)
    a, b = Database.connect(left), Database.connect(right)
    try:
        started = dt.datetime.now()
        comparison = await compare_graphs(a, b)
        folder = Path(args.folder or ROOT / "var" / f"synthetic-prov-{args.subjects}-{args.seed}")
        refs = sample_refs(folder, args.checks, args.seed)
        await compare_checks(a, b, refs, dt.date.fromisoformat(args.today), comparison)
        return {
            "subjects": args.subjects,
            "a": args.a,
            "b": args.b,
            "machine": machine(),
            "seconds": round((dt.datetime.now() - started).total_seconds(), 1),
            **comparison.summary(),
            "load_average_after": load_average(),
        }
    finally:
        await a.close()
        await b.close()


def main() -> None:
    """python -m bench.equivalence --a prov-load --b prov-online --subjects 1000000"""
    import argparse
    import asyncio
    import json

    from bench.instances import ROOT

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--a", default="prov-load")
    parser.add_argument("--b", default="prov-online")
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--today", default="2026-11-25")
    parser.add_argument("--folder")
    parser.add_argument("--checks", type=int, default=1000)
    args = parser.parse_args()
    results = asyncio.run(_main(args))
    out = ROOT / "bench" / "results" / f"equivalence-{args.subjects}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
