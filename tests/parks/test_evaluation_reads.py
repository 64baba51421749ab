"""How the 亩均 evaluation reads and narrows the city (the large demo city: 300,000 firms), and
that the faster ways give exactly what the slower ones gave.

* the year's figures are one read, with ``EnterpriseYear.extra`` decoded once per distinct text
  and only when a scheme needs a figure from it: the same frame as the ORM rows gave;
* the missing-figure reasons of :func:`service.screen` are those of the string chains it
  replaced (kept here as the reference), on random frames, for every shipped scheme;
* the positioning check (chains' membership) is worked out once per evaluation, not on every
  parks page;
* a park's page narrows its firms to the viewer's in a fixed number of statements (not one
  ``IN (...)`` per 5,000 ids) and builds only the left-out rows it shows.

The city is tests/parks/test_service.py's hand-made one (plus firms added here).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import polars as pl
import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.engine import Engine

from gaodi.analytics.above_scale import above_scale_expr, is_industrial_expr
from gaodi.analytics.per_mu import PerMuRules, coverage
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.models import Enterprise, EnterpriseYear
from gaodi.parks import loaders, service
from tests.parks.test_service import city  # noqa: F401  (the hand-made city)


def _screen_before(frame: pl.DataFrame, rules: PerMuRules) -> Any:
    """:func:`service.screen` as it was: the reasons as when/then chains of strings."""
    cov = coverage(frame, rules, id_column="enterprise_id").drop("enterprise_id")
    work = pl.concat([frame, cov.rename({"segment": "__segment"})], how="horizontal")
    keep = pl.col("covered")
    missing_zh: Any = pl.lit(None, dtype=pl.String)
    missing_en: Any = pl.lit(None, dtype=pl.String)
    missing_code: Any = pl.lit(None, dtype=pl.String)
    for scheme in rules.schemes:
        for it in scheme.items:
            if it.missing != "error":
                continue
            num, den = it.indicator.numerator, it.indicator.denominator
            ok = (
                (pl.col(num).is_not_null() & (pl.col(den) > 0)).fill_null(False)
                if num in work.columns and den in work.columns
                else pl.lit(False)
            )
            bad = keep & (pl.col("__segment") == scheme.id) & ~ok
            label = it.indicator.label_zh or it.indicator.id
            missing_code = (
                pl.when(bad).then(pl.lit(f"missing:{it.indicator.id}")).otherwise(missing_code)
            )
            missing_zh = (
                pl.when(bad)
                .then(pl.lit(f"缺少“{label}”所需数据（{num} 或 {den} 缺失或非正），不参加亩均评价"))
                .otherwise(missing_zh)
            )
            missing_en = (
                pl.when(bad)
                .then(
                    pl.lit(
                        f"'{it.indicator.id}' cannot be computed ({num} or {den} missing or <= 0): "
                        "not evaluated"
                    )
                )
                .otherwise(missing_en)
            )
            keep = keep & ~bad
    work = work.with_columns(
        pl.coalesce(missing_code, pl.col("reason")).alias("reason"),
        pl.coalesce(missing_zh, pl.col("reason_zh")).alias("reason_zh"),
        pl.coalesce(missing_en, pl.col("reason_en")).alias("reason_en"),
        keep.alias("__keep"),
    )
    out = work.filter(pl.col("__keep")).drop("__segment", "covered", "reason", "__keep")
    excluded = work.filter(~pl.col("__keep")).select(
        "enterprise_id", "park_id", "land_mu", "reason", "reason_zh", "reason_en"
    )
    reasons = Counter(dict(excluded.group_by("reason").len().iter_rows()))
    return out, Counter({str(k): int(v) for k, v in reasons.items() if v}), excluded


def _random_figures(rules: PerMuRules, n: int, seed: int) -> pl.DataFrame:
    """A frame shaped like :func:`loaders.figures`: every figure the rules read, each null,
    zero, negative or positive, land around the threshold, codes 工业, not, or unknown."""
    rng = np.random.default_rng(seed)
    fields = sorted(service._fields(rules) - {"above_scale", "is_industrial"} | {"land_mu"})
    columns: dict[str, Any] = {
        "enterprise_id": np.arange(1, n + 1),
        "park_id": [None if k == 0 else int(k) for k in rng.integers(0, 4, n)],
        "industry_code": [
            [None, "3511", "2710", "6513", "99x", "1310"][k] for k in rng.integers(0, 6, n)
        ],
    }
    for name in fields:
        kind = rng.integers(0, 10, n)
        value = rng.uniform(0.5, 5000.0, n)
        columns[name] = [
            None if k == 0 else 0.0 if k == 1 else -1.0 if k == 2 else float(v)
            for k, v in zip(kind, value, strict=True)
        ]
    columns["land_mu"] = [
        None if k == 0 else float(v) for k, v in zip(rng.integers(0, 8, n), rng.choice(
            [0.0, 1.5, 2.999, 3.0, 3.0001, 10.0, 50.0], n), strict=True)
    ]  # fmt: skip
    frame = pl.DataFrame(columns, schema_overrides={"park_id": pl.Int64})
    if "main_revenue" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("main_revenue"))
    if "revenue" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("revenue"))
    return frame.with_columns(
        is_industrial_expr("industry_code").alias("is_industrial"),
        above_scale_expr("industry_code").alias("above_scale"),
    )


@pytest.mark.parametrize("scheme", service.schemes())
def test_screen_gives_the_reasons_of_the_string_chains_it_replaced(scheme: str) -> None:
    rules = service._rules(scheme)
    for seed in range(3):
        frame = _random_figures(rules, 2_000, seed)
        out, reasons, excluded = service.screen(frame, rules)
        out0, reasons0, excluded0 = _screen_before(frame, rules)
        assert out.equals(out0) and out.columns == out0.columns
        assert excluded.equals(excluded0)
        assert reasons == reasons0
        assert sum(reasons.values()) + out.height == frame.height


def _figures_before(s: Any, year: int, extra_fields: set[str]) -> pl.DataFrame:
    """:func:`loaders.figures` as it was: ORM rows, ``extra`` decoded for every row."""
    cols = [getattr(EnterpriseYear, c) for c in loaders.COLUMNS]
    rows = s.execute(
        select(Enterprise.id, Enterprise.park_id, Enterprise.industry_code, *cols, EnterpriseYear.extra)
        .join(Enterprise, Enterprise.id == EnterpriseYear.enterprise_id)
        .where(EnterpriseYear.year == year)
        .order_by(Enterprise.id)
    ).all()  # fmt: skip
    extras = sorted(set(extra_fields) - set(loaders.COLUMNS.values()) - set(loaders.COLUMNS))
    schema: dict[str, Any] = {
        "enterprise_id": pl.Int64,
        "park_id": pl.Int64,
        "industry_code": pl.String,
        **{c: pl.Float64 for c in loaders.COLUMNS},
    }
    frame = pl.DataFrame([tuple(r[:-1]) for r in rows], schema=schema, orient="row")
    for name in extras:
        values = []
        for r in rows:
            v = (r[-1] or {}).get(name)
            ok = isinstance(v, (int, float)) and not isinstance(v, bool)
            values.append(float(v) if ok else None)
        frame = frame.with_columns(pl.Series(name, values, dtype=pl.Float64))
    frame = frame.rename({k: v for k, v in loaders.COLUMNS.items() if k != v})
    return frame.with_columns(
        (pl.col("electricity") / 10.0),
        is_industrial_expr("industry_code").alias("is_industrial"),
        above_scale_expr("industry_code").alias("above_scale"),
    )


def test_the_figures_are_those_the_orm_rows_gave(
    db: Engine,
    city: dict[str, int],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    extras = [
        {"cod_t": 2.0, "water_t": 5000},
        {"cod_t": True, "water_t": "12"},
        {"cod_t": None, "other": [1, 2]},
        {},
        {"cod_t": 2.0, "water_t": 5000},
    ]
    with session_scope(db, actor="test") as s:
        rows = s.scalars(select(EnterpriseYear).where(EnterpriseYear.year == 2023)).all()
        for row, extra in zip(rows, extras, strict=False):
            row.extra = extra
    decoded: list[str] = []
    original = loaders.json.loads
    monkeypatch.setattr(loaders.json, "loads", lambda t: decoded.append(t) or original(t))
    with session_scope(db) as s:
        for scheme in service.schemes():
            fields = service._fields(service._rules(scheme)) | {"land_mu"}
            for wanted in (fields, fields | {"cod_t", "water_t", "is_industrial"}):
                decoded.clear()
                new = loaders.figures(s, 2023, wanted)
                read = list(decoded)
                before = _figures_before(s, 2023, wanted)
                assert new.equals(before) and new.columns == before.columns
                # each distinct text once, and none when no figure comes from ``extra``
                assert len(read) == len(set(read))
                named = set(loaders.COLUMNS) | set(loaders.COLUMNS.values()) | loaders.DERIVED
                assert bool(read) == bool(set(wanted) - named)


def test_the_positioning_is_worked_out_once_per_evaluation(
    db: Engine,
    city: dict[str, int],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []
    original = loaders.chain_members
    monkeypatch.setattr(
        loaders, "chain_members", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    service.POSITIONING.clear()
    office = Principal(username="po", role="park_office", park_ids=frozenset({city["P甲"]}))
    with session_scope(db) as s:
        state = service.compute(s, SYSTEM, year=2023)
        first = service.evaluate(s, SYSTEM, state=state)
        again = service.evaluate(s, SYSTEM, state=state)
        mine = service.evaluate(s, office, state=state)
    assert len(calls) == 1  # not once per page
    assert [p.positioning for p in first.parks] == [p.positioning for p in again.parks]
    jia = next(p for p in first.parks if p.id == city["P甲"])
    assert [p.positioning for p in mine.parks] == [jia.positioning]
    # each page gets its own copy: one page's model changed leaves the others' alone
    assert jia.positioning is not None and again.parks[0].positioning is not jia.positioning


def _add_firms(db: Engine, park_id: int, n: int) -> None:
    """``n`` firms in the park, on 1 亩 (left out: below the land threshold)."""
    with session_scope(db, actor="test") as s:
        start = int(s.scalar(select(Enterprise.id).order_by(Enterprise.id.desc()).limit(1)) or 0)
        s.execute(
            insert(Enterprise),
            [
                {
                    "id": start + i,
                    "uscc": f"91430100MB{start + i:08d}",
                    "name": f"加企业{i}",
                    "industry_code": "3511",
                    "park_id": park_id,
                }
                for i in range(1, n + 1)
            ],
        )
        s.execute(
            insert(EnterpriseYear),
            [
                {"enterprise_id": start + i, "year": 2023, "land_mu": 1.0, "output": 10.0}
                for i in range(1, n + 1)
            ],
        )


def _statements(db: Engine, run: Any) -> int:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(db, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(db, "before_cursor_execute", count)
    return len(seen)


def _park_page(db: Engine, who: Principal, park_id: int) -> tuple[Any, ...]:
    """What the park page asks of the service (on a computed evaluation), with the statements
    of the reads that narrow the park's firms to the viewer's."""
    for memo in (service.EVALUATIONS, service.EXCLUDED, service.POSITIONING):
        memo.clear()  # the firms added below are not an audited write: no new data version
    with session_scope(db) as s:
        state = service.compute(s, SYSTEM, year=2023)
        service.evaluate(s, who, state=state)  # the positioning, read once
        out: dict[str, Any] = {}

        def run() -> None:
            out["firms"] = service.park_enterprises(s, who, park_id, state=state)
            out["ranking"] = service.evaluate(s, who, state=state)
            out["left"] = service.excluded_summary(s, who, park_id=park_id, state=state, limit=100)

        n = _statements(db, run)
        whole = service.excluded_enterprises(s, who, park_id=park_id, state=state)
        return n, out, whole


@pytest.mark.parametrize("scoped", [False, True])
def test_a_park_page_narrows_its_firms_in_a_fixed_number_of_statements(
    db: Engine,
    city: dict[str, int],  # noqa: F811
    scoped: bool,
) -> None:
    jia = city["P甲"]
    who = (
        Principal(username="po", role="park_office", park_ids=frozenset({jia}))
        if scoped
        else SYSTEM
    )
    small, before, _ = _park_page(db, who, jia)
    _add_firms(db, jia, 12_000)  # more than two chunks of 5,000 ids
    large, after, whole = _park_page(db, who, jia)
    assert large == small  # not one IN (...) per 5,000 ids
    assert after["firms"].not_evaluated == before["firms"].not_evaluated + 12_000
    assert after["firms"].counts == before["firms"].counts
    # the left-out rows shown are the head of the whole list, counted as the page counted it
    left = after["left"]
    assert [r.model_dump() for r in left.rows] == [r.model_dump() for r in whole[:100]]
    assert left.total == len(whole) == 12_001
    counts: dict[str, int] = {}
    for r in whole:
        counts[r.reason.split(":", 1)[0]] = counts.get(r.reason.split(":", 1)[0], 0) + 1
    assert list(left.counts.items()) == list(counts.items())
    assert left.counts == {"no_land": 1, "below_land": 12_000}
