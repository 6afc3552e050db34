"""DataLoaders, one per thing loaded, created fresh for every request.

Reads are compiled queries (``loaders/selection.py``); these serve the mutations that
look a subject or a consent up before they write."""

from __future__ import annotations

from functools import cached_property

from gateway.base.db import Database
from loaders.consent import ConsentsById
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
    def consents_by_id(self) -> ConsentsById:
        return ConsentsById(self.db)
