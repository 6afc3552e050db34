"""The model's enumerations as GraphQL enums (same names and values)."""

from __future__ import annotations

import strawberry

from graph_schema.model import (
    Decision,
    Disclosure,
    EntryStatus,
    JurisdictionLevel,
    ListKind,
    MatterType,
    OrganizationType,
    RecordCategory,
    RoleKind,
    Severity,
    SubjectKind,
)

# strawberry.enum marks each class in place and returns it: these names are the model's own
# classes, so a type checker sees types, not variables.
for _enum in (
    SubjectKind,
    OrganizationType,
    RoleKind,
    JurisdictionLevel,
    ListKind,
    Severity,
    Disclosure,
    EntryStatus,
    RecordCategory,
    MatterType,
    Decision,
):
    strawberry.enum(_enum)

__all__ = [
    "SubjectKind",
    "OrganizationType",
    "RoleKind",
    "JurisdictionLevel",
    "ListKind",
    "Severity",
    "Disclosure",
    "EntryStatus",
    "RecordCategory",
    "MatterType",
    "Decision",
]
