"""A small, generic evaluator for published eligibility rule sets (criteria as data).

A :class:`RuleSet` (built by :func:`rule_set_from_dict` from a versioned YAML file; see
:mod:`gaodi.analytics.rulefiles`) holds

* **criteria**: ``metric op threshold`` with ``op`` one of ``>= <= > < == in between``,
  each with a Chinese and English label, a unit and a source citation;
* **groups** with ``all`` / ``any`` / ``at_least k`` semantics, nested freely
  ("meet all four conditions", "or any one of these");
* **points tables** (e.g. the 创新型中小企业 100-point scheme): first matching row wins;
  items add up to group subtotals (``score.<group>``) and a total (``score``) that
  criteria can test like any other metric;
* **derived metrics** (``ratio``, ``min``, ``max``, ``sum``, ``mean`` of fields).

Missing data never turns into a silent pass or fail: a criterion whose metric is missing
is *undetermined* (``met = None``) and groups combine with Kleene three-valued logic, so
an enterprise is reported as qualifying only when the known data prove it.

A failed criterion reports its **shortfall** in the metric's unit (``threshold − actual``
for ``>=``, ``actual − threshold`` for ``<=``, the distance to the nearer bound for
``between``) and the **relative shortfall** (shortfall / |threshold|). An enterprise
**nearly qualifies** when it does not qualify but could by fixing at most ``max_missed``
criteria (default 1), each missed by at most ``near_margin`` (default 20 %) relative
shortfall. Criteria marked ``selector`` (e.g. "营业收入 < 1000万" choosing a branch) are
never counted as fixable.

:func:`evaluate` handles one record; :func:`evaluate_frame` (in
:mod:`gaodi.analytics.ruleset_frame`) evaluates a Polars DataFrame of many enterprises
with the same semantics.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal
from typing import Any

from gaodi.analytics.ruleset_model import (
    Condition,
    Criterion,
    Derived,
    Group,
    Node,
    PointsItem,
    RuleSet,
    rule_set_from_dict,
)

__all__ = [
    "Condition",
    "Criterion",
    "CriterionResult",
    "Derived",
    "Evaluation",
    "Group",
    "PointsItem",
    "PointsResult",
    "RuleSet",
    "compare",
    "evaluate",
    "evaluate_frame",
    "is_effective",
    "rule_set_from_dict",
    "shortfall",
]

Tri = bool | None
INF = math.inf


@dataclass(frozen=True)
class CriterionResult:
    """The outcome of one criterion for one record."""

    id: str
    label_zh: str
    label_en: str
    metric: str
    op: str
    threshold: Any
    unit: str
    actual: Any
    met: Tri
    shortfall: float | None
    relative_shortfall: float | None
    uncertain: bool
    selector: bool
    source: str


@dataclass(frozen=True)
class PointsResult:
    """Points earned on one item; ``points`` is None when missing data leave a range."""

    id: str
    label_zh: str
    label_en: str
    group: str
    points: float | None
    points_min: float
    points_max: float
    max_points: float


@dataclass(frozen=True)
class Evaluation:
    """Result of :func:`evaluate`.

    ``qualifies`` is True only when the known data prove it; ``determined`` is False
    when missing data could still change the outcome. ``missed`` lists the failed
    criteria on the cheapest way to qualify (fewest criteria, then smallest relative
    shortfall), treating missing data as favourable; ``near_missed`` lists the criteria
    to fix when the enterprise nearly qualifies (else empty); ``missing`` lists criteria whose
    data are missing; ``uncertain`` lists evaluated criteria flagged uncertain in the
    rule set.
    """

    rule_set: str
    version: str
    qualifies: bool
    determined: bool
    nearly_qualifies: bool
    missed_count: int | None
    missed: tuple[str, ...]
    near_missed: tuple[str, ...]
    missing: tuple[str, ...]
    uncertain: tuple[str, ...]
    score: float | None
    score_min: float | None
    score_max: float | None
    group_scores: dict[str, float | None]
    criteria: tuple[CriterionResult, ...]
    points: tuple[PointsResult, ...]
    groups: dict[str, Tri]

    def criterion(self, criterion_id: str) -> CriterionResult:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)


# ------------------------------------------------------------------ values and comparisons
def _is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _record(record: Mapping[str, Any] | Any) -> Mapping[str, Any]:
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return dataclasses.asdict(record)
    if not isinstance(record, Mapping):
        raise TypeError("record must be a mapping or a dataclass instance")
    return record


#: 34 significant digits (IEEE decimal128) for quotients: a ratio of figures with at most 6
#: decimals can only equal a threshold of at most 4 decimals exactly or differ from it by more
#: than 1e-20, far above this rounding, so comparisons on derived ratios are exact.
_CTX = Context(prec=34)


def dec(v: Any) -> Decimal:
    """A figure as the decimal number it was written as.

    A float is read through its shortest round-trip text (``repr``): 0.15 is 0.15, not the
    binary neighbour 0.1499999999999999944…; thresholds in the rule files are read the same
    way, so ``23000 / 20000 − 1 >= 0.15`` holds exactly.

    Examples
    --------
    >>> dec(0.15), dec(3), dec(Decimal("1.10"))
    (Decimal('0.15'), Decimal('3'), Decimal('1.10'))
    """
    if isinstance(v, Decimal):
        return v
    if isinstance(v, int):
        return Decimal(v)
    return Decimal(repr(float(v)))


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float | Decimal) and not isinstance(v, bool)


def _num(v: Any) -> Decimal | None:
    if _is_missing(v):
        return None
    return dec(v)


def _derive(d: Derived, values: list[Any]) -> Decimal | None:
    nums = [_num(v) for v in values]
    if any(v is None for v in nums):
        return None
    xs = [v for v in nums if v is not None]
    if d.op == "ratio":
        return _CTX.divide(xs[0], xs[1]) if xs[1] != 0 else None
    if d.op == "min":
        return min(xs)
    if d.op == "max":
        return max(xs)
    if d.op == "sum":
        return sum(xs, Decimal(0))
    return _CTX.divide(sum(xs, Decimal(0)), Decimal(len(xs)))  # mean


def _plain(v: Any) -> Any:
    """Decimals computed inside the evaluator leave it as floats (for display and JSON)."""
    return float(v) if isinstance(v, Decimal) else v


def compare(actual: Any, op: str, threshold: Any) -> bool:
    """Apply one operator; ``actual`` must not be missing.

    Examples
    --------
    >>> compare(5.0, "between", [1, 5]), compare("C35", "in", ["C35", "C36"])
    (True, True)
    >>> compare(23000 / 20000 - 1, ">=", 0.15), compare(dec(23000) / dec(20000) - 1, ">=", 0.15)
    (False, True)

    Numbers are compared as decimals (:func:`dec`): the first call above fails because the
    float subtraction already lost the exact 0.15, which is why derived figures are computed
    in decimals before they reach a comparison.
    """
    if _is_number(actual):
        actual = dec(actual)
        if op in ("in", "between"):
            threshold = [dec(t) if _is_number(t) else t for t in threshold]
        elif _is_number(threshold):
            threshold = dec(threshold)
    if op == ">=":
        return bool(actual >= threshold)
    if op == "<=":
        return bool(actual <= threshold)
    if op == ">":
        return bool(actual > threshold)
    if op == "<":
        return bool(actual < threshold)
    if op == "==":
        return bool(actual == threshold)
    if op == "in":
        return actual in threshold
    lo, hi = threshold
    return bool(lo <= actual <= hi)


def shortfall(actual: Any, op: str, threshold: Any) -> tuple[float | None, float | None]:
    """By how much ``actual`` misses the threshold, absolute and relative.

    Returns ``(0.0, 0.0)`` when the condition holds, ``(None, None)`` when a distance
    has no meaning (``in``, equality on booleans or text).

    Notes
    -----
    ``>=``/``>``: t − x; ``<=``/``<``: x − t; ``between [a, b]``: a − x below, x − b
    above; ``==`` on numbers: |x − t|. Relative = absolute / |reference| (the violated
    bound), None when the reference is 0.

    Examples
    --------
    >>> shortfall(2.4, ">=", 3.0)
    (0.6000000000000001, 0.20000000000000004)
    >>> shortfall(0.8, "<=", 0.7)[0] == 0.8 - 0.7
    True
    """
    if compare(actual, op, threshold):
        return 0.0, 0.0
    if op in ("in",) or isinstance(actual, (bool, str)) or isinstance(threshold, (bool, str)):
        return None, None
    x = float(actual)
    if op in (">=", ">"):
        ref = float(threshold)
        gap = ref - x
    elif op in ("<=", "<"):
        ref = float(threshold)
        gap = x - ref
    elif op == "==":
        ref = float(threshold)
        gap = abs(x - ref)
    else:
        lo, hi = (float(t) for t in threshold)
        ref, gap = (lo, lo - x) if x < lo else (hi, x - hi)
    return gap, (abs(gap / ref) if ref != 0 else None)


# ------------------------------------------------------------------ scalar evaluation
@dataclass
class _Ctx:
    rs: RuleSet
    rec: Mapping[str, Any]
    cache: dict[str, tuple[Any, Any]]


def _metric(ctx: _Ctx, name: str) -> tuple[Any, Any]:
    """(low, high) value of a metric; equal unless a score is only partly known."""
    if name in ctx.cache:
        return ctx.cache[name]
    v = ctx.rec.get(name)
    v = None if _is_missing(v) else v
    derived = ctx.rs.derived_by_name.get(name)
    if v is None and derived is not None:
        # a derived metric may share a field's name: the reported value wins
        v = _derive(
            derived, [f if not isinstance(f, str) else _metric(ctx, f)[0] for f in derived.of]
        )
    out: tuple[Any, Any] = (v, v)
    ctx.cache[name] = out
    return out


def _condition(ctx: _Ctx, c: Condition) -> Tri:
    lo, hi = _metric(ctx, c.metric)
    if lo is None or hi is None:
        return None
    a, b = compare(lo, c.op, c.threshold), compare(hi, c.op, c.threshold)
    return a if a == b else None


def _points(ctx: _Ctx, item: PointsItem) -> tuple[float, float]:
    """First matching row wins; unknown rows widen the range of possible points."""
    if item.value_of is not None:  # entered points, clipped to the item's maximum
        v = _metric(ctx, item.value_of)[0]
        if v is None:
            return 0.0, item.max_points
        x = min(max(float(v), 0.0), item.max_points)
        return x, x
    possible: list[float] = []
    for row in item.rows:
        states = [_condition(ctx, c) for c in row.conditions]
        state: Tri = (
            True
            if any(s is True for s in states)
            else (None if any(s is None for s in states) else False)
        )
        if state is True:
            possible.append(row.points)
            break
        if state is None:
            possible.append(row.points)
    else:
        possible.append(item.otherwise)
    return min(possible), max(possible)


def _scores(ctx: _Ctx) -> tuple[PointsResult, ...]:
    results = []
    groups: dict[str, list[float]] = {g.id: [0.0, 0.0] for g in ctx.rs.score_groups}
    total = [0.0, 0.0]
    for item in ctx.rs.points:
        lo, hi = _points(ctx, item)
        results.append(
            PointsResult(
                id=item.id,
                label_zh=item.label_zh,
                label_en=item.label_en,
                group=item.group,
                points=lo if lo == hi else None,
                points_min=lo,
                points_max=hi,
                max_points=item.max_points,
            )
        )
        groups[item.group][0] += lo
        groups[item.group][1] += hi
        total[0] += lo
        total[1] += hi
    if ctx.rs.points:
        ctx.cache["score"] = (total[0], total[1])
        for gid, (lo, hi) in groups.items():
            ctx.cache[f"score.{gid}"] = (lo, hi)
    return tuple(results)


def _criterion(ctx: _Ctx, c: Criterion) -> CriterionResult:
    lo, hi = _metric(ctx, c.metric)
    met = _condition(ctx, c.condition)
    gap: float | None = None
    rel: float | None = None
    if met is True:
        gap, rel = 0.0, 0.0
    elif met is False and not c.selector:  # a selector picks a branch; it is no target
        best = hi if c.op in (">=", ">") else lo
        gap, rel = shortfall(best, c.op, c.threshold)
    return CriterionResult(
        id=c.id,
        label_zh=c.label_zh,
        label_en=c.label_en,
        metric=c.metric,
        op=c.op,
        threshold=c.threshold,
        unit=c.unit,
        actual=_plain(lo) if lo == hi else None,
        met=met,
        shortfall=gap,
        relative_shortfall=rel,
        uncertain=c.uncertain,
        selector=c.selector,
        source=c.source,
    )


_Cost = tuple[float, float, tuple[str, ...]]
_FREE: _Cost = (0.0, 0.0, ())
_IMPOSSIBLE: _Cost = (INF, INF, ())


def _leaf_cost(r: CriterionResult, near_margin: float | None) -> _Cost:
    """Cost of making one criterion pass; ``near_margin=None`` counts every miss."""
    if r.met is True:
        return _FREE
    if r.met is None:
        return _FREE if near_margin is None else _IMPOSSIBLE
    if r.selector:
        return _IMPOSSIBLE
    rel = r.relative_shortfall
    if near_margin is not None and (rel is None or rel > near_margin + 1e-12):
        return _IMPOSSIBLE
    return (1.0, 1.0 if rel is None else rel, (r.id,))


def _add(costs: list[_Cost]) -> _Cost:
    n = sum(c[0] for c in costs)
    s = sum(c[1] for c in costs)
    return (n, s, tuple(i for c in costs for i in c[2])) if n < INF else _IMPOSSIBLE


def _node(
    node: Node, results: dict[str, CriterionResult], near: float | None, groups: dict[str, Tri]
) -> tuple[Tri, _Cost]:
    if isinstance(node, Criterion):
        r = results[node.id]
        return r.met, _leaf_cost(r, near)
    states, costs = [], []
    for child in node.items:
        s, c = _node(child, results, near, groups)
        states.append(s)
        costs.append(c)
    k = {"all": len(node.items), "any": 1}.get(node.mode, node.k)
    n_true = sum(s is True for s in states)
    n_possible = sum(s is not False for s in states)
    state: Tri = True if n_true >= k else (False if n_possible < k else None)
    groups[node.id] = state
    cheapest = sorted(costs, key=lambda c: (c[0], c[1]))[:k]
    return state, _add(cheapest)


def evaluate(
    rule_set: RuleSet,
    record: Mapping[str, Any] | Any,
    *,
    near_margin: float | None = None,
    max_missed: int | None = None,
) -> Evaluation:
    """Evaluate one enterprise record against a rule set.

    Parameters
    ----------
    rule_set : RuleSet
    record : mapping or dataclass
        Field name -> value (money in 万元, shares as fractions, booleans for yes/no);
        a missing key, None or NaN is missing data.
    near_margin, max_missed : optional
        Override the rule set's "nearly qualifies" margin and number of misses.

    Returns
    -------
    Evaluation

    Notes
    -----
    Kleene logic: ``all`` is False if any child is False, True if all are True, else
    undetermined; ``any`` is True if any child is True, False if all are False;
    ``at_least k`` is True with k True children, False when fewer than k can still be
    True. Points tables: the first row whose condition holds gives the points, else
    ``otherwise``; a row with missing data widens the score to a range
    [score_min, score_max], and a criterion on the score is decided only when the
    whole range agrees.

    References
    ----------
    .. [1] 工业和信息化部《优质中小企业梯度培育管理暂行办法》（工信部企业〔2022〕63号）,
       the criteria this evaluator was built for (see docs/methods/tiers.md).

    Examples
    --------
    >>> rs = rule_set_from_dict({"id": "demo", "version": "1", "name_zh": "示例",
    ...     "name_en": "Demo", "sources": {"s": {"title": "t"}},
    ...     "fields": {"revenue": {"unit": "万元"}},
    ...     "rule": {"id": "root", "mode": "all", "items": [{"id": "rev",
    ...         "metric": "revenue", "op": ">=", "threshold": 2000, "source": "s"}]}})
    >>> e = evaluate(rs, {"revenue": 1800})
    >>> e.qualifies, e.nearly_qualifies, e.criterion("rev").shortfall
    (False, True, 200.0)
    >>> evaluate(rs, {}).determined
    False
    """
    margin = rule_set.near_margin if near_margin is None else near_margin
    limit = rule_set.max_missed if max_missed is None else max_missed
    ctx = _Ctx(rule_set, _record(record), {})
    points = _scores(ctx)
    results = {c.id: _criterion(ctx, c) for c in rule_set.criteria}
    groups: dict[str, Tri] = {}
    state, opt_cost = _node(rule_set.root, results, None, groups)
    _, near_cost = _node(rule_set.root, results, margin, {})
    qualifies = state is True
    nearly = (not qualifies) and near_cost[0] <= limit
    lo_hi = ctx.cache.get("score")
    group_scores: dict[str, float | None] = {}
    for g in rule_set.score_groups:
        glo, ghi = ctx.cache[f"score.{g.id}"]
        group_scores[g.id] = glo if glo == ghi else None
    return Evaluation(
        rule_set=rule_set.id,
        version=rule_set.version,
        qualifies=qualifies,
        determined=state is not None,
        nearly_qualifies=nearly,
        missed_count=0 if qualifies else (int(opt_cost[0]) if opt_cost[0] < INF else None),
        missed=() if qualifies else opt_cost[2],
        near_missed=near_cost[2] if nearly else (),
        missing=tuple(r.id for r in results.values() if r.met is None),
        uncertain=tuple(r.id for r in results.values() if r.uncertain),
        score=None if lo_hi is None or lo_hi[0] != lo_hi[1] else lo_hi[0],
        score_min=None if lo_hi is None else lo_hi[0],
        score_max=None if lo_hi is None else lo_hi[1],
        group_scores=group_scores,
        criteria=tuple(results.values()),
        points=points,
        groups=groups,
    )


def is_effective(rule_set: RuleSet, on: date) -> bool:
    """Whether ``on`` falls in the rule set's effective period (open ends allowed).

    Examples
    --------
    >>> rs = rule_set_from_dict({"id": "d", "version": "1", "name_zh": "示例", "name_en": "D",
    ...     "effective_from": "2022-08-01", "sources": {"s": {"title": "t"}},
    ...     "rule": {"id": "r", "mode": "all", "items": [{"id": "x", "metric": "x",
    ...         "op": ">=", "threshold": 1, "source": "s"}]}, "fields": {"x": {}}})
    >>> is_effective(rs, date(2022, 7, 31)), is_effective(rs, date(2023, 1, 1))
    (False, True)
    """
    if rule_set.effective_from is not None and on < rule_set.effective_from:
        return False
    return not (rule_set.effective_to is not None and on > rule_set.effective_to)


def evaluate_frame(rule_set: RuleSet, frame: Any, **kwargs: Any) -> Any:
    """Vectorised :func:`evaluate` over a Polars DataFrame; see
    :func:`gaodi.analytics.ruleset_frame.evaluate_frame`."""
    from gaodi.analytics.ruleset_frame import evaluate_frame as _impl

    return _impl(rule_set, frame, **kwargs)
