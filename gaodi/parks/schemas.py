"""Typed results of the parks service (亩均效益 evaluation, tiers, positioning)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from gaodi.core.moments import CityMoment
from gaodi.core.provenance import Citation

ClassKey = Literal["A", "B", "C", "D"]
TierStatus = Literal["reached", "years", "not_at_growth", "no_data"]


class Provenance(BaseModel):
    """Where an evaluation comes from: year, rule set and its version, parameters."""

    year: int | None = Field(None, description="Year of the enterprise figures.")
    membership_on: str | None = Field(
        None,
        description="The day whose park membership (and industry codes) the firms are counted "
        "with: the year's last day once it is over, else today.",
    )
    as_of: str | None = None
    scheme: str = Field(description="亩均 rule set id, e.g. default.")
    scheme_version: str = ""
    scheme_name_zh: str = ""
    scheme_name_en: str = ""
    scheme_status: str = Field("confirmed", description="confirmed or uncertain (see notes).")
    classes: str = Field("", description="Class rule, e.g. rank_share 0.2/0.6/0.15.")
    parameters: dict[str, str] = Field(default_factory=dict)
    rule_sets: dict[str, str] = Field(default_factory=dict, description="name -> version")
    computed_at: CityMoment | None = Field(None, description="When the result was computed.")
    is_demo: bool = False


class IndicatorInfo(BaseModel):
    id: str
    label_zh: str
    label_en: str
    unit: str
    weight: float
    benchmark: float | None


class TierProgress(BaseModel):
    """One tier for one park: where it stands and when it gets there at its current growth."""

    key: str
    label_zh: str
    label_en: str
    threshold: float = Field(description="亿元")
    progress: float | None = Field(description="output / threshold (capped display is the page's)")
    status: TierStatus
    years: float | None = Field(None, description="n = ln(T / X) / ln(1 + g), when status=years.")
    reach_year: int | None = Field(None, description="year + ceil(n), when status=years.")


class IndustryShare(BaseModel):
    name: str
    kind: Literal["main", "special"]
    share: float | None
    mapped: bool = Field(description="False when the name is not in positioning.yaml.")


class Positioning(BaseModel):
    """两主一特 / 一主一特 check: declared industries, their output share, conformity."""

    function_zh: str | None
    function_en: str | None
    expected_main: int | None
    expected_special: int | None
    declared_main: int
    declared_special: int
    conforms_count: bool | None = Field(description="Declared counts match the level's rule.")
    industries: list[IndustryShare]
    main_share: float | None
    special_share: float | None
    focus_share: float | None = Field(description="Share in any declared industry (union).")
    min_share: float
    focused: bool | None = Field(description="focus_share >= min_share.")


class ParkRow(BaseModel):
    id: int
    name: str
    short_name: str | None
    level: str
    area_mu: float | None
    n_enterprises: int = Field(description="Enterprises of the park with figures for the year.")
    n_evaluated: int
    classes: dict[str, int] = Field(description="Evaluated enterprises per class A-D.")
    values: dict[str, float | None] = Field(description="Park 亩均 indicators (totals / land).")
    score: float | None
    rank: int | None
    rank_of: int | None = Field(
        None, description="Parks of the whole city with a rank: the base of ``rank``."
    )
    output: float | None = Field(description="Park output in 亿元 in the year.")
    output_by_year: dict[str, float] = Field(default_factory=dict, description="year -> 亿元")
    growth: float | None = Field(None, description="CAGR of the park's output.")
    growth_start: int | None = None
    tiers: list[TierProgress] = Field(default_factory=list)
    positioning: Positioning | None = None
    is_demo: bool = False
    citation: Citation | None = Field(None, description="The park's public source.")


class TierTarget(BaseModel):
    key: str
    label_zh: str
    label_en: str
    threshold: float
    target_count: int
    target_year: int
    quote: str
    count: int = Field(description="Parks at or above the threshold in the year (all parks).")
    met: bool


class ParkEvaluation(BaseModel):
    provenance: Provenance
    indicators: list[IndicatorInfo]
    parks: list[ParkRow]
    targets: list[TierTarget]
    class_counts: dict[str, dict[str, int]] = Field(
        default_factory=dict,
        description="segment -> class -> enterprises (of counts_scope).",
    )
    n_evaluated: int = Field(0, description="Enterprises evaluated (of counts_scope).")
    not_evaluated: dict[str, int] = Field(
        default_factory=dict,
        description="reason -> enterprises left out of the evaluation (of counts_scope).",
    )
    counts_scope: Literal["city", "scope"] = Field(
        "city",
        description="Whose firms class_counts, n_evaluated and not_evaluated count: the whole "
        "city's, or (scope) those the user may read, e.g. a park office's parks'.",
    )
    ranked_parks: int = Field(
        0, description="Parks of the whole city with a rank (the base of every park's rank)."
    )
    notes: list[str] = Field(default_factory=list)
    notes_zh: list[str] = Field(default_factory=list, description="The method for readers, zh.")
    notes_en: list[str] = Field(default_factory=list, description="The method for readers, en.")


class EnterpriseRow(BaseModel):
    id: int
    name: str
    uscc: str
    segment: str
    segment_label: str
    segment_label_en: str = Field("", description="The segment's name in English.")
    klass: ClassKey = Field(alias="class")
    score: float
    rank: int
    segment_size: int
    values: dict[str, float | None]
    item_scores: dict[str, float | None] = Field(
        default_factory=dict,
        description="Points on each item (indicator ÷ benchmark × weight, capped where the "
        "scheme caps); their sum is `score`.",
    )
    imputed: list[str] = Field(
        default_factory=list,
        description="Items whose figure is missing and that score the segment's mean item "
        "score of the firms that have the figure (the scheme's `missing: average`).",
    )
    land_mu: float | None
    park_id: int | None = None
    reason_zh: str = Field("", description="Why the firm is in this group (land, scheme).")
    reason_en: str = ""

    model_config = {"populate_by_name": True}


class ExcludedRow(BaseModel):
    """A firm the 亩均 evaluation leaves out, and why."""

    id: int
    name: str
    uscc: str
    park_id: int | None = None
    land_mu: float | None
    reason: str = Field(
        description="not_industrial, no_land, below_land, no_scheme or missing:<indicator>."
    )
    reason_zh: str
    reason_en: str


class ParkRef(BaseModel):
    id: int
    name: str
    short_name: str | None
    level: str
    citation: Citation | None = Field(None, description="The park's public source.")


class ParkEnterprises(BaseModel):
    provenance: Provenance
    park: ParkRef
    indicators: list[IndicatorInfo]
    rows: list[EnterpriseRow]
    total: int = Field(description="Rows matching the filter (before paging).")
    page: int
    per_page: int
    pages: int
    class_filter: str | None
    counts: dict[str, int] = Field(description="Visible evaluated enterprises per class.")
    not_evaluated: int = 0
