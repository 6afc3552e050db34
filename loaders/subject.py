"""Subjects (organisations and persons) by internal id, USCC or citizen ID number."""

from __future__ import annotations

from typing import Any

from loaders.base import CypherLoader

SUBJECT_MAP = (
    "{.id, .name, .kind, .status, .uscc, .orgType, .nature, .address, .jurisdictionCode, "
    ".establishedOn, .idNumber, .sex, .workUnit}"
)

SUBJECTS_BY_ID = f"""
UNWIND range(0, size($keys) - 1) AS i
OPTIONAL MATCH (s:Subject {{id: $keys[i]}})
RETURN i, s {SUBJECT_MAP} AS value
"""

ORGANIZATIONS_BY_USCC = f"""
UNWIND range(0, size($keys) - 1) AS i
OPTIONAL MATCH (s:Organization {{uscc: $keys[i]}})
RETURN i, s {SUBJECT_MAP} AS value
"""

PERSONS_BY_ID_NUMBER = f"""
UNWIND range(0, size($keys) - 1) AS i
OPTIONAL MATCH (s:Person {{idNumber: $keys[i]}})
RETURN i, s {SUBJECT_MAP} AS value
"""


class SubjectsById(CypherLoader[str, dict[str, Any]]):
    """Key: internal id. Value: the subject's map; None when unknown."""

    query = SUBJECTS_BY_ID


class OrganizationsByUSCC(CypherLoader[str, dict[str, Any]]):
    """Key: normalised USCC. Value: the organisation's map; None when unknown."""

    query = ORGANIZATIONS_BY_USCC


class PersonsByIdNumber(CypherLoader[str, dict[str, Any]]):
    """Key: normalised citizen ID number. Value: the person's map; None when unknown."""

    query = PERSONS_BY_ID_NUMBER
