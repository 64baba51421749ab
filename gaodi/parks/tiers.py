"""Park tiers (千亿/3000亿级) with years to reach them, and the 两主一特/一主一特 positioning rules.

Both rule files live in ``gaodi/parks/rules/`` with their sources: ``tiers.yaml`` (the plan's
targets: one 3000亿级 and five 千亿级 parks by 2023) and ``positioning.yaml`` (national parks
"两主一特", provincial parks "一主一特"; declared industry names mapped to chains and GB/T 4754
codes). The arithmetic here is plain and documented in each function.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from gaodi.core.rulefile import read_yaml

RULES = Path(__file__).resolve().parent / "rules"


@dataclass(frozen=True)
class Tier:
    key: str
    threshold: float
    label_zh: str
    label_en: str
    target_count: int
    target_year: int
    quote: str


@dataclass(frozen=True)
class TierRules:
    version: str
    measure: str
    unit: str
    source: str
    tiers: tuple[Tier, ...]
    city: str = ""  # the GB/T 2260 code of the city whose plan set the targets


@dataclass(frozen=True)
class IndustryMap:
    name: str
    chains: tuple[str, ...]
    codes: tuple[str, ...]


@dataclass(frozen=True)
class PositioningRules:
    version: str
    source: str
    functions: Mapping[str, Mapping[str, Any]]
    min_share: float
    industries: Mapping[str, IndustryMap]


def _read(name: str) -> dict[str, Any]:
    return read_yaml(RULES / name)


@lru_cache(maxsize=1)
def tier_rules() -> TierRules:
    raw = _read("tiers.yaml")
    tiers = tuple(
        Tier(
            key=str(t["key"]),
            threshold=float(t["threshold"]),
            label_zh=str(t["label_zh"]),
            label_en=str(t["label_en"]),
            target_count=int(t["target_count"]),
            target_year=int(t["target_year"]),
            quote=str(t["quote"]),
        )
        for t in raw["tiers"]
    )
    return TierRules(
        version=str(raw["version"]),
        measure=str(raw["measure"]),
        unit=str(raw["unit"]),
        source=str(raw["source"]),
        tiers=tuple(sorted(tiers, key=lambda t: -t.threshold)),
        city=str(raw.get("city", "")),
    )


@lru_cache(maxsize=1)
def positioning_rules() -> PositioningRules:
    raw = _read("positioning.yaml")
    industries = {
        str(name): IndustryMap(
            name=str(name),
            chains=tuple(str(c) for c in (spec or {}).get("chains", ())),
            codes=tuple(str(c) for c in (spec or {}).get("codes", ())),
        )
        for name, spec in raw["industries"].items()
    }
    return PositioningRules(
        version=str(raw["version"]),
        source=str(raw["source"]),
        functions=raw["functions"],
        min_share=float(raw["min_share"]),
        industries=industries,
    )


def growth_rate(series: Mapping[int, float], year: int) -> tuple[float | None, int | None]:
    """CAGR of a yearly series from its first positive year before ``year`` to ``year``.

    ``g = (X_t / X_t0) ** (1 / (t - t0)) - 1``; ``(None, None)`` when there is no earlier
    positive year or the value in ``year`` is missing.

    Examples
    --------
    >>> growth_rate({2019: 100.0, 2020: 0.0, 2021: 121.0}, 2021)
    (0.10000000000000009, 2019)
    >>> growth_rate({2021: 50.0}, 2021)
    (None, None)
    """
    end = series.get(year)
    starts = [y for y, v in sorted(series.items()) if y < year and v > 0]
    if end is None or not starts:
        return None, None
    t0 = starts[0]
    return (end / series[t0]) ** (1.0 / (year - t0)) - 1.0, t0


def years_to_reach(
    value: float | None, target: float, growth: float | None
) -> tuple[str, float | None]:
    """Where a park stands against a threshold at its current growth.

    Returns ``("reached", 0.0)`` when ``value >= target``; ``("years", n)`` with
    ``n = ln(target / value) / ln(1 + growth)`` when growth is positive; ``("not_at_growth",
    None)`` when growth <= 0; ``("no_data", None)`` without a value or a growth rate.

    Examples
    --------
    A park at 2219 亿元 growing 13.42 % a year needs ln(3000/2219)/ln(1.1342) = 2.39 years:

    >>> status, n = years_to_reach(2219.0, 3000.0, 0.1342)
    >>> status, round(n, 2)
    ('years', 2.39)
    >>> years_to_reach(1200.0, 1000.0, -0.1)
    ('reached', 0.0)
    >>> years_to_reach(800.0, 1000.0, 0.0)
    ('not_at_growth', None)
    """
    if value is None:
        return "no_data", None
    if value >= target:
        return "reached", 0.0
    if growth is None:
        return "no_data", None
    if growth <= 0:
        return "not_at_growth", None
    if value <= 0:
        return "no_data", None
    return "years", math.log(target / value) / math.log(1.0 + growth)


def reach_year(year: int, years: float | None) -> int | None:
    """The first whole year by which the threshold is reached: ``year + ceil(n)``.

    Examples
    --------
    >>> reach_year(2023, 2.39), reach_year(2023, 0.0), reach_year(2023, None)
    (2026, 2023, None)
    """
    if years is None:
        return None
    return year + math.ceil(round(years, 9))


def matches(code: str | None, prefixes: Sequence[str]) -> bool:
    """Whether a GB/T 4754 code falls under any of the prefixes (a division, group or class).

    Examples
    --------
    >>> matches("3514", ["351"]), matches("3514", ["36"]), matches(None, ["36"])
    (True, False, False)
    """
    return bool(code) and any(str(code).startswith(p) for p in prefixes)
