"""Trusted documents: operations registered in the repository, sent by id.

An approval system sends ``{"documentId": "sha256:<hex>", "variables": {...}}`` instead
of the query text. That is the request shape of the GraphQL-over-HTTP persisted-documents
proposal, the one Hive Gateway and Hive Router read first (Apollo's
``extensions.persistedQuery.sha256Hash`` is their fallback and is not read here), so a
client is written once whether it calls this gateway or a router in front of it. The id
is ``sha256:`` and the SHA-256 of the document's UTF-8 text exactly as registered.

The registered documents are the files ``graph_schema/documents/*.graphql``: committed and
reviewed like code, so what approval systems may run is known before they run it. With
``CREDIT_GRAPH_TRUSTED_DOCUMENTS_ONLY`` on, ``/graphql`` runs registered documents only:
by id, or sent as text whose hash is registered; any other text is refused with
``PERSISTED_QUERY_REQUIRED``. An unknown id is ``PERSISTED_QUERY_NOT_FOUND`` either way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.base.errors import InvalidInput, PersistedQueryNotFound, PersistedQueryRequired

DOCUMENTS_DIR = Path(__file__).resolve().parent.parent / "graph_schema" / "documents"
PREFIX = "sha256:"


def document_id(text: str) -> str:
    """The id a client sends for ``text``: ``sha256:`` and the hex digest of its UTF-8."""
    return PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Registered:
    id: str
    name: str  # the file's stem: the operation's name
    text: str


class Documents:
    """The registered documents by id, read once at start-up."""

    def __init__(self, documents: Mapping[str, Registered]) -> None:
        self.by_id = dict(documents)

    @classmethod
    def load(cls, folder: Path = DOCUMENTS_DIR) -> Documents:
        found = {}
        for path in sorted(folder.glob("*.graphql")):
            # bytes, not text mode: the id must not depend on the platform's line endings
            text = path.read_bytes().decode("utf-8")
            doc = Registered(document_id(text), path.stem, text)
            found[doc.id] = doc
        return cls(found)

    def __len__(self) -> int:
        return len(self.by_id)

    def query(self, params: Mapping[str, Any], *, trusted_only: bool) -> Any:
        """The query text a request runs: the registered text for a ``documentId``, else
        the request's own ``query`` (refused when only registered documents may run and
        its hash is not registered). Not a string when the request holds no query: the
        endpoint says so as for any request without one."""
        doc_id = params.get("documentId")
        query = params.get("query")
        if doc_id is None:
            if trusted_only and isinstance(query, str) and document_id(query) not in self.by_id:
                raise PersistedQueryRequired(
                    "this endpoint runs registered documents only: send "
                    '{"documentId": "sha256:<hex>"} (see graph_schema/documents/)'
                )
            return query
        if query is not None:
            raise InvalidInput("send either query or documentId, not both")
        doc = self.by_id.get(doc_id) if isinstance(doc_id, str) else None
        if doc is None:
            raise PersistedQueryNotFound(
                "no registered document has this documentId (sha256:<64 hex digits> of a "
                "file in graph_schema/documents/)",
                value=str(doc_id)[:80],
            )
        return doc.text
