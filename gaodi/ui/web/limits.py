"""Request bodies are bounded before they are read: a 1 GB POST to /login is refused at once.

An ASGI middleware (outside sessions and routing) picks the limit of each request:

* the public forms (log-in, log-out, the language switch) and any request with neither a session
  cookie nor an API token: ``ANONYMOUS_LIMIT`` — a log-in form is a few hundred bytes;
* ``multipart/form-data`` (file uploads) from a signed-in user: ``GAODI_UPLOAD_MAX_MB`` plus room
  for the form's other fields;
* any other body (forms, JSON) from a signed-in user: ``GAODI_REQUEST_MAX_KB``.

A declared ``Content-Length`` over the limit is answered 413 before a byte is read; a body sent
without one (chunked) is counted as it streams and refused as soon as it passes the limit, so
nothing past the limit is ever buffered or spooled to disk.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ANONYMOUS_LIMIT = 64 * 1024
#: Room for the fields that travel with an uploaded file (CSRF token, choices, a comment).
MULTIPART_OVERHEAD = 1024 * 1024
SESSION_COOKIE = b"gaodi_session="
#: Routes anyone may post to: a visitor has a session cookie (for its CSRF token) before log-in.
PUBLIC_FORMS = ("/login", "/logout", "/lang")


class BodyTooLarge(HTTPException):
    """A body over its limit (413): raised while the body streams in."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Request body over {limit} bytes")
        self.limit = limit


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {k.lower(): v for k, v in scope.get("headers", [])}


def body_limit(scope: Scope, request_max: int, upload_max: int) -> int:
    """The limit, in bytes, of this request's body."""
    if scope.get("path", "").rstrip("/") in PUBLIC_FORMS:
        return ANONYMOUS_LIMIT
    headers = _headers(scope)
    signed_in = SESSION_COOKIE in headers.get(b"cookie", b"") or headers.get(
        b"authorization", b""
    ).lower().startswith(b"bearer ")
    if not signed_in:
        return ANONYMOUS_LIMIT
    if headers.get(b"content-type", b"").lower().startswith(b"multipart/form-data"):
        return upload_max + MULTIPART_OVERHEAD
    return request_max


class BodyLimit:
    """The middleware (see the module's note)."""

    def __init__(self, app: ASGIApp, request_max: int, upload_max: int) -> None:
        self.app = app
        self.request_max = request_max
        self.upload_max = upload_max

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope, self.request_max, self.upload_max)
        declared = _headers(scope).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                too_big = True
            if too_big:
                await _refuse(scope, send, limit)
                return
        seen = 0

        async def bounded() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, bounded, watch)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(scope, send, limit)


async def _refuse(scope: Scope, send: Send, limit: int) -> None:
    """413 in the request's language and format, without reading the body."""
    path = scope.get("path", "")
    zh = f"请求内容过大：最多 {limit:,} 字节。"
    en = f"The request is too large: at most {limit:,} bytes."
    accept = _headers(scope).get(b"accept-language", b"")
    lang_en = accept.lower().startswith(b"en") or b"gaodi_lang=en" in _headers(scope).get(
        b"cookie", b""
    )
    message = en if lang_en else zh
    response: Any
    if path.startswith("/api/"):
        response = JSONResponse({"error": "too_large", "message": message}, status_code=413)
    else:
        response = PlainTextResponse(message, status_code=413)
    response.headers["Connection"] = "close"
    await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}
