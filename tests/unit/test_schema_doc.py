"""The committed schema reference (docs/schema.md) is what ``credit-graph schema-doc`` writes
now, and it names every error code the gateway can answer with."""

from __future__ import annotations

import inspect
import re

from gateway.base import errors
from gateway.schema_doc import SCHEMA_DOC, current, error_codes
from tests.conftest import ROOT


def test_committed_schema_reference_is_current() -> None:
    committed = SCHEMA_DOC.read_text(encoding="utf-8")
    assert committed == current(), "docs/schema.md is stale: run `credit-graph schema-doc`"


def test_every_error_class_says_what_its_code_means() -> None:
    for _, cls in inspect.getmembers(errors, inspect.isclass):
        if issubclass(cls, errors.CreditGraphError) and cls is not errors.CreditGraphError:
            assert (cls.__dict__.get("__doc__") or "").strip(), f"{cls.__name__} has no meaning"


def test_every_code_the_gateway_writes_is_in_the_reference() -> None:
    documented = {code: meaning for code, _, meaning in error_codes()}
    written = set()
    for path in (ROOT / "gateway").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        written |= set(re.findall(r'"code": "([A-Z_]+)"', text))
        written |= set(re.findall(r'format_error\([^)]*"([A-Z_]+)"\)', text))
    assert {"BAD_REQUEST", "INTERNAL", "GRAPHQL_PARSE_FAILED"} <= written  # the scan works
    assert written <= set(documented), written - set(documented)
    assert all(documented.values())
    assert f"| `{errors.PersistedQueryRequired.code}` | 400 |" in SCHEMA_DOC.read_text("utf-8")
