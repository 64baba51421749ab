"""The vectorised board: hand-computed rows, and agreement with the scalar engine."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaodi.analytics.progress import StatusThresholds, Target, evaluate_target
from gaodi.analytics.progress_board import evaluate_board, latest_observations
from gaodi.core.errors import DataError, ValidationError
from gaodi.core.periods import format_month

T = StatusThresholds("test", "2021-01-01")


def board(targets: list[dict[str, Any]], obs: list[tuple[str, str, float, int]], as_of: str):
    tf = pl.DataFrame(
        targets,
        schema={
            "target_id": pl.Int64,
            "series_id": pl.String,
            "kind": pl.String,
            "direction": pl.String,
            "value": pl.Float64,
            "baseline": pl.Float64,
            "start": pl.String,
            "end": pl.String,
        },
        orient="row",
    )
    of = pl.DataFrame(
        obs,
        schema={
            "series_id": pl.String,
            "period": pl.String,
            "value": pl.Float64,
            "revision": pl.Int64,
        },
        orient="row",
    )
    return evaluate_board(tf, of, as_of, T)


def row(
    tid: int,
    sid: str,
    kind: str,
    direction: str,
    value: float,
    baseline: float | None,
    start: str,
    end: str,
) -> dict[str, Any]:
    return {
        "target_id": tid,
        "series_id": sid,
        "kind": kind,
        "direction": direction,
        "value": value,
        "baseline": baseline,
        "start": start,
        "end": end,
    }


def test_hand_computed_board() -> None:
    targets = [
        # June 48 of 100: c 0.48, τ 0.5, r 0.96 -> yellow
        row(1, "output", "cumulative", "higher", 100, None, "2023", "2023"),
        # 1500 -> 2500 (2021–2023), 2000 at end-2022: a level with a baseline grows on the
        # compound path (Open SDG's CAGR ratio, below) -> red
        row(2, "materials", "level", "higher", 2500, 1500, "2021", "2023"),
        # growth 8: 7.4 -> 0.925 -> yellow, compared directly
        row(3, "va_growth", "growth", "higher", 8, None, "2023", "2023"),
        # parks 2 -> 5 (2021–2023), 3 parks as of 2022-06... evaluated here as of 2023-06:
        # τ = 30/36, floor(2.5) = 2 new parks expected, E = 2/3; 3 parks: c = 1/3 -> r 0.5 -> red
        row(4, "parks", "count", "higher", 5, 2, "2021", "2023"),
        # no observation at all
        row(5, "nothing", "cumulative", "higher", 10, None, "2023", "2023"),
        # target equal to baseline
        row(6, "materials", "level", "higher", 1500, 1500, "2021", "2023"),
        # same series as target 1, a later target: 2024 has not begun, so it is not yet due
        row(7, "output", "cumulative", "higher", 120, None, "2024", "2024"),
    ]
    obs = [
        ("output", "2023-06", 45.0, 0),
        ("output", "2023-06", 48.0, 1),  # revision wins
        ("materials", "2022", 2000.0, 0),
        ("va_growth", "2023-05", 7.4, 0),
        ("parks", "2021-12", 3.0, 0),
    ]
    # as of 2023-06 for all; target 3 takes May's 累计增速 (June not yet reported)
    b = board(targets, obs, "2023-06")
    assert b["target_id"].to_list() == [1, 2, 3, 4, 5, 6, 7]
    assert b["status"].to_list() == [
        "yellow",
        "red",
        "yellow",
        "red",
        "no_data",
        "invalid",
        "not_due",
    ]
    assert b["reason"].to_list()[4:] == ["no_data", "target_equals_baseline", "not_started"]
    r1 = b.row(0, named=True)
    assert (r1["actual"], r1["time_progress"], r1["gap"]) == (48.0, 0.5, pytest.approx(2.0))
    assert r1["ratio"] == pytest.approx(0.96)
    r2 = b.row(1, named=True)
    # as of 2023-06 the level target's τ = 30/36; c = 0.5; actual carried from 2022-12.
    # CAGR_o = (2000/1500)^(12/30) − 1 = 0.121955, CAGR_r = (2500/1500)^(1/3) − 1 = 0.185631,
    # r = 0.121955 / 0.185631 = 0.65698 -> red; expected 1500·(5/3)^(5/6) = 2297.4
    assert r2["time_progress"] == pytest.approx(30 / 36)
    assert r2["completion"] == pytest.approx(0.5) and r2["basis"] == "compound"
    assert r2["ratio"] == pytest.approx(((4 / 3) ** 0.4 - 1) / ((5 / 3) ** (1 / 3) - 1))
    assert r2["ratio"] == pytest.approx(0.65698, abs=1e-5)
    assert r2["expected_value"] == pytest.approx(1500 * (5 / 3) ** (5 / 6))
    assert r2["stale"] and r2["actual_period"] == "2022-12"
    r3 = b.row(2, named=True)
    assert (r3["basis"], r3["completion"]) == ("direct", pytest.approx(0.925))
    assert b.row(3, named=True)["expected_completion"] == pytest.approx(2 / 3)
    # invalid rows carry no numbers, never NaN
    assert b.row(5, named=True)["completion"] is None
    assert not any(b[c].is_nan().any() for c in ("completion", "ratio", "gap", "expected_value"))


def test_latest_observations_conflict_and_validation() -> None:
    with pytest.raises(DataError):
        latest_observations(
            pl.DataFrame({"series_id": ["a", "a"], "period": ["2023-01"] * 2, "value": [1.0, 2.0]})
        )
    # superseded conflict ignored, as in the scalar engine
    ok = latest_observations(
        pl.DataFrame(
            {
                "series_id": ["a"] * 3,
                "period": ["2023-01"] * 3,
                "value": [1.0, 2.0, 3.0],
                "revision": [0, 0, 1],
            }
        )
    )
    assert ok["value"].to_list() == [3.0]
    with pytest.raises(ValidationError) as err:
        latest_observations(
            pl.DataFrame({"series_id": ["a"], "period": ["2023-13"], "value": [1.0]})
        )
    assert "2023-13" in err.value.en
    with pytest.raises(ValidationError):
        latest_observations(pl.DataFrame({"series_id": ["a"], "value": [1.0]}))
    with pytest.raises(ValidationError):
        board([row(1, "a", "ratio", "higher", 1, None, "2023", "2023")], [], "2023-06")


# ----------------------------------------------------------------------------- agreement
KIND_DIR = [
    ("cumulative", "higher"),
    ("cumulative", "lower"),
    ("level", "higher"),
    ("level", "lower"),
    ("count", "higher"),
    ("count", "lower"),
    ("growth", "higher"),
    ("growth", "lower"),
]


def random_board(
    rng: np.random.Generator, n_targets: int
) -> tuple[list[dict[str, Any]], list[tuple[str, str, float, int]]]:
    targets, obs = [], []
    for i in range(n_targets):
        kind, direction = KIND_DIR[rng.integers(len(KIND_DIR))]
        start = int(rng.integers(2021, 2024))
        end = start + int(rng.integers(0, 3))
        sid = f"s{i // 2}"  # pairs of targets share a series
        value = float(
            rng.choice([rng.uniform(1, 200), rng.uniform(-10, 10), 0.0], p=[0.8, 0.15, 0.05])
        )
        baseline = None
        if kind in ("level", "count") and rng.random() < 0.6:
            baseline = float(rng.choice([rng.uniform(1, 200), value]))
        targets.append(row(i, sid, kind, direction, value, baseline, str(start), str(end)))
        if i % 2 == 0:
            for m in range(12 * 2020, 12 * 2025):
                if rng.random() < 0.35:
                    obs.append((sid, format_month(m), float(rng.uniform(-5, 150)), 0))
                    if rng.random() < 0.2:
                        obs.append((sid, format_month(m), float(rng.uniform(0, 150)), 1))
            if rng.random() < 0.3:  # an annual value
                obs.append((sid, str(int(rng.integers(2019, 2024))), float(rng.uniform(1, 150)), 0))
    # drop annual/December collisions (two period spellings of one month, refused by both)
    seen: dict[tuple[str, str], str] = {}
    clean = []
    for sid, period, value, rev in obs:
        month = period if len(period) == 7 else f"{period}-12"
        if seen.setdefault((sid, month), period) == period:
            clean.append((sid, period, value, rev))
    return targets, clean


def compare(
    targets: list[dict[str, Any]], obs: list[tuple[str, str, float, int]], as_of: str
) -> None:
    b = board(targets, obs, as_of)
    for t, got in zip(targets, b.iter_rows(named=True), strict=True):
        target = Target(t["value"], t["start"], t["end"], t["kind"], t["direction"], t["baseline"])
        series = [(p, v, r) for s, p, v, r in obs if s == t["series_id"]]
        try:
            want = evaluate_target(target, series, as_of, T)
        except DataError as exc:
            assert got["reason"] == exc.context["reason"], (t, got)
            want_status = {"no_data": "no_data", "not_started": "not_due"}
            assert got["status"] == want_status.get(exc.context["reason"], "invalid")
            continue
        assert got["status"] == want.status, (t, got, want)
        assert got["reason"] == want.reason
        assert json.loads(got["reason_params"]) == pytest.approx(want.reason_params)
        assert got["actual"] == pytest.approx(want.actual)
        assert got["actual_period"] == want.actual_period
        assert got["stale"] == want.stale
        assert got["basis"] == want.basis
        assert got["baseline_inferred"] == want.baseline_inferred
        assert got["time_progress"] == pytest.approx(want.time_progress)
        for name in (
            "completion",
            "ratio",
            "expected_completion",
            "expected_value",
            "gap",
            "baseline",
        ):
            w = getattr(want, name)
            if w is None:
                assert got[name] is None, (name, t, got, want)
            else:
                assert math.isclose(got[name], w, rel_tol=1e-9, abs_tol=1e-9), (name, t, got, want)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_board_agrees_with_scalar_engine(seed: int) -> None:
    rng = np.random.default_rng(seed)
    targets, obs = random_board(rng, 120)
    for as_of in ("2021-02", "2022-06", "2023-07", "2023-12", "2025-03"):
        compare(targets, obs, as_of)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(12 * 2020, 12 * 2025 + 5))
def test_board_agrees_with_scalar_engine_property(seed: int, as_of: int) -> None:
    targets, obs = random_board(np.random.default_rng(seed), 8)
    compare(targets, obs, format_month(as_of))
