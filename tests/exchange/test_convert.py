"""Cell parsing and writing, one column at a time (no database)."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from gaodi.core.codes import USCC_CHARSET, make_uscc, uscc_check_char
from gaodi.exchange.convert import convert_column, to_cell, to_text
from gaodi.exchange.entities import ENTERPRISE_YEARS, ENTERPRISES, LINKS, OBSERVATIONS, TARGETS
from gaodi.exchange.schema import Column


def _one(col: Column, value: object) -> tuple[object, list[tuple[int, str, str]]]:
    values, problems = convert_column(col, [value])
    return values[0], problems


def test_numbers_accept_what_people_type() -> None:
    revenue = ENTERPRISE_YEARS.column("revenue")
    # "1,234.5" with a thousands separator, full-width digits, plain ints: all 1234.5 / 12.0
    assert _one(revenue, "1,234.5") == (1234.5, [])
    assert _one(revenue, "１２") == (12.0, [])
    assert _one(revenue, 12) == (12.0, [])
    value, problems = _one(revenue, "十二")
    assert value is None and "不是数字" in problems[0][1]
    # revenue may not be negative; value added may
    assert _one(revenue, -1.0)[1][0][2] == "Value -1 is below the minimum 0."
    assert _one(ENTERPRISE_YEARS.column("value_added"), -1.0) == (-1.0, [])
    # True is not a number even though Python says True == 1
    assert "yes/no" in _one(revenue, True)[1][0][2]


def test_integers_refuse_fractions() -> None:
    year = ENTERPRISE_YEARS.column("year")
    assert _one(year, 2023.0) == (2023, [])
    assert _one(year, "2023") == (2023, [])
    assert _one(year, 2023.5)[1][0][2] == "Expected a whole number, got 2023.5."
    assert _one(year, 1800)[1][0][2] == "Value 1800 is below the minimum 1949."


def test_dates_in_every_usual_spelling() -> None:
    founded = ENTERPRISES.column("founded")
    expected = dt.date(2015, 6, 30)
    for typed in (
        "2015-06-30",
        "2015/6/30",
        "2015年6月30日",
        "20150630",
        "2015.06.30",
        dt.datetime(2015, 6, 30, 0, 0),
        "2015-06-30 00:00:00",
    ):
        assert _one(founded, typed) == (expected, []), typed
    # 42185 is the Excel serial of 2015-06-30 (days since 1899-12-30: 42185 = 116 years ...)
    assert dt.date(1899, 12, 30) + dt.timedelta(days=42185) == expected
    assert _one(founded, 42185.0) == (expected, [])
    assert _one(founded, "2015-02-30")[1][0][2].startswith("'2015-02-30' is not a valid date")


def test_booleans() -> None:
    key_link = LINKS.column("key_link")
    for yes in ("是", "Y", "y", "TRUE", "true", "1", True, 1.0, "√"):
        assert _one(key_link, yes) == (True, []), yes
    for no in ("否", "N", "FALSE", "0", False, 0.0):
        assert _one(key_link, no) == (False, []), no
    assert "not yes/no" in _one(key_link, "也许")[1][0][2]


def test_choices_accept_code_chinese_and_english_labels() -> None:
    segment = LINKS.column("segment")
    assert [_one(segment, v)[0] for v in ("上游", "up", "Upstream", "中游", "down")] == [
        "up",
        "up",
        "up",
        "mid",
        "down",
    ]
    value, problems = _one(segment, "旁游")
    assert value is None and problems[0][1] == "“旁游”不是允许的值；可选：上游、中游、下游。"
    comparator = TARGETS.column("comparator")
    assert [_one(comparator, v)[0] for v in (">=", "≥", "≤", "=")] == [">=", ">=", "<=", "="]


def test_periods_and_what_excel_makes_of_them() -> None:
    period = OBSERVATIONS.column("period")
    cases = {
        "2023": "2023",
        2023.0: "2023",
        "2023-06": "2023-06",
        "2023-6": "2023-06",
        "2023年6月": "2023-06",
        "2023/06": "2023-06",
        "2023-Q2": "2023-Q2",
        "2023q2": "2023-Q2",
        "2023年第二季度": "2023-Q2",
        dt.datetime(2023, 6, 1): "2023-06",
        "2023年": "2023",
    }
    for typed, expected in cases.items():
        assert _one(period, typed) == (expected, []), typed
    for bad in ("2023-13", "2023-Q5", "23-06", "June 2023"):
        assert _one(period, bad)[1], bad
    assert "typed as a number" in _one(period, 2023.06)[1][0][2]


def test_lists_split_on_chinese_and_ascii_separators() -> None:
    tags = ENTERPRISES.column("tags")
    assert _one(tags, "srdi、leader；high_tech, champion") == (
        ["srdi", "leader", "high_tech", "champion"],
        [],
    )
    industries = LINKS.column("industry_codes")
    assert _one(industries, "3444、C3451") == (["3444", "3451"], [])
    assert _one(industries, "3444、9999")[1][0][2] == (
        "Industry code(s) 9999 are not in GB/T 4754-2017."
    )


def test_industry_code_typed_as_number_gets_a_hint() -> None:
    code = ENTERPRISES.column("industry_code")
    assert _one(code, "0111") == ("0111", [])
    # Excel turns 0111 typed into a General cell into the number 111, and 111 is itself a
    # 中类 (煤炭开采和洗选专业及辅助性活动): the number is ambiguous and refused
    value, problems = _one(code, 111.0)
    assert value is None and "'111' or '0111'" in problems[0][2]
    # 0610 (烟煤和无烟煤开采洗选) loses its 0; 610 is no code at all: the message suggests 0610
    value, problems = _one(code, 610.0)
    assert value is None and "Did you mean '0610'?" in problems[0][2]
    # 3670 needs no leading zero: a number cell is fine
    assert _one(code, 3670.0) == ("3670", [])


def test_uscc_check_character_is_named() -> None:
    uscc = ENTERPRISES.column("uscc")
    good = make_uscc("430104", random.Random(1))
    assert _one(uscc, good) == (good, [])
    assert _one(uscc, f" {good.lower()} ") == (good, [])
    # the check character is one of the 31 characters; any other one is wrong
    wrong = next(c for c in USCC_CHARSET if c != good[17])
    value, problems = _one(uscc, good[:17] + wrong)
    assert value is None
    assert problems[0][2] == (
        f"USCC '{good[:17]}{wrong}' has a wrong check character: expected '{good[17]}', "
        f"found '{wrong}'."
    )
    assert "应为18位" in _one(uscc, good[:17])[1][0][1]
    assert "I, O, Z, S and V" in _one(uscc, good[:16] + "I" + good[17])[1][0][2]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17), min_size=1, max_size=30),
    st.data(),
)
def test_fast_uscc_path_agrees_with_the_scalar_rule(firsts: list[str], data: st.DataObject) -> None:
    """The numpy check equals GB 32100's scalar formula on valid and corrupted codes."""
    codes = []
    for first in firsts:
        check = uscc_check_char(first)
        if data.draw(st.booleans()):
            check = data.draw(st.sampled_from([c for c in USCC_CHARSET if c != check]))
        codes.append(first + check)
    values, problems = convert_column(ENTERPRISES.column("uscc"), codes)
    bad = {i for i, _, _ in problems}
    for i, code in enumerate(codes):
        valid = uscc_check_char(code[:17]) == code[17]
        assert (values[i] == code) is valid and (i in bad) is (not valid)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=0, max_value=1e15))
def test_floats_round_trip_through_csv_text(value: float) -> None:
    revenue = ENTERPRISE_YEARS.column("revenue")
    assert _one(revenue, to_text(revenue, value)) == (value, [])


def test_cells_are_written_with_chinese_labels() -> None:
    assert to_cell(LINKS.column("segment"), "mid") == "中游"
    assert to_cell(LINKS.column("key_link"), True) == "是"
    assert to_cell(ENTERPRISES.column("tags"), ["srdi", "leader"]) == "srdi、leader"
    assert to_text(ENTERPRISE_YEARS.column("year"), 2023) == "2023"
    assert to_text(ENTERPRISE_YEARS.column("revenue"), 1234.0) == "1234"
    assert to_text(ENTERPRISES.column("founded"), dt.date(2015, 6, 30)) == "2015-06-30"
    assert to_text(ENTERPRISES.column("name"), None) == ""
