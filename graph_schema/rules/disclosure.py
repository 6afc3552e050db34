"""Who may see which information about a subject.

管理办法 第十八条 sorts public credit information into three classes: 社会公开
(PUBLIC), 政府共享 (GOVERNMENT) and 授权查询 (AUTHORISED). 第二十一条 says who
sees what: anyone sees public information; a subject sees all of its own; anyone
else needs the subject's written consent. Government-shared information reaches
government users (第十九条). Everything here is pure: the caller's standing and
the consents in the graph go in, an ``Access`` comes out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graph_schema.model import ConsentScope, Disclosure

PUBLIC = Disclosure.PUBLIC.value
GOVERNMENT = Disclosure.GOVERNMENT.value
AUTHORISED = Disclosure.AUTHORISED.value
CLASSES = (PUBLIC, GOVERNMENT, AUTHORISED)  # canonical order, so loader keys are stable
ID_NUMBER = ConsentScope.ID_NUMBER.value


@dataclass(frozen=True, slots=True)
class Grant:
    """A consent as the rule sees it."""

    id: str
    grantee_id: str
    scope: frozenset[str]
    valid_from: dt.datetime
    valid_until: dt.datetime
    revoked_at: dt.datetime | None = None

    @classmethod
    def from_map(cls, m: Mapping[str, Any]) -> Grant:
        """``m``: a consent as the graph returns it (neo4j.time values, a list of scopes)."""
        return cls(
            id=str(m["id"]),
            grantee_id=str(m["granteeId"]),
            scope=frozenset(m.get("scope") or ()),
            valid_from=_native(m["validFrom"]),
            valid_until=_native(m["validUntil"]),
            revoked_at=_native(m["revokedAt"]) if m.get("revokedAt") else None,
        )


def _native(value: object) -> dt.datetime:
    to_native = getattr(value, "to_native", None)
    native = to_native() if to_native else value
    if not isinstance(native, dt.datetime):
        raise TypeError(f"a consent's window needs date-times, not {value!r}")
    return native


def in_force(grant: Grant, now: dt.datetime) -> bool:
    """管理办法 第二十一条: a consent counts inside its window [from, until) and until revoked."""
    if grant.revoked_at is not None and grant.revoked_at <= now:
        return False
    return grant.valid_from <= now < grant.valid_until


@dataclass(frozen=True, slots=True)
class Access:
    """What one caller may see of one subject, and the consents that opened it."""

    classes: tuple[str, ...]
    id_number: bool = False
    self_query: bool = False
    government: bool = False
    consents: Mapping[str, str] = field(default_factory=dict)  # class or field → consent id

    @property
    def history(self) -> bool:
        """管理办法 第二十七条, 实施办法 第十九条: expired and repaired entries are no longer
        published; they stay on file for government users and for the subject itself."""
        return self.government or self.self_query

    def consent_for(self, items: Iterable[str]) -> list[str]:
        """The consents the given classes or fields were seen under, without repeats."""
        return sorted({self.consents[i] for i in items if i in self.consents})


def access(
    *,
    government: bool,
    self_query: bool,
    grantee_ids: Iterable[str],
    grants: Iterable[Grant],
    now: dt.datetime,
) -> Access:
    """管理办法 第十八条/第二十一条 for one caller and one subject.

    ``government``: the caller holds a government role; ``self_query``: the caller acts
    for the subject itself; ``grantee_ids``: the department / organisation the caller
    acts for; ``grants``: the subject's consents (any grantee, any state).
    """
    if self_query:  # 第二十一条: a subject may query all of its own information
        return Access(CLASSES, id_number=True, self_query=True, government=government)
    seen = {PUBLIC}
    if government:  # 第十九条: government-shared information reaches government users
        seen.add(GOVERNMENT)
    consents: dict[str, str] = {}
    mine = set(grantee_ids)
    # 第二十一条: another's non-public information only with that subject's written consent
    for grant in sorted(grants, key=lambda g: (g.valid_from, g.id)):
        if grant.grantee_id not in mine or not in_force(grant, now):
            continue
        for item in sorted(grant.scope):
            held = item in seen or (item == ID_NUMBER and government)
            if item in (GOVERNMENT, AUTHORISED, ID_NUMBER) and not held:
                consents.setdefault(item, grant.id)
    seen.update(c for c in consents if c != ID_NUMBER)
    # The full ID number is government-shared information, or opened on its own.
    id_number = GOVERNMENT in seen or ID_NUMBER in consents
    if id_number and not government and ID_NUMBER not in consents:
        consents[ID_NUMBER] = consents[GOVERNMENT]
    return Access(
        tuple(c for c in CLASSES if c in seen),
        id_number=id_number,
        government=government,
        consents=consents,
    )


PUBLIC_ONLY = Access((PUBLIC,))


# The same rule in Cypher, for a subject variable and parameter names (never values):
# the consents a request relies on (its grantees; the consent ids it names, or any when
# the list is empty), in force at ``now`` (第二十一条). Kept beside ``access``; tests
# check that both agree.
def _consents(subject: str, grantees: str, ids: str, now: str) -> str:
    return (
        f"MATCH ({subject})-[:GRANTED]->(consent_:Consent)-[:TO]->(grantee_) "
        f"WHERE grantee_.id IN {grantees} AND (size({ids}) = 0 OR consent_.id IN {ids}) "
        f"AND consent_.validFrom <= {now} AND {now} < consent_.validUntil "
        f"AND (consent_.revokedAt IS NULL OR {now} < consent_.revokedAt)"
    )


def consent_cypher(subject: str, what: str, grantees: str, ids: str, now: str, base: str) -> str:
    """``classes``: the classes consents open beyond ``base`` (a list expression);
    ``id_number``: whether a consent opens the full ID number (a predicate); ``grants``:
    the consents as ``Grant.from_map`` reads them."""
    match = _consents(subject, grantees, ids, now)
    if what == "classes":
        return (
            f"COLLECT {{ {match} UNWIND consent_.scope AS item_ WITH DISTINCT item_ "
            f"WHERE item_ IN ['{GOVERNMENT}', '{AUTHORISED}'] AND NOT item_ IN {base} "
            "RETURN item_ }"
        )
    if what == "id_number":
        return (
            f"EXISTS {{ {match} AND ('{GOVERNMENT}' IN consent_.scope "
            f"OR '{ID_NUMBER}' IN consent_.scope) }}"
        )
    if what == "grants":
        return (
            f"COLLECT {{ {match} RETURN consent_ {{.id, .scope, .validFrom, .validUntil, "
            ".revokedAt, granteeId: grantee_.id} }"
        )
    raise ValueError(what)
