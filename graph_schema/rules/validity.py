"""Validity of list entries and negative records (有效期).

Periods are counted in whole years from the recognition date, ending on the
corresponding date (民法典 第二百零一条, 第二百零三条); a 29 February start ends
on 28 February. An entry is in force from its recognition date through its
validity end, both inclusive.
"""

from __future__ import annotations

import datetime as dt

from graph_schema.model import EntryStatus, ListKind, Severity


def add_years(start: dt.date, years: int) -> dt.date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February into a common year
        return start.replace(year=start.year + years, day=28)


def validity_years(kind: ListKind, severity: Severity) -> int | None:
    """管理办法 第二十七条: dishonesty valid 1 year when 一般, 3 years when 严重 or unstated.

    较重 is neither 一般 nor unstated; it gets the longer term, since only 一般 earns
    the 1-year term. Red lists have no statutory term (实施办法 第十二条: the
    recognising department sets it), so None: in force until ended.
    """
    if kind is ListKind.RED:
        return None
    return 1 if severity is Severity.GENERAL else 3


def default_valid_until(
    kind: ListKind, severity: Severity, recognised_on: dt.date
) -> dt.date | None:
    years = validity_years(kind, severity)
    return None if years is None else add_years(recognised_on, years)


def status_on(
    as_of: dt.date,
    recognised_on: dt.date,
    valid_until: dt.date | None,
    ended_on: dt.date | None = None,
    end_status: EntryStatus | None = None,
) -> EntryStatus | None:
    """The status of an entry on a date; None before it was recognised.

    管理办法 第二十七条: once the validity has run out the entry is EXPIRED, no
    basis for punishment and no longer published. An entry ended by repair or
    revocation takes that status from its end date on.
    """
    if as_of < recognised_on:
        return None
    if ended_on is not None and ended_on <= as_of:
        return end_status or EntryStatus.REVOKED
    if valid_until is not None and as_of > valid_until:
        return EntryStatus.EXPIRED
    return EntryStatus.ACTIVE


# The same rule in Cypher, for an entry variable and a date expression (both names,
# never values). Kept beside the Python function; tests check that both agree.
def status_on_cypher(e: str = "e", as_of: str = "$asOf") -> str:
    return (
        f"CASE WHEN {e}.recognisedOn > {as_of} THEN null "
        f"WHEN {e}.endedOn IS NOT NULL AND {e}.endedOn <= {as_of} "
        f"THEN coalesce({e}.endStatus, 'REVOKED') "
        f"WHEN {e}.validUntil IS NOT NULL AND {as_of} > {e}.validUntil THEN 'EXPIRED' "
        "ELSE 'ACTIVE' END"
    )


def in_force_cypher(e: str = "e", as_of: str = "$asOf") -> str:
    """The predicate form: the entry is ACTIVE on the date."""
    return (
        f"({e}.recognisedOn <= {as_of} AND ({e}.validUntil IS NULL OR {as_of} <= {e}.validUntil) "
        f"AND ({e}.endedOn IS NULL OR {as_of} < {e}.endedOn))"
    )
