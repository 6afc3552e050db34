"""管理办法 第十四条 (and 实施办法 第十五条（二）): information never to be collected.

Religion, genes, blood type, illness and medical history. Refused by field
name at every entry point (import columns, GraphQL attribute maps), in English
and in Chinese, whatever the value.
"""

from __future__ import annotations

from collections.abc import Iterable

from gateway.base.errors import ForbiddenInformation

FORBIDDEN_FIELDS = frozenset(
    {
        "religion",
        "religious_belief",
        "faith",
        "gene",
        "genes",
        "genetic",
        "genetic_data",
        "dna",
        "blood_type",
        "bloodtype",
        "blood_group",
        "illness",
        "disease",
        "diseases",
        "medical_condition",
        "medical_history",
        "health_history",
        "medical_record",
        "宗教信仰",
        "宗教",
        "基因",
        "血型",
        "疾病",
        "病史",
    }
)


def _normal(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def forbidden_fields(names: Iterable[str]) -> list[str]:
    """The names among ``names`` that denote forbidden information."""
    return [
        n
        for n in names
        if _normal(n) in FORBIDDEN_FIELDS or _normal(n).replace("_", "") in FORBIDDEN_FIELDS
    ]


def refuse_forbidden(names: Iterable[str]) -> None:
    found = forbidden_fields(names)
    if found:
        raise ForbiddenInformation(
            "管理办法 第十四条 forbids collecting religion, genes, blood type, illness "
            "or medical history",
            field=found[0],
        )
