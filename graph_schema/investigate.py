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
    graphql_enum,
)
from graph_schema.fields import Related, computed, meta
from graph_schema.paging import PageInfo
from graph_schema.scalars import Date
from graph_schema.subject import Organization, Person, Role


class NodeKind(Enum):
    ORGANIZATION = "ORGANIZATION"
    PERSON = "PERSON"
    LIST_ENTRY = "LIST_ENTRY"
    DEPARTMENT = "DEPARTMENT"


graphql_enum(
    NodeKind,
    "What a node of a drawn graph stands for.",
    {
        "ORGANIZATION": "An organisation: `subject` is set.",
        "PERSON": "A natural person: `subject` is set.",
        "LIST_ENTRY": "A red or black list entry: `entry` is set.",
        "DEPARTMENT": "An entry's recognising department: `department` is set.",
    },
)


class EdgeKind(Enum):
    ROLE = "ROLE"
    LISTED = "LISTED"
    RECOGNISED_BY = "RECOGNISED_BY"
    DERIVED_FROM = "DERIVED_FROM"
    THROUGH = "THROUGH"


graphql_enum(
    EdgeKind,
    "What an edge of a drawn graph stands for.",
    {
        "ROLE": "Person → organisation: a post, with its kind and dates.",
        "LISTED": "List entry → the subject it concerns.",
        "RECOGNISED_BY": "List entry → its recognising department.",
        "DERIVED_FROM": "Derived entry → the organisation's entry it follows "
        "(管理办法 第二十六条).",
        "THROUGH": "Derived entry → the organisation it came through.",
    },
)


class Tenure(Enum):
    CURRENT = "CURRENT"
    PAST = "PAST"


graphql_enum(
    Tenure,
    "Roles held on the date asked about, or ended before it.",
    {
        "CURRENT": "Held on the date: started on or before it, not ended before it.",
        "PAST": "Ended before the date.",
    },
)


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
    id: strawberry.ID = strawberry.field(description="Internal stable id (`Subject.id`).")
    kind: SubjectKind = strawberry.field(description="Organisation or natural person.")
    name: str = strawberry.field(description="名称 or 姓名.")
    uscc: str | None = strawberry.field(
        description="统一社会信用代码 of an organisation; null for a person."
    )
    id_number_masked: str | None = strawberry.field(description="实施办法 第八条 form.")
    status: str | None = strawberry.field(
        description="登记状态 as the source recorded it (e.g. 存续, 注销); free text."
    )
    black_listed: bool = strawberry.field(
        description="Has a black entry in force that the caller may see."
    )


@strawberry.type(description="The recognising department of an entry, as a node.")
class GraphDepartment:
    id: strawberry.ID = strawberry.field(
        description="Department id, `<jurisdiction code>/<name>` (see `department`)."
    )
    name: str = strawberry.field(description="The department's canonical name.")
    level: JurisdictionLevel | None = strawberry.field(description="The level of its jurisdiction.")
    jurisdiction_code: str | None = strawberry.field(
        description="Its jurisdiction's GB/T 2260 code."
    )


@strawberry.type(description="A list entry in force on the date asked about, as a node.")
class GraphEntry:
    id: strawberry.ID = strawberry.field(description="The list entry's id (`ListEntry.id`).")
    kind: ListKind = strawberry.field(description="Red or black list.")
    category: str | None = strawberry.field(description="失信行为类型 / 名单类别.")
    facts: str | None = strawberry.field(description="主要失信事实.")
    severity: Severity = strawberry.field(description="失信严重程度; UNSTATED when not recorded.")
    disclosure: Disclosure = strawberry.field(
        description="Its disclosure class (管理办法 第十八条); only classes the caller may "
        "see are drawn."
    )
    recognised_on: Date = strawberry.field(description="认定日期 (确定失信时间).")
    valid_until: Date | None = strawberry.field(
        description="信息有效期 (移出日期), inclusive; null: no end set."
    )
    act_on: Date | None = strawberry.field(description="Date of the act itself.")
    derived: bool = strawberry.field(
        description="Recorded against a responsible person through an organisation "
        "(管理办法 第二十六条)."
    )
    derived_roles: list[RoleKind] = strawberry.field(
        description="For a derived entry: the posts the person held on the date of the act."
    )
    source_entry_id: strawberry.ID | None = strawberry.field(
        description="For a derived entry: the organisation's entry it follows."
    )
    through_organization_id: strawberry.ID | None = strawberry.field(
        description="For a derived entry: the id of the organisation it came through."
    )
    through_organization_name: str | None = strawberry.field(
        description="For a derived entry: the name of that organisation."
    )
    department: GraphDepartment | None = strawberry.field(
        description="The recognising department (认定单位)."
    )
    explanation: str | None = strawberry.field(
        description="For a derived entry: why it is on this person (管理办法 第二十六条)."
    )


@strawberry.type(description="A node: a subject, a list entry or a department.")
class GraphNode:
    id: strawberry.ID = strawberry.field(
        description="The id of the subject, entry or department it stands for."
    )
    kind: NodeKind = strawberry.field(description="What it stands for.")
    label: str = strawberry.field(
        description="Text to show: a subject's or department's name, or `黑名单 · <category>` / "
        "`红名单 · <category>` for an entry."
    )
    hops: int | None = strawberry.field(description="Role hops from the root (subjects).")
    black_listed: bool = strawberry.field(
        description="A subject with a black entry in force that the caller may see, or a "
        "black entry."
    )
    subject: GraphSubject | None = strawberry.field(description="Set when it is a subject.")
    entry: GraphEntry | None = strawberry.field(description="Set when it is a list entry.")
    department: GraphDepartment | None = strawberry.field(
        description="Set when it is a department."
    )


@strawberry.type(description="An edge between two nodes, with a role's kind and dates.")
class GraphEdge:
    id: strawberry.ID = strawberry.field(
        description="Unique in the graph: the role's id for a ROLE edge, otherwise built "
        "from the ids of its ends."
    )
    kind: EdgeKind = strawberry.field(description="What it stands for.")
    source: strawberry.ID = strawberry.field(description="The `GraphNode.id` it starts from.")
    target: strawberry.ID = strawberry.field(description="The `GraphNode.id` it leads to.")
    role: RoleKind | None = strawberry.field(description="A ROLE edge's post; null otherwise.")
    start: Date | None = strawberry.field(
        description="A ROLE edge's first day in post; null otherwise."
    )
    end: Date | None = strawberry.field(
        description="A ROLE edge's last day in post, inclusive; null while held or for other edges."
    )


@strawberry.type(description="A subject's neighbourhood, ready to draw.")
class SubjectGraph:
    root_id: strawberry.ID = strawberry.field(description="The node of the subject asked about.")
    depth: int = strawberry.field(description="The role hops walked, as asked.")
    as_of: Date | None = strawberry.field(
        description="The date roles were held on (`roles.asOf`); null: every role, past "
        "and present."
    )
    nodes: list[GraphNode] = strawberry.field(
        description="Subjects nearest first, then their entries and departments."
    )
    edges: list[GraphEdge] = strawberry.field(
        description="Edges whose two ends are both among the nodes."
    )
    truncated: bool = strawberry.field(
        description="The node cap (or the entries drawn per subject) cut the answer."
    )


@strawberry.type(description="A post on a path, with its dates.")
class PathRole:
    id: strawberry.ID = strawberry.field(description="The role's id (`Role.id`).")
    kind: RoleKind = strawberry.field(description="The post.")
    start: Date = strawberry.field(description="First day in post.")
    end: Date | None = strawberry.field(description="Last day in post, inclusive; null while held.")


@strawberry.type(description="One step of a path: from one subject to the next by a role.")
class PathStep:
    from_: strawberry.ID = strawberry.field(
        name="from", description="The id of the subject the step leaves."
    )
    to: strawberry.ID = strawberry.field(description="The id of the subject the step reaches.")
    role: PathRole = strawberry.field(description="The post linking the two.")


@strawberry.type(description="A path between two subjects, in walking order.")
class SubjectPath:
    length: int = strawberry.field(description="Role hops (the number of steps).")
    nodes: list[GraphSubject] = strawberry.field(
        description="The subjects from start to end, both included."
    )
    steps: list[PathStep] = strawberry.field(description="The steps, in walking order.")


@strawberry.type(description="A path in a page of paths.")
class PathEdge:
    cursor: str = strawberry.field(description="Pass as `after` for the paths after this one.")
    node: SubjectPath = strawberry.field(description="The path.")


@strawberry.type(description="Shortest paths, ordered by the roles they take.")
class PathConnection:
    edges: list[PathEdge] = strawberry.field(description="This page of paths.")
    page_info: PageInfo = strawberry.field(description="Whether more follow, and from where.")
    total_count: int = strawberry.field(description="All shortest paths found, on every page.")


@strawberry.type(description="A black-listed subject near the one asked about.")
class RiskHit:
    subject: GraphSubject = strawberry.field(description="The black-listed subject.")
    hops: int = strawberry.field(description="Role hops from the subject asked about.")
    entries: list[GraphEntry] = strawberry.field(description="Its black entries in force.")
    path: SubjectPath | None = strawberry.field(description="One shortest path to it.")


@strawberry.type(description="A risk hit in a page of hits.")
class RiskEdge:
    cursor: str = strawberry.field(description="Pass as `after` for the hits after this one.")
    node: RiskHit = strawberry.field(description="The hit.")


@strawberry.type(description="Black-listed subjects by distance, nearest first.")
class RiskConnection:
    edges: list[RiskEdge] = strawberry.field(description="This page of hits.")
    page_info: PageInfo = strawberry.field(description="Whether more follow, and from where.")
    total_count: int = strawberry.field(description="All hits within the hops, on every page.")
    walked: int = strawberry.field(description="Subjects within the hops, all walked.")


@strawberry.type(description="A role in a page of roles.")
class TenureEdge:
    cursor: str = strawberry.field(description="Pass as `after` for the roles after this one.")
    node: Role = strawberry.field(description="The role, with its person and organisation.")
    current: bool = strawberry.field(description="Held on the date asked about.")


@strawberry.type(description="Roles, newest start first.")
class TenureConnection:
    edges: list[TenureEdge] = strawberry.field(description="This page of roles.")
    page_info: PageInfo = strawberry.field(description="Whether more follow, and from where.")


# A shared-officer link is read from the rows ``loaders/investigate_reads.shared_officers``
# yields (a map, not a node): ``organization``, ``shared`` and ``officers``, each officer
# with its ``person`` and the posts ``here`` and ``there``, sorted.


def _member(key: str) -> Related:
    """The node the row holds under ``key``."""
    return Related(match=lambda s, m: f"WITH {s.node}.{key} AS {m}")


@strawberry.type(description="An officer two organisations share, and the posts held.")
class SharedOfficer:
    person: Person = strawberry.field(description="The officer.", metadata=meta(_member("person")))
    roles_here: list[RoleKind] = computed(
        lambda s: f"{s.node}.here",
        description="The posts held in the organisation asked about, sorted.",
    )
    roles_there: list[RoleKind] = computed(
        lambda s: f"{s.node}.there", description="The posts held in the other organisation, sorted."
    )


@strawberry.type(description="Another organisation sharing officers with the one asked about.")
class SharedOfficerLink:
    organization: Organization = strawberry.field(
        description="The other organisation.", metadata=meta(_member("organization"))
    )
    shared_count: int = computed(
        lambda s: f"{s.node}.shared", description="How many officers the two share."
    )
    officers: list[SharedOfficer] = strawberry.field(
        description="The shared officers, each with the posts held on both sides.",
        metadata=meta(Related(match=lambda s, m: f"UNWIND {s.node}.officers AS {m}")),
    )


@strawberry.type(description="A link in a page of shared-officer links.")
class SharedOfficerEdge:
    cursor: str = strawberry.field(description="Pass as `after` for the links after this one.")
    node: SharedOfficerLink = strawberry.field(description="The link.")


@strawberry.type(description="Organisations sharing officers, most shared first.")
class SharedOfficerConnection:
    edges: list[SharedOfficerEdge] = strawberry.field(description="This page of links.")
    page_info: PageInfo = strawberry.field(description="Whether more follow, and from where.")
