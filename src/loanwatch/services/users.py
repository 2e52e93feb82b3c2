"""The web app's users and the audit log: adding, listing and disabling users (the admin only),
logging in (a session for the pages, a token for scripts, throttled), knowing who a session or
token is, the user's preferences, and reading the audit log (the director and the admin).

Passwords are hashed with Argon2 (pwdlib) and never stored, logged or returned; a session id or a
token is a random secret the client holds, stored as its SHA-256 only. A failed login, a throttled
one and a successful one are each an entry of the audit log, which the throttle reads.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from loanwatch.access import Permission, Role, role_of
from loanwatch.errors import InvalidInput, NotAuthenticated, NotFound, TooManyAttempts
from loanwatch.reports.i18n import LANGUAGES
from loanwatch.services.context import Service
from loanwatch.services.models import AuditEntry, Login, PlayerRef, UserAccount

if TYPE_CHECKING:
    from pwdlib import PasswordHash

MIN_PASSWORD = 8  # characters
MAX_NAME = 64
# The throttle: this many failures in THROTTLE_WINDOW refuse further logins (429) until it passes.
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_ADDRESS = 20
THROTTLE_WINDOW = timedelta(minutes=15)
TOUCH_EVERY = timedelta(seconds=60)  # a session's last use is written at most this often
KINDS = ("session", "token")
# The demo store's users (``loanwatch demo``), one per role, with passwords anyone may read: for
# the demo only, never a real store.
DEMO_USERS: tuple[tuple[str, Role, str], ...] = tuple((r.value, r, f"demo-{r.value}") for r in Role)


@cache
def _hasher() -> PasswordHash:
    """Argon2id with OWASP's setting (19 MiB, 2 passes, 1 lane: about 50 ms a check on one core of
    a small server); a hash carries its parameters, so older ones still verify."""
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    return PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19 * 1024, parallelism=1),))


def hash_secret(secret: str) -> str:
    """What the store keeps of a session id or a token."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _account(row: dict[str, Any]) -> UserAccount:
    return UserAccount(
        id=int(row["id"]),
        name=row["name"],
        role=row["role"],
        active=bool(row["active"]),
        created_at=row["created_at"],
        lang=row["lang"] or "en",
        as_of=row["as_of"],
    )


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME or any(c.isspace() for c in name):
        raise InvalidInput(f"user name {name!r}: 1 to {MAX_NAME} characters, no spaces")
    return name


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InvalidInput(f"language {lang!r}: one of {', '.join(LANGUAGES)}")
    return lang


class UsersService(Service):
    # -- the admin's ---------------------------------------------------------------------

    def add_user(self, name: str, role: str | Role, password: str) -> UserAccount:
        """A new user who may log in (the admin only). The password: 8 characters or more."""
        self.ctx.require(Permission.MANAGE_USERS)
        name, chosen = check_name(name), role_of(role)
        if len(password) < MIN_PASSWORD:
            raise InvalidInput(f"the password of {name!r} is too short: {MIN_PASSWORD} characters or more")
        if self.store.user(name=name) is not None:
            raise InvalidInput(f"there is already a user {name!r}")
        user_id = self.store.add_user(name, chosen.value, _hasher().hash(password), datetime.now())
        self.ctx.record("user added", name, role=chosen.value)
        return self._by_id(user_id)

    def users(self) -> list[UserAccount]:
        """Every user, by name (the admin only)."""
        self.ctx.require(Permission.MANAGE_USERS)
        return [_account(r) for r in self.store.users()]

    def disable_user(self, name: str) -> UserAccount:
        """The user may no longer log in; his sessions and tokens end now (the admin only)."""
        self.ctx.require(Permission.MANAGE_USERS)
        row = self._row(name)
        self.store.update_user(int(row["id"]), active=False)
        self.store.end_sessions(int(row["id"]))
        self.ctx.record("user disabled", row["name"])
        return self._by_id(int(row["id"]))

    # -- anyone's ------------------------------------------------------------------------

    def login(self, name: str, password: str, kind: str = "session") -> Login:
        """Check a name and password and open a session (``kind`` session: a new id each time) or
        an API token (``token``, ending after the setting ``token_hours``). A wrong name or password
        is a NotAuthenticated that does not say which; after too many failures (per name, per
        address) a TooManyAttempts, the password not even checked."""
        if kind not in KINDS:
            raise ValueError(f"kind {kind!r}: session or token")
        name = name.strip()[:MAX_NAME]
        now = datetime.now()
        since = now - THROTTLE_WINDOW
        by_name = self.store.failed_logins(since, user_name=name)
        by_address = self.store.failed_logins(since, address=self.ctx.origin) if self.ctx.origin else 0
        if by_name >= MAX_FAILURES_PER_NAME or by_address >= MAX_FAILURES_PER_ADDRESS:
            self.ctx.record("login", name, outcome="throttled", user_name=name, kind=kind)
            wait = int(THROTTLE_WINDOW.total_seconds())
            raise TooManyAttempts(
                f"too many failed logins: try again in {wait // 60} minutes", retry_after=wait
            )
        row = self.store.user(name=name)
        hasher = _hasher()
        if row is None:
            hasher.verify(password, _dummy_hash())  # the same time for a name that does not exist
            ok = False
        else:
            ok = bool(row["active"]) and hasher.verify(password, row["password_hash"])
        if not ok or row is None:
            self.ctx.record("login", name, outcome="failure", user_name=name, kind=kind)
            raise NotAuthenticated("wrong user name or password")
        secret = secrets.token_urlsafe(32)
        expires = now + timedelta(hours=self.ctx.settings.token_hours) if kind == "token" else None
        self.store.add_session(hash_secret(secret), int(row["id"]), kind, now, expires)
        self.ctx.record("login", name, user_name=name, kind=kind)
        return Login(secret=secret, kind=kind, user=_account(row), expires_at=expires)

    def authenticate(self, secret: str, kind: str = "session") -> UserAccount:
        """The user a session id (or token) belongs to; NotAuthenticated when it is unknown, has
        ended (a session idle longer than the setting ``session_idle_minutes``, a token past its
        end), or its user is disabled."""
        if not secret:
            raise NotAuthenticated("not logged in")
        key = hash_secret(secret)
        row = self.store.session(key)
        now = datetime.now()
        if row is None or row["kind"] != kind or not row["active"]:
            raise NotAuthenticated("not logged in, or the session has ended: log in again")
        idle = timedelta(minutes=self.ctx.settings.session_idle_minutes)
        ended = (row["expires_at"] is not None and row["expires_at"] <= now) or (
            kind == "session" and now - row["last_seen"] > idle
        )
        if ended:
            self.store.end_session(key)
            raise NotAuthenticated("the session has ended: log in again")
        if kind == "session" and now - row["last_seen"] > TOUCH_EVERY:
            self.store.touch_session(key, now)
        return UserAccount(
            id=int(row["user_id"]),
            name=row["name"],
            role=row["role"],
            active=True,
            created_at=row["user_created_at"],
            lang=row["lang"] or "en",
            as_of=row["as_of"],
        )

    def logout(self, secret: str) -> bool:
        """End a session (or token) now, on the server: its id no longer works."""
        ended = self.store.end_session(hash_secret(secret))
        if ended:
            self.ctx.record("logout", self.ctx.user.name)
        return ended

    def me(self) -> UserAccount:
        """The acting user's account and preferences."""
        return _account(self._row(self.ctx.user.name))

    def set_prefs(self, lang: str | None = None, as_of: date | None | str = "") -> UserAccount:
        """Keep the acting user's language (it, en, fr) and as-of date (None: the latest data;
        "" leaves it as it is)."""
        row = self._row(self.ctx.user.name)
        chosen = check_lang(lang) if lang is not None else row["lang"]
        day = row["as_of"] if as_of == "" else as_of
        self.store.set_prefs(int(row["id"]), chosen, day if isinstance(day, date) else None)
        return self._by_id(int(row["id"]))

    # -- helpers -------------------------------------------------------------------------

    def _row(self, name: str) -> dict[str, Any]:
        row = self.store.user(name=name)
        if row is None:
            raise NotFound(f"no user {name!r}")
        return row

    def _by_id(self, user_id: int) -> UserAccount:
        row = self.store.user(user_id=user_id)
        assert row is not None
        return _account(row)


@cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


class AuditService(Service):
    def viewed(self, ref: PlayerRef, what: str = "player") -> int:
        """Record that the acting user opened a player's page (``player``) or report (``report``)."""
        if what not in ("player", "report"):
            raise ValueError(f"viewed {what!r}: player or report")
        return self.ctx.record(f"viewed {what}", f"player {ref.id}", name=ref.display_name)

    def entries(
        self, *, limit: int = 100, offset: int = 0, user: str | None = None, action: str | None = None
    ) -> list[AuditEntry]:
        """The audit log, newest first (the director and the admin)."""
        self.ctx.require(Permission.READ_AUDIT)
        rows = self.store.audit_log(
            limit=max(1, min(limit, 1000)), offset=max(0, offset), user_name=user, action=action
        )
        return [
            AuditEntry(
                id=int(r["id"]),
                at=r["at"],
                user_name=r["user_name"],
                action=r["action"],
                target=r["target"],
                outcome=r["outcome"],
                address=r["address"],
                detail=json.loads(r["detail"]) if r["detail"] else {},
            )
            for r in rows
        ]
