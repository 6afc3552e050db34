"""Name search over the CJK full-text index, and paging helpers."""

from __future__ import annotations

import re
from typing import Any

from gateway.db import Database
from graph_schema.model import SUBJECT_NAME_INDEX
from loaders.subject import SUBJECT_MAP

SEARCH_SUBJECTS = f"""
CALL db.index.fulltext.queryNodes($index, $query, {{skip: $skip, limit: $limit}})
YIELD node, score
WHERE $kind IS NULL OR node.kind = $kind
RETURN collect([node {SUBJECT_MAP}, score]) AS subjects
"""

# The compiled searches (loaders/selection.py fills in {value}): one record, one column.
SEARCH_SUBJECTS_COMPILED = """
CALL db.index.fulltext.queryNodes($index, $query, {skip: $skip, limit: $limit})
YIELD node, score
WITH node AS n, score WHERE $kind IS NULL OR n.kind = $kind
RETURN [false, collect([score, {value}])] AS value
"""


def search_by_code(label: str, key: str) -> str:
    """A code typed into the search box finds its subject exactly; a valid code that
    names no subject is searched as text."""
    return f"""
OPTIONAL MATCH (x:{label} {{{key}: $code}})
CALL (x) {{
  WITH x WHERE x IS NULL
  CALL db.index.fulltext.queryNodes($index, $query, {{skip: $skip, limit: $limit}})
  YIELD node, score
  WITH node AS n, score WHERE $kind IS NULL OR n.kind = $kind
  RETURN n, score
  UNION ALL
  WITH x WHERE x IS NOT NULL AND $skip = 0 AND ($kind IS NULL OR x.kind = $kind)
  RETURN x AS n, 1.0 AS score
}}
WITH x IS NOT NULL AS exact, collect([score, {{value}}]) AS found
RETURN [exact, found] AS value
"""


_PHRASE_SPECIAL = re.compile(r'(["\\])')


def lucene_text(text: str) -> str:
    """User text as a Lucene query: every word a quoted phrase, all required.

    With the CJK analyzer a phrase of bigrams matches the words as written, so
    "华宏" finds names containing 华宏 and not every name sharing one character
    pair; operators typed by the user are text, never syntax.
    """
    words = [_PHRASE_SPECIAL.sub(r"\\\1", w) for w in text.split()]
    return " AND ".join(f'"{w}"' for w in words)


async def search_subjects(db: Database, text: str, kind: str | None, skip: int,
                          limit: int) -> list[dict[str, Any]]:
    """Subjects whose name matches ``text``, best match first; ``limit`` rows at most."""
    query = lucene_text(text)
    if not query:
        return []
    records = await db.read(
        SEARCH_SUBJECTS,
        {"index": SUBJECT_NAME_INDEX, "query": query, "skip": skip, "limit": limit,
         "kind": kind},
        op="search_subjects",
    )
    return [{**subject, "score": score} for subject, score in records[0]["subjects"]]
