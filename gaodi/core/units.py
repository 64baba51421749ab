"""A stored unit in the reader's language: one table for every page, export and report.

Plans, rule files and the demo write units in Chinese (``亿元``, ``万元/亩``, ``家``), and a
Chinese page or file shows them as stored. An English page, workbook or report needs them in
words. Before this table there were five copies (plans, regions, parks, the tier exports and a
template macro), and they disagreed ("100m yuan" beside "100m yuan"; a unit known to one
copy stayed Chinese in another). A unit not in the table is shown as stored: a city may write
its own, and an unknown unit is better shown than guessed.

>>> unit_words("亿元", "en"), unit_words("亿元", "zh"), unit_words("吨", "en")
('100m yuan', '亿元', '吨')
>>> unit_words(None, "en"), unit_words("", "zh")
('', '')
>>> unit_words("ratio", "zh"), unit_words("ratio", "en")
('比重', 'share')
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["UNIT_EN", "unit_words"]

#: Chinese unit as stored -> its English words. Counts (家, 个, 项, 件) are said as what they
#: count in general terms, since the indicator's name says what is counted.
UNIT_EN: Mapping[str, str] = MappingProxyType(
    {
        "亿元": "100m yuan",
        "万元": "10k yuan",
        "元": "yuan",
        "万元/亩": "10k yuan/mu",
        "万元/吨标准煤": "10k yuan/tce",
        "万元/吨": "10k yuan/t",
        "万元/人": "10k yuan/person",
        "万元/万千瓦时": "10k yuan/10 MWh",
        "吨标准煤/万元": "tonnes of standard coal per 10k yuan",
        "亩": "mu",
        "家": "firms",
        "个": "items",
        "项": "items",
        "件": "items",
        "人": "persons",
        "万人": "10k people",
        "年": "years",
        "分": "points",
        "位": "places",
        "级": "levels",
        "ratio": "share",
    }
)
#: what is stored as a code rather than a Chinese unit (the 亩均 rule files' ``ratio``)
_CODE_ZH: Mapping[str, str] = MappingProxyType({"ratio": "比重"})


def unit_words(unit: str | None, lang: str) -> str:
    """``unit`` as a reader of ``lang`` reads it: as stored in Chinese, in words in English.

    An empty or missing unit is ``""``; a unit the table does not know is shown as stored.
    """
    if not unit:
        return ""
    if lang.startswith("zh"):
        return _CODE_ZH.get(unit, unit)
    return UNIT_EN.get(unit, unit)
