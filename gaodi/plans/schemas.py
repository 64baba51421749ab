"""Typed inputs and results of the plans service (pages, API, CLI and reports share them)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import JsonDict

from gaodi.core.dbint import DbInt
from gaodi.core.moments import CityMoment, CityMomentText
from gaodi.core.provenance import Citation
from gaodi.core.text_safety import CleanStr, VisibleText

Aggregation = Literal["cumulative", "point", "average"]
Direction = Literal["higher", "lower"]
IndicatorKind = Literal["level", "growth", "count"]
Frequency = Literal["monthly", "quarterly", "yearly"]
ObsKind = Literal["cumulative", "current", "yoy"]
Scope = Literal["city", "chain", "park"]
# not_due / at_risk: milestones (met at once) before their deadline (docs/methods/progress.md)
BoardStatus = Literal["green", "yellow", "red", "not_due", "at_risk", "no_data", "invalid"]
BOARD_STATUSES: tuple[str, ...] = (
    "green",
    "yellow",
    "red",
    "not_due",
    "at_risk",
    "no_data",
    "invalid",
)
SubmissionStatus = Literal["expected", "submitted", "approved", "returned"]


# ---------------------------------------------------------------------------- plans
class IndicatorOut(BaseModel):
    id: int
    code: str
    name: str
    unit: str
    aggregation: str
    direction: str
    kind: str
    owner: str | None
    frequency: str
    deadline_day: int


class ActionOut(BaseModel):
    id: int
    number: str
    title: str
    text: str | None = None


class TargetOut(BaseModel):
    id: int
    plan_id: int
    action_id: int | None
    action_number: str | None
    indicator: IndicatorOut | None
    indicator_name: str
    scope: str
    scope_id: int
    value: float
    value_max: float | None
    unit: str
    year: int
    comparator: str
    baseline: float | None
    baseline_year: int | None
    quote: str | None
    note: str | None
    path: str = Field(
        "auto",
        description="How the target is judged: auto (inferred by the progress rules), linear, "
        "compound (growth path) or milestone (met at once); set from the plan's wording "
        "(年均增长 → compound) or by a reviewer.",
    )
    path_zh: str = ""
    path_en: str = ""
    size_class: str | None = Field(
        None, description="The class of what a count counts, as the plan states it (千亿级)."
    )
    annual: bool = Field(False, description="The value holds for each year (年均/每年).")
    indicator_origin: Literal["existing", "new"] | None = Field(
        None,
        description="On a draft: the indicator existed before the plan was loaded (matched by "
        "name and unit) or was created by the load.",
    )
    indicator_match_zh: str = ""
    indicator_match_en: str = ""


class GoalOut(BaseModel):
    id: int
    action_number: str | None
    verb: str
    object: str
    quote: str | None


class PlanSummary(BaseModel):
    id: int
    title: str
    status: str
    period_start: int
    period_end: int
    n_actions: int
    n_targets: int
    is_demo: bool


class PlanOut(BaseModel):
    id: int
    title: str
    status: str
    period_start: int
    period_end: int
    source_name: str | None
    citation: Citation | None = Field(
        None, description="The plan's source document as every citation is given (来源：…)."
    )
    adopted_at: CityMoment | None
    adopted_by: str | None
    is_demo: bool
    actions: list[ActionOut]
    targets: list[TargetOut]
    goals: list[GoalOut]
    problems: list[str] = Field(
        default_factory=list, description="What must be fixed before the plan can be adopted."
    )


def _label(msgid: str) -> JsonDict:
    """A field named as its form names it (the review form's msgid, translated where shown):
    the API's 422 then says 评价路径, not 参数“path”."""
    return {"x-label": msgid}


class TargetUpdate(BaseModel):
    """Fields of a target a reviewer may change (None: unchanged)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    indicator_name: VisibleText | None = Field(None, json_schema_extra=_label("name|Indicator"))
    indicator_code: CleanStr | None = Field(
        None, description="Link the target to this existing indicator (e.g. after a merge)."
    )
    action_number: CleanStr | None = Field(None, json_schema_extra=_label("target field|Action"))
    value: float | None = Field(None, json_schema_extra=_label("target|Value"))
    value_max: float | None = Field(None, json_schema_extra=_label("Upper end"))
    unit: CleanStr | None = Field(None, json_schema_extra=_label("Unit"))
    year: int | None = Field(None, ge=1949, le=2100, json_schema_extra=_label("Year"))
    comparator: Literal[">=", "<=", "="] | None = Field(
        None, json_schema_extra=_label("Comparator")
    )
    baseline: float | None = Field(None, json_schema_extra=_label("Baseline"))
    baseline_year: int | None = Field(
        None, ge=1949, le=2100, json_schema_extra=_label("Baseline year")
    )
    scope: Literal["city", "chain", "park", "cluster", "enterprise"] | None = Field(
        None, json_schema_extra=_label("Scope")
    )
    scope_id: DbInt | None = None
    note: CleanStr | None = Field(None, json_schema_extra=_label("Note"))
    path: Literal["auto", "linear", "compound", "milestone"] | None = Field(
        None,
        description="The expected path (auto: inferred by the progress rules).",
        json_schema_extra=_label("Expected path"),
    )


class IndicatorUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: CleanStr | None = Field(None, pattern=r"^[a-z_][a-z0-9_]{0,63}$")
    name: VisibleText | None = None
    unit: CleanStr | None = None
    aggregation: Aggregation | None = None
    direction: Direction | None = None
    kind: IndicatorKind | None = None
    owner: CleanStr | None = None
    frequency: Frequency | None = None
    deadline_day: int | None = Field(None, ge=1, le=28)


# ---------------------------------------------------------------------------- board
class SetAsideValue(BaseModel):
    """A stored value the board cannot use (not a finite number): named so it can be corrected.

    Intake refuses such values; rows written before it did, or by other tools, would otherwise
    stop every board and the overview from being shown."""

    observation_id: int
    indicator_id: int
    indicator_name: str
    scope: str
    scope_id: int
    period: str
    revision: int
    reason_zh: str
    reason_en: str


class Provenance(BaseModel):
    """Where the numbers come from, so any figure can be traced."""

    data_as_of: CityMomentText | None = Field(
        description="Latest submission time of the data used, to the minute (in Python: naive "
        "UTC ISO text, as stored; pages, the CLI and exports show it in the city's time zone: "
        "data_as_of_local, data_as_of_words)."
    )
    data_as_of_local: str | None = Field(
        None,
        description="data_as_of in the city's time zone (GAODI_TIMEZONE), ISO with its offset "
        "(2023-07-06T00:36+08:00).",
    )
    as_of: str
    known_on: str | None = Field(
        None,
        description="The values are those known at the end of this day (YYYY-MM-DD): every "
        "revision sent by then, with the review status each had then.",
    )
    rules_version: str
    plausibility_version: str
    parameters: dict[str, str | float | int | bool | None]
    n_observations: int
    n_unapproved: int = Field(0, description="Values used that are submitted, not yet approved.")
    set_aside: list[SetAsideValue] = Field(
        default_factory=list,
        description="Stored values left out because they are not finite numbers, to be corrected.",
    )

    def data_as_of_words(self, lang: str = "zh") -> str:
        """The data's as-of time as people read it: the city's wall-clock time with its zone
        named (``2023-07-06 00:36（北京时间）``), so no reader takes the stored UTC for local
        time; ``—`` without data."""
        if not self.data_as_of_local:
            return "—"
        from gaodi.core import clock

        zh = lang.startswith("zh")
        wall = self.data_as_of_local[:16].replace("T", " ")
        zone = clock.zone_label(zh)
        return f"{wall}（{zone}）" if zh else f"{wall} ({zone})"


class BoardRow(BaseModel):
    target_id: int
    action_number: str | None
    indicator_id: int | None
    indicator_code: str | None
    indicator_name: str
    owner: str | None
    unit: str
    year: int
    window: str
    comparator: str
    target: float
    baseline: float | None
    actual: float | None
    actual_period: str | None
    stale: bool | None
    completion: float | None
    time_progress: float | None
    expected_completion: float | None = Field(
        None, description="What the completion should be by now (序时进度 on the bar)."
    )
    expected_value: float | None
    gap: float | None
    ratio: float | None
    status: BoardStatus
    reason: str | None = Field(
        description="Reason code of the light (docs/methods/progress.md), never null on a board."
    )
    reason_params: dict[str, float | int | str | None] = Field(
        default_factory=dict, description="The numbers behind the reason."
    )
    path: str = Field(
        "auto",
        description="The target's stated path (auto/linear/compound/milestone); the reason "
        "says which path the light was judged on and why.",
    )
    reason_zh: str = Field("", description="The reason in words (Chinese).")
    reason_en: str = Field("", description="The reason in words (English).")
    basis: str | None = Field(
        None, description="How the target is judged: schedule, compound, direct or milestone."
    )
    forecast: float | None = None
    forecast_lower: float | None = Field(
        None,
        description="The forecast's prediction interval; null when none can be estimated (one "
        "observation, or an exact fit: forecast_note_zh/en says why).",
    )
    forecast_upper: float | None = None
    probability: float | None = None
    forecast_method: str | None = None
    forecast_note_zh: str = Field(
        "",
        description="Why the forecast has no interval or probability, in words (Chinese): one "
        "observation carried forward, or as many parameters as observations (an exact fit).",
    )
    forecast_note_en: str = Field("", description="The forecast's note in English.")
    overdue_periods: list[str] = Field(default_factory=list)

    def figure_values(self) -> dict[str, object]:
        """The row's figures and the numbers behind its reason, as the reason words them."""
        mine = {
            "actual": self.actual,
            "target": self.target,
            "baseline": self.baseline,
            "expected_value": self.expected_value,
            "forecast": self.forecast,
            "forecast_lower": self.forecast_lower,
            "forecast_upper": self.forecast_upper,
        }
        return {**mine, **self.reason_params}

    def figure(self, name: str) -> str:
        """A figure of the row (``actual``, ``target``, ``forecast`` …) as its cell shows it:
        with the digits that tell it from the row's other figures, exactly as the reason beside
        it writes it (a forecast of 0.36453 for a cap of 0.36 reads 0.3645, not 0.36)."""
        from gaodi.plans.reasons import figure_texts, num  # the wording lives with the reasons

        if name == "gap":  # four significant digits, never shown as 0 when it is not (0.0027)
            return num(self.gap, 0.0)
        return figure_texts(self.figure_values()).get(name, "—")


class BoardAction(BaseModel):
    number: str | None
    title: str
    rows: list[BoardRow]


class BoardFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: BoardStatus | None = None
    owner: str | None = None
    action: str | None = None
    overdue_only: bool = False


class Board(BaseModel):
    plan_id: int | None
    plan_title: str | None
    plan_status: str | None
    as_of: str
    filters: BoardFilter
    actions: list[BoardAction]
    counts: dict[str, int]
    owners: list[str]
    overdue_total: int
    provenance: Provenance
    known_on: str | None = Field(
        None, description="The day asked for with known_on (None: values known today)."
    )


class SeriesPoint(BaseModel):
    period: str
    actual: float | None
    expected: float | None


class FanPoint(BaseModel):
    period: str
    point: float
    lower: float | None = Field(description="null: no interval was estimated (see the row's note).")
    upper: float | None


class ObservationOut(BaseModel):
    id: int
    indicator_code: str
    scope: str
    scope_id: int
    period: str
    value: float
    kind: str
    revision: int
    status: str
    submitted_by: str | None
    submitted_at: CityMoment
    source: str | None
    comment: str | None


class TargetDetail(BaseModel):
    row: BoardRow
    target: TargetOut
    series: list[SeriesPoint]
    fan: list[FanPoint]
    revisions: list[ObservationOut]
    provenance: Provenance


# ---------------------------------------------------------------------------- intake
class Flag(BaseModel):
    """A plausibility or rule finding on a value."""

    check: str
    severity: Literal["warning", "error"]
    message_zh: str
    message_en: str

    def message(self, lang: str = "zh") -> str:
        return self.message_zh if lang.startswith("zh") else self.message_en


class ObservationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    indicator: CleanStr = Field(description="Indicator code.")
    period: CleanStr = Field(pattern=r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$")
    value: float
    kind: ObsKind | None = Field(None, description="Default: the indicator's natural kind.")
    scope: Scope = "city"
    scope_id: DbInt = 0
    source: CleanStr | None = None
    comment: CleanStr | None = None


class IntakeResult(BaseModel):
    observation: ObservationOut
    flags: list[Flag]
    confirmed: bool


# ---------------------------------------------------------------------------- submissions
class SubmissionRow(BaseModel):
    key: str
    indicator_id: int
    indicator_code: str
    indicator_name: str
    unit: str
    owner: str
    scope: str
    scope_id: int
    period: str
    due: str
    status: SubmissionStatus
    overdue: bool
    late: bool
    locked: bool
    value: float | None
    revision: int
    submitted_by: str | None
    submitted_at: CityMoment | None
    reviewed_by: str | None
    review_comment: str | None


class SubmissionEventOut(BaseModel):
    at: CityMoment
    actor: str
    action: str
    from_status: str
    to_status: str
    revision: int
    comment: str | None


class SubmissionDetail(BaseModel):
    row: SubmissionRow
    events: list[SubmissionEventOut]
    observations: list[ObservationOut]
    checks: list[Flag]


class OwnerTasks(BaseModel):
    owner: str
    rows: list[SubmissionRow]
    overdue: int


class Tasks(BaseModel):
    today: str
    owners: list[OwnerTasks]
    to_review: list[SubmissionRow]


class CompletenessCell(BaseModel):
    expected: int
    submitted: int
    approved: int
    returned: int
    overdue: int


class Completeness(BaseModel):
    today: str
    periods: list[str]
    owners: list[str]
    cells: dict[str, dict[str, CompletenessCell]] = Field(description="owner -> period -> counts")


class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: VisibleText = Field(min_length=1, max_length=200)
    expression: VisibleText = Field(min_length=1)
    severity: Literal["warning", "error"] = "warning"
    description: CleanStr | None = None


class RuleOut(BaseModel):
    id: int
    name: str
    expression: str
    severity: str
    description: str | None
    active: bool
