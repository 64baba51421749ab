"""Regional specialisation on long tables ``region, industry, year, value``.

The table form of :mod:`gaodi.analytics.regional`: pivot with :func:`panel` (missing pairs are
0), apply the dense formulas year by year, return Polars tables. The input is a Polars or a
pandas DataFrame (converted). Input contract and formulas: ``docs/methods/regional.md``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from gaodi.analytics.regional import (
    FloatArray,
    hhi,
    hoover_localisation,
    krugman_index,
    location_quotient,
    shift_share,
)
from gaodi.core import words
from gaodi.core.errors import DataError, GaodiError

__all__ = [
    "cagr_table",
    "concentration_table",
    "localisation_table",
    "panel",
    "shift_share_table",
    "specialisation_table",
]


#: A Polars DataFrame, or a pandas one (converted with ``pl.from_pandas``).
DataFrameLike = Any

#: How the messages name the two tables a function reads (``table_zh``, ``table_en``).
INPUT_TABLE: dict[str, Any] = {"table_zh": "输入表", "table_en": "input table"}
_REFERENCE: dict[str, Any] = {"table_zh": "参照表", "table_en": "reference table"}


def as_polars(data: Any, table: dict[str, Any]) -> pl.DataFrame:
    """``data`` as a Polars DataFrame: a pandas DataFrame (an analyst's usual table) is
    converted; anything else is refused in words naming what is accepted."""
    if isinstance(data, pl.DataFrame):
        return data
    kind = type(data)
    if kind.__module__.split(".")[0] == "pandas" and kind.__name__ == "DataFrame":
        try:
            return pl.from_pandas(data)
        except (pl.exceptions.PolarsError, TypeError, ValueError):
            # pyarrow refuses a column of mixed types (numbers and words): name it
            for column in data.columns:
                try:
                    pl.from_pandas(data[[column]])
                except (pl.exceptions.PolarsError, TypeError, ValueError):
                    raise words.error(
                        "regional_tables.pandas_mixed_column", DataError, column=column, **table
                    ) from None
            raise
    raise words.error(
        "regional_tables.not_a_frame", DataError, kind=f"{kind.__module__}.{kind.__name__}", **table
    )


def _numbers(data: pl.DataFrame, column: str, table: dict[str, Any]) -> pl.Series:
    """Column ``column`` as floats; the first cell that is not a number is named (row counted
    from 1, as a spreadsheet's data rows) instead of a bare Polars error."""
    cells = data[column]
    try:
        parsed = cells.cast(pl.Float64, strict=False)
    except pl.exceptions.PolarsError:  # a nested or binary column: no cell is a number
        parsed = pl.Series(column, [None] * len(cells), dtype=pl.Float64)
    bad = parsed.is_null() & cells.is_not_null()
    if bad.any():
        raise _cell_error("regional_tables.not_a_number", cells, bad, table)
    return parsed


def _years(data: pl.DataFrame, column: str, table: dict[str, Any]) -> pl.Series:
    """Column ``column`` as whole years: 2020.0 is 2020, 2020.5 is refused (a cast would
    silently truncate it to 2020)."""
    cells = data[column]
    if cells.dtype.is_integer():
        return cells.cast(pl.Int64)
    number = _numbers(data, column, table)
    whole = number.is_null() | (
        number.is_finite() & (number == number.floor()) & (number.abs() < 1e15)
    )
    if not whole.all():
        raise _cell_error("regional_tables.year_not_whole", cells, ~whole, table)
    return number.cast(pl.Int64)


def _cell_error(code: str, cells: pl.Series, bad: pl.Series, table: dict[str, Any]) -> GaodiError:
    """The error ``code`` naming the first cell of ``cells`` that ``bad`` marks (row counted
    from 1, as a spreadsheet's data rows), its column and its value."""
    row = int(bad.arg_true()[0])
    return words.error(
        code,
        DataError,
        context={"row": row + 1, "column": cells.name},
        row=row + 1,
        column=cells.name,
        value=cells[row],
        **table,
    )


def panel(
    data: DataFrameLike,
    *,
    region: str = "region",
    industry: str = "industry",
    year: str = "year",
    value: str = "value",
) -> tuple[FloatArray, list[str], list[str], list[int]]:
    """Long table to a dense ``years x regions x industries`` array (missing pairs are 0).

    Examples
    --------
    >>> df = pl.DataFrame({"region": ["a", "b", "a"], "industry": ["x", "x", "y"],
    ...                    "year": [2020, 2020, 2021], "value": [1.0, 2.0, 3.0]})
    >>> arr, r, i, y = panel(df)
    >>> arr.tolist(), r, i, y
    ([[[1.0, 0.0], [2.0, 0.0]], [[0.0, 3.0], [0.0, 0.0]]], ['a', 'b'], ['x', 'y'], [2020, 2021])

    A pandas DataFrame is converted with ``pl.from_pandas``; a year must be a whole number
    (2020.0 is 2020; 2020.5 is an error, never truncated).
    """
    data = as_polars(data, INPUT_TABLE)
    missing = [c for c in (region, industry, year, value) if c not in data.columns]
    if missing:
        raise words.error(
            "regional_tables.missing_columns",
            DataError,
            context={"columns": missing},
            columns=", ".join(missing),
        )
    if data.height == 0:
        raise words.error("regional_tables.empty", DataError)
    try:
        labels = data.select(pl.col(region).cast(pl.String), pl.col(industry).cast(pl.String))
    except pl.exceptions.PolarsError as exc:
        raise words.error("regional_tables.bad_types", DataError, year=year, value=value) from exc
    frame = labels.with_columns(_years(data, year, INPUT_TABLE), _numbers(data, value, INPUT_TABLE))
    for col in (region, industry, year, value):
        if frame[col].null_count():
            raise words.error(
                "regional_tables.empty_values", DataError, context={"column": col}, column=col
            )
    vals = frame[value].to_numpy()
    if not np.isfinite(vals).all() or (vals < 0).any():
        raise words.error("regional_tables.bad_values", DataError, column=value)
    regs = frame[region].unique().sort()
    inds = frame[industry].unique().sort()
    years = frame[year].unique().sort()
    ri = frame[region].cast(pl.Enum(regs)).to_physical().to_numpy().astype(np.int64)
    ii = frame[industry].cast(pl.Enum(inds)).to_physical().to_numpy().astype(np.int64)
    yi = np.searchsorted(years.to_numpy(), frame[year].to_numpy())
    shape = (years.len(), regs.len(), inds.len())
    flat = (yi * shape[1] + ri) * shape[2] + ii
    size = shape[0] * shape[1] * shape[2]
    counts = np.bincount(flat, minlength=size)
    if counts.max() > 1:
        k = int(np.argmax(counts))
        t, rest = divmod(k, shape[1] * shape[2])
        r, i = divmod(rest, shape[2])
        raise words.error(
            "regional_tables.duplicated_cell",
            DataError,
            year=years[t],
            region=regs[r],
            industry=inds[i],
        )
    arr = np.bincount(flat, weights=vals, minlength=size).astype(np.float64).reshape(shape)
    return arr, [str(v) for v in regs], [str(v) for v in inds], [int(v) for v in years]


def _reference(
    reference: DataFrameLike | None,
    industries: list[str],
    years: list[int],
    arr: FloatArray,
    *,
    industry: str,
    year: str,
    value: str,
) -> FloatArray:
    """Reference industry totals per year, ``(T, I)``: the table's sums or the given table."""
    if reference is None:
        out: FloatArray = arr.sum(axis=1)
        return out
    reference = as_polars(reference, _REFERENCE)
    missing = [c for c in (industry, year, value) if c not in reference.columns]
    if missing:
        raise words.error(
            "regional_tables.reference_missing_columns", DataError, columns=", ".join(missing)
        )
    try:
        names = reference.select(pl.col(industry).cast(pl.String))
    except pl.exceptions.PolarsError as exc:
        raise words.error("regional_tables.bad_types", DataError, year=year, value=value) from exc
    ref = names.with_columns(
        _years(reference, year, _REFERENCE), _numbers(reference, value, _REFERENCE)
    )
    for col in (industry, year):
        if ref[col].null_count():
            raise words.error(
                "regional_tables.reference_empty_values",
                DataError,
                context={"column": col},
                column=col,
            )
    twice = ref.select(industry, year).is_duplicated()
    if twice.any():
        # a left join would give the key two rows and the grid more cells than it has
        row = int(twice.arg_true()[0])
        raise words.error(
            "regional_tables.reference_duplicated",
            DataError,
            context={"industry": ref[industry][row], "year": ref[year][row]},
            industry=ref[industry][row],
            year=ref[year][row],
        )
    grid = pl.DataFrame(
        {year: np.repeat(years, len(industries)), industry: np.tile(industries, len(years))}
    )
    joined = grid.join(ref, on=[year, industry], how="left")
    if joined[value].null_count():
        gap = joined.filter(pl.col(value).is_null()).row(0)
        raise words.error("regional_tables.reference_gap", DataError, year=gap[0], industry=gap[1])
    out = joined[value].to_numpy().reshape(len(years), len(industries))
    if (out < 0).any() or not np.isfinite(out).all():
        raise words.error("regional_tables.reference_bad_values", DataError)
    return out


def _name_zero_totals(
    arr: FloatArray, regs: list[str], inds: list[str], years: list[int], ref: FloatArray
) -> None:
    for t, y in enumerate(years):
        zr = np.flatnonzero(arr[t].sum(axis=1) == 0)
        if zr.size:
            raise words.error(
                "regional_tables.lq_region_zero", DataError, year=y, region=regs[zr[0]]
            )
        zi = np.flatnonzero(ref[t] == 0)
        if zi.size:
            raise words.error(
                "regional_tables.lq_reference_zero", DataError, year=y, industry=inds[zi[0]]
            )


def specialisation_table(
    data: DataFrameLike,
    *,
    reference: DataFrameLike | None = None,
    region: str = "region",
    industry: str = "industry",
    year: str = "year",
    value: str = "value",
) -> pl.DataFrame:
    """Share, location quotient and Balassa RCA of every region x industry x year.

    Returns columns ``region, industry, year, value, share, lq, rca``: ``share = e_ri / e_r``;
    ``lq`` against ``reference`` (a table ``industry, year, value`` of reference-economy totals)
    or, without one, against the sum of all regions; ``rca`` always against the sum of all
    regions in the table (Balassa's "world"). Missing pairs appear with value 0.

    Notes
    -----
    For region ``r``, industry ``i`` and year: ``share_ri = e_ri / e_r``;
    ``LQ_ri = (e_ri / e_r) / (E_i / E)`` with ``E`` the reference (or all regions);
    ``RCA_ri`` the same ratio against all regions of the table (:func:`location_quotient`,
    :func:`balassa_rca`).

    References
    ----------
    Isard, W. (1960). *Methods of Regional Analysis*. MIT Press, ch. 7. Balassa, B. (1965).
    Trade liberalisation and "revealed" comparative advantage. *The Manchester School*, 33(2),
    99-123.

    Examples
    --------
    >>> df = pl.DataFrame({"region": ["a", "a", "b", "b"], "industry": ["x", "y"] * 2,
    ...                    "year": [2020] * 4, "value": [1.0, 1.0, 3.0, 1.0]})
    >>> specialisation_table(df)["lq"].round(4).to_list()
    [0.75, 1.5, 1.125, 0.75]
    """
    arr, regs, inds, years = panel(data, region=region, industry=industry, year=year, value=value)
    ref = _reference(reference, inds, years, arr, industry=industry, year=year, value=value)
    _name_zero_totals(arr, regs, inds, years, ref)
    lq = np.stack([location_quotient(arr[t], ref[t]) for t in range(len(years))])
    for t, y in enumerate(years):
        zero = np.flatnonzero(arr[t].sum(axis=0) == 0)
        if zero.size:
            raise words.error(
                "regional_tables.rca_industry_zero", DataError, year=y, industry=inds[zero[0]]
            )
    rca_ = np.stack([location_quotient(arr[t]) for t in range(len(years))])
    share = arr / arr.sum(axis=2, keepdims=True)
    t_n, r_n, i_n = arr.shape
    return pl.DataFrame(
        {
            "region": np.tile(np.repeat(regs, i_n), t_n),
            "industry": np.tile(inds, t_n * r_n),
            "year": np.repeat(years, r_n * i_n),
            "value": arr.ravel(),
            "share": share.ravel(),
            "lq": lq.ravel(),
            "rca": rca_.ravel(),
        }
    ).sort(["region", "industry", "year"])


def concentration_table(
    data: DataFrameLike,
    *,
    region: str = "region",
    industry: str = "industry",
    year: str = "year",
    value: str = "value",
    krugman_reference: str = "rest",
) -> pl.DataFrame:
    """HHI, normalised HHI and Krugman index of every region and year.

    Returns columns ``region, year, hhi, hhi_normalised, krugman``.

    Notes
    -----
    With ``s_ri = e_ri / e_r`` over the ``I`` industries: ``hhi = sum_i s_ri^2``,
    ``hhi_normalised = (hhi - 1/I) / (1 - 1/I)``; ``krugman = sum_i |s_ri - s*_i|`` with
    ``s*_i`` the industry shares of the other regions (``krugman_reference="rest"``) or of all
    (``"all"``) (:func:`hhi`, :func:`krugman_index`).

    References
    ----------
    Hirschman, A. O. (1964). The paternity of an index. *American Economic Review*, 54(5),
    761. Krugman, P. (1991). *Geography and Trade*. MIT Press, ch. 3 and appendix D.

    Examples
    --------
    >>> df = pl.DataFrame({"region": ["a", "a", "b", "b"], "industry": ["x", "y"] * 2,
    ...                    "year": [2020] * 4, "value": [3.0, 1.0, 1.0, 3.0]})
    >>> concentration_table(df).select("hhi", "krugman").rows()
    [(0.625, 1.0), (0.625, 1.0)]
    """
    arr, regs, _inds, years = panel(data, region=region, industry=industry, year=year, value=value)
    rows = []
    for t, y in enumerate(years):
        zero = np.flatnonzero(arr[t].sum(axis=1) == 0)
        if zero.size:
            raise words.error(
                "regional_tables.structure_region_zero", DataError, year=y, region=regs[zero[0]]
            )
        if krugman_reference == "rest":
            # the rest of the economy is every other region: with one region (or only zero
            # ones beside it) there is none, and the index is undefined: name the region(s)
            rest = arr[t].sum() - arr[t].sum(axis=1)
            alone = np.flatnonzero(rest <= 0)
            if alone.size:
                raise words.error(
                    "regional_tables.krugman_rest_zero",
                    DataError,
                    year=y,
                    region=words.listing([regs[i] for i in alone]),
                )
        h = hhi(arr[t])
        hn = hhi(arr[t], normalised=True)
        k = krugman_index(arr[t], reference=krugman_reference)
        rows.append(
            pl.DataFrame(
                {
                    "region": regs,
                    "year": [y] * len(regs),
                    "hhi": h,
                    "hhi_normalised": hn,
                    "krugman": k,
                }
            )
        )
    return pl.concat(rows).sort(["region", "year"])


def localisation_table(
    data: DataFrameLike,
    *,
    region: str = "region",
    industry: str = "industry",
    year: str = "year",
    value: str = "value",
) -> pl.DataFrame:
    """Hoover coefficient of localisation of every industry and year (``industry, year,
    hoover``).

    Notes
    -----
    ``hoover_i = 1/2 sum_r |e_ri / E_i - e_r / E|``: 0 when the industry is spread like all
    activity, near 1 when it sits in few regions (:func:`hoover_localisation`).

    References
    ----------
    Hoover, E. M. (1936). The measurement of industrial localization. *Review of Economics and
    Statistics*, 18(4), 162-171.

    Examples
    --------
    >>> df = pl.DataFrame({"region": ["a", "a", "b", "b"], "industry": ["x", "y"] * 2,
    ...                    "year": [2020] * 4, "value": [3.0, 1.0, 1.0, 3.0]})
    >>> localisation_table(df)["hoover"].to_list()
    [0.25, 0.25]
    """
    arr, _regs, inds, years = panel(data, region=region, industry=industry, year=year, value=value)
    parts = []
    for t, y in enumerate(years):
        col = arr[t].sum(axis=0)
        if (col == 0).any():
            raise words.error(
                "regional_tables.hoover_industry_zero",
                DataError,
                year=y,
                industry=inds[int(np.argmin(col))],
            )
        parts.append(
            pl.DataFrame(
                {"industry": inds, "year": [y] * len(inds), "hoover": hoover_localisation(arr[t])}
            )
        )
    return pl.concat(parts).sort(["industry", "year"])


def cagr_table(
    data: DataFrameLike,
    *,
    start: int | None = None,
    end: int | None = None,
    region: str = "region",
    industry: str = "industry",
    year: str = "year",
    value: str = "value",
) -> pl.DataFrame:
    """CAGR of every region x industry between two years (default: first and last).

    Returns ``region, industry, start_year, end_year, start_value, end_value, cagr``; ``cagr``
    is **null** where the start value is 0 (growth from nothing has no rate), never NaN.

    Notes
    -----
    ``cagr = (end_value / start_value)^(1 / (end_year - start_year)) - 1`` (:func:`cagr`).

    References
    ----------
    The level method (水平法) of average annual growth, as 国家统计局 computes 年均增长速度
    from the first and last years' levels.

    Examples
    --------
    >>> df = pl.DataFrame({"region": ["a", "a"], "industry": ["x", "x"], "year": [2020, 2022],
    ...                    "value": [100.0, 121.0]})
    >>> cagr_table(df)["cagr"].round(12).to_list()
    [0.1]
    """
    arr, regs, inds, years = panel(data, region=region, industry=industry, year=year, value=value)
    y0 = years[0] if start is None else start
    y1 = years[-1] if end is None else end
    if y0 not in years or y1 not in years or y1 <= y0:
        raise words.error("regional_tables.bad_years", DataError, start=y0, end=y1)
    v0, v1 = arr[years.index(y0)].ravel(), arr[years.index(y1)].ravel()
    r_n, i_n = len(regs), len(inds)
    out = pl.DataFrame(
        {
            "region": np.repeat(regs, i_n),
            "industry": np.tile(inds, r_n),
            "start_year": [y0] * (r_n * i_n),
            "end_year": [y1] * (r_n * i_n),
            "start_value": v0,
            "end_value": v1,
        }
    )
    rate = (pl.col("end_value") / pl.col("start_value")) ** (1.0 / (y1 - y0)) - 1.0
    return out.with_columns(
        pl.when(pl.col("start_value") > 0).then(rate).otherwise(None).alias("cagr")
    )


def shift_share_table(
    data: DataFrameLike,
    *,
    reference: DataFrameLike | None = None,
    dynamic: bool = False,
    start: int | None = None,
    end: int | None = None,
    region: str = "region",
    industry: str = "industry",
    year: str = "year",
    value: str = "value",
) -> pl.DataFrame:
    """Shift-share of every region x industry, classic (``start`` to ``end``) or dynamic.

    Returns ``region, industry, start_year, end_year, base_value, end_value, change,
    national_growth, industry_mix, competitive``. With ``dynamic=True`` there is one row per
    consecutive pair of years between ``start`` and ``end`` (sum them for the period).

    Notes
    -----
    With ``G = E^1 / E^0 - 1`` and ``G_i = E_i^1 / E_i^0 - 1`` (the reference, or all regions):
    ``national_growth = e_ri^0 G``, ``industry_mix = e_ri^0 (G_i - G)``,
    ``competitive = e_ri^1 - e_ri^0 (1 + G_i)``; the three sum to ``change``
    (:func:`shift_share`, :func:`dynamic_shift_share`).

    References
    ----------
    Dunn, E. S. (1960). A statistical and analytical technique for regional analysis. *Papers
    in Regional Science*, 6(1), 97-112. Barff, R. A., & Knight, P. L. (1988). Dynamic
    shift-share analysis. *Growth and Change*, 19(2), 1-10.

    Examples
    --------
    >>> df = pl.DataFrame({"region": ["a", "a", "b", "b"] * 2, "industry": ["x", "y"] * 4,
    ...                    "year": [2020] * 4 + [2021] * 4,
    ...                    "value": [10.0, 10, 10, 30, 12, 14, 10, 36]})
    >>> cols = ["national_growth", "industry_mix", "competitive"]
    >>> shift_share_table(df).select(pl.col(cols).round(9)).rows()
    [(2.0, -1.0, 1.0), (2.0, 0.5, 1.5), (2.0, -1.0, -1.0), (6.0, 1.5, -1.5)]
    """
    arr, regs, inds, years = panel(data, region=region, industry=industry, year=year, value=value)
    ref = _reference(reference, inds, years, arr, industry=industry, year=year, value=value)
    y0 = years[0] if start is None else start
    y1 = years[-1] if end is None else end
    if y0 not in years or y1 not in years or y1 <= y0:
        raise words.error("regional_tables.bad_years", DataError, start=y0, end=y1)
    t0, t1 = years.index(y0), years.index(y1)
    pairs = [(t, t + 1) for t in range(t0, t1)] if dynamic else [(t0, t1)]
    parts = []
    r_n, i_n = len(regs), len(inds)
    for a, b in pairs:
        zero = np.flatnonzero(ref[a] == 0)
        if zero.size:
            raise words.error(
                "regional_tables.growth_reference_zero",
                DataError,
                year=years[a],
                industry=inds[zero[0]],
            )
        s = shift_share(arr[a], arr[b], ref[a], ref[b])
        parts.append(
            pl.DataFrame(
                {
                    "region": np.repeat(regs, i_n),
                    "industry": np.tile(inds, r_n),
                    "start_year": [years[a]] * (r_n * i_n),
                    "end_year": [years[b]] * (r_n * i_n),
                    "base_value": arr[a].ravel(),
                    "end_value": arr[b].ravel(),
                    "change": s.change.ravel(),
                    "national_growth": s.national_growth.ravel(),
                    "industry_mix": s.industry_mix.ravel(),
                    "competitive": s.competitive.ravel(),
                }
            )
        )
    return pl.concat(parts).sort(["region", "industry", "start_year"])
