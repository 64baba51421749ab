"""Typed results of the clusters service (the "1+2+N" cluster system)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from gaodi.core.moments import CityMoment
from gaodi.core.provenance import Citation
from gaodi.regions.schemas import PeerGroup


class Provenance(BaseModel):
    year: int | None = Field(None, description="Year of the enterprise figures.")
    panel_year: int | None = Field(None, description="Panel year of the LQ.")
    city: str | None = Field(None, description="The home city's GB/T 2260 code.")
    as_of: str | None = None
    measure: str = "output"
    peer_group: str | None = None
    peer_group_label: str | None = None
    rule_sets: dict[str, str] = Field(default_factory=dict)
    parameters: dict[str, str] = Field(default_factory=dict)
    computed_at: CityMoment | None = Field(None, description="When the result was computed.")
    is_demo: bool = False


class ClusterChain(BaseModel):
    id: int
    code: str
    name: str
    completeness: float | None = Field(None, description="From the chains service.")


class ClusterRow(BaseModel):
    id: int
    name: str
    tier: str
    tier_label_zh: str
    tier_label_en: str
    status: str
    status_label_zh: str
    status_label_en: str
    year: int | None
    source: str | None
    citation: Citation | None = Field(None, description="The public source, as words and link.")
    chains: list[ClusterChain]
    chains_hidden: int = Field(0, description="Chains of the cluster the user may not see.")
    industries: list[str] = Field(
        default_factory=list, description="GB/T 4754 中类 of its chains' links (the LQ's set)."
    )
    enterprises: int | None = Field(None, description="Distinct enterprises on its chains.")
    output: float | None = Field(None, description="亿元, the year.")
    output_prev: float | None = Field(None, description="亿元, the same firms a year earlier.")
    growth: float | None = Field(None, description="output / output_prev - 1.")
    lq: float | None = Field(None, description="LQ of the city in its industries vs peers.")
    leaders: list[str] = Field(default_factory=list, description="头羊 by output (visible).")
    n_leaders: int = 0
    srdi: int | None = Field(None, description="专精特新 and 小巨人 enterprises.")
    srdi_per_100: float | None = Field(None, description="srdi per 100 enterprises.")
    srdi_per_yi: float | None = Field(None, description="srdi per 亿元 of output.")
    completeness: float | None = Field(None, description="Mean completeness of its chains.")
    is_demo: bool = False


class ClusterGroup(BaseModel):
    key: str
    label_zh: str
    label_en: str
    target: int | None
    quote: str
    recognised: int
    planned: int
    clusters: list[ClusterRow]


class ClusterSystem(BaseModel):
    provenance: Provenance
    group: PeerGroup | None = None
    groups: list[ClusterGroup]
    #: the groups are the home city's plan's own system (the demo's “1+2+N”), not tiers only
    plan_system: bool = False
    notice_zh: str | None = None
    notice_en: str | None = None
