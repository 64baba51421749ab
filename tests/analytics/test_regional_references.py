"""The dense shift-share functions and ``cagr`` refuse reference totals and year counts that
are not finite, non-negative numbers, with an error naming the year and the positions,
instead of returning NaN components or a "growth" of a negative economy."""

from __future__ import annotations

import math

import pytest

from gaodi.analytics import regional as R
from gaodi.core.errors import DataError

X0 = [[10, 10], [10, 30]]
X1 = [[12, 14], [10, 36]]
NAN = math.nan


@pytest.mark.parametrize(
    ("ref0", "ref1", "words_en", "words_zh"),
    [
        ([20, 40], [NAN, 50], "end-year reference", "末期参照经济"),
        ([20, 40], [-5, 50], "end-year reference", "末期参照经济"),
        ([20, 40], [25, math.inf], "end-year reference", "末期参照经济"),
        ([NAN, 40], [25, 50], "base-year reference", "基期参照经济"),
        ([-20, 40], [25, 50], "base-year reference", "基期参照经济"),
    ],
)
def test_shift_share_refuses_bad_reference_totals(ref0, ref1, words_en, words_zh) -> None:
    with pytest.raises(DataError) as err:
        R.shift_share(X0, X1, ref0, ref1)
    assert words_en in err.value.en and "finite, non-negative" in err.value.en
    assert words_zh in err.value.zh
    bad = 0 if (math.isnan(ref0[0]) or ref0[0] < 0 or math.isnan(ref1[0]) or ref1[0] < 0) else 1
    assert err.value.context["positions"] == [bad]


def test_shift_share_with_valid_references_still_adds_up() -> None:
    s = R.shift_share(X0, X1, [20, 40], [22, 50])
    total = s.national_growth + s.industry_mix + s.competitive
    assert total.round(9).tolist() == s.change.round(9).tolist()
    # an industry that vanishes from the reference (E_i^1 = 0) is still defined: G_i = -1
    assert not math.isnan(float(R.shift_share(X0, X1, [20, 40], [0, 50]).competitive.sum()))


def test_dynamic_shift_share_names_the_year() -> None:
    with pytest.raises(DataError) as err:
        R.dynamic_shift_share([[[1, 2]], [[1, 3]]], [[1, 2], [NAN, 3]])
    assert "year 2" in err.value.en and "第 2 年" in err.value.zh


@pytest.mark.parametrize("years", [NAN, math.inf, -1, 0])
def test_cagr_needs_a_positive_finite_number_of_years(years) -> None:
    with pytest.raises(DataError, match="positive, finite"):
        R.cagr(100, 121, years)
    assert round(float(R.cagr(100, 121, 2)), 12) == 0.1
