"""USCC (GB 32100-2015) validation against real, publicly listed codes and hand-broken ones."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaodi.core.codes import (
    USCC_CHARSET,
    is_valid_uscc,
    make_uscc,
    normalize_uscc,
    org_code_check_char,
    uscc_check_char,
    validate_uscc,
)
from gaodi.core.errors import ValidationError

# Codes printed on the public business-registration records (国家企业信用信息公示系统) of
# well-known companies; their check characters are therefore known to be right.
REAL_CODES = {
    "914403001922038216": "华为技术有限公司",
    "9144030071526726XG": "深圳市腾讯计算机系统有限公司",
    "91110000802100433B": "北京百度网讯科技有限公司",
    "91330100716105852F": "阿里巴巴(中国)网络技术有限公司",
}


@pytest.mark.parametrize("code", sorted(REAL_CODES))
def test_real_codes_are_valid(code: str) -> None:
    info = validate_uscc(code)
    assert info.code == code
    assert info.authority == "9"  # 工商 registration
    assert info.region_code == code[2:8]


def test_check_character_by_hand() -> None:
    # 91440300192203821 with weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28:
    # 9*1 + 1*3 + 4*9 + 4*27 + 0*19 + 3*26 + 0*16 + 0*17 + 1*20 + 9*29 + 2*25 + 2*13
    # + 0*8 + 3*24 + 8*10 + 2*30 + 1*28
    # = 9+3+36+108+0+78+0+0+20+261+50+26+0+72+80+60+28 = 831; 831 mod 31 = 25; 31-25 = 6.
    assert uscc_check_char("91440300192203821") == "6"


def test_org_code_check_by_hand() -> None:
    # 19220382 with weights 3,7,9,10,5,8,4,2: 3+63+18+20+0+24+32+4 = 164; 164 mod 11 = 10;
    # 11 - 10 = 1
    assert org_code_check_char("19220382") == "1"


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("914403001922038217", "校验位"),  # last character changed
        ("91440300192203821", "18位"),  # too short
        ("9144030019220382166", "18位"),  # too long
        ("91440300I92203821X", "非法字符"),  # I is never used
        ("91440300O922038216", "非法字符"),  # O is never used
        ("", "18位"),
    ],
)
def test_invalid_codes_are_named(code: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_uscc(code)
    assert fragment in info.value.zh
    assert info.value.en  # an English message too


def test_wrong_check_names_expected_character() -> None:
    with pytest.raises(ValidationError) as info:
        validate_uscc("914403001922038217")
    assert "应为“6”" in info.value.zh
    assert "expected '6'" in info.value.en


def test_normalisation_of_what_users_paste() -> None:
    assert normalize_uscc(" 9144 0300 1922 0382 16 ") == "914403001922038216"
    assert normalize_uscc("９１４４０３００１９２２０３８２１６") == "914403001922038216"
    assert is_valid_uscc("9144030071526726xg")  # lower case accepted
    assert not is_valid_uscc(None)


@given(st.integers(min_value=0, max_value=2**32))
def test_generated_demo_codes_are_valid(seed: int) -> None:
    code = make_uscc("430104", random.Random(seed))
    assert is_valid_uscc(code)
    assert code[2:8] == "430104"
    assert org_code_check_char(code[8:16]) == code[16]


@given(
    st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17), st.sampled_from(list(USCC_CHARSET))
)
def test_exactly_one_check_character_is_valid(first17: str, last: str) -> None:
    assert is_valid_uscc(first17 + last) == (last == uscc_check_char(first17))
