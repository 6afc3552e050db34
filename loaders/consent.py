"""Consents (管理办法 第二十一条) read: by id, and a subject's in one compiled query.

A consent is ``(:Subject)-[:GRANTED]->(:Consent)-[:TO]->(:Department|:Organization)``.
Granting and revoking are in procedures/consent.py.
"""

from __future__ import annotations

from typing import Any

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
