"""Synthetic enterprise names and business-scope texts (示例). Deterministic given the RNG."""

from __future__ import annotations

import numpy as np

# Characters common in Chinese trade names (字号); combinations are invented.
_TRADE_CHARS = list(
    "恒信华泰中联德力远达博创新兴瑞丰宏源鼎盛金科智诚天宇星辰汇通凯旋永安长青嘉禾明阳启航"
    "卓越精工睿思尚品万达聚能宏图腾飞正和光大富源安泰润泽同创优联时代银河海纳湘江麓谷楚天"
    "岳麓橘洲星沙浏河宁乡望城芙蓉天心开福雨花洞庭潇湘云帆峰岭鑫源铭诚锐达拓维凌云致远领航"
)
_PLACES = ["长沙", "湖南", "湘", "星沙", "麓谷", "浏阳", "宁乡", "望城"]
_FORMS = ["有限公司", "股份有限公司", "有限责任公司"]
_ROLES = ["科技", "实业", "制造", "技术", "工业", "新材料", "智能", "装备", "电子", "精密"]

_PEER_PLACE = "{city}"


def trade_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` two-character trade names (duplicates possible; callers make names unique)."""
    idx = rng.integers(0, len(_TRADE_CHARS), size=(n, 2))
    return [_TRADE_CHARS[a] + _TRADE_CHARS[b] for a, b in idx]


def enterprise_names(
    rng: np.random.Generator, industry_words: list[str], place_words: list[str] | None = None
) -> list[str]:
    """Unique names like 长沙恒信液压科技有限公司 for each industry word given."""
    n = len(industry_words)
    trades = trade_names(rng, n)
    places = place_words or [_PLACES[i] for i in rng.integers(0, len(_PLACES), size=n)]
    roles = [_ROLES[i] for i in rng.integers(0, len(_ROLES), size=n)]
    forms = [_FORMS[i] for i in rng.choice(3, size=n, p=[0.8, 0.12, 0.08])]
    seen: dict[str, int] = {}
    out: list[str] = []
    for place, trade, word, role, form in zip(
        places, trades, industry_words, roles, forms, strict=True
    ):
        base = f"{place}{trade}{word}{role}{form}"
        count = seen.get(base, 0)
        seen[base] = count + 1
        # A repeated name gets a branch-style suffix, as registries do for same-name firms.
        out.append(base if count == 0 else f"{place}{trade}{word}{role}第{count + 1}{form}")
    return out


def short_word(text: str) -> str:
    """A 2-4 character industry word from a link or industry name (e.g. 液压件 -> 液压)."""
    for cut in ("制造", "加工", "材料", "设备", "系统", "服务", "与", "及", "(", "（"):
        if cut in text and text.index(cut) >= 2:
            text = text[: text.index(cut)]
    return text[:4]


def scope_text(keywords: list[str], extra: str) -> str:
    """A business scope (经营范围) naming the products, in the register's usual wording."""
    if keywords:
        goods = "、".join(keywords)
        return f"{goods}的研发、生产和销售；{extra}；货物进出口。"
    return f"{extra}；货物进出口。"
