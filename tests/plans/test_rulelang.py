"""The validation rule language: parsing, errors with positions, evaluation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaodi.core.errors import ValidationError
from gaodi.plans.rulelang import Ref, evaluate, parse_rule


def test_parse_and_refs() -> None:
    r = parse_rule("sum(a@park) + b@chain:3 <= 1.5 * (c - d@self)")
    refs = r.refs()
    assert refs == [
        Ref("a", "park", None, True),
        Ref("b", "chain", 3),
        Ref("c"),
        Ref("d", "self"),
    ]
    assert r.codes == {"a", "b", "c", "d"}


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a <= ", 6),  # incomplete
        ("a @ town <= b", 5),  # unknown scope
        ("a <= b )", 8),
        ("__import__('os') <= 1", 12),  # 10 letters, '(' then the quote
        ("a + ; <= 1", 5),
        ("a b <= 1", 3),
    ],
)
def test_syntax_errors_name_the_position(text: str, where: int) -> None:
    with pytest.raises(ValidationError) as exc:
        parse_rule(text)
    assert f"character {where}" in exc.value.en


def test_no_comparator_is_an_error() -> None:
    with pytest.raises(ValidationError):
        parse_rule("a + b")


def test_evaluate_and_missing_values() -> None:
    rule = parse_rule("x@city >= 0.2 * y@city")
    values = {"x": 30.0, "y": 100.0}
    res = evaluate(rule, lambda ref: values.get(ref.code))
    assert res.passed and (res.left, res.right) == (30.0, 20.0)  # 30 >= 0.2·100
    res = evaluate(rule, lambda ref: None if ref.code == "y" else 1.0)
    assert res.passed is None and res.missing == ("y@city",)
    div = evaluate(parse_rule("x / y <= 1"), lambda ref: 0.0)
    assert div.passed is None  # division by zero: not evaluable, never a failure


@given(
    a=st.floats(-1e6, 1e6, allow_nan=False),
    b=st.floats(-1e6, 1e6, allow_nan=False),
    c=st.floats(1, 1e3),
)
def test_arithmetic_matches_python(a: float, b: float, c: float) -> None:
    values = {"a": a, "b": b, "c": c}
    rule = parse_rule("a - b * 2 + -a / c < 1e12")
    res = evaluate(rule, lambda ref: values[ref.code])
    assert res.left == pytest.approx(a - b * 2 + -a / c)
