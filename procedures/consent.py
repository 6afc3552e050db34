"""Consents (管理办法 第二十一条) granted and revoked, each in one statement.

A consent is ``(:Subject)-[:GRANTED]->(:Consent)-[:TO]->(:Department|:Organization)``.
It is never deleted: revocation sets ``revokedAt`` and the node stays on file.
"""

from __future__ import annotations

from typing import Any

from gateway.base.db import Database

GRANT_CONSENT = """
MATCH (s:Subject {id: $subjectId})
OPTIONAL MATCH (d:Department {id: $departmentId})
OPTIONAL MATCH (o:Organization {uscc: $granteeUscc})
WITH s, coalesce(d, o) AS g
WHERE g IS NOT NULL AND g <> s
CREATE (s)-[:GRANTED]->(c:Consent {id: randomUUID(), purpose: $purpose, scope: $scope,
  validFrom: $validFrom, validUntil: $validUntil, createdAt: $now, createdBy: $by,
  createdByDept: $byDept, documentRef: $documentRef})-[:TO]->(g)
RETURN c.id AS consent
"""

# Revocation is recorded once; a second revocation changes nothing.
REVOKE_CONSENT = """
MATCH (s:Subject)-[:GRANTED]->(c:Consent {id: $id})-[:TO]->(g)
SET c.revokedAt = coalesce(c.revokedAt, $now), c.revokedBy = coalesce(c.revokedBy, $by),
    c.revocationReason = coalesce(c.revocationReason, $reason)
RETURN c.id AS consent
"""


async def grant_consent(db: Database, params: dict[str, Any]) -> str | None:
    """Record a consent: its id; None when the subject or the grantee is unknown."""
    records = await db.write(GRANT_CONSENT, params, op="grant_consent")
    return records[0]["consent"] if records else None


async def revoke_consent(
    db: Database, consent_id: str, *, now: Any, by: str, reason: str | None
) -> str | None:
    """Revoke a consent: its id; None when there is none."""
    records = await db.write(
        REVOKE_CONSENT,
        {"id": consent_id, "now": now, "by": by, "reason": reason},
        op="revoke_consent",
    )
    return records[0]["consent"] if records else None
