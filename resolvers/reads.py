"""Root fields answered by ONE compiled query (``loaders/selection.py``).

A root field gives the template that finds its objects (``n``, with a ``{value}``
placeholder) and returns what these helpers shape. The per-field resolvers stay behind
``CREDIT_GRAPH_READ_PATH=legacy`` while the two paths are compared, and answer a
selection that reaches a field without a declaration.
"""

from __future__ import annotations

from typing import Any

from loaders.selection import NotCompiled, compiled


def legacy(info: Any, template: str, at: tuple[str, ...] = ()) -> bool:
    """Answer field by field? (The compiled plan is cached for the fetch that follows.)"""
    if info.context.settings.read_path == "legacy":
        return True
    try:
        compiled(info, at).plan(template, "n")
    except NotCompiled:
        return True
    return False


async def one(info: Any, template: str, **params: Any) -> Any:
    """The object the template finds, ``Shaped`` (None for none)."""
    selection = compiled(info)
    return selection.shape(await selection.fetch(template, params))


async def many(info: Any, template: str, **params: Any) -> Any:
    """The objects the template collects, in its order, each ``Shaped``."""
    selection = compiled(info)
    rows = await selection.fetch(template, params) or []
    return [selection.shape(row, i) for i, row in enumerate(rows)]
