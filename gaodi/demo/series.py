"""Synthetic monthly observations (示例) for the demo plan's indicators, 2021-01 .. 2023-12.

Each indicator follows a ``profile`` from city.yaml (ahead / on_track / lagging / behind) so the
board shows a believable mix. Conventions real statistics follow are kept: cumulative
indicators have no January value (1–2月 are published together); a few months are missing; a
few values are revised later (a new revision, the old one kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from gaodi.plans.inference import rule_file

PLAN_YEARS = (2021, 2022, 2023)
PROFILE_FACTOR = {"ahead": 1.07, "on_track": 1.01, "lagging": 0.955, "behind": 0.86}
# Share of the annual total produced in each month (industrial seasonality: a slow
# Spring-Festival February, a strong December). Sums to 1.
MONTH_SHARE = np.array(
    [0.062, 0.058, 0.082, 0.082, 0.083, 0.088, 0.080, 0.080, 0.086, 0.085, 0.089, 0.105]
)


@dataclass
class Obs:
    period: str
    value: float
    kind: str
    revision: int
    status: str
    submitted_at: datetime
    comment: str | None = None


def _submitted(period: str, rng: np.random.Generator, late_share: float = 0.08) -> datetime:
    year, _, month = period.partition("-")
    if month:
        y, m = int(year), int(month)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    else:
        y, m = int(year) + 1, 1
    day = int(rng.integers(1, 6)) if rng.random() > late_share else int(rng.integers(6, 20))
    return datetime(y, m, day, 10, 0) + timedelta(minutes=int(rng.integers(0, 480)))


def _finish(
    values: list[tuple[str, float, str]],
    rng: np.random.Generator,
    missing_share: float = 0.03,
    revise_share: float = 0.04,
) -> list[Obs]:
    out: list[Obs] = []
    last_period = values[-1][0] if values else ""
    integers = all(float(v).is_integer() for _, v, _ in values)
    for period, value, kind in values:
        if period != last_period and rng.random() < missing_share:
            continue  # not reported
        status = "approved" if period < "2023-11" else "submitted"
        out.append(Obs(period, round(float(value), 4), kind, 1, status, _submitted(period, rng)))
        if rng.random() < revise_share:
            corrected = value * (1 + rng.normal(0, 0.02))
            if integers:
                corrected = float(round(corrected))
            out.append(
                Obs(
                    period,
                    round(float(corrected), 4),
                    kind,
                    2,
                    status,
                    _submitted(period, rng) + timedelta(days=30),
                    comment="数据修订（示例）",
                )
            )
    return out


def counts_whole(spec: dict) -> bool:
    """Whether an indicator counts items, so its values are whole numbers: the unit is one the
    data-entry checks treat as a count (plausibility.yaml ``units.count``: 个, 家, 项 …; a
    fractional value there is refused), or the kind is ``count``."""
    units = rule_file("plausibility.yaml")["units"]["count"]
    return spec.get("kind") == "count" or spec.get("unit") in units


def indicator_series(spec: dict, seed: int, index: int) -> list[Obs]:
    """The observation rows of one indicator spec from city.yaml."""
    rng = np.random.default_rng([seed, 50, index])
    profile = spec.get("profile", "on_track")
    factor = PROFILE_FACTOR[profile]
    aggregation = spec.get("aggregation", "cumulative")
    kind = spec.get("kind", "level")
    frequency = spec.get("frequency", "monthly")
    targets = {t["year"]: t for t in spec["targets"]}
    base = float(spec["base"])
    integer = counts_whole(spec)
    rows: list[tuple[str, float, str]] = []

    if kind == "growth":
        # Cumulative year-on-year growth, %, published from February on.
        for year in PLAN_YEARS:
            goal = float(targets.get(year, targets[max(targets)])["value"])
            level = goal * factor + rng.normal(0, 0.3)
            for m in range(2, 13):
                wobble = rng.normal(0, 0.6) * (13 - m) / 11
                rows.append((f"{year}-{m:02d}", level + wobble, "yoy"))
        return _finish(rows, rng)

    if aggregation == "cumulative":
        # Within-year running totals against annual targets.
        for year in PLAN_YEARS:
            goal = float(targets.get(year, targets[max(targets)])["value"])
            annual = goal * factor * rng.normal(1.0, 0.01)
            shares = MONTH_SHARE * rng.normal(1.0, 0.05, size=12)
            cum = np.cumsum(shares / shares.sum()) * annual
            if integer:  # a running count of items (智能化改造项目数): whole, still rising
                cum = np.round(cum)
            for m in range(2, 13):
                rows.append((f"{year}-{m:02d}", float(cum[m - 1]), "cumulative"))
        return _finish(rows, rng)

    # Point-in-time (stocks and counts) against a multi-year target from a baseline.
    final_target = targets[max(targets)]
    goal = float(final_target["value"])
    direction = spec.get("direction", "higher")
    reach = (
        base + (goal - base) * factor
        if direction == "higher"
        else base - (base - goal) * (2 - factor)
    )
    if frequency == "yearly":
        periods = [str(y) for y in PLAN_YEARS]
        fractions = np.array([1, 2, 3]) / 3
    else:
        periods = [f"{y}-{m:02d}" for y in PLAN_YEARS for m in range(1, 13)]
        fractions = np.arange(1, 37) / 36
    curve = fractions ** rng.uniform(0.85, 1.25)
    last = base
    for period, frac in zip(periods, curve, strict=True):
        value = base + (reach - base) * frac + rng.normal(0, abs(reach - base) * 0.015)
        if integer:
            value = float(max(round(value), round(last) if direction == "higher" else 0))
        last = value
        rows.append((period, value, "current" if aggregation == "average" else "cumulative"))
    # Point values are levels: store them as kind "current" (the value of the period itself).
    rows = [(p, v, "current") for p, v, _ in rows]
    return _finish(rows, rng)
