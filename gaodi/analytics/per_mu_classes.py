"""亩均 classes: A/B/C/D by rank share or by score line, score lines compared exactly.

Part of :mod:`gaodi.analytics.per_mu`: :func:`assign_classes` (and :func:`class_sizes`, the
class sizes of a rank-share rule); a firm whose float score lies near a ``score`` line has its
score recomputed in exact fractions of the figures as written (:func:`_exact_near_lines`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Any

import polars as pl

from gaodi.analytics.per_mu_frame import _benchmark, _num
from gaodi.analytics.per_mu_rules import ClassRule, PerMuScheme

#: A float score this close (relative) to a class line is recomputed exactly; a few float
#: operations err by ~1e-15 relative, so a score further away is on the right side already.
_NEAR_LINE = 1e-9


def _exact(x: Any) -> Fraction | None:
    """A finite figure as the exact rational it reads as (0.29 is 29/100, not the binary
    float next to it); None when missing or not finite."""
    if x is None:
        return None
    f = float(x)
    return Fraction(Decimal(repr(f))) if math.isfinite(f) else None


def _exact_near_lines(
    part: pl.DataFrame,
    scored: pl.DataFrame,
    scheme: PerMuScheme,
    overrides: Mapping[str, Any],
    cap: float | None,
    rule: ClassRule,
    fill_values: Mapping[str, float],
) -> list[Any]:
    """The scores to compare with the ``score`` lines: the float score, or, for a firm
    whose float score is within :data:`_NEAR_LINE` of a line, the exact sum of its items
    (figures, benchmark, weight and cap as written; a missing item's fill as computed)."""
    scores: list[Any] = scored.get_column("score").to_list()
    lines = [float(t) for t in rule.thresholds]
    near = [
        i
        for i, v in enumerate(scores)
        if v is not None
        and math.isfinite(v)
        and any(abs(v - t) <= _NEAR_LINE * max(1.0, abs(t)) for t in lines)
    ]
    if not near:
        return scores
    rows = part[near]
    totals = [Fraction(0)] * len(near)
    for it in scheme.items:
        bench, weight = _exact(_benchmark(it, scheme, overrides)), _exact(it.weight)
        ceiling = None if cap is None else _exact(cap) * weight  # type: ignore[operator]
        fill = _exact(fill_values.get(it.indicator.id, 0.0))
        pairs = rows.select(
            _num(rows, it.indicator.numerator), _num(rows, it.indicator.denominator)
        ).rows()
        for k, (n, d) in enumerate(pairs):
            num, den = _exact(n), _exact(d)
            if num is None or den is None or den <= 0:
                item = fill
            else:
                item = num / den / bench * weight  # type: ignore[operator]
                item = item if ceiling is None else min(item, ceiling)
            totals[k] += item  # type: ignore[operator]
    for k, i in enumerate(near):
        scores[i] = totals[k]
    return scores


def class_sizes(shares: Sequence[float], n: int) -> tuple[int, int, int]:
    """(n_A, n_C, n_D): the stated shares of n firms rounded down, in decimals.

    Examples
    --------
    >>> class_sizes((0.2, 0.6, 0.15), 7), class_sizes((0.2, 0.6, 0.15), 20)
    ((1, 1, 0), (4, 3, 1))
    """
    a, _b, c = (Decimal(repr(float(t))) for t in shares)
    d = Decimal(1) - sum((Decimal(repr(float(t))) for t in shares), Decimal(0))
    return tuple(int((share * n).to_integral_value(rounding=ROUND_FLOOR)) for share in (a, c, d))  # type: ignore[return-value]


def assign_classes(
    frame: pl.DataFrame,
    rule: ClassRule,
    score_column: str = "score",
    *,
    exact_scores: Sequence[Any] | None = None,
) -> pl.DataFrame:
    """Add ``rank`` (competition rank, best = 1) and ``class`` (A–D) to a scored frame.

    Notes
    -----
    ``rank_share`` with shares (a, b, c) of A, B, C and d = 1 − a − b − c of D, n firms:
    the class sizes are the stated shares of n **rounded down**, computed in decimals —
    n_A = ⌊a·n⌋, n_C = ⌊c·n⌋, n_D = ⌊d·n⌋ — and B, the ordinary class, holds the rest. So the
    rewarded class (A) and the classes that carry restrictions (C, D) never exceed the share
    the scheme states (20 % of 7 firms is 1 firm, not 2). With competition rank r (best = 1;
    tied firms share the best rank): A when r ≤ n_A; D when r > n − n_D; C when
    r > n − n_D − n_C; else B. Tied firms share the better class, so a tie across a boundary
    can make A larger (or C, D smaller) than its share. ``score``: A when S ≥ t_A, B when
    S ≥ t_B, C when S ≥ t_C, else D, compared exactly with the lines as written: S is
    ``exact_scores`` (one per row, as :func:`evaluate_per_mu` computes them) when given,
    else the ``score_column`` value as written, so a score exactly on a line is in the
    upper class.

    References
    ----------
    .. [1] 浙政发〔2018〕5号 and Zhejiang city rules, as summarised (uncertain, general
       knowledge) in Gaodi's reference facts §5: firms are ranked by total score into
       A/B/C/D; the cut-offs are set locally, hence configurable here.

    Examples
    --------
    >>> df = pl.DataFrame({"score": [90.0, 70.0, 70.0, 10.0]})
    >>> rule = ClassRule("rank_share", (0.25, 0.25, 0.25))
    >>> assign_classes(df, rule).select("rank", "class").rows()
    [(1, 'A'), (2, 'B'), (2, 'B'), (4, 'D')]
    >>> seven = pl.DataFrame({"score": [7.0, 6, 5, 4, 3, 2, 1]})
    >>> assign_classes(seven, ClassRule("rank_share", (0.2, 0.6, 0.15)))["class"].to_list()
    ['A', 'B', 'B', 'B', 'B', 'B', 'C']
    >>> lines = pl.DataFrame({"score": [80.0, 79.99, 29.0, 0.3]})
    >>> assign_classes(lines, ClassRule("score", (120, 80, 29)))["class"].to_list()
    ['B', 'C', 'C', 'D']
    """
    n = frame.height
    rank = pl.col(score_column).rank(method="min", descending=True).cast(pl.Int64)
    a, b, c = rule.thresholds
    cls: pl.Expr | pl.Series
    if rule.method == "rank_share":
        n_a, n_c, n_d = class_sizes(rule.thresholds, n)
        cls = (
            pl.when(rank <= n_a)
            .then(pl.lit("A"))
            .when(rank > n - n_d)
            .then(pl.lit("D"))
            .when(rank > n - n_d - n_c)
            .then(pl.lit("C"))
            .otherwise(pl.lit("B"))
        )
    else:
        scores = (
            frame.get_column(score_column).to_list() if exact_scores is None else list(exact_scores)
        )
        lines = [(_exact(t), k) for t, k in zip((a, b, c), "ABC", strict=True)]

        def cls_of(v: Any) -> str:
            if isinstance(v, float):  # a float as written; infinity compares as it is
                v = _exact(v) if math.isfinite(v) else None if math.isnan(v) else v
            # a missing score is below every line (D), as the float comparison had it
            return next((k for t, k in lines if v is not None and v >= t), "D")

        cls = pl.Series([cls_of(v) for v in scores], dtype=pl.String)
    return frame.with_columns(rank.alias("rank")).with_columns(cls.alias("class"))
