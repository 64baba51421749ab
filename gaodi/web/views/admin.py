"""管理 Administration: users (list, create, reset password, unlock) and the audit log."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select

from gaodi.accounts import service as accounts
from gaodi.accounts import throttle
from gaodi.accounts.models import ROLES, ApiToken, User
from gaodi.chains.models import Chain
from gaodi.core import workflow
from gaodi.core.errors import PermissionDenied, ValidationError
from gaodi.core.moments import CityMoment, city_iso_values
from gaodi.core.pagination import page_count
from gaodi.db import utcnow
from gaodi.enterprises import declarations
from gaodi.exchange.entities import ENTITIES
from gaodi.exchange.schema import CHOICES, Column
from gaodi.parks.models import Park
from gaodi.system import service as system
from gaodi.ui.web.context import FormInvalid, PageContext
from gaodi.ui.web.i18n import LANGUAGE_NAMES, N_
from gaodi.ui.web.nav import register_nav
from gaodi.ui.web.pages import api, form, page
from gaodi.web.views.auth import TokenRow, token_row, token_rows

router = APIRouter()
register_nav("admin", N_("Administration"), "/admin/users", domain="admin", order=90)

Role = Literal["admin", "analyst", "chain_office", "park_office", "viewer", "enterprise"]
assert set(Role.__args__) == set(ROLES)  # type: ignore[attr-defined]


class Option(BaseModel):
    value: str
    label: str


class UserRow(BaseModel):
    id: int
    username: str
    display_name: str | None
    role: str
    role_label: str
    scope: list[str]
    is_active: bool
    #: Password checks counted against the name since its last success (any address).
    failed_checks: int
    #: Until when the next try of the name waits (the throttle; accounts are never locked).
    delayed_until: CityMoment | None
    last_login_at: CityMoment | None
    created_at: CityMoment


class UsersPage(BaseModel):
    """Every user with role, scope and state; the options of the create-user form."""

    users: list[UserRow]
    roles: list[Option]
    chains: list[Option]
    parks: list[Option]


def _row(ctx: PageContext, user: User) -> UserRow:
    # Real time, not the city's clock: the throttle counts real seconds.
    window = dt.timedelta(minutes=max(1, ctx.request.app.state.settings.login_lockout_minutes))
    checks, delayed = throttle.name_state(ctx.session, user.username, utcnow(), window)
    return UserRow(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        role_label=accounts.role_label(user.role, ctx.lang),
        scope=accounts.describe_scopes(ctx.session, user),
        is_active=user.is_active,
        failed_checks=checks,
        delayed_until=delayed,
        last_login_at=user.last_login_at,
        created_at=user.created_at,
    )


def _chain_options(ctx: PageContext) -> list[Option]:
    try:
        query = ctx.restrict(select(Chain.id, Chain.code, Chain.name)).order_by(Chain.id)
    except PermissionDenied:
        return []
    return [Option(value=code, label=name) for _id, code, name in ctx.session.execute(query)]


def _park_options(ctx: PageContext) -> list[Option]:
    try:
        query = ctx.restrict(select(Park.id, Park.name)).order_by(Park.id)
    except PermissionDenied:
        return []
    return [Option(value=str(pid), label=name) for pid, name in ctx.session.execute(query)]


@page(router, "/admin/users", api="/admin/users", template="admin/users.html", domain="admin")
def users_page(ctx: PageContext) -> UsersPage:
    """The users, their roles and scopes."""
    assert ctx.principal is not None
    users = accounts.list_users(ctx.session, ctx.principal)
    return UsersPage(
        users=[_row(ctx, u) for u in users],
        roles=[Option(value=r, label=accounts.role_label(r, ctx.lang)) for r in ROLES],
        chains=_chain_options(ctx),
        parks=_park_options(ctx),
    )


class UserCreate(BaseModel):
    """A new user. Scoped roles name their chains (code or name), parks or enterprise (USCC)."""

    username: str = Field(min_length=2, max_length=64)
    role: Role
    password: str = Field(min_length=1, max_length=256)
    display_name: str | None = Field(None, max_length=100)
    chains: list[str] = Field(default_factory=list, max_length=100)
    parks: list[str] = Field(default_factory=list, max_length=100)
    enterprise: str | None = Field(None, max_length=18)

    @field_validator("display_name", "enterprise", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


def _create(ctx: PageContext, data: UserCreate) -> User:
    assert ctx.principal is not None
    return accounts.create_user(
        ctx.session,
        data.username,
        data.role,
        data.password,
        chains=data.chains,
        parks=data.parks,
        enterprise=data.enterprise,
        display_name=data.display_name,
        principal=ctx.principal,
    )


@form(router, "/admin/users", domain="admin", action="admin", page=users_page)
def create_user(ctx: PageContext) -> Response:
    data = ctx.parse_form(UserCreate, lists=("chains", "parks"))
    user = _create(ctx, data)
    ctx.flash(ctx._("User %(name)s created.", name=user.username))
    return ctx.redirect(f"/admin/users/{user.id}")


@api(router, "POST", "/admin/users", domain="admin", action="admin", status_code=201)
def create_user_api(ctx: PageContext, body: UserCreate) -> UserRow:
    """Create a user (JSON)."""
    return _row(ctx, _create(ctx, body))


class UserDetail(BaseModel):
    """One user, for the administrator, with their API tokens."""

    user: UserRow
    tokens: list[TokenRow]


@page(
    router,
    "/admin/users/{user_id}",
    api="/admin/users/{user_id}",
    template="admin/user.html",
    domain="admin",
)
def user_page(ctx: PageContext, user_id: int) -> UserDetail:
    """One user: role, scope, state, API tokens; reset password, unlock, (de)activate, revoke."""
    user = ctx.get(User, user_id)
    return UserDetail(user=_row(ctx, user), tokens=token_rows(ctx, user))


class PasswordReset(BaseModel):
    password: str = Field(min_length=1, max_length=256)


@form(router, "/admin/users/{user_id}/password", domain="admin", action="admin", page=user_page)
def reset_password(ctx: PageContext, user_id: int) -> Response:
    user = ctx.get(User, user_id, "admin")
    data = ctx.parse_form(PasswordReset)
    accounts.set_password(ctx.session, user, data.password, actor=ctx.identity.username)
    ctx.flash(
        ctx._(
            "Password of %(name)s reset; their sessions have ended and their API tokens are "
            "revoked.",
            name=user.username,
        )
    )
    return ctx.redirect(f"/admin/users/{user.id}")


@form(router, "/admin/users/{user_id}/unlock", domain="admin", action="admin", page=user_page)
def unlock_user(ctx: PageContext, user_id: int) -> Response:
    user = ctx.get(User, user_id, "admin")
    accounts.unlock(ctx.session, user, actor=ctx.identity.username)
    ctx.flash(ctx._("%(name)s unlocked.", name=user.username))
    return ctx.redirect(f"/admin/users/{user.id}")


@form(router, "/admin/users/{user_id}/active", domain="admin", action="admin", page=user_page)
def set_active(ctx: PageContext, user_id: int) -> Response:
    user = ctx.get(User, user_id, "admin")
    active = ctx.value("active") == "1"
    if not active and user.id == ctx.identity.user_id:
        raise FormInvalid({"active": ctx._("You cannot deactivate your own account.")})
    accounts.set_active(ctx.session, user, active, actor=ctx.identity.username)
    if active:
        ctx.flash(ctx._("%(name)s activated.", name=user.username))
    else:
        ctx.flash(ctx._("%(name)s deactivated; their API tokens are revoked.", name=user.username))
    return ctx.redirect(f"/admin/users/{user.id}")


_TOKEN_EXAMPLE = {"path": {"token_id": 1}}


def _revoke(ctx: PageContext, user_id: int, token_id: int) -> ApiToken:
    user = ctx.get(User, user_id, "admin")
    # Scoped to the user in the path: a token id of someone else answers as missing.
    return accounts.revoke_token(ctx.session, token_id, user=user, actor=ctx.identity.username)


@form(
    router,
    "/admin/users/{user_id}/tokens/{token_id}/revoke",
    domain="admin",
    action="admin",
    page=user_page,
    example=_TOKEN_EXAMPLE,
)
def revoke_token(ctx: PageContext, user_id: int, token_id: int) -> Response:
    token = _revoke(ctx, user_id, token_id)
    ctx.flash(ctx._("API token %(name)s revoked.", name=token.name))
    return ctx.redirect(f"/admin/users/{user_id}")


@api(
    router,
    "POST",
    "/admin/users/{user_id}/tokens/{token_id}/revoke",
    domain="admin",
    action="admin",
    example=_TOKEN_EXAMPLE,
)
def revoke_token_api(ctx: PageContext, user_id: int, token_id: int) -> TokenRow:
    """Revoke one API token of a user."""
    return token_row(ctx, _revoke(ctx, user_id, token_id))


@form(
    router,
    "/admin/users/{user_id}/tokens/revoke-all",
    domain="admin",
    action="admin",
    page=user_page,
)
def revoke_all_tokens(ctx: PageContext, user_id: int) -> Response:
    user = ctx.get(User, user_id, "admin")
    count = accounts.revoke_all_tokens(ctx.session, user, actor=ctx.identity.username)
    ctx.flash(
        ctx.ngettext(
            "%(num)s API token of %(name)s revoked.",
            "%(num)s API tokens of %(name)s revoked.",
            count,
            name=user.username,
        )
    )
    return ctx.redirect(f"/admin/users/{user_id}")


# ---------------------------------------------------------------------------- audit log


class AuditFilter(BaseModel):
    """Filters of the audit log (all optional; dates are the city's days, inclusive)."""

    actor: str | None = Field(None, max_length=64)
    entity: str | None = Field(None, max_length=64)
    action: str | None = Field(None, max_length=32)
    since: dt.date | None = None
    until: dt.date | None = None
    page: int = Field(1, ge=1, le=1_000_000)
    per_page: int = Field(50, ge=1, le=200)

    @field_validator("actor", "entity", "action", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("since", "until", mode="before")
    @classmethod
    def _blank_date(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


#: Labels of the audit actions and entities the foundation writes; others show their code.
#: These are interface words (gettext, translated with the page), not a code list: see
#: :mod:`gaodi.core.choices` for which tables are data and which are UI words.
ACTION_LABELS = {
    "create": N_("created"),
    "update": N_("changed"),
    "delete": N_("deleted"),
    "import": N_("imported"),
    "login": N_("signed in"),
    "logout": N_("signed out"),
    "login_failed": N_("failed sign-in"),
    "login_blocked": N_("sign-in while locked"),
    "lock": N_("locked"),
    "unlock": N_("unlocked"),
    "password_change": N_("password changed"),
    "token_create": N_("API token created"),
    "token_revoke": N_("API token revoked"),
    "login_throttled": N_("sign-in delayed (too many tries)"),
    "submit": N_("action|submitted"),
    "approve": N_("action|approved"),
    "return": N_("action|returned"),
    "demo_build": N_("demo city built"),
    "confirm_flags": N_("plausibility flags confirmed"),
    "report_progress": N_("progress reported"),
    "remap": N_("links re-matched"),
    "load": N_("loaded"),
    "add": N_("added"),
    "publish": N_("published"),
    "set_year_plan": N_("annual plan set"),
}
ENTITY_LABELS = {
    "user_account": N_("user"),
    "user_scope": N_("user scope"),
    "api_token": N_("API token"),
    "enterprise": N_("enterprise"),
    "enterprise_year": N_("enterprise year"),
    "enterprise_link": N_("enterprise–link assignment"),
    "park": N_("park"),
    "chain": N_("chain"),
    "link": N_("chain link"),
    "cluster": N_("cluster"),
    "plan": N_("plan"),
    "action": N_("plan action"),
    "indicator": N_("indicator"),
    "target": N_("target"),
    "observation": N_("observation"),
    "dataset": N_("dataset"),
    "submission": N_("submission"),
    "project": N_("project"),
    "challenge": N_("challenge"),
    "appeal": N_("appeal"),
    "project_stage": N_("project stage"),
    "project_progress": N_("project progress"),
    "challenge_application": N_("challenge application"),
    "project_year_plan": N_("project annual plan"),
    "challenge_reviewer": N_("challenge reviewer"),
    "challenge_declaration": N_("conflict-of-interest declaration"),
    "challenge_score": N_("review score"),
    "challenge_milestone": N_("challenge milestone"),
    "appeal_attachment": N_("appeal attachment"),
    "tier_declaration": N_("tier declaration"),
    "tier_evidence": N_("tier evidence file"),
    "tier_fact": N_("tier fact"),
    "tier_award": N_("science and technology award"),
    "tier_honour": N_("enterprise honour"),
    "industry_margin": N_("industry profit margin"),
    "link_proposal": N_("link proposal"),
    "smart_platform": N_("smart manufacturing service platform"),
    "smart_assessment": N_("smart manufacturing assessment"),
    "smart_provider": N_("smart manufacturing solution provider"),
    "smart_recognition": N_("smart manufacturing recognition"),
    "qualitative_goal": N_("qualitative goal"),
    "validation_rule": N_("validation rule"),
    "plan_review": N_("plan review"),
    # an import's entry names the sheet it loaded (gaodi.exchange.service.HANDLERS)
    "enterprises": N_("enterprise list (import)"),
    "enterprise_years": N_("enterprise yearly figures (import)"),
    "tier_facts": N_("tier facts (import)"),
    "tier_awards": N_("science and technology awards (import)"),
    "industry_margins": N_("industry profit margins (import)"),
    "parks": N_("parks (import)"),
    "chains": N_("chains (import)"),
    "links": N_("chain links (import)"),
    "enterprise_links": N_("enterprise–link assignments (import)"),
    "indicators": N_("indicators (import)"),
    "plans": N_("plans (import)"),
    "actions": N_("plan actions (import)"),
    "targets": N_("targets (import)"),
    "observations": N_("observations (import)"),
    "projects": N_("major projects (import)"),
    "project_year_plans": N_("project annual plans (import)"),
}


def _action_label(ctx: PageContext, code: str) -> str:
    """An audit action in the page's words: the foundation's own, a workflow step by its
    machine ("项目：开工" for project.start), else the code."""
    if code in ACTION_LABELS:
        return ctx._(ACTION_LABELS[code])
    words = workflow.action_words(code, ctx.lang)
    if words is not None:
        return words
    # a workflow step that is not a transition (project.create, project.set_year_plan):
    # the kind of object in its machine's words, the step in the foundation's
    kind, _, step = code.partition(".")
    machine = workflow.MACHINES.get(kind)
    if machine is not None and step in ACTION_LABELS:
        if ctx.lang.startswith("zh"):
            return f"{machine.kind_zh}：{ctx._(ACTION_LABELS[step])}"
        return f"{machine.kind_en or machine.kind}: {ctx._(ACTION_LABELS[step])}"
    return code


#: Audited fields the export sheets have no column for (the workflows' own), in interface
#: words; a field neither here nor in a sheet shows its key.
FIELD_LABELS = {
    "status": N_("Status"),
    "stage": N_("Stage"),
    "note": N_("Note"),
    "comment": N_("Comment"),
    "reason": N_("Reason"),
    "score": N_("Score"),
    "title": N_("Title"),
    "name": N_("Name"),
    "affiliation": N_("Affiliation"),
    "period": N_("Period"),
    "value": N_("Value"),
    "role": N_("Role"),
    "reviewed_by": N_("Reviewed by"),
    "reviewed_at": N_("Reviewed at"),
    "review_comment": N_("Review comment"),
    "locked": N_("Locked"),
    "award_reason": N_("Award reason"),
    "submitted_by": N_("Submitted by"),
    "submitted_at": N_("Submitted at"),
    "removed_at": N_("Removed at"),
    "removal_reason": N_("Reason for removal"),
    "is_active": N_("Active"),
    "amount": N_("Amount"),
    "return_reason": N_("Reason for return"),
    "resolution": N_("Resolution"),
    "department": N_("Department"),
    # the columns a new row's entry lists, and the details a workflow step records
    "active": N_("Active"),
    "actual_on": N_("Actual date"),
    "added_at": N_("Added at"),
    "adopted_at": N_("Adopted at"),
    "adopted_by": N_("Adopted by"),
    "annual": N_("Annual"),
    "answers": N_("Answers"),
    "applicant_name": N_("Applicant"),
    "applicant_uscc": N_("Applicant's credit code"),
    "assessed_on": N_("Assessed on"),
    "assessor": N_("Assessor"),
    "assigned_at": N_("Assigned at"),
    "best": N_("Highest score"),
    "budget": N_("Budget (10k yuan)"),
    "capabilities": N_("Capabilities"),
    "category": N_("Category"),
    "caveats": N_("Caveats"),
    "confirmed_at": N_("Confirmed at"),
    "content_type": N_("File type"),
    "created_at": N_("Created at"),
    "created_by": N_("Created by"),
    "date": N_("Date"),
    "deadline": N_("Deadline"),
    "decided_at": N_("Decided at"),
    "decided_by": N_("Decided by"),
    "decision_note": N_("Decision note"),
    "declarations": N_("Declarations"),
    "declared_at": N_("Declared at"),
    "description": N_("Description"),
    "display_name": N_("Display name"),
    "done_on": N_("Completed on"),
    "due_on": N_("Due on"),
    "escalate_on": N_("Escalate on"),
    "expires_at": N_("Expires at"),
    "expression": N_("Expression"),
    "extra": N_("Other details"),
    "facts": N_("Facts"),
    "field": N_("Field"),
    "filename": N_("File name"),
    "flags": N_("Flags"),
    "has_conflict": N_("Conflict of interest"),
    "id": N_("ID"),
    "industries": N_("Industries"),
    "ip": N_("IP address"),
    "is_demo": N_("Sample data"),
    "issuer": N_("Issuer"),
    "kind": N_("Kind"),
    "language": N_("Language"),
    "level": N_("Level"),
    "level_name": N_("Level name"),
    "limit_start_on": N_("Time limit starts on"),
    "limit_unit": N_("Time limit unit"),
    "local": N_("Local"),
    "manual_kept": N_("Manual assignments kept"),
    "object": N_("Object"),
    "operator": N_("Operator"),
    "parent_id": N_("Parent"),
    "password_changed_at": N_("Password changed at"),
    "planned_on": N_("Planned on"),
    "prefix": N_("Token prefix"),
    "previous": N_("Previous value"),
    "problem": N_("Problem"),
    "proposal": N_("Proposal"),
    "proposed_at": N_("Proposed at"),
    "proposed_by": N_("Proposed by"),
    "published_on": N_("Published on"),
    "quote": N_("Quote"),
    "received_at": N_("Received at"),
    "recognition": N_("Recognition"),
    "ref_id": N_("Reference"),
    "reference_projects": N_("Reference projects"),
    "region_code": N_("Region code"),
    "reopen_count": N_("Times reopened"),
    "reported_at": N_("Reported at"),
    "reported_by": N_("Reported by"),
    "requested_budget": N_("Requested (10k yuan)"),
    "requirements": N_("Requirements"),
    "resolved_at": N_("Resolved at"),
    "reviewer": N_("Reviewer"),
    "revision": N_("Revision"),
    "revoked_at": N_("Revoked at"),
    "rules_version": N_("Rules version"),
    "satisfaction": N_("Satisfaction"),
    "scenarios": N_("Scenarios"),
    "scheme_id": N_("Assessment scheme"),
    "scheme_version": N_("Scheme version"),
    "scope": N_("Scope"),
    "scope_id": N_("Scope"),
    "scored_at": N_("Scored at"),
    "scores": N_("Scores"),
    "services": N_("Services"),
    "session_version": N_("Session version"),
    "severity": N_("Severity"),
    "sha256": N_("Checksum (SHA-256)"),
    "size": N_("Size (bytes)"),
    "size_class": N_("Size class"),
    "sort_order": N_("Order"),
    "source": N_("Source"),
    "source_text": N_("Source text"),
    "statement": N_("Statement"),
    "stored_name": N_("Stored file"),
    "text": N_("Text"),
    "tier": N_("Tier"),
    "time_limit": N_("Time limit"),
    "token_hash": N_("Token hash"),
    "total": N_("Total"),
    "unchanged": N_("Unchanged"),
    "updated_at": N_("Updated at"),
    "updated_by": N_("Updated by"),
    "uploaded_at": N_("Uploaded at"),
    "uploaded_by": N_("Uploaded by"),
    "url": N_("Web address"),
    "user": N_("User"),
    "username": N_("Username"),
    "uscc": N_("Unified social credit code"),
    "valid_from": N_("Valid from"),
    "valid_to": N_("Valid to"),
    "verb": N_("Verb"),
    "wait_s": N_("Wait (seconds)"),
    "website": N_("Website"),
    "year": N_("Year"),
}
#: A key that means something else on one kind of record: the demo build's ``size`` is the
#: city's size (small, medium, large), not a file's bytes.
ENTITY_FIELD_LABELS = {("dataset", "size"): N_("Demo city size")}
DEMO_SIZE_WORDS = {
    "small": N_("demo size|small"),
    "medium": N_("demo size|medium"),
    "large": N_("demo size|large"),
}
#: Fields that hold another record's id (a workflow step's details name it without "_id"):
#: labelled by that record's kind, the value shown as "#id".
ID_FIELDS = {
    "application": "challenge_application",
    "application_id": "challenge_application",
    "attachment": "appeal_attachment",
    "milestone": "challenge_milestone",
    "reviewer_id": "challenge_reviewer",
    "declaration_id": "tier_declaration",
    "user_id": "user_account",
}
#: Fields whose value is a state: a code no Chinese reader should meet.
STATE_FIELDS = frozenset({"status", "stage"})
#: States of records that have no workflow machine (a challenge application's outcome).
STATE_WORDS = {
    ("challenge_application", "submitted"): N_("application submitted"),
    ("challenge_application", "awarded"): N_("awarded"),
    ("challenge_application", "not_awarded"): N_("not awarded"),
}


#: States of records kept by a feature's own table of (zh, en) words.
STATE_TABLES: dict[str, dict[str, tuple[str, str]]] = {"tier_declaration": declarations.STATES}


@lru_cache(maxsize=1)
def _sheet_columns() -> dict[str, dict[str, Column]]:
    """The export sheets' columns by sheet key and column key: the field labels the exports
    print (项目名称, 年度计划投资...) and the code lists their values come from."""
    sheets: dict[str, dict[str, Column]] = {}
    for entity in ENTITIES.values():
        for sheet in entity.sheets:
            sheets.setdefault(sheet.key, {c.key: c for c in sheet.columns})
    return sheets


def _column(entity: str, key: str) -> Column | None:
    # an audited table is named in the singular, its sheet in the plural (project/projects)
    sheets = _sheet_columns()
    for name in (entity, f"{entity}s"):
        if key in sheets.get(name, {}):
            return sheets[name][key]
    return None


def _field_label(ctx: PageContext, entity: str, key: str) -> str:
    """An audited field as the page's language names it (the export sheet's column first, the
    most specific: 项目名称 rather than 名称), else its key."""
    col = _column(entity, key)
    if col is not None:
        # the sheets' English headers are lower case phrases (project name): a label starts
        # with a capital as the page's other labels do
        return col.zh if ctx.lang.startswith("zh") else col.en[:1].upper() + col.en[1:]
    if (entity, key) in ENTITY_FIELD_LABELS:
        return ctx._(ENTITY_FIELD_LABELS[entity, key])
    if key in FIELD_LABELS:
        return ctx._(FIELD_LABELS[key])
    kind = _id_entity(key)
    if kind is not None:
        words = ctx._(ENTITY_LABELS[kind])
        return words if ctx.lang.startswith("zh") else words[:1].upper() + words[1:]
    # a key no table names: never the raw identifier (its underscores) on the page
    return key.replace("_", " ")


def _id_entity(key: str) -> str | None:
    """The kind of record a field holding an id points at (chain_id: chain), if known."""
    if key in ID_FIELDS:
        return ID_FIELDS[key]
    if key.endswith("_id") and key[:-3] in ENTITY_LABELS:
        return key[:-3]
    return None


def _plain_words(ctx: PageContext, value: Any) -> Any:
    """A list or mapping inside a stored value as a line of words (no JSON braces, quotes or
    Python's True/False/None): "8: 90、9: 85"."""
    if value is None:
        return "—"
    if value is True or value is False:
        return ctx._("yes") if value else ctx._("no")
    if isinstance(value, dict):
        return "、".join(f"{k}: {_plain_words(ctx, v)}" for k, v in value.items()) or "—"
    if isinstance(value, list):
        return "、".join(str(_plain_words(ctx, v)) for v in value) or "—"
    return value


def _value_words(ctx: PageContext, entity: str, key: str, value: Any) -> Any:
    """A stored value in words where the app has them: a state by its machine's (or its
    record's) words, a code of a sheet's code list by its label; other values unchanged."""
    if isinstance(value, int) and not isinstance(value, bool) and _id_entity(key) is not None:
        return f"#{value}"
    if isinstance(value, (dict, list)):
        return _plain_words(ctx, value)
    if not isinstance(value, str):
        return value
    if key == "language":
        return LANGUAGE_NAMES.get(value, value)
    if (entity, key) == ("dataset", "size") and value in DEMO_SIZE_WORDS:
        return ctx._(DEMO_SIZE_WORDS[value])
    col = _column(entity, key)
    if col is not None and col.choices in CHOICES and value in CHOICES[col.choices]:
        return CHOICES[col.choices].label(value, ctx.lang)
    if key not in STATE_FIELDS:
        return value
    machine = workflow.MACHINES.get(entity)
    if machine is not None and any(s.key == value for s in machine.states):
        return machine.state(value).label(ctx.lang)
    if (entity, value) in STATE_WORDS:
        return ctx._(STATE_WORDS[entity, value])
    words = STATE_TABLES.get(entity, {}).get(value)
    if words is not None:
        return words[0] if ctx.lang.startswith("zh") else words[1]
    # a state of a record with no machine of its own: the word any machine has for it
    for other in workflow.MACHINES.values():
        if any(s.key == value for s in other.states):
            return other.state(value).label(ctx.lang)
    return value


class AuditChange(BaseModel):
    """One field of an entry as the page says it: its label, and its values with states and
    coded values in words (the raw values stay in ``before``/``after``). ``changed`` is set
    when the entry has the value before (an update, a step's state): the page shows
    "before → after"; else (a new row's column, a step's detail, a deleted row's column) the
    one value, in ``after`` (in ``before`` for a deletion)."""

    field: str
    label: str
    before: Any
    after: Any
    changed: bool = True


def _changes(
    ctx: PageContext,
    entity: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    update: bool = False,
) -> list[AuditChange]:
    """The fields of an entry in words. Every field of an ``update`` is a change (a value
    missing before was empty); a step records the state before, its details only after."""
    if not after:
        # a deletion: the values the row had
        return [
            AuditChange(
                field=key,
                label=_field_label(ctx, entity, key),
                before=_value_words(ctx, entity, key, value),
                after=None,
                changed=False,
            )
            for key, value in (before or {}).items()
        ]
    before = before or {}
    changes = []
    for key, value in after.items():
        changed = update or key in before
        old = _value_words(ctx, entity, key, before.get(key))
        new = _value_words(ctx, entity, key, value)
        if changed and old == new:
            continue  # the same as said (two corrections within a second): no "x → x"
        changes.append(
            AuditChange(
                field=key,
                label=_field_label(ctx, entity, key),
                before=old,
                after=new,
                changed=changed,
            )
        )
    return changes


class AuditRow(BaseModel):
    id: int
    at: CityMoment
    actor: str
    entity: str
    entity_label: str
    entity_id: str | None
    action: str
    action_label: str
    before: dict[str, Any] | None = Field(
        description="The audited values before the change; a moment among them is given as every "
        "moment of the API is: the city's time with its offset."
    )
    after: dict[str, Any] | None = Field(description="The audited values after the change.")
    changes: list[AuditChange] = Field(
        [],
        description="The entry's fields in the page's language: each field's label and its "
        "values with states, coded values, ids and yes/no in words (changed: before → after).",
    )
    note: str | None


class AuditPage(BaseModel):
    """A page of the audit log, newest first, and the values the filters offer."""

    events: list[AuditRow]
    total: int
    page: int
    pages: int
    per_page: int
    filters: AuditFilter
    entities: list[str]
    actions: list[str]
    actors: list[str]
    entity_labels: dict[str, str] = {}
    action_labels: dict[str, str] = {}


@page(router, "/admin/audit", api="/admin/audit", template="admin/audit.html", domain="audit")
def audit_page(ctx: PageContext, q: Annotated[AuditFilter, Query()]) -> AuditPage:
    """The append-only audit log: who changed what, when, before and after."""
    assert ctx.principal is not None
    if q.since and q.until and q.until < q.since:
        # no event can fall in it: an empty list would read as "nothing happened"
        raise ValidationError(
            f"截止日期 {q.until} 早于起始日期 {q.since}：请对调两个日期。",
            f"The “To” day {q.until} is before the “From” day {q.since}: swap the two days.",
            field="until",
        )
    query = system.AuditQuery(**q.model_dump())
    rows, total = system.audit_log(ctx.session, ctx.principal, query)
    facets = system.audit_facets(ctx.session, ctx.principal)
    return AuditPage(
        events=[
            AuditRow(
                id=e.id,
                at=e.at,
                actor=e.actor,
                entity=e.entity,
                entity_label=ctx._(ENTITY_LABELS[e.entity])
                if e.entity in ENTITY_LABELS
                else e.entity,
                entity_id=e.entity_id,
                action=e.action,
                action_label=_action_label(ctx, e.action),
                before=city_iso_values(e.before),
                after=city_iso_values(e.after),
                changes=_changes(
                    ctx,
                    e.entity,
                    city_iso_values(e.before),
                    city_iso_values(e.after),
                    update=e.action == "update",
                ),
                note=e.note,
            )
            for e in rows
        ],
        total=total,
        page=q.page,
        pages=page_count(total, q.per_page),
        per_page=q.per_page,
        filters=q,
        entities=facets["entity"],
        actions=facets["action"],
        actors=facets["actor"],
        entity_labels={k: ctx._(v) for k, v in ENTITY_LABELS.items() if k in facets["entity"]},
        action_labels={k: _action_label(ctx, k) for k in facets["action"]},
    )
