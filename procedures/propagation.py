"""管理办法 第二十六条 applied to the graph: derived list entries recorded, updated and voided.

The statements are the rule's Cypher (graph_schema/rules/propagation.py); this module runs
them inside a caller's transaction (an import batch, an entry's procedure step) or over
the whole graph (``credit-graph recompute``).
"""

from __future__ import annotations

from typing import Any

from gateway.base.db import Database, Transaction
from graph_schema.list_entry import SYNCED
from graph_schema.rules.propagation import (
    PROPAGATING_ROLES,
    SCOPES,
    VOID_REASON,
    propagate_statement,
    void_statement,
)

_PROPAGATION = {
    scope: (propagate_statement(scope, SYNCED), void_statement(scope)) for scope in SCOPES
}


async def propagate(
    tx: Transaction,
    *,
    now: Any,
    actor: str,
    reason: str | None,
    source_ids: list[str] | None = None,
    org_ids: list[str] | None = None,
) -> dict[str, int]:
    """管理办法 第二十六条 for the sources (or organisations) in scope; neither means all.

    Returns how many derived entries were recorded, updated and voided.
    """
    if source_ids is not None and org_ids is not None:
        raise ValueError("scope propagation by sources or by organisations, not both")
    scope = (
        "sources" if source_ids is not None else "organizations" if org_ids is not None else "all"
    )
    params = {
        "now": now,
        "actor": actor,
        "reason": reason,
        "roles": list(PROPAGATING_ROLES),
        "sourceIds": sorted(set(source_ids or [])),
        "orgIds": sorted(set(org_ids or [])),
        "voidReason": VOID_REASON,
    }
    counts = {"RECORDED": 0, "UPDATED": 0, "VOIDED": 0}
    for statement in _PROPAGATION[scope]:
        for record in await tx.run(statement, params):
            counts[record["change"]] += record["n"]
    return counts


async def recompute(db: Database, *, now: Any, actor: str) -> dict[str, int]:
    """Propagation over the whole graph; idempotent (a second run changes nothing)."""

    async def work(tx: Transaction) -> dict[str, int]:
        return await propagate(tx, now=now, actor=actor, reason="recompute")

    return await db.transaction(work, op="recompute")
