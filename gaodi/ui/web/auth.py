"""Who is asking: an API token (``Authorization: Bearer gd_…``) or the session cookie.

A token must be known, not revoked, not expired and belong to an active user; anything else
in the Authorization header is a 401. Log-in throttling (per name, per address, per name and
address) lives in the database, shared by every server process: :mod:`gaodi.accounts.throttle`.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.orm import Session

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
            user = providers.get().user_for_session(db, session.user_id, session.version)
            if user is None:
                session.clear()  # logged out elsewhere, password changed, or deactivated
            else:
                identity = Identity.of(user)
    request.state.identity = identity
    request.state.principal = identity.principal
    return identity


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"
