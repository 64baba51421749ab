"""Signed session cookies, CSRF tokens and the security headers of every response.

The session lives in one cookie, signed with itsdangerous (HMAC-SHA1 over the payload with the
secret key; the payload is readable but cannot be forged): ``{"u": user id, "v": the user's
session_version, "c": CSRF secret, "t": login time, "f": flash messages}``. The cookie is
HttpOnly, SameSite=Lax, Secure when ``GAODI_HTTPS`` is set, and expires after
``GAODI_SESSION_MAX_AGE`` seconds from log-in. Log-out and password changes bump the user's
``session_version`` in the database, which invalidates every cookie already issued.

CSRF: every unsafe request (POST, PUT, PATCH, DELETE) made with the session cookie must carry
the session's CSRF secret, in the ``csrf_token`` form field or the ``X-CSRF-Token`` header
(htmx sends it from ``hx-headers`` on ``<body>``). Requests authenticated by an API token in
the Authorization header carry no ambient credentials and need none.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "gaodi_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Pages use only files served from /static; the API docs page needs one inline script.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
CSP_DOCS = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")


@dataclass
class WebSession:
    """The decoded session cookie of one request; changes are written back on the response."""

    data: dict[str, Any] = field(default_factory=dict)
    modified: bool = False

    @property
    def user_id(self) -> int | None:
        value = self.data.get("u")
        return value if isinstance(value, int) else None

    @property
    def version(self) -> int | None:
        value = self.data.get("v")
        return value if isinstance(value, int) else None

    @property
    def csrf_token(self) -> str:
        """The session's CSRF secret, created on first use."""
        token = self.data.get("c")
        if not isinstance(token, str) or len(token) < 20:
            token = secrets.token_urlsafe(32)
            self.data["c"] = token
            self.modified = True
        return token

    def check_csrf(self, token: str | None) -> bool:
        expected = self.data.get("c")
        if not token or not isinstance(expected, str):
            return False
        return hmac.compare_digest(token.encode(), expected.encode())

    def login(self, user_id: int, version: int) -> None:
        """Start a fresh session (new CSRF secret: no fixation of a pre-login session)."""
        self.data = {"u": user_id, "v": version, "t": int(time.time())}
        self.data["c"] = secrets.token_urlsafe(32)
        self.modified = True

    def clear(self) -> None:
        flashes = self.data.get("f")
        self.data = {"c": secrets.token_urlsafe(32)}
        if flashes:
            self.data["f"] = flashes
        self.modified = True

    def flash(self, message: str, kind: str = "success") -> None:
        self.data.setdefault("f", []).append([kind, message[:300]])
        self.modified = True

    def pop_flashes(self) -> list[tuple[str, str]]:
        flashes = self.data.pop("f", None)
        if not flashes:
            return []
        self.modified = True
        return [(str(k), str(m)) for k, m in flashes][:10]


class SessionMiddleware:
    """Pure ASGI middleware: decode the cookie into ``request.state.web_session``, write it back
    when it changed, and add the security headers."""

    def __init__(self, app: ASGIApp, secret_key: str, max_age: int, https: bool) -> None:
        self.app = app
        self.serializer = URLSafeTimedSerializer(secret_key, salt="gaodi.session")
        self.max_age = max_age
        self.https = https

    def _load(self, raw: str | None) -> dict[str, Any]:
        if not raw:
            return {}
        try:
            data = self.serializer.loads(raw, max_age=self.max_age)
        except (BadSignature, ValueError, TypeError):
            return {}
        if not isinstance(data, dict):
            return {}
        login_time = data.get("t")
        if isinstance(login_time, int) and time.time() - login_time > self.max_age:
            return {}  # absolute lifetime, counted from log-in
        return data

    def cookie_header(self, session: WebSession) -> str:
        value = self.serializer.dumps(session.data)
        parts = [
            f"{SESSION_COOKIE}={value}",
            "Path=/",
            f"Max-Age={self.max_age}",
            "HttpOnly",
            "SameSite=Lax",
        ]
        if self.https:
            parts.append("Secure")
        return "; ".join(parts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = None
        authorized = False
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                authorized = True
            if name == b"cookie":
                cookies: SimpleCookie = SimpleCookie()
                try:
                    cookies.load(value.decode("latin-1"))
                except Exception:  # a malformed Cookie header is ignored, not an error
                    continue
                if SESSION_COOKIE in cookies:
                    raw = cookies[SESSION_COOKIE].value
        session = WebSession(self._load(raw))
        scope.setdefault("state", {})["web_session"] = session
        path: str = scope.get("path", "")

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if session.modified:
                    headers.append("set-cookie", self.cookie_header(session))
                headers.setdefault("x-content-type-options", "nosniff")
                headers.setdefault("x-frame-options", "DENY")
                headers.setdefault("referrer-policy", "same-origin")
                headers.setdefault(
                    "content-security-policy", CSP_DOCS if path == "/api/docs" else CSP
                )
                signed_in = session.user_id is not None or authorized
                if signed_in and not path.startswith("/static/"):
                    headers.setdefault("cache-control", "no-store")
            await send(message)

        await self.app(scope, receive, send_wrapper)
