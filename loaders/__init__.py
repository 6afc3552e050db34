"""DataLoaders, one per thing loaded, created fresh for every request."""

from __future__ import annotations

from functools import cached_property

from gateway.db import Database
from loaders.jurisdiction import (
    DepartmentsById,
    DepartmentsByJurisdiction,
    JurisdictionChildren,
    JurisdictionsByCode,
)
from loaders.list_entry import CreditRecordsBySubject, ListEntriesById, ListEntriesBySubject
from loaders.role import RolesBySubject
from loaders.subject import OrganizationsByUSCC, PersonsByIdNumber, SubjectsById


class Loaders:
    """The request's loaders, each built on first use."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @cached_property
    def subjects_by_id(self) -> SubjectsById:
        return SubjectsById(self.db)

    @cached_property
    def organizations_by_uscc(self) -> OrganizationsByUSCC:
        return OrganizationsByUSCC(self.db)

    @cached_property
    def persons_by_id_number(self) -> PersonsByIdNumber:
        return PersonsByIdNumber(self.db)

    @cached_property
    def roles_by_subject(self) -> RolesBySubject:
        return RolesBySubject(self.db)

    @cached_property
    def list_entries_by_subject(self) -> ListEntriesBySubject:
        return ListEntriesBySubject(self.db)

    @cached_property
    def list_entries_by_id(self) -> ListEntriesById:
        return ListEntriesById(self.db)

    @cached_property
    def credit_records_by_subject(self) -> CreditRecordsBySubject:
        return CreditRecordsBySubject(self.db)

    @cached_property
    def jurisdictions_by_code(self) -> JurisdictionsByCode:
        return JurisdictionsByCode(self.db)

    @cached_property
    def jurisdiction_children(self) -> JurisdictionChildren:
        return JurisdictionChildren(self.db)

    @cached_property
    def departments_by_id(self) -> DepartmentsById:
        return DepartmentsById(self.db)

    @cached_property
    def departments_by_jurisdiction(self) -> DepartmentsByJurisdiction:
        return DepartmentsByJurisdiction(self.db)
