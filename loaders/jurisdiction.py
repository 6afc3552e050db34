"""Jurisdictions (the tree of levels) and the departments in them."""

from __future__ import annotations

from typing import Any

from loaders.base import CypherLoader

JURISDICTION_MAP = (
    "{.code, .name, .fullName, .level, parentCode: [(j)-[:PART_OF]->(p) | p.code][0]}"
)
DEPARTMENT_MAP = "{.id, .name, .aliases, .jurisdictionCode, .level, .kind}"

JURISDICTIONS_BY_CODE = f"""
UNWIND range(0, size($keys) - 1) AS i
OPTIONAL MATCH (j:Jurisdiction {{code: $keys[i]}})
RETURN i, j {JURISDICTION_MAP} AS value
"""

JURISDICTION_CHILDREN = f"""
UNWIND range(0, size($keys) - 1) AS i
CALL (i) {{
  OPTIONAL MATCH (j:Jurisdiction)-[:PART_OF]->(:Jurisdiction {{code: $keys[i]}})
  WITH j ORDER BY j.code
  RETURN collect(j {JURISDICTION_MAP}) AS children
}}
RETURN i, children AS value
"""

DEPARTMENTS_BY_ID = f"""
UNWIND range(0, size($keys) - 1) AS i
OPTIONAL MATCH (d:Department {{id: $keys[i]}})
RETURN i, d {DEPARTMENT_MAP} AS value
"""

DEPARTMENTS_BY_JURISDICTION = f"""
UNWIND range(0, size($keys) - 1) AS i
CALL (i) {{
  OPTIONAL MATCH (d:Department)-[:BELONGS_TO]->(:Jurisdiction {{code: $keys[i]}})
  WITH d ORDER BY d.name
  RETURN collect(d {DEPARTMENT_MAP}) AS departments
}}
RETURN i, departments AS value
"""


class JurisdictionsByCode(CypherLoader[str, dict[str, Any]]):
    """Key: GB/T 2260 code. Value: the jurisdiction's map; None when unknown."""

    query = JURISDICTIONS_BY_CODE


class JurisdictionChildren(CypherLoader[str, list[dict[str, Any]]]):
    """Key: GB/T 2260 code. Value: the jurisdictions directly below it, by code."""

    query = JURISDICTION_CHILDREN


class DepartmentsById(CypherLoader[str, dict[str, Any]]):
    """Key: department id. Value: the department's map; None when unknown."""

    query = DEPARTMENTS_BY_ID


class DepartmentsByJurisdiction(CypherLoader[str, list[dict[str, Any]]]):
    """Key: GB/T 2260 code. Value: the departments of that jurisdiction, by name."""

    query = DEPARTMENTS_BY_JURISDICTION
