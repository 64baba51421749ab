"""Who is asking: an API token (``Authorization: Bearer gd_…``) or the session cookie.

A token must be known, not revoked, not expired and belong to an active user; anything else
in the Authorization header is a 401. Log-in throttling (per name, per address, per name and
address) lives in the database, shared by every server process: :mod:`gaodi.accounts.throttle`.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session

from gaodi.core.permissions import Principal
from gaodi.ui.web import providers
from gaodi.ui.web.errors import Unauthorized
from gaodi.ui.web.session import WebSession


@dataclass(frozen=True)
class Identity:
    """Who is asking, as plain values (safe to use after the database session is closed)."""

    principal: Principal | None
    user_id: int | None = None
    username: str = ""
    display_name: str | None = None
    role: str = ""
    language: str | None = None
    via_token: bool = False

    @classmethod
    def of(cls, user: providers.UserRecord, via_token: bool = False) -> Identity:
        return cls(
            principal=Principal.from_user(user),
            user_id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            language=user.language,
            via_token=via_token,
        )


ANONYMOUS = Identity(None)


def web_session(request: Request) -> WebSession:
    session = getattr(request.state, "web_session", None)
    if session is None:  # app used without the middleware (should not happen)
        session = WebSession()
        request.state.web_session = session
    return session


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def has_authorization_header(request: Request) -> bool:
    return bool(request.headers.get("authorization"))


def identify(request: Request, db: Session) -> Identity:
    """The user behind the request, or anonymous. A bad bearer token is a 401, not anonymous."""
    cached = getattr(request.state, "identity", None)
    if isinstance(cached, Identity):
        return cached
    identity = ANONYMOUS
    if has_authorization_header(request):
        token = bearer_token(request)
        user = providers.get().user_for_token(db, token) if token else None
        if user is None:
            raise Unauthorized(
                "接口令牌无效、已过期或已吊销。", "The API token is invalid, expired or revoked."
            )
        identity = Identity.of(user, via_token=True)
    else:
        session = web_session(request)
        if session.user_id is not None and session.version is not None:
            engine = db.get_bind()
            assert isinstance(engine, Engine)
            kept = sessions.kept(engine, session.user_id, session.version)
            if kept is not None:
                identity = kept
            else:
                changes = sessions.changes(engine)
                user = providers.get().user_for_session(db, session.user_id, session.version)
                if user is None:
                    session.clear()  # logged out elsewhere, password changed, or deactivated
                else:
                    identity = Identity.of(user)
                    sessions.keep(engine, session.user_id, session.version, identity, changes)
    request.state.identity = identity
    request.state.principal = identity.principal
    return identity


def kept_identity(request: Request, engine: Engine) -> Identity | None:
    """Who asks, if that is known without the database: anonymous (no session user), or a
    session this process checked less than :data:`SESSION_SECONDS` ago; None when the cookie
    must be checked (or the request carries an Authorization header)."""
    if has_authorization_header(request):
        return None
    session = web_session(request)
    if session.user_id is None or session.version is None:
        return ANONYMOUS
    return sessions.kept(engine, session.user_id, session.version)


async def checked_identity(
    request: Request, engine: Engine, open_session: Callable[[], Session]
) -> Identity | None:
    """:func:`kept_identity`, else the session checked against the database in a worker thread
    (once for all the requests of the same session waiting for it) and kept; None when the
    request must go the full way (an Authorization header, a session no longer valid — the full
    way ends it —, a failed read)."""
    identity = kept_identity(request, engine)
    if identity is not None or has_authorization_header(request):
        return identity
    session = web_session(request)
    user_id, version = session.user_id, session.version
    assert user_id is not None and version is not None  # else kept_identity: anonymous

    def check() -> Identity | None:
        with open_session() as db:
            changes = sessions.changes(engine)
            user = providers.get().user_for_session(db, user_id, version)
            if user is None:
                return None
            found = Identity.of(user)
        sessions.keep(engine, user_id, version, found, changes)
        return found

    try:
        return await providers.single_flight(("session", engine, user_id, version), check)
    except Exception:  # the full way checks it again and reports what went wrong
        return None


# ---------------------------------------------------------------------------- checked sessions

#: How long a process trusts a session it checked against the database (seconds). A log-out, a
#: password change, a deactivation, a role, scope, language or name change made through this
#: process takes effect at once (the user's entries are dropped when it is committed); one made
#: by another process (another worker, the CLI) at most this much later.
SESSION_SECONDS = 0.5
#: Sessions kept at most per database (a signed cookie cannot be made up, so this only bounds
#: memory when very many users are signed in at once).
SESSION_ENTRIES = 10_000
#: The tables whose rows say who a user is and what they may see.
USER_TABLES = frozenset({"user_account", "user_scope"})


class _Sessions:
    """Per engine: (user id, session version) -> (checked at, Identity), and a count of the
    committed changes to users, so a check that raced with a change is not kept."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: weakref.WeakKeyDictionary[Engine, dict[tuple[int, int], tuple[float, Identity]]]
        self._kept = weakref.WeakKeyDictionary()
        self._changes: weakref.WeakKeyDictionary[Engine, int] = weakref.WeakKeyDictionary()

    def kept(self, engine: Engine, user_id: int, version: int) -> Identity | None:
        with self._lock:
            found = self._kept.get(engine, {}).get((user_id, version))
        if found is None or time.monotonic() - found[0] >= SESSION_SECONDS:
            return None
        return found[1]

    def changes(self, engine: Engine) -> int:
        with self._lock:
            return self._changes.get(engine, 0)

    def keep(
        self, engine: Engine, user_id: int, version: int, identity: Identity, changes: int
    ) -> None:
        """Keep a check begun when :meth:`changes` was ``changes`` (not if a change to users was
        committed since: the check may have read the old row)."""
        watch_user_changes()
        now = time.monotonic()
        with self._lock:
            if self._changes.get(engine, 0) != changes:
                return
            kept = self._kept.setdefault(engine, {})
            if len(kept) >= SESSION_ENTRIES:
                for key in [k for k, (at, _i) in kept.items() if now - at >= SESSION_SECONDS]:
                    del kept[key]
                if len(kept) >= SESSION_ENTRIES:
                    kept.clear()
            # stamped when the check began would be stricter by the length of one query
            kept[(user_id, version)] = (now, identity)

    def forget(self, engine: Engine, user_ids: set[int] | None) -> None:
        """Users changed (None: any user may have): their next request is checked again."""
        with self._lock:
            self._changes[engine] = self._changes.get(engine, 0) + 1
            kept = self._kept.get(engine)
            if not kept:
                return
            if user_ids is None:
                kept.clear()
            else:
                for key in [k for k in kept if k[0] in user_ids]:
                    del kept[key]


sessions = _Sessions()


def _after_flush(session: Session, _context: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table == "user_account":
            user_id = getattr(obj, "id", None)
        elif table == "user_scope":
            user_id = getattr(obj, "user_id", None)
        else:
            continue
        if isinstance(user_id, int):
            session.info.setdefault("gaodi_users_changed", set()).add(user_id)
        else:
            session.info["gaodi_users_changed_all"] = True


def _on_orm_execute(state: ORMExecuteState) -> None:
    # an UPDATE or DELETE statement on the user tables (not a flush): which users is unknown
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(getattr(state.statement, "table", None), "name", None)
        if table in USER_TABLES:
            state.session.info["gaodi_users_changed_all"] = True


def _after_commit(session: Session) -> None:
    everyone = session.info.pop("gaodi_users_changed_all", False)
    changed = session.info.pop("gaodi_users_changed", None)
    if not everyone and not changed:
        return
    engine = session.get_bind()
    if isinstance(engine, Engine):
        sessions.forget(engine, None if everyone else set(changed))


def _after_rollback(session: Session) -> None:
    session.info.pop("gaodi_users_changed_all", None)
    session.info.pop("gaodi_users_changed", None)


_watching = False
_watch_lock = threading.Lock()


def watch_user_changes() -> None:
    """Drop the kept sessions of the users a committed ORM change touched (every session of the
    process, whatever feature made the change). Idempotent."""
    global _watching
    with _watch_lock:
        if _watching:
            return
        _watching = True
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _on_orm_execute)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"
