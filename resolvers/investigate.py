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

From = Annotated[SubjectRef, strawberry.argument(name="from")]


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
        subject: SubjectRef,
        depth: int = 2,
        roles: RoleFilter | None = None,
        list_kinds: list[ListKind] | None = None,
        departments: bool = True,
        max_nodes: int = 200,
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
        to: SubjectRef,
        max_hops: int = 4,
        roles: RoleFilter | None = None,
        first: int = 10,
        after: str | None = None,
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
        subject: SubjectRef,
        max_hops: int = 2,
        roles: RoleFilter | None = None,
        first: int = 20,
        after: str | None = None,
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
        person: SubjectRef,
        tenure: Tenure | None = None,
        kinds: list[RoleKind] | None = None,
        on: Date | None = None,
        first: int = 20,
        after: str | None = None,
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
        organization: SubjectRef,
        tenure: Tenure | None = None,
        kinds: list[RoleKind] | None = None,
        on: Date | None = None,
        first: int = 20,
        after: str | None = None,
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
        organization: SubjectRef,
        roles: RoleFilter | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Plain:
        return await reads.shared_officers(info, organization, roles, first, after)
