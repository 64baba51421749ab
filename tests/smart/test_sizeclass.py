"""Size classes by 《统计上大中小微型企业划分办法（2017）》（国统字〔2017〕213号）, 工业 row:
大型 X≥1000 人 且 Y≥40000 万元; 中型 X≥300 且 Y≥2000; 小型 X≥20 且 Y≥300; otherwise 微型 —
"须同时满足所列指标的下限，否则下划一档；微型企业只须满足所列指标中的一项即可"."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaodi.smart.sizeclass import load_size_rule, size_class, size_class_expr

RULE = load_size_rule()
ORDER = ["micro", "small", "medium", "large"]


@pytest.mark.parametrize(
    ("employees", "revenue", "expected"),
    [
        (1000, 40000, "large"),  # both lower bounds met exactly
        (999, 40000, "medium"),  # one person short of 大型: falls one class
        (1000, 39999.99, "medium"),
        (300, 2000, "medium"),
        (5000, 1999, "small"),  # revenue decides: 300 <= Y < 2000
        (299, 100000, "small"),  # employees decide: 20 <= X < 300
        (20, 300, "small"),
        (19, 100000, "micro"),  # 微型 needs only one measure below the 小型 bound
        (5000, 299, "micro"),
        (0, 0, "micro"),
        (None, 500, "unknown"),
        (50, None, "unknown"),
        (-1, 500, "unknown"),
    ],
)
def test_hand_cases(employees: float | None, revenue: float | None, expected: str) -> None:
    assert size_class(RULE, employees, revenue) == expected


def test_rule_file_cites_the_document() -> None:
    assert RULE.document_number == "国统字〔2017〕213号"
    assert [(c.name_zh, c.min_employees, c.min_revenue) for c in RULE.classes] == [
        ("大型", 1000, 40000),
        ("中型", 300, 2000),
        ("小型", 20, 300),
        ("微型", 0, 0),
    ]


@given(
    st.integers(min_value=0, max_value=5000),
    st.floats(min_value=0, max_value=1e6, allow_nan=False),
    st.integers(min_value=0, max_value=500),
    st.floats(min_value=0, max_value=1e5, allow_nan=False),
)
def test_more_of_both_never_gives_a_smaller_class(x: int, y: float, dx: int, dy: float) -> None:
    a = ORDER.index(size_class(RULE, x, y))
    b = ORDER.index(size_class(RULE, x + dx, y + dy))
    assert b >= a


@given(st.lists(st.tuples(st.integers(0, 3000), st.floats(0, 1e5, allow_nan=False)), max_size=30))
def test_vectorised_rule_agrees_with_the_scalar_one(rows: list[tuple[int, float]]) -> None:
    df = pl.DataFrame(rows, schema=[("x", pl.Int64), ("y", pl.Float64)], orient="row")
    got = df.select(size_class_expr(RULE, "x", "y"))["size_class"].to_list()
    assert got == [size_class(RULE, x, y) for x, y in rows]
