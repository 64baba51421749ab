"""Input-output linkages: Leontief and Ghosh models, multipliers, key sectors.

Conventions (Miller & Blair 2009): ``Z[i, j]`` is the flow *from* selling sector ``i`` (row)
*to* buying sector ``j`` (column); final demand ``Y`` has one row per sector and one column per
final-demand category (households, government, investment, exports...). Total output is
``x = Z 1 + Y 1`` (row sums). Multi-regional tables use the same maths on the stacked
``(region, sector)`` matrices.

Intermediate flows must be non-negative; final demand may have negative entries (changes in
inventories, net exports) as long as every sector's total output is positive *and* the table
stays productive (Hawkins-Simon: the spectral radius of ``A`` below 1, so that the Leontief
inverse exists and is non-negative). Positive outputs alone do not ensure it: negative final
demand can make ``x`` positive while ``A`` has spectral radius above 1, and then ``L`` is
negative and every multiplier meaningless, so such a table is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from gaodi.analytics.regional_tables import as_polars
from gaodi.core import words
from gaodi.core.errors import DataError

__all__ = [
    "KEY_SECTOR_CLASSES",
    "IOModel",
    "classify_key_sectors",
    "io_model",
    "linkages_tables",
]

FloatArray = NDArray[np.float64]

#: Labels of :func:`classify_key_sectors`, by (backward > 1, forward > 1).
KEY_SECTOR_CLASSES = {
    (True, True): "key",
    (True, False): "backward-oriented",
    (False, True): "forward-oriented",
    (False, False): "weak",
}

#: How the messages name the two tables of :func:`linkages_tables` (``table_zh``, ``table_en``).
FLOWS_TABLE = {"table_zh": "中间流量表", "table_en": "flows table"}
FINAL_DEMAND_TABLE = {"table_zh": "最终需求表", "table_en": "final-demand table"}

#: Condition numbers of ``I - A`` above this make the inverse meaningless in float64.
CONDITION_LIMIT = 1e12


@dataclass(frozen=True)
class IOModel:
    """Leontief and Ghosh quantities of one input-output table (indexed like ``Z``)."""

    x: FloatArray
    A: FloatArray
    L: FloatArray
    B: FloatArray
    G: FloatArray
    output_multiplier: FloatArray
    backward_linkage: FloatArray
    forward_linkage: FloatArray
    key_sector: list[str]


#: Decimals an index is rounded to before it is compared with the average (1): below the noise of
#: a 64-bit inverse, far above any difference a table's figures can carry.
LINE_DECIMALS = 12


def classify_key_sectors(backward: Any, forward: Any) -> list[str]:
    """Classify sectors by normalised linkages (both compared with 1, the economy's average).

    ``key`` (both > 1), ``backward-oriented`` (only backward > 1), ``forward-oriented`` (only
    forward > 1), ``weak`` (neither).

    References
    ----------
    Rasmussen, P. N. (1956). *Studies in Inter-Sectoral Relations*. North-Holland. Miller &
    Blair (2009), section 12.2.4.

    Notes
    -----
    With ``BL_j`` and ``FL_j`` the normalised backward and forward linkages:
    ``key`` when ``BL_j > 1`` and ``FL_j > 1``, each rounded to 12 decimals first (an index
    exactly at the average comes out of the inverse as 1.0000000000000002 or
    0.9999999999999999, and that noise must not choose the class).

    Examples
    --------
    >>> classify_key_sectors([1.2, 1.1, 0.9, 0.8], [1.3, 0.7, 1.05, 0.9])
    ['key', 'backward-oriented', 'forward-oriented', 'weak']
    >>> classify_key_sectors([1.0000000000000002, 0.9999999999999999], [1.0, 1.0])
    ['weak', 'weak']
    """
    # an index is a ratio to the average, computed through an inverse: rounding noise puts an
    # index that is exactly average (two identical sectors) at 0.9999999999999999 or
    # 1.0000000000000002, and the noise alone chose the class; indices are compared with the
    # line after rounding to 12 decimals
    b = np.round(np.asarray(backward, dtype=np.float64), LINE_DECIMALS)
    f = np.round(np.asarray(forward, dtype=np.float64), LINE_DECIMALS)
    return [KEY_SECTOR_CLASSES[(bool(u > 1.0), bool(v > 1.0))] for u, v in zip(b, f, strict=True)]


def _inverse(m: FloatArray) -> FloatArray:
    """The inverse of ``m`` (I − A); a singular matrix is a data error, in words."""
    n = m.shape[0]
    try:
        cond = np.linalg.cond(m)
        if not np.isfinite(cond) or cond > CONDITION_LIMIT:
            raise np.linalg.LinAlgError
        out: FloatArray = np.asarray(np.linalg.solve(m, np.eye(n)), dtype=np.float64)
    except np.linalg.LinAlgError as exc:
        raise words.error("io.singular", DataError) from exc
    return out


def _check_productive(a: FloatArray) -> None:
    """Refuse a technical-coefficient matrix that violates the Hawkins-Simon condition.

    For a non-negative ``A`` the Leontief inverse ``(I - A)^-1`` exists and is non-negative
    if and only if the spectral radius of ``A`` is below 1, which is equivalent to the
    Hawkins-Simon condition (every leading principal minor of ``I - A`` positive). A table
    that fails it gives negative multipliers, which are then classified as if they meant
    something ("key" sector); the error says so instead.

    References
    ----------
    Hawkins, D., & Simon, H. A. (1949). Note: Some conditions of macroeconomic stability.
    *Econometrica*, 17(3/4), 245-248. Miller, R. E., & Blair, P. D. (2009). *Input-Output
    Analysis* (2nd ed.), section 2.3.4 and Appendix 2.1 (the Hawkins-Simon conditions).
    """
    rho = float(np.max(np.abs(np.linalg.eigvals(a)))) if a.size else 0.0
    if not rho < 1.0:
        raise words.error(
            "io.not_productive",
            DataError,
            context={"spectral_radius": rho},
            rho=f"{rho:.4g}",
        )


def io_model(z: Any, y: Any, labels: Any = None) -> IOModel:
    """Leontief and Ghosh models, output multipliers, linkages and key sectors.

    Parameters
    ----------
    z : array_like, shape (n, n)
        Intermediate flows, row = selling sector, column = buying sector. Non-negative.
    y : array_like, shape (n,) or (n, k)
        Final demand by sector (and category).
    labels : sequence, optional
        Sector names, only used in error messages.

    Returns
    -------
    IOModel

    Raises
    ------
    DataError
        Shapes that do not fit, non-finite or negative flows, a sector with zero or negative
        total output, a table that is not productive (spectral radius of ``A`` at least 1,
        the Hawkins-Simon condition violated: the Leontief inverse would be negative, which
        negative final demand can cause while every output is positive), or ``I - A``
        singular (no Leontief inverse).

    Notes
    -----
    * ``x = Z 1 + Y 1``; ``A = Z diag(x)^-1`` (``a_ij = z_ij / x_j``); ``L = (I - A)^-1``.
    * ``B = diag(x)^-1 Z`` (``b_ij = z_ij / x_i``); ``G = (I - B)^-1 = diag(x)^-1 L diag(x)``.
    * Output multiplier ``m_j = sum_i L_ij`` (column sums of ``L``).
    * Normalised backward linkage (Rasmussen) ``BL_j = n sum_i L_ij / sum_ij L_ij``.
    * Normalised forward linkage (Ghosh-based) ``FL_i = n sum_j G_ij / sum_ij G_ij``.
    * The table must be productive: spectral radius ``rho(A) < 1``, equivalent for ``A >= 0``
      to the Hawkins-Simon condition and to ``L >= 0`` (Hawkins & Simon 1949; Miller &
      Blair 2009, section 2.3.4 and Appendix 2.1).

    References
    ----------
    Miller, R. E., & Blair, P. D. (2009). *Input-Output Analysis: Foundations and Extensions*
    (2nd ed.). Cambridge University Press: ch. 2 (A, L), 6.2 (output multipliers), 12.1 (B,
    G) and 12.2 (linkages, key sectors). Leontief, W. (1936). *Review of Economics and
    Statistics*, 18(3), 105-125. Ghosh, A. (1958). *Economica*, 25(97), 58-64. Hawkins, D.,
    & Simon, H. A. (1949). *Econometrica*, 17(3/4), 245-248.

    Examples
    --------
    Miller & Blair (2009), section 2.3: ``Z = [[150, 500], [200, 100]]``,
    ``f = [350, 1700]``, so ``x = [1000, 2000]``.

    >>> m = io_model([[150, 500], [200, 100]], [350, 1700])
    >>> m.x.tolist(), m.A.tolist()
    ([1000.0, 2000.0], [[0.15, 0.25], [0.2, 0.05]])
    >>> m.L.round(4).tolist()
    [[1.2541, 0.33], [0.264, 1.1221]]
    >>> m.output_multiplier.round(4).tolist(), m.key_sector
    ([1.5182, 1.4521], ['key', 'weak'])

    A table whose outputs are positive only thanks to negative final demand can be
    non-productive (here ``A = [[0, 2.5], [2, 0]]``, spectral radius 2.236):

    >>> try:
    ...     io_model([[0, 5], [10, 0]], [0, -8])
    ... except DataError as exc:
    ...     print(exc.en[:76])
    The table is not productive (Hawkins-Simon condition violated): the spectral
    """
    zz = np.asarray(z, dtype=np.float64)
    yy = np.asarray(y, dtype=np.float64)
    if zz.ndim != 2 or zz.shape[0] != zz.shape[1] or zz.shape[0] == 0:
        raise words.error("io.z_not_square", DataError)
    n = zz.shape[0]
    if yy.ndim == 1:
        yy = yy[:, None]
    if yy.ndim != 2 or yy.shape[0] != n:
        raise words.error("io.y_rows", DataError)
    if not (np.isfinite(zz).all() and np.isfinite(yy).all()):
        raise words.error("io.not_finite", DataError)
    if (zz < 0).any():
        i, j = np.argwhere(zz < 0)[0]
        raise words.error(
            "io.negative_flow",
            DataError,
            context={"row": _name(labels, i), "column": _name(labels, j)},
        )
    x = zz.sum(axis=1) + yy.sum(axis=1)
    if (x <= 0).any():
        bad = [_name(labels, k) for k in np.flatnonzero(x <= 0)]
        raise words.error(
            "io.nonpositive_output",
            DataError,
            context={"sectors": bad},
            sectors=", ".join(map(str, bad[:10])),
        )
    a = zz / x[None, :]
    b = zz / x[:, None]
    eye = np.eye(n)
    leontief = _inverse(eye - a)  # first: a spectral radius of exactly 1 is "singular"
    _check_productive(a)
    ghosh = leontief * x[None, :] / x[:, None]
    multiplier = leontief.sum(axis=0)
    backward = n * multiplier / leontief.sum()
    forward = n * ghosh.sum(axis=1) / ghosh.sum()
    return IOModel(
        x=x,
        A=a,
        L=leontief,
        B=b,
        G=ghosh,
        output_multiplier=multiplier,
        backward_linkage=backward,
        forward_linkage=forward,
        key_sector=classify_key_sectors(backward, forward),
    )


def _name(labels: Any, k: Any) -> Any:
    return int(k) if labels is None else labels[int(k)]


# --------------------------------------------------------------------------- tables
def _require(df: pl.DataFrame, cols: list[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise words.error(
            "io.missing_columns",
            DataError,
            context={"columns": missing},
            what=what,
            columns=", ".join(missing),
        )
    if df.height == 0:
        raise words.error("io.empty", DataError, what=what)


def _numeric(df: pl.DataFrame, keys: list[str], what: str, *, unique: bool = True) -> pl.DataFrame:
    try:
        out = df.select(
            *[pl.col(k).cast(pl.String) for k in keys], pl.col("value").cast(pl.Float64)
        )
    except pl.exceptions.PolarsError as exc:
        raise words.error("io.non_numeric", DataError, what=what) from exc
    for col in [*keys, "value"]:
        if out[col].null_count():
            raise words.error("io.empty_values", DataError, what=what, column=col)
    if unique and out.select(pl.struct(keys).is_duplicated().any()).item():
        raise words.error("io.duplicated_rows", DataError, what=what)
    return out


def linkages_tables(
    flows: pl.DataFrame | Any, final_demand: pl.DataFrame | Any
) -> dict[str, pl.DataFrame]:
    """:func:`io_model` on long tables; returns ``A``, ``L``, ``B``, ``G`` and ``linkages``.

    Either table may be a Polars or a pandas DataFrame (converted with ``pl.from_pandas``);
    anything else is a :class:`DataError` in words.

    Single-region form: ``flows`` has ``row_sector, col_sector, value`` and ``final_demand``
    ``sector, value`` (several rows per sector are summed, e.g. one per category).
    Multi-regional form: ``flows`` has ``row_region, row_sector, col_region, col_sector, value``
    and ``final_demand`` ``row_region, row_sector, col_region, category, value``.
    Sectors keep the order in which they first appear as rows of ``flows``; missing pairs are
    0. ``A``/``L``/``B``/``G`` come back in the key columns of ``flows`` with every pair;
    ``linkages`` has ``[region,] sector, output_multiplier, backward_linkage,
    forward_linkage, key_sector``.

    Notes
    -----
    The formulas of :func:`io_model`: ``A = Z diag(x)^-1``, ``L = (I - A)^-1`` (Leontief),
    ``B = diag(x)^-1 Z``, ``G = (I - B)^-1`` (Ghosh), output multipliers the column sums of
    ``L``, backward and forward linkages the column sums of ``L`` and row sums of ``G``
    normalised by their means.

    References
    ----------
    Miller, R. E., & Blair, P. D. (2009). *Input-Output Analysis: Foundations and Extensions*
    (2nd ed.). Cambridge University Press: ch. 2, 6.2, 12.1 and 12.2.

    Examples
    --------
    >>> z = pl.DataFrame({"row_sector": ["1", "1", "2", "2"], "col_sector": ["1", "2"] * 2,
    ...                   "value": [150.0, 500, 200, 100]})
    >>> y = pl.DataFrame({"sector": ["1", "2"], "value": [350.0, 1700]})
    >>> out = linkages_tables(z, y)
    >>> out["linkages"]["key_sector"].to_list()
    ['key', 'weak']
    """
    flows = as_polars(flows, FLOWS_TABLE)
    final_demand = as_polars(final_demand, FINAL_DEMAND_TABLE)
    multi = "row_region" in flows.columns
    if multi:
        rkeys, ckeys = ["row_region", "row_sector"], ["col_region", "col_sector"]
        ykeys = ["row_region", "row_sector", "col_region", "category"]
    else:
        rkeys, ckeys, ykeys = ["row_sector"], ["col_sector"], ["sector"]
    _require(flows, [*rkeys, *ckeys, "value"], "Z")
    _require(final_demand, [*ykeys, "value"], "Y")
    z = _numeric(flows, [*rkeys, *ckeys], "Z")
    y = _numeric(final_demand, ykeys, "Y", unique=multi)
    sectors = z.select(rkeys).unique(maintain_order=True)
    cols = z.select(pl.col(c).alias(r) for r, c in zip(rkeys, ckeys, strict=True)).unique()
    extra = cols.join(sectors, on=rkeys, how="anti")
    if extra.height:
        raise words.error("io.column_not_row", DataError, sector=extra.row(0))
    n = sectors.height
    index = sectors.with_row_index("_i")
    zi = z.join(index, on=rkeys, how="left").join(
        index.rename({r: c for r, c in zip(rkeys, ckeys, strict=True)}).rename({"_i": "_j"}),
        on=ckeys,
        how="left",
    )
    zmat = np.zeros((n, n))
    np.add.at(zmat, (zi["_i"].to_numpy(), zi["_j"].to_numpy()), zi["value"].to_numpy())
    ysec = y.select(*[pl.col(k).alias(r) for k, r in zip(ykeys, rkeys, strict=False)], "value")
    yi = ysec.join(index, on=rkeys, how="left")
    if yi["_i"].null_count():
        bad = yi.filter(pl.col("_i").is_null()).row(0)
        raise words.error("io.demand_not_in_z", DataError, sector=bad[:-2])
    yvec = np.bincount(yi["_i"].to_numpy(), weights=yi["value"].to_numpy(), minlength=n)
    labels = [" / ".join(map(str, r)) for r in sectors.rows()]
    model = io_model(zmat, yvec, labels)
    rows_rep = sectors.select(pl.all().gather(np.repeat(np.arange(n), n)))
    cols_rep = sectors.select(pl.all().gather(np.tile(np.arange(n), n))).rename(
        dict(zip(rkeys, ckeys, strict=True))
    )
    out: dict[str, pl.DataFrame] = {}
    for name in ("A", "L", "B", "G"):
        out[name] = pl.concat([rows_rep, cols_rep], how="horizontal").with_columns(
            pl.Series("value", getattr(model, name).ravel())
        )
    keys = (
        sectors.rename({"row_region": "region", "row_sector": "sector"})
        if multi
        else (sectors.rename({"row_sector": "sector"}))
    )
    out["linkages"] = keys.with_columns(
        pl.Series("output_multiplier", model.output_multiplier),
        pl.Series("backward_linkage", model.backward_linkage),
        pl.Series("forward_linkage", model.forward_linkage),
        pl.Series("key_sector", model.key_sector, dtype=pl.String),
    )
    return out
