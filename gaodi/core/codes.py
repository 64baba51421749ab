"""Code validation: 统一社会信用代码 (GB 32100-2015) and its 组织机构代码 part (GB 11714-1997).

Region (GB/T 2260) and industry (GB/T 4754-2017) codes are checked against the package's
reference lists in :mod:`gaodi.core.reference`.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

import numpy as np

from gaodi.core.errors import ValidationError

#: GB 32100-2015 character set: digits and upper-case letters except I, O, Z, S, V.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARSET)}
#: Weights W_i = 3^(i-1) mod 31 for positions 1..17 (GB 32100-2015, clause 5.3).
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

#: GB 11714-1997 organisation-code weights for its 8 body characters.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

#: First character: the registration authority (登记管理部门代码).
USCC_AUTHORITIES = {
    "1": "机构编制",
    "5": "民政",
    "9": "工商",
    "Y": "其他",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
}

_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")


def uscc_check_char(first17: str) -> str:
    """The 18th (check) character of a USCC from its first 17 characters.

    Notes
    -----
    C18 = 31 - (Σ_{i=1}^{17} C_i · W_i mod 31), with W_i = 3^(i-1) mod 31; a result of 31 is
    written as 0. Character values follow the GB 32100-2015 charset order (0–9 → 0–9,
    A → 10 … Y → 30, skipping I, O, Z, S, V).

    References
    ----------
    GB 32100-2015 法人和其他组织统一社会信用代码编码规则, 5.3 and Appendix A.

    Examples
    --------
    >>> uscc_check_char("91440300192203821")
    '6'
    """
    if len(first17) != 17 or any(c not in _USCC_VALUE for c in first17):
        raise ValidationError(
            f"统一社会信用代码前17位“{first17}”含非法字符或长度不为17。",
            f"The first 17 characters '{first17}' of a USCC contain an invalid character "
            "or are not 17 long.",
        )
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    check = 31 - total % 31
    return USCC_CHARSET[0 if check == 31 else check]


def org_code_check_char(first8: str) -> str:
    """The check character of a 9-character organisation code (GB 11714-1997).

    Notes
    -----
    C9 = 11 - (Σ C_i · W_i mod 11), W = (3, 7, 9, 10, 5, 8, 4, 2), letters A–Z valued 10–35;
    10 is written 'X' and 11 is written '0'.

    Examples
    --------
    >>> org_code_check_char("19220382")
    '1'
    """
    total = 0
    for c, w in zip(first8, _ORG_WEIGHTS, strict=True):
        v = int(c) if c.isdigit() else ord(c) - ord("A") + 10
        total += v * w
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


@dataclass(frozen=True)
class UsccInfo:
    code: str
    authority: str
    org_type: str
    region_code: str
    org_code: str


def normalize_uscc(raw: object) -> str:
    """Strip spaces and upper-case; full-width characters are folded to ASCII."""
    text = "" if raw is None else str(raw)
    text = text.translate({0x3000: 0x20}).strip()
    text = "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in text)
    return text.replace(" ", "").upper()


def validate_uscc(raw: object) -> UsccInfo:
    """Validate a 统一社会信用代码 and split it into its parts.

    Raises :class:`ValidationError` naming what is wrong: length, a character outside the
    GB 32100 charset (I, O, Z, S, V are never used), or a wrong check character (with the
    expected one).

    Examples
    --------
    >>> validate_uscc("914403001922038216").region_code
    '440300'
    """
    code = normalize_uscc(raw)
    if len(code) != 18:
        raise ValidationError(
            f"统一社会信用代码“{code}”应为18位，实际为{len(code)}位。",
            f"USCC '{code}' must have 18 characters, not {len(code)}.",
            value=code,
        )
    if not _USCC_RE.match(code):
        bad = sorted({c for c in code if c not in _USCC_VALUE})
        raise ValidationError(
            f"统一社会信用代码“{code}”含非法字符：{''.join(bad)}（不使用I、O、Z、S、V）。",
            f"USCC '{code}' contains invalid character(s) {''.join(bad)} "
            "(I, O, Z, S and V are never used).",
            value=code,
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            f"统一社会信用代码“{code}”校验位错误：应为“{expected}”，实际为“{code[17]}”。",
            f"USCC '{code}' has a wrong check character: expected '{expected}', "
            f"found '{code[17]}'.",
            value=code,
        )
    return UsccInfo(code, code[0], code[1], code[2:8], code[8:17])


def is_valid_uscc(raw: object) -> bool:
    try:
        validate_uscc(raw)
    except ValidationError:
        return False
    return True


def make_uscc(
    region_code: str, rng: random.Random, authority: str = "9", org_type: str = "1"
) -> str:
    """A syntactically valid USCC for synthetic (demo) enterprises.

    The organisation-code part starts with ``MA`` like codes issued since 2015 and carries a
    valid GB 11714 check character; the whole code carries a valid GB 32100 check character.
    """
    body = "MA" + "".join(rng.choice(USCC_CHARSET) for _ in range(6))
    org = body + org_code_check_char(body)
    first17 = f"{authority}{org_type}{region_code}{org}"
    return first17 + uscc_check_char(first17)


def make_usccs(
    region_codes: list[str],
    rng: np.random.Generator,
    authority: str = "9",
    org_type: str = "1",
    exclude: set[str] | None = None,
) -> list[str]:
    """Vectorised :func:`make_uscc`: one unique, valid synthetic USCC per region code given."""
    n = len(region_codes)
    taken = set(exclude or ())
    out: list[str | None] = [None] * n
    todo = np.arange(n)
    charset = np.array(list(USCC_CHARSET))
    org_value = np.array([int(c) if c.isdigit() else ord(c) - 55 for c in USCC_CHARSET])
    while todo.size:
        picks = rng.integers(0, len(USCC_CHARSET), size=(todo.size, 6))
        # organisation code "MA" + 6 characters + GB 11714 check (M=22, A=10)
        total = 22 * 3 + 10 * 7 + (org_value[picks] * np.array([9, 10, 5, 8, 4, 2])).sum(axis=1)
        check = 11 - total % 11
        org_check = np.where(check == 10, "X", np.where(check == 11, "0", check.astype(str)))
        retry = []
        for k, i in enumerate(todo):
            first17 = (
                f"{authority}{org_type}{region_codes[i]}MA"
                f"{''.join(charset[picks[k]])}{org_check[k]}"
            )
            code = first17 + uscc_check_char(first17)
            if code in taken:
                retry.append(i)
                continue
            taken.add(code)
            out[i] = code
        todo = np.array(retry, dtype=int)
    return [c for c in out if c is not None]
