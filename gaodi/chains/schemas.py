"""Typed results of the chains service: the pages, their JSON twins, the CLI and the reports
all receive these (never an ad-hoc dict)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from gaodi.core.moments import CityMoment, CityMomentText
from gaodi.core.provenance import Citation

Status = Literal["missing", "weak", "strong"]


class ChainRef(BaseModel):
    id: int
    code: str
    name: str
    kind: str | None = None
    office: str | None = None
    name_status: str = "assumed"
    is_demo: bool = False
    citation: Citation | None = Field(None, description="The chain's public source.")


class Provenance(BaseModel):
    """Where the numbers come from: the year of figures, the rule file, the benchmark."""

    year: int | None = Field(None, description="Year of the enterprise figures used.")
    rules: str = Field(description="Chain rule file and version, e.g. default v2024.1.")
    benchmark: str = Field("median", description="median, peer or national.")
    benchmark_label_zh: str = ""
    benchmark_label_en: str = ""
    computed_at: CityMoment | None = Field(None, description="When the result was computed.")
    is_demo: bool = False
    membership_on: str | None = Field(
        None,
        description="The city's day (ISO) whose chain membership the figures use: today for "
        "the pages, a report's period end (or its known-on day) for a past report.",
    )


class EnterpriseRef(BaseModel):
    id: int
    name: str
    uscc: str | None = None


class LinkRow(BaseModel):
    """One link's diagnosis (figures over its enterprises and those of its sub-links)."""

    id: int
    code: str
    name: str
    segment: str
    parent_id: int | None
    depth: int
    key_link: bool
    is_leaf: bool
    enterprises: int
    above_scale: int
    output: float = Field(description="万元")
    output_share: float | None
    output_share_text: str | None = Field(
        default=None,
        description="The share as a percentage with the digits that tell it from its threshold "
        "(two significant digits below 0.1%).",
    )
    leaders: int
    leader_names: list[str]
    srdi: int
    invention_patents: int
    growth: float | None
    top1_share: float | None
    hhi: float | None
    risk_level: str
    risk_level_zh: str
    risk_reason_zh: str
    risk_reason_en: str
    benchmark_share: float | None
    threshold_share: float | None
    status: Status
    status_zh: str
    reason_zh: str
    reason_en: str


class RecommendationRow(BaseModel):
    kind: Literal["fill", "strengthen", "extend"]
    kind_zh: str
    action: Literal["attract", "cultivate"]
    link_id: int
    link_code: str
    link_name: str
    priority: int
    enterprises: list[EnterpriseRef] = Field(description="To cultivate (强链); visible ones only.")
    related_link_ids: list[int]
    reason_zh: str
    reason_en: str


class ChainDiagnosisResult(BaseModel):
    """A chain's diagnosis: every link's status with its reason, scores, recommendations."""

    chain: ChainRef
    provenance: Provenance
    completeness: float
    strength: float
    completeness_reason_zh: str
    completeness_reason_en: str
    strength_reason_zh: str
    strength_reason_en: str
    n_links: int
    n_scored: int
    n_missing: int
    n_weak: int
    n_strong: int
    chain_output: float = Field(description="万元, each enterprise once")
    chain_enterprises: int
    links: list[LinkRow]
    recommendations: list[RecommendationRow]

    def link(self, link_id: int) -> LinkRow:
        for row in self.links:
            if row.id == link_id:
                return row
        raise KeyError(link_id)


class ChainSummaryRow(BaseModel):
    """One chain on the 产业链 list: scores and counts of missing and weak leaf links."""

    chain: ChainRef
    completeness: float
    strength: float
    n_links: int
    n_scored: int
    n_missing: int
    n_weak: int
    n_strong: int
    enterprises: int
    output: float
    missing_key_links: list[str]


class ChainSummary(BaseModel):
    """All chains the user may see, for the list page, the overview card and the report."""

    provenance: Provenance
    chains: list[ChainSummaryRow]
    mean_completeness: float | None
    mean_strength: float | None
    total_missing: int
    total_weak: int


class Candidate(BaseModel):
    """One pool enterprise to attract, with its score, factors and reasons. ``id`` is its record
    in the database's external pool, ``None`` for a firm of a registry file (--pool-registry)."""

    rank: int
    id: int | None
    uscc: str | None = None
    name: str
    city: str | None
    score: float
    f_match: float
    f_scale: float
    f_growth: float
    f_technology: float
    f_ties: float
    confidence: float
    revenue: float | None
    revenue_growth: float | None
    invention_patents: int | None
    tags: list[str]
    local_ties: list[int]
    reason_zh: str
    reason_en: str


class LinkCandidates(BaseModel):
    link_id: int
    link_code: str
    link_name: str
    status: Status
    status_zh: str
    reason_zh: str
    reason_en: str
    eligible_note_zh: str
    eligible_note_en: str
    candidates: list[Candidate]


class RecommendResult(BaseModel):
    """招商 candidates from the external pool for the chain's missing and weak links."""

    chain: ChainRef
    provenance: Provenance
    pool_size: int
    links: list[LinkCandidates]


class Assignment(BaseModel):
    """An enterprise on a link: current or past, by rule or by hand."""

    id: int
    enterprise_id: int
    enterprise_name: str
    uscc: str
    source: Literal["rule", "manual"]
    confidence: float
    excluded: bool
    reason: str | None
    valid_from: CityMoment = Field(description="When the row took effect.")
    valid_to: CityMoment | None = Field(description="When it was closed; None: current.")
    since: str | None = Field(None, description="The city's date valid_from falls on (ISO).")
    until: str | None = Field(None, description="The city's date valid_to falls on (ISO).")
    created_by: str | None
    output: float | None = None
    tags: list[str] = Field(default_factory=list)


class LinkDetail(BaseModel):
    """The link page: its definition, enterprises, diagnosis, candidates to attract/cultivate."""

    chain: ChainRef
    provenance: Provenance
    link: LinkRow
    parent_name: str | None
    children: list[LinkRow]
    industry_codes: list[str]
    industry_names: list[str]
    keywords: list[str]
    exclude_keywords: list[str]
    description: str | None
    assignments: list[Assignment]
    excluded: list[Assignment]
    history: list[Assignment]
    recommendations: list[RecommendationRow]
    attract: LinkCandidates | None
    cultivate: list[EnterpriseRef]
    can_edit: bool


class ChainMapCounts(BaseModel):
    chain_id: int
    code: str
    name: str
    links: int
    added: int
    removed: int
    changed: int
    unchanged: int
    manual_kept: int
    current: int = Field(description="Current assignments (rule and manual) after the run.")


class MapReport(BaseModel):
    """What a re-mapping changed, chain by chain."""

    rules: str
    dry_run: bool
    at: CityMomentText = Field(description="When the run was stamped.")
    enterprises: int
    chains: list[ChainMapCounts]
    added: int
    removed: int
    changed: int
    unchanged: int
    manual_kept: int
