"""The board: every target of a plan evaluated at once over a Polars frame of observations.

The same rules as :func:`gaodi.analytics.progress.evaluate_target`, written as Polars
expressions so that the work per target is a few vectorised column operations (one join, one
window, one group-by) rather than a Python call. A target that cannot be evaluated gets
status ``no_data`` or ``invalid`` and a ``reason`` (the ``reason`` of the ``DataError`` the
scalar function raises), never NaN.
"""

from __future__ import annotations

import polars as pl

from gaodi.analytics.progress import DIRECTIONS, KINDS, StatusThresholds
from gaodi.core.errors import DataError, ValidationError
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
    "status": pl.String,  # green / yellow / red / no_data / invalid
    "reason": pl.String,
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


def _check(frame: pl.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValidationError(
            f"{what}缺少列：{', '.join(missing)}。", f"{what} lacks columns: {', '.join(missing)}."
        )


def _check_periods(frame: pl.DataFrame, columns: tuple[str, ...]) -> None:
    for column in columns:
        bad = frame.filter(~pl.col(column).str.contains(PERIOD_PATTERN))[column].unique()
        if len(bad):
            shown = ", ".join(map(str, bad.head(5).to_list()))
            raise ValidationError(
                f"列 {column} 中有无法识别的期间：{shown}。",
                f"Column {column} has unrecognised periods: {shown}.",
            )


def latest_observations(observations: pl.DataFrame) -> pl.DataFrame:
    """``series_id, month, value``: the latest revision of each series and month.

    Raises
    ------
    DataError
        Two different values for the same series, month and revision.
    """
    _check(observations, OBSERVATION_COLUMNS, "观测值表")
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
        raise DataError(
            "观测值中有同一期间最新版次的不同数值，或有空值/非有限数。",
            "Observations hold different values for one period at its latest revision, "
            "or null/non-finite values.",
        )
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
        (``baseline`` may be null; periods as text).
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
    _check(targets, TARGET_COLUMNS, "目标表")
    _check_periods(targets, ("start", "end"))
    bad = targets.filter(
        ~pl.col("kind").is_in(list(KINDS)) | ~pl.col("direction").is_in(list(DIRECTIONS))
    )
    if len(bad):
        raise ValidationError(
            f"目标 {bad['target_id'].head(5).to_list()} 的类型或方向无效。",
            f"Targets {bad['target_id'].head(5).to_list()} have an invalid kind or direction.",
        )
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

    # ---- formulas (see progress.evaluate_target)
    kind, direction, value, sign = (
        pl.col("kind"),
        pl.col("direction"),
        pl.col("value"),
        pl.col("sign"),
    )
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
    actual, base = pl.col("actual"), pl.col("used_baseline")
    has_b = base.is_not_null()
    step = value - base
    tau_m = pl.when(kind == "cumulative").then(pl.col("data_m")).otherwise(pl.col("eval_m"))
    board = board.with_columns(
        time_progress=((tau_m - pl.col("start_m") + 1) / pl.col("total")).clip(0.0, 1.0),
        reason=pl.when(actual.is_null())
        .then(pl.lit("no_data"))
        .when(is_lc & has_b & (step == 0))
        .then(pl.lit("target_equals_baseline"))
        .when(is_lc & has_b & (sign * step < 0))
        .then(pl.lit("target_wrong_side"))
        .when(
            (kind != "growth")
            & ~(is_lc & has_b)
            & ((kind == "cumulative") | (direction == "higher"))
            & (value <= 0)
        )
        .then(pl.lit("nonpositive_target"))
        .when(is_lc & ~has_b & (direction == "lower") & ((actual <= 0) | (value <= 0)))
        .then(pl.lit("nonpositive_values")),
        completion=pl.when(kind == "growth")
        .then(pl.when(sign * value > 0).then(actual / value))
        .when(is_lc & has_b)
        .then((actual - base) / step)
        .when((kind == "cumulative") | (direction == "higher"))
        .then(actual / value)
        .otherwise(value / actual),
        basis=pl.when((kind == "growth") | (is_lc & ~has_b))
        .then(pl.lit("direct"))
        .otherwise(pl.lit("schedule")),
    )
    tau, c = pl.col("time_progress"), pl.col("completion")
    board = board.with_columns(
        expected_completion=pl.when(pl.col("basis") == "direct")
        .then(1.0)
        .when((kind == "count") & has_b)
        .then((tau * step.abs() + 1e-9).floor() / step.abs())
        .otherwise(tau)
    )
    expected = pl.col("expected_completion")
    board = board.with_columns(
        ratio=pl.when((kind == "cumulative") & (direction == "lower"))
        .then(pl.when(c > 0).then(expected / c))
        .otherwise(pl.when(expected > 0).then(c / expected)),
        expected_value=pl.when(kind == "growth")
        .then(value)
        .when(kind == "cumulative")
        .then(expected * value)
        .when(has_b)
        .then(base + expected * step)
        .otherwise(value),
    )
    ratio = pl.col("ratio")
    shortfall = sign * (value - actual)
    board = board.with_columns(
        status=pl.when(pl.col("reason") == "no_data")
        .then(pl.lit("no_data"))
        .when(pl.col("reason").is_not_null())
        .then(pl.lit("invalid"))
        .when((kind == "growth") & c.is_null())
        .then(
            pl.when(shortfall <= 0)
            .then(pl.lit("green"))
            .when(shortfall <= thresholds.growth_yellow_max_shortfall_pp)
            .then(pl.lit("yellow"))
            .otherwise(pl.lit("red"))
        )
        .when(ratio.is_null())
        .then(pl.when(c >= 0).then(pl.lit("green")).otherwise(pl.lit("red")))
        .when(ratio >= thresholds.green_min_ratio)
        .then(pl.lit("green"))
        .when(ratio >= thresholds.yellow_min_ratio)
        .then(pl.lit("yellow"))
        .otherwise(pl.lit("red")),
        gap=sign * (pl.col("expected_value") - actual),
        stale=pl.col("data_m") < pl.col("eval_m"),
        actual_period=pl.format(
            "{}-{}",
            pl.col("data_m") // 12,
            (pl.col("data_m") % 12 + 1).cast(pl.String).str.zfill(2),
        ),
        baseline=base,
        baseline_inferred=is_lc & pl.col("baseline").is_null() & has_b,
    )
    ok = pl.col("reason").is_null()
    numeric = ["completion", "expected_completion", "expected_value", "gap", "ratio"]
    return (
        board.with_columns([pl.when(ok).then(pl.col(n)).alias(n) for n in numeric])
        .sort("_row")
        .select(list(BOARD_SCHEMA))
        .collect()
    )
