"""What the projects, challenges and appeals pages share: the as-of day, options, workflow
forms that report refusals as messages, the sub-navigation."""

from __future__ import annotations

import math
import typing
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from fastapi.responses import Response
from pydantic import BaseModel

from gaodi.chains import loaders as chain_loaders
from gaodi.config import get_settings
from gaodi.core import asof, clock
from gaodi.core.errors import (
    ConflictError,
    GaodiError,
    NotFoundError,
    PermissionDenied,
    ValidationError,
)
from gaodi.core.permissions import Principal
from gaodi.parks import loaders as park_loaders
from gaodi.projects.actions import ActionIn
from gaodi.projects.schemas import MAX_AMOUNT
from gaodi.ui.web.context import FormInvalid, PageContext
from gaodi.ui.web.i18n import N_

M = TypeVar("M", bound=BaseModel)


class Option(BaseModel):
    value: str
    label: str


class Tab(BaseModel):
    key: str
    url: str
    label: str


class AsOf(BaseModel):
    day: date
    is_demo_day: bool


def pick(ctx: PageContext, zh: str, en: str) -> str:
    """The user's language of a label the data carries in both (workflow states, rule files);
    interface text goes through the catalogs (``ctx._``)."""
    return zh if ctx.lang.startswith("zh") else en


def as_of(ctx: PageContext, requested: date | None) -> AsOf:
    """The day pages judge delays and deadlines on: the one asked for, else the city's today
    (one clock: ``GAODI_TODAY``, else the demo dataset's own day, else the calendar's). A day
    after today (or before any period) is refused in words (:func:`gaodi.core.asof.requested`);
    the demo's own day says so whether it was asked for or not."""
    today, configured = clock.city_today(ctx.dataset)
    day = asof.requested(requested, today=today, field="as_of_day")
    return AsOf(day=day, is_demo_day=day == today and configured and get_settings().today is None)


def tabs(ctx: PageContext) -> list[Tab]:
    out = []
    for key, url, domain, label in (
        ("projects", "/projects", "project", N_("Major projects")),
        ("challenges", "/challenges", "challenge", N_("Challenges")),
        ("appeals", "/appeals", "appeal", N_("Appeals")),
        ("appeal_stats", "/appeals/stats", "appeal", N_("Appeal statistics")),
    ):
        if ctx.can("read", domain):
            out.append(Tab(key=key, url=url, label=ctx._(label)))
    return out


def _principal(ctx: PageContext) -> Principal:
    """The signed-in principal (an anonymous request is answered as ``ctx.restrict`` does)."""
    if ctx.principal is None:
        from gaodi.ui.web.errors import unauthorized

        raise unauthorized()
    return ctx.principal


def chain_options(ctx: PageContext) -> list[Option]:
    try:
        rows = chain_loaders.chain_id_choices(ctx.session, _principal(ctx))
    except PermissionDenied:
        return []
    return [Option(value=str(i), label=n) for i, n in rows]


def park_options(ctx: PageContext) -> list[Option]:
    try:
        rows = park_loaders.park_choices(ctx.session, _principal(ctx))
    except PermissionDenied:
        return []
    return [Option(value=str(i), label=label) for i, label in rows]


def link_options(ctx: PageContext) -> list[Option]:
    try:
        rows = chain_loaders.link_choices(ctx.session, _principal(ctx))
    except PermissionDenied:
        return []
    chains = {o.value: o.label for o in chain_options(ctx)}
    return [Option(value=str(i), label=f"{chains.get(str(c), c)} · {n}") for i, c, n in rows]


def _is_number(model: type[BaseModel], name: str) -> bool:
    found = model.model_fields.get(name)
    kinds = (typing.get_args(found.annotation) or (found.annotation,)) if found else ()
    return any(kind in (int, float) for kind in kinds)


def _non_finite(value: object) -> bool:
    """Is ``value`` (as posted) a number Python reads as inf or nan (1e400, inf, nan)?"""
    if isinstance(value, list):
        value = value[-1] if value else None
    if not isinstance(value, str):
        return False
    try:
        return not math.isfinite(float(value))
    except ValueError:
        return False


def _capped(model: type[BaseModel], name: str) -> bool:
    """Is field ``name`` an amount capped at :data:`MAX_AMOUNT`?"""
    found = model.model_fields.get(name)
    return found is not None and any(getattr(m, "le", None) == MAX_AMOUNT for m in found.metadata)


def parse_form(ctx: PageContext, model: type[M]) -> M:
    """``ctx.parse_form``, with a number too large to be finite (1e400, inf, nan) said to be
    one, not as a value that is "not valid", and the cap of amounts written with separators
    (10,000,000,000, not 10000000000.0)."""
    try:
        return ctx.parse_form(model)
    except FormInvalid as exc:
        cap = format(MAX_AMOUNT, ",")
        for name in exc.errors:
            if _is_number(model, name) and _non_finite(ctx.form.get(name)):
                exc.errors[name] = ctx._("Enter a finite number.")
            elif _capped(model, name) and _above_cap(ctx.form.get(name)):
                exc.errors[name] = ctx._("Must be at most %(le)s.", le=cap)
        raise


def _above_cap(value: object) -> bool:
    if isinstance(value, list):
        value = value[-1] if value else None
    try:
        return float(str(value)) > MAX_AMOUNT
    except ValueError:
        return False


def action_form(ctx: PageContext) -> ActionIn:
    """The posted workflow step (field errors re-render the page next to their fields)."""
    return parse_form(ctx, ActionIn)


def run_step(ctx: PageContext, back: str, step: Callable[[], Any], done: str) -> Response:
    """Run a workflow step; on success flash ``done`` (translated), on a refusal (illegal
    transition, not this role's step, bad value) roll back, flash the reason and go back."""
    try:
        step()
    except NotFoundError:
        raise
    except ValidationError as exc:
        missing = exc.context.get("missing")
        if missing:  # fields the step needs, left empty: each said to be required
            raise FormInvalid(
                {name: ctx._("This field is required.") for name in missing}
            ) from None
        if exc.context.get("field"):
            raise  # shown next to the field by the form decorator
        return _refused(ctx, back, exc)
    except (ConflictError, PermissionDenied) as exc:
        return _refused(ctx, back, exc)
    ctx.flash(done)
    return ctx.redirect(back)


def _refused(ctx: PageContext, back: str, exc: GaodiError) -> Response:
    ctx.session.rollback()
    ctx.flash(exc.message(ctx.lang), "info" if _nothing_changed(exc) else "error")
    return ctx.redirect(back)


def _nothing_changed(exc: GaodiError) -> bool:
    """Whether a refusal only says the figure on record was sent again (a replay, a form sent
    twice: :func:`gaodi.projects.projects.unchanged`). Nothing went wrong, so the page tells it
    as information, not in the error style. Read from the error's context flag ``unchanged``,
    never from its words (a reworded sentence would turn it back into an error)."""
    return isinstance(exc, ConflictError) and exc.context.get("unchanged") is True


def workflow_labels(ctx: PageContext, machine: Any) -> dict[str, str]:
    """Labels of a workflow's states and steps in the user's language (for histories)."""
    out = {s.key: pick(ctx, s.zh, s.en) for s in machine.states}
    out.update({t.name: pick(ctx, t.zh, t.en) for t in machine.transitions})
    out.update(
        create=ctx._("registered"),
        publish=ctx._("published"),
        submit=ctx._("appeal step|submitted"),
    )
    return out
