"""What identifies an imported fact, so that a re-import can never re-point it.

An import may correct what a fact says (facts, severity, validity, names, a role's
end); it never changes what the fact is. When a row would, the row is refused with
a code of its own and the graph keeps what it holds: choosing between the two would
be a guess, and a wrong link punishes the wrong subject.

- A subject is its code (管理办法 第十五条: records are kept on the citizen ID number
  and the unified social credit code). A code is a natural person's or an
  organisation's, never both: ``SUBJECT_TYPE_CONFLICT``.
- A list entry with a source key (``source_system`` + ``source_ref``) is one
  recognition by one department about one subject (实施办法 第三条: 谁认定、谁负责):
  its subject (``SOURCE_KEY_CONFLICT``), its list (``LIST_KIND_CONFLICT``) and its
  recognising department (``DEPARTMENT_CONFLICT``) are fixed. A credit record's
  subject, category (``CATEGORY_CONFLICT``) and providing department likewise.
  Entries without a source key are keyed on those very fields, so they cannot clash.
  A source key is ``system:ref``; a system containing ``:`` or named like the keys
  the graph makes itself (``RESERVED_SOURCE_SYSTEMS``) is refused, so two source keys
  never make one key and no import writes over a derived entry.
- A role is keyed on (person, organisation, post, start), so a row never re-points
  one. A post only one person holds at a time (``SINGLE_HOLDER_ROLES``) cannot go to
  a second person from the same start: ``ROLE_HOLDER_CONFLICT``.

Rows of one file are judged in file order, as if imported one at a time: the first
row that can be written claims a key, and a later row that contradicts it is refused
exactly as it would be by a later import. The outcome does not depend on the batch
size.
"""

from __future__ import annotations

from graph_schema.model import RoleKind

# 民法典 第六十一条: the legal representative is the one person who acts for a legal
# person. Other posts (directors, supervisors, managers, directly responsible persons,
# and the 负责人 of a partnership, which may have several executive partners) can be
# held by several people at once.
SINGLE_HOLDER_ROLES = (RoleKind.LEGAL_REPRESENTATIVE.value,)

# Source systems that would make keys the graph makes itself: ``sha:<digest>`` for rows
# without a source key, ``derived:<source>:<person>`` for 管理办法 第二十六条.
RESERVED_SOURCE_SYSTEMS = frozenset({"sha", "derived"})
