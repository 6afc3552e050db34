"""The registered documents (graph_schema/documents): each one operation, named as its file,
valid against the schema /graphql serves; ids as clients compute them."""

from __future__ import annotations

import hashlib

import pytest
from graphql import OperationDefinitionNode, parse, validate

from gateway.base.errors import InvalidInput, PersistedQueryNotFound, PersistedQueryRequired
from gateway.persisted import DOCUMENTS_DIR, Documents, document_id
from resolvers.federation import subgraph


def test_every_registered_document_is_one_valid_operation_named_as_its_file() -> None:
    registered = Documents.load()
    assert len(registered) == len(list(DOCUMENTS_DIR.glob("*.graphql"))) >= 2
    schema = subgraph("all").schema
    for doc in registered.by_id.values():
        document = parse(doc.text)
        [operation] = document.definitions
        assert isinstance(operation, OperationDefinitionNode)
        assert operation.name is not None and operation.name.value == doc.name
        assert validate(schema, document) == [], doc.name
        assert doc.id == "sha256:" + hashlib.sha256(doc.text.encode()).hexdigest()
        assert "\r" not in doc.text  # LF only (.gitattributes): the id is the same everywhere


def test_what_a_request_runs() -> None:
    registered = Documents.load()
    doc = next(iter(registered.by_id.values()))
    assert registered.query({"documentId": doc.id}, trusted_only=True) == doc.text
    assert registered.query({"query": doc.text}, trusted_only=True) == doc.text
    assert registered.query({"query": "{ x }"}, trusted_only=False) == "{ x }"
    assert registered.query({}, trusted_only=True) is None  # the endpoint: "a query is required"
    with pytest.raises(PersistedQueryRequired):
        registered.query({"query": "{ x }"}, trusted_only=True)
    with pytest.raises(PersistedQueryNotFound):
        registered.query({"documentId": document_id("{ x }")}, trusted_only=False)
    with pytest.raises(PersistedQueryNotFound):
        registered.query({"documentId": ["sha256:"]}, trusted_only=False)
    with pytest.raises(InvalidInput):
        registered.query({"documentId": doc.id, "query": doc.text}, trusted_only=False)
