"""The exact HHI and top-1 share of a link's outputs, computed on scaled integers when every
output is written with few decimals (万元 figures have two), are the fractions the definition
gives from the outputs as written: each float read as its shortest decimal (``repr``), as a
reader reads the figure, summed as fractions.

The reference here is that definition, written out with :class:`fractions.Fraction` and
:class:`decimal.Decimal`; it does not call the code under test.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaodi.analytics import chains
from gaodi.analytics.chains import _concentration
from gaodi.analytics.exact import scaled_integers


def _reference(values: list[float]) -> tuple[Fraction, Fraction]:
    written = [Fraction(Decimal(repr(float(v)))) for v in values]
    total = sum(written, Fraction(0))
    return sum((v * v for v in written), Fraction(0)) / (total * total), max(written) / total


def _same(a: tuple[Fraction, Fraction], b: tuple[Fraction, Fraction]) -> bool:
    return all(
        x.numerator == y.numerator and x.denominator == y.denominator
        for x, y in zip(a, b, strict=True)
    )


# decimals with up to 8 places and up to 15 digits in all: the scaled path
written_decimals = st.builds(
    lambda digits, places: float(Decimal(digits) / Decimal(10) ** places),
    st.integers(min_value=0, max_value=10**15 - 1),
    st.integers(min_value=0, max_value=8),
)
# any non-negative float, including 0.1 + 0.2, 5e-324 and 1e300: mostly the one-by-one path
any_floats = st.floats(min_value=0.0, max_value=1e300, allow_nan=False, allow_infinity=False)


@settings(max_examples=400, deadline=None)
@given(st.lists(written_decimals, min_size=1, max_size=30))
def test_scaled_integers_give_the_fractions_as_written(values: list[float]) -> None:
    if sum(values) <= 0:
        return
    assert _same(_concentration(values), _reference(values))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(written_decimals, any_floats), min_size=1, max_size=30))
def test_any_floats_give_the_fractions_as_written(values: list[float]) -> None:
    if sum(values) <= 0 or not np.isfinite(np.sum(values)):
        return
    assert _same(_concentration(values), _reference(values))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0.1, 2.5, 1234.56], [10, 250, 123456]),  # k = 2
        ([3.0, 0.0, 7.0], [3, 0, 7]),  # k = 0
        ([1e-5, 2e-5], [1, 2]),  # repr writes these 1e-05, 2e-05
    ],
)
def test_scaled_integers_by_hand(values: list[float], expected: list[int]) -> None:
    assert scaled_integers(np.array(values)) == expected


@pytest.mark.parametrize("value", [9.999999999999999, 0.1 + 0.2, 5e-324, 2.0**52])
def test_values_with_too_many_digits_are_not_scaled(value: float) -> None:
    # 16-17 significant digits (or a huge value) cannot be scaled to integers below 2**51
    assert scaled_integers(np.array([1.5, value])) is None
    assert _same(_concentration([1.5, value]), _reference([1.5, value]))


def test_two_decimal_outputs_take_no_fraction_per_firm(monkeypatch: pytest.MonkeyPatch) -> None:
    # 10,000 firms in 万元 with two decimals: the sums are of integers, no fraction per firm
    calls = 0
    real = chains.as_written

    def counting(x: float | Decimal | Fraction) -> Fraction:
        nonlocal calls
        calls += 1
        return real(x)

    monkeypatch.setattr(chains, "as_written", counting)
    rng = np.random.default_rng(7)
    values = (rng.integers(1, 10**8, size=10_000) / 100).tolist()
    got = _concentration(values)
    assert calls == 0
    monkeypatch.undo()
    assert _same(got, _reference(values))
