"""The government schema served at /graphql."""

from __future__ import annotations

import strawberry

from graph_schema.scalars import schema_config
from graph_schema.subject import Organization, Person
from resolvers.credit_check import CreditCheckQuery
from resolvers.jurisdiction import JurisdictionQuery
from resolvers.subject import SubjectQuery


@strawberry.type
class Query(SubjectQuery, JurisdictionQuery, CreditCheckQuery):
    pass


def government_schema() -> strawberry.Schema:
    return strawberry.Schema(query=Query, types=[Organization, Person], config=schema_config())
