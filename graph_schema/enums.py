"""The model's enumerations as GraphQL enums (same names and values)."""

from __future__ import annotations

import strawberry

from graph_schema import model

SubjectKind = strawberry.enum(model.SubjectKind)
OrganizationType = strawberry.enum(model.OrganizationType)
RoleKind = strawberry.enum(model.RoleKind)
JurisdictionLevel = strawberry.enum(model.JurisdictionLevel)
ListKind = strawberry.enum(model.ListKind)
Severity = strawberry.enum(model.Severity)
Disclosure = strawberry.enum(model.Disclosure)
EntryStatus = strawberry.enum(model.EntryStatus)
RecordCategory = strawberry.enum(model.RecordCategory)
MatterType = strawberry.enum(model.MatterType)
Decision = strawberry.enum(model.Decision)
