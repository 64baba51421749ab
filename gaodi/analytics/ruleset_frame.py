"""Vectorised rule-set evaluation over a Polars DataFrame (one row per enterprise).

Same semantics as :func:`gaodi.analytics.ruleset.evaluate` (Kleene logic for missing
data, first-match points tables with score ranges, shortfalls, "nearly qualifies"),
compiled to Polars expressions so that hundreds of thousands of enterprises evaluate in
one pass.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import polars as pl

from gaodi.analytics.ruleset_model import Condition, Criterion, Group, Node, RuleSet
from gaodi.core import words

__all__ = ["compare_expr", "evaluate_frame", "group_ids"]

INF = math.inf
#: relative band around a threshold inside which a float comparison is re-decided in decimals
#: by the scalar evaluator (float rounding errors are ~1e-16 relative; 1e-9 leaves room for
#: a few chained operations and still catches only genuine near-ties).
_CLOSE = 1e-9
_HIDDEN = "__ruleset_frame__:"  # prefix of the intermediate columns (dropped from the result)


def compare_expr(x: pl.Expr, op: str, t: Any) -> pl.Expr:
    """``x op t`` as a Polars expression; null where ``x`` is null.

    Examples
    --------
    >>> pl.select(compare_expr(pl.lit(5), "between", (1, 5))).item()
    True
    """
    if op == ">=":
        return x >= t
    if op == "<=":
        return x <= t
    if op == ">":
        return x > t
    if op == "<":
        return x < t
    if op == "==":
        return x == t
    if op == "in":
        return pl.when(x.is_not_null()).then(x.is_in(list(t)))
    return (x >= t[0]) & (x <= t[1])


class _Compiler:
    """Materialises metrics, points and criteria as hidden columns of a LazyFrame.

    Each intermediate result is computed once and referred to by name afterwards: nesting
    the expressions instead repeats the score tree inside every criterion and group
    (exponential plan size; seconds even for two rows).
    """

    def __init__(self, rs: RuleSet, frame: pl.DataFrame) -> None:
        self.rs = rs
        self.columns = set(frame.columns)
        self.lf = frame.lazy()
        self.cache: dict[str, tuple[pl.Expr, pl.Expr]] = {}
        self.n = 0
        #: "close calls": a numeric metric within _CLOSE of a threshold, where binary floats
        #: may decide differently from decimals; those rows are re-decided exactly.
        self.close: list[pl.Expr] = []

    def add(self, expr: pl.Expr) -> pl.Expr:
        """Add ``expr`` as a hidden column; return a reference to it."""
        self.n += 1
        name = f"{_HIDDEN}{self.n}"
        self.lf = self.lf.with_columns(expr.alias(name))
        return pl.col(name)

    def field(self, name: str) -> pl.Expr:
        spec = self.rs.fields.get(name)
        kind = spec.kind if spec is not None else "number"
        if name not in self.columns:
            dtype = {"number": pl.Float64, "bool": pl.Boolean, "text": pl.String}[kind]
            return pl.lit(None, dtype=dtype)
        if kind == "number":
            return pl.col(name).cast(pl.Float64).fill_nan(None)
        if kind == "bool":
            return pl.col(name).cast(pl.Boolean)
        return pl.col(name).cast(pl.String)

    def metric(self, name: str) -> tuple[pl.Expr, pl.Expr]:
        if name in self.cache:
            return self.cache[name]
        d = self.rs.derived_by_name.get(name)
        if d is None:
            e = self.add(self.field(name))
        else:
            parts = [
                pl.lit(float(f)) if not isinstance(f, str) else self.metric(f)[0].cast(pl.Float64)
                for f in d.of
            ]
            if d.op == "ratio":
                formula: pl.Expr = pl.when(parts[1] != 0).then(parts[0] / parts[1])
            else:
                # strict: any missing input makes the result missing
                any_null = pl.any_horizontal([p.is_null() for p in parts])
                agg = {
                    "min": pl.min_horizontal(parts),
                    "max": pl.max_horizontal(parts),
                    "sum": pl.sum_horizontal(parts),
                    "mean": pl.mean_horizontal(parts),
                }[d.op]
                formula = pl.when(~any_null).then(agg)
            if name in self.columns:  # the reported value wins over the formula
                formula = pl.coalesce(self.field(name).cast(pl.Float64), formula)
            e = self.add(formula)
        self.cache[name] = (e, e)
        return e, e

    def _watch(self, c: Condition, x: pl.Expr) -> None:
        if c.op in ("in", "=="):
            ts = list(c.threshold) if c.op == "in" else [c.threshold]
        elif c.op == "between":
            ts = list(c.threshold)
        else:
            ts = [c.threshold]
        if self._kind(c.metric) != "number":
            return
        # An input figure compares the same as floats and as decimals: the shortest text of
        # a float is strictly monotone in the float, so x >= t as floats exactly when
        # dec(x) >= dec(t). Only values computed here (derived ratios, means, score sums)
        # can be off by a rounding, so only they are watched.
        # A value computed here that lands exactly on the threshold is taken as equal to it:
        # a score is a float sum of points with at most 6 decimals, so an exact float tie is a
        # decimal tie (a real difference would be a multiple of 1e-6); a ratio of figures with
        # at most 6 decimals differs from a 4-decimal threshold by at least 1e-10 / b, above
        # the float rounding unless the denominator b exceeds 1e7 (万元: 1000亿元). Rows near
        # but not on a threshold are re-decided in decimals.
        if not (c.metric.startswith("score") or c.metric in self.rs.derived_by_name):
            return
        for t in ts:
            if isinstance(t, int | float) and not isinstance(t, bool) and math.isfinite(t):
                band = _CLOSE * max(1.0, abs(float(t)))
                gap = (x.cast(pl.Float64) - float(t)).abs()
                self.close.append(((gap <= band) & (gap > 0)).fill_null(False))

    def condition(self, c: Condition) -> pl.Expr:
        lo, hi = self.metric(c.metric)
        self._watch(c, lo)
        if not lo.meta.eq(hi):
            self._watch(c, hi)
        a = compare_expr(lo, c.op, c.threshold)
        if lo.meta.eq(hi):
            return a
        b = compare_expr(hi, c.op, c.threshold)
        return pl.when(a == b).then(a)

    def points(self) -> dict[str, pl.Expr]:
        """Low and high points per item, group and total; output columns by name."""
        out: dict[str, pl.Expr] = {}
        groups: dict[str, tuple[list[pl.Expr], list[pl.Expr]]] = {
            g.id: ([], []) for g in self.rs.score_groups
        }
        for item in self.rs.points:
            if item.value_of is not None:  # entered points, clipped; unknown -> [0, max]
                x = self.metric(item.value_of)[0].cast(pl.Float64).clip(0.0, item.max_points)
                lo = self.add(x.fill_null(0.0))
                hi = self.add(x.fill_null(item.max_points))
                out[f"points__{item.id}"] = pl.when(lo == hi).then(lo)
                groups[item.group][0].append(lo)
                groups[item.group][1].append(hi)
                continue
            prev_true: pl.Expr = pl.lit(False)
            cands: list[pl.Expr] = []
            for row in item.rows:
                conds = [self.condition(c) for c in row.conditions]
                cond = conds[0]
                for c in conds[1:]:
                    cond = cond | c  # Kleene OR
                cond = self.add(cond)
                possible = ~prev_true & cond.fill_null(True)
                cands.append(pl.when(possible).then(pl.lit(row.points)))
                prev_true = self.add(prev_true | cond.fill_null(False))
            cands.append(pl.when(~prev_true).then(pl.lit(item.otherwise)))
            lo = self.add(pl.min_horizontal(cands))
            hi = self.add(pl.max_horizontal(cands))
            out[f"points__{item.id}"] = pl.when(lo == hi).then(lo)
            groups[item.group][0].append(lo)
            groups[item.group][1].append(hi)
        if self.rs.points:
            tot_lo: list[pl.Expr] = []
            tot_hi: list[pl.Expr] = []
            for gid, (los, his) in groups.items():
                glo = self.add(pl.sum_horizontal(los) if los else pl.lit(0.0))
                ghi = self.add(pl.sum_horizontal(his) if his else pl.lit(0.0))
                self.cache[f"score.{gid}"] = (glo, ghi)
                out[f"score_{gid}"] = pl.when(glo == ghi).then(glo)
                tot_lo.extend(los)
                tot_hi.extend(his)
            lo = self.add(pl.sum_horizontal(tot_lo))
            hi = self.add(pl.sum_horizontal(tot_hi))
            self.cache["score"] = (lo, hi)
            out["score"] = pl.when(lo == hi).then(lo)
            out["score_min"] = lo
            out["score_max"] = hi
        return out

    def criterion(self, c: Criterion) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
        """(met, shortfall, relative shortfall) expressions."""
        met = self.add(self.condition(c.condition))
        if c.selector:  # a selector picks a branch; it is no target
            nothing = pl.lit(None, dtype=pl.Float64)
            zero = pl.when(met).then(0.0).otherwise(nothing)
            return met, zero, zero
        lo, hi = self.metric(c.metric)
        best = hi if c.op in (">=", ">") else lo
        t = c.threshold
        numeric = not isinstance(t, bool | str) and self._kind(c.metric) == "number"
        if c.op in (">=", ">") and numeric:
            gap, ref = pl.lit(float(t)) - best, abs(float(t))
        elif c.op in ("<=", "<") and numeric:
            gap, ref = best - pl.lit(float(t)), abs(float(t))
        elif c.op == "==" and numeric:
            gap, ref = (best - pl.lit(float(t))).abs(), abs(float(t))
        elif c.op == "between":
            a, b = float(t[0]), float(t[1])
            gap = pl.when(best < a).then(a - best).otherwise(best - b)
            below = best < a
            rel_b = (
                pl.when(below)
                .then(gap / abs(a) if a else None)
                .otherwise(gap / abs(b) if b else None)
            )
            short_b = pl.when(met).then(0.0).when(~met).then(gap)
            return met, short_b, pl.when(met).then(0.0).when(~met).then(rel_b)
        else:
            nothing = pl.lit(None, dtype=pl.Float64)
            return met, pl.when(met).then(0.0).otherwise(nothing), pl.when(met).then(0.0)
        short: pl.Expr = pl.when(met).then(0.0).when(~met).then(gap)
        if ref:
            rel: pl.Expr = pl.when(met).then(0.0).when(~met).then(gap / ref)
        else:
            rel = pl.when(met).then(0.0).otherwise(pl.lit(None, dtype=pl.Float64))
        return met, short, rel

    def _kind(self, metric: str) -> str:
        if metric in self.rs.derived_by_name or metric.startswith("score"):
            return "number"
        spec = self.rs.fields.get(metric)
        return spec.kind if spec is not None else "number"


def _combine(
    node: Node,
    met: dict[str, pl.Expr],
    cost: dict[str, pl.Expr],
    groups: dict[str, pl.Expr],
) -> tuple[pl.Expr, pl.Expr]:
    if isinstance(node, Criterion):
        return met[node.id], cost[node.id]
    parts = [_combine(c, met, cost, groups) for c in node.items]
    states = [p[0] for p in parts]
    costs = [p[1] for p in parts]
    k = {"all": len(states), "any": 1}.get(node.mode, node.k)
    if node.mode == "all":
        state = pl.all_horizontal(states)
        total = pl.sum_horizontal(costs)
    elif node.mode == "any":
        state = pl.any_horizontal(states)
        total = pl.min_horizontal(costs)
    else:
        n_true = pl.sum_horizontal([s.fill_null(False).cast(pl.Int32) for s in states])
        n_poss = pl.sum_horizontal([s.fill_null(True).cast(pl.Int32) for s in states])
        state = pl.when(n_true >= k).then(True).when(n_poss < k).then(False)
        total = pl.concat_list(costs).list.sort().list.head(k).list.sum()
    groups[node.id] = state
    return state, total


def group_ids(rule_set: RuleSet) -> tuple[str, ...]:
    """The ids of the rule tree's groups (root first, depth first): what ``groups=`` of
    :func:`evaluate_frame` may ask for.

    Examples
    --------
    >>> from gaodi.analytics.rulefiles import load_rule_set
    >>> "sme_size" in group_ids(load_rule_set("srdi_sme"))
    True
    >>> "sme_size" in group_ids(load_rule_set("above_scale"))
    False
    """
    found: list[str] = []

    def walk(node: Node) -> None:
        if isinstance(node, Group):
            found.append(node.id)
            for child in node.items:
                walk(child)

    walk(rule_set.root)
    return tuple(found)


def _leaf_costs(c: Criterion, met: pl.Expr, rel: pl.Expr, margin: float | None) -> pl.Expr:
    unknown = 0.0 if margin is None else INF
    if c.selector:
        return pl.when(met).then(0.0).when(met.is_null()).then(unknown).otherwise(INF)
    if margin is None:  # optimistic: missing data count as passing
        return pl.when(met.fill_null(True)).then(0.0).otherwise(1.0)
    near = rel.is_not_null() & (rel <= margin + 1e-12)
    return pl.when(met).then(0.0).when(~met & near).then(1.0).otherwise(INF)


def evaluate_frame(
    rule_set: RuleSet,
    frame: pl.DataFrame,
    *,
    id_column: str | None = None,
    near_margin: float | None = None,
    max_missed: int | None = None,
    detail: bool = True,
    groups: Sequence[str] = (),
) -> pl.DataFrame:
    """Evaluate every row of ``frame`` against ``rule_set``.

    Parameters
    ----------
    rule_set : RuleSet
    frame : polars.DataFrame
        Columns named after the rule set's input fields; absent columns are missing data.
    id_column : str, optional
        Kept as the first output column.
    near_margin, max_missed : optional
        Override the rule set's "nearly qualifies" parameters.
    detail : bool
        Add ``met__<criterion>``, ``shortfall__<criterion>`` and
        ``relative_shortfall__<criterion>`` columns, and ``points__<item>``.
    groups : sequence of str
        Ids of groups of the rule tree (:func:`group_ids`) whose state to add as a nullable
        Boolean column ``group__<id>`` each: True, False, or null when missing data leave it
        undetermined (as :attr:`Evaluation.groups`), e.g. ``("sme_size",)`` for the SME size
        test of the SME tiers.

    Returns
    -------
    polars.DataFrame
        ``qualifies`` (bool), ``determined`` (bool), ``nearly_qualifies`` (bool),
        ``missed_count`` (Int64; null when no fix can qualify), and where the rule set has
        points ``score``, ``score_min``, ``score_max`` and ``score_<group>``; then
        ``group__<id>`` for each of ``groups``.

    Notes
    -----
    Same rules as :func:`gaodi.analytics.ruleset.evaluate`; Polars' ``&``/``|`` and
    ``all_horizontal``/``any_horizontal`` already follow Kleene logic. A group's state
    :math:`s_g` over its children's states :math:`s_i \\in \\{T, F, \\bot\\}`, with
    :math:`n_T = |\\{i: s_i = T\\}|` and :math:`n_{\\neg F} = |\\{i: s_i \\ne F\\}|` and
    :math:`k` = all children (``all``), 1 (``any``) or ``k`` (``at_least``): :math:`s_g = T`
    if :math:`n_T \\ge k`, :math:`F` if :math:`n_{\\neg F} < k`, else :math:`\\bot` (null).

    References
    ----------
    .. [1] Kleene, S. C. (1952). *Introduction to Metamathematics*, §64 (strong three-valued
       logic used for missing data).

    Examples
    --------
    >>> from gaodi.analytics.ruleset import rule_set_from_dict
    >>> rs = rule_set_from_dict({"id": "d", "version": "1", "name_zh": "示例",
    ...     "name_en": "Demo", "sources": {"s": {"title": "t"}}, "fields": {"revenue": {}},
    ...     "rule": {"id": "r", "mode": "all", "items": [{"id": "rev",
    ...         "metric": "revenue", "op": ">=", "threshold": 2000, "source": "s"}]}})
    >>> df = pl.DataFrame({"revenue": [2500.0, 1800.0, None]})
    >>> out = evaluate_frame(rs, df, detail=False)
    >>> out.select("qualifies", "determined", "nearly_qualifies", "missed_count").rows()
    [(True, True, False, 0), (False, True, True, 1), (False, False, False, 0)]
    >>> evaluate_frame(rs, df, detail=False, groups=("r",))["group__r"].to_list()
    [True, False, None]
    """
    if id_column is not None and id_column not in frame.columns:
        raise words.error("common.missing_column", column=id_column)
    margin = rule_set.near_margin if near_margin is None else near_margin
    limit = rule_set.max_missed if max_missed is None else max_missed
    known = group_ids(rule_set)
    for gid in groups:
        if gid not in known:
            raise words.error("ruleset_model.bad_group", where=rule_set.id, id=gid)
    comp = _Compiler(rule_set, frame)
    exprs: dict[str, pl.Expr] = comp.points()
    met: dict[str, pl.Expr] = {}
    opt: dict[str, pl.Expr] = {}
    near: dict[str, pl.Expr] = {}
    for c in rule_set.criteria:
        m, short, rel = comp.criterion(c)
        rel = comp.add(rel)
        met[c.id] = m
        opt[c.id] = comp.add(_leaf_costs(c, m, rel, None))
        near[c.id] = comp.add(_leaf_costs(c, m, rel, margin))
        if detail:
            exprs[f"met__{c.id}"] = m
            exprs[f"shortfall__{c.id}"] = short
            exprs[f"relative_shortfall__{c.id}"] = rel
    root: Group = rule_set.root
    states: dict[str, pl.Expr] = {}
    state, opt_cost = _combine(root, met, opt, states)
    _, near_cost = _combine(root, met, near, {})
    qualifies = state.fill_null(False)
    head: dict[str, pl.Expr] = {
        "qualifies": qualifies,
        "determined": state.is_not_null(),
        "nearly_qualifies": ~qualifies & (near_cost <= limit),
        "missed_count": pl.when(qualifies)
        .then(0)
        .when(opt_cost < INF)
        .then(opt_cost.cast(pl.Int64)),
    }
    head.update({f"group__{g}": states[g].cast(pl.Boolean) for g in groups})
    cols = [pl.col(id_column)] if id_column is not None else []
    cols += [e.alias(n) for n, e in head.items()]
    cols += [e.alias(n) for n, e in exprs.items()]
    close = pl.any_horizontal(comp.close) if comp.close else pl.lit(False)
    out = comp.lf.select(*cols, close.alias(_CLOSE_COL)).collect()
    rows = out.with_row_index(_ROW).filter(pl.col(_CLOSE_COL))[_ROW].to_list()
    out = out.drop(_CLOSE_COL)
    if rows:
        out = _redecide(rule_set, frame, out, rows, margin, limit)
    return out


_CLOSE_COL = f"{_HIDDEN}close"
_ROW = f"{_HIDDEN}row"


def _redecide(
    rule_set: RuleSet,
    frame: pl.DataFrame,
    out: pl.DataFrame,
    rows: list[int],
    margin: float,
    limit: int,
) -> pl.DataFrame:
    """Re-evaluate the close-call rows with the scalar evaluator (decimal comparisons) and
    write its results over the vectorised ones: the frame agrees with :func:`evaluate`
    exactly, at the cost of a Python call for the few rows near a threshold."""
    from gaodi.analytics.ruleset import evaluate

    updates: dict[str, list[Any]] = {c: [] for c in out.columns}
    for i in rows:
        e = evaluate(rule_set, frame.row(i, named=True), near_margin=margin, max_missed=limit)
        values: dict[str, Any] = {
            "qualifies": e.qualifies,
            "determined": e.determined,
            "nearly_qualifies": e.nearly_qualifies,
            "missed_count": e.missed_count,
        }
        if rule_set.points:
            values.update(score=e.score, score_min=e.score_min, score_max=e.score_max)
            values.update({f"score_{g}": v for g, v in e.group_scores.items()})
            values.update({f"points__{p.id}": p.points for p in e.points})
        values.update({f"group__{g}": v for g, v in e.groups.items()})
        for r in e.criteria:
            values[f"met__{r.id}"] = r.met
            values[f"shortfall__{r.id}"] = r.shortfall
            values[f"relative_shortfall__{r.id}"] = r.relative_shortfall
        for c in updates:
            updates[c].append(values.get(c, out[c][i]))
    idx = pl.Series(rows, dtype=pl.UInt32)
    return out.with_columns(
        out[c].scatter(idx, pl.Series(c, v, dtype=out.schema[c], strict=False))
        for c, v in updates.items()
        if c in out.columns
    )
