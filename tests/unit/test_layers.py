"""The import graph reads top-down: every project module imports only the layers below it.

This file holds the one table of allowed dependencies (the README's Architecture section
shows it). ``LAYERS`` names each layer by module prefix (the longest prefix wins),
``MAY_IMPORT`` lists what each layer may import besides itself, and ``EXCEPTIONS`` the
single edges allowed against the table, each with its reason. Every import counts: at
module level, inside functions, and under ``TYPE_CHECKING``. ``tests/`` and ``bench/``
may import anything and are not checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("gateway", "graph_schema", "loaders", "procedures", "resolvers", "seeds")

LAYERS = {
    # Names only, importing nothing: the graph's labels and enumerations, the error codes.
    "graph_schema.model": "vocabulary",
    "graph_schema.policy_model": "vocabulary",
    "gateway.base.errors": "vocabulary",
    # Policy as small pure functions and the Cypher that mirrors them.
    "graph_schema.rules": "rules",
    # Settings, the Cypher choke point (db, its breaker), the viewer.
    "gateway.base": "base",
    # The GraphQL types, each field's read declaration, migrations, identifiers.
    "graph_schema": "graph_schema",
    # Reads: the selection compiler, one query per loader.
    "loaders": "loaders",
    # Writes: procedure steps, propagation, consents, the query register.
    "procedures": "procedures",
    # Root fields, schemas and the request context.
    "resolvers": "resolvers",
    # The HTTP shell: app, GraphQL over HTTP, limits, authentication.
    "gateway": "shell",
    # Reference data, policy documents, the generator and the importer.
    "seeds": "seeds",
    # Beside the shell: the CLI, the local Neo4j, the initial load, federation.
    "gateway.ops": "ops",
}

_BELOW_PROCEDURES = {"loaders", "graph_schema", "base", "rules", "vocabulary"}
MAY_IMPORT: dict[str, set[str]] = {
    "vocabulary": set(),
    "rules": {"vocabulary"},
    "base": {"rules", "vocabulary"},
    "graph_schema": {"base", "rules", "vocabulary"},
    "loaders": {"graph_schema", "base", "rules", "vocabulary"},
    "procedures": _BELOW_PROCEDURES,
    "resolvers": {"procedures"} | _BELOW_PROCEDURES,
    "shell": {"resolvers", "procedures"} | _BELOW_PROCEDURES,
    "seeds": {"procedures"} | _BELOW_PROCEDURES,
    "ops": {"shell", "seeds", "resolvers", "procedures"} | _BELOW_PROCEDURES,
}

EXCEPTIONS: dict[tuple[str, str], str] = {
    ("loaders.selection", "resolvers.context"): (
        "a type annotation only (under TYPE_CHECKING): the compiler reads the audience "
        "and today's date from the request context the resolvers hand it"
    ),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def imports_of(
    source: str, module: str, is_package: bool, known: set[str]
) -> list[tuple[str, int]]:
    """Every project module ``source`` imports, with its line: ``import a.b``, ``from a
    import b`` (the submodule ``a.b`` when there is one), relative imports, at any depth
    of the syntax tree (function bodies, ``if TYPE_CHECKING:`` blocks)."""
    found = []
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((sub if sub in known else base, node.lineno))
    return [(name, line) for name, line in found if name.split(".")[0] in PACKAGES]


def layer_of(module: str) -> str | None:
    prefixes = [p for p in LAYERS if module == p or module.startswith(p + ".")]
    return LAYERS[max(prefixes, key=len)] if prefixes else None


def forbidden_imports() -> tuple[list[str], set[tuple[str, str]]]:
    modules = project_modules()
    known = set(modules)
    problems, used = [], set()
    for module, path in modules.items():
        mine = layer_of(module)
        if mine is None:
            problems.append(f"{path.relative_to(ROOT)}: {module} belongs to no layer")
            continue
        is_package = path.name == "__init__.py"
        for imported, line in imports_of(path.read_text(), module, is_package, known):
            theirs = layer_of(imported)
            if theirs is None or theirs == mine or theirs in MAY_IMPORT[mine]:
                continue
            if (module, imported) in EXCEPTIONS:
                used.add((module, imported))
                continue
            allowed = ", ".join(sorted(MAY_IMPORT[mine])) or "nothing of the project"
            problems.append(
                f"{path.relative_to(ROOT)}:{line}: {module} ({mine}) imports {imported} "
                f"({theirs}); {mine} may import: {allowed}"
            )
    return problems, used


def test_every_module_belongs_to_a_layer() -> None:
    assert set(MAY_IMPORT) == set(LAYERS.values())
    unplaced = [m for m in project_modules() if layer_of(m) is None]
    assert not unplaced, f"modules in no layer of LAYERS: {unplaced}"


def test_imports_follow_the_layers() -> None:
    problems, _ = forbidden_imports()
    assert not problems, "imports against the layer table (tests/unit/test_layers.py):\n" + (
        "\n".join(problems)
    )


def test_every_exception_is_still_needed() -> None:
    _, used = forbidden_imports()
    stale = sorted(set(EXCEPTIONS) - used)
    assert not stale, f"EXCEPTIONS no import needs any more (remove them): {stale}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import loaders.selection", ["loaders.selection"]),
        ("from gateway.ops import neo4j_server", ["gateway.ops.neo4j_server"]),
        ("from graph_schema.rules.validity import status_on", ["graph_schema.rules.validity"]),
        ("def f():\n    from resolvers.context import Context\n", ["resolvers.context"]),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from gateway.app import x\n",
            ["gateway.app"],
        ),
        ("from .cursors import decode_offset", ["loaders.cursors"]),
        ("from . import base", ["loaders.base"]),
        ("import json\nfrom strawberry import Info", []),
    ],
)
def test_the_scan_sees_every_kind_of_import(source: str, expected: list[str]) -> None:
    known = set(project_modules())
    assert [name for name, _ in imports_of(source, "loaders.search", False, known)] == expected


def test_a_forbidden_import_is_named() -> None:
    """The check itself can fail: a rule importing a loader is reported by module and name."""
    known = set(project_modules())
    [(imported, line)] = imports_of("\n\nfrom loaders import selection", "x", False, known)
    assert (imported, line) == ("loaders.selection", 3)
    assert layer_of("graph_schema.rules.validity") == "rules"
    assert layer_of(imported) not in MAY_IMPORT["rules"]
    assert layer_of("gateway.base.errors") == "vocabulary"
    assert layer_of("gateway.ops.cli") == "ops"
    assert layer_of("gateway.app") == "shell"
