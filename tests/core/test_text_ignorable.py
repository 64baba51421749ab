"""``has_visible`` by Unicode property: every default-ignorable code point and a bare combining
mark show nothing, so alone they are no reason (variation selectors 17-256 and the Khmer
inherent vowels passed before)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from gaodi.core.text_safety import has_visible

#: Default_Ignorable_Code_Point, DerivedCoreProperties.txt (Unicode 15.1/16.0), written out here
#: independently of the module so the test checks the module's table against the standard's.
DEFAULT_IGNORABLE = [
    *range(0x00AD, 0x00AE),
    0x034F,
    0x061C,
    0x115F,
    0x1160,
    0x17B4,
    0x17B5,
    *range(0x180B, 0x1810),
    *range(0x200B, 0x2010),
    *range(0x202A, 0x202F),
    *range(0x2060, 0x2070),
    0x3164,
    *range(0xFE00, 0xFE10),
    0xFEFF,
    0xFFA0,
    *range(0xFFF0, 0xFFF9),
    *range(0x1BCA0, 0x1BCA4),
    *range(0x1D173, 0x1D17B),
    *range(0xE0000, 0xE1000),
]
IGNORABLE = st.sampled_from(DEFAULT_IGNORABLE).map(chr)
MARKS = st.characters(categories=["Mn", "Me"])


def test_every_default_ignorable_code_point_alone_is_no_reason() -> None:
    shown = [f"U+{c:04X}" for c in DEFAULT_IGNORABLE if has_visible(chr(c))]
    assert shown == []


def test_the_characters_the_verifier_typed() -> None:
    for text in ("\U000e0100", "\U000e01ef", "\u17b4\u17b5", "\u2065", "\ufff0", "\U000e0fff"):
        assert not has_visible(text), ascii(text)


@given(st.text(IGNORABLE | MARKS | st.sampled_from(" \u3000\u200b"), min_size=1))
def test_ignorables_and_bare_combining_marks_are_no_reason(text: str) -> None:
    assert not has_visible(text)


@given(
    st.text(IGNORABLE | MARKS),
    st.characters(categories=["Lu", "Ll", "Lo", "Nd", "Po"]).filter(
        lambda c: c not in "\u115f\u1160\u3164\uffa0"
    ),
    st.text(IGNORABLE | MARKS),
)
def test_a_base_character_with_marks_and_ignorables_is_a_reason(
    before: str, char: str, after: str
) -> None:
    assert has_visible(before + char + after)
    assert unicodedata.category(char) not in ("Mn", "Me")
