"""``has_visible``: the test of a required reason (spaces and format characters show nothing)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gaodi.core.text_safety import has_visible

#: Characters that show nothing: whitespace (Zs, line breaks) and format characters (Cf).
BLANK = st.characters(categories=["Zs", "Zl", "Zp", "Cf"]) | st.sampled_from(" \t\n\r\u3000")


@given(st.text(BLANK))
def test_spaces_and_format_characters_alone_are_no_reason(text: str) -> None:
    assert not has_visible(text)


@given(st.text(BLANK), st.characters(categories=["L", "N", "P", "S"]), st.text(BLANK))
def test_one_visible_character_makes_a_reason(before: str, char: str, after: str) -> None:
    # the braille blank and the Hangul fillers are letters and symbols that fonts draw empty
    if char in "\u2800\u115f\u1160\u3164\uffa0":
        return
    assert has_visible(before + char + after)


def test_the_characters_the_audit_typed() -> None:
    for text in ("\u200b", "\u2060", "\ufeff", "\u200e", "\u00ad", "\u3164", " \u00a0\u3000"):
        assert not has_visible(text), ascii(text)
    assert has_visible("资金未到位") and has_visible("\u200b撤榜")
