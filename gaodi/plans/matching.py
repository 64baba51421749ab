"""Matching a loaded plan's targets to the indicators the city already has.

A target whose indicator name and unit match an existing indicator's, after normalisation,
reuses it (its history of observations and its submissions carry over to the new plan); any
other target gets a new indicator. Rule (docs/plans.md, "Indicator matching"):

- names and units are compared after Unicode NFKC normalisation (full-width letters, digits and
  brackets become half-width: ``ＧＤＰ（亿元）`` reads ``GDP(亿元)``), with every whitespace
  character removed and Latin letters case-folded;
- units must be equal after that: 亿元 and 万元 are different units. Gaodi does not convert a
  target silently (a factor of 10⁴ on a target is not a detail to guess); the review says
  which existing indicator has the same name in another unit, and the reviewer converts the
  target or links it by code;
- among several equal candidates the oldest indicator (lowest id) is used, and the review
  says how many there were.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.core.permissions import Principal, restrict
from gaodi.core.units import unit_words
from gaodi.plans.models import Indicator

_SPACE = re.compile(r"\s+")


def normalise(text: str | None) -> str:
    """The comparison form of a name or unit.

    Examples
    --------
    >>> normalise(" ＧＤＰ（亿元） "), normalise("规模以上 工业\u3000增加值"), normalise("Km")
    ('gdp(亿元)', '规模以上工业增加值', 'km')
    """
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or "")).casefold()


@dataclass(frozen=True)
class Match:
    """The indicator an extracted target reuses (or None: a new one) and what was considered."""

    indicator: Indicator | None
    candidates: int = 0
    other_units: tuple[Indicator, ...] = field(default_factory=tuple)


class IndicatorIndex:
    """The existing indicators a principal may read, by normalised name and unit."""

    def __init__(self, session: Session, principal: Principal) -> None:
        self.by_key: dict[tuple[str, str], list[Indicator]] = defaultdict(list)
        self.by_name: dict[str, list[Indicator]] = defaultdict(list)
        rows = session.scalars(restrict(select(Indicator), principal).order_by(Indicator.id))
        for ind in rows:
            self.by_key[(normalise(ind.name), normalise(ind.unit))].append(ind)
            self.by_name[normalise(ind.name)].append(ind)

    def find(self, name: str, unit: str | None) -> Match:
        same = self.by_key.get((normalise(name), normalise(unit)), [])
        others = tuple(
            i for i in self.by_name.get(normalise(name), []) if normalise(i.unit) != normalise(unit)
        )
        return Match(same[0] if same else None, len(same), others)


def match_note(origin: str, indicator: Indicator, match: Match | None = None) -> tuple[str, str]:
    """``(zh, en)`` shown on the review page and by ``gaodi plan load``."""
    if origin == "existing":
        zh = (
            f"匹配已有指标 {indicator.name}（{indicator.unit}，代码 {indicator.code}），"
            "沿用其历史数据；修改其属性将影响所有使用该指标的计划"
        )
        unit_en = unit_words(indicator.unit, "en")
        en = (
            f"matched existing indicator {indicator.name} ({unit_en}, code "
            f"{indicator.code}): its history carries over; changing its attributes changes them "
            "for every plan that uses it"
        )
        if match is not None and match.candidates > 1:
            zh += f"；同名同单位的已有指标共 {match.candidates} 个，取最早的一个"
            en += (
                f"; {match.candidates} existing indicators share the name and unit, "
                "the oldest is used"
            )
        return zh, en
    zh, en = "新建指标", "new indicator"
    if match is not None and match.other_units:
        units = "、".join(f"{i.unit}（{i.code}）" for i in match.other_units)
        units_en = ", ".join(f"{unit_words(i.unit, 'en')} ({i.code})" for i in match.other_units)
        zh += (
            f"：已有同名指标但单位不同（{units}），不自动换算；"
            "如为同一指标，请换算目标值后按代码关联"
        )
        en += (
            f": an indicator of this name exists in another unit ({units_en}); not converted "
            "automatically: if it is the same indicator, convert the target and link it by code"
        )
    return zh, en
