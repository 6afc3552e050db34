"""Item trees of numbered documents (pure functions).

A document is a list of lines. A line that starts with the marker of a level
(一、 / （一） / 第一章 / 第一条 / 1. …) *and* carries the next number expected at
that level opens an item; the item runs until the next item at the same or a
shallower level. Numbers must follow 1, 2, 3 … without gaps, otherwise the
parse fails: a skipped or mistaken marker is an error, never a guess.

Ids: ``<doc id>:<marker path>``. The path starts at the innermost item whose
level is an *anchor* — a level whose markers are unique in the document
(第N章, 第N条, top-level 一、, the （N） items that 003 and Jiangyin number
continuously through the document, Nantong's tasks 1.–18.) — and adds the
markers of non-anchor levels below it, joined by "/": ``ha-jlcj:第十四条/（十一）``,
``ha-grcx:四/（一）``, ``nat-ec-2016:（十九）``. Markers are kept exactly as written,
except the enumeration comma or dot after them (一、 → 一, 1. → 1, 1． → 1).

Text: the whole item as written, sub-items included, whitespace-normalised
(textnorm). The only line breaks kept are structural: after a heading that
stands on its own line (一、总体要求 / 第一章 总 则 / 003's （一）指导思想) and
before each sub-item. Title: that standalone heading, or an inline heading
phrase — a short first sentence without clause punctuation followed by more
text ("（三）建立实名登记和认证制度。…"); 第N条 have none.

Text that precedes the first item (addressees, the citing paragraph, the
issuing notice) becomes the item ``<doc id>:preamble`` (marker None, ordinal 0).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from seeds.policy.textnorm import normalise, numeral

# Heading phrases: "（三）建立实名登记和认证制度。电子商务平台要…" has the heading
# "建立实名登记和认证制度". A first sentence counts as a heading when it is
# short, has no clause punctuation and is followed by more text.
_TITLE_MAX = 40
_CLAUSE_PUNCTUATION = "，；：,;:"


@dataclass(frozen=True)
class Level:
    """One numbering level. ``pattern`` must define the groups ``marker`` and ``n``."""

    name: str
    pattern: re.Pattern[str]
    anchor: bool
    continuous: bool = False  # numbering runs on across parents (003's （一）…（二十三）)
    title: str = "sentence"  # "line": the rest of the marker line; "sentence"; "none"


@dataclass
class Node:
    level: int
    marker: str
    ordinal: int
    path: list[str]
    start: int
    end: int = -1
    parent: Node | None = None
    rest: str = ""  # the marker line after the marker
    children: list[Node] = field(default_factory=list)


_NUMERAL = "(?P<n>[一二三四五六七八九十]+)"
SECTION = Level("section", re.compile(rf"^(?P<marker>{_NUMERAL})、"), anchor=True, title="line")
CHAPTER = Level("chapter", re.compile(rf"^(?P<marker>第{_NUMERAL}章)"), anchor=True, title="line")
ARTICLE = Level(
    "article",
    re.compile(rf"^(?P<marker>第{_NUMERAL}条)"),
    anchor=True,
    continuous=True,
    title="none",
)


def paren_level(*, anchor: bool, continuous: bool = False, title: str = "sentence") -> Level:
    """（一） items; Nantong also writes (二) with half-width brackets."""
    pattern = re.compile(rf"^(?P<marker>[（(]{_NUMERAL}[）)])")
    return Level("item", pattern, anchor=anchor, continuous=continuous, title=title)


def arabic_level(dot: str, *, anchor: bool, continuous: bool = False) -> Level:
    """1. (Nantong's tasks) or 1． (sub-points of 004 管理办法 第三十一条)."""
    pattern = re.compile(rf"^(?P<marker>(?P<n>\d+)){re.escape(dot)}")
    return Level("point", pattern, anchor=anchor, continuous=continuous)


def _expected(levels: list[Level], stack: list[Node], counters: dict[int, int], i: int) -> int:
    if levels[i].continuous or i == 0:
        return counters.get(i, 0) + 1
    parent = stack[i - 1]
    return len([c for c in parent.children if c.level == i]) + 1


def parse_nodes(lines: list[str], levels: list[Level]) -> list[Node]:
    """All items of ``lines`` in document order (see the module docstring)."""
    nodes: list[Node] = []
    stack: list[Node] = []
    counters: dict[int, int] = {}
    for index, raw in enumerate(lines):
        line = raw.strip(" \t\u3000")
        for i in range(min(len(stack), len(levels) - 1), -1, -1):
            match = levels[i].pattern.match(line)
            if not match:
                continue
            value = numeral(match["n"])
            if value != _expected(levels, stack[:i], counters, i):
                raise ValueError(
                    f"line {index + 1}: {levels[i].name} {match['marker']} out of sequence"
                )
            for closed in stack[i:]:
                closed.end = index
            del stack[i:]
            parent = stack[-1] if stack else None
            path = [match["marker"]]
            if parent is not None and not levels[i].anchor:
                path = [*parent.path, *path]
            rest = line[match.end() :].lstrip("、.．")
            node = Node(i, match["marker"], value, path, index, parent=parent, rest=rest)
            if parent:
                parent.children.append(node)
            counters[i] = counters.get(i, 0) + 1
            stack.append(node)
            nodes.append(node)
            break
    for open_node in stack:
        open_node.end = len(lines)
    return nodes


def heading(text: str) -> str | None:
    """The heading phrase of an item's text (its marker removed), if it has one."""
    stop = text.find("。")
    if stop <= 0 or stop > _TITLE_MAX or not text[stop + 1 :].strip():
        return None
    candidate = text[:stop]
    return None if any(p in candidate for p in _CLAUSE_PUNCTUATION) else candidate


def _standalone(node: Node, level: Level, lines: list[str], indented_paragraphs: bool) -> bool:
    """Whether the marker line is a heading of its own (一、总体要求 / 第一章 总 则)."""
    if level.title == "line":
        return True
    # 003 indents the first line of each paragraph: a marker line without a full
    # stop followed by a new paragraph is a heading of its own ("（一）指导思想").
    if level.title == "sentence" and indented_paragraphs and "。" not in node.rest:
        following = [ln for ln in lines[node.start + 1 : node.end] if ln.strip()]
        return bool(following) and following[0][:1].isspace()
    return False


def node_title(node: Node, level: Level, lines: list[str], indented_paragraphs: bool) -> str | None:
    if level.title == "none":
        return None
    if _standalone(node, level, lines, indented_paragraphs):
        return normalise(node.rest) or None
    own_end = node.children[0].start if node.children else node.end
    return heading(normalise("\n".join([node.rest, *lines[node.start + 1 : own_end]])))


def node_text(node: Node, levels: list[Level], lines: list[str], indented_paragraphs: bool) -> str:
    """The whole item as written: a standalone heading line and each sub-item start
    a new line; all other line breaks of the source are removed (textnorm)."""
    own_end = node.children[0].start if node.children else node.end
    if _standalone(node, levels[node.level], lines, indented_paragraphs):
        own = [normalise(lines[node.start]), normalise("\n".join(lines[node.start + 1 : own_end]))]
    else:
        own = [normalise("\n".join(lines[node.start : own_end]))]
    children = [node_text(c, levels, lines, indented_paragraphs) for c in node.children]
    return "\n".join(part for part in [*own, *children] if part)


def items(
    doc_id: str, lines: list[str], levels: list[Level], *, indented_paragraphs: bool = False
) -> list[dict[str, object]]:
    """The item records of one document: preamble first, then every item in order."""
    nodes = parse_nodes(lines, levels)
    out: list[dict[str, object]] = []
    first = nodes[0].start if nodes else len(lines)
    preamble = normalise("\n".join(lines[:first]))
    if preamble:
        out.append(
            {
                "id": f"{doc_id}:preamble",
                "document_id": doc_id,
                "parent_id": None,
                "marker": None,
                "ordinal": 0,
                "title": None,
                "text": preamble,
            }
        )
    for node in nodes:
        out.append(
            {
                "id": f"{doc_id}:{'/'.join(node.path)}",
                "document_id": doc_id,
                "parent_id": f"{doc_id}:{'/'.join(node.parent.path)}" if node.parent else None,
                "marker": node.marker,
                "ordinal": node.ordinal,
                "title": node_title(node, levels[node.level], lines, indented_paragraphs),
                "text": node_text(node, levels, lines, indented_paragraphs),
            }
        )
    return out
