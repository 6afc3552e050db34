"""The answer to a credit check: a decision, every hit with its legal basis, the measures."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import strawberry

from graph_schema.enums import (
    Decision,
    Disclosure,
    JurisdictionLevel,
    ListKind,
    MatterType,
    RoleKind,
    Severity,
    SubjectKind,
)
from graph_schema.fields import Expr, Prop, Related, converted, declaration, fields_of, meta, prop
from graph_schema.rules import legal_basis as lb
from graph_schema.rules.decision import WITHOUT_HITS, Measure, Outcome, decide
from graph_schema.rules.disclosure import Grant
from graph_schema.rules.validity import in_force_cypher
from graph_schema.scalars import Date

# Who screens applicants: approval systems, credit administrators, investigators.
CHECK_ROLES = ("approval", "credit_admin", "investigator")
AUDITED_FIELDS = ("creditCheck.decision", "creditCheck.hits", "creditCheck.measures")
# Officers whose dishonesty flags their organisation (information only).
OFFICER_ROLES = [
    "LEGAL_REPRESENTATIVE",
    "PRINCIPAL_RESPONSIBLE",
    "DIRECTOR",
    "SUPERVISOR",
    "SENIOR_MANAGER",
]


@strawberry.type(description="A policy article a hit or a measure rests on.")
class LegalBasis:
    item_id: strawberry.ID = strawberry.field(description="Policy item id (see policyItem).")
    document: str = strawberry.field(description="The document's title.")
    document_number: str | None = strawberry.field(
        description="The document's 文号; null when it has none."
    )
    article: str = strawberry.field(description="The article and item, e.g. 第十四条（十三）.")


@strawberry.type(description="The recognising department of a hit and its level.")
class HitDepartment:
    id: strawberry.ID = strawberry.field(
        description="Department id, `<jurisdiction code>/<name>` (see `department`)."
    )
    name: str = strawberry.field(description="The department's canonical name.")
    level: JurisdictionLevel | None = strawberry.field(description="The level of its jurisdiction.")
    jurisdiction_code: str | None = strawberry.field(
        description="Its jurisdiction's GB/T 2260 code."
    )


@strawberry.type(description="A subject named in a check or a derivation chain.")
class CheckedSubject:
    id: strawberry.ID = strawberry.field(description="Internal stable id (`Subject.id`).")
    name: str = strawberry.field(description="名称 or 姓名.")
    kind: SubjectKind = strawberry.field(description="Organisation or natural person.")
    uscc: str | None = strawberry.field(
        description="统一社会信用代码 of an organisation; null for a person."
    )


@strawberry.type(
    description="How an organisation's entry reached a person "
    "(管理办法 第二十六条): organisation → role → person."
)
class DerivationChain:
    organization: CheckedSubject = strawberry.field(
        description="The seriously dishonest organisation whose entry this follows."
    )
    roles: list[RoleKind] = strawberry.field(
        description="The posts the person held there on the date of the act."
    )


@strawberry.type(description="A list entry in force on the date asked about.")
class CreditHit:
    entry_id: strawberry.ID = strawberry.field(description="The list entry's id (`ListEntry.id`).")
    kind: ListKind = strawberry.field(description="Red or black list.")
    domain: str | None = strawberry.field(description="领域.")
    category: str | None = strawberry.field(description="失信行为类型 / 名单类别.")
    facts: str | None = strawberry.field(description="主要失信事实; null when `withheld`.")
    basis: str | None = strawberry.field(description="认定依据 as recorded by the department.")
    decision_document: str | None = strawberry.field(
        description="处罚法定文书; null when `withheld`."
    )
    document_number: str | None = strawberry.field(description="文书编号; null when `withheld`.")
    severity: Severity = strawberry.field(
        description="失信严重程度; UNSTATED when the source states none."
    )
    disclosure: Disclosure = strawberry.field(
        description="The entry's disclosure class (管理办法 第十八条)."
    )
    recognised_on: Date = strawberry.field(description="认定日期 (确定失信时间).")
    valid_until: Date | None = strawberry.field(
        description="信息有效期 (移出日期), inclusive; null: no end set."
    )
    department: HitDepartment | None = strawberry.field(
        description="认定单位: the recognising department."
    )
    source_system: str | None = strawberry.field(description="The system the entry came from.")
    derived: bool = strawberry.field(
        description="Recorded against this person through an organisation's serious black "
        "entry (管理办法 第二十六条)."
    )
    chain: DerivationChain | None = strawberry.field(
        description="For a derived hit: the organisation and posts it came through."
    )
    outweighed: bool = strawberry.field(
        description="A red hit outweighed by a black one (实施办法 第四条)."
    )
    disputed: bool = strawberry.field(description="An objection against the entry is open.")
    withheld: bool = strawberry.field(
        description="The entry counts for the decision, but its "
        "facts and documents need an authorised query "
        "(管理办法 第二十一条)."
    )
    legal_basis: list[LegalBasis] = strawberry.field(
        description="The articles the hit rests on: the list's criteria (实施办法 第五条, "
        "第六条), for a derived hit 管理办法 第二十六条, and for a black hit its validity "
        "(管理办法 第二十七条)."
    )


@strawberry.type(description="A measure the decision rests on, and the hits that trigger it.")
class AppliedMeasure:
    id: strawberry.ID = strawberry.field(description="The measure's id in the catalogue.")
    name: str = strawberry.field(description="The measure, as the policy names it.")
    kind: str = strawberry.field(description="INCENTIVE or PUNISHMENT")
    effect: Decision = strawberry.field(description="Its effect on this matter.")
    legal_basis: list[LegalBasis] = strawberry.field(
        description="The articles that provide for it."
    )
    hit_ids: list[strawberry.ID] = strawberry.field(
        description="The `entryId`s of the hits that trigger it."
    )


@strawberry.type(description="Information only: an officer carries a serious black entry.")
class RelatedPartyFlag:
    person: CheckedSubject = strawberry.field(description="The officer.")
    role: RoleKind = strawberry.field(description="The officer's post on the date checked.")
    entry_id: strawberry.ID = strawberry.field(description="The officer's serious black entry.")
    category: str | None = strawberry.field(description="失信行为类型 / 名单类别 of that entry.")
    derived: bool = strawberry.field(
        description="That entry came to the officer through another organisation "
        "(管理办法 第二十六条)."
    )
    path: str = strawberry.field(description="organisation ← role ← person ← entry")


def _far_end(name: str) -> Expr:
    """A property of the node a link leads to."""
    return Expr(cypher=lambda s: f"endNode({s.node}).`{name}`")


@strawberry.type(description="What a measure does to one matter.")
class MatterEffect:  # read from the APPLIES_TO link
    matter: MatterType = strawberry.field(
        description="The matter.", metadata=meta(_far_end("code"))
    )
    effect: Decision = prop("effect", description="BLOCK, REVIEW or GREEN_CHANNEL.")


@strawberry.type(
    description="A department that carries a measure out: a lead (or responsible) unit of a "
    "policy task implementing it."
)
class ImplementingDepartment:  # read from the IMPLEMENTED_BY link
    id: strawberry.ID = strawberry.field(
        description="Department id (see `department`).", metadata=meta(_far_end("id"))
    )
    name: str = strawberry.field(
        description="The department's canonical name.", metadata=meta(_far_end("name"))
    )
    as_written: str | None = prop("asWritten", description="The unit as the document names it.")


# A measure's matters by code and its departments by id: the catalogue reads the same
# whichever order the links were written in.
MATTERS = Related(
    match=lambda s, m: f"MATCH ({s.node})-[{m}:APPLIES_TO]->({m}t:MatterType)",
    order=lambda s, m: f"{m}t.code",
)
DEPARTMENTS = Related(
    match=lambda s, m: f"MATCH ({s.node})-[{m}:IMPLEMENTED_BY]->({m}d:Department)",
    order=lambda s, m: f"{m}d.id",
)


def _basis_of(item_ids: Sequence[str]) -> list[Plain]:
    """The citations of a stored list of item ids (``_basis`` caches them per tuple)."""
    return _basis(tuple(item_ids))


@strawberry.type(description="A joint reward or punishment measure (联合奖惩措施).")
class MeasureInfo:
    id: strawberry.ID = prop("id", description="The measure's id, e.g. `jlcj-14-1`.")
    name: str = prop("name", description="The measure, as the policy names it.")
    kind: str = prop("kind", description="INCENTIVE or PUNISHMENT")
    list: ListKind = prop("list", description="The list whose entries trigger it.")
    # `list` is a field name from here on in this class body: the builtin is spelt in full.
    targets: builtins.list[str] = prop("targets", description="SUBJECT and/or RESPONSIBLE_PERSON")
    matters: builtins.list[MatterEffect] = strawberry.field(
        description="The matters it applies to, with its effect on each, by matter code.",
        metadata=meta(MATTERS),
    )
    # The articles are cited from the committed extraction, as the credit check cites them.
    legal_basis: builtins.list[LegalBasis] = converted(
        lambda s: f"{s.node}.basis", _basis_of, description="The articles that provide for it."
    )
    departments: builtins.list[ImplementingDepartment] = strawberry.field(
        description="The departments that carry it out, by id; empty when the policy "
        "graph names none.",
        metadata=meta(DEPARTMENTS),
    )


@strawberry.type(description="Why a subject could not be checked (e.g. an invalid code).")
class CheckError:
    code: str = strawberry.field(description="The error code (see Error codes), e.g. INVALID_USCC.")
    message: str = strawberry.field(description="What is wrong, in words.")
    value: str | None = strawberry.field(description="The value refused, as given.")


@strawberry.type(description="The answer for one subject.")
class CreditCheck:
    found: bool = strawberry.field(
        description="The subject is known; false for an unknown subject or an invalid code."
    )
    subject: CheckedSubject | None = strawberry.field(
        description="The subject checked; null when not found."
    )
    decision: Decision | None = strawberry.field(description="Null when the subject is unknown.")
    matter: MatterType = strawberry.field(description="The matter checked for, as asked.")
    as_of: Date = strawberry.field(description="The date checked on (default today).")
    hits: list[CreditHit] = strawberry.field(
        description="Every list entry of the subject in force on `asOf`, direct and derived."
    )
    measures: list[AppliedMeasure] = strawberry.field(
        description="The measures for the matter that the hits trigger."
    )
    related_parties: list[RelatedPartyFlag] = strawberry.field(
        description="For an organisation: its officers carrying a serious black entry in "
        "force. Information only: never changes the decision."
    )
    error: CheckError | None = strawberry.field(
        description="Why the subject could not be checked (e.g. an invalid code); null otherwise."
    )


# The builders below return plain dicts keyed by GraphQL field names: the executor
# projects the query over them without a resolver call per field (gateway/executor.py).
Plain = dict[str, Any]


def _subject(m: Mapping[str, Any], kind: str | None = None) -> Plain:
    return {
        "id": m["id"],
        "name": m["name"],
        "kind": kind or m.get("kind") or "PERSON",
        "uscc": m.get("uscc"),
    }


@cache
def _basis(item_ids: tuple[str, ...]) -> list[Plain]:
    out = []
    for item_id in item_ids:
        c = lb.cite(item_id)
        out.append(
            {
                "itemId": c.item_id,
                "document": c.document,
                "documentNumber": c.document_number,
                "article": c.article,
            }
        )
    return out


# 实施办法 第六条/第五条 recognise the entry; 管理办法 第二十七条 keeps it in force.
_DIRECT_BLACK = (lb.BLACK_LIST_CRITERIA, lb.VALIDITY, lb.MUTUAL_RECOGNITION)
_DIRECT_RED = (lb.RED_LIST_CRITERIA,)
_DERIVED = (lb.PROPAGATION, "ha-jlcj:第十四条/（十三）", lb.VALIDITY)


def hit_plain(h: Mapping[str, Any], outweighed: bool, visible: tuple[str, ...]) -> Plain:
    derived = bool(h.get("derived"))
    via = h.get("via")
    basis = _DERIVED if derived else _DIRECT_BLACK if h["kind"] == "BLACK" else _DIRECT_RED
    # 管理办法 第二十一条: the entry counts, its details need the class (or a consent).
    withheld = h["disclosure"] not in visible
    return {
        "entryId": h["id"],
        "kind": h["kind"],
        "domain": h.get("domain"),
        "category": h.get("category"),
        "facts": None if withheld else h.get("facts"),
        "basis": None if withheld else h.get("basis"),
        "decisionDocument": None if withheld else h.get("decisionDocument"),
        "documentNumber": None if withheld else h.get("documentNumber"),
        "withheld": withheld,
        "severity": h.get("severity") or "UNSTATED",
        "disclosure": h["disclosure"],
        "recognisedOn": h["recognisedOn"],
        "validUntil": h.get("validUntil"),
        "department": h.get("department"),
        "sourceSystem": h.get("sourceSystem"),
        "derived": derived,
        "chain": {
            "organization": _subject(via, "ORGANIZATION"),
            "roles": h.get("derivedRoles") or [],
        }
        if derived and via
        else None,
        "outweighed": outweighed,
        "legalBasis": _basis(basis),
        "disputed": bool(h.get("disputed")),
    }


def measure_plain(measure: Measure, hit_ids: list[str]) -> Plain:
    return {
        "id": measure.id,
        "name": measure.name,
        "kind": measure.kind,
        "effect": measure.effect,
        "legalBasis": _basis(measure.basis),
        "hitIds": hit_ids,
    }


def related_plain(subject_name: str, r: Mapping[str, Any]) -> Plain:
    person = r["person"]
    return {
        "person": _subject(person, "PERSON"),
        "role": r["role"],
        "entryId": r["entryId"],
        "category": r.get("category"),
        "derived": bool(r.get("derived")),
        "path": f"{subject_name} ← {r['role']} ← {person['name']} ← {r['entryId']}",
    }


def check_plain(
    record: Mapping[str, Any], outcome: Outcome | None, matter: str, as_of: Any
) -> Plain:
    subject = record["subject"]
    if outcome is None:
        return not_found(matter, as_of)
    outweighed, visible = outcome.outweighed, record.get("visible", ())
    return found_plain(
        subject,
        outcome.decision,
        matter,
        as_of,
        [hit_plain(h, h["id"] in outweighed, visible) for h in record["hits"]],
        [measure_plain(m, ids) for m, ids in outcome.applied],
        record["related"],
    )


def found_plain(
    subject: Mapping[str, Any],
    decision: str,
    matter: str,
    as_of: Any,
    hits: list[Plain],
    measures: list[Plain],
    related: Sequence[Mapping[str, Any]],
) -> Plain:
    return {
        "found": True,
        "subject": _subject(subject),
        "decision": decision,
        "matter": matter,
        "asOf": as_of,
        "hits": hits,
        "measures": measures,
        "relatedParties": [related_plain(subject["name"], r) for r in related],
        "error": None,
    }


def not_found(matter: str, as_of: Any, error: Plain | None = None) -> Plain:
    return {
        "found": False,
        "subject": None,
        "decision": None,
        "matter": matter,
        "asOf": as_of,
        "hits": [],
        "measures": [],
        "relatedParties": [],
        "error": error,
    }


# ---------------------------------------------------------------------------------------
# The check in Cypher: for a subject variable, with the matter, date and visible classes as
# expressions (parameter names, never values). One list per subject:
# [subject, hits, related parties, visible classes, consents relied on].


def _hit_map(e: str, visible: str) -> str:
    """Every stored list-entry field a check reads, from the entry's declarations: those
    declared ``detail`` (facts, documents, basis ... and any field added later) are
    withheld inside Neo4j unless the caller may see the entry's class (管理办法 第二十一条)."""
    from graph_schema.list_entry import ListEntry

    parts = []
    for field in fields_of(ListEntry).values():
        read = declaration(field)
        if isinstance(read, Prop):
            value = f"{e}.`{read.name}`"
            if _is_date(field):  # as its ISO text: no temporal objects to build in Python
                value = f"toString({value})"
            if read.detail:
                value = f"CASE WHEN {e}.disclosure IN {visible} THEN {value} END"
            parts.append(f"`{read.name}`: {value}")
    parts += [
        f"department: [({e})-[:RECOGNISED_BY]->(d:Department) | "
        "d {.id, .name, .level, .jurisdictionCode}][0]",
        f"via: [({e})-[:THROUGH]->(v:Organization) | v {{.id, .name, .uscc}}][0]",
        f"disputed: EXISTS {{ MATCH ({e})<-[:AGAINST]-(o:Objection) WHERE o.closedOn IS NULL }}",
    ]
    return "{" + ", ".join(parts) + "}"


def _is_date(field: Any) -> bool:
    type_ = getattr(field, "type", None)
    type_ = getattr(type_, "of_type", type_)  # Date | None
    return type_ is Date


def hits_cypher(s: str, as_of: str, visible: str) -> str:
    """The subject's list entries in force on the date (direct and derived)."""
    return (
        f"[({s})<-[:CONCERNS]-(e:ListEntry) WHERE {in_force_cypher('e', as_of)} "
        f"| {_hit_map('e', visible)}]"
    )


def related_cypher(s: str, as_of: str) -> str:
    """Officers of an organisation carrying a serious black entry: information only."""
    return (
        f"[({s})<-[r:HOLDS_ROLE]-(q:Person)<-[:CONCERNS]-(f:ListEntry) "
        f"WHERE {s}:Organization AND r.kind IN {OFFICER_ROLES!r} AND r.start <= {as_of} "
        f"AND (r.end IS NULL OR {as_of} <= r.end) AND f.kind = 'BLACK' "
        f"AND f.severity = 'SERIOUS' AND {in_force_cypher('f', as_of)} "
        f"AND NOT EXISTS {{ (f)-[:THROUGH]->({s}) }} "
        "| {person: q {.id, .name}, role: r.kind, entryId: f.id, category: f.category, "
        "derived: f.derived}]"
    )


def check_cypher(s: str, as_of: str, visible: str, grants: str, *, related: bool) -> str:
    return (
        f"[{s} {{.id, .name, .kind, .uscc}}, {hits_cypher(s, as_of, visible)}, "
        f"{related_cypher(s, as_of) if related else '[]'}, {visible}, {grants}]"
    )


def measures_cypher(matter: str, var: str) -> str:
    """The measures that apply to a matter (a query of its own, once per check query)."""
    return (
        "OPTIONAL MATCH (m:Measure)-[a:APPLIES_TO]->"
        f"(:MatterType {{code: {matter}}}) WITH m, a ORDER BY m.id "
        "RETURN collect(m {.id, .name, .kind, .list, .targets, .subjectKinds, .minSeverity, "
        f".basis, effect: a.effect}}) AS {var}"
    )


def record_of(raw: Sequence[Any]) -> dict[str, Any]:
    subject, hits, related, visible, _ = raw
    return {"subject": subject, "hits": hits, "related": related, "visible": tuple(visible)}


def without_hits(raw: Sequence[Any], matter: str, as_of: Any) -> Plain | None:
    """The answer straight from a check's raw list when it has no hits (most subjects
    screened): nothing to decide on, nothing disclosed to register. None otherwise."""
    subject, hits, related, _, _ = raw
    if hits:
        return None
    return found_plain(subject, WITHOUT_HITS, matter, as_of, [], [], related)


def answer(record: dict[str, Any], measures: list[Measure], matter: str, as_of: Any) -> Plain:
    """The check's answer: the decision by the rules (graph_schema/rules/decision.py)."""
    outcome = decide(record["hits"], measures, record["subject"]["kind"])
    return check_plain(record, outcome, matter, as_of)


def subject_check_cypher(s: Any) -> str:
    """``creditCheck(matter, asOf)`` on a subject of a compiled answer: the same check as
    the root field, only for callers who may check (a checking role and a purpose)."""
    matter = s.arg("matter")
    measures = s.once(("measures", matter), lambda name: measures_cypher(matter, name))
    day = f"coalesce({s.arg('asOf')}, $today)"
    check = check_cypher(
        s.node, day, s.visible(s.node), s.grants(s.node), related=s.selects("relatedParties")
    )
    return f"CASE WHEN $checks THEN [{check}, '{measures}', {matter}, {day}] END"


def assemble_subject_check(raw: Any, ctx: Any) -> Plain:
    if raw is None:  # not a caller who may check: say which requirement is missing
        ctx.require(*CHECK_ROLES)
        ctx.require_purpose()
    check, measures, matter, day = raw
    # the matter's measures are read once beside the answer and parsed once per request,
    # however many subjects (1,000 Federation references) they are checked against
    parsed = ctx.sidecars.get(f"{measures} parsed")
    if parsed is None:
        parsed = [Measure.from_map(m) for m in ctx.sidecars[measures]]
        ctx.sidecars[f"{measures} parsed"] = parsed
    record = record_of(check)
    if record["hits"]:
        subject = record["subject"]["id"]
        ctx.known_access(subject, [Grant.from_map(g) for g in check[4]])
        ctx.disclose(
            subject, "creditCheck", AUDITED_FIELDS, {h["disclosure"] for h in record["hits"]}
        )
    return answer(record, parsed, matter, day)
