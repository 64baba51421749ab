"""Regional specialisation: location quotient, RCA, shift-share, HHI, Krugman, Hoover, CAGR.

Dense functions here take ``x`` with regions in rows and industries in columns (``x[r, i]``,
any non-negative measure: output, value added, employment, exports). The table functions
(:mod:`gaodi.analytics.regional_tables`, also reachable from this module) take a long Polars
table ``region, industry, year, value`` (missing pairs are 0) and return Polars tables.
The input contract is in ``docs/methods/regional.md``.

The reference economy ("nation") is the sum of the table's regions unless a separate
reference is given (for instance national industry totals when the table holds only the city
and its peers).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from gaodi.core import words
from gaodi.core.errors import DataError

if TYPE_CHECKING:
    # what the module-level __getattr__ hands out, so a type checker sees their signatures
    # (without this import each was Any); at run time they load on first use
    from gaodi.analytics.regional_tables import (
        cagr_table,
        concentration_table,
        localisation_table,
        panel,
        shift_share_table,
        specialisation_table,
    )

__all__ = [
    "ShiftShare",
    "balassa_rca",
    "cagr",
    "cagr_table",
    "concentration_table",
    "dynamic_shift_share",
    "hhi",
    "hoover_localisation",
    "krugman_index",
    "localisation_table",
    "location_quotient",
    "panel",
    "shift_share",
    "shift_share_table",
    "specialisation_table",
    "specialised",
]

FloatArray = NDArray[np.float64]


def _matrix(x: Any, name: str = "x") -> FloatArray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 2:
        raise words.error("regional.not_2d", DataError, name=name)
    if not np.isfinite(arr).all():
        raise words.error("regional.not_finite", DataError, name=name)
    if (arr < 0).any():
        raise words.error("regional.negative", DataError, name=name)
    return arr


def _reference(ref: FloatArray, code: str) -> None:
    """Raise ``code`` (``regional.bad_base_reference``/``bad_end_reference``) when reference
    totals are not finite and non-negative: a NaN passes ``<= 0`` tests and a negative
    economy has no meaning."""
    bad = np.flatnonzero(~np.isfinite(ref) | (ref < 0))
    if bad.size:
        raise words.error(
            code,
            DataError,
            context={"positions": bad.tolist()},
            positions=bad[:10].tolist(),
        )


def _positive(totals: FloatArray, code: str) -> None:
    """Raise ``code`` (which totals: ``regional.zero_*``) when a total is not positive."""
    bad = np.flatnonzero(totals <= 0)
    if bad.size:
        raise words.error(
            code, DataError, context={"positions": bad.tolist()}, positions=bad[:10].tolist()
        )


# --------------------------------------------------------------------------- LQ and RCA
def location_quotient(x: Any, reference: Any = None) -> FloatArray:
    """Location quotient of every region in every industry.

    Parameters
    ----------
    x : array_like, shape (R, I)
        Non-negative values of region ``r`` in industry ``i``.
    reference : array_like, shape (I,), optional
        The reference economy's industry totals ``E_i`` (e.g. national). Default: the column
        sums of ``x``.

    Returns
    -------
    numpy.ndarray, shape (R, I)

    Notes
    -----
    ``LQ_ri = (e_ri / e_r) / (E_i / E)`` where ``e_r = sum_i e_ri`` and ``E = sum_i E_i``.
    ``LQ > 1`` means region ``r`` is more specialised in ``i`` than the reference economy.

    References
    ----------
    Isard, W. (1960). *Methods of Regional Analysis*. MIT Press, ch. 7. Miller, R. E., &
    Blair, P. D. (2009). *Input-Output Analysis* (2nd ed.), section 8.2.

    Examples
    --------
    >>> location_quotient([[1, 1], [3, 1]]).round(4).tolist()
    [[0.75, 1.5], [1.125, 0.75]]
    >>> location_quotient([[1, 1]], reference=[4, 4]).tolist()
    [[1.0, 1.0]]
    """
    arr = _matrix(x)
    ref = arr.sum(axis=0) if reference is None else np.asarray(reference, dtype=np.float64)
    if ref.shape != (arr.shape[1],) or not np.isfinite(ref).all() or (ref < 0).any():
        raise words.error("regional.bad_reference", DataError)
    row = arr.sum(axis=1)
    _positive(row, "regional.zero_region")
    _positive(ref, "regional.zero_reference_industry")
    out: FloatArray = (arr / row[:, None]) / (ref / ref.sum())[None, :]
    return out


def specialised(x: Any, line: float = 1.0) -> NDArray[np.bool_]:
    """Whether each region's location quotient reaches ``line`` (``LQ_ri >= line``, the
    reference being the table's regions), decided in exact decimals of the values as written.

    Notes
    -----
    ``LQ_ri >= t`` exactly when ``e_ri * E >= t * E_i * e_r`` (every total positive). The
    values are read as the decimals they are written as (86.1 is 861/10) and summed exactly, so
    an LQ of exactly 1 is on the line: in binary floats it can come out 0.9999999999999997.

    References
    ----------
    Isard, W. (1960). *Methods of Regional Analysis*. MIT Press, ch. 7 (the location quotient).

    Examples
    --------
    >>> location_quotient([[86.1, 47.7], [430.5, 238.5]])[0].tolist()
    [0.9999999999999997, 0.9999999999999999]
    >>> specialised([[86.1, 47.7], [430.5, 238.5]]).tolist()
    [[True, True], [True, True]]
    >>> specialised([[1, 1], [3, 1]]).tolist()  # LQs 0.75, 1.5; 1.125, 0.75
    [[False, True], [True, False]]
    """
    arr = _matrix(x)
    _positive(arr.sum(axis=1), "regional.zero_region")
    _positive(arr.sum(axis=0), "regional.zero_reference_industry")
    exact = [[Decimal(repr(float(v))) for v in row] for row in arr]
    with localcontext() as ctx:
        ctx.prec = 80  # products of sums of the values' digits: kept whole
        rows = [sum(r, Decimal(0)) for r in exact]
        cols = [sum(c, Decimal(0)) for c in zip(*exact, strict=True)]
        total = sum(rows, Decimal(0))
        t = Decimal(repr(float(line)))
        out = [
            [v * total >= t * cols[i] * rows[r] for i, v in enumerate(row)]
            for r, row in enumerate(exact)
        ]
    return np.array(out, dtype=np.bool_).reshape(arr.shape)


def balassa_rca(x: Any) -> FloatArray:
    """Balassa's revealed comparative advantage (exports of ``r`` in ``i``).

    Notes
    -----
    ``RCA_ri = (X_ri / X_r) / (X_i / X)`` with the world (all regions in ``x``) as reference:
    the location quotient formula applied to export values. For the complexity conventions
    (threshold, ties) see :func:`gaodi.analytics.complexity.rca`.

    References
    ----------
    Balassa, B. (1965). Trade liberalisation and "revealed" comparative advantage. *The
    Manchester School*, 33(2), 99-123.

    Examples
    --------
    >>> balassa_rca([[10, 0], [5, 5]]).round(4).tolist()
    [[1.3333, 0.0], [0.6667, 2.0]]
    """
    return location_quotient(x)


# --------------------------------------------------------------------------- concentration
def hhi(x: Any, *, normalised: bool = False) -> FloatArray:
    """Herfindahl-Hirschman index of each region's industrial structure.

    Notes
    -----
    ``HHI_r = sum_i s_ri^2`` with ``s_ri = e_ri / e_r`` (between ``1/I`` and 1). The normalised
    form is ``(HHI_r - 1/I) / (1 - 1/I)`` (between 0 and 1).

    References
    ----------
    Hirschman, A. O. (1964). The paternity of an index. *American Economic Review*, 54(5),
    761. Herfindahl, O. C. (1950). *Concentration in the Steel Industry*. PhD thesis,
    Columbia University.

    Examples
    --------
    >>> hhi([[1, 1, 2], [1, 0, 0]]).tolist()
    [0.375, 1.0]
    >>> hhi([[1, 1, 2]], normalised=True).round(4).tolist()
    [0.0625]
    """
    arr = _matrix(x)
    row = arr.sum(axis=1)
    _positive(row, "regional.zero_region")
    out: FloatArray = ((arr / row[:, None]) ** 2).sum(axis=1)
    if normalised:
        n = arr.shape[1]
        if n < 2:
            raise words.error("regional.hhi_needs_two", DataError)
        out = (out - 1.0 / n) / (1.0 - 1.0 / n)
    return out


def krugman_index(x: Any, *, reference: str = "rest") -> FloatArray:
    """Krugman specialisation index of each region.

    Parameters
    ----------
    reference : {"rest", "all"}
        Compare with the other regions combined (Krugman's own pairwise idea applied to
        "region vs. rest of the country", default) or with all regions including itself.

    Notes
    -----
    ``K_r = sum_i |s_ri - s*_i|`` with ``s_ri = e_ri / e_r`` and ``s*_i`` the industry share of
    the reference (the rest: ``(E_i - e_ri) / (E - e_r)``). 0 means the same structure as the
    reference; the maximum is 2.

    References
    ----------
    Krugman, P. (1991). *Geography and Trade*. MIT Press, ch. 3 and appendix D.
    Midelfart-Knarvik, K. H., Overman, H. G., Redding, S. J., & Venables, A. J. (2000). The
    location of European industry. *European Economy Economic Papers* 142.

    Examples
    --------
    >>> krugman_index([[3, 1], [1, 3]]).tolist()
    [1.0, 1.0]
    >>> krugman_index([[3, 1], [1, 3]], reference="all").tolist()
    [0.5, 0.5]
    """
    arr = _matrix(x)
    row = arr.sum(axis=1)
    _positive(row, "regional.zero_region")
    shares = arr / row[:, None]
    col = arr.sum(axis=0)
    if reference == "all":
        ref = np.broadcast_to(col / col.sum(), arr.shape)
    elif reference == "rest":
        rest_tot = col.sum() - row
        _positive(rest_tot, "regional.zero_rest")
        ref = (col[None, :] - arr) / rest_tot[:, None]
    else:
        raise words.error("regional.bad_reference_kind", DataError)
    out: FloatArray = np.abs(shares - ref).sum(axis=1)
    return out


def hoover_localisation(x: Any) -> FloatArray:
    """Hoover coefficient of localisation of each industry across regions.

    Notes
    -----
    ``H_i = 1/2 sum_r |e_ri / E_i - e_r / E|``: half the L1 distance between the industry's
    distribution over regions and the distribution of all activity. 0 means the industry is
    spread like the economy; values near 1 mean it sits in few regions.

    References
    ----------
    Hoover, E. M. (1936). The measurement of industrial localization. *Review of Economics and
    Statistics*, 18(4), 162-171.

    Examples
    --------
    >>> hoover_localisation([[3, 1], [1, 3]]).tolist()
    [0.25, 0.25]
    """
    arr = _matrix(x)
    col = arr.sum(axis=0)
    _positive(col, "regional.zero_industry")
    row = arr.sum(axis=1)
    out: FloatArray = 0.5 * np.abs(arr / col[None, :] - (row / row.sum())[:, None]).sum(axis=0)
    return out


def cagr(start: Any, end: Any, years: float) -> FloatArray:
    """Compound annual growth rate.

    Notes
    -----
    ``CAGR = (v_end / v_start)^(1 / n) - 1`` for ``n`` years between the two values.

    References
    ----------
    The level method (水平法) of average annual growth, as 国家统计局 computes 年均增长速度
    from the first and last years' levels.

    Raises
    ------
    DataError
        ``years`` not a positive finite number (``<= 0``, NaN, infinite), a start value
        ``<= 0``, a negative end value or a value that is not finite.

    Examples
    --------
    >>> round(float(cagr(100, 121, 2)), 12)
    0.1
    """
    v0 = np.asarray(start, dtype=np.float64)
    v1 = np.asarray(end, dtype=np.float64)
    try:
        n = float(years)
    except (TypeError, ValueError):
        n = float("nan")
    if not (np.isfinite(n) and n > 0):  # NaN passes "<= 0"; infinite years give 0 growth
        raise words.error("regional.nonpositive_years", DataError)
    if (v0 <= 0).any() or (v1 < 0).any() or not (np.isfinite(v0).all() and np.isfinite(v1).all()):
        raise words.error("regional.bad_cagr_values", DataError)
    out: FloatArray = (v1 / v0) ** (1.0 / n) - 1.0
    return out


# --------------------------------------------------------------------------- shift-share
@dataclass(frozen=True)
class ShiftShare:
    """Shift-share components, each shaped like ``x`` (regions x industries).

    ``national_growth + industry_mix + competitive == change`` exactly (up to rounding).
    """

    change: FloatArray
    national_growth: FloatArray
    industry_mix: FloatArray
    competitive: FloatArray


def shift_share(x0: Any, x1: Any, reference0: Any = None, reference1: Any = None) -> ShiftShare:
    """Classic shift-share decomposition of the change from ``x0`` to ``x1``.

    Parameters
    ----------
    x0, x1 : array_like, shape (R, I)
        Values at the start and end.
    reference0, reference1 : array_like, shape (I,), optional
        Reference-economy industry totals at the start and end (default: column sums):
        finite and non-negative, and positive at the start (each is divided by).

    Raises
    ------
    DataError
        Shapes that differ, a reference total that is missing (NaN), infinite or negative
        (in either year), or a base-year reference total of 0.

    Notes
    -----
    With ``G = E^1 / E^0 - 1`` (reference growth) and ``G_i = E_i^1 / E_i^0 - 1``:

    * national growth ``NS_ri = e_ri^0 G``
    * industry mix ``IM_ri = e_ri^0 (G_i - G)``
    * competitive (regional shift) ``CE_ri = e_ri^1 - e_ri^0 (1 + G_i)``, which equals
      ``e_ri^0 (g_ri - G_i)`` when ``e_ri^0 > 0`` and stays defined when it is 0.

    References
    ----------
    Dunn, E. S. (1960). A statistical and analytical technique for regional analysis. *Papers
    in Regional Science*, 6(1), 97-112. Stevens, B. H., & Moore, C. L. (1980). A critical
    review of the literature on shift-share as a forecasting technique. *Journal of Regional
    Science*, 20(4), 419-437.

    Examples
    --------
    >>> s = shift_share([[10, 10], [10, 30]], [[12, 14], [10, 36]])
    >>> s.national_growth.round(9).tolist()
    [[2.0, 2.0], [2.0, 6.0]]
    >>> s.industry_mix.round(9).tolist(), s.competitive.round(9).tolist()
    ([[-1.0, 0.5], [-1.0, 1.5]], [[1.0, 1.5], [-1.0, -1.5]])
    """
    a0, a1 = _matrix(x0, "x0"), _matrix(x1, "x1")
    if a0.shape != a1.shape:
        raise words.error("regional.shapes_differ", DataError)
    r0 = a0.sum(axis=0) if reference0 is None else np.asarray(reference0, dtype=np.float64)
    r1 = a1.sum(axis=0) if reference1 is None else np.asarray(reference1, dtype=np.float64)
    if r0.shape != (a0.shape[1],) or r1.shape != (a0.shape[1],):
        raise words.error("regional.reference_length", DataError)
    _reference(r0, "regional.bad_base_reference")
    _reference(r1, "regional.bad_end_reference")
    _positive(r0, "regional.zero_base_reference_industry")
    g = r1.sum() / r0.sum() - 1.0
    g_i = r1 / r0 - 1.0
    ns = a0 * g
    im = a0 * (g_i - g)[None, :]
    ce = a1 - a0 * (1.0 + g_i)[None, :]
    return ShiftShare(change=a1 - a0, national_growth=ns, industry_mix=im, competitive=ce)


def dynamic_shift_share(xs: Any, references: Any = None) -> list[ShiftShare]:
    """Dynamic shift-share: the classic decomposition for each consecutive pair of years.

    Parameters
    ----------
    xs : sequence of array_like (R, I), one per year in order
    references : sequence of array_like (I,), optional, one per year

    Returns
    -------
    list of ShiftShare
        One per step ``t-1 -> t``; the period components are their sums.

    Notes
    -----
    Each year's components use that year's base ``e_ri^{t-1}`` and growth rates, so changing
    industry mix within the period is accounted for.

    References
    ----------
    Barff, R. A., & Knight, P. L. (1988). Dynamic shift-share analysis. *Growth and Change*,
    19(2), 1-10.

    Examples
    --------
    >>> steps = dynamic_shift_share([[[10, 10], [10, 30]], [[11, 12], [10, 33]],
    ...                              [[12, 14], [10, 36]]])
    >>> len(steps), float(sum(s.change for s in steps).sum())
    (2, 12.0)
    >>> try:
    ...     dynamic_shift_share([[[1, 2]], [[1, 3]]], [[1, 2], [float("nan"), 3]])
    ... except DataError as exc:
    ...     print(exc.en.split(" must")[0])
    The reference industry totals of year 2 of the sequence
    """
    mats = [np.asarray(x, dtype=np.float64) for x in xs]
    if len(mats) < 2:
        raise words.error("regional.dynamic_needs_two", DataError)
    refs = [None] * len(mats) if references is None else list(references)
    if len(refs) != len(mats):
        raise words.error("regional.references_per_year", DataError)
    for t, ref in enumerate(refs):
        if ref is None:
            continue
        arr = np.asarray(ref, dtype=np.float64)
        bad = np.flatnonzero(~np.isfinite(arr) | (arr < 0))
        if bad.size:  # named by year here: the step's "base"/"end" would be ambiguous
            raise words.error(
                "regional.bad_year_reference",
                DataError,
                context={"year": t + 1, "positions": bad.tolist()},
                year=t + 1,
                positions=bad[:10].tolist(),
            )
    return [shift_share(mats[t - 1], mats[t], refs[t - 1], refs[t]) for t in range(1, len(mats))]


_TABLE_FUNCTIONS = frozenset(
    {
        "cagr_table",
        "concentration_table",
        "localisation_table",
        "panel",
        "shift_share_table",
        "specialisation_table",
    }
)


def __getattr__(name: str) -> Any:
    """The Polars table functions live in :mod:`gaodi.analytics.regional_tables`."""
    if name in _TABLE_FUNCTIONS:
        from gaodi.analytics import regional_tables

        return getattr(regional_tables, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
