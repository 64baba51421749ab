"""Decimal quotients of figures, vectorised, with a proof that each equals the decimal answer.

The tier rules read growth rates and R&D ratios computed in decimals from the figures as written
(:func:`gaodi.analytics.ruleset.dec`: a float is the decimal of its shortest text), at 34
significant digits (IEEE decimal128) for quotients and square roots and Python's default 28 for
the other steps, then returned as the nearest float. Doing that per row in :mod:`decimal` costs
about 13 µs a firm (4 s for the 300,000 firms of the large demo city).

Here the same numbers come from double-double arithmetic (a value as an unevaluated sum
``hi + lo`` of two floats, about 106 bits; Dekker 1971) over whole numpy arrays, with a check per
row that the answer cannot differ from the decimal one:

1. **The inputs are read exactly.** A figure ``x`` with at most six decimals and |x| < 10⁹ is
   ``n / 10⁶`` for the integer ``n = rint(x·10⁶)`` when ``fl(n / 10⁶) == x`` (IEEE division is
   correctly rounded); its shortest text is then that decimal, since any other decimal as close
   to ``x`` (within one ulp, < 10⁻⁶) has more significant digits. So a ratio of two figures is
   the ratio of two integers below 2⁵³, each exact as a float.
2. **The exact value** ``h`` (a quotient, growth, mean of growths, square root) is computed in
   double-double with a known error bound ``E`` (a few 2⁻¹⁰⁴ relative per operation; 10⁻³⁰ is
   used).
3. **The decimal computation** ``D`` differs from ``h`` by at most ``B``: half a unit in the last
   place of each rounding (5·10⁻³⁴ relative at 34 digits, 5·10⁻²⁸ at 28), carried through the
   steps (stated for each function below).
4. **The nearest float** of ``hi + lo`` is ``hi`` (``|lo|`` ≤ half an ulp). If the distance from
   ``hi + lo`` to the nearest midpoint between floats exceeds ``2·(B + E)``, then ``h`` and ``D``
   lie strictly on the same side of every midpoint, so ``float(D)`` (correctly rounded) is
   ``hi``. A row where it does not, or whose figures are not short decimals, is left to the
   decimal code (``None`` in ``proven``): with figures of two decimals that is about one row in
   10⁸ for the distance test.

References
----------
.. [1] Dekker, T. J. (1971). A floating-point technique for extending the available precision.
   *Numerische Mathematik* 18, 224–242 (two_sum, two_product by splitting, division).
.. [2] Goldberg, D. (1991). What every computer scientist should know about floating-point
   arithmetic. *ACM Computing Surveys* 23(1) (correct rounding, midpoints).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Exact", "growth", "mean_growth", "quotient", "root_growth", "short_decimals"]

Floats = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]

#: figures are read as integers of millionths: at most six decimals, below 10⁹ in magnitude
SCALE = 1e6
LIMIT = 1e9
_U34 = 5e-34  # relative error of one rounding to 34 significant digits
_U28 = 5e-28  # ... to 28 (Python's default context)
_DD = 1e-30  # relative error allowed for a few double-double operations (true: ~1e-31)
_SPLIT = 134217729.0  # 2**27 + 1 (Veltkamp splitting)


@dataclass(frozen=True)
class Exact:
    """Values per row and whether each is proven equal to the decimal computation (rows not
    proven are to be computed in decimals; ``value`` there is meaningless)."""

    value: Floats
    proven: Mask


def short_decimals(x: Floats) -> tuple[Floats, Mask]:
    """``(n, ok)``: ``x = n / 10⁶`` exactly as decimals (see point 1 of the module) where ``ok``;
    ``n`` is an integer-valued float below 2⁵³ there. NaN (missing) is not ok.

    Examples
    --------
    >>> n, ok = short_decimals(np.array([1496.03, 0.4865, 1e-7, np.nan, 2e9]))
    >>> n[:2].tolist(), ok.tolist()
    ([1496030000.0, 486500.0], [True, True, False, False, False])
    """
    with np.errstate(invalid="ignore", over="ignore"):
        n = np.rint(x * SCALE)
        ok = np.isfinite(x) & (np.abs(x) < LIMIT) & (n / SCALE == x)
    return np.where(ok, n, 0.0), ok


# ------------------------------------------------------------------ double-double arithmetic
def _two_sum(a: Floats, b: Floats) -> tuple[Floats, Floats]:
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _split(a: Floats) -> tuple[Floats, Floats]:
    c = _SPLIT * a
    hi = c - (c - a)
    return hi, a - hi


def _two_prod(a: Floats, b: Floats) -> tuple[Floats, Floats]:
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _norm(hi: Floats, lo: Floats) -> tuple[Floats, Floats]:
    s = hi + lo
    return s, lo - (s - hi)


def _add(a: tuple[Floats, Floats], b: tuple[Floats, Floats]) -> tuple[Floats, Floats]:
    s, e = _two_sum(a[0], b[0])
    t, f = _two_sum(a[1], b[1])
    s, e = _norm(s, e + t)
    return _norm(s, e + f)


def _div(a: tuple[Floats, Floats], b: tuple[Floats, Floats]) -> tuple[Floats, Floats]:
    """(a_hi + a_lo) / (b_hi + b_lo): a first quotient corrected by the exact remainder."""
    q1 = a[0] / b[0]
    p, e = _two_prod(q1, b[0])
    r = ((a[0] - p) - e + a[1]) - q1 * b[1]
    q2 = r / b[0]
    return _norm(q1, q2)


def _sqrt(a: tuple[Floats, Floats]) -> tuple[Floats, Floats]:
    """sqrt(a_hi + a_lo) for positive a: one Newton correction of the float root."""
    s = np.sqrt(a[0])
    p, e = _two_prod(s, s)
    r = (a[0] - p) - e + a[1]
    return _norm(s, r / (2.0 * s))


def _dd(x: Floats) -> tuple[Floats, Floats]:
    return x, np.zeros_like(x)


def _rounded(hi: Floats, lo: Floats, bound: Floats) -> Exact:
    """``hi`` where ``hi + lo`` is farther than ``2·bound`` from every midpoint between floats
    (then any value within ``bound`` of it rounds to ``hi``)."""
    with np.errstate(invalid="ignore", over="ignore"):
        up = np.nextafter(hi, np.inf) - hi
        down = hi - np.nextafter(hi, -np.inf)
        room = np.where(lo >= 0, up / 2 - lo, down / 2 + lo)
        proven = np.isfinite(hi) & np.isfinite(lo) & (hi != 0) & (room > 2.0 * bound)
    return Exact(hi, proven)


# ------------------------------------------------------------------ the decimal computations
def quotient(num: Floats, den: Floats) -> Exact:
    """``float(Q34(N / M))`` for figures with integers of millionths ``num``, ``den`` (from
    :func:`short_decimals`); ``den`` must not be 0 where it matters.

    One rounding at 34 digits: ``B = 5·10⁻³⁴·|h|``.

    Examples
    --------
    >>> r = quotient(np.array([47.27e6]), np.array([1496.03e6]))
    >>> bool(r.proven[0]), float(r.value[0]) == 47.27 / 1496.03
    (True, True)
    """
    hi, lo = _div(_dd(num), _dd(den))
    bound = (_U34 + _DD) * np.abs(hi) * 1.01
    return _rounded(hi, lo, bound)


def growth(now: Floats, before: Floats) -> Exact:
    """``float(R28(Q34(N / M) − 1))``: the growth of ``before`` to ``now`` (integers of
    millionths, ``before`` > 0). ``h = (N − M) / M`` with ``N − M`` exact (both below 2⁵³/2).

    Errors: ``Q34`` adds ≤ 5·10⁻³⁴·|q| (q = N/M), ``R28`` ≤ 5·10⁻²⁸·|h|, so
    ``B = 1.01·(5·10⁻³⁴·|q| + 5·10⁻²⁸·|h|)``.

    Examples
    --------
    >>> r = growth(np.array([23000e6]), np.array([20000e6]))
    >>> bool(r.proven[0]), float(r.value[0])
    (True, 0.15)
    """
    hi, lo = _div(_dd(now - before), _dd(before))
    q = now / before
    bound = 1.01 * (_U34 * np.abs(q) + (_U28 + _DD) * np.abs(hi))
    return _rounded(hi, lo, bound)


def root_growth(now: Floats, before: Floats) -> Exact:
    """``float(R28(S34(Q34(N / M)) − 1))``: the yearly growth over two years (水平法), N/M > 0.

    Errors: ``Q34`` then the correctly rounded 34-digit root give ≤ 1.5·5·10⁻³⁴·√q, ``R28``
    ≤ 5·10⁻²⁸·|h|, the double-double root ~10⁻³⁰·√q:
    ``B = 1.01·(2·5·10⁻³⁴·√q + 10⁻³⁰·√q + 5·10⁻²⁸·|h|)``.
    """
    root = _sqrt(_div(_dd(now), _dd(before)))
    hi, lo = _add(root, _dd(np.full_like(now, -1.0)))
    r = root[0]
    bound = 1.01 * (2 * _U34 * r + _DD * r + _U28 * np.abs(hi) + _DD * np.abs(hi))
    return _rounded(hi, lo, bound)


def mean_growth(m0: Floats, m1: Floats, m2: Floats) -> Exact:
    """``float(R28(R28(R28(Q34(m0/m1) + Q34(m1/m2)) − 2) / 2))``: the mean of two years'
    growth rates, as Python's decimals compute ``(q01 + q12 − 2) / 2`` (m1, m2 > 0).

    Errors: each quotient ≤ 5·10⁻³⁴ of itself; each of the three roundings at 28 digits
    ≤ 5·10⁻²⁸ of its result (the sum, the sum less 2, the half). Generously,
    ``B = 2·5·10⁻²⁸·(|q01| + |q12| + 2 + |h|)``, and the double-double error ~10⁻³⁰ of the
    same terms.
    """
    q01 = _div(_dd(m0), _dd(m1))
    q12 = _div(_dd(m1), _dd(m2))
    hi, lo = _add(_add(q01, q12), _dd(np.full_like(m0, -2.0)))
    hi, lo = hi / 2, lo / 2
    size = np.abs(q01[0]) + np.abs(q12[0]) + 2 + np.abs(hi)
    bound = 2 * (_U28 + _DD) * size
    return _rounded(hi, lo, bound)
