"""The web app's records: users (name, role, password hash, preferences), their sessions and API
tokens (only the SHA-256 of each secret), and the audit log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from loanwatch.store import schema as t
from loanwatch.store.base import StoreBase


class UserStore(StoreBase):
    """Users, sessions and tokens, the audit log."""

    # -- users ----------------------------------------------------------------------------

    def add_user(self, name: str, role: str, password_hash: str, now: datetime) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(
                insert(t.users).values(
                    name=name, role=role, password_hash=password_hash, active=True, created_at=now, lang="en"
                )
            )
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def user(self, *, name: str | None = None, user_id: int | None = None) -> dict[str, Any] | None:
        q = select(t.users)
        q = q.where(t.users.c.name == name) if name is not None else q.where(t.users.c.id == user_id)
        with self.engine.connect() as conn:
            row = conn.execute(q).first()
        return None if row is None else dict(row._mapping)

    def users(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(t.users).order_by(t.users.c.name))]

    def update_user(self, user_id: int, **values: Any) -> None:
        """Set some of a user's columns (active, role, password_hash, lang, as_of)."""
        with self.engine.begin() as conn:
            conn.execute(update(t.users).where(t.users.c.id == user_id).values(**values))

    def set_prefs(self, user_id: int, lang: str, as_of: date | None) -> None:
        self.update_user(user_id, lang=lang, as_of=as_of)

    # -- sessions and tokens ---------------------------------------------------------------

    def add_session(
        self, id_hash: str, user_id: int, kind: str, now: datetime, expires_at: datetime | None
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(t.sessions).values(
                    id_hash=id_hash,
                    user_id=user_id,
                    kind=kind,
                    created_at=now,
                    last_seen=now,
                    expires_at=expires_at,
                )
            )

    def session(self, id_hash: str) -> dict[str, Any] | None:
        """A session or token with its user's name, role, active, lang, as_of and
        ``user_created_at``, or None."""
        u = t.users
        q = (
            select(
                t.sessions,
                u.c.name,
                u.c.role,
                u.c.active,
                u.c.lang,
                u.c.as_of,
                u.c.created_at.label("user_created_at"),
            )
            .join(u, u.c.id == t.sessions.c.user_id)
            .where(t.sessions.c.id_hash == id_hash)
        )
        with self.engine.connect() as conn:
            row = conn.execute(q).first()
        return None if row is None else dict(row._mapping)

    def touch_session(self, id_hash: str, now: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(t.sessions).where(t.sessions.c.id_hash == id_hash).values(last_seen=now))

    def end_session(self, id_hash: str) -> bool:
        with self.engine.begin() as conn:
            return bool(conn.execute(delete(t.sessions).where(t.sessions.c.id_hash == id_hash)).rowcount)

    def end_sessions(self, user_id: int) -> int:
        """End every session and token of a user (disabled, or his password changed)."""
        with self.engine.begin() as conn:
            return int(conn.execute(delete(t.sessions).where(t.sessions.c.user_id == user_id)).rowcount)

    # -- the audit log ---------------------------------------------------------------------

    def record_audit(self, row: dict[str, Any]) -> int:
        with self.engine.begin() as conn:
            return int(conn.execute(insert(t.audit_log).values(**row)).inserted_primary_key[0])  # type: ignore[index]

    def audit_log(
        self,
        *,
        limit: int = 100,
        offset: int = 0,
        user_name: str | None = None,
        action: str | None = None,
    ) -> list[dict[str, Any]]:
        """The newest entries first."""
        a = t.audit_log
        q = select(a).order_by(a.c.at.desc(), a.c.id.desc()).limit(limit).offset(offset)
        if user_name is not None:
            q = q.where(a.c.user_name == user_name)
        if action is not None:
            q = q.where(a.c.action == action)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def failed_logins(
        self, since: datetime, *, user_name: str | None = None, address: str | None = None
    ) -> int:
        """Failed logins since then for a name (after its last successful login) or from an
        address (all of them: an attacker's own account does not reset the address's count)."""
        a = t.audit_log
        where = [a.c.action == "login", a.c.at >= since, a.c.outcome == "failure"]
        if user_name is not None:
            last_ok = (
                select(func.max(a.c.id))
                .where(a.c.action == "login", a.c.user_name == user_name, a.c.outcome == "ok")
                .scalar_subquery()
            )
            where += [a.c.user_name == user_name, a.c.id > func.coalesce(last_ok, 0)]
        if address is not None:
            where.append(a.c.address == address)
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(a).where(*where)).scalar() or 0)
