"""Enterprise figures as the rule sets and the scoring read them: one row per enterprise.

``tier_frame`` builds the input contract of the tier rule sets
(``gaodi/analytics/rules/tiers/_fields.yaml``) from the yearly figures: the year's values, and
what two or three years give (growth, two-year R&D). Anything else the contract names (years in
the niche, intellectual property, awards …) is a tier fact of the year
(:mod:`gaodi.enterprises.facts`: entered, imported or approved from a declaration), else read
from ``EnterpriseYear.extra`` of the year; a field found nowhere is missing, so criteria on it
stay undetermined.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from decimal import Context, Decimal
from functools import lru_cache
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from gaodi.analytics.above_scale import is_industrial_expr
from gaodi.analytics.rulefiles import load_field_contract
from gaodi.analytics.ruleset import dec
from gaodi.analytics.ruleset_exact import growth, mean_growth, quotient, root_growth, short_decimals
from gaodi.engine.rows import json_text
from gaodi.enterprises import facts, tier_lists
from gaodi.enterprises.models import Enterprise, EnterpriseYear, TierFact

YEAR_COLUMNS = (
    "revenue",
    "main_revenue",
    "output",
    "value_added",
    "tax",
    "profit",
    "employees",
    "rd_spend",
    "invention_patents",
    "debt_ratio",
)
_YEAR_TYPES = {"employees": pl.Int64, "invention_patents": pl.Int64}
#: Contract fields computed here (the rest are tier facts, or come from ``extra``).
COMPUTED = facts.COMPUTED
CHUNK = 5000


@lru_cache(maxsize=1)
def _contract() -> dict[str, dict]:
    return load_field_contract()


_EXACT_INPUTS = (
    "revenue",
    "revenue_1",
    "main_revenue",
    "main_revenue_1",
    "main_revenue_2",
    "rd_spend",
    "rd_spend_1",
)
_EXACT_OUTPUTS = (
    "revenue_growth",
    "main_revenue_growth",
    "main_revenue_growth_2y_cagr",
    "main_revenue_growth_2y_mean",
    "rd_intensity",
    "rd_intensity_min_2y",
)
_CTX = Context(prec=34)


def _d(v: float | None) -> Decimal | None:
    if v is None:
        return None
    if v.__class__ is float:  # the common case, as dec reads it, without dec's checks
        return Decimal(repr(v)) if math.isfinite(v) else None
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return dec(v)


def _quotient(num: Decimal | None, den: Decimal | None) -> Decimal | None:
    """num / den in decimals; unknown when either is unknown or den <= 0."""
    if num is None or den is None or den <= 0:
        return None
    return _CTX.divide(num, den)


def exact_figures(
    revenue: float | None,
    revenue_1: float | None,
    main_revenue: float | None,
    main_revenue_1: float | None,
    main_revenue_2: float | None,
    rd_spend: float | None,
    rd_spend_1: float | None,
) -> tuple[float | None, ...]:
    """Growth rates and R&D ratios computed in decimals (figures read as written, see
    :func:`gaodi.analytics.ruleset.dec`), returned as the nearest floats.

    Returns ``(revenue_growth, main_revenue_growth, main_revenue_growth_2y_cagr,
    main_revenue_growth_2y_mean, rd_intensity, rd_intensity_min_2y)``. The nearest float of
    an exact 0.15 is the float the rule file's 0.15 reads as, so 23000 / 20000 − 1 scores in
    the 15 % band (the float expression 23000 / 20000 − 1 is 0.1499999999999999).

    * 2-year average growth, two readings of "近2年主营业务收入平均增长率": ``cagr`` =
      (x_t / x_{t−2})^(1/2) − 1 (水平法, the statistical average growth rate) and ``mean`` =
      ((x_t / x_{t−1} − 1) + (x_{t−1} / x_{t−2} − 1)) / 2 (arithmetic mean of the two rates);
      the rule file's ``growth_2y_reading`` parameter chooses.
    * A year's R&D intensity needs that year's R&D spending: a missing current value is
      unknown (never last year's ratio), and the 2-year minimum needs both years.

    Examples
    --------
    >>> g = exact_figures(23000.0, 20000.0, 121.0, 110.0, 100.0, None, 5.0)
    >>> g[0], g[1], g[2], g[3], g[4], g[5]
    (0.15, 0.1, 0.1, 0.1, None, None)
    """
    rev, rev1, rd0, rd1 = _d(revenue), _d(revenue_1), _d(rd_spend), _d(rd_spend_1)
    m0, m1, m2 = _d(main_revenue), _d(main_revenue_1), _d(main_revenue_2)
    one = Decimal(1)
    q_rev = _quotient(rev, rev1)
    q_m01 = _quotient(m0, m1)
    q_m12 = _quotient(m1, m2)
    q_m02 = _quotient(m0, m2)
    rd_now = _quotient(rd0, rev)
    rd_prev = _quotient(rd1, rev1)
    out: list[Decimal | None] = [
        None if q_rev is None else q_rev - one,
        None if q_m01 is None else q_m01 - one,
        # a negative figure (never imported: revenues are ≥ 0) has no yearly growth over two
        # years, rather than a square root that fails the whole city's tiers
        None if q_m02 is None or q_m02 < 0 else _CTX.sqrt(q_m02) - one,
        None if q_m01 is None or q_m12 is None else (q_m01 + q_m12 - 2 * one) / 2,
        rd_now,
        None if rd_now is None or rd_prev is None else min(rd_now, rd_prev),
    ]
    return tuple(None if v is None else float(v) for v in out)


def exact_frame(inputs: pl.DataFrame) -> list[pl.Series]:
    """:func:`exact_figures` of every row of ``inputs`` (columns ``_EXACT_INPUTS``), as the
    columns ``_EXACT_OUTPUTS``: the same floats, bit for bit.

    Rows whose figures are short decimals are computed over whole arrays with a proof per value
    that it is the decimal computation's (:mod:`gaodi.analytics.ruleset_exact`); the others, and
    any value the proof does not settle, by :func:`exact_figures` row by row (4 s for the large
    city's 300,000 firms when every row went that way)."""
    height = inputs.height
    x = {c: inputs[c].cast(pl.Float64).to_numpy() for c in _EXACT_INPUTS}
    known = {c: np.isfinite(v) for c, v in x.items()}  # NaN and ±inf are missing, as in _d
    n: dict[str, np.ndarray] = {}
    slow = np.zeros(height, dtype=bool)
    for c, v in x.items():
        n[c], short = short_decimals(v)
        slow |= known[c] & ~short
    positive = {c: known[c] & (x[c] > 0) for c in x}

    def both(*cs: str) -> np.ndarray:
        return np.logical_and.reduce([known[c] for c in cs])

    with np.errstate(all="ignore"):  # rows where a value is not wanted may divide by zero
        rev_g = growth(n["revenue"], n["revenue_1"])
        main_g = growth(n["main_revenue"], n["main_revenue_1"])
        cagr = root_growth(n["main_revenue"], n["main_revenue_2"])
        mean = mean_growth(n["main_revenue"], n["main_revenue_1"], n["main_revenue_2"])
        rd_now = quotient(n["rd_spend"], n["revenue"])
        rd_prev = quotient(n["rd_spend_1"], n["revenue_1"])
    wanted = [
        (both("revenue") & positive["revenue_1"], rev_g),
        (both("main_revenue") & positive["main_revenue_1"], main_g),
        # a negative quotient has no yearly growth (None, as exact_figures gives)
        (both("main_revenue") & (x["main_revenue"] >= 0) & positive["main_revenue_2"], cagr),
        (both("main_revenue") & positive["main_revenue_1"] & positive["main_revenue_2"], mean),
        (both("rd_spend") & positive["revenue"], rd_now),
    ]
    cols: list[np.ndarray] = []
    for valid, got in wanted:
        slow |= valid & ~got.proven
        cols.append(np.where(valid, got.value, np.nan))
    # min of two decimals then the nearest float is the min of the nearest floats (rounding is
    # monotone)
    prev_valid = both("rd_spend_1") & positive["revenue_1"]
    both_rd = wanted[4][0] & prev_valid
    slow |= prev_valid & ~rd_prev.proven
    cols.append(np.where(both_rd, np.minimum(rd_now.value, rd_prev.value), np.nan))
    series = [
        pl.Series(name, col, dtype=pl.Float64, nan_to_null=True)
        for name, col in zip(_EXACT_OUTPUTS, cols, strict=True)
    ]
    rows = np.flatnonzero(slow)
    if rows.size:
        part = inputs[rows]
        args = [part[c].to_list() for c in _EXACT_INPUTS]
        exact = list(zip(*map(exact_figures, *args), strict=True))
        idx = pl.Series(rows, dtype=pl.UInt32)
        series = [
            s.scatter(idx, pl.Series(s.name, exact[k], dtype=pl.Float64))
            for k, s in enumerate(series)
        ]
    return series


def tier_frame(session: Session, enterprise_ids: Sequence[int] | None, year: int) -> pl.DataFrame:
    """One row per enterprise with figures for ``year``: ``enterprise_id`` and the contract
    fields that can be known (money in 万元, rates as fractions)."""
    # One query: the year's figures, the two years before (growth and two-year R&D: three
    # columns, joined on the unique (enterprise, year)), the industry code, and ``extra`` as
    # its text. Reading the years apart and decoding ``extra`` row by row took most of the
    # large city's 18 s eligibility page (benchmarks/tier_frame.py).
    prev, prev2 = aliased(EnterpriseYear), aliased(EnterpriseYear)
    now = EnterpriseYear
    query = (
        select(
            now.enterprise_id,
            *(getattr(now, c) for c in YEAR_COLUMNS),
            json_text(now.extra),
            prev.revenue,
            prev.main_revenue,
            prev.rd_spend,
            prev2.main_revenue,
            Enterprise.industry_code,
        )
        .outerjoin(prev, (prev.enterprise_id == now.enterprise_id) & (prev.year == year - 1))
        .outerjoin(prev2, (prev2.enterprise_id == now.enterprise_id) & (prev2.year == year - 2))
        .outerjoin(Enterprise, Enterprise.id == now.enterprise_id)
        .where(now.year == year)
    )
    schema: dict[str, Any] = {
        "enterprise_id": pl.Int64,
        **{c: _YEAR_TYPES.get(c, pl.Float64) for c in YEAR_COLUMNS},
        "extra": pl.String,
        "revenue_1": pl.Float64,
        "main_revenue_1": pl.Float64,
        "rd_spend_1": pl.Float64,
        "main_revenue_2": pl.Float64,
        "industry_code": pl.String,
    }
    df = _read(session, query, now.enterprise_id, enterprise_ids, schema)
    if df.height == 0:
        return pl.DataFrame(schema={"enterprise_id": pl.Int64})
    exact = exact_frame(df.select(_EXACT_INPUTS))
    df = df.with_columns(exact).with_columns(
        (pl.col("rd_spend") + pl.col("rd_spend_1")).alias("rd_spend_2y"),
        is_industrial_expr().alias("is_industrial"),
    )
    df = df.drop("industry_code")
    # every enterprise's facts when every enterprise is asked for: no id list to send
    wanted = None if enterprise_ids is None else df["enterprise_id"].to_list()
    df = _with_facts(_with_extra(df), fact_columns(session, wanted, year, df["enterprise_id"]))
    ids = df["enterprise_id"].to_list()
    derived = tier_lists.derived_of(session, ids, year, every=enterprise_ids is None)
    return _with_lists(df, derived)


def rank_years(session: Session, enterprise_ids: Sequence[int] | None, year: int) -> pl.DataFrame:
    """The year's figures (``YEAR_COLUMNS``) with the year before's output and revenue
    (``output_1``, ``revenue_1``; null without a row for that year), one row per enterprise
    with figures for ``year``: one query, the year before joined on the unique
    (enterprise, year), instead of every column of both years read apart and joined here."""
    prev = aliased(EnterpriseYear)
    now = EnterpriseYear
    query = (
        select(
            now.enterprise_id,
            *(getattr(now, c) for c in YEAR_COLUMNS),
            prev.output,
            prev.revenue,
        )
        .outerjoin(prev, (prev.enterprise_id == now.enterprise_id) & (prev.year == year - 1))
        .where(now.year == year)
    )
    schema: dict[str, Any] = {
        "enterprise_id": pl.Int64,
        **{c: _YEAR_TYPES.get(c, pl.Float64) for c in YEAR_COLUMNS},
        "output_1": pl.Float64,
        "revenue_1": pl.Float64,
    }
    return _read(session, query, now.enterprise_id, enterprise_ids, schema)


def _read(
    session: Session,
    query: Any,
    id_column: Any,
    ids: Sequence[int] | None,
    schema: dict[str, Any],
) -> pl.DataFrame:
    """The rows of ``query`` (all when ``ids`` is None, else those whose ``id_column`` is in
    ``ids``, sent by chunks) as a frame of ``schema``: Core rows, no ORM row processing."""
    conn = session.connection()
    rows: list[Any] = []
    if ids is None:
        rows = list(conn.execute(query).all())  # rows are tuples to Polars: no copy
    else:
        wanted = sorted(set(ids))
        for i in range(0, len(wanted), CHUNK):
            part = query.where(id_column.in_(wanted[i : i + CHUNK]))
            rows.extend(conn.execute(part).all())
    return pl.DataFrame(rows, schema=schema, orient="row")


def industry_codes(
    session: Session, ids: Sequence[int] | pl.Series | None
) -> dict[int, str | None]:
    """Enterprise id -> industry code (all enterprises when ``ids`` is None)."""
    query = select(Enterprise.id, Enterprise.industry_code)
    if ids is None:
        return {k: v for k, v in session.execute(query)}
    wanted = sorted(set(int(i) for i in ids))
    out: dict[int, str | None] = {}
    for i in range(0, len(wanted), CHUNK):
        chunk = query.where(Enterprise.id.in_(wanted[i : i + CHUNK]))
        out.update({k: v for k, v in session.execute(chunk)})
    return out


def _with_extra(df: pl.DataFrame) -> pl.DataFrame:
    """Contract fields found in ``extra`` (its JSON text; numbers and yes/no) become columns."""
    contract = _contract()
    texts = df["extra"].to_list()
    # one decode per distinct text: most rows hold the same few (on the demo cities, all "{}")
    decoded: dict[str, Any] = {}
    for text in set(texts):
        if text is not None:
            decoded[text] = json.loads(text)
    wanted = {
        text
        for text, extra in decoded.items()
        if isinstance(extra, dict)
        and any(k in contract and k not in COMPUTED and k not in df.columns for k in extra)
    }
    found: dict[str, list] = {}
    for i, text in enumerate(texts) if wanted else ():
        if text not in wanted:
            continue
        for key, value in decoded[text].items():
            if key in contract and key not in COMPUTED and key not in df.columns:
                found.setdefault(key, [None] * len(texts))[i] = value
    cols = []
    for key, values in found.items():
        kind = contract[key].get("kind", "number")
        dtype = pl.Boolean if kind == "bool" else pl.Float64
        cols.append(pl.Series(key, values, dtype=dtype, strict=False))
    return df.drop("extra").with_columns(cols) if cols else df.drop("extra")


def fact_columns(
    session: Session, enterprise_ids: Sequence[int] | None, year: int, rows: pl.Series
) -> dict[str, pl.Series]:
    """The stored tier facts of ``year`` as columns aligned with ``rows`` (enterprise ids),
    valued as :func:`gaodi.enterprises.facts.display` reads them (yes/no, counts truncated),
    one column per fact field some enterprise has (in the contract's order).

    Read as a frame (id, field, value): building a :class:`~gaodi.enterprises.facts.StoredFact`
    per fact, as :func:`~gaodi.enterprises.facts.facts_of` does for one enterprise's page, cost
    2 s for the large city's 300,000."""
    query = select(TierFact.enterprise_id, TierFact.field, TierFact.value).where(
        TierFact.year == year
    )
    schema = {"enterprise_id": pl.Int64, "field": pl.String, "value": pl.Float64}
    stored = _read(session, query, TierFact.enterprise_id, enterprise_ids, schema)
    if stored.height == 0:
        return {}
    ids = rows.to_frame("enterprise_id")
    stored = stored.join(ids, on="enterprise_id", how="semi")  # only the frame's enterprises
    present = set(stored["field"].unique().to_list())
    out: dict[str, pl.Series] = {}
    for f in facts.fact_fields():
        if f.name not in present:  # no enterprise has this fact stored
            continue
        value = pl.col("value")
        if f.is_bool:
            value = value != 0  # bool(value)
        elif f.is_count:
            value = value.cast(pl.Int64).cast(pl.Float64)  # int(value): toward zero
        mine = stored.filter(pl.col("field") == f.name).select("enterprise_id", value.alias(f.name))
        out[f.name] = ids.join(mine, on="enterprise_id", how="left", maintain_order="left")[f.name]
    return out


def _with_facts(df: pl.DataFrame, stored: dict[str, pl.Series]) -> pl.DataFrame:
    """The tier facts of the year (:func:`fact_columns`) become columns; a stored fact wins
    over ``extra``."""
    cols = []
    for name, new in stored.items():
        if name in df.columns:  # keep the extra value where no fact is stored
            both = pl.DataFrame({"fact": new, "extra": df[name].cast(new.dtype, strict=False)})
            new = both.select(pl.coalesce("fact", "extra").alias(name)).to_series()
        cols.append(new)
    return df.with_columns(cols) if cols else df


def _with_lists(
    df: pl.DataFrame, derived: dict[int, dict[str, tier_lists.Derived]]
) -> pl.DataFrame:
    """The values the award, honour and margin lists give win over a yes/no fact or ``extra``;
    where the lists cannot tell (None) the column keeps what it had."""
    if not derived:
        return df
    ids = df["enterprise_id"].to_list()
    names = sorted({name for got in derived.values() for name in got})
    cols = []
    for name in names:
        values = [derived.get(i, {}).get(name) for i in ids]
        new = pl.Series(name, [None if v is None else v.value for v in values], dtype=pl.Boolean)
        if name in df.columns:
            both = pl.DataFrame({"list": new, "had": df[name].cast(pl.Boolean, strict=False)})
            new = both.select(pl.coalesce("list", "had").alias(name)).to_series()
        cols.append(new)
    return df.with_columns(cols)


def tier_bases(session: Session, enterprise_id: int, year: int) -> dict[str, tuple[str, str]]:
    """Field -> the reason in words (zh, en) for a value derived from the lists (the award
    used, the honour and the day it expired, the two margins), or for a yes/no fact used
    because the lists could not tell."""
    derived = tier_lists.derived_of(session, [enterprise_id], year).get(enterprise_id, {})
    stored = facts.facts_of(session, [enterprise_id], year).get(enterprise_id, {})
    out: dict[str, tuple[str, str]] = {}
    listed = (*tier_lists.AWARD_FIELDS, "has_valid_honour", "profit_above_industry")
    for name in listed:
        d = derived.get(name)
        if d is not None and d.value is not None:
            out[name] = (d.basis_zh, d.basis_en)
            continue
        fact = stored.get(name)
        why_zh, why_en = _fallback_reason(name)
        if d is not None:  # the list cannot tell: say why, then what is used instead
            why_zh, why_en = d.basis_zh, d.basis_en
        if fact is not None:
            out[name] = (f"{why_zh}；采用填报的“是/否”", f"{why_en}; the yes/no fact is used")
        elif d is not None:
            out[name] = (why_zh, why_en)
    return out


def _fallback_reason(name: str) -> tuple[str, str]:
    if name == "profit_above_industry":
        return (
            "系统中未录入行业利润率，无法比较利润率",
            "No industry margin is stored: the margins cannot be compared",
        )
    if name == "has_valid_honour":
        return "荣誉清单中无此类荣誉", "No honour of these kinds on the list"
    return "科技奖励清单为空", "The award list is empty"


def tier_sources(session: Session, enterprise_id: int, year: int) -> dict[str, str]:
    """Field -> where its value for ``year`` comes from: the yearly statistics for the computed
    fields, the stored fact's source for a tier fact, ``statistics`` for an ``extra`` figure."""
    out = {name: "statistics" for name in COMPUTED}
    extra = session.scalar(
        select(EnterpriseYear.extra).where(
            EnterpriseYear.enterprise_id == enterprise_id, EnterpriseYear.year == year
        )
    )
    for key in extra or {}:
        out.setdefault(key, "statistics")
    for name, fact in facts.facts_of(session, [enterprise_id], year).get(enterprise_id, {}).items():
        out[name] = fact.source
    for name, d in (
        tier_lists.derived_of(session, [enterprise_id], year).get(enterprise_id, {}).items()
    ):
        if d.value is not None:
            out[name] = d.source
    return out
