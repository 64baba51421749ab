"""Typed inputs and results of the smart-manufacturing feature (pages, JSON API, CLI)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gaodi.core.dbint import DbInt
from gaodi.core.provenance import Citation
from gaodi.core.text_safety import CleanStr

DEFAULT_SCHEME = "miit_sme_digital_2024"
MATURITY_SCHEME = "gbt39116_2020"

RollupBy = Literal["chain", "park", "size", "industry"]
#: The levels page's choice: a grouping, or the whole city alone ("city"). A blank query
#: parameter means "not given" (the default grouping), so the whole city needs a word of its own.
LevelsView = Literal["chain", "park", "size", "industry", "city"]
Population = Literal["above_scale", "all"]
RecognitionKind = Literal["benchmark", "factory", "workshop"]


# ---------------------------------------------------------------------------- inputs
class AssessmentIn(BaseModel):
    """A completed MIIT questionnaire for one enterprise."""

    model_config = ConfigDict(extra="forbid")

    uscc: CleanStr = Field(min_length=18, max_length=18, description="The enterprise's USCC.")
    scheme: CleanStr = Field(DEFAULT_SCHEME, description="Scheme id (rule file name).")
    assessed_on: dt.date | None = Field(None, description="Day of the assessment (default today).")
    items: dict[CleanStr, CleanStr | list[CleanStr]] = Field(
        description="Item code -> option code (single choice) or list of option codes."
    )
    scenarios: dict[CleanStr, int] = Field(
        default_factory=dict, description="Scenario code -> level 0..4 (数字化经营, 2024 edition)."
    )
    assessor: CleanStr | None = Field(None, max_length=100, description="Who filled it in.")
    comment: CleanStr | None = Field(None, max_length=2000)


class RatingIn(BaseModel):
    level: int = Field(ge=1, le=5)
    subdomain: CleanStr
    rating: float | CleanStr = Field(
        description="0/0.5/0.8/1 or 不满足/部分满足/大部分满足/全部满足."
    )


class MaturityIn(BaseModel):
    """GB/T 39116 requirement ratings (GB/T 39117 scoring) for one enterprise."""

    model_config = ConfigDict(extra="forbid")

    uscc: CleanStr = Field(min_length=18, max_length=18)
    assessed_on: dt.date | None = None
    ratings: list[RatingIn] = Field(min_length=1, max_length=2000)
    assessor: CleanStr | None = Field(None, max_length=100)
    comment: CleanStr | None = Field(None, max_length=2000)


class RollupObservationIn(BaseModel):
    """Write the share (or count) of enterprises at or above a level as an indicator value."""

    model_config = ConfigDict(extra="forbid")

    indicator: CleanStr = Field(description="Indicator code.")
    period: CleanStr = Field(pattern=r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$")
    level: int = Field(2, ge=1, le=5, description="At or above this level.")
    scope: Literal["city", "chain", "park"] = "city"
    scope_id: DbInt = 0
    population: Population = "above_scale"
    scheme: CleanStr = DEFAULT_SCHEME
    confirm: bool = Field(False, description="Confirm a value the plausibility checks flag.")
    reason: CleanStr | None = Field(None, max_length=500)


# ---------------------------------------------------------------------------- results
class EnterpriseRef(BaseModel):
    id: int
    uscc: str
    name: str
    industry_code: str | None = None
    park: str | None = None
    is_demo: bool = False


class AssessmentSummary(BaseModel):
    id: int
    enterprise_id: int
    uscc: str
    enterprise_name: str
    scheme_id: str
    scheme_version: str
    assessed_on: dt.date
    total: float | None
    level: int
    level_name: str
    source: str
    assessor: str | None = None
    is_demo: bool = False


class DimensionScore(BaseModel):
    code: str
    name: str
    score: float
    max: float


class ItemAnswer(BaseModel):
    item: str
    dimension: str
    title: str
    chosen: list[str]
    chosen_labels: list[str]
    points: float
    max_points: float


class ScenarioRating(BaseModel):
    code: str
    name: str
    binding: bool
    level: int
    description: str | None = None


class GapMove(BaseModel):
    item: str
    title: str
    kind: str
    dimension: str
    dimension_name: str
    current_points: float
    target: list[str]
    target_labels: list[str]
    add_labels: list[str]
    target_points: float
    gain: float
    in_plan: bool


class ScenarioShortfall(BaseModel):
    target_level: int
    need_total: int
    need_binding: int
    candidates: list[str]


class MaturityLevelScore(BaseModel):
    level: int
    name: str
    score: float
    attained: bool


class MaturityBlocker(BaseModel):
    subdomain: str
    name: str
    score: float
    gain_if_full: float


class ProviderMatch(BaseModel):
    provider_id: int
    name: str
    local: bool
    category: str | None
    score: float
    fit: float
    references: int
    reasons: str
    is_demo: bool = False


class HistoryPoint(BaseModel):
    id: int
    assessed_on: dt.date
    scheme_id: str
    total: float | None
    level: int
    level_name: str


class AssessmentResult(BaseModel):
    """One assessment with everything its result page shows."""

    enterprise: EnterpriseRef
    assessment: AssessmentSummary
    scheme_title: str
    scheme_title_en: str = ""
    document_number: str
    kind: Literal["miit", "maturity"]
    max_level: int
    dimensions: list[DimensionScore]
    answers: list[ItemAnswer]
    scenarios: list[ScenarioRating]
    next_level: int | None
    next_level_name: str | None
    points_needed: float
    moves: list[GapMove]
    scenario_shortfall: ScenarioShortfall | None
    maturity_levels: list[MaturityLevelScore] = Field(default_factory=list)
    maturity_blockers: list[MaturityBlocker] = Field(default_factory=list)
    caveats: list[str]
    history: list[HistoryPoint]
    providers: list[ProviderMatch]


# ---------------------------------------------------------------------------- roll-ups
class LevelCount(BaseModel):
    level: int
    level_name: str
    count: int
    share: float


class GroupDistribution(BaseModel):
    key: str
    label: str = Field(description="The group's name in Chinese.")
    label_en: str = Field(
        "",
        description="The group's name in English: the roll-up's own groups (not in a chain, "
        "outside any park, size classes, unknown) in words; chain, park and industry names "
        "as stored (data).",
    )
    total: int
    levels: list[LevelCount]
    above_scale: int
    above_scale_at_or_above: int
    above_scale_share: float | None


class LevelRollup(BaseModel):
    """Level distribution of the latest assessments (one per enterprise) by group."""

    scheme_id: str
    scheme_title: str
    scheme_title_en: str = ""
    by: str | None
    as_of: dt.date
    threshold_level: int
    threshold_level_name: str
    level_names: dict[int, str]
    city: GroupDistribution
    groups: list[GroupDistribution]
    assessed: int
    demo: bool
    caveats: list[str]
    size_rule: str
    above_scale_rule: str
    size_rule_en: str = Field("", description="size_rule in English.")
    above_scale_rule_en: str = Field("", description="above_scale_rule in English.")


# ---------------------------------------------------------------------------- registries
class ProviderFilter(BaseModel):
    """Filters of the provider list (the page, its JSON twin and the export share them)."""

    q: str | None = Field(None, max_length=100, description="Name contains.")
    capability: str | None = Field(None, max_length=40, description="GB/T 39116 sub-domain code.")
    industry: str | None = Field(None, max_length=6, description="GB/T 4754 code (prefix match).")
    local: bool | None = Field(None, description="Only local (true) or only non-local (false).")


class RecognitionFilter(BaseModel):
    q: str | None = Field(None, max_length=100)
    kind: RecognitionKind | None = None
    level: Literal["national", "provincial", "municipal"] | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    chain: str | None = Field(None, max_length=32, description="Chain code.")


class PlatformFilter(BaseModel):
    q: str | None = Field(None, max_length=100)
    kind: str | None = Field(None, max_length=24)
    level: Literal["national", "provincial", "municipal"] | None = None
    capability: str | None = Field(None, max_length=40)


class ProviderRow(BaseModel):
    id: int
    name: str
    local: bool
    region_code: str | None
    category: str | None
    capabilities: list[str]
    capability_names: list[str]
    industries: list[str]
    references: int
    reference_projects: list[dict[str, str | int | None]]
    recognition: str | None
    website: str | None
    is_demo: bool


class RecognitionRow(BaseModel):
    id: int
    kind: str
    kind_name: str
    enterprise_id: int | None
    name: str
    title: str | None
    year: int
    level: str
    level_name: str
    issuer: str | None
    scenarios: list[str]
    chains: list[str]
    is_demo: bool
    citation: Citation | None = Field(None, description="The list it was published in.")


class PlatformRow(BaseModel):
    id: int
    name: str
    kind: str
    kind_name: str
    level: str
    level_name: str
    operator: str | None
    year: int | None
    services: list[str]
    capabilities: list[str]
    local: bool
    url: str | None
    is_demo: bool
