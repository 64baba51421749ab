"""Rendered pages shared by viewers of the same scope: the HTML, not only the data, is cached.

Under load a warm page's data already comes from the caches of :mod:`gaodi.core.memo`; what was
left (a profile of warm requests: about nine tenths) was rendering the same Jinja template again
for every reader. A page declared with ``@page(..., shared=SECONDS)`` is rendered once per

    database, template, path with its query, language, role and scopes, signed-in or not,
    demo or not, the city's today and the data version

and served from that rendering to every other request with the same key. The key holds nothing
of the user but role and scopes (:func:`gaodi.core.memo.scope_key`), so five park offices of one
park share one rendering and no other scope ever gets it. Only a page whose output depends on
nothing else may be shared (not the account page, not a page with a form that echoes input).

The two things in the layout that name the requester — the CSRF token and the user's name — are
rendered as markers and put in per request (escaped), so a shared rendering never carries
another user's token or name. A request with a pending flash message is rendered as usual (the
message is the user's own) and not cached; errors are never cached (:class:`~gaodi.core.memo.Memo`).

No input can grow the cache without bound: a URL whose query names a parameter the page does not
take (``?x=1``, ``?utm_source=…``) is answered for itself, not kept — otherwise every made-up
query would be a new entry (and the first requester's junk would be echoed to the next reader in
links built from the query) — and the renderings are bounded by their size in memory as well as
by their number (``CACHE_BYTES``; one over a quarter of it is served but not kept).
"""

from __future__ import annotations

import re
import secrets
import sys
import threading
from collections.abc import Callable, Collection, Hashable
from typing import Any, TypeVar

from fastapi import Request
from markupsafe import escape
from pydantic import BaseModel
from sqlalchemy.engine import Engine

from gaodi.core import clock
from gaodi.core.memo import Memo, scope_key
from gaodi.ui.web import providers
from gaodi.ui.web.context import PageContext, fresh_dataset

#: Seconds a shared rendering lives at most (the key already changes with the data version and
#: the day; the age bounds how stale a time-dependent card may get, as for the overview's data).
CACHE_SECONDS = 30.0
CACHE_ENTRIES = 512
#: Memory the renderings and JSON results of one app may hold (an estimate: a rendering's size as
#: a Python string; a result's as its JSON text, times two for the objects behind it).
CACHE_BYTES = 128 * 1024 * 1024

# Markers unlikely in any page, unchanged by HTML escaping (letters and digits only), new each
# process so a page cannot be crafted to contain them.
_TOKEN = "gaodiCsrf" + secrets.token_hex(8)
_USER = "gaodiUser" + secrets.token_hex(8)
#: Where a shared rendering's forms take their one-time key (``pages.once_key``): each place
#: gets a fresh key per request, as each request gets its own CSRF token.
ONCE_MARK = "gaodiOnce" + secrets.token_hex(8)

_lock = threading.Lock()
T = TypeVar("T")


class SharedContext:
    """The page context as a shared rendering sees it: the requester's CSRF token and name are
    markers, flash messages none (a request with pending ones is not shared)."""

    def __init__(self, ctx: PageContext) -> None:
        self._ctx = ctx

    csrf_token = _TOKEN
    user_label = _USER
    flashes: list[tuple[str, str]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ctx, name)


def _memo(ctx: PageContext) -> Memo[Any]:
    """The app's cache of renderings (one per app, so per database and settings)."""
    state = ctx.request.app.state
    memo: Memo[Any] | None = getattr(state, "rendered_pages", None)
    if memo is None:
        with _lock:
            memo = getattr(state, "rendered_pages", None)
            if memo is None:
                memo = state.rendered_pages = Memo(
                    CACHE_ENTRIES, CACHE_SECONDS, weigh=weight, max_weight=CACHE_BYTES
                )
    return memo


def weight(value: Any) -> int:
    """About how much memory a kept rendering or result holds (bytes)."""
    if isinstance(value, str):
        return sys.getsizeof(value)
    if isinstance(value, BaseModel):
        return 2 * len(value.model_dump_json())
    return sys.getsizeof(value)


def key(ctx: PageContext, what: str, params: Collection[str] | None = None) -> Hashable | None:
    """What a shared rendering of ``what`` (a template, or ``json:`` and the route) for this
    request depends on; None when the request must be answered for itself (pending flash
    messages, a query parameter not in ``params`` — the names the page takes —, an unwired
    data version)."""
    if not _shareable(ctx, params):
        return None
    version = providers.data_version(ctx.session)
    if version is None:
        return None
    return _key(ctx, what, version)


def _shareable(ctx: PageContext, params: Collection[str] | None) -> bool:
    if ctx.web_session.data.get("f"):
        return False
    return params is None or all(name in params for name in ctx.request.query_params)


def _key(ctx: PageContext, what: str, version: int) -> Hashable:
    principal = ctx.principal
    return (
        database(ctx.request),
        what,
        ctx.full_path,
        ctx.lang,
        scope_key(principal) if principal is not None else None,
        ctx.signed_in,
        ctx.is_demo,
        # the city's today as this request's dataset record says (the same record in the full
        # and the kept path, read through the app's short-lived cache of it)
        clock.city_today(ctx.dataset)[0],
        version,
    )


def engine(request: Request) -> Engine:
    """The database engine of the app serving ``request``."""
    state = request.app.state
    found = getattr(state, "engine", None)
    if not isinstance(found, Engine):
        found = state.session_factory.kw["bind"]
    return found  # type: ignore[no-any-return]


def database(request: Request) -> str:
    """The app's database as a key part (its URL without the password)."""
    state = request.app.state
    url: str | None = getattr(state, "rendered_database", None)
    if url is None:
        url = state.rendered_database = engine(request).url.render_as_string(hide_password=True)
    return url


async def kept(
    ctx: PageContext,
    template: str,
    seconds: float = CACHE_SECONDS,
    params: Collection[str] | None = None,
) -> str | None:
    """The page's HTML for this request if its shared rendering is already kept; None otherwise
    (the request goes the full way). Runs on the event loop: the data version and the dataset
    record come from what this process read moments ago, or are read again in one worker
    thread for all the requests waiting for them.

    ``ctx`` has no database session; its identity must be the one :func:`auth.identify` would
    give (:func:`gaodi.ui.web.auth.checked_identity`) and the access check done by the caller."""
    state = ctx.request.app.state
    memo: Memo[Any] | None = getattr(state, "rendered_pages", None)
    if memo is None or not _shareable(ctx, params):
        return None
    version = await providers.fresh_data_version(engine(ctx.request), state.session_factory)
    dataset = await fresh_dataset(ctx.request)
    if version is None or dataset is None:
        return None
    ctx.__dict__["dataset"] = dataset  # PageContext.dataset, without reading the database
    html = memo.peek(_key(ctx, template, version), _max_age(ctx, seconds))
    if html is None:
        return None
    # counted for tests and benchmarks (only the event loop's thread runs this)
    state.kept_served = getattr(state, "kept_served", 0) + 1
    return personal(html, ctx)


def _max_age(ctx: PageContext, seconds: float) -> float:
    # an app may shorten (tests: 0 turns sharing off) but never lengthen a page's own age
    override = getattr(ctx.request.app.state, "page_cache_seconds", None)
    return seconds if override is None else min(seconds, float(override))


def shared(
    ctx: PageContext,
    template: str,
    render: Callable[[Any], str],
    seconds: float = CACHE_SECONDS,
    params: Collection[str] | None = None,
) -> str | None:
    """The page's HTML for this request from the shared rendering (``render(shared_ctx)`` runs
    once per key); None when this request is not to be shared (render it as usual)."""
    found = key(ctx, template, params)
    if found is None:
        return None
    html = _memo(ctx).get(found, lambda: render(SharedContext(ctx)), _max_age(ctx, seconds))
    return personal(html, ctx)


def result(
    ctx: PageContext,
    route: str,
    compute: Callable[[], T],
    seconds: float = CACHE_SECONDS,
    params: Collection[str] | None = None,
) -> T:
    """The JSON twin's result, computed once per the same key as the page's rendering (a
    result names nobody, so nothing is put in per request)."""
    found = key(ctx, f"json:{route}", params)
    if found is None:
        return compute()
    return _memo(ctx).get(found, compute, _max_age(ctx, seconds))  # type: ignore[return-value]


def personal(html: str, ctx: PageContext) -> str:
    """A shared rendering with the requester's CSRF token and name put in, and a new one-time
    key in each form (a double-click on a shared page's form is then a repeat like any other)."""
    html = html.replace(_TOKEN, str(escape(ctx.csrf_token))).replace(
        _USER, str(escape(ctx.user_label))
    )
    if ONCE_MARK in html:
        html = re.sub(ONCE_MARK, lambda _: secrets.token_hex(16), html)
    return html
