"""Code lists: lookups by code and by either label, and the label in each language."""

from __future__ import annotations

import pytest

from gaodi.core.choices import Choice, Choices

SEGMENTS = Choices(
    ("up", "上游", "upstream"), ("mid", "中游", "midstream"), ("down", "下游", "downstream")
)


def test_lookups() -> None:
    assert SEGMENTS.codes == ("up", "mid", "down")
    assert [c.zh for c in SEGMENTS] == ["上游", "中游", "下游"]
    assert "mid" in SEGMENTS and "中游" not in SEGMENTS
    assert SEGMENTS.get("down") == Choice("down", "下游", "downstream")
    assert SEGMENTS.get("side") is None
    assert SEGMENTS.label("up") == "上游"
    assert SEGMENTS.label("up", "en") == "upstream"
    assert SEGMENTS.label("up", "zh-CN") == "上游"
    assert SEGMENTS.label("side", "en") == "side"  # unknown: shown as its code
    assert SEGMENTS.by_label("下游") == SEGMENTS.get("down")
    assert SEGMENTS.by_label(" MIDSTREAM ") == SEGMENTS.get("mid")
    assert SEGMENTS.by_label("mid") == SEGMENTS.get("mid")
    assert SEGMENTS.by_label("旁游") is None
    assert SEGMENTS.as_dict()["down"] == ("下游", "downstream")
    assert len(SEGMENTS) == 3


def test_a_code_is_named_once() -> None:
    with pytest.raises(ValueError):
        Choices(("a", "甲", "a"), ("a", "乙", "b"))
