"""Root fields of the policy graph: documents, items, tasks, implementation chains, the
coverage matrix and department workloads.

All in one mixin, ``PolicyQuery``, so the government and the public schema mount the
same fields; everything here is public information (published policy documents). Each
field is answered by one compiled query (``loaders/policy_reads.py``).
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry import Info

from gateway.base.errors import InvalidInput
from graph_schema.enums import JurisdictionLevel
from graph_schema.fields import owned_by
from graph_schema.policy import DepartmentRole, PolicyDocument, PolicyItem, Task, link_types
from graph_schema.policy_overview import CoverageMatrix, DepartmentWorkload, ImplementationChain
from loaders.policy_reads import (
    COVERAGE_MATRIX,
    DEPARTMENT_BY_ID,
    DOCUMENT_BY_ID,
    DOCUMENTS_WHERE,
    IMPLEMENTATION_CHAIN,
    ITEM_BY_ID,
    TASKS_WHERE,
)
from loaders.selection import compiled
from resolvers.context import Context
from resolvers.reads import many, one

# The columns of the coverage matrix: the levels that implement national items.
IMPLEMENTING_LEVELS = [JurisdictionLevel.MUNICIPAL.value, JurisdictionLevel.COUNTY.value]


def _not_national(item_id: str) -> InvalidInput:
    return InvalidInput("not an item of a national document", value=item_id)


def _unit_filter(
    jurisdiction_code: str | None, department_id: strawberry.ID | None, department_name: str | None
) -> None:
    if department_id is not None and department_name is not None:
        raise InvalidInput("give departmentId or departmentName, not both")
    if department_name is not None and not jurisdiction_code:
        raise InvalidInput(
            "departmentName needs jurisdictionCode: the same wording "
            "names different departments in different cities",
            field="departmentName",
        )


@owned_by("policy")
@strawberry.type
class PolicyQuery:
    @strawberry.field(
        description="Policy documents, national to county, in curated order; "
        "filtered by level and by the issuing jurisdiction (exact code)."
    )
    async def policy_documents(
        self,
        info: Info[Context, None],
        level: Annotated[
            JurisdictionLevel | None,
            strawberry.argument(description="Only documents of this level; null: all."),
        ] = None,
        jurisdiction_code: Annotated[
            str | None,
            strawberry.argument(
                description="Only documents issued in this jurisdiction (GB/T 2260 code, exact: "
                "not its sub-jurisdictions); null: all."
            ),
        ] = None,
    ) -> list[PolicyDocument]:
        return await many(
            info,
            DOCUMENTS_WHERE,
            level=level.value if level else None,
            jurisdictionCode=jurisdiction_code,
        )

    @strawberry.field(description="A policy document by id (e.g. `nat-ec-2016`, `ha-jlcj`).")
    async def policy_document(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="The document's id.")],
    ) -> PolicyDocument | None:
        return await one(info, DOCUMENT_BY_ID, key=str(id))

    @strawberry.field(description="A policy item by id (e.g. `nat-ec-2016:（三）`).")
    async def policy_item(
        self,
        info: Info[Context, None],
        id: Annotated[
            strawberry.ID, strawberry.argument(description="`<document>:<path of markers>`.")
        ],
    ) -> PolicyItem | None:
        return await one(info, ITEM_BY_ID, key=str(id))

    @strawberry.field(
        description="Task rows, in document order, filtered by document, by the "
        "issuing jurisdiction and level, and by a unit in a role: `departmentId`, "
        "or `departmentName` as written (any alias) with `jurisdictionCode`."
    )
    async def tasks(
        self,
        info: Info[Context, None],
        document_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only rows of this document; null: all."),
        ] = None,
        jurisdiction_code: Annotated[
            str | None,
            strawberry.argument(
                description="Only rows of documents issued in this jurisdiction (GB/T 2260 "
                "code); required with `departmentName`."
            ),
        ] = None,
        level: Annotated[
            JurisdictionLevel | None,
            strawberry.argument(description="Only rows of documents of this level; null: all."),
        ] = None,
        department_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only rows naming this department or collective unit (by id); not "
                "with `departmentName`."
            ),
        ] = None,
        department_name: Annotated[
            str | None,
            strawberry.argument(
                description="Only rows naming the unit of this name or alias in "
                "`jurisdictionCode`; not with `departmentId`."
            ),
        ] = None,
        department_role: Annotated[
            DepartmentRole,
            strawberry.argument(
                description="The role the unit must be named in (with `departmentId` or "
                "`departmentName`)."
            ),
        ] = DepartmentRole.ANY,
    ) -> list[Task]:
        _unit_filter(jurisdiction_code, department_id, department_name)
        return await many(
            info,
            TASKS_WHERE,
            documentId=str(document_id) if document_id else None,
            jurisdictionCode=jurisdiction_code,
            level=level.value if level else None,
            departmentId=str(department_id) if department_id is not None else None,
            departmentName=department_name.strip() if department_name is not None else None,
            types=list(link_types(department_role)),
        )

    @strawberry.field(
        description="A national item, the provincial documents its implementations "
        "cite, and every municipal and county task implementing it."
    )
    async def implementation_chain(
        self,
        info: Info[Context, None],
        national_item_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="An item of a national document, e.g. `nat-ec-2016:（三）`; an item "
                "of another level is refused."
            ),
        ],
    ) -> ImplementationChain | None:
        return await _chain(info, str(national_item_id))

    @strawberry.field(
        description="National items (the numbered items below a section, e.g. "
        "003 （一）…（二十三）) × the municipal and county jurisdictions that issued "
        "documents: each cell lists the implementing tasks; empty = not implemented."
    )
    async def coverage_matrix(
        self,
        info: Info[Context, None],
        document_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Rows of this national document only (e.g. `nat-ec-2016`); null: "
                "every national document."
            ),
        ] = None,
    ) -> CoverageMatrix:
        return await one(
            info,
            COVERAGE_MATRIX,
            levels=IMPLEMENTING_LEVELS,
            documentId=str(document_id) if document_id else None,
        )

    @strawberry.field(
        description="The tasks a department leads, supports or is responsible "
        "for, per document; null for an unknown department."
    )
    async def department_workload(
        self,
        info: Info[Context, None],
        department_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="`<jurisdiction code>/<name>` (see `department`)."),
        ],
    ) -> DepartmentWorkload | None:
        return await one(info, DEPARTMENT_BY_ID, key=str(department_id))


async def _chain(info: Any, item_id: str) -> Any:
    """The chain read from the national item; an item of another level is refused."""
    selection = compiled(info)
    found = await selection.fetch(IMPLEMENTATION_CHAIN, {"key": item_id})
    if found is None:
        return None
    level, value = found
    if level != JurisdictionLevel.NATIONAL.value:
        raise _not_national(item_id)
    return selection.shape(value)
