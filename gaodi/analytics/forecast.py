"""Will the target be met? Monthly series transforms, trend forecasts, the Open SDG measure.

Pure functions (numpy only): running totals to current values and year-on-year growth;
linear and compound (log-linear) trend forecasts to a deadline, with month effects when two
years of monthly data exist, a bootstrap prediction interval and the probability of meeting
the target; and the Open SDG comparison of observed with required compound growth.
Formulas and sources: ``docs/methods/progress.md``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np

from gaodi.analytics.progress import Direction, Status, StatusThresholds, exact
from gaodi.analytics.progress_judge import compound_ratio
from gaodi.core import words
from gaodi.core.errors import DataError
from gaodi.core.periods import format_month, month_of, parse_period

Method = Literal["linear", "compound"]


# --------------------------------------------------------------------------- cumulative series
@dataclass(frozen=True)
class CurrentValue:
    """A current-period value derived from running totals; ``months`` it covers (2 for 1–2月)."""

    period: str
    value: float
    months: int


def _monthly(series: Mapping[str, float]) -> dict[int, float]:
    out: dict[int, float] = {}
    for period, value in series.items():
        p = parse_period(period)
        if p.freq != "M":
            raise words.error("forecast.not_a_month", period=period, period_repr=repr(period))
        out[p.last_month] = float(value)
    return dict(sorted(out.items()))


def current_from_cumulative(series: Mapping[str, float]) -> list[CurrentValue]:
    """Monthly current values from within-year running totals (累计值 → 当月值).

    Notes
    -----
    ``x_m = C_m − C_{m'}`` with ``m'`` the previous reported month of the same year, and
    ``x_m = C_m`` for the first reported month, which then covers months 1..m (February's
    first report covers 1–2月 combined; ``months`` = 2). A gap inside the year makes the next
    value cover the missing months too.

    References
    ----------
    Statistical practice of monthly releases: running totals (累计值) and their growth on the
    same period of the previous year (累计增长), with January–February reported together
    (Gaodi reference notes, 序时进度 convention, facts.md §6).

    Examples
    --------
    >>> [(c.period, c.value, c.months) for c in current_from_cumulative(
    ...     {"2023-02": 15.0, "2023-03": 24.0, "2023-05": 41.0})]
    [('2023-02', 15.0, 2), ('2023-03', 9.0, 1), ('2023-05', 17.0, 2)]
    """
    out: list[CurrentValue] = []
    previous: tuple[int, int, float] | None = None  # (year, month index, running total)
    for m, total in _monthly(series).items():
        year, month = month_of(m)
        if previous is None or previous[0] != year:
            out.append(CurrentValue(format_month(m), total, month))
        else:
            out.append(CurrentValue(format_month(m), total - previous[2], m - previous[1]))
        previous = (year, m, total)
    return out


def yoy_from_cumulative(series: Mapping[str, float]) -> dict[str, float]:
    """Year-on-year growth (%) of running totals: same month last year (累计同比).

    Notes
    -----
    ``g_m = 100 · (C_m / C_{m−12} − 1)``; months without the same month a year earlier are
    left out (never filled). With 1–2月 combined, February compares with February.

    Raises
    ------
    DataError
        A non-positive running total a year earlier.

    References
    ----------
    Statistical practice of monthly releases: running totals (累计值) and their growth on the
    same period of the previous year (累计增长), with January–February reported together
    (Gaodi reference notes, 序时进度 convention, facts.md §6).

    Examples
    --------
    >>> g = yoy_from_cumulative({"2022-06": 50.0, "2023-05": 40.0, "2023-06": 54.0})
    >>> {k: round(v, 6) for k, v in g.items()}   # 100 * (54 / 50 - 1)
    {'2023-06': 8.0}
    """
    monthly = _monthly(series)
    out: dict[str, float] = {}
    for m, total in monthly.items():
        base = monthly.get(m - 12)
        if base is None:
            continue
        if base <= 0:
            raise words.error("forecast.nonpositive_base", DataError, month=format_month(m - 12))
        out[format_month(m)] = 100.0 * (total / base - 1.0)
    return out


# --------------------------------------------------------------------------- Open SDG measure
SdgCategory = Literal[
    "target_achieved", "on_track", "moderate_progress", "limited_progress", "deterioration"
]


@dataclass(frozen=True)
class SdgProgress:
    """Open SDG progress measure: observed vs required compound annual growth."""

    observed_cagr: float
    required_cagr: float
    ratio: float
    category: SdgCategory
    status: Status


def cagr(start_value: float, end_value: float, years: float) -> float:
    """Compound annual growth rate ``(y₁ / y₀)^(1/t) − 1``.

    References
    ----------
    Open SDG progress methodology (growth_calculation in sdg-build ``ProgressMeasure.py``).

    Examples
    --------
    >>> round(cagr(100, 121, 2), 6)
    0.1
    """
    if years <= 0:
        raise words.error("forecast.cagr_needs_two_points", DataError)
    if start_value == 0 or start_value * end_value <= 0:
        raise words.error("forecast.cagr_sign", DataError, context={"reason": "nonpositive_values"})
    return float((end_value / start_value) ** (1.0 / years) - 1.0)


def sdg_progress(
    baseline: float,
    baseline_period: str,
    current: float,
    current_period: str,
    target: float,
    target_period: str,
    direction: Direction,
    thresholds: StatusThresholds,
) -> SdgProgress:
    """Open SDG-style progress: ratio of observed to required compound annual growth.

    Notes
    -----
    ``CAGR_o = (y_i / y_0)^(1/(t_i − t_0)) − 1``, ``CAGR_r = (y_T / y_0)^(1/(t_T − t_0)) − 1``,
    ``R = s·d·CAGR_o / |CAGR_r|`` with ``d`` = +1 (higher) or −1 (lower) and ``s`` = −1 when
    the values are negative. Times are the periods' last months in years (a monthly current
    value counts fractional years). Categories: target achieved when ``d·(y_i − y_T) ≥ 0``;
    else on track ``R ≥ 0.95``, moderate progress ``0.6 ≤ R < 0.95``, limited progress
    ``0 ≤ R < 0.6``, deterioration ``R < 0`` (thresholds from the rule file). Unlike Open SDG,
    which replaces a zero base by 0.001, a zero base is refused. ``R`` is the board's
    (:func:`gaodi.analytics.progress_judge.compound_ratio`: roots in 40-digit decimals, rounded
    to 12 places) and is compared with the lines exactly, so a ratio on a line takes the
    better category, as on the board.

    References
    ----------
    Open SDG, "Progress Measurement Methodology for the Sustainable Development Goals",
    https://open-sdg.readthedocs.io/en/latest/progress-methodology/ (Statistics Canada's
    method, after Eurostat); reference code ``sdg/ProgressMeasure.py`` in
    https://github.com/open-sdg/sdg-build.

    Examples
    --------
    >>> t = StatusThresholds("doc", "2021-01-01")
    >>> p = sdg_progress(100, "2020", 110.25, "2022", 133.1, "2023", "higher", t)
    >>> round(p.observed_cagr, 4), round(p.required_cagr, 4), round(p.ratio, 4), p.category
    (0.05, 0.1, 0.5, 'limited_progress')
    """
    t0 = parse_period(baseline_period).last_month
    years_obs = (parse_period(current_period).last_month - t0) / 12.0
    years_req = (parse_period(target_period).last_month - t0) / 12.0
    if target == baseline:
        raise words.error(
            "forecast.target_equals_baseline",
            DataError,
            context={"reason": "target_equals_baseline"},
        )
    cagr(baseline, current, years_obs)  # refuses one point in time and a change of sign
    cagr(baseline, target, years_req)
    # the board's exact computation (decimal roots, R rounded to 12 places), so the two agree
    # at a line: 9.5 % a year where 10 % is required is R = 0.95 exactly, on track
    r, observed, required = compound_ratio(
        current,
        baseline,
        target,
        parse_period(current_period).last_month - t0,
        parse_period(target_period).last_month - t0,
        direction,
    )
    ratio = -r if baseline < 0 else r
    d = 1 if direction == "higher" else -1
    category: SdgCategory
    if d * (exact(current) - exact(target)) >= 0:
        category = "target_achieved"
    elif ratio >= exact(thresholds.sdg_on_track_min_ratio):
        category = "on_track"
    elif ratio >= exact(thresholds.sdg_moderate_min_ratio):
        category = "moderate_progress"
    elif ratio >= exact(thresholds.sdg_limited_min_ratio):
        category = "limited_progress"
    else:
        category = "deterioration"
    shown = float(max(-_FLOAT_MAX, min(_FLOAT_MAX, ratio)))  # a ratio beyond any float
    return SdgProgress(observed, required, shown, category, thresholds.sdg_color(category))


_FLOAT_MAX = Fraction(sys.float_info.max)


# --------------------------------------------------------------------------- forecasts
@dataclass(frozen=True)
class Forecast:
    """Forecast at the deadline, its prediction interval and the chance of meeting the target.

    ``probability`` is None when no target was given or the data cannot measure uncertainty
    (fewer observations than parameters + 1); ``note`` then says why.
    """

    point: float
    lower: float
    upper: float
    probability: float | None
    method: str
    n_obs: int
    horizon: str
    level: float
    note: str = ""


def _by_month(series: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
    if not series:
        raise words.error("forecast.no_data", DataError, context={"reason": "no_data"})
    pairs = sorted((parse_period(p).last_month, float(v)) for p, v in series.items())
    months = np.array([m for m, _ in pairs], dtype=np.int64)
    values = np.array([v for _, v in pairs], dtype=float)
    if len(np.unique(months)) < len(months):
        raise words.error("forecast.same_month")
    if not np.all(np.isfinite(values)):
        raise words.error("forecast.not_finite", DataError)
    return months, values


def _design(months: np.ndarray, origin: int, seasons: tuple[int, ...]) -> np.ndarray:
    """Columns: intercept, time in years, one dummy per observed calendar month but the first."""
    t = (months - origin) / 12.0
    columns = [np.ones_like(t), t]
    calendar = months % 12
    columns += [(calendar == s).astype(float) for s in seasons[1:]]
    return np.column_stack(columns)


def _forecast(
    months: np.ndarray,
    values: np.ndarray,
    horizon: np.ndarray,
    known: float,
    target: float | None,
    direction: Direction,
    method: Method,
    seasonal: bool | None,
    level: float,
    n_boot: int,
    seed: int,
) -> Forecast:
    """Forecast ``known + Σ y_h`` over the horizon months (one month: a level forecast)."""
    if method not in ("linear", "compound"):
        raise words.error("forecast.unknown_method", method=method, method_repr=repr(method))
    if not 0 < level < 1:
        raise words.error("forecast.bad_level")
    n, label = len(values), str(method)
    tag = format_month(int(horizon[-1]))
    if n == 1:
        point = known + values[0] * len(horizon)
        return Forecast(
            point,
            point,
            point,
            None,
            "last_value",
            1,
            tag,
            level,
            words.say("forecast.note_one_observation", "en"),
        )
    y = values
    if method == "compound":
        if np.any(values <= 0):
            raise words.error(
                "forecast.compound_needs_positive",
                DataError,
                context={"reason": "nonpositive_values"},
            )
        y = np.log(values)
    notes: list[str] = []
    seasons: tuple[int, ...] = ()
    want = n >= 24 if seasonal is None else seasonal
    if want:
        observed = tuple(sorted({int(m) for m in months % 12}))
        ok = set(int(m) for m in horizon % 12) <= set(observed) and n > len(observed) + 1
        if ok:
            seasons, label = observed, label + "+seasonal"
        elif seasonal:
            raise words.error("forecast.no_month_effects")
        else:
            notes.append(words.say("forecast.note_month_effects_dropped", "en"))
    origin = int(months[0])
    x = _design(months, origin, seasons)
    x_h = _design(horizon, origin, seasons)
    pinv = np.linalg.pinv(x)
    beta = pinv @ y
    fitted = x @ beta
    back = np.exp if method == "compound" else (lambda a: a)
    point = float(known + np.sum(back(x_h @ beta)))
    dof = n - x.shape[1]
    if dof < 1:
        notes.append(words.say("forecast.note_exact_fit", "en"))
        return Forecast(point, point, point, None, label, n, tag, level, " ".join(notes))
    resid = y - fitted
    if _vanishing(resid, y):
        # the data lie on the trend: every replicate would be the point give or take the
        # solver's rounding (~1e-15), and that noise alone would decide a target the series
        # meets exactly (a flat series on its cap read 0 %); the outcome is certain
        point = _without_noise(point, values, known)
        probability = None if target is None else float(_meets(point, target, direction))
        return Forecast(point, point, point, probability, label, n, tag, level, " ".join(notes))
    resid = (resid - resid.mean()) * np.sqrt(n / dof)
    rng = np.random.default_rng(seed)
    y_star = fitted[:, None] + resid[rng.integers(0, n, size=(n, n_boot))]
    paths = x_h @ (pinv @ y_star) + resid[rng.integers(0, n, size=(len(horizon), n_boot))]
    sims = known + back(paths).sum(axis=0)
    lower, upper = np.quantile(sims, [(1 - level) / 2, (1 + level) / 2])
    probability = None
    if target is not None:
        hit = sims >= target if direction == "higher" else sims <= target
        probability = float(np.mean(hit))
    return Forecast(
        point,
        float(min(lower, point)),
        float(max(upper, point)),
        probability,
        label,
        n,
        tag,
        level,
        " ".join(notes),
    )


#: Residuals below this share of the data's size are the solver's rounding, not variation: a
#: stored float carries about 16 significant digits, the least-squares solve loses a few.
EXACT_FIT_TOLERANCE = 1e-10


def _vanishing(resid: np.ndarray, y: np.ndarray) -> bool:
    """True when the residuals are rounding noise only (the series fits its trend exactly)."""
    return bool(np.max(np.abs(resid)) <= EXACT_FIT_TOLERANCE * float(np.max(np.abs(y))))


def _without_noise(point: float, values: np.ndarray, known: float) -> float:
    """``point`` rounded to 12 significant digits of the data's size: what an exact fit
    forecasts once the solver's rounding is dropped (10 + 2·11 is 32, not 32.000000000000007)."""
    scale = max(abs(point), abs(known), float(np.max(np.abs(values))))
    if scale == 0:
        return point
    return round(point, 11 - math.floor(math.log10(scale)))


def _meets(point: float, target: float, direction: Direction) -> bool:
    """The target met, compared exactly as entered (shortest reprs, as the board does)."""
    if direction == "higher":
        return exact(point) >= exact(target)
    return exact(point) <= exact(target)


def forecast_series(
    series: Mapping[str, float],
    deadline: str,
    *,
    target: float | None = None,
    direction: Direction = "higher",
    method: Method = "linear",
    seasonal: bool | None = None,
    level: float = 0.9,
    n_boot: int = 2000,
    seed: int = 0,
) -> Forecast:
    """Forecast a level (point-in-time) series at the deadline's last month.

    Parameters
    ----------
    series : mapping of period to value
        Latest revisions; annual values sit at December, quarterly at the quarter's end.
    deadline : str
        ``YYYY`` / ``YYYY-Qn`` / ``YYYY-MM``; must lie after the last observation.
    method : {"linear", "compound"}
        Linear trend ``y = a + b·t``, or compound trend ``log y = a + b·t``.
    seasonal : bool or None
        Month effects; None adds them when there are at least 24 monthly observations.

    Notes
    -----
    Least squares on ``[1, t, D_2 … D_k]`` (``t`` in years, ``D`` dummies for the observed
    calendar months but the first). Residual bootstrap: residuals are centred and inflated
    by ``√(n/(n−p))``; each of ``n_boot`` replicates refits the model on fitted + resampled
    residuals and adds one resampled residual at the horizon. The interval is the replicates'
    ``(1 ± level)/2`` quantiles (widened to contain the point); the probability is the share of
    replicates meeting the target (``≥`` for higher-is-better, ``≤`` for lower). Compound trends
    are simulated in logs and exponentiated (the point is the median). With one observation
    the value is carried forward; with no residual degrees of freedom there is no interval.
    When the series fits its trend exactly (residuals below ``1e-10`` of the data's size, the
    solver's rounding) the outcome is certain: the interval is the point, the point is rounded
    to 12 significant digits, and the probability is 1 or 0 by comparing it with the target
    exactly (a flat series sitting on its cap meets it).
    Seeded: the same ``seed`` gives the same numbers.

    References
    ----------
    Hyndman, R.J. & Athanasopoulos, G. (2021) *Forecasting: principles and practice*, 3rd ed.,
    §7.4 (trend and seasonal dummy predictors) and §5.5 (bootstrapped prediction intervals),
    https://otexts.com/fpp3/. Davison, A.C. & Hinkley, D.V. (1997) *Bootstrap Methods and
    their Application*, ch. 6 (model-based resampling in linear regression).

    Examples
    --------
    >>> f = forecast_series({"2023-01": 10, "2023-02": 12, "2023-03": 14, "2023-04": 16},
    ...                     "2023-12", target=30)
    >>> round(f.point, 6), f.probability, f.method          # 10 + 2·11
    (32.0, 1.0, 'linear')
    """
    months, values = _by_month(series)
    horizon = parse_period(deadline).last_month
    if horizon <= months[-1]:
        raise words.error("forecast.deadline_observed", deadline=deadline)
    return _forecast(
        months,
        values,
        np.array([horizon]),
        0.0,
        target,
        direction,
        method,
        seasonal,
        level,
        n_boot,
        seed,
    )


def forecast_total(
    running_totals: Mapping[str, float],
    start: str,
    end: str,
    *,
    target: float | None = None,
    direction: Direction = "higher",
    method: Method = "linear",
    seasonal: bool | None = None,
    level: float = 0.9,
    n_boot: int = 2000,
    seed: int = 0,
) -> Forecast:
    """Forecast a cumulative target's total over whole years ``[start, end]``.

    Notes
    -----
    Running totals become monthly current values (:func:`current_from_cumulative`); a value
    covering several months (1–2月 combined, or a gap) is spread evenly over them for the
    model. The total is what is already reported in the window (each year's latest running
    total) plus the forecast current values of the remaining months, each with its own
    resampled residual in the bootstrap (see :func:`forecast_series`).

    References
    ----------
    As :func:`forecast_series` (Hyndman & Athanasopoulos 2021; Davison & Hinkley 1997).

    Examples
    --------
    >>> totals = {f"2023-{m:02d}": 10.0 * m for m in range(2, 7)}   # 1–2月 20, then +10 a month
    >>> f = forecast_total(totals, "2023", "2023", target=100)
    >>> round(f.point, 6), f.probability                          # 60 + 6 months × 10
    (120.0, 1.0)
    """
    window = parse_period(start), parse_period(end)
    if window[0].freq != "Y" or window[1].freq != "Y":
        raise words.error("forecast.window_not_years")
    first, last = window[0].first_month, window[1].last_month
    months_list: list[int] = []
    values_list: list[float] = []
    for cv in current_from_cumulative(running_totals):
        m = parse_period(cv.period).last_month
        for k in range(cv.months - 1, -1, -1):
            months_list.append(m - k)
            values_list.append(cv.value / cv.months)
    if not months_list:
        raise words.error("forecast.no_data", DataError, context={"reason": "no_data"})
    latest = max(months_list)
    if latest >= last:
        raise words.error("forecast.window_observed", start=start, end=end)
    totals = _monthly(running_totals)
    year_last: dict[int, int] = {}
    for m in totals:
        if m >= first:
            year_last[month_of(m)[0]] = m  # months ascend: the last one wins
    known = float(sum(totals[m] for m in year_last.values()))
    horizon = np.arange(max(latest + 1, first), last + 1)
    return _forecast(
        np.array(months_list),
        np.array(values_list),
        horizon,
        known,
        target,
        direction,
        method,
        seasonal,
        level,
        n_boot,
        seed,
    )
