"""A target's fields as read from its words: indicator, comparator, year, size class, 年均.

Part of :mod:`gaodi.text.targets`: :class:`FoundTarget` and how its fields are read, for a
target the rules found (:func:`gaodi.text.targets.find_targets`), for a number the learned model
suggests (:func:`sketch_target`) and for a clause a reviewer selects (:func:`read_clause`), so
the three read alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from gaodi.text.glosses import strip_glosses
from gaodi.text.numerals import Quantity, normalize_width, scan_quantities
from gaodi.text.subjects import BARE_GROWTH
from gaodi.text.target_context import _Context
from gaodi.text.target_cues import (
    _APPROX_AFTER,
    _AT_LEAST,
    _CLAUSE_DELIMS,
    _CONJ_BEFORE_QUANTITY,
    _FALL_TO,
    _FLOOR_AFTER,
    _GE_AFTER,
    _GE_BEFORE,
    _LE_AFTER,
    _LE_BEFORE,
    _LEAD,
    _LEADING_QUALIFIER,
    _MEASURE_NOUN,
    _SENTENCE_DELIMS,
    _SET_BY,
    _TRAIL,
    _YEAR_LIST,
    QUAL_VERBS,
    REFERENCE_VERBS,
    TARGET_VERBS,
)
from gaodi.text.target_spans import _bounds, _clean_number, _clean_quote, _compact, _surface

Comparator = Literal[">=", "<=", "="]


@dataclass(frozen=True)
class FoundTarget:
    indicator: str
    value: float
    value_max: float | None
    unit: str | None
    year: int | None
    comparator: Comparator
    action: str | None
    quote: str
    start: int
    size_class: str | None = None
    annual: bool = False


_SIZE_CLASS = re.compile(r"^(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)?(?:万亿|亿|万)元?级")
_ANNUAL = re.compile(r"年均|每年|年平均|逐年")


def _size_class(right: str) -> str | None:
    """The size class right after a count: "5个千亿级园区" -> "千亿级"."""
    m = _SIZE_CLASS.match(re.sub(r"[ \t\u3000]+", "", right))  # "5000 亿级" in web text
    return m.group() if m else None


def _last_verb(left: str) -> str | None:
    best, where = None, -1
    for v in REFERENCE_VERBS + TARGET_VERBS:
        i = left.rfind(v)
        if i > where or (i == where and best is not None and len(v) > len(best)):
            best, where = v, i
    return best


def _comparator(left: str, right: str, q: Quantity) -> Comparator:
    core = re.sub(r"(?:力争|争取|确保|努力|将|要)$", "", left.rstrip())
    if _LE_BEFORE.search(core) or _LE_AFTER.match(right):
        return "<="
    if _APPROX_AFTER.match(right):
        return "="
    if _FALL_TO.search(core):
        return "<="
    if _FLOOR_AFTER.fullmatch(right) and right.endswith("以内"):
        return "<="  # "…万吨、…万吨以内": the cap after a list holds for each value
    if _FLOOR_AFTER.fullmatch(right) or _GE_AFTER.match(right) or q.approx:
        return ">="  # "7.8亿吨、2470万吨以上": the floor after a list holds for each value
    if _GE_BEFORE.search(core) or _AT_LEAST.search(core):
        return ">="
    return "="


# "由2020年的18.5万元/人提高到25万元/人": the level a measure rises (or falls) from
_RISE_TO = (
    r"(?:(?:提高|提升|增加|增长|扩大|下降|降低|减少|压减|上升|攀升|跃升)(?:到|至)|增至|升至|降至)"
)
_RISES_FROM = re.compile(
    rf"(?:由|从)(?:\d{{4}}年(?:底|末)?)?的?[\d.]+[^，,；;、]{{0,8}}?{_RISE_TO}$"
)


def _respective_year(sentence_left: str) -> int | None:
    """The year of the i-th value after "分别" in a sentence listing years: "2025年、2027年工业
    增加值分别达到5000亿元、6000亿元" sets 5000 亿元 for 2025 and 6000 亿元 for 2027."""
    lists = list(_YEAR_LIST.finditer(sentence_left))
    if not lists:
        return None
    after = sentence_left[lists[-1].end() :]
    k = after.find("分别")
    if k < 0:
        return None
    years = [int(y) for y in re.findall(r"((?:19|20)\d{2})年", lists[-1].group())]
    i = len(scan_quantities(after[k:]))  # the values before this one, after "分别"
    return years[i] if i < len(years) else None


def _strip_indicator(left: str) -> str:
    # "13%左右、力争15%左右": what follows the previous number qualifies it, not this one
    s = _LEADING_QUALIFIER.sub("", left.strip()).strip()
    # "某市设定了地区生产总值增长": who set the goal is not what it measures
    s = _SET_BY.sub("", s) or s
    s = re.sub(r"预计(?=增长|提高|下降|达到)", "", s)  # "进出口总值预计增长": the growth
    # "全员劳动生产率由2020年的18.5万元/人提高到": the baseline it rises from is not its name
    s = _RISES_FROM.sub("", s) or s
    # "…支撑实现2027年全省经济总量": the indicator starts after the year it is due (not after
    # the base year compared with: "…比重比2020年提高")
    dated = list(re.finditer(r"(?<![比较])\d{4}年(?:年?底|末)?(?:前|之前)?", s))
    if dated and dated[-1].end() < len(s):
        s = s[dated[-1].end() :]
    while True:
        t = _TRAIL.sub("", s).rstrip()
        t = _LEAD.sub("", t).lstrip()
        if t == s:
            # "地区生产总值的增长目标定为5%以上": the goal of the growth is the growth
            s = re.sub(r"的?(增长|增速)?目标(?:定|设定|确定)?$", r"\1", s)
            # "▲地区生产总值增长", "——新增…": a list's bullet is no part of the name
            s = s.strip("、 ，,").lstrip("▲△■□◆◇●○★☆·•-—– \u3000")
            # "1、全省县域生产总值年均增长": nor is a list item's number
            return re.sub(r"^(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*[、．]\s*", "", s)
        s = t


def _object_after(ctx: _Context, q: Quantity, clause_end: int) -> str:
    right = ctx.norm[q.end : clause_end]
    m = _CONJ_BEFORE_QUANTITY.search(right)
    obj = right[: m.start()] if m else right
    # "5家以上、近零碳工厂10家": what follows 以上 and a conjunction is the next item
    if re.match(r"\s*(?:(?:以上|以下|左右)\s*)?(?:、|和|及|与)", obj):
        return ""  # the next item of a coordination, not this quantity's object
    obj = _LEADING_QUALIFIER.sub("", obj).strip()
    obj = re.sub(r"等$", "", obj)
    # "三大千亿级产业、打造3000亿元产值园区": a verb after the comma starts the next goal
    obj = re.split(r"、(?=" + "|".join(TARGET_VERBS) + r")", obj, maxsplit=1)[0]
    if obj.endswith("级"):
        rest = ctx.norm[q.end + len(right[: m.start()] if m else right) : clause_end]
        for h in re.finditer(r"级([^、，,；;。和及与\d级]+)", rest):
            obj += h.group(1)
            break
    return obj


_HEAD_NOUN = re.compile(r"(?:产能|产量|产值|规模|收入|投资|能力|总量|面积|利润|税收|增加值)+$")


def _borrowed_head(ctx: _Context, q: Quantity, clause_end: int) -> str:
    """The head noun a later conjunct shares: "1.5万吨废料回收、11万吨冶炼分离产能规模"."""
    m = _HEAD_NOUN.search(ctx.norm[q.end : clause_end])
    return m.group() if m else ""


def _yearlike(value: float) -> bool:
    return value == int(value) and 1900 <= value <= 2100


def _name_before(words: str) -> str:
    """The name of what a number measures in the words before it, read after the previous
    number and after a label's colon or bracket ("…实现7.5亿元【…】;年度目标是:工业投资")."""
    # (not after a year: "柳州工业总产值2025年力争达" names 工业总产值)
    end = max(
        (x.end for x in scan_quantities(words) if not (x.kind == "bare" and _yearlike(x.value))),
        default=0,
    )
    name = re.split(r"[:：】\]；;]", words[end:])[-1]
    # the year a name is due in, between it and the verb, is no part of it ("…产值2025年力争达")
    name = re.sub(r"(?<=[\u4e00-\u9fff])(?:到|至|在)?\d{4}\s*年(?=[^\d，,；;。]{0,6}$)", "", name)
    name = _strip_indicator(name)
    return name if re.search(r"[\w\u4e00-\u9fff]", name) else ""  # marks alone name nothing


def sketch_target(ctx: _Context, q: Quantity) -> FoundTarget | None:
    """Quantity ``q`` read as a target with the fields ``find_targets`` gives one, without
    asking whether it *is* one: for a number the rules passed over that the learned model
    suggests to the reviewer (``gaodi.text.extract``); ``None`` for a class of what a count
    counts ("10个百亿级企业"), which has no value of its own. Where its clause names nothing it
    measures, the clause stands in for the name (a reviewer mends it). The fields are read as
    the rules read them (indicator from the words before the number or the thing counted after
    it, the year the sentence is anchored to or the text's horizon), so a reviewer's check is
    the same.

    >>> from gaodi.text.extract import read_text
    >>> ctx = read_text("某市工业发展规划\\n到2025年,全市工业增加值年均增长8%左右。").ctx
    >>> q = [q for q in scan_quantities(ctx.text) if q.unit == "%"][0]
    >>> t = sketch_target(ctx, q)
    >>> t.indicator, t.value, t.unit, t.year, t.comparator, t.annual
    ('工业增加值年均增长', 8, '%', 2025, '=', True)
    """
    s = ctx.norm
    s0, _ = _bounds(s, q.start, _SENTENCE_DELIMS)
    c0, c1 = _bounds(s, q.start, _CLAUSE_DELIMS)
    left, right = _compact(s[c0 : q.start]), _compact(s[q.end : c1])
    if q.kind == "scale" and re.search(r"[\d一二两三四五六七八九十]\s*[个家座条项]\s*$", left):
        return None  # "10个百亿级企业": the class of the things counted, not a value of its own
    indicator = "" if re.search(r"(?:、|和|及|与)\s*$", left) else _name_before(left)
    bare_verb = not indicator or indicator in TARGET_VERBS or indicator in QUAL_VERBS
    obj = _object_after(ctx, q, c1) if q.kind == "count" or bare_verb else ""
    obj = obj if re.search(r"[\w\u4e00-\u9fff]", obj) else ""  # "增长15%】": no object
    growth = BARE_GROWTH.fullmatch(indicator) is not None
    if obj and q.kind == "count":
        flow = indicator if indicator in ("新增", "累计", "累计新增") else ""
        indicator = flow + (obj if obj.endswith(("数量", "数")) else obj + "数量")
    elif obj:
        indicator = obj + ("" if _MEASURE_NOUN.search(obj) else _borrowed_head(ctx, q, c1))
    elif (bare_verb or growth) and c0 > s0:
        # "工业投资完成41亿元，增长15%": the growth of what the clause before names
        earlier = _compact(s[s0:c0])
        found = scan_quantities(earlier)
        subject = _name_before(earlier[: found[-1].start]) if found else ""
        indicator = subject + (indicator if growth else "") if subject else indicator
    indicator = _compact(indicator).strip()
    if not indicator or indicator in TARGET_VERBS or indicator in QUAL_VERBS:
        # nothing named in its clause ("突破1500亿" on a line of its own): the clause stands in
        # for the name, for the reviewer to mend
        indicator = _compact(s[c0:c1]).strip()[:40]
    # the year as the rules give it, though not a year gone (the rules pass over a number
    # anchored to one; a suggestion of it is a goal for the text's horizon)
    kind, year, level, anchor_pos = ctx.anchor(q.start)
    year = _due_year(ctx, q, s0, None if kind == "past" else year, level, anchor_pos)
    unit = q.unit
    if q.kind == "scale" and unit in ("亿", "万亿"):
        unit += "元"  # "千亿级冶金产业", "双千亿": a class of output, in yuan
    return _target_at(ctx, q, indicator, unit, year, left, right, left, (c0, c1))


def _due_year(
    ctx: _Context, q: Quantity, s0: int, year: int | None, level: str, anchor_pos: int
) -> int | None:
    """The year a target at ``q`` is due, from the year its sentence is anchored to: none for a
    recurring target (每年…, unless a target year follows), the text's horizon when no year is
    named, and each its own in "分别…到2025年、2030年"."""
    s = ctx.norm
    yearly = s.rfind("每年", s0, q.start)
    if yearly >= 0 and not (level == "near" and anchor_pos > yearly):
        year = None  # a recurring target, unless a target year comes after "每年"
    elif year is None:
        year = ctx.horizon
    return _respective_year(s[s0 : q.start]) or year


def _target_at(
    ctx: _Context,
    q: Quantity,
    indicator: str,
    unit: str | None,
    year: int | None,
    comparator_left: str,
    right: str,
    clause_left: str,
    clause: tuple[int, int],
) -> FoundTarget:
    """The target of quantity ``q`` with the name, unit and year read for it: its comparator
    from the words around it, its action, its clause as the quote, a count's size class and
    the 年均 mark of its clause."""
    return FoundTarget(
        indicator=_surface(ctx.text, ctx.norm, indicator),
        value=_clean_number(q.value),
        value_max=None if q.value_max is None else _clean_number(q.value_max),
        unit=unit,
        year=year,
        comparator=_comparator(comparator_left, right, q),
        action=ctx.action_number(q.start),
        quote=_clean_quote(ctx.text, *clause),
        start=q.start,
        size_class=_size_class(right) if q.kind == "count" else None,
        annual=bool(_ANNUAL.search(clause_left)),
    )


def _subject_before(earlier: str) -> str:
    """What the previous clause of the sentence measures, for a clause that names only the
    value: "2020年…比重为7.8%，2025年预计增加到10%" gives "…比重" to the 10%."""
    found = scan_quantities(earlier)
    return _strip_indicator(_compact(earlier[: found[-1].start])) if found else ""


@dataclass(frozen=True)
class ClauseQuantity:
    """The quantity a reviewer selected: value, upper end, unit and comparator as written."""

    value: float
    value_max: float | None
    unit: str | None
    comparator: Comparator
    # the two attributes the extractor gives a target (schema.ExtractedTarget), read the same way
    size_class: str | None = None
    annual: bool = False


def read_clause(clause: str, value: float | None = None) -> ClauseQuantity | None:
    """The first quantity of a selected clause that is not a label, with its comparator.

    A reviewer adds a missed target by selecting its words; this reads them the way the
    extractor reads a target, without asking whether the clause *is* a target (the reviewer
    says it is).

    >>> q = read_clause("规模以上工业企业力争突破2200家")
    >>> q.value, q.value_max, q.unit, q.comparator, q.size_class, q.annual
    (2200, None, '家', '>=', None, False)
    >>> read_clause("打造1个3000亿级园区") is not None
    True
    >>> read_clause("加快建设制造强省") is None
    True

    With ``value`` it reads the quantity of that value (a stored target's quote may hold
    several), which is how the review page shows a stored target's size class and 年均 mark:

    >>> q = read_clause("打造2个千亿级产业集群")
    >>> q.value, q.unit, q.comparator, q.size_class, q.annual
    (2, '个', '=', '千亿级', False)
    >>> read_clause("产值达到1000亿元，年均增长8%", value=8).annual
    True
    """
    clause = strip_glosses(clause)[0]  # "以(yǐ)上" is 以上: a stored quote keeps its glosses
    norm = normalize_width(clause)
    found: ClauseQuantity | None = None
    for q in scan_quantities(clause):
        if q.kind == "scale":
            continue
        left = _compact(norm[: q.start])
        right = _compact(norm[q.end :])
        # 年均 counts only inside the quantity's own clause, as find_targets reads it
        own_left = re.split(r"[，,；;。]", left)[-1]
        read = ClauseQuantity(
            _clean_number(q.value),
            None if q.value_max is None else _clean_number(q.value_max),
            q.unit,
            _comparator(left, right, q),
            size_class=_size_class(right) if q.kind == "count" else None,
            annual=bool(_ANNUAL.search(own_left)),
        )
        if value is None or read.value == value:
            return read
        found = found or read
    return found
