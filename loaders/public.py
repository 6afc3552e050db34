"""Name search for the public portal.

Organisations are public by registration (实施办法 第八条（二）); a natural person
appears only while an entry about them is published: PUBLIC (管理办法 第十八条)
and in force (第二十七条, 实施办法 第十九条). The filter runs before paging, so a
page never betrays, by a gap, that a hidden person matched. Anonymous work is
bounded: only the best ``WINDOW`` matches of the full-text index are considered.
"""

from __future__ import annotations

from graph_schema.rules.validity import in_force_cypher

WINDOW = 1000

PUBLISHED_ENTRY = f"e.disclosure = 'PUBLIC' AND {in_force_cypher('e', '$today')}"

# Compiled (loaders/selection.py fills in {value}): one record.
PUBLIC_SEARCH_COMPILED = f"""
CALL db.index.fulltext.queryNodes($index, $query, {{limit: $window}})
YIELD node, score
WHERE node:Organization OR EXISTS {{
  MATCH (node)<-[:CONCERNS]-(e:ListEntry) WHERE {PUBLISHED_ENTRY}
}}
WITH node AS n, score ORDER BY score DESC, n.id
SKIP $skip LIMIT $limit
RETURN collect({{value}}) AS value
"""

# An organisation by its code, as a page of one (organisations are public by registration).
PUBLIC_BY_USCC = """
OPTIONAL MATCH (n:Organization {uscc: $uscc})
WITH n WHERE n IS NOT NULL AND $skip = 0
RETURN collect({value}) AS value
"""
