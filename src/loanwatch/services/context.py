"""What every service call runs in: the store, the settings and the acting user (name and role).

One :class:`Context` per session of work (a command, a Python API object, later a web request):
it holds the store's read caches (the :class:`~loanwatch.services._tracker.Tracker`), which
anything that writes the store drops (:meth:`Context.store_changed`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from loanwatch.access import DEFAULT_ROLE, Permission, Role, require, role_of
from loanwatch.settings import Settings
from loanwatch.store import Store, open_engine, resolve_store_url, writer_lock
from loanwatch.store.engine import describe

if TYPE_CHECKING:
    from loanwatch.services._tracker import Tracker
    from loanwatch.tracking.config import AlertConfig


@dataclass(frozen=True)
class User:
    """Who acts: a name (for the record) and a role (what he may see and change: access.py)."""

    name: str = "local"
    role: Role = DEFAULT_ROLE


class Caches:
    """What a context keeps between calls (shared by its views as another role)."""

    def __init__(self) -> None:
        self.alert_config: AlertConfig | None = None  # None: the settings' (tracking/alerts.toml)
        self.tracker: tuple[AlertConfig | None, Tracker] | None = None
        self.club_leagues: dict[str, str | None] | None = None  # services/metrics.py: club -> league
        # services/market.py: a season's profiles, by (season, minutes), read or computed once per
        # context (the depth chart, the squad and the plan read the same season)
        self.season_profiles: dict[tuple[str, float], Any] = {}
        self.similar: object | None = None  # services/similar.py: the style vectors (StyleSpace)
        self.similar_profiles: dict[tuple[str, float], Any] = {}  # services/similar.py: season profiles
        # services/similar.py: a season's output percentiles in the role (OutputSpace), by (season,
        # minutes): one per context, so a plan's cards search one index
        self.similar_output: dict[tuple[str, float], Any] = {}


class Context:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        user: User | None = None,
        *,
        url: str = "",
        caches: Caches | None = None,
        origin: str = "",
    ) -> None:
        self.store = store
        self.settings = settings
        self.user = user or User()
        self.url = url
        self.caches = caches or Caches()
        self.origin = origin  # where the user acts from: the client's address (web), "" (CLI)

    @classmethod
    def open(
        cls, store: str | None = None, *, settings: Settings | None = None, user: User | None = None
    ) -> Context:
        """The context of a store (a path or URL; default: the settings')."""
        chosen = settings if settings is not None else Settings.load(store=store)
        url = resolve_store_url(store or chosen.store)
        acting = user or User(role=role_of(chosen.role))  # the settings' role (LOANWATCH_ROLE)
        return cls(Store(open_engine(url)), chosen, acting, url=url)

    @property
    def role(self) -> Role:
        return self.user.role

    @property
    def location(self) -> str:
        return describe(self.url) if self.url else ""

    def require(self, permission: Permission) -> None:
        """Forbidden unless the acting user's role may do it (access.py)."""
        require(self.role, permission)

    def as_role(self, role: Role) -> Context:
        """The same store and caches, read as ``role`` sees it (a report edition)."""
        if role == self.role:
            return self
        user = User(self.user.name, role)
        return Context(self.store, self.settings, user, url=self.url, caches=self.caches, origin=self.origin)

    def record(
        self,
        action: str,
        target: str = "",
        *,
        outcome: str = "ok",
        user_name: str | None = None,
        **detail: object,
    ) -> int:
        """Write one entry of the audit log: the acting user (or ``user_name``: the name a login
        tried) did ``action`` to ``target``. The one place the log is written (services/users.py
        reads it); never give it a password."""
        import json

        return self.store.record_audit(
            {
                "at": datetime.now(),
                "user_name": (user_name if user_name is not None else self.user.name)[:64],
                "action": action,
                "target": target,
                "outcome": outcome,
                "address": self.origin[:64],
                "detail": json.dumps(detail, default=str, sort_keys=True) if detail else "",
            }
        )

    def tracker(self) -> Tracker:
        """One Tracker per context and alert settings: it caches the store's per-match stats."""
        from loanwatch.services._tracker import Tracker
        from loanwatch.tracking.config import load_config

        chosen = self.caches.alert_config
        cached = self.caches.tracker
        if cached is None or cached[0] is not chosen:
            config = chosen or load_config(settings=self.settings)
            cached = self.caches.tracker = (chosen, Tracker(self.store, config))
        return cached[1]

    def data_version(self) -> tuple[str, ...]:
        """The store's data stamp (Store.data_version): a web page caches what it computed under it."""
        return self.store.data_version()

    def store_changed(self) -> None:
        self.caches.tracker = None
        self.caches.club_leagues = None
        self.caches.season_profiles.clear()
        self.caches.similar = None
        self.caches.similar_profiles = {}


class Service:
    """A service: its methods take references and ids (players resolved once, at the edge) and
    return typed models, as the context's user may see them."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @property
    def store(self) -> Store:
        return self.ctx.store


_S = TypeVar("_S", bound=Service)
_P = ParamSpec("_P")
_R = TypeVar("_R")


def writes(method: Callable[Concatenate[_S, _P], _R]) -> Callable[Concatenate[_S, _P], _R]:
    """A method that writes the store: it holds the store's writer lock (store/locking.py), so
    writing runs on one store take turns (a second one says it waits, then waits). A method that
    changes what the caches hold calls ``ctx.store_changed()`` itself."""

    @functools.wraps(method)
    def locked(self: _S, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with writer_lock(self.ctx.store.engine):
            self.ctx.store.forget_cached_ids()  # another run may have written while this one waited
            return method(self, *args, **kwargs)

    return locked
