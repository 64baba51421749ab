"""Proposals for a new indicator's attributes, read from the extracted target's wording and unit.

The rules live in ``gaodi/plans/rules/indicator_inference.yaml`` (first match wins) and are
documented in ``docs/plans.md``; every proposal is editable on the draft-review page and with
``gaodi plan indicator``. The plausibility rule file is read here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml


@lru_cache(maxsize=4)
def rule_file(name: str) -> dict[str, Any]:
    """A rule file of this package, parsed (cached)."""
    raw = resources.files("gaodi.plans.rules").joinpath(name).read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(raw)
    return data


@dataclass(frozen=True)
class IndicatorProposal:
    """The attributes proposed for an indicator."""

    code: str
    name: str
    unit: str
    aggregation: str  # cumulative / point / average
    direction: str  # higher / lower
    kind: str  # level / growth / count
    owner: str
    frequency: str  # monthly / quarterly / yearly


def _has(text: str, words: list[str]) -> bool:
    return any(w in text for w in words)


def slugify(name: str, words: dict[str, str] | None = None) -> str:
    """An ASCII code for an indicator name: glossary words, digits kept, the rest skipped.

    Examples
    --------
    >>> slugify("新材料产业产值")
    'new_materials_industry_output'
    >>> slugify("3000亿级园区数量")
    'i_3000_bn_level_parks_count'
    >>> slugify("某某指标")
    'indicator'
    """
    glossary = words if words is not None else rule_file("indicator_inference.yaml")["slug_words"]
    keys = sorted(glossary, key=len, reverse=True)
    parts: list[str] = []
    i = 0
    while i < len(name):
        digits = re.match(r"[0-9]+", name[i:])
        if digits:
            parts.append(digits.group())
            i += len(digits.group())
            continue
        ascii_word = re.match(r"[A-Za-z]+", name[i:])
        if ascii_word:
            parts.append(ascii_word.group().lower())
            i += len(ascii_word.group())
            continue
        for key in keys:
            if name.startswith(key, i):
                if not parts or parts[-1] != glossary[key]:
                    parts.append(str(glossary[key]))
                i += len(key)
                break
        else:
            i += 1
    slug = "_".join(parts)[:56].strip("_") or "indicator"
    return f"i_{slug}" if slug[0].isdigit() else slug


def propose(
    name: str, unit: str | None, comparator: str = ">=", quote: str = ""
) -> IndicatorProposal:
    """Propose code, aggregation, kind, direction, owner and frequency for an indicator.

    Examples
    --------
    >>> p = propose("新材料产业产值", "亿元")
    >>> p.kind, p.aggregation, p.direction, p.frequency, p.owner
    ('level', 'cumulative', 'higher', 'monthly', '市工信局规划处')
    >>> p = propose("规模以上工业增加值", "%", quote="规模以上工业增加值年均增长8%")
    >>> p.kind, p.aggregation, p.owner
    ('growth', 'cumulative', '市统计局')
    >>> p = propose("单位工业增加值能耗", "%", "<=", "单位工业增加值能耗下降15%")
    >>> p.kind, p.direction
    ('growth', 'lower')
    >>> propose("千亿级园区数量", "个").kind, propose("千亿级园区数量", "个").frequency
    ('count', 'yearly')
    >>> p = propose("新增省级专精特新中小企业数量", "家", quote="每年新增省级专精特新中小企业50家")
    >>> p.kind, p.aggregation
    ('count', 'cumulative')
    """
    rules = rule_file("indicator_inference.yaml")
    unit = (unit or "").strip()
    text = f"{name} {quote}"
    kind_rules = rules["kind"]
    if unit in kind_rules["growth"]["units"] and _has(text, kind_rules["growth"]["words"]):
        kind = "growth"
    elif unit in kind_rules["count"]["units"]:
        kind = "count"
    else:
        kind = "level"
    agg = rules["aggregation"]
    if kind == "growth":
        aggregation = "cumulative"  # 累计增速: the growth of the running total
    elif (
        kind == "level"
        and unit in agg["cumulative"]["units"]
        and _has(name, agg["cumulative"]["words"])
        and not _has(name, agg["point_words"])
    ):
        aggregation = "cumulative"
    elif kind == "count" and _has(name, agg["count_flow_words"]):
        aggregation = "cumulative"  # 新增…家: the year's new items, a running total
    else:
        aggregation = "point"
    direction_rules = rules["direction"]
    lower = _has(text, direction_rules["lower_words"]) or (
        comparator in direction_rules["lower_comparators"] and kind != "count"
    )
    direction = "lower" if lower else "higher"
    freq_rules = rules["frequency"]
    if kind in ("growth", "count"):
        frequency = freq_rules[kind]
    else:
        frequency = freq_rules["cumulative" if aggregation == "cumulative" else "point"]
    if _has(name, freq_rules["monthly_words"]):
        frequency = "monthly"
    owner = rules["owner"]["default"]
    for entry in rules["owner"]["keywords"]:
        if _has(name, entry["words"]):
            owner = entry["owner"]
            break
    return IndicatorProposal(
        code=slugify(name),
        name=name,
        unit=unit or "-",
        aggregation=aggregation,
        direction=direction,
        kind=kind,
        owner=owner,
        frequency=frequency,
    )


def natural_kind(aggregation: str, kind: str) -> str:
    """The observation kind the board reads for an indicator: ``yoy`` for growth rates,
    ``cumulative`` for running totals, ``current`` for point values and averages.

    >>> natural_kind("cumulative", "level"), natural_kind("point", "count")
    ('cumulative', 'current')
    """
    if kind == "growth":
        return "yoy"
    return "cumulative" if aggregation == "cumulative" else "current"


def progress_kind(aggregation: str, kind: str) -> str:
    """The progress engine's target kind (gaodi.analytics.progress.KINDS) for an indicator.

    A count reported as a running total within the year (新增专精特新企业数: the year's new
    firms so far) is a flow like output: judged as ``cumulative`` (the year's total against the
    year's target, expected τ of it by now), not as a stock moving from its baseline.

    >>> progress_kind("cumulative", "level"), progress_kind("point", "level")
    ('cumulative', 'level')
    >>> progress_kind("point", "count"), progress_kind("cumulative", "count")
    ('count', 'cumulative')
    """
    if kind == "count" and aggregation == "cumulative":
        return "cumulative"
    if kind in ("growth", "count"):
        return kind
    return "cumulative" if aggregation == "cumulative" else "level"
