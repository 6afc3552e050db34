"""DataLoaders, one per thing loaded, created fresh for every request."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from gateway.db import Database
from loaders.consent import ConsentsById, ConsentsBySubject
from loaders.credit_check import CreditChecksBySubject
from loaders.jurisdiction import (
    DepartmentsById,
    DepartmentsByJurisdiction,
    JurisdictionChildren,
    JurisdictionsByCode,
)
from loaders.list_entry import CreditRecordsBySubject, ListEntriesById, ListEntriesBySubject
from loaders.policy import (
    ImplementationsByItem,
    ImplementationsByTask,
    PolicyDocumentItems,
    PolicyDocumentsById,
    PolicyDocumentsWhere,
    PolicyItemChildren,
    PolicyItemsById,
    TasksById,
    TasksWhere,
    TaskUnits,
    UnitsByName,
    WorkloadByDepartment,
)
from loaders.role import RolesBySubject
from loaders.subject import OrganizationsByUSCC, PersonsByIdNumber, SubjectsById


class Loaders:
    """The request's loaders, each built on first use."""

    def __init__(self, db: Database, ctx: Any = None) -> None:
        self.db = db
        self.ctx = ctx

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
    def credit_checks_by_subject(self) -> CreditChecksBySubject:
        from loaders.selection import Audience, request_params

        audience = Audience.of(self.ctx)
        return CreditChecksBySubject(self.db, audience, request_params(self.ctx, audience))

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

    @cached_property
    def consents_by_subject(self) -> ConsentsBySubject:
        return ConsentsBySubject(self.db)

    @cached_property
    def consents_by_id(self) -> ConsentsById:
        return ConsentsById(self.db)

    # The policy graph (loaders/policy.py)

    @cached_property
    def policy_documents_by_id(self) -> PolicyDocumentsById:
        return PolicyDocumentsById(self.db)

    @cached_property
    def policy_documents_where(self) -> PolicyDocumentsWhere:
        return PolicyDocumentsWhere(self.db)

    @cached_property
    def policy_items_by_id(self) -> PolicyItemsById:
        return PolicyItemsById(self.db)

    @cached_property
    def policy_document_items(self) -> PolicyDocumentItems:
        return PolicyDocumentItems(self.db)

    @cached_property
    def policy_item_children(self) -> PolicyItemChildren:
        return PolicyItemChildren(self.db)

    @cached_property
    def policy_tasks_by_id(self) -> TasksById:
        return TasksById(self.db)

    @cached_property
    def policy_tasks_where(self) -> TasksWhere:
        return TasksWhere(self.db)

    @cached_property
    def task_units(self) -> TaskUnits:
        return TaskUnits(self.db)

    @cached_property
    def units_by_name(self) -> UnitsByName:
        return UnitsByName(self.db)

    @cached_property
    def implementations_by_item(self) -> ImplementationsByItem:
        return ImplementationsByItem(self.db)

    @cached_property
    def implementations_by_task(self) -> ImplementationsByTask:
        return ImplementationsByTask(self.db)

    @cached_property
    def workload_by_department(self) -> WorkloadByDepartment:
        return WorkloadByDepartment(self.db)
