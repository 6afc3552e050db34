"""The schema reference (``docs/schema.md``): every type, field, argument and enum value of
the two served schemas with its description, and every error code with its meaning.

Written by ``credit-graph schema-doc`` from the schemas the endpoints serve, so it is what
a client meets; tests/unit/test_schema_doc.py fails when the committed file is stale.
Descriptions come from the schema itself; error meanings from the docstrings of the error
classes (gateway/base/errors.py) and, for the few codes the HTTP layer writes without a class,
from ``PROTOCOL_CODES`` below.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from pathlib import Path

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLType,
    GraphQLUnionType,
    ast_from_value,
    get_named_type,
    print_ast,
)
from graphql.pyutils import Undefined
from graphql.type import specified_scalar_types

from gateway.base import errors
from gateway.responses import _STATUS

SCHEMA_DOC = Path(__file__).resolve().parent.parent / "docs" / "schema.md"

# Codes the HTTP layer writes itself (gateway/graphql_http.py, gateway/app.py,
# resolvers/context.py): (HTTP status, meaning).
PROTOCOL_CODES = {
    "BAD_REQUEST": (
        "400 or 405",
        "The request is not GraphQL over HTTP: the body is not JSON, "
        "there is no query string, variables are not an object, or a mutation "
        "was sent with GET.",
    ),
    "GRAPHQL_PARSE_FAILED": ("400", "The document is not valid GraphQL syntax."),
    "GRAPHQL_VALIDATION_FAILED": (
        "(200)",
        "The document does not validate against the schema "
        "(an unknown field, a missing argument ...).",
    ),
    "AUDIT_UNAVAILABLE": (
        "(200)",
        "The query register could not be written "
        "(CREDIT_GRAPH_AUDIT_WRITE=request): no data is returned without "
        "its register entry.",
    ),
}
INTERNAL_MEANING = (
    "An unexpected server error: logged with its stack trace, never shown; "
    "the answer says only `internal error`."
)


def error_codes() -> list[tuple[str, str, str]]:
    """(code, HTTP status, meaning) of every stable ``extensions.code``, by code."""
    rows = {"INTERNAL": ("500", INTERNAL_MEANING)}
    for _, cls in inspect.getmembers(errors, inspect.isclass):
        if issubclass(cls, errors.CreditGraphError) and cls is not errors.CreditGraphError:
            rows[cls.code] = (
                str(_STATUS.get(cls.code, 400)),
                _one_line(cls.__dict__.get("__doc__") or ""),
            )
    rows.update(PROTOCOL_CODES)
    return [(code, *rows[code]) for code in sorted(rows)]


def _one_line(text: str) -> str:
    """Table-safe Markdown: one line, no pipes, reST literals as code."""
    return " ".join(text.split()).replace("|", "\\|").replace("``", "`")


def _anchor(prefix: str, name: str) -> str:
    return f"{prefix}-{name.lower()}"


def _type_ref(type_: GraphQLType, prefix: str) -> str:
    named = get_named_type(type_)
    if named.name in specified_scalar_types:
        return f"`{type_}`"
    return f"[`{type_}`](#{_anchor(prefix, named.name)})"


def _visible(name: str) -> bool:
    """Leaves out introspection and the Federation plumbing (``_entities``, ``link__``)."""
    return not name.startswith("_") and "__" not in name


def _argument_lines(args: dict[str, GraphQLArgument], prefix: str) -> list[str]:
    out = []
    for name, arg in args.items():
        default = ""
        if arg.default_value is not Undefined:
            node = ast_from_value(arg.default_value, arg.type)
            default = f" = `{print_ast(node)}`" if node is not None else ""
        text = _one_line(arg.description or "")
        out.append(
            f"`{name}`: {_type_ref(arg.type, prefix)}{default}" + (f" — {text}" if text else "")
        )
    return out


def _field_table(
    fields: dict[str, GraphQLField] | dict[str, GraphQLInputField], prefix: str
) -> list[str]:
    lines = ["| field | type | description |", "|---|---|---|"]
    for name, field in fields.items():
        if not _visible(name):
            continue
        text = _one_line(field.description or "")
        reason = getattr(field, "deprecation_reason", None)
        if reason:
            text = f"**Deprecated**: {_one_line(reason)} {text}".strip()
        args = getattr(field, "args", None) or {}
        if args:
            text += "".join(f"<br>· {a}" for a in _argument_lines(args, prefix))
        lines.append(f"| `{name}` | {_type_ref(field.type, prefix)} | {text} |")
    return lines


def _kind(type_: GraphQLNamedType) -> str:
    for cls, kind in (
        (GraphQLObjectType, "object"),
        (GraphQLInterfaceType, "interface"),
        (GraphQLUnionType, "union"),
        (GraphQLInputObjectType, "input"),
        (GraphQLEnumType, "enum"),
        (GraphQLScalarType, "scalar"),
    ):
        if isinstance(type_, cls):
            return kind
    return "type"


_ORDER = ("object", "interface", "union", "input", "enum", "scalar")


def _type_section(type_: GraphQLNamedType, prefix: str) -> list[str]:
    kind = _kind(type_)
    lines = [f'<a id="{_anchor(prefix, type_.name)}"></a>', "", f"#### `{type_.name}` ({kind})", ""]
    if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType) and type_.interfaces:
        lines += [
            "Implements " + ", ".join(_type_ref(i, prefix) for i in type_.interfaces) + ".",
            "",
        ]
    if type_.description:
        lines += [type_.description.strip(), ""]
    if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
        lines += [*_field_table(type_.fields, prefix), ""]
    elif isinstance(type_, GraphQLUnionType):
        lines += ["One of " + ", ".join(_type_ref(t, prefix) for t in type_.types) + ".", ""]
    elif isinstance(type_, GraphQLEnumType):
        lines += ["| value | description |", "|---|---|"]
        for name, value in type_.values.items():
            text = _one_line(value.description or "")
            if value.deprecation_reason:
                text = f"**Deprecated**: {_one_line(value.deprecation_reason)} {text}".strip()
            lines.append(f"| `{name}` | {text} |")
        lines.append("")
    return lines


def _schema_section(title: str, schema: GraphQLSchema, prefix: str) -> list[str]:
    types = [
        t
        for name, t in schema.type_map.items()
        if _visible(name) and name not in specified_scalar_types
    ]
    roots = [t for t in (schema.query_type, schema.mutation_type) if t is not None]
    rest = sorted(
        (t for t in types if t not in roots),
        key=lambda t: (_ORDER.index(_kind(t)) if _kind(t) in _ORDER else 9, t.name),
    )
    lines = [f"## {title}", ""]
    lines += [
        "Types: " + " · ".join(f"[{t.name}](#{_anchor(prefix, t.name)})" for t in (*roots, *rest)),
        "",
    ]
    for t in (*roots, *rest):
        lines += _type_section(t, prefix)
    return lines


def render(government: GraphQLSchema, public: GraphQLSchema) -> str:
    lines = [
        "# Schema reference",
        "",
        "Generated by `credit-graph schema-doc` from the schemas the gateway serves "
        "(gateway/schema_doc.py); do not edit by hand. Federation plumbing (`_entities`, "
        "`_service`) is left out: see `deploy/federation/subgraphs/`.",
        "",
        "- [Error codes](#error-codes)",
        "- [`/graphql`: government users](#graphql-government-users)",
        "- [`/public/graphql`: the public portal](#publicgraphql-the-public-portal)",
        "",
        "## Error codes",
        "",
        "Every error carries a stable `extensions.code`. A request refused before execution "
        "(no token, no purpose, too large, an unknown document ...) is answered with the HTTP "
        "status shown; an error met while executing is reported in `errors` of an HTTP 200 "
        "answer (shown as (200)) beside the data that could be computed, except "
        "`DATABASE_UNAVAILABLE`, always HTTP 503 with `Retry-After`. `creditCheck` and "
        "`creditCheckBatch` report an invalid subject code in the answer's `error { code }`.",
        "",
        "| code | HTTP status | meaning |",
        "|---|---|---|",
        *(f"| `{code}` | {status} | {meaning} |" for code, status, meaning in error_codes()),
        "",
        *_schema_section("`/graphql`: government users", government, "gov"),
        *_schema_section("`/public/graphql`: the public portal", public, "public"),
    ]
    return "\n".join(_trim(lines)) + "\n"


def _trim(lines: Iterable[str]) -> list[str]:
    """No trailing blanks, no runs of blank lines."""
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def current() -> str:
    """The reference for the schemas as they are now."""
    from resolvers.federation import subgraph
    from resolvers.public import public_schema

    return render(subgraph("all").schema, public_schema()._schema)
