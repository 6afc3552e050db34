"""Root fields for jurisdictions and departments."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import Info

from graph_schema.fields import owned_by
from graph_schema.jurisdiction import Department, Jurisdiction
from loaders.policy_reads import DEPARTMENT_BY_ID, JURISDICTION_BY_CODE
from resolvers.context import Context
from resolvers.reads import one

NATIONAL_CODE = "100000"  # GB/T 2260: the root of the tree


@owned_by("policy")
@strawberry.type
class JurisdictionQuery:
    @strawberry.field(description="The national jurisdiction, root of the tree.")
    async def jurisdiction_tree(self, info: Info[Context, None]) -> Jurisdiction | None:
        return await one(info, JURISDICTION_BY_CODE, key=NATIONAL_CODE)

    @strawberry.field(description="A jurisdiction by GB/T 2260 code.")
    async def jurisdiction(
        self,
        info: Info[Context, None],
        code: Annotated[
            str, strawberry.argument(description="GB/T 2260 code, e.g. 320800; 100000: the nation.")
        ],
    ) -> Jurisdiction | None:
        return await one(info, JURISDICTION_BY_CODE, key=code)

    @strawberry.field(description="A department by id (`<jurisdiction code>/<name>`).")
    async def department(
        self,
        info: Info[Context, None],
        id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="`<jurisdiction code>/<name>`, e.g. `320800/淮安市商务局`."
            ),
        ],
    ) -> Department | None:
        return await one(info, DEPARTMENT_BY_ID, key=str(id))
