"""The subjects of a quantity that several coordinated subjects share.

"A和B…双双突破2000亿元" sets the value for each subject; "A、B…分别达到X、Y" gives A the first
value and B the second; the last subject's head noun is shared ("新能源和高端不锈钢产业规模"). These
read only the indicator phrase the extractor cut, so they are kept apart from the rules that
decide whether a quantity is a target (gaodi/text/targets.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol


class Named(Protocol):
    """A found target as the subject rules read it: its indicator and the quote it stands in."""

    @property
    def indicator(self) -> str: ...

    @property
    def quote(self) -> str: ...


# a clause naming only a growth: "年均增长8%以上" after "…营业收入突破5万亿元"
BARE_GROWTH = re.compile(r"(?:年均|年平均)?(?:增长|增速|提高|提升|下降|降低)$")
# "A和B…双双突破2000亿元", "A、B…均达到…": one value set for each subject
# ("创中国名牌产品和中国驰名商标各5个": a count for each, its indicator ending in 数量)
_EACH = re.compile(r"(?:双双|(?<![年人亩户平地])均|都|各)((?:增长|提高|提升|下降|降低)?(?:数量)?)$")
# names of one industry that hold a conjunction (国民经济行业分类 I65, C39)
_ONE_NAME = re.compile(r"软件和信息技术服务业|软件和信息服务业|计算机、通信和其他电子设备制造业")
_SHARED_HEAD = re.compile(
    r"(?:产业链|产业集群|集群|产业|行业)?(?:规模|产值|营业收入|营收|收入|增加值|总量|产量|投资)$|"
    r"居民人均可支配收入$"
)


def each_subject(indicator: str) -> list[str]:
    """The indicators one quantity sets when its subjects are coordinated and the value holds
    for each (双双/均/都); the last subject's head noun is shared.

    >>> each_subject("新能源和高端不锈钢产业规模双双")
    ['新能源产业规模', '高端不锈钢产业规模']
    >>> each_subject("电信业务总量、软件和信息技术服务业收入均增长")
    ['电信业务总量增长', '软件和信息技术服务业收入增长']
    >>> each_subject("A产业和B产业产值都"), each_subject("成都")
    (['A产业产值', 'B产业产值'], ['成都'])
    """
    m = _EACH.search(indicator)
    if not m or m.start() == 0:
        return [indicator]
    body = indicator[: m.start()]
    if len(_subject_items(body)) < 2 and m.group(1):
        return [indicator[: m.start()] + m.group(1)]  # "软件和信息技术服务业收入均增长"
    items = _shared_head(_subject_items(body))
    if not 2 <= len(items) <= 6:
        return [indicator]  # "成都": not a list of subjects
    return [i + (m.group(1) or "") for i in items]


def _subject_items(body: str, split_last: bool = True) -> list[str]:
    """The coordinated subjects of ``body`` ("A、B、C及D"); the last item holds the last
    conjunction unless ``split_last`` is false ("半导体及集成电路" names one industry)."""
    names = {f"\x00{i}\x00": n.group() for i, n in enumerate(_ONE_NAME.finditer(body))}
    for key, name in names.items():
        body = body.replace(name, key, 1)
    items = [i for i in re.split("、", body) if i]
    if items and split_last:
        items = items[:-1] + [i for i in re.split(r"以及|和|与|及", items[-1]) if i]
    for key, name in names.items():
        items = [i.replace(key, name) for i in items]
    return items


def _shared_head(items: list[str]) -> list[str]:
    """Give each subject the last one's head noun: "新能源和高端不锈钢产业规模"."""
    if not items:
        return items
    head = _SHARED_HEAD.search(items[-1])
    if head is None:
        return items
    noun = re.sub(r"^(?:产业链|产业集群|集群|产业|行业)", "", head.group())
    tail = {True: noun, False: head.group()}
    return [i if _SHARED_HEAD.search(i) else i + tail[i.endswith(("产业", "行业"))] for i in items]


# "A、B、C等重点产业产值分别增长": the verb and the word that distributes the values
_RESPECTIVELY = re.compile(r"(?:同比)?分别(增长|提高|提升|下降|降低)?[\u4e00-\u9fff]{0,3}?$")


def _respective_names(indicator: str, n: int) -> list[str] | None:
    """The indicators of the ``n`` values after "分别", one subject each, or None.

    >>> _respective_names("电子信息、新能源等重点产业产值分别增长", 2)
    ['电子信息产业产值增长', '新能源产业产值增长']
    >>> _respective_names("城乡居民人均可支配收入分别增长", 2)
    ['城镇居民人均可支配收入增长', '农村居民人均可支配收入增长']
    >>> _respective_names("A、B及C产业链产值分别达到", 2)
    ['A产业链产值', 'B及C产业链产值']
    >>> _respective_names("电子信息、装备制造集群营业收入", 2)
    ['电子信息集群营业收入', '装备制造集群营业收入']
    """
    m = _RESPECTIVELY.search(indicator)
    if m is not None and m.start() > 0:
        body, verb = indicator[: m.start()], m.group(1) or ""
    else:  # "分别" already read off with the verb: "电子信息、装备制造集群营业收入"
        grow = re.search(r"(?:增长|提高|提升|下降|降低)$", indicator)
        body, verb = (indicator[: grow.start()], grow.group()) if grow else (indicator, "")
    # "城乡居民…": town and country residents, in that order
    if body.startswith("城乡居民") and n == 2:
        return [f"{w}居民{body[4:]}{verb}" for w in ("城镇", "农村")]
    # "…、绿色食品等重点特色产业产值": the list ends at 等, its class gives the head noun
    listed = re.match(r"(.+?)等(?:重点|主要|优势|特色|新兴|传统)*([^、]*)$", body)
    if listed:
        head = _SHARED_HEAD.search(listed.group(2))
        body = listed.group(1) + (head.group() if head else "")
    for split_last in (True, False):
        items = _shared_head(_subject_items(body, split_last))
        if len(items) == n:
            return [i + verb for i in items]
    return None


def respectively(found: Sequence[Named]) -> list[str]:
    """The indicator of each of ``found`` (targets in text order) once each value of "A、B分别
    达到X、Y" has its own subject: A gets X, B gets Y; others keep theirs."""
    out: list[str] = []
    i = 0
    while i < len(found):
        j = i
        while (
            j + 1 < len(found)
            and found[j + 1].quote == found[i].quote
            and found[j + 1].indicator == found[i].indicator
        ):
            j += 1
        run = found[i : j + 1]
        names = (
            _respective_names(run[0].indicator, len(run))
            if len(run) >= 2 and "分别" in run[0].quote
            else None
        )
        out.extend(names if names else [t.indicator for t in run])
        i = j + 1
    return out


_DOUBLED_TAIL = re.compile(r"(?:比|较)\d{4}\s*年(?:底|末)?$|提前$")


def each_doubled(indicator: str) -> list[str]:
    """The indicators a doubling (翻一番) sets when it names two things: each doubles, and no
    head noun is shared ("地区生产总值和城乡居民收入比2010年" doubles both, from 2010).

    >>> each_doubled("地区生产总值和城乡居民收入比2010年")
    ['地区生产总值比2010年', '城乡居民收入比2010年']
    >>> each_doubled("资产总量和销售收入"), each_doubled("工业总产值")
    (['资产总量', '销售收入'], ['工业总产值'])
    """
    tail = _DOUBLED_TAIL.search(indicator)
    body = indicator[: tail.start()] if tail else indicator
    suffix = tail.group() if tail and tail.group() != "提前" else ""
    items = _subject_items(body)
    if len(items) != 2 or any(len(i) < 2 for i in items):
        return [indicator]
    return [i + suffix for i in items]
