"""Numerals and quantities as plans write them; hand cases with the expected reading."""

from __future__ import annotations

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaodi.core.errors import ValidationError
from gaodi.text.numerals import (
    chinese_to_number,
    normalize_width,
    parse_number,
    parse_quantity,
    scale_of,
    scan_quantities,
    to_base,
)


def _q(text: str) -> tuple[float, float | None, str | None, str]:
    q = parse_quantity(text)
    return q.value, q.value_max, q.unit, q.kind


def test_hundred_million_yuan_keeps_the_unit_as_written() -> None:
    # "2500亿元": 2500 in the unit 亿元; in 元: 2500 × 10^8 = 2.5 × 10^11
    assert _q("2500亿元") == (2500, None, "亿元", "measure")
    assert to_base(2500, "亿元") == (2.5e11, "元")


def test_decimal_with_trillion() -> None:
    # "1.5万亿" = 1.5 × 10^12; as written: 1.5 in 万亿
    assert parse_number("1.5万亿") == 1.5e12
    assert _q("1.5万亿元") == (1.5, None, "万亿元", "measure")
    assert to_base(1.5, "万亿元") == (1.5e12, "元")


def test_chinese_numeral_with_magnitude_word() -> None:
    # "三千亿" = 3000 × 10^8 = 3 × 10^11; as written 3000 in 亿
    assert parse_number("三千亿") == 3e11
    assert _q("三千亿元") == (3000, None, "亿元", "measure")
    assert _q("五千亿规模")[:3] == (5000, None, "亿")


def test_range_gives_value_and_value_max() -> None:
    assert _q("1—2个") == (1, 2, "个", "count")
    assert _q("3-5个") == (3, 5, "个", "count")
    assert _q("8~10家") == (8, 10, "家", "count")
    assert _q("2～3个")[:2] == (2, 3)


def test_percent_in_words_and_symbols() -> None:
    assert _q("百分之三十") == (30, None, "%", "percent")
    assert _q("百分之三十五点五")[:3] == (35.5, None, "%")
    assert _q("30%") == (30, None, "%", "percent")
    assert _q("３０％") == (30, None, "%", "percent")  # full-width digits and sign
    assert _q("3个百分点")[:3] == (3, None, "个百分点")


def test_count_of_things_at_a_scale_is_the_count_not_the_scale() -> None:
    # "5个千亿级园区": 5 parks, each of the 千亿 (10^11) class
    found = scan_quantities("5个千亿级园区")
    assert [(q.value, q.unit, q.kind) for q in found] == [(5, "个", "count"), (1000, "亿", "scale")]
    assert scale_of("千亿级") == 1e11
    assert scale_of("3000亿级") == 3e11


def test_compound_and_magnitude_units() -> None:
    assert _q("50万元/人")[:3] == (50, None, "万元/人")
    assert _q("360台/万人")[:3] == (360, None, "台/万人")
    assert _q("2.8万家") == (2.8, None, "万家", "count")
    assert to_base(2.8, "万家") == (28000, "家")  # 2.8 × 10^4
    assert _q("1,200家")[:3] == (1200, None, "家")


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("二十二", 22),
        ("一百零五", 105),
        ("两千", 2000),
        ("一万五千", 15000),
        ("十", 10),
        ("百", 100),
    ],
)
def test_chinese_numerals(numeral: str, value: int) -> None:
    assert chinese_to_number(numeral) == value


@pytest.mark.parametrize("text", ["5G网络", "C919大飞机", "三元材料", "一体化发展", "三高四新"])
def test_words_that_contain_numerals_are_not_quantities(text: str) -> None:
    assert scan_quantities(text) == []


def test_approximate_counts_and_bare_numbers() -> None:
    q = parse_quantity("30多个")
    assert (q.value, q.unit, q.approx) == (30, "个", "多")
    q = parse_quantity("86以上")
    assert (q.value, q.unit, q.kind) == (86, None, "bare")


def test_errors_are_validation_errors_with_both_languages() -> None:
    with pytest.raises(ValidationError) as info:
        parse_quantity("没有数字")
    assert info.value.zh and info.value.en != info.value.zh
    with pytest.raises(ValidationError):
        parse_number("二五八万X")


def test_width_normalisation_keeps_offsets() -> None:
    text = "到２０２５年，增长３０％。"
    assert len(normalize_width(text)) == len(text)


UNITS = ["个", "家", "项", "亿元", "万元", "万人", "%", "吨", "万吨", "台/万人", "个百分点"]


@given(st.integers(min_value=1, max_value=99_999), st.sampled_from(UNITS))
def test_any_arabic_quantity_reads_back(n: int, unit: str) -> None:
    (q,) = scan_quantities(f"达到{n}{unit}。")
    assert (q.value, q.unit) == (n, unit)


@given(st.integers(min_value=1, max_value=99_999_999))
def test_chinese_numerals_round_trip_with_cn2an(n: int) -> None:
    # cn2an's own an2cn writes the numeral; we must read back the same integer
    assert chinese_to_number(cn2an.an2cn(n)) == n


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=1, max_value=500))
def test_ranges_read_both_ends(a: int, d: int) -> None:
    (q,) = scan_quantities(f"培育{a}—{a + d}个")
    assert (q.value, q.value_max, q.unit) == (a, a + d, "个")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # chongqing-2020c (tuning): "着力打造两三个世界级产业集群" restates the body's "2-3个"
        ("着力打造两三个世界级产业集群", (2.0, 3.0, "个")),
        ("培育七八家龙头企业", (7.0, 8.0, "家")),
        ("引进三五个重大项目", (3.0, 5.0, "个")),
        ("新建一两个特色园区", (1.0, 2.0, "个")),
    ],
)
def test_two_neighbouring_digits_are_a_rough_count(
    text: str, expected: tuple[float, float, str]
) -> None:
    """概数: two neighbouring digits written together give the range between them."""
    (q,) = scan_quantities(text)
    assert (q.value, q.value_max, q.unit) == expected


def test_three_digits_in_a_row_are_no_rough_count() -> None:
    # "一二三产业" names the three sectors; "二十三个" is twenty-three
    assert scan_quantities("推动一二三产业融合发展") == []
    (q,) = scan_quantities("建成二十三个园区")
    assert (q.value, q.value_max) == (23.0, None)
