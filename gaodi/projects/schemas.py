"""Inputs and outputs of the projects, challenges and appeals services (pydantic).

Inputs validate what can be validated without the database; outputs are what pages, the JSON
API, the CLI and reports receive.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.json_schema import JsonDict

from gaodi.core.dbint import DbInt, RowId
from gaodi.core.moments import CityMoment
from gaodi.core.periods import parse_period
from gaodi.core.text_safety import CleanStr, VisibleText, refuse_illegal
from gaodi.core.workflow import EventRow, TransitionOut

__all__ = ["EventRow", "TransitionOut"]  # kept here: the pages and API import them from schemas


#: The largest amount a form or the API takes, 万元 (10^14 yuan, above any single project's
#: or challenge's money): sums of many amounts stay finite.
MAX_AMOUNT = 10**10


def label(msgid: str) -> JsonDict:
    """A field's ``json_schema_extra`` naming it as its form does (the form template's msgid,
    translated where shown): the API's 422 then says 榜单名称 and 榜额（万元）, as the form's
    errors do, not 参数“title” and 参数“budget”."""
    return {"x-label": msgid}


class FormIn(BaseModel):
    """Fields sent by an HTML form: a blank string means the field was left empty (not sent:
    an optional field is None, a required one is reported as required); no inf or nan."""

    model_config = ConfigDict(allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_missing(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if not (isinstance(v, str) and not v.strip())}
        return value

    @field_validator("*")
    @classmethod
    def _no_control_characters(cls, value: object) -> object:
        # A form's fields are declared in the views as plain str: one check here covers them.
        if isinstance(value, str):
            return refuse_illegal(value)
        if isinstance(value, list):
            return [refuse_illegal(v) if isinstance(v, str) else v for v in value]
        return value


# ---------------------------------------------------------------------------- projects


class ProjectIn(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    name: VisibleText = Field(min_length=1, max_length=200, json_schema_extra=label("project|Name"))
    chain_id: RowId = Field(json_schema_extra=label("Chain"))
    link_id: RowId | None = Field(None, json_schema_extra=label("Link it fills"))
    park_id: RowId | None = Field(None, json_schema_extra=label("Park"))
    investor_name: VisibleText = Field(
        min_length=1, max_length=200, json_schema_extra=label("Investor")
    )
    investor_uscc: CleanStr | None = Field(
        None,
        description="统一社会信用代码, validated if given.",
        json_schema_extra=label("Investor USCC"),
    )
    total_investment: float = Field(
        gt=0,
        le=MAX_AMOUNT,
        description="万元",
        json_schema_extra=label("Total investment (10k yuan)"),
    )
    signed_on: date = Field(json_schema_extra=label("Signed on"))
    planned_start_on: date | None = Field(None, json_schema_extra=label("Planned start"))
    planned_producing_on: date | None = Field(None, json_schema_extra=label("Planned production"))
    planned_full_output_on: date | None = Field(
        None, json_schema_extra=label("Planned full output")
    )
    year_plans: dict[int, float] = Field(default_factory=dict, description="year -> 万元")
    description: CleanStr | None = None

    @field_validator("year_plans")
    @classmethod
    def _non_negative(cls, value: dict[int, float]) -> dict[int, float]:
        for year, amount in value.items():
            if not 1900 <= year <= 2100:
                raise ValueError(f"year {year} is out of range 1900-2100")
            if amount < 0:
                raise ValueError(f"annual plan of {year} is negative")
            if amount > MAX_AMOUNT:
                raise ValueError(f"annual plan of {year} is above {MAX_AMOUNT}")
        return value


class Delay(BaseModel):
    kind: str = Field(description="stage (a planned date passed) or investment (behind plan).")
    stage: str | None = None
    days_late: int | None = None
    expected: float | None = Field(None, description="万元 expected by now (investment).")
    completed: float | None = Field(None, description="万元 completed (investment).")
    reason_zh: str
    reason_en: str


class StageRow(BaseModel):
    stage: str
    label_zh: str
    label_en: str
    planned_on: date | None
    actual_on: date | None
    late_days: int | None = Field(None, description="Days past plan (done late or still open).")


class ProgressRow(BaseModel):
    period: str
    amount: float
    cumulative: float
    note: str | None = None


class ProjectRow(BaseModel):
    id: int
    name: str
    chain_id: int
    chain_name: str
    link_id: int | None
    link_name: str | None
    park_id: int | None
    park_name: str | None
    investor_name: str
    stage: str
    stage_zh: str
    stage_en: str
    total_investment: float
    year_plan: float | None
    completed_year: float
    completed_total: float
    delayed: bool
    delays: list[Delay]
    is_demo: bool


class LinkStatusOut(BaseModel):
    link_id: int
    status: str
    label_zh: str
    label_en: str


class ProjectDetail(BaseModel):
    project: ProjectRow
    investor_uscc: str | None
    description: str | None
    stages: list[StageRow]
    progress: list[ProgressRow]
    year_plans: dict[int, float]
    events: list[EventRow]
    link_status: LinkStatusOut | None
    as_of: date
    rules_version: str


class RollupRow(BaseModel):
    key: str
    label: str
    count: int
    delayed: int
    total_investment: float
    year_plan: float
    completed_year: float
    completed_total: float


class ProjectFilter(BaseModel):
    # filters match nothing rather than refuse: a page passes any 32-bit id it was given
    chain_id: DbInt | None = None
    park_id: DbInt | None = None
    stage: str | None = None
    delayed: bool | None = None
    q: str | None = None


def check_month(value: str) -> str:
    p = parse_period(value)
    if p.freq != "M":
        from gaodi.core.errors import ValidationError

        raise ValidationError(
            f"期间“{value}”应为月份（YYYY-MM）。", f"Period '{value}' must be a month (YYYY-MM)."
        )
    return str(p)


# ---------------------------------------------------------------------------- challenges


class ChallengeIn(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    title: VisibleText = Field(
        min_length=1, max_length=200, json_schema_extra=label("challenge|Title")
    )
    problem: VisibleText = Field(
        min_length=1,
        description="The key-technology problem (榜单内容).",
        json_schema_extra=label("Problem"),
    )
    chain_id: RowId = Field(json_schema_extra=label("Chain"))
    link_id: RowId | None = Field(None, json_schema_extra=label("Link"))
    requirements: CleanStr | None = Field(None, json_schema_extra=label("Requirements"))
    budget: float = Field(
        gt=0, le=MAX_AMOUNT, description="万元", json_schema_extra=label("Budget (10k yuan)")
    )
    deadline: date = Field(
        description="Last day to apply.", json_schema_extra=label("Application deadline")
    )


#: The longest applicant's name and milestone title, characters (their columns' lengths): one
#: limit for :class:`ApplicationIn` and the steps' :class:`~gaodi.projects.actions.ActionIn`.
APPLICANT_NAME_MAX = 200
MILESTONE_TITLE_MAX = 200


class ApplicationIn(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    applicant_name: VisibleText = Field(
        min_length=1, max_length=APPLICANT_NAME_MAX, json_schema_extra=label("Applicant")
    )
    applicant_uscc: CleanStr | None = Field(None, json_schema_extra=label("USCC"))
    enterprise_id: RowId | None = None
    proposal: VisibleText = Field(min_length=1, json_schema_extra=label("long|Proposal"))
    requested_budget: float | None = Field(
        None,
        ge=0,
        le=MAX_AMOUNT,
        description="万元",
        json_schema_extra=label("Requested (10k yuan)"),
    )


class ChallengeFilter(BaseModel):
    status: str | None = None
    chain_id: DbInt | None = None
    q: str | None = None


class ChallengeRow(BaseModel):
    id: int
    title: str
    chain_id: int
    chain_name: str
    link_name: str | None
    budget: float
    deadline: date
    status: str
    status_zh: str
    status_en: str
    is_open: bool
    applications: int
    days_to_deadline: int | None
    milestones: int
    milestones_overdue: int
    awardee: str | None
    is_demo: bool


class ScoreOut(BaseModel):
    reviewer: str
    score: float
    comment: str | None


class ApplicationOut(BaseModel):
    id: int
    applicant_name: str
    applicant_uscc: str | None
    proposal: str
    requested_budget: float | None
    status: str
    submitted_at: CityMoment
    mean_score: float | None
    scores: int
    rank: int | None
    conflicts: int
    score_details: list[ScoreOut] = Field(default_factory=list)


class DeclarationOut(BaseModel):
    application_id: int
    has_conflict: bool
    statement: str | None
    declared_at: CityMoment


class ReviewerOut(BaseModel):
    id: int
    username: str
    name: str
    affiliation: str | None
    declarations: list[DeclarationOut]
    scored: list[int]
    added_at: CityMoment | None = Field(None, description="When they joined the panel.")
    removed_at: CityMoment | None = Field(
        None, description="When they were taken off the panel (null while on it)."
    )
    removal_reason: str | None = None


class MilestoneOut(BaseModel):
    id: int
    title: str
    due_on: date
    done_on: date | None
    state: str = Field(description="done / done_late / overdue / pending")
    days_overdue: int | None
    note: str | None


class ChallengeDetail(BaseModel):
    challenge: ChallengeRow
    problem: str
    requirements: str | None
    published_on: date | None
    award_reason: str | None
    applications: list[ApplicationOut]
    reviewers: list[ReviewerOut] = Field(description="The panel on the day.")
    former_reviewers: list[ReviewerOut] = Field(
        default_factory=list,
        description="Reviewers taken off the panel by the day: when and why; their "
        "declarations and scores no longer count.",
    )
    milestones: list[MilestoneOut]
    events: list[EventRow]
    transitions: list[TransitionOut]
    review_complete: bool
    review_missing: list[str]
    as_of: date


# ---------------------------------------------------------------------------- appeals


class AppealIn(BaseModel):
    enterprise_id: RowId
    chain_id: RowId | None = Field(None, description="Default: the enterprise's chain, if any.")
    category: CleanStr = Field(json_schema_extra=label("Category (time limit)"))
    title: VisibleText = Field(min_length=1, max_length=200, json_schema_extra=label("Title"))
    text: VisibleText = Field(min_length=1, json_schema_extra=label("What the problem is"))


class AppealFilter(BaseModel):
    status: str | None = Field(None, description="A status, or 'open' (not yet confirmed).")
    category: str | None = None
    department: str | None = None
    enterprise_id: DbInt | None = None
    chain_id: DbInt | None = None
    park_id: DbInt | None = None
    year: int | None = Field(None, ge=1900, le=2100, description="Year received.")
    overdue: bool | None = None
    level: int | None = Field(None, ge=0, le=2, description="Escalation level at least this.")
    q: str | None = None


class AppealRow(BaseModel):
    id: int
    title: str
    category: str
    category_en: str = Field(description="The category's English name (the rules file's).")
    enterprise_id: int
    enterprise_name: str
    park_name: str | None
    chain_name: str | None
    department: str | None
    status: str
    status_zh: str
    status_en: str
    received_at: CityMoment
    due_on: date | None
    overdue_days: int
    level: int
    level_label: str
    satisfaction: int | None
    is_demo: bool


class AttachmentOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str | None
    uploaded_at: CityMoment


class AppealDetail(BaseModel):
    appeal: AppealRow
    text: str
    resolution: str | None
    time_limit: int | None
    limit_unit: str | None
    rules_version: str | None
    limit_start_on: date | None
    escalate_on: date | None
    assigned_at: CityMoment | None
    handover_due_on: date | None = Field(None, description="Last day to hand the appeal over.")
    handover_late_days: int | None = Field(
        None, description="How late the hand-over was (0: on time; None: not handed over yet)."
    )
    resolved_at: CityMoment | None
    confirmed_at: CityMoment | None
    reopen_count: int
    attachments: list[AttachmentOut]
    events: list[EventRow]
    transitions: list[TransitionOut]
    departments: list[str]
    default_department: str
    as_of: date


class StatRow(BaseModel):
    key: str
    count: int
    open: int
    overdue_now: int
    resolved: int
    resolved_late: int = Field(
        description="Resolved after the due date, or handed over (交办) after the hand-over limit."
    )
    handover_late: int = Field(
        0, description="Handed over (交办) after the hand-over limit, whatever came after."
    )
    overdue_share: float | None = Field(
        None,
        description="Appeals that missed a limit (open and overdue now, resolved late, or "
        "handed over late; each counted once) / count",
    )
    median_days: float | None = Field(None, description="Days from receipt to resolution.")
    p90_days: float | None
    mean_satisfaction: float | None


class AppealStats(BaseModel):
    as_of: date
    total: int
    by_status: dict[str, int]
    by_level: dict[int, int]
    by_category: list[StatRow]
    by_department: list[StatRow]
    overall: StatRow
    satisfaction: dict[int, int]
    rules_version: str
