"""Tier inputs kept as lists rather than yes/no facts: science awards, honours with their
validity, and the industry's profit margin.

The rules still read the yes/no fields of the input contract (``sci_tech_award_3y``,
``provincial_award_top3_3y``, ``has_valid_honour``, ``profit_above_industry`` …); this module
derives them, in exact arithmetic and with the reason in words (the award used, the day an
honour expired, the two margins compared), from

* :class:`~gaodi.enterprises.models.TierAward` — one row per award (level, grade, the
  enterprise's place among the winning units, year);
* :class:`~gaodi.enterprises.models.TierHonour` — one row per honour with valid-from/valid-to,
  judged on the city's today (:func:`gaodi.core.clock.today`);
* :class:`~gaodi.enterprises.models.IndustryMargin` — the industry's 营业收入利润率 with its
  publication and year, against the firm's 利润总额 / 营业收入 of the year.

Precedence (docs/methods/tiers.md, "Lists before yes/no facts"): when the list gives a value it
wins over a stored yes/no fact; when it gives none (no award on the list, no honour of the
kinds, a margin missing) the yes/no fact, if any, is used and the reason says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.analytics.ruleset import dec
from gaodi.core import clock
from gaodi.core.errors import ValidationError
from gaodi.core.permissions import Principal, check_scope
from gaodi.core.provenance import Provenance, provenance_of
from gaodi.enterprises.models import (
    Enterprise,
    EnterpriseYear,
    IndustryMargin,
    TierAward,
    TierHonour,
)

AWARD_LEVELS: dict[str, tuple[str, str]] = {
    "national": ("国家级", "national"),
    "provincial": ("省级", "provincial"),
    "municipal": ("市级", "municipal"),
    "other": ("其他", "other"),
}
AWARD_GRADES: dict[str, tuple[str, str]] = {
    "special": ("特等奖", "special prize"),
    "first": ("一等奖", "first prize"),
    "second": ("二等奖", "second prize"),
    "third": ("三等奖", "third prize"),
}
HONOUR_KINDS: dict[str, tuple[str, str]] = {
    "little_giant": ('专精特新"小巨人"企业', 'SRDI "little giant"'),
    "champion": ("制造业单项冠军", "Single-product champion"),
    "srdi": ("省级专精特新中小企业", "Provincial SRDI SME"),
    "innovative_sme": ("创新型中小企业", "Innovative SME"),
    "high_tech": ("高新技术企业", "High-Tech Enterprise"),
    "tech_innovation_demo": (
        "国家级技术创新示范企业",
        "National technology-innovation demonstration",
    ),
    "ip_advantage": ("国家知识产权优势企业", "National IP advantage enterprise"),
    "ip_demo": ("国家知识产权示范企业", "National IP demonstration enterprise"),
}
#: The honours of the 创新型 direct condition "高新技术企业、国家级技术创新示范企业、知识产权优势
#: 企业和知识产权示范企业等荣誉（有效期内）" (the field ``has_valid_honour``).
VALID_HONOUR_KINDS = ("high_tech", "tech_innovation_demo", "ip_advantage", "ip_demo")
#: The honours that are tiers themselves: kind -> the enterprise tag the tier pages read.
TIER_HONOUR_TAGS = {
    "innovative_sme": "innovative_sme",
    "srdi": "srdi",
    "little_giant": "little_giant",
    "champion": "champion",
}
#: Award fields: field -> (levels that count, best place among the winning units or None).
AWARD_FIELDS: dict[str, tuple[frozenset[str], int | None]] = {
    "sci_tech_award_3y": (frozenset({"national", "provincial"}), None),
    "provincial_award_top3_3y": (frozenset({"provincial"}), 3),
    "national_award_top5_3y": (frozenset({"national"}), 5),
    "national_award_top3_3y": (frozenset({"national"}), 3),
}
#: "近三年" = the facts' year and the two before it (docs/methods/tiers.md).
AWARD_WINDOW = 3
_CTX = Context(prec=34)


@dataclass(frozen=True)
class Award:
    year: int
    name: str
    level: str
    grade: str | None = None
    unit_rank: int | None = None
    source: str = "self_declared"

    def words(self, lang: str = "zh") -> str:
        zh = lang.startswith("zh")
        level = AWARD_LEVELS[self.level][0 if zh else 1]
        grade = "" if self.grade is None else AWARD_GRADES[self.grade][0 if zh else 1]
        if zh:
            place = (
                "获奖单位排名未填" if self.unit_rank is None else f"获奖单位第 {self.unit_rank} 名"
            )
            return f"{self.year} 年{self.name}{grade}（{level}，{place}）"
        place = (
            "place among the units not given"
            if self.unit_rank is None
            else (f"unit no. {self.unit_rank}")
        )
        return f"{self.year} {self.name}{' ' + grade if grade else ''} ({level}, {place})"


@dataclass(frozen=True)
class Honour:
    kind: str
    valid_from: date
    valid_to: date | None = None
    source: str = "certified"

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def words(self, lang: str = "zh") -> str:
        zh = lang.startswith("zh")
        name = HONOUR_KINDS[self.kind][0 if zh else 1]
        end = self.valid_to.isoformat() if self.valid_to else ("长期" if zh else "open")
        if zh:
            return f"{name}（有效期 {self.valid_from.isoformat()} 至 {end}）"
        return f"{name} (valid {self.valid_from.isoformat()} to {end})"


@dataclass(frozen=True)
class Margin:
    industry_code: str
    year: int
    margin: Decimal
    source_name: str
    source_url: str | None = None


@dataclass(frozen=True)
class Derived:
    """A derived yes/no value (None: the list cannot tell) with its reason in zh and en, and the
    source of the records it rests on ("computed" when they differ)."""

    value: bool | None
    basis_zh: str
    basis_en: str
    source: str = "computed"


def _one_source(sources: Iterable[str]) -> str:
    found = set(sources)
    return found.pop() if len(found) == 1 else "computed"


# --------------------------------------------------------------------------- awards


def award_fact(
    awards: Sequence[Award], year: int, field: str, window: int = AWARD_WINDOW
) -> Derived | None:
    """``field`` (one of :data:`AWARD_FIELDS`) of ``year`` from the award list: True with the
    award(s) that qualify named; False when every award on the list is outside the window, of a
    level that does not count or placed below the limit; None (unknown) when an award could
    qualify but its place among the winning units is not given. No award on the list: None
    and no reason (the yes/no fact, if any, holds).

    Examples
    --------
    >>> a = [Award(2022, "省科技进步奖", "provincial", "second", 2)]
    >>> award_fact(a, 2023, "provincial_award_top3_3y").value
    True
    >>> award_fact(a, 2025, "provincial_award_top3_3y").value
    False
    """
    if not awards:
        return None
    levels, best = AWARD_FIELDS[field]
    first = year - window + 1
    span_zh, span_en = f"近{window}年（{first}–{year} 年）", f"the {window} years {first}-{year}"
    inside = [a for a in awards if first <= a.year <= year and a.level in levels]
    if best is None:
        used = inside
        unknown: list[Award] = []
    else:
        used = [a for a in inside if a.unit_rank is not None and a.unit_rank <= best]
        unknown = [a for a in inside if a.unit_rank is None]
    if used:
        return Derived(
            True,
            f"{span_zh}获奖：" + "；".join(a.words("zh") for a in used),
            f"Awarded in {span_en}: " + "; ".join(a.words("en") for a in used),
            _one_source(a.source for a in used),
        )
    need_zh = "、".join(AWARD_LEVELS[x][0] for x in sorted(levels))
    need_en = " or ".join(AWARD_LEVELS[x][1] for x in sorted(levels))
    rank_zh = "" if best is None else f"且获奖单位排名前{best}"
    rank_en = "" if best is None else f", placed in the first {best} winning units"
    listed_zh = "；".join(a.words("zh") for a in awards)
    listed_en = "; ".join(a.words("en") for a in awards)
    if unknown:
        return Derived(
            None,
            f"{span_zh}的{need_zh}科技奖励未填获奖单位排名，无法判断是否前{best}："
            + "；".join(a.words("zh") for a in unknown),
            f"The place among the winning units is not given for the {need_en} award(s) of "
            f"{span_en}: " + "; ".join(a.words("en") for a in unknown),
            _one_source(a.source for a in unknown),
        )
    return Derived(
        False,
        f"{span_zh}无{need_zh}科技奖励{rank_zh}；奖励清单：{listed_zh}",
        f"No {need_en} S&T award{rank_en} in {span_en}; the awards listed: {listed_en}",
        _one_source(a.source for a in awards),
    )


# --------------------------------------------------------------------------- honours


def honour_fact(honours: Sequence[Honour], kinds: Sequence[str], day: date) -> Derived | None:
    """Whether an honour of ``kinds`` is in force on ``day``: True naming it, False naming the
    day each one expired (or starts), None when the list has no honour of these kinds.

    Examples
    --------
    >>> h = [Honour("high_tech", date(2021, 1, 1), date(2023, 12, 31))]
    >>> honour_fact(h, ["high_tech"], date(2023, 12, 31)).value
    True
    >>> honour_fact(h, ["high_tech"], date(2024, 1, 1)).basis_en
    'High-Tech Enterprise (valid 2021-01-01 to 2023-12-31) expired on 2023-12-31 (as of 2024-01-01)'
    """
    mine = [h for h in honours if h.kind in kinds]
    if not mine:
        return None
    live = [h for h in mine if h.in_force(day)]
    if live:
        return Derived(
            True,
            "；".join(h.words("zh") for h in live) + f"，于 {day.isoformat()} 在有效期内",
            "; ".join(h.words("en") for h in live) + f" in force on {day.isoformat()}",
            _one_source(h.source for h in live),
        )
    zh, en = [], []
    for h in mine:
        if h.valid_to is not None and h.valid_to < day:
            zh.append(f"{h.words('zh')}已于 {h.valid_to.isoformat()} 到期")
            en.append(f"{h.words('en')} expired on {h.valid_to.isoformat()}")
        else:
            zh.append(f"{h.words('zh')}自 {h.valid_from.isoformat()} 起生效，尚未生效")
            en.append(f"{h.words('en')} starts on {h.valid_from.isoformat()}")
    return Derived(
        False,
        "；".join(zh) + f"（评价日 {day.isoformat()}）",
        "; ".join(en) + f" (as of {day.isoformat()})",
        _one_source(h.source for h in mine),
    )


# --------------------------------------------------------------------------- profit margin


def margin_fact(profit: Any, revenue: Any, year: int, industry: Margin | None) -> Derived | None:
    """ "盈利能力高于行业水平" from two margins: the firm's 营业收入利润率 = 利润总额 / 营业收入
    of ``year`` against the industry's, in exact decimals; "above" is strictly greater. None
    when either margin is missing (revenue unknown or not positive, profit unknown, no
    industry margin).

    Examples
    --------
    >>> m = Margin("39", 2023, Decimal("0.05"), "统计年鉴")
    >>> margin_fact(100.0, 2000.0, 2023, m).value      # 5% is not above 5%
    False
    >>> margin_fact(101.0, 2000.0, 2023, m).value
    True
    """
    if industry is None or profit is None or revenue is None:
        return None
    rev, pro = dec(revenue), dec(profit)
    if not rev.is_finite() or not pro.is_finite() or rev <= 0:
        return None
    own = _CTX.divide(pro, rev)
    above = own > industry.margin
    cite = provenance_of(industry)  # the citation in the words every page and export uses
    pct = _percent
    zh = (
        f"企业 {year} 年营业收入利润率 {pct(own)}（利润总额 {pro} ÷ 营业收入 {rev} 万元）"
        f"{'高于' if above else '不高于'}行业（{industry.industry_code}）{industry.year} 年"
        f" {pct(industry.margin)}（{cite.describe('zh')}）"
    )
    en = (
        f"The firm's {year} margin {pct(own)} (total profit {pro} / revenue {rev}) is "
        f"{'above' if above else 'not above'} the industry's ({industry.industry_code}) "
        f"{industry.year} margin {pct(industry.margin)} ({cite.describe('en')})"
    )
    return Derived(above, zh, en, "computed")


def margin_gap(
    profit: Any, revenue: Any, year: int, industry_code: str | None, industry: Margin | None
) -> Derived:
    """Why the two margins cannot be compared (value None), naming what is missing.

    Examples
    --------
    >>> margin_gap(None, 2000.0, 2023, "3670", None).basis_zh
    '无法比较利润率：缺少企业 2023 年利润总额；缺少行业（3670）2023 年及以前的营业收入利润率'
    """
    zh, en = [], []
    if profit is None:
        zh.append(f"缺少企业 {year} 年利润总额")
        en.append(f"the firm's {year} total profit is missing")
    if revenue is None or dec(revenue) <= 0:
        zh.append(f"企业 {year} 年营业收入缺失或不为正")
        en.append(f"the firm's {year} revenue is missing or not positive")
    if industry is None:
        code = industry_code or "未填"
        zh.append(f"缺少行业（{code}）{year} 年及以前的营业收入利润率")
        en.append(f"no margin of the industry ({industry_code or 'not given'}) up to {year}")
    return Derived(
        None, "无法比较利润率：" + "；".join(zh), "Margins not compared: " + "; ".join(en)
    )


def _percent(x: Decimal) -> str:
    """A fraction as a percentage to 2 decimals (display only; the comparison is exact)."""
    return f"{(x * 100).quantize(Decimal('0.01'))}%"


def industry_margin_for(
    margins: Sequence[Margin], industry_code: str | None, year: int
) -> Margin | None:
    """The margin of the longest code that prefixes ``industry_code`` (a section letter last),
    of ``year`` or else the latest year before it."""
    if not industry_code:
        return None
    from gaodi.core.reference import industry_section

    try:
        section = industry_section(industry_code)
    except ValidationError:
        section = None
    best: tuple[int, int, Margin] | None = None
    for m in margins:
        if m.year > year:
            continue
        if industry_code.startswith(m.industry_code):
            depth = len(m.industry_code)
        elif section is not None and m.industry_code == section:
            depth = 0
        else:
            continue
        key = (depth, m.year)
        if best is None or key > best[:2]:
            best = (depth, m.year, m)
    return None if best is None else best[2]


# --------------------------------------------------------------------------- reading


def awards_of(session: Session, ids: Sequence[int] | None) -> dict[int, list[Award]]:
    """enterprise id -> its awards (every enterprise's when ``ids`` is None)."""
    out: dict[int, list[Award]] = {}
    query = select(TierAward)
    if ids is not None:
        query = query.where(TierAward.enterprise_id.in_(sorted(set(ids))))
    for r in session.scalars(query.order_by(TierAward.year, TierAward.id)):
        out.setdefault(r.enterprise_id, []).append(
            Award(r.year, r.name, r.level, r.grade, r.unit_rank, r.source)
        )
    return out


def honours_of(session: Session, ids: Sequence[int] | None) -> dict[int, list[Honour]]:
    """enterprise id -> its honours (every enterprise's when ``ids`` is None)."""
    out: dict[int, list[Honour]] = {}
    query = select(TierHonour)
    if ids is not None:
        query = query.where(TierHonour.enterprise_id.in_(sorted(set(ids))))
    for r in session.scalars(query.order_by(TierHonour.valid_from, TierHonour.id)):
        out.setdefault(r.enterprise_id, []).append(
            Honour(r.kind, r.valid_from, r.valid_to, r.source)
        )
    return out


def all_margins(session: Session) -> list[Margin]:
    return [
        Margin(r.industry_code, r.year, dec(r.margin), r.source_name, r.source_url)
        for r in session.scalars(select(IndustryMargin))
    ]


def derived_of(
    session: Session,
    ids: Sequence[int],
    year: int,
    day: date | None = None,
    *,
    every: bool = False,
) -> dict[int, dict[str, Derived]]:
    """enterprise id -> contract field -> the value the lists give for ``year`` (honours judged
    on ``day``, the city's today by default). Fields the lists cannot tell are left out.

    ``every``: ``ids`` are all the enterprises a caller with no scope asks for (the whole
    city): the lists are read whole, in one query each, instead of by chunks of ids (sending
    30,000 ids costs more than reading the rows of the others)."""
    ids = [int(i) for i in ids]
    if not ids:
        return {}
    day = day or clock.today()
    out: dict[int, dict[str, Derived]] = {}
    size = len(ids) if every else 5000
    for chunk in range(0, len(ids), size):
        part = ids[chunk : chunk + size]
        asked = None if every else part
        awards, honours = awards_of(session, asked), honours_of(session, asked)
        for eid in part:
            if eid not in awards and eid not in honours:
                continue  # both lists empty: award_fact and honour_fact give None
            got: dict[str, Derived] = {}
            for field in AWARD_FIELDS:
                d = award_fact(awards.get(eid, []), year, field)
                if d is not None:  # an unknown (None) value keeps its reason
                    got[field] = d
            h = honour_fact(honours.get(eid, []), VALID_HONOUR_KINDS, day)
            if h is not None:
                got["has_valid_honour"] = h
            if got:
                out[eid] = got
    margins = all_margins(session)
    wanted = set(ids)
    for chunk in range(0, len(ids) if margins else 0, size):
        part = ids[chunk : chunk + size]
        figures = select(
            EnterpriseYear.enterprise_id, EnterpriseYear.profit, EnterpriseYear.revenue
        ).where(EnterpriseYear.year == year)
        query = select(Enterprise.id, Enterprise.industry_code)
        if not every:
            figures = figures.where(EnterpriseYear.enterprise_id.in_(part))
            query = query.where(Enterprise.id.in_(part))
        rows = session.execute(figures).all()
        codes = {eid: code for eid, code in session.execute(query).all()}
        for eid, profit, revenue in rows:
            if eid not in wanted:
                continue
            industry = industry_margin_for(margins, codes.get(eid), year)
            m = margin_fact(profit, revenue, year, industry)
            if m is None:  # say which margin is missing (the yes/no fact, if any, is used)
                m = margin_gap(profit, revenue, year, codes.get(eid), industry)
            out.setdefault(eid, {})["profit_above_industry"] = m
    return out


def tags_in_force(
    session: Session, enterprise_id: int, tags: Sequence[str], day: date | None = None
) -> list[str]:
    """The enterprise's tier tags as of ``day`` (the city's today by default)."""
    honours = honours_of(session, [enterprise_id]).get(enterprise_id, [])
    return apply_honours(tags, honours, day or clock.today())


def apply_honours(tags: Sequence[str], honours: Sequence[Honour], day: date) -> list[str]:
    """A tier tag with honour records holds only while one of them is in force on ``day`` (an
    expired 小巨人 no longer counts; one in force adds the tag); a tag with no record stays as
    entered.

    Examples
    --------
    >>> h = [Honour("little_giant", date(2020, 7, 1), date(2023, 6, 30))]
    >>> apply_honours(["little_giant", "srdi"], h, date(2023, 7, 1))
    ['srdi']
    """
    out = list(tags)
    for kind, tag in TIER_HONOUR_TAGS.items():
        mine = [h for h in honours if h.kind == kind]
        if not mine:
            continue
        live = any(h.in_force(day) for h in mine)
        if live and tag not in out:
            out.append(tag)
        if not live and tag in out:
            out.remove(tag)
    return out


# --------------------------------------------------------------------------- writing


def _choice(
    raw: Any, table: Mapping[str, tuple[str, str]], what: tuple[str, str], field: str
) -> str:
    text = "" if raw is None else str(raw).strip()
    for key, (zh, en) in table.items():
        if text in (key, zh, en):
            return key
    zh_all = "、".join(v[0] for v in table.values())
    raise ValidationError(
        f"{what[0]}须为 {zh_all} 之一，收到“{text}”。",
        f"The {what[1]} must be one of {', '.join(table)}; got '{text}'.",
        field=field,
    )


def _whole(raw: Any, lo: int, hi: int, what: tuple[str, str], field: str) -> int:
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number != number.to_integral_value() or not lo <= number <= hi:
        raise ValidationError(
            f"{what[0]}须为 {lo}–{hi} 之间的整数，收到“{raw}”。",
            f"The {what[1]} must be a whole number {lo}-{hi}; got '{raw}'.",
            field=field,
        )
    return int(number)


def parse_award(raw: Mapping[str, Any]) -> Award:
    """An award from a form's, an API body's or an import row's values (zh or en choices)."""
    name = str(raw.get("name") or "").strip()
    if not name or len(name) > 200:
        raise ValidationError(
            "奖励名称必填（不超过 200 字）。",
            "The award's name is required (200 characters at most).",
            field="name",
        )
    year = _whole(raw.get("year"), 1949, clock.today().year, ("获奖年度", "award year"), "year")
    level = _choice(raw.get("level"), AWARD_LEVELS, ("奖励级别", "level"), "level")
    grade_raw = raw.get("grade")
    grade = None
    if grade_raw not in (None, "") and str(grade_raw).strip() not in ("无", "none"):
        grade = _choice(grade_raw, AWARD_GRADES, ("奖励等级", "grade"), "grade")
    rank_raw = raw.get("unit_rank")
    rank = None
    if rank_raw not in (None, "") and str(rank_raw).strip():
        rank = _whole(rank_raw, 1, 1000, ("获奖单位排名", "place among the units"), "unit_rank")
    from gaodi.enterprises.facts import check_source

    return Award(year, name, level, grade, rank, check_source(str(raw.get("source") or "")))


def parse_honour(raw: Mapping[str, Any]) -> Honour:
    kind = _choice(raw.get("kind"), HONOUR_KINDS, ("荣誉类别", "honour"), "kind")
    start = _day(raw.get("valid_from"), ("生效日期", "valid from"), "valid_from")
    if start is None:
        raise ValidationError(
            "生效日期必填。", "The valid-from day is required.", field="valid_from"
        )
    end = _day(raw.get("valid_to"), ("截止日期", "valid to"), "valid_to")
    if end is not None and end < start:
        raise ValidationError(
            f"截止日期 {end} 早于生效日期 {start}。",
            f"The valid-to day {end} is before the valid-from day {start}.",
            field="valid_to",
        )
    from gaodi.enterprises.facts import check_source

    return Honour(kind, start, end, check_source(str(raw.get("source") or "")))


def _day(raw: Any, what: tuple[str, str], field: str) -> date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, date):
        return raw if not hasattr(raw, "date") else raw.date()  # datetime -> its day
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ValidationError(
            f"{what[0]}须为 YYYY-MM-DD 格式的日期，收到“{raw}”。",
            f"The {what[1]} must be a YYYY-MM-DD day; got '{raw}'.",
            field=field,
        ) from None


def parse_margin(raw: Mapping[str, Any]) -> Margin:
    from gaodi.core.reference import validate_industry_code

    code = str(raw.get("industry_code") or "").strip().upper()
    if not (len(code) == 1 and code.isalpha()):
        try:
            validate_industry_code(code)
        except ValidationError as exc:
            raise ValidationError(exc.zh, exc.en, field="industry_code") from None
    year = _whole(raw.get("year"), 1949, clock.today().year, ("年度", "year"), "year")
    text = str(raw.get("margin") if raw.get("margin") is not None else "").strip()
    percent = text.endswith(("%", "％"))
    try:
        margin = Decimal(text.rstrip("%％").strip())
    except InvalidOperation:
        margin = Decimal("NaN")
    if percent and margin.is_finite():
        margin = margin / 100
    if not margin.is_finite() or not Decimal(-1) <= margin <= Decimal(1):
        raise ValidationError(
            f"行业利润率须为 −1 至 1 之间的小数（如 0.062 表示 6.2%），收到“{text}”。",
            f"The industry margin must be a fraction between -1 and 1; got '{text}'.",
            field="margin",
        )
    name = str(raw.get("source_name") or "").strip()
    if not name:
        raise ValidationError(
            "行业利润率须注明出处（如《中国统计年鉴》表名）。",
            "The industry margin needs its source (the publication and table).",
            field="source_name",
        )
    url = str(raw.get("source_url") or "").strip() or None
    return Margin(code, year, margin, name[:200], url)


def set_industry_margin(session: Session, principal: Principal, m: Margin) -> None:
    """Store (or update) an industry's margin of a year: reference data, so the right to edit
    regional reference data (analysts, admins) is required. A batch of one through
    :mod:`gaodi.enterprises.lists_batch`, as the import."""
    _one(session, principal, "margin", None, m, "upsert")


def add_award(session: Session, principal: Principal, enterprise_id: int, a: Award) -> int:
    """Add one award to the enterprise's list (the facts page's form); returns its id. The same
    award (year and name) already listed is refused, as in an import that only adds."""
    return _one(session, principal, "award", enterprise_id, a, "insert")


def add_honour(session: Session, principal: Principal, enterprise_id: int, h: Honour) -> int:
    """Add one honour to the enterprise's list; returns its id (the same kind from the same day
    already listed is refused)."""
    return _one(session, principal, "honour", enterprise_id, h, "insert")


def _one(
    session: Session,
    principal: Principal,
    kind: Any,
    enterprise_id: int | None,
    item: Award | Honour | Margin,
    mode: Any,
) -> int:
    from gaodi.enterprises import lists_batch  # it builds on this module's entries

    batch = lists_batch.prepare_entries(
        session, principal, kind, [lists_batch.EntryRow(item, enterprise_id)], mode=mode
    )
    ids = lists_batch.write_entries(session, batch)
    return ids[0] if ids else 0


def remove_entry(
    session: Session, principal: Principal, enterprise_id: int, model: Any, entry_id: int
) -> None:
    """Delete one award or honour of the enterprise; one outside the principal's scope (or of
    another enterprise) is answered like a missing one."""
    from gaodi.core.errors import NotFoundError
    from gaodi.enterprises.facts import ENTERPRISE_NOT_FOUND

    check_scope(
        session, principal, Enterprise, enterprise_id, "edit", not_found=ENTERPRISE_NOT_FOUND
    )
    row = session.get(model, entry_id)
    if row is None or row.enterprise_id != enterprise_id:
        raise NotFoundError("找不到该条目。", "No such entry.")
    session.delete(row)
    session.flush()


def margin_citation(session: Session, industry_code: str | None, year: int) -> Provenance | None:
    """The citation of the industry margin an enterprise of ``industry_code`` is compared with
    in ``year`` (the one :func:`margin_fact` uses), None when there is none."""
    found = industry_margin_for(all_margins(session), industry_code, year)
    return None if found is None else provenance_of(found)
