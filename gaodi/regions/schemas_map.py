"""What the 产业地图 (industry map) returns: the page, its JSON twin /api/v1/map and the panel."""

from __future__ import annotations

from pydantic import BaseModel, Field


class MapMeasure(BaseModel):
    key: str
    label: str
    unit: str


class MapChain(BaseModel):
    id: int
    name: str
    url: str


class MapDistrict(BaseModel):
    code: str = Field(description="GB/T 2260 code of the district (区县).")
    name: str
    value: float | None = Field(description="The chosen measure; None when it has no data.")
    enterprises: int
    output: float | None = Field(description="工业总产值 of the year, 亿元.")
    srdi: int
    projects: int
    investment: float | None = Field(description="Planned investment of the projects, 亿元.")
    url: str = Field(description="The district's page: the map with the district picked.")


class MapPark(BaseModel):
    id: int
    name: str
    short_name: str
    region_code: str
    region_name: str
    lng: float
    lat: float
    location_note: str = Field(
        description="Where the point comes from, in the page's language: 位置示意（区县中心） "
        'in Chinese, "placed at the district\'s centre" in English.'
    )
    klass: str | None = Field(description="亩均 class A-D of the park in the year.")
    score: float | None
    rank: int | None
    class_reason: str
    url: str
    is_demo: bool = False


class MapEnterprise(BaseModel):
    id: int
    name: str
    output: float = Field(description="亿元")
    url: str


class MapData(BaseModel):
    """The figures of one measure by district, and the parks as points."""

    city: str
    city_name: str
    year: int | None
    years: list[int]
    measure: str
    measures: list[MapMeasure]
    label: str
    unit: str
    chain: MapChain | None
    chains: list[MapChain]
    district: str | None = None
    district_name: str | None = None
    district_enterprises: list[MapEnterprise] | None = None
    districts: list[MapDistrict]
    parks: list[MapPark]
    has_data: bool = Field(description="False when every district has no value (empty state).")
    max_value: float
    unplaced_enterprises: int
    unplaced_projects: int
    scoped: bool = Field(description="The viewer sees only its scope (a chain or park office).")
    is_demo: bool
    geo_url: str
    api_url: str = Field(description="This map's JSON (what the page's chart draws).")
    city_url: str = Field(description="This page without a picked district.")
    measure_urls: dict[str, str] = Field(description="measure -> this page on that measure.")
    source: str
    notes: list[str] = Field(default_factory=list)
