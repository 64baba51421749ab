"""The application factory: ``create_app()`` builds the FastAPI app that ``gaodi serve`` runs.

from gaodi.web.app import create_app
app = create_app()              # the configured database
app = create_app(engine)        # a given SQLAlchemy engine (tests, benchmarks)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from starlette.routing import BaseRoute

import gaodi.models  # noqa: F401  (every model and its permission scope registered)
from gaodi import __version__, features
from gaodi.accounts import service as accounts
from gaodi.accounts.models import User
from gaodi.config import Settings, get_settings
from gaodi.core import clock
from gaodi.core.warmup import Busy, Warmer
from gaodi.db import get_engine, session_factory
from gaodi.system.service import data_version, dataset_info
from gaodi.ui.web import errors, providers
from gaodi.ui.web.blanks import DropBlankQueryParams
from gaodi.ui.web.limits import BodyLimit
from gaodi.ui.web.pages import API_PREFIX, Access, route_extra
from gaodi.ui.web.session import SessionMiddleware
from gaodi.web import registry

STATIC_DIR = Path(__file__).resolve().parent / "static"
OPENAPI_URL = f"{API_PREFIX}/openapi.json"
DOCS_URL = "/api/docs"

DESCRIPTION = """\
The JSON API of Gaodi (高地). Every page of the web app has a JSON twin here with the same data
and the same permission check. Authenticate with an API token (`gaodi user token NAME --name N`)
sent as `Authorization: Bearer gd_…`, or with the browser session (write requests then need the
`X-CSRF-Token` header). Errors are `{"error": code, "message": text}`; 401 means not signed in,
403 not allowed for the role, 404 unknown or outside the user's scope, 422 invalid input.
Each operation states its permission in `x-gaodi-access` (domain, action).
"""


def pool_capacity(engine: Engine) -> int | None:
    """How many connections the engine's pool hands out at most (None: unbounded)."""
    pool = engine.pool
    size = getattr(pool, "size", None)
    overflow = getattr(pool, "_max_overflow", None)
    if not callable(size) or overflow is None or overflow < 0:
        return None
    return int(size()) + int(overflow)


class ServedDatabase:
    """ASGI middleware: each request runs inside :func:`gaodi.core.clock.serving` of the app's
    database (the context variable reaches the worker threads that run the handlers)."""

    def __init__(self, app: Any, url: str) -> None:
        self.app = app
        self.url = url

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        with clock.serving(self.url):
            await self.app(scope, receive, send)


def worker_app() -> FastAPI:
    """The app of one ``gaodi serve --workers N`` process: the configured database and settings
    (the parent process upgraded the schema before starting the workers); each process warms
    its own caches when ``gaodi serve`` asked for it (``GAODI_WARM``, set by ``--warm``)."""
    import os

    return create_app(warm=os.environ.get("GAODI_WARM", "") == "1")


def _providers() -> providers.Providers:
    """The accounts and system services the web toolkit calls (it may not import them)."""
    return providers.Providers(
        user_for_token=accounts.user_for_token,
        user_for_session=accounts.user_for_session,
        get_user=lambda db, user_id: db.get(User, user_id),
        role_label=accounts.role_label,
        dataset_info=dataset_info,
        data_version=data_version,
        changes_version=changes_data_version,
    )


def changes_data_version(context: Any) -> bool:
    """Whether a writing statement may change ``data_version`` (the newest audit event that is
    not account bookkeeping): an audit event of the data, or any other change to the audit log.
    A statement it cannot read (raw SQL) may. Every data change writes such an event in the same
    transaction; a log-in or a language switch writes only account events."""
    from gaodi.audit.models import AuditEvent
    from gaodi.audit.service import NOT_DATA

    statement = getattr(getattr(context, "compiled", None), "statement", None)
    table = getattr(getattr(statement, "table", None), "name", None)
    if table is None:
        return True
    if table != AuditEvent.__tablename__:
        return False
    if not getattr(context, "isinsert", False):
        return True
    rows = getattr(context, "compiled_parameters", None) or [{}]
    return any(row.get("entity") not in NOT_DATA for row in rows)


def _warmer(engine: Engine, sessions: Any) -> Warmer:
    """The app's background warm-up (gaodi.core.warmup): the features' declared warms, run in
    the app database's day, after each data change."""
    url = engine.url.render_as_string(hide_password=False)
    return Warmer(sessions, data_version, features.warms(), serving=lambda: clock.serving(url))


def create_app(
    engine: Engine | None = None, settings: Settings | None = None, *, warm: bool = False
) -> FastAPI:
    """``warm``: recompute the heavy pages' data caches in the background at start and after
    each data change (``gaodi serve`` turns it on; off by default, so tests are unaffected)."""
    settings = settings or get_settings()
    engine = engine or get_engine()
    features.check("app")
    providers.install(_providers())
    capacity = pool_capacity(engine)
    factory = session_factory(engine)
    warmer = _warmer(engine, factory)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Each request runs in a worker thread and holds one pooled connection: never run
        # more threads than the pool has connections (else requests wait, then fail).
        if capacity:
            limiter = anyio.to_thread.current_default_thread_limiter()
            limiter.total_tokens = max(1, min(limiter.total_tokens, capacity))
        if warm:
            warmer.start()
        try:
            yield
        finally:
            warmer.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="Gaodi 高地 API",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=OPENAPI_URL,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = factory
    app.state.warmer = warmer
    errors.install(app)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.effective_secret_key,
        max_age=settings.session_max_age,
        https=settings.https,
    )
    app.add_middleware(DropBlankQueryParams)
    # The city's day comes from the database this app serves (the demo's record), for the pages
    # and for the steps they stamp alike, also when it is not the configured database.
    app.add_middleware(ServedDatabase, url=engine.url.render_as_string(hide_password=False))
    # requests under way (the warm-up yields to them) and writes (they poke it)
    app.add_middleware(Busy, warmer=warmer)
    # Added last, so outermost: a body is bounded before sessions or routes see it.
    app.add_middleware(
        BodyLimit,
        request_max=settings.request_max_kb * 1024,
        upload_max=settings.upload_max_mb * 1024 * 1024,
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get(DOCS_URL, include_in_schema=False, openapi_extra=route_extra(Access(public=True)))
    async def api_docs(request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=OPENAPI_URL,
            title="Gaodi API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/vendor/swagger-ui/favicon-32x32.png",
        )

    app.router.routes.extend(_feature_routes(registry.routers()))
    return app


#: the feature routers' routes as an app mounts them, by the routers' identities
_MOUNTED: dict[tuple[int, ...], tuple[BaseRoute, ...]] = {}


def _feature_routes(routers: list[APIRouter]) -> tuple[BaseRoute, ...]:
    """The feature routers as an app includes them, built once per process and shared.

    FastAPI (0.16x) analyses every route's dependencies again for each app that includes a
    router, at the app's first requests: 0.2–0.3 s of CPU per app. A server makes one app; the
    tests make hundreds, and that analysis was 4 % of the suite's CPU (docs/benchmarks/suite.md).
    The included routes depend on nothing of the app (no prefix, dependencies or dependency
    overrides), so every app of the process mounts the same ones and FastAPI keeps what it built
    on them. (The key holds the routers' ids; the kept routes hold the routers.)
    """
    key = tuple(id(router) for router in routers)
    if key not in _MOUNTED:
        template = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
        for router in routers:
            template.include_router(router)
        _MOUNTED[key] = tuple(template.router.routes)
    return _MOUNTED[key]
