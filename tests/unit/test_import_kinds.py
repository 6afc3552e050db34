"""The import kinds are one table (seeds/kinds.py): the README's "Import format" lists
exactly its kinds, in its order, each with exactly its columns."""

from __future__ import annotations

import re

from seeds.kinds import KINDS, NAMES, ImportKind, kind_help
from tests.conftest import ROOT


def readme_kinds() -> dict[str, set[str]]:
    """``- **kind**: `column`, …`` bullets of the README's "Import format" section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Import format\n", 1)[1].split("\n## ", 1)[0]
    bullets = re.findall(r"^- \*\*(\w+)\*\*: (.*?)(?=^- |^\s*$)", section, re.M | re.S)
    return {kind: set(re.findall(r"`(\w+)`", body)) for kind, body in bullets}


def test_every_import_kind_has_one_row() -> None:
    assert list(KINDS) == list(ImportKind)
    assert all(key is spec.kind for key, spec in KINDS.items())
    assert NAMES == ("subjects", "roles", "entries", "records")  # the load order
    assert kind_help() == "subjects | roles | entries | records"
    assert all(spec.description and spec.columns for spec in KINDS.values())


def test_the_readme_lists_exactly_the_kinds_and_their_columns() -> None:
    listed = readme_kinds()
    assert list(listed) == list(NAMES)
    for spec in KINDS.values():
        assert listed[spec.name] == set(spec.columns), spec.name


def test_the_initial_load_checks_every_kind() -> None:
    from gateway.ops import load

    assert set(load._CHECKS) == set(NAMES)
