"""Reading the records of a subject's procedures: objections (异议) and credit repair
applications (信用修复), with what such a read discloses.

Both are the subject's own statements about one of its list entries, held by the credit
centre for the procedure and never published: government-shared information (管理办法
第十八条) that also speaks of the entry, so a read discloses the entry's class as well.
Who may read one:

- the subject itself (第二十一条: all of its own information);
- whoever handles the procedure, whatever the entry's class: credit administrators and
  supervisors (the credit centre reviews, corrects and accepts, supervisors decide
  appeals: 管理办法 第二十九条–第三十二条, 实施办法 第十七条) and the providing department
  (it verifies and gives the repair opinion);
- any other government caller only if it may see the entry's class (第二十一条: another's
  授权查询 information needs that subject's consent).

Every read by another than the subject needs a purpose (第三十三条) and is registered
(个人诚信 opinion 四(一)), like any non-public read (``Context.disclose``).
"""

from __future__ import annotations

from graph_schema.rules.disclosure import GOVERNMENT, PUBLIC

HANDLERS = ("credit_admin", "supervisor")  # role names: the credit centre, supervisors


def may_read(
    *, self_query: bool, government: bool, handler: bool, providing: bool, entry_visible: bool
) -> bool:
    """``handler``: the caller holds a role of ``HANDLERS``; ``providing``: it is a
    government caller of the department that recorded the entry; ``entry_visible``: the
    entry's class is among those it may see of the subject."""
    return self_query or (government and (handler or providing or entry_visible))


def may_read_cypher(*, subject: str, entry: str, department: str, visible: str) -> str:
    """``may_read`` in Cypher over the request parameters ``$self``, ``$government``,
    ``$handler`` and ``$dept``: ``department`` is the id of the entry's recognising
    department, ``visible`` the classes the caller may see of ``subject``."""
    return (
        f"coalesce({subject}.id = $self OR ($government AND ($handler OR "
        f"{department} = $dept OR {entry}.disclosure IN {visible})), false)"
    )


def disclosed(entry_class: str) -> list[str]:
    """The classes a read of an objection or application discloses (sorted, no PUBLIC)."""
    return sorted({GOVERNMENT, entry_class} - {PUBLIC})
