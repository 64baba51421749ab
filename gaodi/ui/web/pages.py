"""The page pattern: one context function serves the HTML page and its JSON twin.

A feature writes (see docs/web.md)::

    router = APIRouter()

    @page(router, "/chains", api="/chains", template="chains/list.html", domain="chain")
    def chains_page(ctx: PageContext, q: ChainFilter = Depends()) -> ChainList:
        rows = ctx.session.scalars(ctx.restrict(select(Chain)).where(...))
        return ChainList(...)

and gets ``GET /chains`` (the template renders ``page``, a ``ChainList``) and
``GET /api/v1/chains`` (the same ``ChainList`` as JSON, with its OpenAPI schema), behind the same
permission check. Forms post to :func:`form` handlers; other JSON operations use :func:`api`.

Every route records its access rule in ``route.openapi_extra["x-gaodi-access"]`` (domain,
action, public) — the permission test suite reads it to know what each role should get — and
may give path-parameter examples in ``"x-gaodi-example"``.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
import secrets
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, get_args, get_origin, get_type_hints
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi import params as fastapi_params
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel
from pydantic_core import PydanticUndefined
from sqlalchemy import Table, select
from starlette.datastructures import UploadFile
from starlette.routing import compile_path

from gaodi.core import clock
from gaodi.core.dbint import INT32_MAX, INT32_MIN
from gaodi.core.errors import GaodiError
from gaodi.core.permissions import allowed, require
from gaodi.core.text_safety import check_input
from gaodi.db import Base, serialize_writes
from gaodi.ui.web import rendered
from gaodi.ui.web.auth import checked_identity, identify, web_session
from gaodi.ui.web.context import FormInvalid, PageContext
from gaodi.ui.web.errors import CsrfFailed, same_origin, unauthorized
from gaodi.ui.web.i18n import LANG_COOKIE, negotiate
from gaodi.ui.web.limits import PUBLIC_FORMS, BodyTooLarge
from gaodi.ui.web.session import CSRF_FIELD, CSRF_HEADER, UNSAFE_METHODS
from gaodi.ui.web.templating import environment, html, render

API_PREFIX = "/api/v1"
ACCESS_KEY = "x-gaodi-access"
EXAMPLE_KEY = "x-gaodi-example"


@dataclass(frozen=True)
class Access:
    """Who may call a route: anyone (public), any signed-in user (domain None), or the roles
    that may ``action`` in ``domain`` (see gaodi.core.permissions.ROLE_MATRIX)."""

    domain: str | None = None
    action: str = "read"
    public: bool = False

    def meta(self) -> dict[str, Any]:
        return {"domain": self.domain, "action": self.action, "public": self.public}


def route_extra(access: Access, example: dict[str, Any] | None = None) -> dict[str, Any]:
    extra: dict[str, Any] = {ACCESS_KEY: access.meta()}
    if example:
        extra[EXAMPLE_KEY] = example
    return extra


# ---------------------------------------------------------------------------- the context


@dataclass
class Submitted:
    fields: dict[str, Any]
    files: dict[str, UploadFile]


async def submitted_form(request: Request) -> Submitted:
    """The body of a form post (url-encoded or multipart); empty for other requests."""
    if request.method not in UNSAFE_METHODS:
        return Submitted({}, {})
    ctype = request.headers.get("content-type", "")
    if not ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return Submitted({}, {})
    try:
        form = await request.form()
    except BodyTooLarge:
        raise
    except Exception:  # a malformed body is bad input, never a server error
        from gaodi.core.errors import ValidationError

        raise ValidationError("表单数据无法解析。", "The form data cannot be read.") from None
    fields: dict[str, Any] = {}
    files: dict[str, UploadFile] = {}
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            files[key] = value
        elif key in fields:
            previous = fields[key]
            fields[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            fields[key] = value
    return Submitted(fields, files)


def context_dependency(access: Access) -> Callable[..., Iterator[PageContext]]:
    """A FastAPI dependency: open the database session, identify the user, pick the language,
    enforce ``access`` (401/403) and, for unsafe methods, the CSRF token."""

    def dependency(
        request: Request, submitted: Submitted = Depends(submitted_form)
    ) -> Iterator[PageContext]:
        db = request.app.state.session_factory()
        try:
            identity = identify(request, db)
            lang = negotiate(
                identity.language,
                request.cookies.get(LANG_COOKIE),
                request.headers.get("accept-language"),
                request.app.state.settings.language,
            )
            request.state.lang = lang
            if not access.public:
                if identity.principal is None:
                    raise unauthorized()
                if access.domain is not None:
                    require(identity.principal, access.action, access.domain)
            if request.method in UNSAFE_METHODS and not identity.via_token:
                token = request.headers.get(CSRF_HEADER) or submitted.fields.get(CSRF_FIELD)
                if isinstance(token, list):
                    token = token[0]
                if not web_session(request).check_csrf(token):
                    # A public form (log-in, log-out, the language switch) left open while the
                    # session ended or changed in another tab carries the old session's token.
                    # Sent from this site it goes on, told so (request.state.csrf_stale): the
                    # route decides what a stale token may do; another site's post is refused.
                    if request.url.path.rstrip("/") in PUBLIC_FORMS and same_origin(request):
                        request.state.csrf_stale = True
                    else:
                        raise CsrfFailed(
                            "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。",
                            "The form has expired or did not come from this site (CSRF check "
                            "failed); reload the page and try again.",
                        )
            db.info["actor"] = identity.username or "anonymous"
            ctx = PageContext(request=request, db=db, identity=identity, lang=lang)
            ctx.form = submitted.fields
            ctx.files = submitted.files
            # Hand the connection back to the pool until the page function runs: a request holds
            # a connection only while one of its worker-thread steps runs (see app.lifespan).
            db.commit()
            if request.method in UNSAFE_METHODS:
                # a change checks the state it changes: that and the write are one step
                serialize_writes(db)
            yield ctx
        finally:
            db.close()

    return dependency


# ---------------------------------------------------------------------------- kept renderings


class KeptRoute(APIRoute):
    """The route of a shared page: a request whose rendering is already kept is answered on the
    event loop (:func:`_kept_page`: no worker thread, no database); any other goes the full way
    (the context dependency, the page function and the shared rendering in worker threads).

    Under 50 readers the hand-offs to the thread pool — one per synchronous dependency and one
    for the endpoint — and the two reads of every request (the session's user, the data version)
    were most of what a warm shared page cost above FastAPI's bare JSON answer."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        full = super().get_route_handler()
        kept = getattr(self.endpoint, "__gaodi_kept__", None)
        if kept is None:
            return full

        async def handler(request: Request) -> Response:
            response = await kept(request)
            return response if response is not None else await full(request)

        return handler


async def _kept_page(
    request: Request, access: Access, template: str, seconds: float, router: APIRouter, name: str
) -> Response | None:
    """The kept rendering for this request, checked exactly as the full way checks it (who asks,
    their language, the route's access rule), or None: go the full way."""
    factory = request.app.state.session_factory
    identity = await checked_identity(request, rendered.engine(request), factory)
    if identity is None or (identity.principal is None and not access.public):
        return None  # a session to check against the database, or a 401 to give
    if (
        not access.public
        and access.domain is not None
        and identity.principal is not None
        and not allowed(identity.principal, access.action, access.domain)
    ):
        return None  # the full way answers 403
    lang = negotiate(
        identity.language,
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
        request.app.state.settings.language,
    )
    ctx = PageContext(request=request, db=None, identity=identity, lang=lang)
    text = await rendered.kept(ctx, template, seconds, query_names(router, name))
    if text is None:
        return None
    request.state.identity = identity
    request.state.principal = identity.principal
    request.state.lang = lang
    return HTMLResponse(text)


# ---------------------------------------------------------------------------- signatures


@dataclass
class _Spec:
    fn: Callable[..., Any]
    signature: inspect.Signature
    ctx_name: str
    return_type: Any
    template: str | None = None
    path: str = ""


#: A database id in a path: an int the databases can hold (a larger one is a 422, not an
#: overflow inside the driver). Integer parameters of page/form/api functions are bounded so.
DbId = Annotated[int, Path(ge=INT32_MIN, le=INT32_MAX)]


def _is_plain_int(annotation: Any) -> bool:
    """``int`` or ``int | None`` (not an Annotated or a model)."""
    if annotation is int:
        return True
    args = get_args(annotation)
    return bool(args) and set(args) == {int, type(None)}


def _spec(fn: Callable[..., Any], access: Access, path: str = "") -> _Spec:
    """Rewrite ``fn``'s signature for FastAPI: resolved annotations, the context injected,
    integer path and query parameters bounded to 32 bits."""
    hints = get_type_hints(fn, include_extras=True)
    dep = Depends(context_dependency(access))
    parameters = []
    ctx_name = None
    for param in inspect.signature(fn).parameters.values():
        annotation = hints.get(param.name, param.annotation)
        if annotation is PageContext:
            ctx_name = param.name
            param = param.replace(default=dep)
        elif _is_plain_int(annotation) and not isinstance(param.default, fastapi_params.Param):
            # bounded to what an INTEGER column holds on both databases: a larger number is a
            # 422, never an overflow in the driver
            if f"{{{param.name}}}" in path:
                annotation = DbId
            else:
                annotation = Annotated[annotation, Query(ge=INT32_MIN, le=INT32_MAX)]
        parameters.append(param.replace(annotation=annotation, kind=inspect.Parameter.KEYWORD_ONLY))
    if ctx_name is None:
        raise TypeError(f"{fn.__qualname__} needs a parameter annotated PageContext")
    signature = inspect.Signature(parameters, return_annotation=hints.get("return"))
    return _Spec(fn, signature, ctx_name, hints.get("return"))


def _default_args(spec: _Spec, request: Request) -> dict[str, Any]:
    """Arguments for re-running a page function outside its own route (after a failed form):
    filters at their defaults, path parameters from the current request."""
    args: dict[str, Any] = {}
    for name, param in spec.signature.parameters.items():
        if name == spec.ctx_name:
            continue
        default = param.default
        annotation = param.annotation
        if get_origin(annotation) is Annotated:
            base, *meta = get_args(annotation)
            deps = [m for m in meta if isinstance(m, fastapi_params.Depends)]
            if deps:
                default = deps[0]
            elif isinstance(base, type) and issubclass(base, BaseModel):
                default = Depends(base)  # a query-parameter model: its defaults
            annotation = base
        if isinstance(default, fastapi_params.Depends):
            factory = default.dependency or annotation
            args[name] = factory()
        elif isinstance(default, fastapi_params.Param):
            value = default.default
            args[name] = None if value in (PydanticUndefined, Ellipsis) else value
        elif default is not inspect.Parameter.empty:
            args[name] = default
        elif name in request.path_params:
            args[name] = annotation(request.path_params[name])
        else:
            raise TypeError(f"cannot re-run {spec.fn.__qualname__}: no value for {name!r}")
    return args


_PATH_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


def _filled(template: str, params: dict[str, Any]) -> str | None:
    """A route's path (``/chains/{chain_id}/links/{link_id}``) with ``params`` put in; None
    when one is missing."""
    if any(m[1] not in params for m in _PATH_PARAM.finditer(template)):
        return None
    return _PATH_PARAM.sub(lambda m: quote(str(params[m[1]]), safe=""), template)


def _page_path(template: str, request: Request) -> str:
    """The address of a page route with the path parameters of the current request (a form
    posted under the page's own address); the request's own address when the page needs a
    parameter the form's address lacks."""
    return _filled(template, request.path_params) or request.url.path


#: The forms that post to an address of their own: (that address as a pattern, the path of
#: the form's page). Features' routers are included without a prefix.
_FORM_PAGES: list[tuple[re.Pattern[str], str]] = []


def form_page_path(request: Request) -> str | None:
    """For a GET of a form's POST-only address (``/appeals/7/act``: an old bookmark, a copied
    address, a reload without scripts), the address of the form's page (``/appeals/7``), where
    its own checks apply; None when no form with a page posts there."""
    for pattern, template in _FORM_PAGES:
        match = pattern.match(request.url.path)
        if match is not None:
            return _filled(template, match.groupdict())
    return None


# ---------------------------------------------------------------------------- decorators


def page(
    router: APIRouter,
    path: str,
    *,
    template: str,
    domain: str | None,
    action: str = "read",
    api: str | None = None,
    public: bool = False,
    example: dict[str, Any] | None = None,
    summary: str | None = None,
    shared: float = 0.0,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``GET path`` (HTML from ``template``) and, with ``api``, ``GET /api/v1{api}``
    (the same result as JSON). Both run the decorated function behind the same access check.

    ``shared``: seconds one rendering (and one JSON result) may serve every viewer of the same
    scope, language, day, data version and URL (:mod:`gaodi.ui.web.rendered`) — for a page that
    shows nothing but data judged by role and scope; 0: computed per request."""
    access = Access(domain, action, public)

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        spec = _spec(fn, access, path)
        spec.template = template
        spec.path = path
        ctx_name = spec.ctx_name

        def html_endpoint(**kwargs: Any) -> Response:
            ctx: PageContext = kwargs[ctx_name]
            try:
                if shared:
                    text = rendered.shared(
                        ctx,
                        template,
                        lambda view: html(view, template, fn(**kwargs)),
                        shared,
                        query_names(router, fn.__name__),
                    )
                    if text is not None:
                        return HTMLResponse(text)
                return render(ctx, template, fn(**kwargs))
            finally:
                ctx.session.close()

        html_endpoint.__signature__ = spec.signature.replace(  # type: ignore[attr-defined]
            return_annotation=HTMLResponse
        )
        html_endpoint.__name__ = fn.__name__
        if shared:

            async def kept_page(request: Request) -> Response | None:
                return await _kept_page(request, access, template, shared, router, fn.__name__)

            html_endpoint.__gaodi_kept__ = kept_page  # type: ignore[attr-defined]
        router.add_api_route(
            path,
            html_endpoint,
            methods=["GET"],
            response_class=HTMLResponse,
            response_model=None,
            include_in_schema=False,
            name=fn.__name__,
            openapi_extra=route_extra(access, example),
            route_class_override=KeptRoute if shared else None,
        )
        if api is not None:

            def json_endpoint(**kwargs: Any) -> Any:
                ctx: PageContext = kwargs[ctx_name]
                if shared:
                    names = query_names(router, f"{fn.__name__}_api")
                    computed = rendered.result(ctx, api, lambda: fn(**kwargs), shared, names)
                    return _release(ctx, computed)
                return _release(ctx, fn(**kwargs))

            json_endpoint.__signature__ = spec.signature  # type: ignore[attr-defined]
            json_endpoint.__name__ = f"{fn.__name__}_api"
            router.add_api_route(
                API_PREFIX + api,
                json_endpoint,
                methods=["GET"],
                response_model=spec.return_type,
                name=f"{fn.__name__}_api",
                summary=summary or _first_line(fn),
                description=inspect.getdoc(fn) or "",
                tags=[domain or "system"],
                openapi_extra=route_extra(access, example),
                responses=_error_responses(access),
            )
        fn.__gaodi_page__ = spec  # type: ignore[attr-defined]
        return fn

    return decorate


# ---------------------------------------------------------------------------- saved once

#: The form field that carries a rendering's one-time key (put in beside the CSRF token by
#: the ``csrf`` macro of macros/forms.html).
ONCE_FIELD = "_once"
#: Days (the city's clock) a saved form's key is kept: a page left open longer and sent again is
#: taken as a new submission.
ONCE_DAYS = 7
#: A well-formed key: 128 random bits in hex, as :func:`once_key` makes them.
_ONCE_SHAPE = re.compile(r"[0-9a-f]{32}")
#: The table of saved keys (the accounts feature's ``FormSubmission``; the toolkit sits below
#: the features and reads it by name).
SUBMISSIONS_TABLE = "form_submission"


def once_key(ctx: Any) -> str:
    """A new one-time key for a form being rendered. A rendering shared by several viewers
    (:mod:`gaodi.ui.web.rendered`) cannot carry one viewer's key (two viewers, or one in two
    tabs, would send the same key and the second be taken as a repeat): it gets a marker that
    each request's copy replaces with a key of its own (``rendered.personal``)."""
    if isinstance(ctx, rendered.SharedContext):
        return rendered.ONCE_MARK
    return secrets.token_hex(16)


# every template may call it (the csrf macro does), like the layout's other globals
environment().globals["once_key"] = once_key


def _submissions() -> Table | None:
    """The saved keys' table; None when the app was built without the accounts feature's
    tables (then forms are saved as sent, as before)."""
    return Base.metadata.tables.get(SUBMISSIONS_TABLE)


def _sent_key(ctx: PageContext) -> str | None:
    """The key a posted form is kept under: its rendering's one-time key taken with what was
    typed into it, so a repeat is the same rendering sent with the same content (a double-click,
    Back and send again); the same page sent with something changed (Back, correct a box, send)
    is a new submission, checked as any other. The one-time key is taken out of the fields the
    handler reads; None when it has none, or none well-formed (an API client, an old page, a
    test posting a dict)."""
    value = ctx.form.pop(ONCE_FIELD, None)
    if not isinstance(value, str) or not _ONCE_SHAPE.fullmatch(value):
        return None
    if ctx.identity.user_id is None or _submissions() is None:
        return None  # nobody to answer again: a public form is saved as sent
    typed = sorted(
        (name, sorted(map(str, v)) if isinstance(v, list) else str(v))
        for name, v in ctx.form.items()
        if name != CSRF_FIELD
    )
    files = sorted((name, f.filename or "", f.size or 0) for name, f in ctx.files.items())
    content = json.dumps([value, typed, files], ensure_ascii=False).encode("utf-8")
    return hashlib.blake2b(content, digest_size=16).hexdigest()


def _earlier_answer(ctx: PageContext, key: str) -> Response | bool:
    """The answer to a form rendering already saved by this user: where the first submission
    went, with a note that nothing was saved again. True when the key is free; False when
    another user's submission holds it (then the form is saved as one without a key, and the
    sender learns nothing of the other's)."""
    table = _submissions()
    assert table is not None
    # the request's first read: it takes the write lock, so this check, the handler's writes
    # and the key's record are one step (a copy sent at the same moment waits, then finds it)
    row = ctx.session.execute(
        select(table.c.user_id, table.c.location, table.c.at).where(table.c.key == key)
    ).first()
    if row is None:
        return True
    if row.user_id != ctx.identity.user_id:
        return False
    ctx.session.rollback()  # nothing to write: let the next request have the lock
    fmt = "%H:%M" if clock.local_date(row.at) == clock.today() else "%Y-%m-%d %H:%M"
    ctx.flash(
        ctx._(
            "This form was already submitted at %(time)s; it was not saved again.",
            time=clock.local(row.at).strftime(fmt),
        ),
        "info",
    )
    return ctx.redirect(row.location)


def _record(ctx: PageContext, key: str, response: Response, flashes_before: int) -> None:
    """Keep ``key`` as saved, with where ``response`` leads, in the handler's transaction. Only
    a success is kept: a redirect (Post/Redirect/Get) that did not report a refusal (a step
    refused in words goes back to its page with an error message: the user may send it again).
    A response that is no redirect (a file, a page) is not kept either: there is nowhere to send
    a repeat, and the same rendering may rightly be sent again (another download)."""
    location = response.headers.get("location")
    if not (300 <= response.status_code < 400 and location):
        return
    flashes = ctx.web_session.data.get("f") or []
    if any(kind == "error" for kind, _message in flashes[flashes_before:]):
        return
    table = _submissions()
    assert table is not None
    now = clock.now()
    ctx.session.execute(table.delete().where(table.c.at < now - timedelta(days=ONCE_DAYS)))
    ctx.session.execute(
        table.insert().values(
            key=key,
            user_id=ctx.identity.user_id,
            path=ctx.request.url.path,
            location=location,
            at=now,
        )
    )


def form(
    router: APIRouter,
    path: str,
    *,
    domain: str | None,
    action: str = "edit",
    page: Callable[..., Any] | None = None,
    public: bool = False,
    example: dict[str, Any] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``POST path`` for an HTML form (CSRF-checked; commits on success).

    The handler returns a response (usually ``ctx.redirect(...)``, Post/Redirect/Get). When it
    raises :class:`FormInvalid` or a GaodiError that names a ``field``, nothing is committed
    and ``page`` (a function decorated with :func:`page`) is rendered again with status 422,
    the errors next to their fields (``ctx.form_errors``) and the submitted values.

    Saved once per rendering: a form sent with a one-time key (``_once``) that this user's
    earlier submission already saved writes nothing and answers as that one did (a redirect to
    where it went, with a note in words): a double-click, or Back and send again, saves nothing
    twice. The key is recorded with the handler's writes, only on success (a 422 or an error
    keeps nothing, so the corrected form can be sent). A form without a key works as before.
    """
    access = Access(domain, action, public)

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        spec = _spec(fn, access, path)
        ctx_name = spec.ctx_name
        page_spec: _Spec | None = getattr(page, "__gaodi_page__", None) if page else None
        if page is not None and page_spec is None:
            raise TypeError("form(page=...) must be a function decorated with @page")

        def endpoint(**kwargs: Any) -> Response:
            ctx: PageContext = kwargs[ctx_name]
            try:
                return handle(ctx, kwargs)
            finally:
                ctx.session.close()

        def handle(ctx: PageContext, kwargs: dict[str, Any]) -> Response:
            key = _sent_key(ctx)
            if key is not None:
                earlier = _earlier_answer(ctx, key)
                if isinstance(earlier, Response):
                    return earlier
                if earlier is False:
                    key = None
            flashes_before = len(ctx.web_session.data.get("f") or [])
            try:
                response = fn(**kwargs)
                if key is not None:
                    _record(ctx, key, response, flashes_before)
                ctx.session.commit()
                return response
            except FormInvalid as exc:
                errors = exc.errors
            except GaodiError as exc:
                field = exc.context.get("field")
                if page_spec is None or not field or exc.status_code >= 500:
                    raise
                errors = {str(field): exc.message(ctx.lang)}
            ctx.session.rollback()
            if page_spec is None:
                from gaodi.core.errors import ValidationError

                message = "; ".join(errors.values())
                raise ValidationError(message, message)
            ctx.form_name = fn.__name__
            ctx.form_errors = errors
            result = page_spec.fn(
                **{page_spec.ctx_name: ctx, **_default_args(page_spec, ctx.request)}
            )
            assert page_spec.template is not None
            # the browser shows the form's own address (gaodi.js replaces the POST address with
            # it; the language switch returns to it): reloaded, bookmarked or switched to
            # another language, the POST address would be a 405
            ctx.request.state.page_path = _page_path(page_spec.path, ctx.request)
            return render(ctx, page_spec.template, result, status_code=422)

        endpoint.__signature__ = spec.signature.replace(  # type: ignore[attr-defined]
            return_annotation=Response
        )
        endpoint.__name__ = fn.__name__
        if page_spec is not None and page_spec.path != path:
            _FORM_PAGES.append((compile_path(path)[0], page_spec.path))
        router.add_api_route(
            path,
            endpoint,
            methods=["POST"],
            response_class=HTMLResponse,
            response_model=None,
            include_in_schema=False,
            name=fn.__name__,
            openapi_extra=route_extra(access, example),
        )
        return fn

    return decorate


def api(
    router: APIRouter,
    method: str,
    path: str,
    *,
    domain: str | None,
    action: str = "read",
    public: bool = False,
    status_code: int | None = None,
    example: dict[str, Any] | None = None,
    summary: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a JSON operation at ``/api/v1{path}`` (write methods commit on success)."""
    access = Access(domain, action, public)
    method = method.upper()

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        spec = _spec(fn, access, path)
        ctx_name = spec.ctx_name

        def endpoint(**kwargs: Any) -> Any:
            ctx: PageContext = kwargs[ctx_name]
            for name, value in kwargs.items():
                if name != ctx_name:
                    check_input(value, name)  # control characters (core.text_safety)
            result = fn(**kwargs)
            if method != "GET":
                ctx.session.commit()
            return _release(ctx, result)

        endpoint.__signature__ = spec.signature  # type: ignore[attr-defined]
        endpoint.__name__ = fn.__name__
        router.add_api_route(
            API_PREFIX + path,
            endpoint,
            methods=[method],
            response_model=spec.return_type,
            status_code=status_code,
            name=fn.__name__,
            summary=summary or _first_line(fn),
            description=inspect.getdoc(fn) or "",
            tags=[domain or "system"],
            openapi_extra=route_extra(access, example),
            responses=_error_responses(access),
        )
        return fn

    return decorate


_QUERY_NAMES: dict[tuple[int, str], frozenset[str]] = {}


def query_names(router: APIRouter, name: str) -> frozenset[str]:
    """The query parameters the route ``name`` of ``router`` takes (its own and its
    dependencies', by the name in the URL), read from FastAPI's dependency tree once."""
    found = _QUERY_NAMES.get((id(router), name))
    if found is None:
        route = next(r for r in router.routes if isinstance(r, APIRoute) and r.name == name)
        names: set[str] = set()
        pending = [route.dependant]
        while pending:
            dependant = pending.pop()
            for field in dependant.query_params:
                model = field.field_info.annotation
                if isinstance(model, type) and issubclass(model, BaseModel):
                    # a query model: its fields are the parameters
                    names |= {f.alias or n for n, f in model.model_fields.items()}
                else:
                    names.add(field.alias)
            pending.extend(dependant.dependencies)
        found = _QUERY_NAMES[(id(router), name)] = frozenset(names)
    return found


def _release(ctx: PageContext, result: Any) -> Any:
    """Close the session once the result no longer needs it (a pydantic model is plain data;
    anything else may still lazy-load from ORM rows while FastAPI serialises it)."""
    if isinstance(result, BaseModel):
        ctx.session.close()
    return result


def _first_line(fn: Callable[..., Any]) -> str | None:
    doc = inspect.getdoc(fn)
    return doc.splitlines()[0].rstrip(".") if doc else None


_ERROR_SCHEMA = {
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
                "required": ["error", "message"],
            }
        }
    }
}


def _error_responses(access: Access) -> dict[int | str, dict[str, Any]]:
    out: dict[int | str, dict[str, Any]] = {}
    if not access.public:
        out[401] = {"description": "Not signed in (no or bad token)", **_ERROR_SCHEMA}
        out[403] = {"description": "The role may not do this", **_ERROR_SCHEMA}
    out[404] = {"description": "Unknown id or outside the user's scope", **_ERROR_SCHEMA}
    return out
