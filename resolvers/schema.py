"""The government schema served at /graphql."""

from __future__ import annotations

import strawberry

from graph_schema.scalars import schema_config
from graph_schema.subject import Organization, Person
from resolvers.audit import AuditQuery
from resolvers.consent import ConsentMutation, ConsentQuery
from resolvers.credit_check import CreditCheckQuery, install_fast_resolvers
from resolvers.investigate import InvestigateQuery
from resolvers.jurisdiction import JurisdictionQuery
from resolvers.lifecycle import LifecycleMutation, LifecycleQuery
from resolvers.policy import PolicyQuery
from resolvers.subject import SubjectQuery


@strawberry.type
class Query(SubjectQuery, JurisdictionQuery, CreditCheckQuery, ConsentQuery, AuditQuery,
            PolicyQuery, LifecycleQuery, InvestigateQuery):
    pass


@strawberry.type
class Mutation(ConsentMutation, LifecycleMutation):
    pass


def government_schema() -> strawberry.Schema:
    schema = strawberry.Schema(query=Query, mutation=Mutation, types=[Organization, Person],
                               config=schema_config())
    install_fast_resolvers(schema)
    return schema
