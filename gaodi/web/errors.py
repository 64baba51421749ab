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
from gaodi.web.i18n import N_

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


class StorageUnavailable(GaodiError):
    """The database cannot take a write now: read-only, disk full, locked or out of reach."""

    status_code = 503

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(zh, en)
        self.code = code


#: (code, words of SQLite's message, SQLSTATEs or their classes of PostgreSQL, zh, en)
STORAGE_PROBLEMS: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str, str], ...] = (
    (
        "database_read_only",
        ("readonly database",),
        ("25006",),  # read_only_sql_transaction (a standby, default_transaction_read_only)
        "数据库当前为只读，无法保存更改（例如磁盘以只读方式挂载，或数据库文件不允许写入）。"
        "已有数据仍可查看；请联系管理员。",
        "The database is read-only at the moment, so changes cannot be saved (for example the "
        "disk is mounted read-only, or the database file may not be written). Existing data "
        "can still be viewed; please tell an administrator.",
    ),
    (
        "disk_full",
        ("database or disk is full", "disk i/o error"),
        ("53100", "53200"),  # disk_full, out_of_memory
        "数据库所在的磁盘已满（或无法写入），无法保存更改。请联系管理员释放空间。",
        "The disk holding the database is full (or cannot be written), so changes cannot be "
        "saved. Please tell an administrator to free some space.",
    ),
    (
        "database_locked",
        ("database is locked", "database table is locked"),
        ("55P03", "40P01"),  # lock_not_available, deadlock_detected
        "数据库正忙于另一项写入，本次未保存任何更改，请稍后重试。",
        "The database is busy with another write; nothing was saved. Please try again in a moment.",
    ),
    (
        "database_unavailable",
        ("unable to open database file", "server closed the connection", "connection refused"),
        ("08", "57P"),  # connection exceptions, operator intervention (shutdown)
        "数据库暂时无法访问，请稍后重试或联系管理员。",
        "The database cannot be reached at the moment. Please try again later or tell an "
        "administrator.",
    ),
)


def storage_problem(exc: BaseException) -> StorageUnavailable | None:
    """The clear error for a database that cannot take a write, else ``None`` (a bug)."""
    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    text = str(orig).lower()
    state = str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")
    for code, words, states, zh, en in STORAGE_PROBLEMS:
        if any(w in text for w in words) or (state and state.startswith(states)):
            return StorageUnavailable(code, zh, en)
    return None


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
    from gaodi.web.i18n import LANG_COOKIE, negotiate

    return negotiate(
        None,
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
        get_settings().language,
    )


def _html(
    request: Request, status: int, title_msgid: str, message: str, details: list[str] | None = None
) -> Response:
    from gaodi.web.templating import render_error

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
    return _html(request, status, TITLES.get(status, TITLES[400]), exc.message(lang))


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body")]
        out.append({"field": ".".join(loc), "type": err.get("type"), "message": err.get("msg")})
    return out


def validation_response(request: Request, exc: RequestValidationError) -> Response:
    from gaodi.web.i18n import Translator

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
    from gaodi.web.i18n import Translator

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
    from gaodi.web.i18n import Translator

    log.warning("number out of range on %s %s: %s", request.method, request.url.path, exc)
    _ = Translator(_lang(request))
    message = _("A number in the request is too large.")
    if is_api(request):
        return JSONResponse({"error": "validation_error", "message": message}, status_code=422)
    return _html(request, 422, TITLES[422], message)


def busy_response(request: Request, exc: Exception) -> Response:
    """Every database connection is in use: ask the client to retry (503), not a 500."""
    from gaodi.web.i18n import Translator

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
    from gaodi.web.i18n import Translator

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
