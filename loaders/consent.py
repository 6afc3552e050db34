"""Consents (管理办法 第二十一条): reading, granting and revoking them.

A consent is ``(:Subject)-[:GRANTED]->(:Consent)-[:TO]->(:Department|:Organization)``.
It is never deleted: revocation sets ``revokedAt`` and the node stays on file.
"""

from __future__ import annotations

from typing import Any

from gateway.base.db import Database
from loaders.base import CypherLoader

CONSENT_MAP = (
    "{.id, .purpose, .scope, .validFrom, .validUntil, .revokedAt, .revokedBy, "
    ".revocationReason, .createdAt, .createdBy, .createdByDept, .documentRef, "
    "subjectId: s.id, granteeId: g.id, granteeName: g.name, granteeUscc: g.uscc, "
    "granteeKind: CASE WHEN g:Department THEN 'DEPARTMENT' ELSE 'ORGANIZATION' END}"
)

CONSENTS_BY_ID = f"""
UNWIND range(0, size($keys) - 1) AS i
OPTIONAL MATCH (s:Subject)-[:GRANTED]->(c:Consent {{id: $keys[i]}})-[:TO]->(g)
RETURN i, CASE WHEN c IS NULL THEN null ELSE c {CONSENT_MAP} END AS value
"""

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


# A consent as a compiled read's root object (``loaders/selection.py``): what a mutation
# answers with after its write.
CONSENT_BY_ID = "MATCH (n:Consent {id: $key}) RETURN {value} AS value"


def consents_of(subject: str) -> str:
    """The ``consents`` root field in one query: the subject ``subject`` (a node pattern
    binding ``s``) and its consents, newest first, projected from the selection
    (``{value}``): all of them for the subject itself (``$self``) and for ``$everyone``
    (credit administrators, supervisors), else those to ``$granteeIds``; revoked ones
    only with ``$includeRevoked``."""
    return f"""
MATCH {subject}
RETURN [s.id, COLLECT {{
  MATCH (s)-[:GRANTED]->(n:Consent)-[:TO]->(g)
  WHERE (g:Department OR g:Organization)
    AND (s.id = $self OR $everyone OR g.id IN $granteeIds)
    AND ($includeRevoked OR n.revokedAt IS NULL)
  WITH n ORDER BY n.createdAt DESC, n.id
  RETURN {{value}} }}] AS value
"""


class ConsentsById(CypherLoader[str, dict[str, Any]]):
    """Key: consent id. Value: the consent with its subject and grantee; None when unknown."""

    query = CONSENTS_BY_ID


async def grant_consent(db: Database, params: dict[str, Any]) -> str | None:
    """Record a consent: its id; None when the subject or the grantee is unknown."""
    records = await db.write(GRANT_CONSENT, params, op="grant_consent")
    return records[0]["consent"] if records else None


async def revoke_consent(db: Database, consent_id: str, *, now: Any, by: str,
                         reason: str | None) -> str | None:
    """Revoke a consent: its id; None when there is none."""
    records = await db.write(REVOKE_CONSENT, {"id": consent_id, "now": now, "by": by,
                                              "reason": reason}, op="revoke_consent")
    return records[0]["consent"] if records else None
