"""The shape every loader shares: one parameterised Cypher query per batch.

A loader's query receives ``$keys`` (a list of plain values or maps) and returns
one row per key as ``i`` (the key's position) and ``value``; the loader hands
the values back in key order, ``None`` for a miss.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, ClassVar, Generic, TypeVar

from aiodataloader import DataLoader

from gateway.db import Database

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class CypherLoader(DataLoader[K, V], Generic[K, V]):
    query: ClassVar[str]

    def __init__(self, db: Database, max_batch_size: int | None = None) -> None:
        super().__init__(max_batch_size=max_batch_size)
        self.db = db

    def param(self, key: K) -> Any:
        """The key as sent to Cypher."""
        return key

    async def batch_load_fn(self, keys: list[K]) -> list[V | None]:  # type: ignore[override]
        records = await self.db.read(
            self.query, {"keys": [self.param(k) for k in keys]}, op=type(self).__name__
        )
        values: list[V | None] = [None] * len(keys)
        for record in records:
            values[record["i"]] = record["value"]
        return values
