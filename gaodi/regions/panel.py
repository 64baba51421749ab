"""Loading for the regions service: the region x industry x year panel as a Polars frame, the
city's own enterprise microdata summed by GB/T 4754 中类, names, the home city, peer groups.

Every query goes through :func:`gaodi.core.permissions.restrict`. Nothing here computes beyond
sums and the peer-group rules of ``gaodi/regions/data/peer_groups.yaml``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.core import dataset as dataset_record
from gaodi.core.errors import NotFoundError, ValidationError
from gaodi.core.permissions import Principal, restrict
from gaodi.core.provenance import computed_at
from gaodi.core.rulefile import read_yaml
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.plans.loaders import home_city as home_city  # the regions pages' name for it
from gaodi.regions.models import IndustryCode, PanelValue, Region
from gaodi.regions.schemas import PeerGroup, PeerGroupOption, Provenance, RegionRef

DATA = Path(__file__).resolve().parent / "data"
PEER_FILE = DATA / "peer_groups.yaml"
MEASURES: dict[str, tuple[str, str]] = {
    "output": ("亿元", "产值"),
    "employment": ("万人", "从业人数"),
}
#: Manufacturing divisions of GB/T 4754-2017 (section C): the universe of the city's microdata
#: sums, as of the demo panel (gaodi/demo/peers.py).
MANUFACTURING = ("13", "43")
PANEL_SCHEMA = {"region": pl.String, "industry": pl.String, "year": pl.Int64, "value": pl.Float64}


now_stamp = computed_at


def dataset(session: Session) -> dict[str, Any]:
    return dataset_record.record(session)


def check_measure(measure: str) -> str:
    if measure not in MEASURES:
        raise ValidationError(
            f"指标须为 output 或 employment，收到“{measure}”。",
            f"The measure must be output or employment; got '{measure}'.",
            field="measure",
        )
    return measure


def provenance(
    session: Session,
    *,
    measure: str,
    year: int | None,
    city: str | None,
    start_year: int | None = None,
    city_source: str = "panel",
    group: PeerGroup | None = None,
    parameters: dict[str, str] | None = None,
    rule_sets: dict[str, str] | None = None,
) -> Provenance:
    info = dataset(session)
    return Provenance(
        as_of=str(info.get("as_of") or (year if year is not None else "")) or None,
        measure=measure,
        unit=MEASURES[measure][0],
        year=year,
        start_year=start_year,
        city=city,
        city_source=city_source,  # type: ignore[arg-type]
        peer_group=group.key if group else None,
        peer_group_label=group.label_zh if group else None,
        parameters=parameters or {},
        rule_sets=rule_sets or {},
        computed_at=now_stamp(),
        is_demo=bool(info.get("demo")),
    )


# --------------------------------------------------------------------------- the panel


def panel_years(session: Session, principal: Principal, measure: str) -> list[int]:
    query = restrict(select(PanelValue.year).distinct(), principal).where(
        PanelValue.measure == measure
    )
    return sorted(int(y) for y in session.scalars(query))


def panel_measures(session: Session, principal: Principal) -> list[str]:
    query = restrict(select(PanelValue.measure).distinct(), principal)
    return sorted(m for m in session.scalars(query) if m in MEASURES)


def panel_frame(
    session: Session,
    principal: Principal,
    *,
    measure: str = "output",
    years: Iterable[int] | None = None,
) -> pl.DataFrame:
    """``region, industry, year, value`` rows of one measure (all years, or ``years``)."""
    query = restrict(
        select(PanelValue.region_code, PanelValue.industry_code, PanelValue.year, PanelValue.value),
        principal,
    ).where(PanelValue.measure == check_measure(measure))
    if years is not None:
        wanted = sorted({int(y) for y in years})
        query = query.where(PanelValue.year.in_(wanted))
    rows = session.execute(query).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=PANEL_SCHEMA, orient="row")


def city_microdata(
    session: Session,
    principal: Principal,
    city: str,
    *,
    measure: str = "output",
    years: Iterable[int] | None = None,
) -> pl.DataFrame:
    """The city's enterprises summed by 中类 (first three digits of the GB/T 4754 class) and year
    in panel units: output 万元 / 1e4 = 亿元, employees / 1e4 = 万人; manufacturing only
    (divisions 13-43). Only the enterprises the principal may read are summed."""
    field = "output" if check_measure(measure) == "output" else "employees"
    rows = enterprise_loaders.industry_year_values(session, principal, field, years)
    raw = pl.DataFrame(
        [tuple(r) for r in rows],
        schema={"code": pl.String, "year": pl.Int64, "value": pl.Float64},
        orient="row",
    )
    lo, hi = MANUFACTURING
    div = pl.col("code").str.slice(0, 2)
    return (
        raw.filter((div >= lo) & (div <= hi) & (pl.col("code").str.len_chars() >= 3))
        .group_by(pl.col("code").str.slice(0, 3).alias("industry"), "year")
        .agg((pl.col("value").sum() / 1e4).alias("value"))
        .select(pl.lit(city).alias("region"), "industry", "year", "value")
        .sort("industry", "year")
    )


def with_city(
    session: Session,
    principal: Principal,
    frame: pl.DataFrame,
    city: str,
    *,
    source: str,
    measure: str,
) -> pl.DataFrame:
    """The panel with the city's rows from ``source``: its panel row, or its microdata."""
    if source == "panel":
        return frame
    if source != "microdata":
        raise ValidationError(
            f"城市数据来源须为 panel 或 microdata，收到“{source}”。",
            f"The city source must be panel or microdata; got '{source}'.",
            field="source",
        )
    years = frame["year"].unique().to_list() if frame.height else None
    micro = city_microdata(session, principal, city, measure=measure, years=years)
    return pl.concat([frame.filter(pl.col("region") != city), micro], how="vertical_relaxed")


# --------------------------------------------------------------------------- names


def region_names(session: Session, principal: Principal, codes: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(codes))
    out: dict[str, str] = {}
    for i in range(0, len(wanted), 1000):
        query = restrict(select(Region.code, Region.name), principal).where(
            Region.code.in_(wanted[i : i + 1000])
        )
        out.update({c: n for c, n in session.execute(query)})
    return out


def industry_names(session: Session, principal: Principal, codes: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(codes))
    out: dict[str, str] = {}
    for i in range(0, len(wanted), 1000):
        query = restrict(select(IndustryCode.code, IndustryCode.name), principal).where(
            IndustryCode.code.in_(wanted[i : i + 1000])
        )
        out.update({c: n for c, n in session.execute(query)})
    return out


def ref(code: str, names: dict[str, str]) -> RegionRef:
    return RegionRef(code=code, name=names.get(code, code))


# --------------------------------------------------------------------------- peer groups


@dataclass(frozen=True)
class GroupSpec:
    key: str
    zh: str
    en: str
    rule: str
    regions: tuple[str, ...] = ()
    k: int = 10
    of: tuple[str, ...] = ()
    source: str = ""
    city: str = ""  # a group named by one city's plan (its GB/T 2260 code): that city's only


@lru_cache(maxsize=1)
def peer_specs() -> tuple[str, str, dict[str, GroupSpec]]:
    """``(version, default key, groups)`` from ``peer_groups.yaml``."""
    raw = read_yaml(PEER_FILE)
    groups = {
        key: GroupSpec(
            key=key,
            zh=str(v["zh"]),
            en=str(v["en"]),
            rule=str(v["rule"]),
            regions=tuple(str(c) for c in v.get("regions", ())),
            k=int(v.get("k", 10)),
            of=tuple(v.get("of", ())),
            source=" ".join(str(v.get("source", "")).split()),
            city=str(v.get("city", "")),
        )
        for key, v in raw["groups"].items()
    }
    return str(raw["version"]), str(raw["default"]), groups


def city_specs(city: str | None) -> tuple[str, dict[str, GroupSpec]]:
    """``(default key, groups)`` offered to ``city``: a group of another city's plan (the demo
    plan's benchmarks) is not this city's, nor a union that takes one in; the default is the
    file's when offered, else the first group offered."""
    _v, default, specs = peer_specs()

    def offered(spec: GroupSpec) -> bool:
        if spec.city and spec.city != city:
            return False
        return all(part in specs and offered(specs[part]) for part in spec.of)

    groups = {k: g for k, g in specs.items() if offered(g)}
    return (default if default in groups else next(iter(groups))), groups


def group_options(city: str | None) -> list[PeerGroupOption]:
    _d, groups = city_specs(city)
    options = [
        PeerGroupOption(key=g.key, label_zh=g.zh, label_en=g.en, source=g.source)
        for g in groups.values()
    ]
    options.append(
        PeerGroupOption(
            key="custom", label_zh="自选对标城市", label_en="Peers of your choice", source="user"
        )
    )
    return options


def parse_codes(text: str | Sequence[str] | None) -> list[str]:
    """Region codes from ``"110000,310000"`` or a list (blank entries ignored)."""
    if text is None:
        return []
    items = [text] if isinstance(text, str) else list(text)
    out: list[str] = []
    for item in items:
        for part in str(item).replace("，", ",").replace(" ", ",").split(","):
            code = part.strip()
            if code and code not in out:
                out.append(code)
    return out


def _nearest(totals: dict[str, float], city: str, k: int) -> list[str]:
    base = totals.get(city)
    if not base or base <= 0:
        return []
    others = [(abs(math.log(v / base)), c) for c, v in totals.items() if c != city and v > 0]
    return [c for _d, c in sorted(others)[:k]]


def resolve_group(
    session: Session,
    principal: Principal,
    frame: pl.DataFrame,
    city: str,
    *,
    group: str | None,
    peers: Sequence[str] = (),
    year: int | None = None,
) -> PeerGroup:
    """The peer group ``group`` (or ``custom`` with ``peers``) as regions of the panel ``frame``
    (one measure); regions the panel does not hold are left out, the city never counts."""
    default, specs = city_specs(city)
    key = group or ("custom" if peers else default)
    in_panel = set(frame["region"].unique().to_list()) if frame.height else set()
    sub = frame.filter(pl.col("year") == year) if year is not None else frame
    totals = (
        dict(sub.group_by("region").agg(pl.col("value").sum()).iter_rows()) if sub.height else {}
    )

    def codes_of(spec_key: str, seen: tuple[str, ...] = ()) -> list[str]:
        spec = specs[spec_key]
        if spec.rule == "list":
            return list(spec.regions)
        if spec.rule == "nearest_total":
            return _nearest(totals, city, spec.k)
        if spec.rule == "all":
            return sorted(in_panel)
        if spec.rule == "union":
            out: list[str] = []
            for part in spec.of:
                if part in seen:
                    continue
                out += [c for c in codes_of(part, (*seen, spec_key)) if c not in out]
            return out
        raise ValidationError(f"对标组规则“{spec.rule}”无效。", f"Bad peer-group rule {spec.rule}.")

    if key == "custom":
        if not peers:
            raise ValidationError(
                "自选对标城市时请至少选择一个城市。",
                "Choose at least one peer region for a custom group.",
                field="peers",
            )
        codes, zh, en, source = list(peers), "自选对标城市", "Peers of your choice", "user"
        unknown = [c for c in codes if c not in in_panel]
        if unknown and len(unknown) == len(codes):
            raise NotFoundError(
                f"面板中没有所选地区：{'、'.join(unknown[:5])}。",
                f"The panel holds none of the chosen regions: {', '.join(unknown[:5])}.",
                field="peers",
            )
    elif key in specs:
        spec = specs[key]
        codes, zh, en, source = codes_of(key), spec.zh, spec.en, spec.source
    else:
        known = ", ".join([*specs, "custom"])
        raise ValidationError(
            f"没有名为“{key}”的对标组（可用：{known}）。",
            f"No peer group '{key}' (available: {known}).",
            field="group",
        )
    kept = [c for c in codes if c in in_panel and c != city]
    names = region_names(session, principal, kept)
    return PeerGroup(
        key=key,
        label_zh=zh,
        label_en=en,
        regions=[ref(c, names) for c in kept],
        source=source,
    )
