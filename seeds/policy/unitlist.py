"""Splitting a list of responsible units as written (pure functions).

Rules, applied to the text after 牵头单位： / 配合单位： / 责任单位： :

U1. Units are separated by 、 ， , (full- or half-width comma) outside brackets:
    "市经信委（信用办），淮阴工学院" → 市经信委（信用办） | 淮阴工学院. A bracket
    inside a name stays with it: 市经信委（市信用办）, 各县（市）区政府（管委会）.
U2. 等 ends an enumeration ("and others"). When a group noun follows it
    (等有关部门, 等市有关部门, 等部门, 等高校), that noun is a mention of its
    own — a COLLECTIVE unit written without the 等: "市统计局等有关部门" →
    市统计局 | 有关部门. A 等 at the very end of a list ("市交通局、市城管局等")
    adds no mention. Either way the role is marked open-ended.
U3. ``as_written`` is the unit exactly as written, line breaks of the source
    removed (see textnorm); 等 and the separators never belong to it, so the
    as_written values, the separators and the 等 rebuild the source string.
"""

from __future__ import annotations

# Group nouns that may follow 等; anything else after 等 is an error (U2).
GROUP_NOUNS = ("市有关部门", "有关部门", "部门", "高校")
_SEPARATORS = "、，,"
_OPEN, _CLOSE = "（(", "）)"


def _split_top_level(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth < 0:
                raise ValueError(f"unbalanced brackets in unit list {text!r}")
        if ch in _SEPARATORS and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if depth:
        raise ValueError(f"unbalanced brackets in unit list {text!r}")
    parts.append("".join(current))
    return parts


def split_units(text: str) -> tuple[list[str], bool]:
    """The units of one list, in the order written, and whether it is open-ended (等)."""
    names: list[str] = []
    open_ended = False
    for part in _split_top_level(text.strip()):
        part = part.strip()
        if not part:
            raise ValueError(f"empty unit in {text!r}")
        head, sep, tail = part.partition("等")
        if not sep:
            names.append(part)
            continue
        open_ended = True
        if not head or "等" in tail or (tail and tail not in GROUP_NOUNS):
            raise ValueError(f"unexpected 等 in unit {part!r}")
        names.append(head)
        if tail:
            names.append(tail)
    return names, open_ended
