"""Log-in, log-out, the language switch and the user's own account page."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from gaodi.accounts import service as accounts
from gaodi.accounts.models import ApiToken, User
from gaodi.core import clock
from gaodi.core.moments import CityMoment
from gaodi.db import serialize_writes
from gaodi.ui.web.auth import client_ip
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.errors import safe_next
from gaodi.ui.web.i18n import LANG_COOKIE, LANGUAGES, N_
from gaodi.ui.web.pages import Access, api, context_dependency, form, page, route_extra
from gaodi.ui.web.templating import render

router = APIRouter()

PUBLIC = Access(public=True)
SIGNED_IN = Access(domain=None)
public_ctx = context_dependency(PUBLIC)


class DemoLogin(BaseModel):
    username: str
    role: str


class LoginPage(BaseModel):
    next: str
    username: str = ""
    error: str | None = None
    #: why the user is asked to sign in again (the session ended): its key and its words
    reason: str = ""
    notice: str | None = None
    demo_accounts: list[DemoLogin] = []
    demo_password: str | None = None


def _login_page(ctx: PageContext, next_url: str, username: str = "", error: str | None = None):
    demo: list[DemoLogin] = []
    if ctx.is_demo:
        names = [name for name, _role in accounts.DEMO_ACCOUNTS]
        rows = ctx.session.execute(
            select(User.username, User.role).where(User.username.in_(names), User.is_active)
        ).all()
        order = {name: i for i, name in enumerate(names)}
        demo = [
            DemoLogin(username=u, role=accounts.role_label(r, ctx.lang))
            for u, r in sorted(rows, key=lambda row: order[row[0]])
        ]
    return LoginPage(
        next=safe_next(next_url),
        username=username,
        error=error,
        demo_accounts=demo,
        demo_password=accounts.DEMO_PASSWORD if demo else None,
    )


@router.get(
    "/login",
    response_class=HTMLResponse,
    include_in_schema=False,
    openapi_extra=route_extra(PUBLIC),
)
def login_form(
    next: str = "/", reason: str = "", ctx: PageContext = Depends(public_ctx)
) -> Response:
    if ctx.signed_in:
        return RedirectResponse(safe_next(next), status_code=303)
    page_data = _login_page(ctx, next)
    page_data.reason, page_data.notice = _notice(ctx, reason)
    return render(ctx, "login.html", page_data)


def _notice(ctx: PageContext, reason: str) -> tuple[str, str | None]:
    """Why the user is asked to sign in, from gaodi.ui.web.errors.login_redirect: a form
    ("unsaved") or a page part (htmx, "ended") reached the server after the session had
    ended. Kept through a mistyped password (the form carries the reason)."""
    if reason == "unsaved":
        return reason, ctx._(
            "Your session had ended, so what you entered was not saved. "
            "Sign in, then enter it again."
        )
    if reason == "ended":
        return reason, ctx._("Your session has ended. Sign in again to continue.")
    if reason == "signed_out":
        # 退出 pressed after the session had ended (gaodi.ui.web.errors.login_redirect): the
        # words of an ordinary log-out; not carried through the form, it says nothing more
        return "", ctx._("You have signed out.")
    return "", None


@router.post(
    "/login",
    response_class=HTMLResponse,
    include_in_schema=False,
    openapi_extra=route_extra(PUBLIC),
)
def login_submit(ctx: PageContext = Depends(public_ctx)) -> Response:
    settings = ctx.request.app.state.settings
    username = str(ctx.value("username") or "").strip()[:64]
    password = ctx.form.get("password") or ""
    password = password if isinstance(password, str) else ""
    next_url = safe_next(str(ctx.form.get("next") or "/"))
    reason = str(ctx.value("reason") or "")
    if getattr(ctx.request.state, "csrf_stale", False):
        # a log-in page left open while the session changed in another tab: its token is not
        # this session's, so nobody is signed in by it; the page comes again with a fresh form
        page_data = _login_page(ctx, next_url, username)
        page_data.reason = _notice(ctx, reason)[0]
        page_data.notice = ctx._("The log-in page had expired; enter your password again.")
        return render(ctx, "login.html", page_data)
    ip = client_ip(ctx.request)
    if not username or not password:
        page_data = _login_page(
            ctx, next_url, username, ctx._("Enter your user name and password.")
        )
        page_data.reason, page_data.notice = _notice(ctx, reason)
        return render(ctx, "login.html", page_data, status_code=422)
    # the throttle reserves each check atomically on its own; the password hash must not run
    # holding the write lock every other change waits for
    serialize_writes(ctx.session, on=False)
    outcome = accounts.authenticate(
        ctx.session,
        username,
        password,
        max_failures=settings.login_max_failures,
        lockout_minutes=settings.login_lockout_minutes,
        ip=ip,
    )
    ctx.session.commit()
    if not outcome.ok or outcome.user is None:
        assert outcome.error is not None
        page_data = _login_page(ctx, next_url, username, outcome.error.message(ctx.lang))
        page_data.reason, page_data.notice = _notice(ctx, reason)
        return render(ctx, "login.html", page_data, status_code=outcome.error.status_code)
    user = outcome.user
    ctx.web_session.login(user.id, user.session_version)
    response = RedirectResponse(next_url, status_code=303)
    if user.language:
        _set_lang_cookie(ctx, response, user.language)
    return response


@router.post(
    "/logout",
    response_class=HTMLResponse,
    include_in_schema=False,
    openapi_extra=route_extra(SIGNED_IN),
)
def logout(ctx: PageContext = Depends(context_dependency(SIGNED_IN))) -> Response:
    user = ctx.user
    if user is not None:
        accounts.logout(ctx.session, user)
        ctx.session.commit()
    ctx.web_session.clear()
    ctx.flash(ctx._("You have signed out."))
    return RedirectResponse("/login", status_code=303)


def _set_lang_cookie(ctx: PageContext, response: Response, lang: str) -> None:
    response.set_cookie(
        LANG_COOKIE,
        lang,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=bool(ctx.request.app.state.settings.https),
    )


@router.post(
    "/lang", response_class=HTMLResponse, include_in_schema=False, openapi_extra=route_extra(PUBLIC)
)
def switch_language(ctx: PageContext = Depends(public_ctx)) -> Response:
    """The 中文/English switch: a cookie, and the signed-in user's stored preference."""
    lang = str(ctx.value("lang") or "")
    target = safe_next(str(ctx.value("next") or "/"))
    response = RedirectResponse(target, status_code=303)
    if lang not in LANGUAGES:
        return response
    _set_lang_cookie(ctx, response, lang)
    user = ctx.user
    if user is not None and user.language != lang:
        user.language = lang
        ctx.session.commit()
    return response


# ---------------------------------------------------------------------------- my account


class TokenRow(BaseModel):
    """An API token as its owner and administrators see it (never the token itself)."""

    id: int
    name: str
    prefix: str
    created_at: CityMoment
    last_used_at: CityMoment | None
    expires_at: CityMoment | None
    state: Literal["active", "expired", "revoked"]
    state_label: str
    revoked: bool


TOKEN_STATES = {"active": N_("active"), "expired": N_("expired"), "revoked": N_("revoked")}


def token_row(ctx: PageContext, token: ApiToken, now: datetime | None = None) -> TokenRow:
    state = accounts.token_state(token, now)
    return TokenRow(
        id=token.id,
        name=token.name,
        prefix=token.prefix,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        expires_at=token.expires_at,
        state=state,  # type: ignore[arg-type]
        state_label=ctx._(TOKEN_STATES[state]),
        revoked=state == "revoked",
    )


def token_rows(ctx: PageContext, user: User) -> list[TokenRow]:
    now = clock.real_now()  # expiry counts real days (accounts.token_state), not the city's
    return [token_row(ctx, t, now) for t in accounts.list_tokens(ctx.session, user)]


class AccountPage(BaseModel):
    """The signed-in user: name, role, scope, language and API tokens."""

    username: str
    display_name: str | None
    role: str
    role_label: str
    scope: list[str]
    language: str | None
    last_login_at: CityMoment | None
    password_changed_at: CityMoment | None
    tokens: list[TokenRow]
    token_default_days: int


@page(router, "/account", api="/account", template="account.html", domain=None)
def account_page(ctx: PageContext) -> AccountPage:
    """Who am I: the signed-in user's account."""
    user = ctx.user
    assert user is not None
    return AccountPage(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        role_label=accounts.role_label(user.role, ctx.lang),
        scope=accounts.describe_scopes(ctx.session, user),
        language=user.language,
        last_login_at=user.last_login_at,
        password_changed_at=user.password_changed_at,
        tokens=token_rows(ctx, user),
        token_default_days=ctx.request.app.state.settings.token_default_days,
    )


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1)
    new_password: str = Field(min_length=1)
    confirm_password: str = Field(min_length=1)


@form(router, "/account/password", domain=None, page=account_page)
def change_password(ctx: PageContext) -> Response:
    data = ctx.parse_form(PasswordChange)
    if data.new_password != data.confirm_password:
        from gaodi.ui.web.context import FormInvalid

        raise FormInvalid({"confirm_password": ctx._("The two new passwords differ.")})
    user = ctx.user
    assert user is not None
    accounts.change_own_password(ctx.session, user, data.current_password, data.new_password)
    # Every other session of this user ends; this one continues with the new version.
    ctx.web_session.login(user.id, user.session_version)
    ctx.flash(
        ctx._(
            "Your password has been changed; other sessions have been signed out and your API "
            "tokens revoked."
        )
    )
    return ctx.redirect("/account")


def _revoke_own(ctx: PageContext, token_id: int) -> ApiToken:
    user = ctx.user
    assert user is not None
    # Another user's token id answers as a missing one: ids cannot be probed.
    return accounts.revoke_token(ctx.session, token_id, user=user, actor=user.username)


@form(
    router,
    "/account/tokens/{token_id}/revoke",
    domain=None,
    page=account_page,
    example={"path": {"token_id": 1}},
)
def revoke_own_token(ctx: PageContext, token_id: int) -> Response:
    token = _revoke_own(ctx, token_id)
    ctx.flash(ctx._("API token %(name)s revoked.", name=token.name))
    return ctx.redirect("/account")


@api(
    router,
    "POST",
    "/account/tokens/{token_id}/revoke",
    domain=None,
    example={"path": {"token_id": 1}},
)
def revoke_own_token_api(ctx: PageContext, token_id: int) -> TokenRow:
    """Revoke one of your own API tokens (the one making the request, too)."""
    return token_row(ctx, _revoke_own(ctx, token_id))
