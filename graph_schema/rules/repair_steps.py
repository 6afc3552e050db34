"""The credit repair procedure (管理办法 第三十二条, 实施办法 第十九条): which step an
application may take in which status.

APPLIED → (the providing department's opinion) → PUBLICITY for 5 working days, or
REJECTED; an objection during publicity → PUBLICITY_OBJECTION → PUBLICITY again or
REJECTED; after publicity without objection → ACCEPTED. Each check raises Conflict
naming the status the application is in.
"""

from __future__ import annotations

import datetime as dt

from gateway.base.errors import Conflict

PUBLICITY_DAYS = 5  # 管理办法 第三十二条: 公示期为5个工作日


def opinion(status: str) -> None:
    """管理办法 第三十二条: the providing department gives its opinion on a new application."""
    if status != "APPLIED":
        raise Conflict(f"the application is {status}", status=status)


def publicity_objection(status: str, ends_on: dt.date | None, today: dt.date) -> None:
    """管理办法 第三十二条: an objection to a repair is raised during its publicity period."""
    if status != "PUBLICITY" or ends_on is None or today > ends_on:
        raise Conflict("the application is not in its publicity period", status=status)


def resolution(status: str) -> None:
    """Only an application under a publicity objection has one to answer."""
    if status != "PUBLICITY_OBJECTION":
        raise Conflict(f"the application is {status}", status=status)


def acceptance(status: str, ends_on: dt.date | None, on: dt.date) -> None:
    """管理办法 第三十二条, 实施办法 第十九条: accepted once publicity has ended without
    objection (the day after its last day at the earliest)."""
    if status != "PUBLICITY" or ends_on is None or on <= ends_on:
        raise Conflict(
            "acceptance follows a publicity period that has ended without objection",
            status=status,
        )
