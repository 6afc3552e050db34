"""What investigators get back: graphs ready to draw, paths, risk hits, role histories.

Graph-shaped answers (``SubjectGraph``, paths, risk hits) are pure data: resolvers
return them as plain dicts keyed by GraphQL field names (``gateway/executor.py``
projects them without a resolver per field), built by ``graph_schema.investigate_plain``
from the maps the root field's one query returns. Lists of roles and shared officers
carry the schema's own ``Role``, ``Person`` and ``Organization``, so their nested fields
keep their own rules; they are projected from the selection in the root field's one
query (the link and officer types declare how they are read from the query's rows).
"""

from __future__ import annotations

from enum import Enum

import strawberry

from graph_schema.enums import (
    Disclosure,
    JurisdictionLevel,
    ListKind,
    RoleKind,
    Severity,
    SubjectKind,
)
from graph_schema.fields import Related, computed, meta
from graph_schema.paging import PageInfo
from graph_schema.scalars import Date
from graph_schema.subject import Organization, Person, Role


@strawberry.enum(description="What a node of a drawn graph stands for.")
class NodeKind(Enum):
    ORGANIZATION = "ORGANIZATION"
    PERSON = "PERSON"
    LIST_ENTRY = "LIST_ENTRY"
    DEPARTMENT = "DEPARTMENT"


@strawberry.enum(description="What an edge of a drawn graph stands for.")
class EdgeKind(Enum):
    ROLE = "ROLE"  # person → organisation, a post with its dates
    LISTED = "LISTED"  # list entry → the subject it concerns
    RECOGNISED_BY = "RECOGNISED_BY"  # list entry → its recognising department
    DERIVED_FROM = "DERIVED_FROM"  # derived entry → the organisation's entry (第二十六条)
    THROUGH = "THROUGH"  # derived entry → the organisation it came through


@strawberry.enum(description="Roles held on the date asked about, or ended before it.")
class Tenure(Enum):
    CURRENT = "CURRENT"
    PAST = "PAST"


@strawberry.input(
    description="Which roles an exploration walks. Hops follow roles only: "
    "list entries and departments hang off the subjects reached."
)
class RoleFilter:
    kinds: list[RoleKind] | None = strawberry.field(
        default=None, description="Role kinds to follow; all when omitted."
    )
    as_of: Date | None = strawberry.field(
        default=None,
        description="Only roles held on this date (start and end inclusive); "
        "every role, past and present, when omitted.",
    )


@strawberry.type(description="A subject as a node: enough to label and mark it.")
class GraphSubject:
    id: strawberry.ID
    kind: SubjectKind
    name: str
    uscc: str | None
    id_number_masked: str | None = strawberry.field(description="实施办法 第八条 form.")
    status: str | None
    black_listed: bool = strawberry.field(
        description="Has a black entry in force that the caller may see."
    )


@strawberry.type(description="The recognising department of an entry, as a node.")
class GraphDepartment:
    id: strawberry.ID
    name: str
    level: JurisdictionLevel | None
    jurisdiction_code: str | None


@strawberry.type(description="A list entry in force on the date asked about, as a node.")
class GraphEntry:
    id: strawberry.ID
    kind: ListKind
    category: str | None
    facts: str | None
    severity: Severity
    disclosure: Disclosure
    recognised_on: Date
    valid_until: Date | None
    act_on: Date | None
    derived: bool
    derived_roles: list[RoleKind]
    source_entry_id: strawberry.ID | None
    through_organization_id: strawberry.ID | None
    through_organization_name: str | None
    department: GraphDepartment | None
    explanation: str | None = strawberry.field(
        description="For a derived entry: why it is on this person (管理办法 第二十六条)."
    )


@strawberry.type(description="A node: a subject, a list entry or a department.")
class GraphNode:
    id: strawberry.ID
    kind: NodeKind
    label: str
    hops: int | None = strawberry.field(description="Role hops from the root (subjects).")
    black_listed: bool
    subject: GraphSubject | None
    entry: GraphEntry | None
    department: GraphDepartment | None


@strawberry.type(description="An edge between two nodes, with a role's kind and dates.")
class GraphEdge:
    id: strawberry.ID
    kind: EdgeKind
    source: strawberry.ID
    target: strawberry.ID
    role: RoleKind | None
    start: Date | None
    end: Date | None


@strawberry.type(description="A subject's neighbourhood, ready to draw.")
class SubjectGraph:
    root_id: strawberry.ID
    depth: int
    as_of: Date | None
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool = strawberry.field(
        description="The node cap (or the entries drawn per subject) cut the answer."
    )


@strawberry.type(description="A post on a path, with its dates.")
class PathRole:
    id: strawberry.ID
    kind: RoleKind
    start: Date
    end: Date | None


@strawberry.type(description="One step of a path: from one subject to the next by a role.")
class PathStep:
    from_: strawberry.ID = strawberry.field(name="from")
    to: strawberry.ID
    role: PathRole


@strawberry.type(description="A path between two subjects, in walking order.")
class SubjectPath:
    length: int
    nodes: list[GraphSubject]
    steps: list[PathStep]


@strawberry.type
class PathEdge:
    cursor: str
    node: SubjectPath


@strawberry.type(description="Shortest paths, ordered by the roles they take.")
class PathConnection:
    edges: list[PathEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="A black-listed subject near the one asked about.")
class RiskHit:
    subject: GraphSubject
    hops: int
    entries: list[GraphEntry] = strawberry.field(description="Its black entries in force.")
    path: SubjectPath | None = strawberry.field(description="One shortest path to it.")


@strawberry.type
class RiskEdge:
    cursor: str
    node: RiskHit


@strawberry.type(description="Black-listed subjects by distance, nearest first.")
class RiskConnection:
    edges: list[RiskEdge]
    page_info: PageInfo
    total_count: int
    walked: int = strawberry.field(description="Subjects within the hops, all walked.")


@strawberry.type
class TenureEdge:
    cursor: str
    node: Role
    current: bool = strawberry.field(description="Held on the date asked about.")


@strawberry.type(description="Roles, newest start first.")
class TenureConnection:
    edges: list[TenureEdge]
    page_info: PageInfo


# A shared-officer link is read from the rows ``loaders/investigate_reads.shared_officers``
# yields (a map, not a node): ``organization``, ``shared`` and ``officers``, each officer
# with its ``person`` and the posts ``here`` and ``there``, sorted.


def _member(key: str) -> Related:
    """The node the row holds under ``key``."""
    return Related(match=lambda s, m: f"WITH {s.node}.{key} AS {m}")


@strawberry.type(description="An officer two organisations share, and the posts held.")
class SharedOfficer:
    person: Person = strawberry.field(metadata=meta(_member("person")))
    roles_here: list[RoleKind] = computed(lambda s: f"{s.node}.here")
    roles_there: list[RoleKind] = computed(lambda s: f"{s.node}.there")


@strawberry.type
class SharedOfficerLink:
    organization: Organization = strawberry.field(metadata=meta(_member("organization")))
    shared_count: int = computed(lambda s: f"{s.node}.shared")
    officers: list[SharedOfficer] = strawberry.field(
        metadata=meta(Related(match=lambda s, m: f"UNWIND {s.node}.officers AS {m}"))
    )


@strawberry.type
class SharedOfficerEdge:
    cursor: str
    node: SharedOfficerLink


@strawberry.type(description="Organisations sharing officers, most shared first.")
class SharedOfficerConnection:
    edges: list[SharedOfficerEdge]
    page_info: PageInfo
