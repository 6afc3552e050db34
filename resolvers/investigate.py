"""Investigators' root fields: who stands behind a company, how two subjects connect, what
black-listed subjects are near one.

Every field needs an investigating role and a stated purpose (管理办法 第三十三条), runs
its Cypher under the time budget inside Neo4j and the size caps in the Cypher
(``loaders/investigate.py``), and writes the query register (个人诚信 opinion 四(一)): one
event for the subject(s) the exploration starts from, whatever it found, and one for every
other subject whose non-public entries (or a black-listed mark resting on them) it shows.

Each field is answered by one Cypher query (``resolvers/investigate_reads.py``), the
entries each subject may be shown chosen inside Neo4j (管理办法 第十八条/第二十一条).
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import Info

from graph_schema.enums import ListKind, RoleKind
from graph_schema.investigate import (
    PathConnection,
    RiskConnection,
    RoleFilter,
    SharedOfficerConnection,
    SubjectGraph,
    Tenure,
    TenureConnection,
)
from graph_schema.investigate_plain import Plain
from graph_schema.paging import SubjectRef
from graph_schema.scalars import Date
from resolvers import investigate_reads as reads
from resolvers.context import Context

From = Annotated[
    SubjectRef, strawberry.argument(name="from", description="The subject the paths start from.")
]
Roles = Annotated[
    RoleFilter | None,
    strawberry.argument(
        description="Which roles to walk, and on which date; null: every role, past and present."
    ),
]
First = Annotated[int, strawberry.argument(description="Page size, 1 to 100.")]
After = Annotated[
    str | None,
    strawberry.argument(description="The `endCursor` of the page before; null: from the start."),
]
Kinds = Annotated[
    list[RoleKind] | None, strawberry.argument(description="Only posts of these kinds; null: all.")
]
On = Annotated[
    Date | None,
    strawberry.argument(description="The date `tenure` is judged on (default today)."),
]
Tenures = Annotated[
    Tenure | None,
    strawberry.argument(
        description="CURRENT or PAST roles on `on`; null: every role, whatever its dates."
    ),
]


# The fields answer with plain data (graph_schema/investigate_plain.py) that the executor
# projects onto the selection; ``graphql_type`` names the type the schema declares.
@strawberry.type
class InvestigateQuery:
    @strawberry.field(
        description="A subject's neighbourhood up to 4 role hops, ready to draw: "
        "subjects nearest first (at most `maxNodes` nodes in all, `truncated` "
        "when the cap cut it), the roles among them, their list entries in force "
        "on `roles.asOf` (default today) and the entries' departments.",
        graphql_type=SubjectGraph | None,
    )
    async def neighbourhood(
        self,
        info: Info[Context, None],
        subject: Annotated[
            SubjectRef, strawberry.argument(description="The subject at the centre.")
        ],
        depth: Annotated[int, strawberry.argument(description="Role hops to walk, 1 to 4.")] = 2,
        roles: Roles = None,
        list_kinds: Annotated[
            list[ListKind] | None,
            strawberry.argument(description="Which lists' entries to draw; null: both."),
        ] = None,
        departments: Annotated[
            bool, strawberry.argument(description="Draw the entries' recognising departments.")
        ] = True,
        max_nodes: Annotated[
            int, strawberry.argument(description="The node cap, 1 to 1,000, root included.")
        ] = 200,
    ) -> Plain | None:
        return await reads.neighbourhood(
            info, subject, depth, roles, list_kinds, departments, max_nodes
        )

    @strawberry.field(
        description="All shortest paths between two subjects up to `maxHops` "
        "role hops (at most 6), each step with its role and dates, ordered by "
        "the roles they take; nodes marked black-listed on `roles.asOf` "
        "(default today).",
        graphql_type=PathConnection,
    )
    async def shortest_paths(
        self,
        info: Info[Context, None],
        from_: From,
        to: Annotated[SubjectRef, strawberry.argument(description="The subject the paths end at.")],
        max_hops: Annotated[
            int, strawberry.argument(description="The longest path looked for, 1 to 6 role hops.")
        ] = 4,
        roles: Roles = None,
        first: First = 10,
        after: After = None,
    ) -> Plain:
        return await reads.shortest_paths(info, from_, to, max_hops, roles, first, after)

    @strawberry.field(
        description="Black-listed subjects within `maxHops` role hops (at most "
        "4), nearest first, each with its black entries in force on "
        "`roles.asOf` (default today) and one shortest path to it.",
        graphql_type=RiskConnection,
    )
    async def risk_around(
        self,
        info: Info[Context, None],
        subject: Annotated[
            SubjectRef, strawberry.argument(description="The subject to look around.")
        ],
        max_hops: Annotated[
            int, strawberry.argument(description="How far to look, 1 to 4 role hops.")
        ] = 2,
        roles: Roles = None,
        first: First = 20,
        after: After = None,
    ) -> Plain:
        return await reads.risk_around(info, subject, max_hops, roles, first, after)

    @strawberry.field(
        description="A person's organisations through its roles, current and "
        "past (`tenure` on `on`, default today), newest start first.",
        graphql_type=TenureConnection,
    )
    async def organizations_of_person(
        self,
        info: Info[Context, None],
        person: Annotated[SubjectRef, strawberry.argument(description="The person.")],
        tenure: Tenures = None,
        kinds: Kinds = None,
        on: On = None,
        first: First = 20,
        after: After = None,
    ) -> Plain:
        return await reads.tenures(
            info,
            "organizationsOfPerson",
            person,
            "PERSON",
            "person",
            tenure,
            kinds,
            on,
            first,
            after,
        )

    @strawberry.field(
        description="An organisation's officers over time, newest start first; "
        "`tenure` CURRENT or PAST on `on` (default today).",
        graphql_type=TenureConnection,
    )
    async def officers_of_organization(
        self,
        info: Info[Context, None],
        organization: Annotated[SubjectRef, strawberry.argument(description="The organisation.")],
        tenure: Tenures = None,
        kinds: Kinds = None,
        on: On = None,
        first: First = 20,
        after: After = None,
    ) -> Plain:
        return await reads.tenures(
            info,
            "officersOfOrganization",
            organization,
            "ORGANIZATION",
            "organization",
            tenure,
            kinds,
            on,
            first,
            after,
        )

    @strawberry.field(
        description="Organisations that share an officer with this one (roles "
        "filtered on both sides), most shared officers first.",
        graphql_type=SharedOfficerConnection,
    )
    async def shared_officers(
        self,
        info: Info[Context, None],
        organization: Annotated[SubjectRef, strawberry.argument(description="The organisation.")],
        roles: Roles = None,
        first: First = 20,
        after: After = None,
    ) -> Plain:
        return await reads.shared_officers(info, organization, roles, first, after)
