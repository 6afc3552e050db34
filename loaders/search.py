"""Name search over the CJK full-text index."""

from __future__ import annotations

import re

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
