"""Diversification opportunities, the Atlas's strategic approach, and peer comparisons.

For one region, the candidate industries are those it does not yet specialise in
(``M_cp = 0``). Each is scored on feasibility (density ``w_cp``; distance ``1 - w_cp``) and
attractiveness (PCI, COG, optionally the industry's growth among peer regions), with the
weights of a named strategy preset of the Atlas of Economic Complexity. The presets and the
strategic-approach quadrants are versioned data in
``gaodi/analytics/rules/opportunities/atlas_strategies.yaml`` (read once; the functions that
use them are pure).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from gaodi.analytics.complexity import Complexity
from gaodi.core import words
from gaodi.core.errors import DataError, NotFoundError
from gaodi.core.rulefile import read_yaml

__all__ = [
    "CRITERIA",
    "STRATEGY_FILE",
    "Strategy",
    "eci_relative_to_expected",
    "load_strategies",
    "opportunities",
    "peer_comparison",
    "peer_industry_growth",
    "strategic_approach",
    "strategic_approach_table",
    "strategy_weights",
]

STRATEGY_FILE = Path(__file__).with_name("rules") / "opportunities" / "atlas_strategies.yaml"
CRITERIA = ("feasibility", "pci", "cog", "peer_growth")


@dataclass(frozen=True)
class Strategy:
    """A named weighting of the criteria (weights sum to 1)."""

    name: str
    zh: str
    en: str
    weights: dict[str, float]
    by_approach: dict[str, dict[str, float]]


@lru_cache(maxsize=1)
def load_strategies() -> tuple[str, dict[str, Strategy], dict[str, dict[str, str]]]:
    """Read the presets file: ``(version, strategies, approaches)``.

    Examples
    --------
    >>> version, strategies, approaches = load_strategies()
    >>> sorted(strategies), strategies["low_hanging_fruit"].weights["feasibility"]
    (['balanced', 'long_jumps', 'low_hanging_fruit'], 0.6)
    >>> sorted(approaches)[0]
    'light_touch'
    """
    raw = read_yaml(STRATEGY_FILE)
    strategies = {}
    for name, spec in raw["strategies"].items():
        weights = {c: float(spec["weights"].get(c, 0.0)) for c in CRITERIA}
        by_approach = {
            a: {c: float(w.get(c, 0.0)) for c in CRITERIA}
            for a, w in spec.get("by_approach", {}).items()
        }
        strategies[name] = Strategy(name, spec["zh"], spec["en"], weights, by_approach)
    approaches = {
        k: {"zh": v["zh"], "en": v["en"], "rule": v["rule"]} for k, v in raw["approaches"].items()
    }
    return str(raw["version"]), strategies, approaches


def strategy_weights(strategy: str, approach: str | None = None) -> dict[str, float]:
    """Weights of a preset; ``balanced`` depends on the region's strategic approach.

    Examples
    --------
    >>> strategy_weights("balanced", "light_touch")
    {'feasibility': 0.6, 'pci': 0.2, 'cog': 0.2, 'peer_growth': 0.0}
    >>> strategy_weights("long_jumps")["cog"]
    0.35
    """
    _version, strategies, _approaches = load_strategies()
    if strategy not in strategies:
        raise words.error(
            "opportunities.no_strategy",
            NotFoundError,
            context={"known": sorted(strategies)},
            strategy=strategy,
            strategy_repr=repr(strategy),
        )
    preset = strategies[strategy]
    if approach is not None and approach in preset.by_approach:
        return dict(preset.by_approach[approach])
    return dict(preset.weights)


def _minmax(v: np.ndarray) -> np.ndarray:
    lo, hi = float(v.min()), float(v.max())
    if hi == lo:
        return np.zeros_like(v)
    out: np.ndarray = (v - lo) / (hi - lo)
    return out


def opportunities(
    res: Complexity,
    region: str,
    *,
    strategy: str = "balanced",
    approach: str | None = None,
    weights: Mapping[str, float] | None = None,
    peer_growth: Mapping[str, float] | None = None,
) -> pl.DataFrame:
    """Rank the industries ``region`` does not yet specialise in.

    Parameters
    ----------
    res : Complexity
        Output of :func:`gaodi.analytics.complexity.complexity`.
    region : str
    strategy : {"low_hanging_fruit", "balanced", "long_jumps"}
        Atlas preset (weights in ``atlas_strategies.yaml``); ignored when ``weights`` is given.
    approach : str, optional
        The region's strategic approach (:func:`strategic_approach`); selects the ``balanced``
        variant.
    weights : mapping, optional
        Custom weights over ``feasibility, pci, cog, peer_growth`` (finite, non-negative,
        sum > 0, normalised to sum 1; NaN or infinite weights are an error).
    peer_growth : mapping industry -> growth rate, optional
        Needed when the ``peer_growth`` weight is positive; industries missing from it score
        the lowest growth.

    Returns
    -------
    polars.DataFrame
        ``rank, industry, rca, density, distance, pci, cog, peer_growth, feasibility_score,
        pci_score, cog_score, peer_growth_score, score`` sorted by ``score`` (descending).
        Empty when the region already specialises in every industry.

    Notes
    -----
    Each criterion is min-max normalised over the region's candidates to ``[0, 1]`` (a
    criterion that is constant over the candidates scores 0): ``feasibility`` from density
    (so nearer = higher), ``pci`` from PCI, ``cog`` from COG, ``peer_growth`` from the given
    growth. ``score = sum_k w_k * criterion_k``.

    References
    ----------
    Hausmann, R., Hidalgo, C. A. et al. (2014). *The Atlas of Economic Complexity*. MIT Press.
    Atlas of Economic Complexity, Country Profiles, "Growth Opportunities" (product selection
    strategies) and "Strategic Approach", Harvard Growth Lab,
    https://atlas.hks.harvard.edu/countries.

    Examples
    --------
    >>> from gaodi.analytics.complexity import complexity
    >>> x = [[5, 5, 5, 5], [6, 6, 6, 1], [7, 7, 1, 1], [9, 1, 1, 1]]
    >>> res = complexity(x, ["a", "b", "c", "d"], ["p", "q", "r", "s"])
    >>> opportunities(res, "d", strategy="low_hanging_fruit")["industry"].to_list()
    ['q', 's', 'r']
    """
    if region not in res.regions:
        raise words.error(
            "opportunities.region_not_in_result",
            NotFoundError,
            region=region,
            region_repr=repr(region),
        )
    w = dict(strategy_weights(strategy, approach) if weights is None else weights)
    unknown = set(w) - set(CRITERIA)
    try:
        w = {k: float(v) for k, v in w.items()}
    except (TypeError, ValueError):
        raise words.error("opportunities.bad_weights") from None
    total = sum(w.values())
    # NaN passes "< 0" and "<= 0", and inf / inf is NaN: every score would be NaN
    if unknown or not all(math.isfinite(v) and v >= 0 for v in w.values()):
        raise words.error("opportunities.bad_weights")
    if not (math.isfinite(total) and total > 0):
        raise words.error("opportunities.bad_weights")
    w = {c: w.get(c, 0.0) / total for c in CRITERIA}
    if w["peer_growth"] > 0 and peer_growth is None:
        raise words.error("opportunities.peer_growth_needed")
    c = res.regions.index(region)
    idx = np.flatnonzero(res.mcp[c] == 0)
    inds = [res.industries[j] for j in idx]
    dens = res.density[c, idx]
    growth = np.array([np.nan] * idx.size)
    if peer_growth is not None:
        growth = np.array([peer_growth.get(i, np.nan) for i in inds], dtype=np.float64)
    frame = pl.DataFrame(
        {
            "industry": inds,
            "rca": res.rca[c, idx],
            "density": dens,
            "distance": 1.0 - dens,
            "pci": res.pci[idx],
            "cog": res.cog[c, idx],
            "peer_growth": pl.Series(growth, dtype=pl.Float64).fill_nan(None),
        }
    )
    if idx.size == 0:
        return frame.with_columns(
            pl.lit(0, pl.UInt32).alias("rank"),
            *[pl.lit(0.0).alias(f"{k}_score") for k in CRITERIA],
            pl.lit(0.0).alias("score"),
        ).select("rank", *frame.columns, *[f"{k}_score" for k in CRITERIA], "score")
    g = growth.copy()
    if peer_growth is not None:
        finite = np.isfinite(g)
        g[~finite] = g[finite].min() if finite.any() else 0.0
    else:
        g[:] = 0.0
    scores = {
        "feasibility": _minmax(dens),
        "pci": _minmax(res.pci[idx]),
        "cog": _minmax(res.cog[c, idx]),
        "peer_growth": _minmax(g),
    }
    score = np.zeros(idx.size)
    for k in CRITERIA:
        score += w[k] * scores[k]
    out = frame.with_columns(
        *[pl.Series(f"{k}_score", scores[k]) for k in CRITERIA], pl.Series("score", score)
    )
    out = out.sort(["score", "industry"], descending=[True, False])
    return out.with_row_index("rank", offset=1)


# --------------------------------------------------------------------------- strategic approach
def strategic_approach(eci_relative: float, coi: float) -> str:
    """The Atlas's strategic-approach quadrant from ECI relative to expected and COI.

    Notes
    -----
    ``COI >= 0`` and ``ECI* >= 0``: ``light_touch``; ``COI >= 0``, ``ECI* < 0``:
    ``parsimonious_industrial_policy``; ``COI < 0``, ``ECI* < 0``: ``strategic_bets``;
    ``COI < 0``, ``ECI* >= 0``: ``technological_frontier`` (the Atlas assigns this last
    class from a list of frontier economies; here it is the quadrant). ``ECI*`` is ECI
    relative to what the region's income predicts (:func:`eci_relative_to_expected`).

    References
    ----------
    Atlas of Economic Complexity, Country Profiles, "Strategic Approach", Harvard Growth Lab.

    Examples
    --------
    >>> [strategic_approach(e, c) for e, c in [(0.3, 0.2), (-0.3, 0.2), (-0.3, -0.2),
    ...                                         (0.3, -0.2)]]
    ['light_touch', 'parsimonious_industrial_policy', 'strategic_bets', 'technological_frontier']
    """
    if not (np.isfinite(eci_relative) and np.isfinite(coi)):
        raise words.error("opportunities.eci_coi_not_finite", DataError)
    if coi >= 0:
        return "light_touch" if eci_relative >= 0 else "parsimonious_industrial_policy"
    return "technological_frontier" if eci_relative >= 0 else "strategic_bets"


def eci_relative_to_expected(eci: Any, income: Any) -> np.ndarray:
    """Residual of ECI on log income across regions (OLS with intercept).

    Notes
    -----
    ``ECI_c = a + b ln(y_c) + e_c``; returns ``e_c`` (positive: more complex than the
    region's income predicts). The Atlas also controls for natural-resource exports.

    Examples
    --------
    >>> eci_relative_to_expected([1.0, 0.0, -1.0, 0.5], [100, 100, 10, 10]).round(4).tolist()
    [0.5, -0.5, -0.75, 0.75]
    """
    e = np.asarray(eci, dtype=np.float64)
    y = np.asarray(income, dtype=np.float64)
    if e.shape != y.shape or e.size < 3:
        raise words.error("opportunities.eci_income_three", DataError)
    if (y <= 0).any() or not np.isfinite(y).all():
        raise words.error("opportunities.income_positive", DataError)
    ly = np.log(y)
    if np.ptp(ly) == 0:
        raise words.error("opportunities.income_constant", DataError)
    design = np.column_stack([np.ones_like(ly), ly])
    coef, *_ = np.linalg.lstsq(design, e, rcond=None)
    out: np.ndarray = e - design @ coef
    return out


def strategic_approach_table(
    res: Complexity, income: Mapping[str, float] | None = None
) -> pl.DataFrame:
    """``region, eci, coi, eci_relative, approach`` for every region.

    With ``income`` (region -> GDP per capita, every region), ``eci_relative`` is the residual
    of :func:`eci_relative_to_expected`; without it, ECI itself (relative to the mean of the
    regions compared, which is 0 by construction).

    Examples
    --------
    >>> from gaodi.analytics.complexity import complexity
    >>> x = [[5, 5, 5, 5], [6, 6, 6, 1], [7, 7, 1, 1], [9, 1, 1, 1]]
    >>> t = strategic_approach_table(complexity(x, list("abcd"), list("pqrs")))
    >>> t.columns
    ['region', 'eci', 'coi', 'eci_relative', 'approach']
    """
    if income is None:
        rel = res.eci.copy()
    else:
        missing = [r for r in res.regions if r not in income]
        if missing:
            raise words.error(
                "opportunities.income_missing", DataError, regions=", ".join(missing[:5])
            )
        rel = eci_relative_to_expected(res.eci, [income[r] for r in res.regions])
    return pl.DataFrame(
        {
            "region": res.regions,
            "eci": res.eci,
            "coi": res.coi,
            "eci_relative": rel,
            "approach": [strategic_approach(a, b) for a, b in zip(rel, res.coi, strict=True)],
        }
    )


# --------------------------------------------------------------------------- peers
def peer_industry_growth(
    data: pl.DataFrame,
    peers: Sequence[str],
    *,
    start: int,
    end: int,
    region: str = "region",
    industry: str = "industry",
    year: str = "year",
    value: str = "value",
) -> dict[str, float]:
    """CAGR of each industry's combined value in the peer regions between two years.

    Industries with zero combined value in ``start`` are left out (no growth rate). The
    peers' values in the two years must be non-negative finite numbers (as in
    ``regions specialise``): a missing, negative, NaN or infinite value is a DataError naming
    the region, industry and year, not a silent growth rate or NaN.

    Examples
    --------
    >>> df = pl.DataFrame({"region": ["p1", "p2", "p1", "p2"], "industry": ["x"] * 4,
    ...                    "year": [2020, 2020, 2022, 2022], "value": [40.0, 60, 50, 71]})
    >>> {k: round(v, 6) for k, v in peer_industry_growth(df, ["p1", "p2"], start=2020,
    ...                                                   end=2022).items()}
    {'x': 0.1}
    """
    if end <= start:
        raise words.error("opportunities.end_before_start", DataError)
    sub = data.filter(
        pl.col(region).cast(pl.String).is_in([str(p) for p in peers])
        & pl.col(year).is_in([start, end])
    )
    if sub.height == 0:
        raise words.error("opportunities.peers_no_data", DataError)
    try:
        sub = sub.with_columns(pl.col(value).cast(pl.Float64))
    except pl.exceptions.PolarsError:
        raise words.error("opportunities.bad_peer_values", DataError, where=value) from None
    v = pl.col(value)
    # a missing value too: the peers' combined value would leave that peer out of one year
    # only, and the growth rate would compare different sets of regions
    bad = sub.filter(v.is_null() | v.is_nan() | v.is_infinite() | (v < 0))
    if bad.height:
        row = bad.row(0, named=True)
        shown = "—" if row[value] is None else row[value]
        where = f"{row[region]} / {row[industry]} / {row[year]}: {shown}"
        raise words.error(
            "opportunities.bad_peer_values",
            DataError,
            context={"region": row[region], "industry": row[industry], "year": row[year]},
            where=where,
        )
    wide = (
        sub.group_by(industry, year)
        .agg(pl.col(value).sum())
        .pivot(on=year, index=industry, values=value)
    )
    s, e = str(start), str(end)
    if s not in wide.columns or e not in wide.columns:
        raise words.error("opportunities.peers_missing_year", DataError)
    wide = wide.fill_null(0.0).filter(pl.col(s) > 0)
    rates = (wide[e] / wide[s]) ** (1.0 / (end - start)) - 1.0
    return dict(zip(wide[industry].cast(pl.String).to_list(), rates.to_list(), strict=True))


def peer_comparison(
    table: pl.DataFrame,
    city: str,
    peers: Sequence[str],
    *,
    region: str = "region",
    measures: Sequence[str] | None = None,
) -> pl.DataFrame:
    """The city against chosen peers: one row per measure, one column per region.

    Parameters
    ----------
    table : polars.DataFrame
        One row per region with numeric measure columns (e.g. the complexity ``regions``
        table joined with ``concentration_table`` for one year).
    city, peers : the focal region and the peers chosen by the user.
    measures : column names (default: every numeric column).

    Returns
    -------
    polars.DataFrame
        ``measure, <city>, <peer...>, peer_median, city_rank, n_ranked``: ``city_rank`` is
        the city's rank (1 = highest value) among the ``n_ranked`` regions, city and peers,
        that have a value for the measure. A region whose value is missing (null or NaN) is
        not ranked: a peer without a value is left out of the count, and when the city's
        own value is missing ``city_rank`` is null (unranked, never "first among peers").

    Examples
    --------
    >>> t = pl.DataFrame({"region": ["长沙", "北京", "上海", "深圳"],
    ...                   "eci": [0.5, 1.5, 1.2, 1.4], "hhi": [0.2, 0.1, 0.12, 0.3]})
    >>> peer_comparison(t, "长沙", ["北京", "上海", "深圳"]).rows()
    [('eci', 0.5, 1.5, 1.2, 1.4, 1.4, 4, 4), ('hhi', 0.2, 0.1, 0.12, 0.3, 0.12, 2, 4)]
    >>> t = t.with_columns(pl.Series("eci", [None, 1.5, None, 1.4]))
    >>> peer_comparison(t, "长沙", ["北京", "上海", "深圳"]).select(
    ...     "measure", "city_rank", "n_ranked").rows()
    [('eci', None, 2), ('hhi', 2, 4)]
    """
    regions = [city, *[p for p in peers if p != city]]
    if region not in table.columns:
        raise words.error("opportunities.missing_column", DataError, column=region)
    keyed = table.with_columns(pl.col(region).cast(pl.String))
    if keyed[region].is_duplicated().any():
        raise words.error("opportunities.region_twice", DataError)
    missing = [r for r in regions if r not in keyed[region].to_list()]
    if missing:
        raise words.error(
            "opportunities.regions_not_in_table", NotFoundError, regions=", ".join(missing)
        )
    if measures is None:
        measures = [c for c, t in keyed.schema.items() if c != region and t.is_numeric()]
    else:
        bad = [m for m in measures if m not in keyed.columns]
        if bad:
            raise words.error("opportunities.missing_measures", DataError, columns=", ".join(bad))
    sub = {r: keyed.filter(pl.col(region) == r).row(0, named=True) for r in regions}
    rows = []
    for m in measures:
        vals = [float(sub[r][m]) if sub[r][m] is not None else float("nan") for r in regions]
        peer_vals = np.array(vals[1:])
        median = float(np.nanmedian(peer_vals)) if np.isfinite(peer_vals).any() else None
        ranked = [v for v in vals if np.isfinite(v)]
        # every comparison with NaN is False, so a missing city value would count as first
        rank = int(1 + sum(v > vals[0] for v in ranked)) if np.isfinite(vals[0]) else None
        rows.append([m, *vals, median, rank, len(ranked)])
    schema = {
        "measure": pl.String,
        **{r: pl.Float64 for r in regions},
        "peer_median": pl.Float64,
        "city_rank": pl.Int64,
        "n_ranked": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")
