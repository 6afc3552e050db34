"""The government schema served at /graphql: the whole graph, itself a Federation v2
subgraph (``_service``, ``_entities``). ``resolvers/federation.py`` cuts it into the
credit and policy subgraphs."""

from __future__ import annotations

from typing import Final

import strawberry

from graph_schema.jurisdiction import Department, Jurisdiction
from graph_schema.list_entry import ListEntry
from graph_schema.policy import PolicyDocument
from graph_schema.scalars import schema_config
from graph_schema.subject import Organization, Person
from resolvers.audit import AuditQuery
from resolvers.consent import ConsentMutation, ConsentQuery
from resolvers.credit_check import CreditCheckQuery, install_fast_resolvers
from resolvers.entities import resolve_entities
from resolvers.investigate import InvestigateQuery
from resolvers.jurisdiction import JurisdictionQuery
from resolvers.lifecycle import LifecycleMutation, LifecycleQuery
from resolvers.policy import PolicyQuery
from resolvers.subject import SubjectQuery


@strawberry.type(
    description="Reads for authenticated callers (a bearer token): subjects and their credit "
    "information, credit checks, consents, the query register, the policy graph, objections "
    "and repair, investigations."
)
class Query(
    SubjectQuery,
    JurisdictionQuery,
    CreditCheckQuery,
    ConsentQuery,
    AuditQuery,
    PolicyQuery,
    LifecycleQuery,
    InvestigateQuery,
):
    pass


@strawberry.type(
    description="Consents, and the steps of the objection, revocation and credit repair "
    "procedures; nothing deletes information (实施办法 第二十条)."
)
class Mutation(ConsentMutation, LifecycleMutation):
    pass


# The newest federation version the MIT composer (@theguild/federation-composition) accepts.
FEDERATION_VERSION: Final = "2.9"


def government_schema() -> strawberry.federation.Schema:
    schema = strawberry.federation.Schema(
        query=Query,
        mutation=Mutation,
        # every entity, also those reached lazily
        types=[Organization, Person, ListEntry, Department, Jurisdiction, PolicyDocument],
        config=schema_config(),
        federation_version=FEDERATION_VERSION,
    )
    install_fast_resolvers(schema)
    query = schema._schema.query_type
    assert query is not None  # every schema served has a Query
    query.fields["_entities"].resolve = resolve_entities
    return schema
