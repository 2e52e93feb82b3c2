"""What the pages compute once and reuse: a player's report content and its charts, per player,
as-of date, edition (and language for the charts), under the store's data stamp
(``Context.data_version``: a new ingest, model, alert, dismissal, note or loan term makes new
entries), and for an hour at most.

One cache per app (``create_app`` builds it), shared by the requests of one process; bounded
(least recently used entries leave first)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from starlette.requests import Request

T = TypeVar("T")

MAX_ENTRIES = 256
MAX_AGE_S = 3600.0


class PageCache:
    def __init__(self, max_entries: int = MAX_ENTRIES, max_age_s: float = MAX_AGE_S) -> None:
        self.max_entries = max_entries
        self.max_age_s = max_age_s
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """The entry of ``key``, built once (concurrent requests for the same key wait for the
        first one rather than building it again)."""
        found = self._fresh(key)
        if found is not None:
            return found[1]  # type: ignore[no-any-return]
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        with building:
            found = self._fresh(key)
            if found is not None:
                return found[1]  # type: ignore[no-any-return]
            value = build()
            with self._lock:
                self._entries[key] = (time.monotonic(), value)
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
                self._building.pop(key, None)
            return value

    def _fresh(self, key: Hashable) -> tuple[float, Any] | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            if time.monotonic() - found[0] > self.max_age_s:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def cache_of(request: Request) -> PageCache:
    """The app's page cache (one per app, made on first use): the pages and the JSON API share it."""
    state = request.app.state
    if getattr(state, "page_cache", None) is None:
        state.page_cache = PageCache()
    return state.page_cache  # type: ignore[no-any-return]
