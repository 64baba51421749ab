"""Period parsing and month arithmetic (hand-checked against the calendar)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaodi.core.errors import ValidationError
from gaodi.core.periods import (
    Period,
    elapsed_months,
    end_month,
    format_month,
    month_index,
    month_of,
    parse_period,
)


def test_parse_three_forms() -> None:
    assert parse_period("2023") == Period(2023, "Y", 0)
    assert parse_period("2023-Q4") == Period(2023, "Q", 4)
    assert parse_period(" 2023-07 ") == Period(2023, "M", 7)


@pytest.mark.parametrize("bad", ["23", "2023-13", "2023-Q5", "2023-7", "2023/07", "", "2023-00"])
def test_parse_rejects(bad: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_period(bad)
    assert "YYYY-MM" in err.value.en and "期间" in err.value.zh


def test_first_last_months_and_dates() -> None:
    q = parse_period("2024-Q1")
    assert (format_month(q.first_month), format_month(q.last_month)) == ("2024-01", "2024-03")
    assert q.n_months == 3
    # Q1 ends on 31 March; 2024 is a leap year, so February has 29 days.
    assert q.end_date == date(2024, 3, 31)
    assert parse_period("2024-02").end_date == date(2024, 2, 29)
    assert parse_period("2023").start_date == date(2023, 1, 1)
    assert parse_period("2023").n_months == 12


def test_elapsed_months_hand_counted() -> None:
    # 2021-01 .. 2023-06 inclusive: 12 + 12 + 6 = 30
    assert elapsed_months("2021", "2023-06") == 30
    # a quarter as of: 2023-Q3 ends in September -> 9 months of 2023
    assert elapsed_months("2023", "2023-Q3") == 9
    # a year as of counts the whole year
    assert elapsed_months("2023", "2023") == 12
    assert elapsed_months("2024", "2023-12") == 0
    assert end_month("2020") == month_index(2020, 12)


@given(st.integers(1949, 2100), st.integers(1, 12))
def test_month_index_roundtrip(year: int, month: int) -> None:
    idx = month_index(year, month)
    assert month_of(idx) == (year, month)
    assert parse_period(format_month(idx)).last_month == idx


@pytest.mark.parametrize("text", ["0000-01", "1948", "1948-Q4", "2101-01", "9999"])
def test_a_year_outside_the_plans_span_is_refused_with_words(text: str) -> None:
    # "0000-01" as a board's as-of reached date(0, 1, 31): a 500 (found by tests/web/test_fuzz.py)
    with pytest.raises(ValidationError) as refused:
        parse_period(text)
    assert refused.value.zh == f"期间“{text}”的年份须在 1949–2100 之间。"


def test_the_edges_of_the_span_are_periods() -> None:
    assert parse_period("1949-01").start_date == date(1949, 1, 1)
    assert parse_period("2100-Q4").end_date == date(2100, 12, 31)
