"""Typed results of the enterprises service (pages, JSON twins, CLI, reports)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from gaodi.core.dbint import RowId
from gaodi.core.provenance import Citation

#: The columns the enterprise list sorts on (server-side: the list is paginated).
ENTERPRISE_SORTS = ("name", "uscc", "park", "industry", "revenue")
EnterpriseSort = Literal[
    "name", "uscc", "park", "industry", "revenue",
    "-name", "-uscc", "-park", "-industry", "-revenue",
]  # fmt: skip


class EnterpriseFilter(BaseModel):
    """Search enterprises: name or USCC text, chain (id or code), park id, tag; paginated."""

    q: str | None = Field(None, max_length=100, description="Part of the name, or a USCC.")
    chain: str | None = Field(None, max_length=100, description="Chain id, code or name.")
    park: RowId | None = None
    tag: str | None = Field(None, max_length=32, description="srdi, little_giant, leader …")
    page: int = Field(1, ge=1, le=1_000_000)
    per_page: int = Field(50, ge=1, le=200)
    sort: EnterpriseSort | None = Field(
        None,
        description="Order of the whole list: name, uscc, park, industry or revenue (latest "
        "year); a leading '-' reverses it. Missing values come last either way. Default: name.",
    )


class EnterpriseRow(BaseModel):
    id: int
    uscc: str
    name: str
    park: str | None
    industry_code: str | None
    industry_name: str | None
    tags: list[str]
    chains: list[str]
    year: int | None
    revenue: float | None
    output: float | None
    is_demo: bool


class EnterpriseList(BaseModel):
    rows: list[EnterpriseRow]
    total: int
    page: int
    per_page: int
    pages: int


class YearFigures(BaseModel):
    year: int
    revenue: float | None
    main_revenue: float | None
    output: float | None
    value_added: float | None
    tax: float | None
    profit: float | None
    employees: int | None
    rd_spend: float | None
    invention_patents: int | None
    land_mu: float | None
    energy_tce: float | None
    debt_ratio: float | None


class CriterionCheck(BaseModel):
    """One criterion of a tier for one enterprise: met, missed (by how much) or unknown."""

    id: str
    label_zh: str
    label_en: str
    metric: str
    op: str
    threshold: float | bool | str | list[float] | None
    unit: str
    actual: float | bool | str | None
    met: bool | None
    shortfall: float | None
    relative_shortfall: float | None
    uncertain: bool
    selector: bool
    source: str
    #: where the value used comes from: statistics, self_declared, certified, computed (a score
    #: or a figure derived from several), or None when the value is missing (shown as 缺失)
    data_source: str | None = None
    #: the reason in words for a value derived from a list (the award used, the honour's
    #: expiry, the two margins) or for a yes/no fact used because the list could not tell
    basis_zh: str | None = None
    basis_en: str | None = None


class PointsItem(BaseModel):
    """Points earned on one item of a tier's points table (e.g. the 专精特新 100-point table).

    ``points`` is None when missing data leave a range: the item could earn anything from
    ``points_min`` to ``points_max``."""

    id: str
    label_zh: str
    label_en: str
    group: str
    points: float | None
    points_min: float
    points_max: float
    max_points: float


class TierCheck(BaseModel):
    """An enterprise against one tier's rule set."""

    level: str
    name_zh: str
    name_en: str
    version: str
    document: str
    qualifies: bool
    determined: bool
    nearly_qualifies: bool
    holds_tag: bool = Field(description="The enterprise already carries the recognised tag.")
    score: float | None
    missed: list[CriterionCheck]
    missing: list[CriterionCheck]
    criteria: list[CriterionCheck]
    points: list[PointsItem] = Field(
        default_factory=list, description="The points table item by item (scored tiers only)."
    )
    applicable: bool | None = Field(
        default=True,
        description=(
            "False when the tier does not apply (an SME tier and a large enterprise by the SME "
            "size standard); None when the size test cannot be decided."
        ),
    )
    size_note_zh: str | None = Field(default=None, description="Why (not) applicable, 中文.")
    size_note_en: str | None = Field(default=None, description="Why (not) applicable, English.")


class LinkMembership(BaseModel):
    chain_id: int
    chain_code: str
    chain_name: str
    link_id: int
    link_name: str
    source: str
    confidence: float


class EnterpriseProfile(BaseModel):
    """An enterprise: who it is, its yearly figures, its chain links and its tiers."""

    id: int
    uscc: str
    name: str
    region_code: str | None
    park: str | None
    industry_code: str | None
    industry_name: str | None
    founded: str | None
    scope_text: str | None
    products: str | None
    tags: list[str]
    is_demo: bool
    years: list[YearFigures]
    links: list[LinkMembership]
    tier_year: int | None
    tiers: list[TierCheck]
    #: the source of the industry margin "盈利能力高于行业水平" is compared with (if stored)
    margin_citation: Citation | None = None


class EligibilityRow(BaseModel):
    enterprise_id: int
    uscc: str
    name: str
    qualifies: bool
    nearly_qualifies: bool
    holds_tag: bool
    score: float | None
    missed: list[CriterionCheck]
    missing_count: int


class EligibilityLevel(BaseModel):
    level: str
    name_zh: str
    name_en: str
    version: str
    document: str
    evaluated: int
    qualifies: int
    nearly: int
    undetermined: int
    holds_tag: int
    not_applicable: int | None = Field(
        default=None,
        description="Of the evaluated, the large enterprises, to which an SME tier does not "
        "apply (its size test sme_size is False); None for a tier without a size test.",
    )
    size_unknown: int | None = Field(
        default=None,
        description="Of the evaluated, those whose SME size cannot be told for missing data "
        "(sme_size undetermined); None for a tier without a size test.",
    )


class EligibilityReport(BaseModel):
    """Who qualifies for a tier, who nearly does, and what each near one misses by how much."""

    year: int | None
    near_margin: float
    levels: list[EligibilityLevel]
    level: str | None
    rows: list[EligibilityRow]
    truncated: bool


class RankCriterion(BaseModel):
    name: str
    label_zh: str
    label_en: str
    direction: str
    unit: str
    weight: float = Field(description="The weight used (given or computed by entropy).")
    source: str


class RankRow(BaseModel):
    rank: int
    enterprise_id: int
    uscc: str
    name: str
    score: float
    tags: list[str]
    values: dict[str, float]
    d_plus: float | None = Field(
        default=None, description="TOPSIS distance to the ideal point (D+); TOPSIS methods only."
    )
    d_minus: float | None = Field(
        default=None, description="TOPSIS distance to the anti-ideal point (D-)."
    )


#: What a ranking without a chain ranks: every firm of the city for an unscoped principal; a
#: scoped one's firms otherwise (the words of the ranking page's export, for the CLI's too)
RANKED_CITY = ("全市", "city")
RANKED_VISIBLE = ("全部可见企业", "every enterprise you may see")


def ranked_scope(chain: str | None, scoped: bool) -> tuple[str, str]:
    """What a ranking covers, in zh and en: its chain, else :data:`RANKED_VISIBLE` for a
    scoped principal and :data:`RANKED_CITY` for the others."""
    if chain:
        return chain, chain
    return RANKED_VISIBLE if scoped else RANKED_CITY


class RankResult(BaseModel):
    """头羊 ranking: multi-criteria scores with the weights used."""

    year: int | None
    method: str
    method_label_zh: str
    method_label_en: str
    normalisation: str | None = Field(
        default=None, description="Entropy-weight normalisation (minmax or sum); entropy only."
    )
    normalisation_label_zh: str | None = None
    normalisation_label_en: str | None = None
    rules: str
    chain: str | None
    criteria: list[RankCriterion]
    population: int
    excluded: int
    excluded_reason_zh: str
    excluded_reason_en: str
    rows: list[RankRow]
    note_zh: str | None = None
    note_en: str | None = None
