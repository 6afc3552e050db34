"""Data for the graph: reference data, the policy graph, the importer and the generator."""

from __future__ import annotations

from gateway.base.db import Database


async def load_all(db: Database) -> dict[str, int]:
    """Reference data and, when present, the policy graph; idempotent."""
    from seeds import measures, reference

    counts = await reference.load(db)
    try:
        from seeds.policy import load as policy
    except ImportError:
        pass
    else:
        counts.update(await policy.load(db))
    counts.update(await measures.load(db))  # after the policy graph: it links to its items
    return counts
