"""The board: every target of a plan evaluated at once over a Polars frame of observations.

The same rules as :func:`gaodi.analytics.progress.evaluate_target`. Finding each target's
actual value among the observations (latest revisions, window sums, the baseline before the
window) is a few vectorised Polars operations (one join, one window, one group-by); the
judgement itself is one call per target of :func:`gaodi.analytics.progress_judge.judge`, in
exact arithmetic, so that the board and the scalar engine cannot disagree on a line. Every row
has a ``reason`` code: the judgement's (with its numbers as JSON in ``reason_params``) or, when
the target cannot be evaluated (status ``no_data`` or ``invalid``; ``not_due`` with reason
``not_started`` when its window begins after the as-of month), the ``reason`` of the
``DataError`` the scalar function raises; never NaN.
"""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from gaodi.analytics.progress import DIRECTIONS, KINDS, StatusThresholds, final_missing
from gaodi.analytics.progress_judge import judge
from gaodi.core import words
from gaodi.core.errors import DataError
from gaodi.core.periods import parse_period

TARGET_COLUMNS = (
    "target_id",
    "series_id",
    "kind",
    "direction",
    "value",
    "baseline",
    "start",
    "end",
)
OBSERVATION_COLUMNS = ("series_id", "period", "value")  # + optional "revision" (default 0)
PERIOD_PATTERN = r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"

BOARD_SCHEMA = {
    "target_id": None,  # the caller's dtype
    "status": pl.String,  # green / yellow / red / not_due / at_risk / no_data / invalid
    "reason": pl.String,  # a code (progress_judge.judge, or the DataError's reason)
    "actual": pl.Float64,
    "actual_period": pl.String,
    "stale": pl.Boolean,
    "time_progress": pl.Float64,
    "basis": pl.String,
    "baseline": pl.Float64,
    "baseline_inferred": pl.Boolean,
    "completion": pl.Float64,
    "expected_completion": pl.Float64,
    "expected_value": pl.Float64,
    "gap": pl.Float64,
    "ratio": pl.Float64,
    "reason_params": pl.String,  # JSON: the numbers behind the reason (progress_judge.judge)
}


def _month_exprs(column: str) -> tuple[pl.Expr, pl.Expr]:
    """(first month index, last month index) of ``YYYY`` / ``YYYY-Qn`` / ``YYYY-MM`` text."""
    text = pl.col(column)
    year = text.str.slice(0, 4).cast(pl.Int64)
    tail = text.str.slice(5)
    is_year = text.str.len_chars() == 4
    is_quarter = tail.str.starts_with("Q")
    quarter = tail.str.slice(1).cast(pl.Int64, strict=False)
    month = tail.cast(pl.Int64, strict=False)
    first = pl.when(is_year).then(1).when(is_quarter).then(3 * quarter - 2).otherwise(month)
    last = pl.when(is_year).then(12).when(is_quarter).then(3 * quarter).otherwise(month)
    return 12 * year + first - 1, 12 * year + last - 1


def _check(frame: pl.DataFrame, columns: tuple[str, ...], code: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise words.error(code, columns=", ".join(missing))


def _check_periods(frame: pl.DataFrame, columns: tuple[str, ...]) -> None:
    for column in columns:
        bad = frame.filter(~pl.col(column).str.contains(PERIOD_PATTERN))[column].unique()
        if len(bad):
            shown = ", ".join(map(str, bad.head(5).to_list()))
            raise words.error("progress.bad_periods", column=column, shown=shown)


def latest_observations(observations: pl.DataFrame) -> pl.DataFrame:
    """``series_id, month, value``: the latest revision of each series and month.

    Raises
    ------
    DataError
        Two different values for the same series, month and revision.
    """
    _check(observations, OBSERVATION_COLUMNS, "progress.observations_missing_columns")
    _check_periods(observations, ("period",))
    revision = pl.col("revision") if "revision" in observations.columns else pl.lit(0)
    latest = (
        observations.lazy()
        .select(
            "series_id",
            month=_month_exprs("period")[1],
            value=pl.col("value").cast(pl.Float64),
            revision=revision,
        )
        .filter(pl.col("revision") == pl.col("revision").max().over("series_id", "month"))
        .group_by("series_id", "month")
        .agg(pl.col("value").first(), low=pl.col("value").min(), high=pl.col("value").max())
        .collect()
    )
    if (latest["low"] != latest["high"]).any() or not latest["value"].is_finite().all():
        raise words.error("progress.conflicting_observations", DataError)
    return latest.drop("low", "high")


def evaluate_board(
    targets: pl.DataFrame,
    observations: pl.DataFrame,
    as_of: str,
    thresholds: StatusThresholds,
) -> pl.DataFrame:
    """Evaluate every target at once (same rules as ``evaluate_target``).

    Parameters
    ----------
    targets : pl.DataFrame
        ``target_id, series_id, kind, direction, value, baseline, start, end``
        (``baseline`` may be null; periods as text), and optionally ``path``
        (linear/compound) and ``milestone`` (bool), null meaning "by the rule file".
    observations : pl.DataFrame
        ``series_id, period, value`` and optionally ``revision``; several targets may share a
        series (e.g. a 2021 and a 2023 target on one indicator).
    as_of : str
        The board's month.

    Returns
    -------
    pl.DataFrame
        One row per target, columns of ``BOARD_SCHEMA``, in the targets' order.

    Examples
    --------
    >>> t = StatusThresholds("doc", "2021-01-01")
    >>> targets = pl.DataFrame({"target_id": [1], "series_id": ["x"], "kind": ["cumulative"],
    ...     "direction": ["higher"], "value": [100.0], "baseline": [None],
    ...     "start": ["2023"], "end": ["2023"]})
    >>> obs = pl.DataFrame({"series_id": ["x"], "period": ["2023-06"], "value": [48.0]})
    >>> evaluate_board(targets, obs, "2023-06", t).select("status", "ratio").row(0)
    ('yellow', 0.96)
    """
    _check(targets, TARGET_COLUMNS, "progress.targets_missing_columns")
    _check_periods(targets, ("start", "end"))
    bad = targets.filter(
        ~pl.col("kind").is_in(list(KINDS)) | ~pl.col("direction").is_in(list(DIRECTIONS))
    )
    if len(bad):
        raise words.error("progress.bad_target_kind", ids=bad["target_id"].head(5).to_list())
    as_of_month = parse_period(as_of).last_month
    latest = latest_observations(observations).lazy()
    first_m, _ = _month_exprs("start")
    _, end_m = _month_exprs("end")
    frame = (
        targets.lazy()
        .with_row_index("_row")
        .with_columns(
            pl.col("value").cast(pl.Float64),
            pl.col("baseline").cast(pl.Float64),
            # optional per-target overrides of the rule file (progress_judge.path_for/is_milestone)
            path=pl.col("path").cast(pl.String)
            if "path" in targets.columns
            else pl.lit(None, dtype=pl.String),
            milestone=pl.col("milestone").cast(pl.Boolean)
            if "milestone" in targets.columns
            else pl.lit(None, dtype=pl.Boolean),
            start_m=first_m,
            end_m=end_m,
        )
    )
    frame = frame.with_columns(
        eval_m=pl.min_horizontal("end_m", pl.lit(as_of_month)),
        total=pl.col("end_m") - pl.col("start_m") + 1,
        sign=pl.when(pl.col("direction") == "higher").then(1.0).otherwise(-1.0),
    )

    # ---- actual values: one join, one window, one group-by
    month, year = pl.col("month"), pl.col("month") // 12
    in_window = month >= pl.col("start_m")
    in_eval_year = in_window & (year == pl.col("eval_m") // 12)
    year_last = month == month.max().over("target_id", year)
    joined = (
        frame.select("target_id", "series_id", "start_m", "eval_m")
        .join(latest, on="series_id", how="inner")
        .filter(month <= pl.col("eval_m"))
        .sort("target_id", "month")
    )
    actuals = joined.group_by("target_id").agg(
        point_value=pl.col("value").last(),
        point_month=month.last(),
        before_value=pl.col("value").filter(month < pl.col("start_m")).last(),
        sum_value=pl.col("value").filter(year_last & in_window).sum(),
        sum_month=month.filter(in_window).max(),
        growth_value=pl.col("value").filter(in_eval_year).last(),
        growth_month=month.filter(in_eval_year).max(),
    )
    board = frame.join(actuals, on="target_id", how="left")

    # ---- which actual and how much of the window is gone (see progress.evaluate_target)
    kind, value, sign = pl.col("kind"), pl.col("value"), pl.col("sign")
    is_lc = kind.is_in(["level", "count"])
    board = board.with_columns(
        actual=pl.when(kind == "cumulative")
        .then(pl.when(pl.col("sum_month").is_not_null()).then(pl.col("sum_value")))
        .when(kind == "growth")
        .then(pl.col("growth_value"))
        .otherwise(pl.col("point_value")),
        data_m=pl.when(kind == "cumulative")
        .then(pl.col("sum_month"))
        .when(kind == "growth")
        .then(pl.col("growth_month"))
        .otherwise(pl.col("point_month")),
        used_baseline=pl.when(is_lc & pl.col("baseline").is_not_null())
        .then(pl.col("baseline"))
        .when(is_lc & pl.col("baseline").is_null() & (sign * (value - pl.col("before_value")) > 0))
        .then(pl.col("before_value")),
    )
    # τ at the data's month for a running total while the window is open; the whole window
    # once it ended before the as-of month (progress.evaluate_target, note 4)
    ended = pl.col("end_m") < as_of_month
    tau_m = (
        pl.when((kind == "cumulative") & ~ended).then(pl.col("data_m")).otherwise(pl.col("eval_m"))
    )
    board = board.with_columns(
        elapsed=(tau_m - pl.col("start_m") + 1).clip(0, pl.col("total")),
        gap_sign=sign,
        stale=pl.col("data_m") < pl.col("eval_m"),
        actual_period=pl.format(
            "{}-{}",
            pl.col("data_m") // 12,
            (pl.col("data_m") % 12 + 1).cast(pl.String).str.zfill(2),
        ),
        baseline_inferred=is_lc
        & pl.col("baseline").is_null()
        & pl.col("used_baseline").is_not_null(),
        ended=ended,
        not_started=pl.col("start_m") > as_of_month,
        end_period=pl.format(
            "{}-{}",
            pl.col("end_m") // 12,
            (pl.col("end_m") % 12 + 1).cast(pl.String).str.zfill(2),
        ),
        start_period=pl.format(
            "{}-{}",
            pl.col("start_m") // 12,
            (pl.col("start_m") % 12 + 1).cast(pl.String).str.zfill(2),
        ),
    )
    columns = ["target_id", "kind", "direction", "value", "used_baseline", "actual"]
    columns += ["elapsed", "total", "path", "milestone", "stale", "actual_period"]
    columns += ["baseline_inferred", "ended", "not_started", "end_period", "start_period"]
    frame_rows = board.sort("_row").select(columns).collect().iter_rows(named=True)

    # ---- the judgement: one exact-arithmetic call per target (progress_judge.judge)
    out: dict[str, list[Any]] = {name: [] for name in BOARD_SCHEMA}
    for r in frame_rows:
        out["target_id"].append(r["target_id"])
        # a window that has not begun is not due, whatever was reported before it
        has_data = r["actual"] is not None and not r["not_started"]
        out["actual"].append(r["actual"] if has_data else None)
        out["actual_period"].append(r["actual_period"] if has_data else None)
        out["stale"].append(r["stale"] if has_data else None)
        out["baseline"].append(r["used_baseline"])
        out["baseline_inferred"].append(r["baseline_inferred"])
        tau = r["elapsed"] / r["total"] if has_data else None
        out["time_progress"].append(tau)
        j, reason, status = None, None, None
        if r["not_started"]:
            reason, status = "not_started", "not_due"
        elif not has_data:
            reason, status = "no_data", "no_data"
        else:
            try:
                j = judge(
                    kind=r["kind"],
                    direction=r["direction"],
                    value=r["value"],
                    baseline=r["used_baseline"],
                    actual=r["actual"],
                    elapsed=r["elapsed"],
                    total=r["total"],
                    thresholds=thresholds,
                    path=r["path"],
                    milestone=r["milestone"],
                )
                reason, status = j.reason, j.status
            except DataError as exc:
                reason, status = str(exc.context.get("reason") or "invalid"), "invalid"
        out["status"].append(status)
        out["reason"].append(reason)
        params = j.params if j is not None else {}
        if r["not_started"]:
            params = {"window_start": r["start_period"]}
        if j is not None:
            params = final_missing(
                params, r["ended"], r["stale"], r["actual_period"], r["end_period"]
            )
        out["reason_params"].append(json.dumps(params, ensure_ascii=False, sort_keys=True))
        out["basis"].append(j.basis if j is not None else None)
        out["completion"].append(j.completion if j is not None else None)
        out["expected_completion"].append(j.expected_completion if j is not None else None)
        out["expected_value"].append(j.expected_value if j is not None else None)
        out["ratio"].append(j.ratio if j is not None else None)
        gap = None
        if j is not None:
            gap = (1.0 if r["direction"] == "higher" else -1.0) * (j.expected_value - r["actual"])
        out["gap"].append(gap)
    schema: dict[str, Any] = dict(BOARD_SCHEMA)
    schema["target_id"] = targets.schema["target_id"]
    return pl.DataFrame(out, schema=schema)
