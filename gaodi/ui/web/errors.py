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
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from gaodi.core.errors import GaodiError
from gaodi.core.storage import duplicate_write, number_out_of_range, storage_problem
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
        return login_redirect(request)
    title = TITLES.get(status, TITLES[400])
    if status == 503:
        title = STORAGE_TITLES.get(exc.code, title)
    return _html(request, status, title, exc.message(lang))


def _same_site_path(request: Request, url: str | None) -> str | None:
    """The path and query of ``url`` when it is an address of this site (as the browser named
    it: the Host header), else None."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc != request.headers.get("host", ""):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def same_origin(request: Request) -> bool:
    """Whether the browser says this request was sent from a page of this site: by
    ``Sec-Fetch-Site`` where it sends one, else by ``Origin``, else by ``Referer`` (against the
    Host header, as :func:`_same_site_path`). No evidence is not this site: a post that names
    no origin at all is treated as another site's."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    host = request.headers.get("host", "")
    origin = request.headers.get("origin")
    if origin is not None:
        return bool(host) and origin != "null" and urlsplit(origin).netloc == host
    return bool(host) and _same_site_path(request, request.headers.get("referer")) is not None


def login_redirect(request: Request) -> Response:
    """An anonymous request for a page goes to log-in, with ``next`` the page to come back to.
    A form posted after the session ended (logged out in another tab, the absolute lifetime
    reached) comes back to the form's page (the Referer: the POST address may not be a page)
    and the login page says the entry was not saved. An htmx request (a filter, a poll) is told
    to load the login page in place of the whole page (``HX-Redirect``): followed by htmx, the
    login page would be swapped into a part of the page, or the results vanish. 退出 (log-out)
    pressed after the session ended lands on the log-in page saying the user is signed out."""
    htmx = request.headers.get("hx-request") == "true"
    if request.url.path.rstrip("/") == "/logout" and not htmx:
        # 退出 pressed on a page whose session had already ended: nothing was lost, the user
        # is simply signed out (the notice says so, not "what you entered was not saved"), and
        # a new log-in starts at the overview, as after an ordinary log-out
        return RedirectResponse("/login?next=/&reason=signed_out", 303)
    target: str | None = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if htmx:
        target = _same_site_path(request, request.headers.get("hx-current-url"))
    elif request.method != "GET":
        target = _same_site_path(request, request.headers.get("referer"))
    url = f"/login?next={quote(safe_next(target), safe='/')}"
    if request.method != "GET":
        url += "&reason=unsaved"
    elif htmx:
        url += "&reason=ended"
    if htmx:
        return Response(status_code=401, headers={"HX-Redirect": url})
    return RedirectResponse(url, 303)


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        # the first part says where the value came from; only it is dropped (a body field
        # named "path", a target's expected path, is a field and keeps its name)
        loc = [str(p) for p in err.get("loc", ())]
        if loc and loc[0] in ("query", "path", "body"):
            loc = loc[1:]
        out.append({"field": ".".join(loc), "type": err.get("type"), "message": err.get("msg")})
    return out


# ---------------------------------------------------------------------------- bad parameters
# A 422 page says what is wrong in the page's language, naming the parameter as people call it
# and the form it takes (never pydantic's English or a regex); the JSON keeps the raw details.

#: What people call a parameter of the address; one not listed is named as written.
PARAM_LABELS = {
    "as_of": N_("As-of date"),
    "as_of_day": N_("As-of date"),
    "known_on": N_("Values known on"),
    "page": N_("Page number"),
    "page_no": N_("Page number"),
    "per_page": N_("Rows per page"),
    "year": N_("Year"),
    "top": N_("Number of rows shown"),
    "limit": N_("Number of results"),
    "refresh": N_("Refresh interval (minutes)"),
    "level": N_("Level"),
    "district": N_("District code"),
    "industry": N_("Industry code (GB/T 4754)"),
    "q": N_("Search words"),
    "status": N_("Status"),
    "stage": N_("Stage"),
    "by": N_("Grouping"),
    "plan_id": N_("Plan number"),
    "target_id": N_("Target number"),
    "project_id": N_("Project number"),
    "enterprise_id": N_("Enterprise number"),
    "chain_id": N_("Chain number"),
    "link_id": N_("Chain link number"),
    "park_id": N_("Park number"),
    "challenge_id": N_("Challenge number"),
    "appeal_id": N_("Appeal number"),
    "declaration_id": N_("Declaration number"),
    "user_id": N_("User number"),
    # a body field of the API's steps (POST …/act): a step's comment or a correction's reason
    "comment": N_("Comment"),
}
#: A parameter that takes a month (YYYY-MM) rather than a day is a different thing for people.
MONTH_LABELS = {"as_of": N_("As-of month")}
MONTH_PATTERN = r"\d{4}-(0[1-9]|1[0-2])"
DAY_PATTERN = r"\d{4}-\d{2}-\d{2}"
#: Bounds the app puts on every id and integer filter (what an INTEGER column holds on both
#: databases, 2,147,483,647) say nothing to someone who typed letters; to someone who typed a
#: number beyond them they are the answer.
MEANINGFUL_BOUND = 2**31 - 1


def _declared(request: Request, field: str) -> Any:
    """The route's declaration (a pydantic FieldInfo) of the parameter named ``field`` in the
    address, also inside a filter model of query parameters or the JSON body's model; None
    when not found."""
    from pydantic import BaseModel

    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    stack = [dependant] if dependant is not None else []
    while stack:
        dep = stack.pop()
        for param in [*dep.query_params, *dep.path_params, *dep.body_params]:
            info = param.field_info
            if field in (param.alias, param.name):
                return info
            model = info.annotation
            if isinstance(model, type) and issubclass(model, BaseModel):
                for name, sub in model.model_fields.items():
                    if field in (sub.alias, name):
                        return sub
        stack.extend(dep.dependencies)
    return None


def _form_label(info: Any) -> str | None:
    """The msgid a body field is named by on its form (``json_schema_extra={"x-label": …}``,
    set by the input models: 榜单名称 for a challenge's ``title``), or None."""
    extra = getattr(info, "json_schema_extra", None)
    label = extra.get("x-label") if isinstance(extra, dict) else None
    return label if isinstance(label, str) else None


def _facts(info: Any) -> dict[str, Any]:
    """Bounds, pattern and maximum length a parameter is declared with."""
    facts: dict[str, Any] = {}
    for item in getattr(info, "metadata", None) or ():
        for name in ("ge", "gt", "le", "lt", "max_length", "pattern"):
            value = getattr(item, name, None)
            if value is not None:
                facts[name] = value
    return facts


def _bound(value: Any, technical: bool = False) -> Any:
    """A bound worth saying: any bound of a number out of range (``technical``), else one below
    the bounds every id has."""
    if not isinstance(value, int | float):
        return None
    return value if technical or abs(value) < MEANINGFUL_BOUND else None


def _whole_number(_: Any, name: str, facts: dict[str, Any], out_of_range: bool = False) -> str:
    low = _bound(facts.get("ge"), out_of_range)
    if low is None and _bound(facts.get("gt"), out_of_range) is not None:
        low = facts["gt"] + 1
    high = _bound(facts.get("le"), out_of_range)
    if high is None and _bound(facts.get("lt"), out_of_range) is not None:
        high = facts["lt"] - 1
    if low is not None and high is not None:
        return str(
            _(
                "%(name)s must be a whole number from %(low)s to %(high)s.",
                name=name,
                low=low,
                high=high,
            )
        )
    if low is not None:
        return str(_("%(name)s must be a whole number not less than %(low)s.", name=name, low=low))
    if high is not None:
        return str(
            _("%(name)s must be a whole number not greater than %(high)s.", name=name, high=high)
        )
    return str(_("%(name)s must be a whole number.", name=name))


def _choices(annotation: Any) -> list[str]:
    """The values a Literal parameter (or an optional one) takes, as typed in the address."""
    from typing import Literal, get_args, get_origin

    if get_origin(annotation) is Literal:
        return [str(v) for v in get_args(annotation) if v not in (None, "")]
    for arg in get_args(annotation):
        found = _choices(arg)
        if found:
            return found
    return []


def _problem(_: Any, request: Request, field: str, err: dict[str, Any]) -> tuple[str, str]:
    """(the parameter's name for people, what is wrong with it) in ``_``'s language."""
    kind = str(err.get("type") or "")
    ctx = err.get("ctx") or {}
    info = _declared(request, field)
    facts = _facts(info)
    pattern = str(facts.get("pattern") or ctx.get("pattern") or "")
    month = MONTH_PATTERN in pattern
    base = field.rsplit(".", 1)[-1]
    # the form's own word for a body field first (the same msgid its template shows)
    label = _form_label(info) or (MONTH_LABELS if month else PARAM_LABELS).get(base)
    name = _(label) if label else (_("Parameter “%(name)s”", name=base) if base else "")
    annotation = str(getattr(info, "annotation", "") or "")
    if kind == "missing":
        return name, _("%(name)s is missing.", name=name)
    if kind == "control_character":
        return name, _(
            "%(name)s holds an invisible control character (%(char)s): delete it and try again.",
            name=name,
            char=ctx.get("char") or "?",
        )
    if kind == "invisible_text":
        return name, _("%(name)s must have a visible character.", name=name)
    if kind.startswith("int") or (kind.startswith(("greater", "less")) and "int" in annotation):
        for key in ("ge", "gt", "le", "lt"):
            facts.setdefault(key, ctx.get(key))
        return name, _whole_number(_, name, facts, kind.startswith(("greater", "less")))
    if kind.startswith(("greater", "less", "float", "decimal")):
        return name, _("%(name)s must be a number.", name=name)
    if kind.startswith(("date", "datetime")) or DAY_PATTERN in pattern:
        return name, _(
            "%(name)s must be a real date in the form YYYY-MM-DD (for example 2023-06-30).",
            name=name,
        )
    if month:
        return name, _("%(name)s must be in the form YYYY-MM (for example 2023-06).", name=name)
    if kind == "string_pattern_mismatch":
        if pattern in (r"^\d{6}$", r"\d{6}"):
            return name, _("%(name)s must be a code of 6 digits.", name=name)
        return name, _("%(name)s is not in the expected form.", name=name)
    if kind == "string_too_long":
        limit = ctx.get("max_length") or facts.get("max_length")
        n = f"{limit:,}" if isinstance(limit, int) else limit  # 2,000 as the form says it
        return name, _("%(name)s is too long: at most %(n)s characters.", name=name, n=n)
    if kind.startswith("bool"):
        return name, _("%(name)s must be true or false.", name=name)
    if kind in ("literal_error", "enum"):
        allowed = _choices(getattr(info, "annotation", None))
        sep = "、" if _.lang.startswith("zh") else ", "
        choices = sep.join(allowed) if allowed else str(ctx.get("expected") or "").replace("'", "")
        return name, _("%(name)s must be one of: %(choices)s.", name=name, choices=choices)
    return name, _("%(name)s is not valid.", name=name)


def _said(request: Request, exc: RequestValidationError, lang: str) -> tuple[str, list[str]]:
    """(which parameters are wrong, what is wrong with each) in ``lang``."""
    from gaodi.ui.web.i18n import Translator

    _ = Translator(lang)
    fields = [d["field"] for d in _validation_details(exc)]
    problems = [_problem(_, request, f, e) for f, e in zip(fields, exc.errors(), strict=True)]
    names = list(dict.fromkeys(name for name, _line in problems))
    listed = ("、" if lang.startswith("zh") else ", ").join(names) or "?"
    message = _("Some parameters are not valid: %(fields)s.", fields=listed)
    return message, list(dict.fromkeys(line for _name, line in problems))


def validation_response(request: Request, exc: RequestValidationError) -> Response:
    lang = _lang(request)
    if is_api(request):
        # a program's user reads the message, not the details: it says what is wrong with each
        # parameter (说明过长：最多 2,000 个字符), in both languages as a GaodiError's answer does
        said: dict[str, str] = {}
        for code in ("zh", "en"):
            message, lines = _said(request, exc, code)
            said[code] = ("" if code == "zh" else " ").join([message, *lines])
        body = {
            "error": "validation_error",
            "message": said["zh" if lang.startswith("zh") else "en"],
            "message_zh": said["zh"],
            "message_en": said["en"],
            "detail": _validation_details(exc),
        }
        return JSONResponse(body, status_code=422)
    message, lines = _said(request, exc, lang)
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
    if status == 405 and request.method == "GET" and not is_api(request):
        from gaodi.ui.web.pages import form_page_path

        page = form_page_path(request)  # a form's POST address: its page is what was meant
        if page is not None:
            return RedirectResponse(page, 303)
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
        refusal = duplicate_write(exc) or number_out_of_range(exc)
        if refusal is not None:
            log.warning("database refused %s %s: %s", request.method, request.url.path, exc)
            return gaodi_error_response(request, refusal)
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


async def _signed_in(request: Request) -> None:
    """Who asks, for an error page raised before a route looked (an unknown address): a
    signed-in user keeps the layout (navigation, name, the way back to the overview) instead of
    a page that looks signed out. Anonymous, API and unresolvable requests are left as they are
    (the plain page)."""
    from gaodi.ui.web.auth import Identity, checked_identity
    from gaodi.ui.web.i18n import LANG_COOKIE, negotiate
    from gaodi.ui.web.rendered import engine

    if is_api(request) or isinstance(getattr(request.state, "identity", None), Identity):
        return
    factory = getattr(request.app.state, "session_factory", None)
    if factory is None:
        return
    try:
        identity = await checked_identity(request, engine(request), factory)
    except Exception:  # an error page must not fail for want of a session: the plain one
        log.debug("no identity for the error page of %s", request.url.path, exc_info=True)
        return
    if identity is None or identity.principal is None:
        return
    request.state.identity = identity
    request.state.principal = identity.principal
    if not getattr(request.state, "lang", None):
        request.state.lang = negotiate(
            identity.language,
            request.cookies.get(LANG_COOKIE),
            request.headers.get("accept-language"),
            request.app.state.settings.language,
        )


def install(app: FastAPI) -> None:
    async def on_gaodi(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, GaodiError)
        return gaodi_error_response(request, exc)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return validation_response(request, exc)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        await _signed_in(request)
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
