"""Errors as friendly pages (HTML) or ``{"error", "message"}`` (JSON under /api/).

Anonymous visitors of a page are sent to ``/login?next=…``; API clients get 401. A GaodiError
keeps its status (403, 404, 409, 422 …); bad query parameters give 422 with the problems
listed; an unknown path gives 404. A database that cannot take a write (read-only, disk full,
locked, unreachable) gives 503 saying so. The server answers 500 only for a bug, and then
without details.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from gaodi.core.errors import GaodiError
from gaodi.core.storage import storage_problem
from gaodi.ui.web.i18n import N_

log = logging.getLogger("gaodi.web")


class Unauthorized(GaodiError):
    status_code = 401
    code = "unauthorized"


class CsrfFailed(GaodiError):
    status_code = 403
    code = "csrf_failed"


class TooManyAttempts(GaodiError):
    status_code = 429
    code = "too_many_attempts"


def unauthorized() -> Unauthorized:
    return Unauthorized("请先登录。", "Please sign in.")


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to return to after log-in (never another site: no scheme, no //host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(ch) < 32 for ch in target):
        return default
    return target


def _lang(request: Request) -> str:
    lang = getattr(request.state, "lang", None)
    if lang:
        return str(lang)
    from gaodi.config import get_settings
    from gaodi.ui.web.i18n import LANG_COOKIE, negotiate

    return negotiate(
        None,
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
        get_settings().language,
    )


def _html(
    request: Request, status: int, title_msgid: str, message: str, details: list[str] | None = None
) -> Response:
    from gaodi.ui.web.templating import render_error

    return render_error(request, status, title_msgid, message, details or [])


TITLES = {
    400: N_("Bad request"),
    401: N_("Please sign in"),
    403: N_("Access denied"),
    404: N_("Page not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    422: N_("Invalid input"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
    503: N_("Server busy"),
}
#: a 503 names what the database cannot do, not a busy server (core.storage codes)
STORAGE_TITLES = {
    "database_read_only": N_("Database is read-only"),
    "disk_full": N_("Disk full"),
    "database_locked": N_("Server busy"),
    "database_unavailable": N_("Database unavailable"),
}


def gaodi_error_response(request: Request, exc: GaodiError) -> Response:
    lang = _lang(request)
    status = exc.status_code
    if is_api(request):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(exc.to_dict(lang), status_code=status, headers=headers)
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            target = "/"
        return RedirectResponse(f"/login?next={quote(safe_next(target), safe='/')}", 303)
    title = TITLES.get(status, TITLES[400])
    if status == 503:
        title = STORAGE_TITLES.get(exc.code, title)
    return _html(request, status, title, exc.message(lang))


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body")]
        out.append({"field": ".".join(loc), "type": err.get("type"), "message": err.get("msg")})
    return out


def validation_response(request: Request, exc: RequestValidationError) -> Response:
    from gaodi.ui.web.i18n import Translator

    _ = Translator(_lang(request))
    details = _validation_details(exc)
    fields = ", ".join(d["field"] or "?" for d in details)
    message = _("Some parameters are not valid: %(fields)s.", fields=fields)
    if is_api(request):
        body = {"error": "validation_error", "message": message, "detail": details}
        return JSONResponse(body, status_code=422)
    lines = [f"{d['field']}: {d['message']}" for d in details]
    return _html(request, 422, TITLES[422], message, lines)


def http_error_response(request: Request, exc: StarletteHTTPException) -> Response:
    from gaodi.ui.web.i18n import Translator

    _ = Translator(_lang(request))
    status = exc.status_code
    messages = {
        404: _("There is no page at this address."),
        405: _("This address does not accept this kind of request."),
        413: _("The request is too large."),
    }
    message = messages.get(status) or _("The request could not be handled.")
    if is_api(request):
        codes = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}
        body = {"error": codes.get(status, "http_error"), "message": message}
        return JSONResponse(body, status_code=status, headers=getattr(exc, "headers", None))
    return _html(request, status, TITLES.get(status, TITLES[400]), message)


def overflow_response(request: Request, exc: Exception) -> Response:
    """A number too large for the database (bad input that slipped past validation)."""
    from gaodi.ui.web.i18n import Translator

    log.warning("number out of range on %s %s: %s", request.method, request.url.path, exc)
    _ = Translator(_lang(request))
    message = _("A number in the request is too large.")
    if is_api(request):
        return JSONResponse({"error": "validation_error", "message": message}, status_code=422)
    return _html(request, 422, TITLES[422], message)


def busy_response(request: Request, exc: Exception) -> Response:
    """Every database connection is in use: ask the client to retry (503), not a 500."""
    from gaodi.ui.web.i18n import Translator

    log.warning("database pool exhausted on %s %s: %s", request.method, request.url.path, exc)
    _ = Translator(_lang(request))
    message = _("The server is busy. Please try again in a moment.")
    headers = {"Retry-After": "5"}
    if is_api(request):
        body = {"error": "busy", "message": message}
        return JSONResponse(body, status_code=503, headers=headers)
    response = _html(request, 503, TITLES[503], message)
    response.headers.update(headers)
    return response


def storage_response(request: Request, exc: Exception) -> Response:
    """A write the database refused for want of storage (503 in words), not a traceback."""
    problem = storage_problem(exc)
    if problem is None:
        raise exc  # not a storage condition: the 500 handler logs it as the bug it is
    log.error("database refused %s %s: %s", request.method, request.url.path, exc)
    response = gaodi_error_response(request, problem)
    if problem.code in ("database_locked", "database_unavailable"):
        response.headers["Retry-After"] = "5"
    return response


def server_error_response(request: Request, exc: Exception) -> Response:
    from gaodi.ui.web.i18n import Translator

    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    _ = Translator(_lang(request))
    message = _("An unexpected error occurred. It has been logged; please try again later.")
    if is_api(request):
        return JSONResponse({"error": "server_error", "message": message}, status_code=500)
    return _html(request, 500, TITLES[500], message)


def install(app: FastAPI) -> None:
    async def on_gaodi(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, GaodiError)
        return gaodi_error_response(request, exc)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return validation_response(request, exc)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        return http_error_response(request, exc)

    async def on_overflow(request: Request, exc: Exception) -> Response:
        return overflow_response(request, exc)

    async def on_busy(request: Request, exc: Exception) -> Response:
        return busy_response(request, exc)

    async def on_storage(request: Request, exc: Exception) -> Response:
        return storage_response(request, exc)

    async def on_server(request: Request, exc: Exception) -> Response:
        return server_error_response(request, exc)

    app.add_exception_handler(GaodiError, on_gaodi)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(OverflowError, on_overflow)
    app.add_exception_handler(PoolTimeout, on_busy)
    app.add_exception_handler(DBAPIError, on_storage)
    app.add_exception_handler(Exception, on_server)
