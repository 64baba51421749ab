"""The document model: cell texts as the web pages write them, heading and caption numbering."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaodi.reports.model import (
    Column,
    Figure,
    Heading,
    Paragraph,
    Report,
    Table,
    format_value,
    number_headings,
)


def _report(lang: str, blocks: list) -> Report:
    return Report("t", lang, "T", "S", "I", dt.date(2023, 7, 1), False, blocks)


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        (0.84, "percent", "84.0%"),  # 0.84 × 100 = 84.0
        (1.0904665625, "percent", "109.0%"),  # 109.04… rounds to 109.0
        (0.00049, "percent", "0.0%"),  # 0.049 % rounds to 0.0
        (30000.0, "number", "30,000"),  # whole: no decimals, thousands separator
        (1070.6539, "number", "1,070.65"),  # two decimals
        (1681508.42, "yi", "168.15"),  # 万元 → 亿元: 1,681,508.42 / 10,000 = 168.150842
        (1234.5, "int", "1,234"),  # round half to even: 1234.5 → 1234
        (None, "percent", "—"),
        (None, "text", ""),
        ("red", "status", "红"),
        ("missing", "status", "缺链"),
        (["a", "b"], "text", "a、b"),
        (dt.date(2023, 6, 30), "date", "2023-06-30"),
    ],
)
def test_format_value(value: object, fmt: str, expected: str) -> None:
    assert format_value(value, Column("x", fmt=fmt)) == expected  # type: ignore[arg-type]


def test_status_in_english() -> None:
    assert format_value("yellow", Column("s", fmt="status"), "en") == "yellow"


def test_header_carries_the_unit() -> None:
    assert Column("产值", unit="亿元").header("zh") == "产值（亿元）"
    assert Column("Output", unit="100m yuan").header("en") == "Output (100m yuan)"
    assert Column("指标").header("zh") == "指标"


def test_headings_tables_and_figures_are_numbered_in_order() -> None:
    t1 = Table([Column("a")], [[1]], "one")
    t2 = Table([Column("a")], [[2]], "two")
    f1 = Figure(b"", "fig")
    blocks = [
        Heading(1, "总体情况"),
        Heading(2, "重点"),
        Heading(2, "其他"),
        Heading(3, "细项"),
        t1,
        Heading(1, "各行动"),  # a new level-1 heading restarts the level-2 count
        Heading(2, "行动一"),
        f1,
        Paragraph("x"),
        t2,
    ]
    number_headings(_report("zh", blocks))
    numbers = [b.number for b in blocks if isinstance(b, Heading)]
    assert numbers == ["一、", "（一）", "（二）", "1.", "二、", "（一）"]
    assert (t1.number, t2.number, f1.number) == (1, 2, 1)


def test_omitted_sections_leave_no_gap_and_english_numbers() -> None:
    blocks = [Heading(1, f"s{i}") for i in range(12)]
    number_headings(_report("zh", blocks))
    assert [b.number for b in blocks][9:] == ["十、", "十一、", "十二、"]
    en = [Heading(1, "a"), Heading(2, "b"), Heading(3, "c"), Heading(2, "d")]
    number_headings(_report("en", en))
    assert [b.number for b in en] == ["1.", "1.1", "1.1.1", "1.2"]


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_percent_text_is_the_share_times_100(value: float) -> None:
    text = format_value(value, Column("p", fmt="percent"))
    assert text.endswith("%")
    assert abs(float(text[:-1]) - value * 100) <= 0.05 + 1e-9 * abs(value * 100)
