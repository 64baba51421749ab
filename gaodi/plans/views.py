"""行动计划 pages, each with its JSON twin under /api/v1 (one context function serves both):
the board, a target, the plans list and the draft-review page, data entry, the submission
tasks, one submission, and the completeness matrix. Forms post to handlers that call the
service and redirect (Post/Redirect/Get); a refused value re-renders its page with the reasons.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select

from gaodi.config import get_settings
from gaodi.core.dbint import INT32_MAX, DbInt, RowId
from gaodi.core.errors import ConflictError, GaodiError, ValidationError
from gaodi.core.periods import FIRST_YEAR, LAST_YEAR, parse_day
from gaodi.core.text_safety import VisibleText
from gaodi.plans import intake, service, submission
from gaodi.plans.models import Indicator
from gaodi.plans.schemas import (
    Board,
    BoardFilter,
    Completeness,
    Flag,
    IndicatorUpdate,
    ObservationIn,
    ObservationOut,
    PlanOut,
    PlanSummary,
    SubmissionDetail,
    TargetDetail,
    TargetUpdate,
    Tasks,
)
from gaodi.ui.web.context import FormInvalid, PageContext
from gaodi.ui.web.i18n import N_
from gaodi.ui.web.nav import register_nav
from gaodi.ui.web.pages import Access, form, page, route_extra

router = APIRouter()
register_nav("plans", N_("Plans"), "/plans", domain="plan", order=20)

STATIC = Path(__file__).resolve().parent / "static"


KEY_EXAMPLE = {"path": {"key": "1:city:0:2023-06"}}


def _plans_js() -> FileResponse:
    return FileResponse(STATIC / "plans.js", media_type="text/javascript")


router.add_api_route(
    "/plans/static/plans.js",
    _plans_js,
    methods=["GET"],
    include_in_schema=False,
    openapi_extra=route_extra(Access(public=True)),
)


KNOWN_ON = r"^(\d{4}-\d{2}-\d{2})?$"  # a day; an impossible one is refused by parse_day


def _blank(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


# ---------------------------------------------------------------------------- board


@page(router, "/plans", api="/plans/board", template="plans/board.html", domain="plan", shared=30)
def board_page(
    ctx: PageContext,
    as_of: Annotated[str | None, Query(pattern=r"^(\d{4}-(0[1-9]|1[0-2]))?$")] = None,
    status: Literal["green", "yellow", "red", "not_due", "at_risk", "no_data", "invalid", ""]
    | None = None,
    owner: str | None = None,
    action: str | None = None,
    overdue_only: bool = False,
    plan_id: int | None = None,
    known_on: Annotated[str | None, Query(pattern=KNOWN_ON)] = None,
) -> Board:
    """The board: every target of the plan against 序时进度, with traffic lights, forecasts and
    overdue submissions; filter by status, owner department and action."""
    assert ctx.principal is not None
    filters = BoardFilter(
        status=status or None,
        owner=owner or None,
        action=action or None,
        overdue_only=overdue_only,
    )
    known = parse_day(known_on, "known_on")
    return service.cached_board(
        ctx.session, ctx.principal, as_of or None, filters, plan_id=plan_id, known_on=known
    )


@page(
    router,
    "/plans/targets/{target_id}",
    api="/plans/targets/{target_id}",
    template="plans/target.html",
    domain="plan",
)
def target_page(
    ctx: PageContext,
    target_id: int,
    as_of: Annotated[str | None, Query(pattern=r"^(\d{4}-(0[1-9]|1[0-2]))?$")] = None,
    known_on: Annotated[str | None, Query(pattern=KNOWN_ON)] = None,
) -> TargetDetail:
    """One target: actual vs 序时进度 by month, the forecast fan, revisions, provenance."""
    assert ctx.principal is not None
    return service.target_detail(
        ctx.session,
        ctx.principal,
        target_id,
        as_of or None,
        known_on=parse_day(known_on, "known_on"),
    )


# ---------------------------------------------------------------------------- plans and review
class PlansPage(BaseModel):
    plans: list[PlanSummary]


@page(router, "/plans/list", api="/plans/list", template="plans/list.html", domain="plan")
def plans_page(ctx: PageContext) -> PlansPage:
    """Every plan (drafts and adopted), and the form to load a new one."""
    assert ctx.principal is not None
    return PlansPage(plans=service.list_plans(ctx.session, ctx.principal))


@form(router, "/plans/load", domain="plan", action="edit", page=plans_page)
def load_form(ctx: PageContext) -> Response:
    """Load a plan text (.txt) or extraction (.json) as a draft."""
    assert ctx.principal is not None
    upload = ctx.files.get("file")
    text = str(ctx.form.get("text") or "")
    name = str(ctx.form.get("name") or "").strip() or None
    if upload is not None and upload.filename:
        import tempfile

        suffix = Path(upload.filename).suffix.lower() or ".txt"
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"plan{suffix}"
            # As large as the text one may paste, no larger: extraction takes seconds a MB.
            limit = get_settings().request_max_kb * 1024
            data = upload.file.read(limit + 1)
            if len(data) > limit:
                raise FormInvalid(
                    {
                        "file": ctx._(
                            "The file is larger than %(mb)s MB.", mb=format(limit / 2**20, "g")
                        )
                    }
                )
            path.write_bytes(data)
            try:
                extraction, source = service.read_source(path, Path(upload.filename).name)
            except GaodiError as exc:
                raise FormInvalid({"file": exc.message(ctx.lang)}) from None
        name = name or upload.filename
    elif text.strip():
        from gaodi.text.extract import extract_plan

        extraction, source = extract_plan(text), text
    else:
        raise FormInvalid({"file": ctx._("Upload a file or paste the text.")})
    try:
        plan = service.load_plan(
            ctx.session, ctx.principal, extraction, source_name=name, source_text=source
        )
    except ValidationError as exc:  # the plan's or an action's rule: shown beside the file
        raise FormInvalid({"file": exc.message(ctx.lang)}) from None
    n, m = len(extraction.set_aside), len(extraction.suggested)
    if n and m:
        ctx.flash(
            ctx._(
                "Draft #%(id)s created: review it. The model set aside %(n)s of the numbers the "
                "rules read as targets and suggests %(m)s they passed over: see them in the text "
                "review.",
                id=plan.id,
                n=n,
                m=m,
            )
        )
    elif n:
        ctx.flash(
            ctx._(
                "Draft #%(id)s created: review it. The model set aside %(n)s of the numbers the "
                "rules read as targets: see them in the text review.",
                id=plan.id,
                n=n,
            )
        )
    elif m:
        ctx.flash(
            ctx._(
                "Draft #%(id)s created: review it. The model suggests %(m)s numbers the rules "
                "passed over as targets: see them in the text review.",
                id=plan.id,
                m=m,
            )
        )
    else:
        ctx.flash(ctx._("Draft #%(id)s created: review it.", id=plan.id))
    return ctx.redirect(f"/plans/drafts/{plan.id}")


@page(
    router,
    "/plans/drafts/{plan_id}",
    api="/plans/drafts/{plan_id}",
    template="plans/review.html",
    domain="plan",
)
def review_page(ctx: PageContext, plan_id: int) -> PlanOut:
    """A plan's actions, targets and proposed indicators, for review before adoption."""
    assert ctx.principal is not None
    return service.get_plan(ctx.session, ctx.principal, plan_id, ctx.lang)


class TargetForm(BaseModel):
    indicator_name: VisibleText = Field(min_length=1)
    value: float
    value_max: float | None = None
    unit: str = Field(min_length=1)
    year: int = Field(ge=1949, le=2100)
    comparator: Literal[">=", "<=", "="]
    baseline: float | None = None
    baseline_year: int | None = Field(None, ge=1949, le=2100)
    action_number: str | None = None
    note: str | None = None
    path: Literal["auto", "linear", "compound", "milestone"] | None = None
    code: str | None = Field(None, pattern=r"^[a-z_][a-z0-9_]{0,63}$")
    aggregation: Literal["cumulative", "point", "average"] | None = None
    kind: Literal["level", "growth", "count"] | None = None
    direction: Literal["higher", "lower"] | None = None
    owner: str | None = None
    frequency: Literal["monthly", "quarterly", "yearly"] | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _empty(cls, value: object) -> object:
        return _blank(value)


def _check_plan(ctx: PageContext, plan_id: int, target_id: int) -> None:
    from gaodi.core.errors import NotFoundError

    assert ctx.principal is not None
    if service._target(ctx.session, ctx.principal, target_id, "read").plan_id != plan_id:
        raise NotFoundError(
            f"计划 {plan_id} 中没有目标 {target_id}。", f"Plan {plan_id} has no target {target_id}."
        )


@form(
    router,
    "/plans/drafts/{plan_id}/targets/{target_id}/edit",
    domain="plan",
    action="edit",
    page=review_page,
)
def edit_target_form(ctx: PageContext, plan_id: int, target_id: int) -> Response:
    """Save a reviewed target and its indicator's attributes."""
    assert ctx.principal is not None
    _check_plan(ctx, plan_id, target_id)
    data = ctx.parse_form(TargetForm)
    target = service.update_target(
        ctx.session,
        ctx.principal,
        target_id,
        TargetUpdate(
            indicator_name=data.indicator_name,
            value=data.value,
            value_max=data.value_max,
            unit=data.unit,
            year=data.year,
            comparator=data.comparator,
            baseline=data.baseline,
            baseline_year=data.baseline_year,
            action_number=data.action_number or "",
            note=data.note,
            **({"path": data.path} if data.path is not None else {}),
        ),
    )
    if target.indicator is not None:
        changes = {
            k: getattr(data, k)
            for k in ("code", "aggregation", "kind", "direction", "owner", "frequency")
            if getattr(data, k) is not None
        }
        if changes:
            service.update_indicator(
                ctx.session, ctx.principal, target.indicator.id, IndicatorUpdate(**changes)
            )
    ctx.flash(ctx._("Target #%(id)s saved.", id=target_id))
    return ctx.redirect(f"/plans/drafts/{plan_id}#target-{target_id}")


@form(
    router,
    "/plans/drafts/{plan_id}/targets/{target_id}/delete",
    domain="plan",
    action="edit",
    page=review_page,
)
def delete_target_form(ctx: PageContext, plan_id: int, target_id: int) -> Response:
    """Delete a draft target."""
    assert ctx.principal is not None
    _check_plan(ctx, plan_id, target_id)
    service.delete_target(ctx.session, ctx.principal, target_id)
    ctx.flash(ctx._("Target #%(id)s deleted.", id=target_id))
    return ctx.redirect(f"/plans/drafts/{plan_id}")


class MergeForm(BaseModel):
    keep: RowId
    merge: list[int] = Field(min_length=1)


@form(router, "/plans/drafts/{plan_id}/merge", domain="plan", action="edit", page=review_page)
def merge_form(ctx: PageContext, plan_id: int) -> Response:
    """Merge the selected targets into one."""
    assert ctx.principal is not None
    data = ctx.parse_form(MergeForm, lists=("merge",))
    others = [t for t in data.merge if t != data.keep]
    if not others:
        raise FormInvalid({"merge": ctx._("Select at least two targets.")})
    service.merge_targets(ctx.session, ctx.principal, data.keep, others)
    ctx.flash(ctx.ngettext("Merged %(num)s target.", "Merged %(num)s targets.", len(others)))
    return ctx.redirect(f"/plans/drafts/{plan_id}")


@form(router, "/plans/drafts/{plan_id}/adopt", domain="plan", action="approve", page=review_page)
def adopt_form(ctx: PageContext, plan_id: int) -> Response:
    """Adopt (印发) the reviewed draft."""
    assert ctx.principal is not None
    try:
        service.adopt_plan(ctx.session, ctx.principal, plan_id)
    except ValidationError as exc:
        raise FormInvalid({"adopt": exc.message(ctx.lang)}) from None
    ctx.flash(ctx._("The plan is adopted: the board follows it."))
    return ctx.redirect(f"/plans?plan_id={plan_id}")


# ---------------------------------------------------------------------------- data entry
class IndicatorOption(BaseModel):
    code: str
    name: str
    unit: str
    kind: str
    natural_kind: str
    frequency: str
    owner: str | None


class ScopeObject(BaseModel):
    """A chain or park the user reports for, by id and name (the form's choice of scope)."""

    id: int
    name: str


class EntryPage(BaseModel):
    indicators: list[IndicatorOption]
    scopes: list[str]
    #: the chains or parks of ``scopes[0]`` the user may report for (none for the city)
    scope_objects: list[ScopeObject] = Field(default_factory=list)
    recent: list[ObservationOut]
    flags: list[Flag] = Field(default_factory=list)


@page(
    router,
    "/plans/entry",
    api="/plans/entry",
    template="plans/entry.html",
    domain="plan",
    action="submit",
)
def entry_page(ctx: PageContext, indicator: str | None = None) -> EntryPage:
    """The data-entry form: indicators the plan follows, and the latest values entered."""
    from gaodi.core.permissions import can, restrict
    from gaodi.plans.board import obs_out
    from gaodi.plans.inference import natural_kind
    from gaodi.plans.models import Observation

    assert ctx.principal is not None
    indicators = ctx.session.scalars(
        restrict(select(Indicator), ctx.principal).order_by(Indicator.code)
    ).all()
    p = ctx.principal
    # the first scope kind the principal may report for: the city, else its chains or parks
    mine = (("city", [0]), ("chain", sorted(p.chain_ids)), ("park", sorted(p.park_ids)))
    allowed = {
        kind: [i for i in ids if can(p, "submit", Observation(scope=kind, scope_id=i))]
        for kind, ids in mine
    }
    scopes = [kind for kind, _ids in mine if allowed[kind]][:1]
    # a chain or park office chooses its chain or park by name: the ids are shown nowhere
    objects: list[ScopeObject] = []
    if scopes == ["chain"]:
        from gaodi.chains.loaders import names_and_offices

        chains = names_and_offices(ctx.session, allowed["chain"])
        objects = [ScopeObject(id=i, name=chains[i][0]) for i in allowed["chain"] if i in chains]
    elif scopes == ["park"]:
        from gaodi.parks.loaders import names as park_names

        parks = park_names(ctx.session, allowed["park"])
        objects = [ScopeObject(id=i, name=parks[i]) for i in allowed["park"] if i in parks]
    codes = {i.id: i.code for i in indicators}
    recent = ctx.session.scalars(
        restrict(select(Observation), ctx.principal)
        .order_by(Observation.submitted_at.desc(), Observation.id.desc())
        .limit(15)
    ).all()
    flags = [Flag(**f) for f in ctx.form.get("_flags", [])] if ctx.form_errors else []
    return EntryPage(
        indicators=[
            IndicatorOption(
                code=i.code,
                name=i.name,
                unit=i.unit,
                kind=i.kind,
                natural_kind=natural_kind(i.aggregation, i.kind),
                frequency=i.frequency,
                owner=i.owner,
            )
            for i in indicators
        ],
        scopes=scopes,
        scope_objects=sorted(objects, key=lambda o: (o.name, o.id)),
        recent=[obs_out(o, codes.get(o.indicator_id, "?")) for o in recent],
        flags=flags,
    )


class EntryForm(BaseModel):
    indicator: str = Field(min_length=1)
    period: str = Field(pattern=r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$")
    value: float
    kind: Literal["cumulative", "current", "yoy"] | None = None
    scope: Literal["city", "chain", "park"] = "city"
    #: the chain's or park's id (the form's choice by name); none for the city
    scope_id: DbInt | None = None
    comment: str | None = None
    source: str | None = None
    confirm: bool = False
    reason: str | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _empty(cls, value: object) -> object:
        return _blank(value)


@form(router, "/plans/entry", domain="plan", action="submit", page=entry_page)
def entry_form(ctx: PageContext) -> Response:
    """Submit a value; a flagged value comes back with its reasons until confirmed."""
    assert ctx.principal is not None
    data = ctx.parse_form(EntryForm)
    if data.scope_id is None and data.scope != "city":
        raise FormInvalid(
            {
                "scope_id": ctx._("Choose a chain.")
                if data.scope == "chain"
                else ctx._("Choose a park.")
            }
        )
    try:
        result = service.add_observation(
            ctx.session,
            ctx.principal,
            ObservationIn(
                indicator=data.indicator,
                period=data.period,
                value=data.value,
                kind=data.kind,
                scope=data.scope,
                scope_id=data.scope_id if data.scope_id is not None else 0,
                comment=data.comment,
                source=data.source,
            ),
            confirm=data.confirm,
            reason=data.reason,
            same_figure=True,
        )
    except intake.PlausibilityFlagged as exc:
        ctx.form["_flags"] = exc.context.get("flags", [])
        raise FormInvalid({"value": exc.message(ctx.lang)}) from None
    except ConflictError as exc:
        if exc.context.get("unchanged") is not True:
            raise
        # the figure on record sent again (a double-click, Back and send): nothing was
        # written, and nothing went wrong, so it is told as information
        ctx.session.rollback()
        ctx.flash(exc.message(ctx.lang), "info")
        return ctx.redirect("/plans/entry")
    o = result.observation
    # the user chose the indicator by its name: confirm it by its name, not its code
    name = ctx.session.scalar(select(Indicator.name).where(Indicator.code == o.indicator_code))
    ctx.flash(
        ctx._(
            "Submitted %(name)s %(period)s = %(value)s (revision %(revision)s).",
            name=name or o.indicator_code,
            period=o.period,
            value=format(o.value, "g"),
            revision=o.revision,
        )
    )
    return ctx.redirect("/plans/entry")


# ---------------------------------------------------------------------------- submissions
@page(
    router,
    "/plans/submissions",
    api="/plans/submissions",
    template="plans/tasks.html",
    domain="plan",
)
def tasks_page(ctx: PageContext, owner: str | None = None) -> Tasks:
    """My tasks: what each owner still has to report (overdue first); submissions to review."""
    assert ctx.principal is not None
    return submission.tasks(ctx.session, ctx.principal, owner or None)


@page(
    router,
    "/plans/submissions/{key}",
    api="/plans/submissions/{key}",
    template="plans/submission.html",
    domain="plan",
    example=KEY_EXAMPLE,
)
def submission_page(ctx: PageContext, key: str) -> SubmissionDetail:
    """One submission: status, deadline, history of transitions and revisions, checks."""
    assert ctx.principal is not None
    return submission.detail(ctx.session, ctx.principal, key)


def _transition(ctx: PageContext, key: str, name: str) -> Response:
    assert ctx.principal is not None
    comment = str(ctx.form.get("comment") or "").strip() or None
    # approve and return name the revision the page showed (a hidden field): a figure
    # resubmitted while the page was open is not approved unseen
    seen = str(ctx.form.get("revision") or "").strip()
    # ASCII digits within an INTEGER column ("²" passes str.isdigit but not int())
    if seen and not (seen.isascii() and seen.isdigit() and int(seen) <= INT32_MAX):
        raise FormInvalid({"revision": ctx._("The revision must be a whole number.")})
    row = submission.transition(
        ctx.session,
        ctx.principal,
        key,
        name,
        comment,
        int(seen) if seen else None,
        revision_required=name in submission.REVIEWS,
    )
    done = {
        "approve": N_("Approved: %(indicator)s %(period)s."),
        "return": N_("Returned: %(indicator)s %(period)s."),
        "unlock": N_("Unlocked: %(indicator)s %(period)s."),
    }[name]
    ctx.flash(ctx._(done, indicator=row.indicator_name, period=row.period))
    return ctx.redirect(f"/plans/submissions/{key}")


@form(
    router,
    "/plans/submissions/{key}/approve",
    domain="plan",
    action="approve",
    page=submission_page,
    example=KEY_EXAMPLE,
)
def approve_form(ctx: PageContext, key: str) -> Response:
    """Approve (and lock) a submission."""
    return _transition(ctx, key, "approve")


@form(
    router,
    "/plans/submissions/{key}/return",
    domain="plan",
    action="approve",
    page=submission_page,
    example=KEY_EXAMPLE,
)
def return_form(ctx: PageContext, key: str) -> Response:
    """Return a submission with a comment."""
    return _transition(ctx, key, "return")


@form(
    router,
    "/plans/submissions/{key}/unlock",
    domain="admin",
    action="admin",
    page=submission_page,
    example=KEY_EXAMPLE,
)
def unlock_form(ctx: PageContext, key: str) -> Response:
    """(Administrators) unlock an approved submission, with a reason."""
    return _transition(ctx, key, "unlock")


@page(
    router,
    "/plans/completeness",
    api="/plans/completeness",
    template="plans/completeness.html",
    domain="plan",
)
def completeness_page(
    ctx: PageContext, year: Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)] = None
) -> Completeness:
    """Who has submitted what: owners x periods."""
    assert ctx.principal is not None
    return submission.completeness(ctx.session, ctx.principal, year)
