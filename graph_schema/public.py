"""Types of the public portal (社会公开, 管理办法 第十八条): what anyone may read.

They are built from the government types' declarations (``graph_schema/fields.py``):
a public type has exactly the fields declared ``public`` on its government type, read
the same way, plus the few that exist only here (below). So these types lack every
non-public field: no disclosure class, no severity, no full ID number, no credit records,
no history, no consents, no register; and a field declared later appears here only when
its declaration says it may. A list entry shows the published fields of 实施办法 第八条
and exists here only while it is PUBLIC and in force (管理办法 第二十七条, 实施办法 第十九条);
a natural person shows the masked ID number (实施办法 第七条: no birth date, no private
detail). Queries run as an anonymous caller: every audience rule inside them is the
public one.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types.base import StrawberryList, StrawberryOptional, get_object_definition

from graph_schema.enums import ListKind
from graph_schema.fields import Expr, Related, Scope, declaration, mark_class, meta, reads
from graph_schema.identifiers import age_cypher
from graph_schema.list_entry import ListEntry
from graph_schema.paging import check_page
from graph_schema.rules.validity import in_force_cypher
from graph_schema.subject import Organization, Person, Subject

# The public fields that read differently from their government twin.


def _published(s: Scope, m: str) -> str:
    """管理办法 第十八条/第二十七条: PUBLIC entries in force today."""
    kind = s.arg("kind")
    return (
        f"{m}.disclosure = 'PUBLIC' AND {in_force_cypher(m, '$today')} "
        f"AND ({kind} IS NULL OR {m}.kind = {kind})"
    )


def _check_first(args: dict[str, Any], ctx: Any) -> None:
    check_page(args["first"], ctx.settings.public_max_page)


PUBLISHED_ENTRIES = Related(
    match=lambda s, m: f"MATCH ({s.node})<-[:CONCERNS]-({m}:ListEntry)",
    where=_published,
    order=lambda s, m: f"{m}.recognisedOn DESC, {m}.id",
    limit=lambda s: s.arg("first"),
    check=_check_first,
    public=True,
)

LEGAL_REPRESENTATIVE_NAME = Expr(
    public=True,
    cypher=lambda s: (
        f"head(COLLECT {{ MATCH ({s.node})<-[r:HOLDS_ROLE]-(p:Person) "
        "WHERE r.kind = 'LEGAL_REPRESENTATIVE' AND r.start <= $today "
        "AND (r.end IS NULL OR $today <= r.end) WITH r, p ORDER BY r.start DESC, p.id "
        "RETURN p.name })"
    ),
)

AGE = Expr(public=True, cypher=lambda s: age_cypher(f"{s.node}.idNumber", "$today"))

THROUGH_ORGANIZATION = Related(
    public=True,
    match=lambda s, m: f"MATCH ({m}:Organization {{id: {s.node}.throughOrganizationId}})",
)


# PublicListEntry is built by public_view below: a GraphQL type that strawberry reads from
# this annotation when the schema is built, and that no type checker can see.
@reads(PUBLISHED_ENTRIES)
def _published_entries(
    self: Any,
    kind: Annotated[
        ListKind | None, strawberry.argument(description="Only this list; null: both.")
    ] = None,
    first: Annotated[
        int,
        strawberry.argument(
            description="At most this many, 1 to the portal's page limit (50 by default)."
        ),
    ] = 10,
) -> list[PublicListEntry]:  # type: ignore[valid-type]
    """Red and black list entries published today (active and public); expired and
    repaired entries are not published."""


def _swap(type_: Any, views: dict[Any, Any]) -> Any:
    if isinstance(type_, StrawberryOptional):
        return StrawberryOptional(_swap(type_.of_type, views))
    if isinstance(type_, StrawberryList):
        return StrawberryList(_swap(type_.of_type, views))
    return views.get(type_, type_)


def public_view(
    source: type,
    name: str,
    description: str,
    *,
    bases: tuple[type, ...] = (),
    extra: dict[str, Any] | None = None,
    interface: bool = False,
) -> type:
    """The public type of ``source``: its fields declared public (less those ``bases``
    already have), then ``extra`` (``python name → (type, field)``)."""
    inherited = {f.python_name for b in bases for f in get_object_definition(b, strict=True).fields}
    namespace: dict[str, Any] = {"__annotations__": {}}
    for f in get_object_definition(source, strict=True).fields:
        read = declaration(f)
        if (
            read is None
            or not read.public
            or f.python_name in inherited
            or f.python_name in namespace
        ):
            continue
        type_ = _swap(f.type, VIEWS)
        namespace["__annotations__"][f.python_name] = type_
        namespace[f.python_name] = strawberry.field(
            graphql_type=type_, description=f.description, metadata=f.metadata, name=f.graphql_name
        )
    for python_name, (type_, field) in (extra or {}).items():
        if type_ is not None:  # a field with a signature has its type there
            namespace["__annotations__"][python_name] = type_
        namespace[python_name] = field
    cls = type(name, bases, namespace)
    mark_class(cls, "__graph_label__", getattr(source, "__graph_label__", None))
    if interface:
        return strawberry.interface(cls, name=name, description=description)
    return strawberry.type(cls, name=name, description=description)


VIEWS: dict[Any, Any] = {}

PublicSubject = public_view(
    Subject,
    "PublicSubject",
    "A subject as published: an organisation, or a person with a published entry.",
    interface=True,
    extra={"list_entries": (None, _published_entries)},
)

PublicOrganization = public_view(
    Organization,
    "PublicOrganization",
    "法人或非法人组织 as published (实施办法 第八条（二）).",
    bases=(PublicSubject,),
    extra={
        "legal_representative_name": (
            str | None,
            strawberry.field(
                description="法定代表人或负责人姓名 today.",
                metadata=meta(LEGAL_REPRESENTATIVE_NAME),
            ),
        )
    },
)
PublicPerson = public_view(
    Person,
    "PublicPerson",
    "自然人 with a published entry (实施办法 第八条（一）).",
    bases=(PublicSubject,),
    extra={"age": (int | None, strawberry.field(description="年龄 today.", metadata=meta(AGE)))},
)
VIEWS.update({Organization: PublicOrganization, Person: PublicPerson, Subject: PublicSubject})
PublicListEntry = public_view(
    ListEntry,
    "PublicListEntry",
    "A published red or black list entry: the fields of 实施办法 第八条.",
    extra={
        "through_organization": (
            PublicOrganization | None,
            strawberry.field(
                description="For a derived entry: the organisation it came through.",
                metadata=meta(THROUGH_ORGANIZATION),
            ),
        )
    },
)
VIEWS[ListEntry] = PublicListEntry
