"""实施办法 第四条: a subject put on a black list is removed from the red lists it was on.

A red entry ends on the date of the earliest black entry of the same subject that was
recognised while the red entry was in force (on or after its recognition, not after its
validity), whichever order the two arrived in: a black entry imported after a red one
ends it, and so does a red entry imported after the black one that postdates it. The
end is that black entry's recognition date, so the outcome is a function of the entries
alone, the same for an initial load and for any sequence of imports. A red entry this
rule ended is re-dated when an earlier such black entry arrives later; one a procedure
ended is left alone. Derived entries (管理办法 第二十六条) are neither ended nor ending.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

REASON_PREFIX = "实施办法 第四条"


@dataclass(frozen=True)
class Dated:
    key: str
    recognised_on: dt.date
    valid_until: dt.date | None = None


def ending_black(red: Dated, blacks: Iterable[Dated]) -> Dated | None:
    """The black entry that ends ``red``: the earliest recognised while ``red`` was in force.

    Ties on the date go to the smaller key, so the choice never depends on arrival order.
    """
    candidates = [
        b
        for b in blacks
        if b.recognised_on >= red.recognised_on
        and (red.valid_until is None or red.valid_until >= b.recognised_on)
    ]
    return min(candidates, key=lambda b: (b.recognised_on, b.key), default=None)


# For a red entry ``x`` of subject ``s``: end it (or move its rule-made end earlier).
# Entries are reached from their subject and told apart by ``labels()``, not by a label in
# the pattern: with a label the planner may start from an index over every entry and join,
# which it prices as free while the graph holds no entries yet (the first import), and
# then runs once per subject for the whole import.
_END_BODY = f"""
WITH x, s
WHERE x.derived = false
  AND (x.endedOn IS NULL OR x.endReason STARTS WITH '{REASON_PREFIX}')
CALL (x, s) {{
  MATCH (s)<-[:CONCERNS]-(b)
  WHERE 'ListEntry' IN labels(b) AND b.kind = 'BLACK'
    AND b.derived = false AND b.endedOn IS NULL AND b.recognisedOn >= x.recognisedOn
    AND (x.validUntil IS NULL OR x.validUntil >= b.recognisedOn)
  RETURN b ORDER BY b.recognisedOn, b.key LIMIT 1
}}
WITH x, b WHERE x.endedOn IS NULL OR x.endedOn > b.recognisedOn
SET x.endedOn = b.recognisedOn, x.endStatus = 'REVOKED', x.status = 'REVOKED',
    x.endReason = '{REASON_PREFIX}: listed on black list entry ' + b.id,
    x.version = x.version + 1, x.updatedAt = $now
CREATE (x)-[:HAS_VERSION]->(v:Version)
SET v = properties(x), v.versionOf = 'ListEntry', v.versionAt = $now, v.versionActor = $actor,
    v.versionChange = 'REVOKED', v.versionReason = x.endReason"""

# The red entries of the subjects of the entries just written (either list).
END_RED_ON_BLACK = f"""
UNWIND $entryIds AS entryId
MATCH (e:ListEntry {{id: entryId}})-[:CONCERNS]->(s:Subject)
USING INDEX e:ListEntry(id)
WITH DISTINCT s
MATCH (s)<-[:CONCERNS]-(x)
WHERE 'ListEntry' IN labels(x) AND x.kind = 'RED'
{_END_BODY}
RETURN count(x) AS ended
"""

# Every red entry, in batches, each its own transaction (an initial load).
END_RED_ON_BLACK_IN_TRANSACTIONS = f"""
MATCH (x:ListEntry {{kind: 'RED'}})
CALL (x) {{
  MATCH (x)-[:CONCERNS]->(s:Subject)
  {_END_BODY}
  RETURN x.id AS ended
}} IN TRANSACTIONS OF $batch ROWS
RETURN count(ended) AS ended
"""
