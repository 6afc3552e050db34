"""Which keys the rows of an initial load have claimed, in little memory.

An initial load (gateway/ops/load.py) writes a row through Neo4j's offline importer only when
none of its keys was touched by an earlier row of the files: its outcome then depends
on nothing before it, and the offline importer may write it in any order. Every other
row (a second row for a code, a role or an entry key, a row naming a subject no earlier
row created) goes through the online importer afterwards, in file order, which judges it
exactly as an import would (graph_schema/rules/identity.py: the first claim wins).

Ten million subjects and sixteen million roles make Python sets of strings several
gigabytes; these sets keep integers in flat arrays instead (open addressing, linear
probing): 17 bytes a slot for codes, 9 for hashed keys, at most half the slots full.
"""

from __future__ import annotations

from array import array

_MASK64 = (1 << 64) - 1
_SPREAD = 0x9E3779B97F4A7C15  # Fibonacci hashing: neighbouring keys land far apart


class KeySet:
    """A set of non-negative integers below 2**128 (``wide``) or 2**64."""

    def __init__(self, expected: int = 1024, *, wide: bool = False) -> None:
        capacity = 1024
        while capacity < 2 * expected:
            capacity *= 2
        self._wide = wide
        self._allocate(capacity)
        self.size = 0

    def _allocate(self, capacity: int) -> None:
        self._capacity = capacity
        self._shift = 64 - capacity.bit_length() + 1
        self._full = bytearray(capacity)
        self._lo = array("Q", bytes(8 * capacity))
        self._hi = array("Q", bytes(8 * capacity)) if self._wide else self._lo

    def _slot(self, key: int) -> int:
        """The slot holding ``key``, or the empty slot where it would go."""
        lo, hi = key & _MASK64, key >> 64
        mask = self._capacity - 1
        i = ((lo ^ hi) * _SPREAD & _MASK64) >> self._shift
        full, los, his = self._full, self._lo, self._hi
        wide = self._wide
        while full[i]:
            if los[i] == lo and (not wide or his[i] == hi):
                return i
            i = (i + 1) & mask
        return i

    def __contains__(self, key: int) -> bool:
        return bool(self._full[self._slot(key)])

    def add(self, key: int) -> bool:
        """Add ``key``; False when it was there already."""
        i = self._slot(key)
        if self._full[i]:
            return False
        self._full[i] = 1
        self._lo[i] = key & _MASK64
        if self._wide:
            self._hi[i] = key >> 64
        self.size += 1
        if 2 * self.size > self._capacity:
            self._grow()
        return True

    def _grow(self) -> None:
        old = [
            (self._hi[i] << 64 | self._lo[i]) if self._wide else self._lo[i]
            for i in range(self._capacity)
            if self._full[i]
        ]
        self._allocate(self._capacity * 2)
        for key in old:
            i = self._slot(key)
            self._full[i] = 1
            self._lo[i] = key & _MASK64
            if self._wide:
                self._hi[i] = key >> 64

    @property
    def nbytes(self) -> int:
        return self._capacity * (17 if self._wide else 9)


def code_key(code: str) -> int:
    """A normalised USCC or citizen ID number (18 characters, 0-9 and A-Z) as an integer.

    Exact: two codes are one integer only if they are one code.
    """
    return int(code, 36)


def hashed(*parts: object) -> int:
    """A 64-bit key for a tuple of values; a collision only sends a row the online way."""
    return hash(parts) & _MASK64


class Claims:
    """The codes the offline rows created, and the keys every row so far has touched."""

    def __init__(self, subjects: int = 1024) -> None:
        self.persons = KeySet(subjects, wide=True)
        self.organizations = KeySet(subjects, wide=True)
        self.keys = KeySet(subjects)

    def subject(self, uscc: str | None, id_number: str | None) -> bool:
        """A subject row: True when it creates its code (no row claimed it before)."""
        key = code_key(uscc or id_number or "")
        if key in self.persons or key in self.organizations:
            return False
        (self.organizations if uscc else self.persons).add(key)
        return True

    def exists(self, uscc: str | None, id_number: str | None) -> bool:
        """The subject a row names was created, as the kind the row says."""
        if uscc:
            return code_key(uscc) in self.organizations
        return code_key(id_number or "") in self.persons

    def touch(self, *keys: int) -> bool:
        """Claim the keys; True when no earlier row touched any of them."""
        fresh = True
        for key in keys:
            fresh = self.keys.add(key) and fresh
        return fresh

    def forget_keys(self, expected: int = 1024) -> None:
        """Start the keys of another kind of row (a kind's keys never meet another's)."""
        self.keys = KeySet(expected)

    @property
    def nbytes(self) -> int:
        return self.persons.nbytes + self.organizations.nbytes + self.keys.nbytes
