"""Blank query parameters mean "no filter".

An HTML filter form sends every field, so an unchosen select arrives as ``?level=``; a pager
link copies the same blanks. Validated as given, ``level=""`` is a 422 for an integer or a
choice. This middleware drops blank parameters from GET and HEAD query strings, so every page
and JSON twin reads them as absent (their defaults). Non-blank values are untouched.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Receive, Scope, Send


class DropBlankQueryParams:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            raw: bytes = scope.get("query_string", b"")
            if (raw and b"=&" in raw + b"&") or raw.endswith(b"="):
                pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
                kept = [(k, v) for k, v in pairs if v.strip() != ""]
                scope = dict(scope)
                scope["query_string"] = urlencode(kept).encode("latin-1")
        await self.app(scope, receive, send)
