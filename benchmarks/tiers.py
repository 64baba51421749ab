"""Benchmark: vectorised tier evaluation with decimal re-decision of near-ties.

For every shipped tier rule set, N generated enterprises (each field drawn from the values the
rule files compare with, a share of the numbers exactly on a threshold, and 10 % missing) are
evaluated three ways in the same run:

Two data mixes: ``--on-threshold 0.05`` (default: 5 % of the numbers exactly on a threshold,
closer to real data) and a pathological ``--on-threshold 0.5``.

* **gaodi**: ``evaluate_frame`` as shipped — float comparisons, then the rows within 1e-9 of a
  threshold re-decided by the scalar decimal evaluator;
* **baseline, floats only**: the same ``evaluate_frame`` with the re-decision switched off
  (what 0.1.0 did);
* **scalar**: ``evaluate`` row by row on a sample of 2 000, extrapolated to N.

It prints the times, the share of rows re-decided and how many decisions the re-decision
changed. Run: ``.venv/bin/python benchmarks/tiers.py [--n 100000] [--on-threshold 0.05]``.
"""

from __future__ import annotations

import argparse
import random
import time
from decimal import Decimal
from typing import Any

import polars as pl

from gaodi.analytics import ruleset_frame
from gaodi.analytics.rulefiles import list_rule_sets, load_rule_set
from gaodi.analytics.ruleset import evaluate, evaluate_frame


def _thresholds(rs: Any) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    conds = [c.condition for c in rs.criteria]
    conds += [c for p in rs.points for row in p.rows for c in row.conditions]
    for c in conds:
        ts = c.threshold if isinstance(c.threshold, tuple) else (c.threshold,)
        for t in ts:
            if isinstance(t, int | float) and not isinstance(t, bool):
                out.setdefault(c.metric, []).append(float(t))
    return out


def frame_for(rs: Any, n: int, on_threshold: float, seed: int = 7) -> pl.DataFrame:
    rng = random.Random(seed)
    ts = _thresholds(rs)
    cols: dict[str, list[Any]] = {}
    for name, f in rs.fields.items():
        values: list[Any] = []
        for _ in range(n):
            if rng.random() < 0.1:
                values.append(None)
            elif f.kind == "bool":
                values.append(rng.random() < 0.5)
            elif f.kind == "text":
                values.append(rng.choice(["C35", "C36", "C20"]))
            elif ts.get(name) and rng.random() < on_threshold:
                values.append(rng.choice(ts[name]))
            else:
                values.append(rng.uniform(0, 2) * (max(ts.get(name, [1.0])) or 1.0))
        kind = {"number": pl.Float64, "bool": pl.Boolean, "text": pl.String}[f.kind]
        cols[name] = pl.Series(name, values, dtype=kind)
    # derived ratios on exact decimal ties: rd_spend / revenue = 0.05 with inexact floats
    if "rd_spend" in cols and "revenue" in cols:
        rev = cols["revenue"].to_list()
        rd = cols["rd_spend"].to_list()
        for i in range(n):
            if rng.random() < on_threshold:
                rev[i] = float(rng.choice([12006, 14, 28, 6, 1414]))
                rd[i] = float(Decimal(repr(rev[i])) * Decimal("0.05"))  # e.g. 600.3
        cols["revenue"] = pl.Series("revenue", rev, dtype=pl.Float64)
        cols["rd_spend"] = pl.Series("rd_spend", rd, dtype=pl.Float64)
    return pl.DataFrame(cols)


def _counting(original: Any, calls: list[int]) -> Any:
    def counting(*a: Any, **k: Any) -> Any:
        calls.append(len(a[3]))  # a[3]: the rows re-decided
        return original(*a, **k)

    return counting


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--on-threshold", type=float, default=0.05)
    args = ap.parse_args()
    keys = ["qualifies", "determined", "nearly_qualifies", "missed_count"]
    print(
        "| rule set | N | gaodi (s) | floats only (s) | ratio | re-decided rows | "
        "decisions changed | scalar, extrapolated (s) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name in list_rule_sets():
        rs = load_rule_set(name)
        df = frame_for(rs, args.n, args.on_threshold)
        t0 = time.perf_counter()
        exact = evaluate_frame(rs, df, detail=False)
        t_exact = time.perf_counter() - t0
        calls: list[int] = []
        original = ruleset_frame._redecide
        ruleset_frame._redecide = _counting(original, calls)  # type: ignore[assignment]
        evaluate_frame(rs, df.head(20_000), detail=False)
        ruleset_frame._redecide = lambda rs_, fr, out, *rest: out  # type: ignore[assignment]
        t0 = time.perf_counter()
        floats = evaluate_frame(rs, df, detail=False)
        t_float = time.perf_counter() - t0
        ruleset_frame._redecide = original  # type: ignore[assignment]
        changed = (
            exact.select(keys)
            .with_row_index()
            .join(floats.select(keys).with_row_index(), on="index", suffix="_f")
        )
        n_changed = changed.filter(
            pl.any_horizontal(pl.col(k).ne_missing(pl.col(f"{k}_f")) for k in keys)
        ).height
        sample = df.head(2000)
        t0 = time.perf_counter()
        for row in sample.iter_rows(named=True):
            evaluate(rs, row)
        t_scalar = (time.perf_counter() - t0) * args.n / sample.height
        share = (calls[0] / min(20_000, args.n)) if calls else 0.0
        print(
            f"| {name} | {args.n:,} | {t_exact:.2f} | {t_float:.2f} | "
            f"{t_exact / t_float:.2f} | {share:.1%} | {n_changed:,} | {t_scalar:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
