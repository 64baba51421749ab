"""Columns that several entities share: the USCC, the demo flag, money in 万元."""

from __future__ import annotations

from gaodi.exchange.schema import Column

C = Column

USCC = C(
    "uscc",
    "统一社会信用代码",
    "unified social credit code",
    "uscc",
    required=True,
    ref="enterprise",
    help_zh="18位，末位为校验位（GB 32100-2015）。",
    help_en="18 characters; the last is a check character (GB 32100-2015).",
    example="91430100MA4JURQ20A",  # a valid (synthetic) code: check character right
    width=22,
)
IS_DEMO = C(
    "is_demo",
    "示例数据",
    "synthetic demo data",
    "bool",
    default=False,
    help_zh="“是”表示该行为虚构的示例数据。",
    help_en="'是' (yes) marks a synthetic demo row.",
    width=10,
)


def money(key: str, zh: str, en: str, *, non_negative: bool = True) -> Column:
    return C(
        key,
        zh,
        en,
        "float",
        unit="万元",
        min_value=0.0 if non_negative else None,
        help_zh="单位：万元。",
        help_en="In 万元 (10,000 yuan).",
        width=16,
    )
