"""Which lines of which text make each document, and how each is numbered.

The five texts in ``texts/`` are verbatim copies of shared/policy-docs. One file
holds one document, except 004, which holds the Huai'an notice and the four
documents it issues; they are cut at their title lines (below), each of which
must occur exactly once at the start of a line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from seeds.policy.structure import ARTICLE, CHAPTER, SECTION, Level, arabic_level, paren_level
from seeds.policy.textnorm import strip_furniture

TEXTS = Path(__file__).parent / "texts"

NATIONAL_FILE = "003_cf7a5ad5e7f88d70.txt"
JIANGYIN_FILE = "000_fd8bcee945871175.txt"
NANTONG_FILE = "001_a093bde57b140ebd.txt"
CHANGZHOU_FILE = "002_fc30caac8cf6af45.txt"
HUAIAN_FILE = "004_8cc5702b4379a2e2.txt"

# Jiangyin's 重点任务分工表 repeats its header on every printed page.
JIANGYIN_TABLE_HEADER = "序号 工作任务 负责单位"

# 004: each document starts with its title, on one or more lines (blank lines
# between them allowed). The title lines are metadata (documents.json), not part
# of any item. The notice's title repeats part of 实施办法's, hence whole sequences.
HUAIAN_PARTS = [
    (
        "ha-notice-2018",
        ["市政府关于印发", "淮安市守信联合激励和失信联合惩戒", "实施办法（试行）等文件的通知"],
    ),
    ("ha-jlcj", ["淮安市守信联合激励和失信联合惩戒", "实施办法（试行）"]),
    ("ha-xxgl", ["淮安市公共信用信息管理办法（试行）"]),
    ("ha-grcx", ["淮安市加强个人诚信体系建设的实施意见"]),
    ("ha-dzsw", ["淮安市全面加强电子商务领域", "诚信建设的实施意见"]),
]


@dataclass(frozen=True)
class Source:
    doc_id: str
    lines: list[str]
    levels: list[Level]
    indented_paragraphs: bool = False


def read_lines(name: str, texts: Path = TEXTS) -> list[str]:
    return (texts / name).read_text(encoding="utf-8").split("\n")


def _national(texts: Path) -> Source:
    # 003: 一、… sections; （一）…（二十三） numbered through the whole document.
    levels = [SECTION, paren_level(anchor=True, continuous=True)]
    return Source(
        "nat-ec-2016",
        strip_furniture(read_lines(NATIONAL_FILE, texts)),
        levels,
        indented_paragraphs=True,
    )


def _jiangyin(texts: Path) -> Source:
    # 000: like 003, （一）…（二十四） run through the document; 七、 is the task table.
    lines = strip_furniture(read_lines(JIANGYIN_FILE, texts))
    headers = [i for i, ln in enumerate(lines) if ln.strip() == JIANGYIN_TABLE_HEADER]
    lines = [ln for i, ln in enumerate(lines) if i not in headers[1:]]
    levels = [SECTION, paren_level(anchor=True, continuous=True)]
    return Source("jy-ec-2018", lines, levels)


def _nantong(texts: Path) -> Source:
    # 001 is Markdown: "## 一、", "### （一）", "## (二)" — the #'s are formatting only.
    lines = [
        ln.lstrip("#").lstrip() if ln.startswith("#") else ln
        for ln in read_lines(NANTONG_FILE, texts)
    ]
    # Its （一）…（五） are sub-section headings on lines of their own.
    levels = [
        SECTION,
        paren_level(anchor=False, title="line"),
        arabic_level(".", anchor=True, continuous=True),
    ]
    return Source("nt-ec", lines, levels)


def _title_at(lines: list[str], start: int, title: list[str]) -> list[int] | None:
    """Indexes of the title lines if ``title`` starts at ``start``, else None."""
    if not lines[start].strip():
        return None
    found, i = [], start
    for wanted in title:
        while i < len(lines) and not lines[i].strip():
            i += 1
        if i >= len(lines) or lines[i].strip() != wanted:
            return None
        found.append(i)
        i += 1
    return found


def huaian_parts(texts: Path = TEXTS) -> dict[str, list[str]]:
    """The lines of each of the five documents in 004, title lines removed."""
    lines = read_lines(HUAIAN_FILE, texts)
    starts = []
    for doc_id, title in HUAIAN_PARTS:
        found = [t for i in range(len(lines)) if (t := _title_at(lines, i, title))]
        if len(found) != 1:
            raise ValueError(f"004: title {title!r} found {len(found)} times")
        starts.append((found[0][0], doc_id, set(found[0])))
    starts.sort()
    parts = {}
    for k, (start, doc_id, title_lines) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        parts[doc_id] = [lines[i] for i in range(start, end) if i not in title_lines]
    return parts


def _huaian(texts: Path) -> list[Source]:
    parts = huaian_parts(texts)
    # 办法: 第N章 / 第N条 (numbered through the document) / （N） / N． (管理办法 第三十一条).
    measures = [CHAPTER, ARTICLE, paren_level(anchor=False), arabic_level("．", anchor=False)]
    # 意见: 一、 sections, （N） restarting in each section.
    opinions = [SECTION, paren_level(anchor=False)]
    return [
        Source("ha-notice-2018", parts["ha-notice-2018"], []),
        Source("ha-jlcj", parts["ha-jlcj"], measures),
        Source("ha-xxgl", parts["ha-xxgl"], measures),
        Source("ha-grcx", parts["ha-grcx"], opinions),
        Source("ha-dzsw", parts["ha-dzsw"], opinions),
    ]


def numbered_sources(texts: Path = TEXTS) -> list[Source]:
    """Every document with an item tree (Changzhou's 002 is a bare table: no items)."""
    return [_national(texts), _jiangyin(texts), _nantong(texts), *_huaian(texts)]
