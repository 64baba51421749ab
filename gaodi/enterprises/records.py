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

import math
from collections.abc import Sequence
from decimal import Context, Decimal
from functools import lru_cache
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.analytics.above_scale import is_industrial
from gaodi.analytics.rulefiles import load_field_contract
from gaodi.analytics.ruleset import dec
from gaodi.enterprises import facts, tier_lists
from gaodi.enterprises.models import Enterprise, EnterpriseYear

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
#: Contract fields computed here (the rest are tier facts, or come from ``extra``).
COMPUTED = facts.COMPUTED
CHUNK = 5000


@lru_cache(maxsize=1)
def _contract() -> dict[str, dict]:
    return load_field_contract()


def years_frame(
    session: Session,
    enterprise_ids: Sequence[int] | None,
    years: Sequence[int],
    columns: Sequence[str] = YEAR_COLUMNS,
    *,
    extra: bool = True,
) -> pl.DataFrame:
    """Yearly figures (``columns``, and ``extra`` unless told not to: it is JSON, decoded row
    by row) of the enterprises (all when None) for ``years``."""
    cols = [getattr(EnterpriseYear, c) for c in columns]
    base = select(EnterpriseYear.enterprise_id, EnterpriseYear.year, *cols)
    if extra:
        base = base.add_columns(EnterpriseYear.extra)
    base = base.where(EnterpriseYear.year.in_(list(years)))
    schema = {
        "enterprise_id": pl.Int64,
        "year": pl.Int64,
        **{
            c: (pl.Int64 if c in ("employees", "invention_patents") else pl.Float64)
            for c in columns
        },
        **({"extra": pl.Object} if extra else {}),
    }
    rows: list[tuple] = []
    if enterprise_ids is None:
        rows = [tuple(r) for r in session.execute(base)]
    else:
        ids = sorted(set(enterprise_ids))
        for i in range(0, len(ids), CHUNK):
            query = base.where(EnterpriseYear.enterprise_id.in_(ids[i : i + CHUNK]))
            rows.extend(tuple(r) for r in session.execute(query))
    return pl.DataFrame(rows, schema=schema, orient="row")


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
        None if q_m02 is None else _CTX.sqrt(q_m02) - one,
        None if q_m01 is None or q_m12 is None else (q_m01 + q_m12 - 2 * one) / 2,
        rd_now,
        None if rd_now is None or rd_prev is None else min(rd_now, rd_prev),
    ]
    return tuple(None if v is None else float(v) for v in out)


def tier_frame(session: Session, enterprise_ids: Sequence[int] | None, year: int) -> pl.DataFrame:
    """One row per enterprise with figures for ``year``: ``enterprise_id`` and the contract
    fields that can be known (money in 万元, rates as fractions)."""
    now = years_frame(session, enterprise_ids, (year,))
    if now.height == 0:
        return pl.DataFrame(schema={"enterprise_id": pl.Int64})
    # the two years before give growth and two-year R&D only: three columns, no ``extra``
    past = ("revenue", "main_revenue", "rd_spend")
    years = years_frame(session, enterprise_ids, (year - 1, year - 2), past, extra=False)
    prev = years.filter(pl.col("year") == year - 1).select(
        "enterprise_id",
        *(pl.col(c).alias(f"{c}_1") for c in ("revenue", "main_revenue", "rd_spend")),
    )
    prev2 = years.filter(pl.col("year") == year - 2).select(
        "enterprise_id", pl.col("main_revenue").alias("main_revenue_2")
    )
    df = now.drop("year").join(prev, on="enterprise_id", how="left")
    df = df.join(prev2, on="enterprise_id", how="left")
    cols = {c: df[c].to_list() for c in ("revenue", "revenue_1", "main_revenue")}
    cols.update({c: df[c].to_list() for c in ("main_revenue_1", "main_revenue_2")})
    cols.update({c: df[c].to_list() for c in ("rd_spend", "rd_spend_1")})
    exact = list(zip(*map(exact_figures, *(cols[c] for c in _EXACT_INPUTS)), strict=True))
    df = df.with_columns(
        pl.Series(name, exact[k] if exact else [], dtype=pl.Float64)
        for k, name in enumerate(_EXACT_OUTPUTS)
    ).with_columns((pl.col("rd_spend") + pl.col("rd_spend_1")).alias("rd_spend_2y"))
    codes = industry_codes(session, None if enterprise_ids is None else df["enterprise_id"])
    df = df.with_columns(
        pl.Series(
            "is_industrial",
            [is_industrial(codes.get(i)) for i in df["enterprise_id"].to_list()],
            dtype=pl.Boolean,
        )
    )
    # every enterprise's facts when every enterprise is asked for: no id list to send
    wanted = None if enterprise_ids is None else df["enterprise_id"].to_list()
    stored = facts.facts_of(session, wanted, year)
    df = _with_facts(_with_extra(df), stored)
    ids = df["enterprise_id"].to_list()
    derived = tier_lists.derived_of(session, ids, year, every=enterprise_ids is None)
    return _with_lists(df, derived)


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
    """Contract fields found in ``extra`` (numbers and yes/no) become columns."""
    contract = _contract()
    extras = df["extra"].to_list()
    found: dict[str, list] = {}
    for i, extra in enumerate(extras):
        if not isinstance(extra, dict):
            continue
        for key, value in extra.items():
            if key in contract and key not in COMPUTED and key not in df.columns:
                found.setdefault(key, [None] * len(extras))[i] = value
    cols = []
    for key, values in found.items():
        kind = contract[key].get("kind", "number")
        dtype = pl.Boolean if kind == "bool" else pl.Float64
        cols.append(pl.Series(key, values, dtype=dtype, strict=False))
    return df.drop("extra").with_columns(cols) if cols else df.drop("extra")


def _with_facts(df: pl.DataFrame, stored: dict[int, dict[str, facts.StoredFact]]) -> pl.DataFrame:
    """The tier facts of the year become columns; a stored fact wins over ``extra``."""
    if not stored:
        return df
    ids = df["enterprise_id"].to_list()
    # one pass over the stored facts (few per enterprise), not one per field over every row
    found: dict[str, list[Any]] = {}
    for row, i in enumerate(ids):
        for name, v in stored.get(i, {}).items():
            if name not in found:
                found[name] = [None] * len(ids)
            found[name][row] = v.value
    cols = []
    for f in facts.fact_fields():
        values = found.get(f.name)
        if values is None:  # no enterprise has this fact stored
            continue
        new = pl.Series(
            f.name,
            values,
            dtype=pl.Boolean if f.is_bool else pl.Float64,
            strict=False,
        )
        if f.name in df.columns:  # keep the extra value where no fact is stored
            both = pl.DataFrame({"fact": new, "extra": df[f.name].cast(new.dtype, strict=False)})
            new = both.select(pl.coalesce("fact", "extra").alias(f.name)).to_series()
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
