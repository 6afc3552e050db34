"""The per-request context every resolver sees as ``info.context``."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import TYPE_CHECKING, Any

from gateway.db import Database
from gateway.settings import Settings
from loaders import Loaders

if TYPE_CHECKING:
    from starlette.requests import Request


class Context:
    """Database, settings, the caller and the request's own DataLoaders."""

    def __init__(self, db: Database, settings: Settings, request: Request | None = None,
                 viewer: Any = None, today: dt.date | None = None) -> None:
        self.db = db
        self.settings = settings
        self.request = request
        self.viewer = viewer
        self.today = today or dt.date.today()

    @cached_property
    def loaders(self) -> Loaders:
        return Loaders(self.db)
