"""The README's examples as data: each request with the answer printed after it.

Every ``graphql`` and ``sh`` block of the README is preceded by an HTML comment that says
what it is, so no example can be added without a test running it:

- ``<!-- example key=value … -->`` before a request; the next ``json`` block (before the
  next request) is its answer. A ``graphql`` block is posted to ``endpoint`` (default
  ``/graphql``) with a token of ``roles`` for ``dept`` and the ``purpose``; an ``sh``
  block runs in bash as written, with ``credit-graph`` on the PATH and ``localhost:8000``
  meaning the gateway under test. ``excerpt`` says the answer shows only some items of
  its lists, ``unordered`` that its lists may come in another order (items that tie in
  the answer's order, e.g. equally near, come in the order of ids made at import);
  ``federation`` that the example needs the router and the sample approval subgraph
  (``make federation`` serves both), so ``tests/federation`` runs it.
- ``<!-- not an example: why -->`` before a block that is not a request (set-up
  commands, schema).

Answers are compared as JSON, dates and times masked (the demo's dates move with the day
it is loaded for; codes, names and everything else do not). An id (UUID) in an answer
stands for the id the running system made: the first time it appears it is bound to the
actual id, which later requests and answers then use in its place.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

README = Path(__file__).resolve().parent.parent / "README.md"

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
_MARK = re.compile(r"<!--\s*(example|not an example)\b((?:(?!-->).)*)-->\s*\Z", re.S)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?)?")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class Example:
    line: int  # of the request block in the README
    language: str  # graphql | sh
    request: str
    options: dict[str, str] = field(default_factory=dict)
    answer: Any = None  # the parsed json block after it, if any

    @property
    def name(self) -> str:
        return f"README.md:{self.line}"


@dataclass
class Block:
    line: int
    language: str
    text: str
    mark: tuple[str, str] | None  # (kind, options) of the comment right before it


def blocks(text: str) -> list[Block]:
    out = []
    for m in _FENCE.finditer(text):
        before = text[: m.start()].rstrip()
        mark = _MARK.search(before[-400:])
        out.append(
            Block(
                text.count("\n", 0, m.start()) + 1,
                m.group(1),
                m.group(2),
                (mark.group(1), mark.group(2).strip()) if mark else None,
            )
        )
    return out


def _option(word: str) -> tuple[str, str]:
    """``name=value`` or a bare ``name`` (value ``""``)."""
    name, _, value = word.partition("=")
    return name, value


def examples(text: str | None = None) -> list[Example]:
    """The README's examples in order, each with its answer."""
    found: list[Example] = []
    for block in blocks(README.read_text(encoding="utf-8") if text is None else text):
        if block.mark and block.mark[0] == "example":
            options = dict(_option(w) for w in shlex.split(block.mark[1]))
            found.append(Example(block.line, block.language, block.text, options))
        elif block.language == "json" and found and found[-1].answer is None and block.mark is None:
            found[-1].answer = orjson.loads(block.text)
    return found


def unmarked(text: str | None = None) -> list[Block]:
    """Request-like blocks (graphql, sh) that say neither what they are nor why not."""
    return [
        b
        for b in blocks(README.read_text(encoding="utf-8") if text is None else text)
        if b.language in ("graphql", "sh") and b.mark is None
    ]


class Mismatch(AssertionError):
    pass


class Ids:
    """README ids bound to the ids the running system made."""

    def __init__(self) -> None:
        self.bound: dict[str, str] = {}

    def apply(self, text: str) -> str:
        return UUID.sub(lambda m: self.bound.get(m.group(0), m.group(0)), text)


def masked(value: str) -> str:
    return _DATE.sub("<date>", value)


def compare(
    expected: Any,
    actual: Any,
    ids: Ids,
    *,
    excerpt: bool = False,
    unordered: bool = False,
    at: str = "$",
) -> None:
    """Raise ``Mismatch`` naming the first place where ``actual`` differs from the README's
    ``expected``; bind ids on the way. With ``excerpt`` a README list may leave out items
    (those it shows come in the actual order); with ``unordered`` lists match in any
    order."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or list(expected) != list(actual):
            raise Mismatch(
                f"{at}: keys {list(expected)} in the README, "
                f"{list(actual) if isinstance(actual, dict) else actual!r} here"
            )
        for key in expected:
            compare(
                expected[key],
                actual[key],
                ids,
                excerpt=excerpt,
                unordered=unordered,
                at=f"{at}.{key}",
            )
    elif isinstance(expected, list):
        if not isinstance(actual, list):
            raise Mismatch(f"{at}: a list in the README, {actual!r} here")
        if unordered:
            if len(expected) != len(actual):
                raise Mismatch(f"{at}: {len(expected)} items in the README, {len(actual)} here")
            left = list(enumerate(actual))
            for e in expected:
                for k, (i, a) in enumerate(left):
                    try:
                        compare(e, a, ids, unordered=True, at=f"{at}[{i}]")
                    except Mismatch:
                        continue
                    del left[k]
                    break
                else:
                    raise Mismatch(f"{at}: no item like {orjson.dumps(e).decode()[:300]}")
            return
        if not excerpt:
            if len(expected) != len(actual):
                raise Mismatch(
                    f"{at}: {len(expected)} items in the README, {len(actual)} here:"
                    f" {orjson.dumps(actual).decode()[:600]}"
                )
            for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
                compare(e, a, ids, at=f"{at}[{i}]")
            return
        rest = iter(enumerate(actual))
        for e in expected:
            for i, a in rest:
                try:
                    compare(e, a, ids, excerpt=True, at=f"{at}[{i}]")
                    break
                except Mismatch:
                    continue
            else:
                raise Mismatch(f"{at}: no item (in order) like {orjson.dumps(e).decode()[:300]}")
    elif isinstance(expected, str) and UUID.fullmatch(expected):
        if not isinstance(actual, str) or not UUID.fullmatch(actual):
            raise Mismatch(f"{at}: an id in the README, {actual!r} here")
        if ids.bound.setdefault(expected, actual) != actual:
            raise Mismatch(
                f"{at}: {actual} where the README's {expected} was {ids.bound[expected]}"
            )
    elif isinstance(expected, str):
        if not isinstance(actual, str) or masked(expected) != masked(actual):
            raise Mismatch(f"{at}: {expected!r} in the README, {actual!r} here")
    elif expected != actual or type(expected) is not type(actual):
        raise Mismatch(f"{at}: {expected!r} in the README, {actual!r} here")
