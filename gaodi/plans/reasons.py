"""The reason for a target's light, in words (zh/en), from the engine's code and numbers.

The progress engine (:mod:`gaodi.analytics.progress_judge`) returns a reason code and the
numbers behind it; this module words them, once, for the CLI, the JSON API, the pages and the
reports. A ratio is shown with two decimals unless two decimals would put it on the wrong side
of a line (0.8999 is shown as 0.8999, not 0.90, when it is below the 0.90 line).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from gaodi.analytics.progress import exact

Params = Mapping[str, float | int | str | None]


#: Significant digits a stored float is taken to mean: what lies beyond is the noise of float
#: arithmetic (a fitted count of 158.99999999999994 is 159), never a difference to show.
MEANT_DIGITS = 12


def _meant(value: float) -> Decimal:
    """``value`` rounded to :data:`MEANT_DIGITS` significant digits."""
    d = Decimal(repr(value))
    if d == 0:
        return Decimal(0)
    return round(d, MEANT_DIGITS - 1 - d.adjusted())


def num(value: float | int | None, *against: float | int | None) -> str:
    """A value with four significant digits (whole numbers as they are), thousands separated;
    with more when four would show it equal to, or on the other side of, a value of
    ``against`` that it differs from (a forecast of 0.36453 against a target of 0.36 reads
    0.3645, never 0.36).

    Examples
    --------
    >>> num(4242.9818), num(22.403), num(0.3721), num(1.0), num(None)
    ('4,243', '22.4', '0.3721', '1', '—')
    >>> num(158.99999999999994), num(100.004, 100), num(0.36001, 0.36), num(0.3599, 0.36)
    ('159', '100.004', '0.36001', '0.3599')
    """
    if value is None:
        return "—"
    v = float(value)
    if not math.isfinite(v):
        return "—"
    meant = _meant(v)
    if meant == meant.to_integral_value():
        return f"{int(meant):,}"
    refs = [_meant(float(r)) for r in against if r is not None and math.isfinite(float(r))]
    for digits in range(4, MEANT_DIGITS + 1):
        places = max(0, digits - 1 - meant.adjusted())
        shown = round(meant, places)
        if all((shown > r) == (meant > r) and (shown == r) == (meant == r) for r in refs):
            break
    text = f"{shown:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


#: The figures of a target's row, in its indicator's unit: each is shown against the others.
FIGURES = (
    "actual",
    "target",
    "baseline",
    "expected_value",
    "forecast",
    "forecast_lower",
    "forecast_upper",
)


def figure_texts(values: Mapping[str, object]) -> dict[str, str]:
    """The figures of a target's row (:data:`FIGURES`) as the board shows them, in its cells
    and its reason alike: each with four significant digits, or more where fewer would show
    it equal to, or on the other side of, another figure of the row that differs from it.

    Examples
    --------
    >>> t = figure_texts({"actual": 0.3721, "target": 0.36, "forecast": 0.36453,
    ...     "forecast_lower": 0.36121926, "forecast_upper": 0.36763075})
    >>> t["target"], t["actual"], t["forecast"], t["forecast_lower"], t["forecast_upper"]
    ('0.36', '0.3721', '0.3645', '0.3612', '0.3676')
    """
    found: dict[str, float] = {}
    for name in FIGURES:
        v = values.get(name)
        if isinstance(v, int | float) and math.isfinite(float(v)):
            found[name] = float(v)
    return {
        name: num(v, *(other for key, other in found.items() if key != name))
        for name, v in found.items()
    }


def pct(value: float | int | None) -> str:
    """A share as a percentage with one decimal (0.8333 → 83.3%)."""
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def ratio_text(ratio: float, lines: tuple[float, ...]) -> str:
    """The ratio with two decimals, or more when two would misplace it against a line.

    Examples
    --------
    >>> ratio_text(0.9, (1.0, 0.9)), ratio_text(0.8999, (1.0, 0.9)), ratio_text(0.96, (1.0, 0.9))
    ('0.90', '0.8999', '0.96')
    """
    exact_ratio = exact(ratio)
    exact_lines = [exact(line) for line in lines]  # once, not once per place tried
    for places in range(2, 9):
        shown = Fraction(round(exact_ratio, places))
        if all(
            (shown > line) == (exact_ratio > line) and (shown == line) == (exact_ratio == line)
            for line in exact_lines
        ):
            return f"{float(shown):.{places}f}"
    return repr(ratio)


def _line(status: str, p: Params) -> tuple[str, str]:
    """Which line the ratio reached (both lines inclusive)."""
    g, y = float(p.get("green_line") or 1.0), float(p.get("yellow_line") or 0.9)
    r = p.get("ratio")
    at = r is not None and exact(float(r))
    gt, yt = f"{g:.2f}", f"{y:.2f}"
    if status == "green":
        if at == exact(g):
            return f"恰在绿灯线 {gt}", f"at the {gt} green line"
        return f"达到绿灯线 {gt}", f"above the {gt} green line"
    if status == "yellow":
        if at == exact(y):
            return (
                f"低于绿灯线 {gt}，恰在黄灯线 {yt}",
                f"below the {gt} green line, at the {yt} yellow line",
            )
        return (
            f"低于绿灯线 {gt}，高于黄灯线 {yt}",
            f"below the {gt} green line, above the {yt} yellow line",
        )
    return f"低于黄灯线 {yt}", f"below the {yt} yellow line"


def _r(p: Params) -> str:
    g, y = float(p.get("green_line") or 1.0), float(p.get("yellow_line") or 0.9)
    r = p.get("ratio")
    return "—" if r is None else ratio_text(float(r), (g, y))


def explain(
    status: str,
    code: str | None,
    params: Params | None = None,
    *,
    as_of: str | None = None,
    figures: Mapping[str, object] | None = None,
) -> tuple[str, str]:
    """``(zh, en)``: why a target has its light.

    A target judged after its window ended on a value older than the window's last month
    (``final_missing``) says so: its light is the one the last figure earns against the whole
    window, and the final figure is still owed.

    Examples
    --------
    >>> zh, en = explain("yellow", "schedule", {"completion": 0.966, "time_progress": 1.0,
    ...     "expected_completion": 1.0, "ratio": 0.966, "final_missing": "2022-12",
    ...     "data_period": "2022-11"})
    >>> zh.split("；")[1]
    '目标期已结束，期末 2022-12 的数据未报，按 2022-11 的数据评价'
    >>> explain("not_due", "not_started", {"window_start": "2023-01"}, as_of="2022-06")[0]
    '截至 2022-06 目标期尚未开始（自 2023-01 起），未到期'
    """
    zh, en = _explain(status, code, params, as_of=as_of, figures=figures)
    p: Params = params or {}
    final, data = p.get("final_missing"), p.get("data_period")
    if final and data:
        zh += f"；目标期已结束，期末 {final} 的数据未报，按 {data} 的数据评价"
        en += f"; the window has ended and its final value ({final}) is missing: judged on {data}"
    return zh, en


def _explain(
    status: str,
    code: str | None,
    params: Params | None = None,
    *,
    as_of: str | None = None,
    figures: Mapping[str, object] | None = None,
) -> tuple[str, str]:
    """``(zh, en)`` of the reason code alone.

    Examples
    --------
    >>> zh, en = explain("yellow", "schedule", {"completion": 0.75, "time_progress": 5 / 6,
    ...     "expected_completion": 5 / 6, "ratio": 0.9, "green_line": 1.0, "yellow_line": 0.9})
    >>> zh
    '完成 75.0%，序时进度 83.3%，比值 0.90，低于绿灯线 1.00，恰在黄灯线 0.90'
    >>> en.split(": ")[1]
    'ratio 0.90, below the 1.00 green line, at the 0.90 yellow line'
    """
    p: Params = params or {}
    # the row's figures (``figures``: its forecast and interval too) shown as its cells show
    # them, each with the digits that tell it from the others
    shown = figure_texts({**(figures or {}), **p})
    a, t, b = (shown.get(k, "—") for k in ("actual", "target", "baseline"))
    tau = pct(p.get("time_progress"))  # type: ignore[arg-type]
    c = pct(p.get("completion"))  # type: ignore[arg-type]
    line_zh, line_en = _line(status, p)
    r = _r(p)
    months_left = p.get("months_left")
    if code == "schedule":
        e, tp = p.get("expected_completion"), p.get("time_progress")
        due_zh = due_en = ""
        if e is not None and tp is not None and not math.isclose(float(e), float(tp)):
            due_zh, due_en = f"（按整数个应完成 {pct(e)}）", f" ({pct(e)} due in whole items)"  # type: ignore[arg-type]
        return (
            f"完成 {c}，序时进度 {tau}{due_zh}，比值 {r}，{line_zh}",
            f"{c} done against {tau} of time elapsed{due_en}: ratio {r}, {line_en}",
        )
    if code == "cap":
        return (
            f"已用上限的 {c}，序时进度 {tau}，比值（序时进度÷已用）{r}，{line_zh}",
            f"{c} of the cap used against {tau} of time elapsed: ratio (time ÷ used) {r}, "
            f"{line_en}",
        )
    if code == "cap_unused":
        return (
            f"上限尚未使用，序时进度 {tau}",
            f"nothing of the cap used yet, {tau} of time elapsed",
        )
    if code == "nothing_expected":
        return (
            f"序时进度为 0，尚无应完成的进度；实际 {a}（基期 {b}）",
            f"no time elapsed, nothing due yet; actual {a} (baseline {b})",
        )
    if code == "direct":
        return (
            f"无基期，按目标直接比较：实际 {a}，目标 {t}，完成 {c}，{line_zh}",
            f"no baseline, judged directly: actual {a} against a target of {t}, {c} of it, "
            f"{line_en}",
        )
    if code == "compound":
        o, q = pct(p.get("observed_cagr")), pct(p.get("required_cagr"))  # type: ignore[arg-type]
        ev = shown.get("expected_value", "—")
        return (
            f"实际 {a}（基期 {b}，目标 {t}），年均增速 {o}，目标要求年均 {q}，比值 {r}，{line_zh}；"
            f"按复合增长路径此时应为 {ev}",
            f"actual {a} (baseline {b}, target {t}): a compound rate of {o} a year against the "
            f"{q} a year the target needs: ratio {r}, {line_en}; the compound growth path "
            f"expects {ev} by now",
        )
    if code == "compound_nonpositive":
        return (
            f"实际 {a} 不为正，无法按复合增长率评价，判为红灯",
            f"actual {a} is not positive: no compound growth rate, judged red",
        )
    if code == "growth":
        return (
            f"累计增速 {a}%，目标 {t}%，比值 {r}，{line_zh}",
            f"growth {a}% against the {t}% target: ratio {r}, {line_en}",
        )
    if code == "growth_cap":
        s, tol = num(p.get("shortfall_pp")), num(p.get("tolerance_pp"))  # type: ignore[arg-type]
        short = float(p.get("shortfall_pp") or 0.0)
        cap = p.get("direction") == "lower"
        bound_zh, bound_en = ("上限", "cap") if cap else ("下限", "floor")
        if short <= 0:
            return (
                f"累计增速 {a}%，未越过{bound_zh} {t}%",
                f"growth {a}% is within the {t}% {bound_en}",
            )
        return (
            f"累计增速 {a}%，越过{bound_zh} {t}% 共 {s} 个百分点（黄灯容差 {tol} 个百分点）",
            f"growth {a}% is {s} pp past the {t}% {bound_en} (yellow tolerance {tol} pp)",
        )
    if code and code.startswith("milestone_"):
        head_zh = f"一次达成的目标（里程碑）：实际 {a}，目标 {t}"
        head_en = f"a target met at once (milestone): {a} against a target of {t}"
        if code == "milestone_achieved":
            return f"{head_zh}，已达成", f"{head_en}: met"
        if code == "milestone_missed":
            return f"{head_zh}，截止期已过仍未达成", f"{head_en}: the deadline passed unmet"
        left_zh, left_en = (
            f"序时进度 {tau}，剩余 {months_left} 个月",
            f"{tau} of time elapsed, {months_left} months left",
        )
        if code == "milestone_not_due":
            return (
                f"{head_zh}，尚未达成；{left_zh}，未到期",
                f"{head_en}, not yet met; {left_en}: not yet due",
            )
        if code == "milestone_at_risk_time":
            line = pct(p.get("at_risk_line"))  # type: ignore[arg-type]
            return (
                f"{head_zh}，尚未达成；{left_zh}，已过风险线 {line}：有风险",
                f"{head_en}, not yet met; {left_en}, past the {line} risk line: at risk",
            )
        if code == "milestone_at_risk_forecast":
            f, prob = shown.get("forecast", "—"), pct(p.get("probability"))  # type: ignore[arg-type]
            return (
                f"{head_zh}，尚未达成；{left_zh}；预测截止时为 {f}（达成概率 {prob}）：有风险",
                f"{head_en}, not yet met; {left_en}; forecast {f} at the deadline "
                f"(probability of meeting it {prob}): at risk",
            )
    if code == "not_started":
        start = p.get("window_start")
        when_zh = f"截至 {as_of} " if as_of else ""
        when_en = f"as of {as_of} " if as_of else ""
        since_zh, since_en = (
            (f"（自 {start} 起）", f" (it starts in {start})") if start else ("", "")
        )
        return (
            f"{when_zh}目标期尚未开始{since_zh}，未到期",
            f"{when_en}the target's window has not begun{since_en}: not yet due",
        )
    if code == "no_data":
        when_zh = f"截至 {as_of} " if as_of else ""
        when_en = f" as of {as_of}" if as_of else ""
        return (
            f"{when_zh}没有已报送或已审核的数据，无法评价",
            f"no submitted or approved value{when_en}: it cannot be judged",
        )
    return INVALID.get(code or "", INVALID["invalid"])


INVALID: dict[str, tuple[str, str]] = {
    "no_indicator": (
        "目标未关联指标，无法评价",
        "the target has no indicator: it cannot be judged",
    ),
    "target_equals_baseline": (
        "目标值等于基期值，无法计算完成比例",
        "the target equals the baseline: completion is undefined",
    ),
    "target_wrong_side": (
        "目标值相对基期值不是改善方向，请检查指标方向或基期",
        "the target does not improve on the baseline in the indicator's direction: check the "
        "direction or the baseline",
    ),
    "nonpositive_target": (
        "目标值须为正数才能计算完成率",
        "the target must be positive to compute a completion rate",
    ),
    "nonpositive_values": (
        "越低越好的指标在无基期时，实际值和目标值都须为正数",
        "a lower-is-better target without a baseline needs positive actual and target values",
    ),
    "invalid": ("该目标无法评价", "this target cannot be judged"),
}
