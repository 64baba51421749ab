"""Typed results of the regions service: pages, JSON twins, the CLI and reports receive these."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from gaodi.core.moments import CityMoment

Measure = Literal["output", "employment"]
Source = Literal["panel", "microdata"]


class Provenance(BaseModel):
    """Where a regional result comes from, so any number can be traced."""

    as_of: str | None = Field(None, description="Data as of (the dataset's as-of or the year).")
    measure: str = Field("output", description="Panel measure: output (亿元) or employment (万人).")
    unit: str = Field("亿元", description="Unit of the measure.")
    year: int | None = Field(None, description="Panel year used.")
    start_year: int | None = Field(None, description="First year of growth rates, if any.")
    city: str | None = Field(None, description="The home city's GB/T 2260 code.")
    city_source: Source = Field(
        "panel", description="panel: the city's panel row; microdata: its enterprises summed."
    )
    peer_group: str | None = None
    peer_group_label: str | None = None
    parameters: dict[str, str] = Field(default_factory=dict)
    rule_sets: dict[str, str] = Field(
        default_factory=dict, description="Rule files used, name -> version."
    )
    computed_at: CityMoment | None = Field(None, description="When the result was computed.")
    is_demo: bool = False


class RegionRef(BaseModel):
    code: str
    name: str


class PeerGroupOption(BaseModel):
    key: str
    label_zh: str
    label_en: str
    source: str = ""


class PeerGroup(BaseModel):
    """The peers the city is compared with (the city itself is never in ``regions``)."""

    key: str
    label_zh: str
    label_en: str
    regions: list[RegionRef]
    source: str = ""


class Availability(BaseModel):
    """What the panel holds: the page's year and measure choices."""

    years: list[int]
    measures: list[str]
    city: RegionRef | None
    regions: list[RegionRef] = Field(default_factory=list, description="Every panel region.")
    groups: list[PeerGroupOption] = Field(default_factory=list)


# --------------------------------------------------------------------------- specialisation


class SpecialisationRow(BaseModel):
    industry: str
    name: str
    value: float = Field(description="The city's value in the year (unit in provenance).")
    share: float = Field(description="Share of the city's total.")
    lq: float | None = Field(description="LQ against the city plus its peer group.")
    specialised: bool = Field(
        False, description="LQ >= 1, decided in exact decimals of the values as written."
    )
    cagr: float | None = Field(description="The city's CAGR from start_year to year.")
    peer_cagr: float | None = Field(description="The peers' combined CAGR over the same years.")


class Specialisation(BaseModel):
    provenance: Provenance
    group: PeerGroup | None
    total: float | None = Field(description="The city's total in the year.")
    rows: list[SpecialisationRow]
    n_specialised: int = Field(0, description="Industries with LQ >= 1.")
    hhi: float | None = None
    krugman: float | None = Field(None, description="Krugman index against the peers' sum.")
    notice_zh: str | None = None
    notice_en: str | None = None


# --------------------------------------------------------------------------- complexity


class RegionComplexityRow(BaseModel):
    rank: int
    region: str
    name: str
    diversity: int
    eci: float
    coi: float
    is_city: bool = False


class IndustryComplexityRow(BaseModel):
    rank: int
    industry: str
    name: str
    ubiquity: int
    pci: float
    city_rca: float | None = None
    city_present: bool = False


class ComplexityRanking(BaseModel):
    provenance: Provenance
    regions: list[RegionComplexityRow]
    industries: list[IndustryComplexityRow]
    city_rank: int | None = None
    n_regions: int = 0
    dropped_regions: list[str] = Field(default_factory=list)
    dropped_industries: list[str] = Field(default_factory=list)
    notice_zh: str | None = None
    notice_en: str | None = None


# --------------------------------------------------------------------------- opportunities


class StrategyOption(BaseModel):
    key: str
    label_zh: str
    label_en: str
    weights: dict[str, float]


class OpportunityRow(BaseModel):
    rank: int
    industry: str
    name: str
    rca: float
    density: float
    distance: float
    pci: float
    cog: float
    peer_growth: float | None
    feasibility: float = Field(description="Min-max normalised density over the candidates.")
    attractiveness: float = Field(
        description="Weighted PCI, COG and peer-growth scores over their weights' sum."
    )
    score: float


class QuadrantPoint(BaseModel):
    region: str
    name: str
    eci: float
    coi: float
    eci_relative: float
    approach: str
    is_city: bool = False


class Opportunities(BaseModel):
    provenance: Provenance
    strategy: str
    strategies: list[StrategyOption]
    weights: dict[str, float] = Field(description="The weights applied (normalised).")
    approach: str | None = Field(None, description="The city's strategic-approach quadrant.")
    approach_label_zh: str | None = None
    approach_label_en: str | None = None
    approach_basis: str = Field(
        "eci", description="eci: ECI itself stands in for ECI relative to income (no income)."
    )
    rows: list[OpportunityRow]
    quadrant: list[QuadrantPoint]
    group: PeerGroup | None = None
    notice_zh: str | None = None
    notice_en: str | None = None


# --------------------------------------------------------------------------- peers


class PeerMeasureRow(BaseModel):
    measure: str
    label_zh: str
    label_en: str
    values: list[float | None] = Field(description="City first, then the peers, as `regions`.")
    peer_median: float | None
    city_rank: int | None = Field(
        description="1 = highest value among the city and the peers that have one; null when "
        "the city has no value for the measure (unranked)."
    )
    ranked: int = Field(
        0, description="How many regions (the city and its peers) have a value and are ranked."
    )


class PeerComparison(BaseModel):
    provenance: Provenance
    group: PeerGroup
    regions: list[RegionRef] = Field(description="The city first, then the peers.")
    rows: list[PeerMeasureRow]
    notice_zh: str | None = None
    notice_en: str | None = None


# --------------------------------------------------------------------------- linkages


class LinkageRow(BaseModel):
    region: str | None = None
    sector: str
    output: float
    output_multiplier: float
    backward_linkage: float
    forward_linkage: float
    key_sector: str


class MatrixTable(BaseModel):
    name: str
    labels: list[str]
    values: list[list[float]]


class Linkages(BaseModel):
    source: Literal["example", "upload"]
    source_label: str
    n_sectors: int
    multi_regional: bool
    rows: list[LinkageRow]
    matrices: list[MatrixTable] = Field(
        default_factory=list, description="A, L, B, G (only up to 30 sectors)."
    )
    computed_at: CityMoment | None = Field(None, description="When the result was computed.")
