"""Root fields for jurisdictions and departments."""

from __future__ import annotations

import strawberry
from strawberry import Info

from gateway.context import Context
from graph_schema.jurisdiction import Department, Jurisdiction


@strawberry.type
class JurisdictionQuery:
    @strawberry.field(description="The national jurisdiction, root of the tree.")
    async def jurisdiction_tree(self, info: Info[Context, None]) -> Jurisdiction | None:
        m = await info.context.loaders.jurisdictions_by_code.load("100000")
        return Jurisdiction.from_map(m) if m else None

    @strawberry.field(description="A jurisdiction by GB/T 2260 code.")
    async def jurisdiction(self, info: Info[Context, None], code: str) -> Jurisdiction | None:
        m = await info.context.loaders.jurisdictions_by_code.load(code)
        return Jurisdiction.from_map(m) if m else None

    @strawberry.field(description="A department by id (`<jurisdiction code>/<name>`).")
    async def department(self, info: Info[Context, None], id: strawberry.ID) -> Department | None:
        m = await info.context.loaders.departments_by_id.load(str(id))
        return Department.from_map(m) if m else None
