"""The shape every loader shares: one parameterised Cypher query per batch.

A loader's query receives ``$keys`` (a list of plain values or maps) and returns
one row per key as ``i`` (the key's position) and ``value``; the loader hands
the values back in key order, ``None`` for a miss. The query is wrapped so the
whole batch comes back as ONE record: the driver's cost is per record, and a
record per key would cost more than the lookup itself.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, ClassVar, Generic, TypeVar

from aiodataloader import DataLoader

from gateway.base.db import Database

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def one_record(query: str) -> str:
    """Wrap a query returning rows of ``i, value`` to return them as one list."""
    return f"CALL () {{\n{query}\n}}\nRETURN collect([i, value]) AS values"


class CypherLoader(DataLoader[K, V | None], Generic[K, V]):
    """Values in key order, None for a miss (hence the loader's value type)."""

    query: ClassVar[str]
    _wrapped: ClassVar[str | None] = None

    def __init__(self, db: Database, max_batch_size: int | None = None) -> None:
        super().__init__(max_batch_size=max_batch_size)
        self.db = db

    def param(self, key: K) -> Any:
        """The key as sent to Cypher."""
        return key

    async def batch_load_fn(self, keys: list[K]) -> list[V | None]:
        cls = type(self)
        if cls._wrapped is None:
            cls._wrapped = one_record(cls.query)
        [record] = await self.db.read(
            cls._wrapped, {"keys": [self.param(k) for k in keys]}, op=cls.__name__
        )
        values: list[V | None] = [None] * len(keys)
        for i, value in record["values"]:
            values[i] = value
        return values
