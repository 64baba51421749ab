"""Figures as written: the exact rationals that 万元 figures stand for, and their exact sums.

A figure such as 1234.56 is read from a workbook into a binary float next to it; sums and
ratios of such floats drift in the last digits and depend on the order of the rows. Where a
share or a ratio is compared with a line (a weak link, a park's focus, a concentration class),
the figures are taken as the decimals they were written as (``repr``, the shortest decimal
that reads back to the float) and summed exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import numpy as np


def as_written(x: float | Decimal | Fraction) -> Fraction:
    """A figure as the exact rational it reads as: a float by its shortest decimal (0.1 is
    1/10, not the binary float next to it); a Decimal or a Fraction as it is.

    Examples
    --------
    >>> as_written(0.1), as_written(Decimal("2.50"))
    (Fraction(1, 10), Fraction(5, 2))
    """
    if isinstance(x, Fraction):
        return x
    if isinstance(x, Decimal):
        return Fraction(x)
    return Fraction(Decimal(repr(float(x))))


#: Scaled outputs stay below 2**51: a float x below 2**51 / 10**k is less than 10**-k / 2 from
#: its neighbours (at most x / 2**52 apart), and two decimals with k places are at least 10**-k
#: apart, so at most one of them rounds to x; it is then x's shortest decimal (``repr``).
SCALED_LIMIT = 2.0**51


def scaled_integers(x: np.ndarray) -> list[int] | None:
    """The integers :math:`n_i` with :math:`x_i = n_i / 10^k` as written (the shortest decimal
    of each float, as ``repr`` writes it), for the smallest k that holds for every value;
    None when no k keeps :math:`n_i < 2^{51}` (then a value has more digits than a float can
    tell apart at that scale).

    A candidate :math:`n_i = \\mathrm{rint}(10^k x_i)` is the one when :math:`n_i / 10^k`,
    correctly rounded (IEEE division of two exact floats), is :math:`x_i` again; below
    :data:`SCALED_LIMIT` no other decimal with k places rounds to :math:`x_i`, and the
    shortest one has no more than k places.

    Examples
    --------
    >>> scaled_integers(np.array([0.1, 2.5, 1234.56]))
    [10, 250, 123456]
    >>> scaled_integers(np.array([0.1 + 0.2])) is None  # 0.30000000000000004
    True
    """
    found = scaled(x)
    return None if found is None else found[0]


def scaled(x: np.ndarray) -> tuple[list[int], int] | None:
    """:func:`scaled_integers` and the k they are scaled by."""
    top = float(np.abs(x).max()) if x.size else 0.0
    for k in range(23):  # 10.0**k is exact up to 10**22
        scale = 10.0**k
        if top * scale >= SCALED_LIMIT:
            return None
        n = np.rint(x * scale)
        if np.array_equal(n / scale, x):
            return n.astype(np.int64).tolist(), k
    return None


def exact_sum(values: Sequence[float] | np.ndarray) -> Fraction:
    """The exact sum of figures as written (1234.56 is 123456/100).

    Exact because shares are compared with lines (a chain link's weak line, a park's focus
    share): as floats, 71819.40 + 5872.23 is 77691.62999999999, which put a link whose share
    was exactly on the line below it. Exact sums are also the same whatever order the rows
    come in.

    Examples
    --------
    >>> exact_sum([71819.40, 5872.23])
    Fraction(7769163, 100)
    >>> exact_sum([0.1, 0.2]) == Fraction(3, 10)
    True
    """
    x = np.asarray(values, dtype=float).ravel()
    if x.size == 0:
        return Fraction(0)
    found = scaled(x)
    if found is None:
        return sum((as_written(float(v)) for v in x), Fraction(0))
    ints, k = found
    return Fraction(sum(ints), 10**k)
