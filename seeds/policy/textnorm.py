"""Whitespace normalisation, page furniture and Chinese numerals (pure functions).

Normalisation rule (applied to every ``text`` and ``title`` the extractor writes):

* A line break, with any whitespace around it, is removed: the texts are PDF
  extractions whose lines break inside words and sentences. The only exception
  is a break between two ASCII letters or digits, which becomes one space.
* Every other run of whitespace (spaces, U+3000) becomes one ASCII space.
* Leading and trailing whitespace is dropped.

Nothing else is changed: punctuation (full- or half-width), brackets and
wording stay exactly as written. (structure.py joins the normalised parts of
an item with line breaks at heading and sub-item boundaries only.)

Page furniture removed before parsing: the page numbers "— 2 —" of 000 (here),
the repeated table header of 000 and the Markdown "#" of 001 (sources.py).
"""

from __future__ import annotations

import re

_LINE_BREAK = re.compile(r"[ \t\u3000]*\n[\s\u3000]*")
_SPACES = re.compile(r"[ \t\u3000]+")
# "— 2 —": page numbers of the printed Jiangyin document (000).
_PAGE_NUMBER = re.compile(r"^\s*—\s*\d+\s*—\s*$")

_DIGITS = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _join(match: re.Match[str], text: str) -> str:
    before = text[match.start() - 1] if match.start() > 0 else ""
    after = text[match.end()] if match.end() < len(text) else ""
    if before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
        return " "
    return ""


def normalise(text: str) -> str:
    """Whitespace-normalise ``text`` (see the module docstring)."""
    joined = _LINE_BREAK.sub(lambda m: _join(m, text), text)
    return _SPACES.sub(" ", joined).strip()


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(line))


def strip_furniture(lines: list[str]) -> list[str]:
    """Drop page numbers ("— 2 —"); other lines are kept as they are."""
    return [line for line in lines if not is_page_number(line)]


def chinese_numeral(text: str) -> int:
    """一 → 1, 十 → 10, 十九 → 19, 二十三 → 23, 三十八 → 38 (up to 99)."""
    if not text or any(ch not in _DIGITS and ch != "十" for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if "十" not in text:
        if len(text) != 1:
            raise ValueError(f"not a Chinese numeral: {text!r}")
        return _DIGITS[text]
    tens, _, units = text.partition("十")
    value = (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[units] if units else 0)
    if len(tens) > 1 or len(units) > 1:
        raise ValueError(f"not a Chinese numeral: {text!r}")
    return value


def numeral(text: str) -> int:
    """Arabic or Chinese numeral to int."""
    return int(text) if text.isdigit() else chinese_numeral(text)
