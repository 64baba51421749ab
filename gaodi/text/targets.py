"""Quantitative targets and qualitative goals in a plan text.

Every quantity the numeral scanner finds is a candidate; the rules below keep the ones a plan
sets as goals and drop the rest. They are deliberately few and general (see
docs/plan-extraction.md for the rules with examples and the measured accuracy):

* not a quantity of anything: scale labels ("千亿级"), names ("500强", "5G", "1+2+N",
  “三个一批”, 《…》), ordinals ("第20次"), numbers that qualify a noun ("超100亿元的企业");
* a reference, not a goal: governed by 聚焦/围绕/针对/依托 …, or "在…的基础上";
* a baseline: in a section on achievements (发展基础 …), in a sentence with a past marker
  (截至, 目前, 去年, 预计全年, a verb + 了 …) or anchored to a year before the plan;
* a goal needs a target context: a target year in the sentence or paragraph ("到2023年",
  "2025年前", a year within the plan period), a goals section (发展目标, 主要目标 …), a cue
  word (力争, 确保, 目标, 将, 每年 …), or a target year further up in the section together with
  a target verb in the clause (达到, 突破, 培育 …).
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, replace
from typing import Literal

from gaodi.text.glosses import strip_glosses
from gaodi.text.numerals import Quantity, normalize_width, parse_number, scan_quantities
from gaodi.text.structure import Outline, Section, years_work_opened
from gaodi.text.subjects import BARE_GROWTH, each_doubled, each_subject, respectively

_CLAUSE_DELIMS = frozenset("，,；;。！？!?：:\n")
_SENTENCE_DELIMS = frozenset("。！？!?\n")

_YEAR = re.compile(
    r"(?P<pre>力争到|争取到|确保到|预计到|力争|争取|确保|实现|到|至)?"
    r"(?P<y>(?:19|20)\d{2})\s*年(?P<post>年底前|底前|之前|以前|前|底|末)?"
)
_RELATIVE_YEAR = re.compile(r"年内|全年|今年|当年|本年度|明年")
# "用3年时间", "五年内": a span counted from the text's year, that year included (2023 + 3 → 2025)
_SPAN_YEARS = re.compile(
    r"(?:用|利用|经过)?([1-9]|[一二两三四五六七八九十])年(?:时间|内)|"
    # "3年突破6400亿、5年跨越7500亿": the years counted to each goal
    r"(?<![\d近这连续过去今明前后第每])([1-9]|[一二两三四五六七八九十])年"
    r"(?=突破|跨越|跨赿|超过|达到|实现|翻)"
)
_REFERENCE_BEFORE_YEAR = re.compile(r"(?:较|比|与|同|相比|由|从|自|对比)\s*$")
# "支撑实现2027年…突破八万亿元": a year the text sets out to reach
_TARGET_PRE = {"力争到", "争取到", "确保到", "预计到", "力争", "争取", "确保", "实现", "到", "至"}

PAST_MARKERS = re.compile(
    # "比上年增长10%": last year is the base of a comparison, not the time of the figure
    r"截至|截止|目前|现有|已有|实有|(?<![比较与])(?:去年|上年)|同比|以来|近年来|多年来|近几年|先后|"
    r"接连|相继|"
    r"预计全年|过去|"
    r"(?:十一五|十二五|十三五)[”\"’]?(?:期间|时期|以来)|"
    # "这五年，…突破4000亿元", "过去5年", "十年来": years counted back from the text's present
    r"这[一二两三四五六七八九十\d]{1,2}年(?!内|后|时间)|"
    r"(?<![未今])(?<!未来)[一二两三四五六七八九十\d]{1,2}年来|"
    r"(?:实现|达到|完成|取得|建成|形成|培育|研制|获得|引进|新增|突破|增长|增加|提高|提升|创建)了|"
    # any verb + 了 ("列出了"), 已/已经 + verb ("该省已培育21户"): done, not to do
    # (not the 了 of reporting what a speaker stressed: "主要强调了五点要求")
    r"(?<![为除罢])(?<!强调)(?<!指出)(?<=[\u4e00-\u9fff])了(?![解却结])|已经?(?=[\u4e00-\u9fff])(?!有)|"
    # "成功引进…20个", "全年共举办…30场": achievements told and tallied
    r"成功(?=引进|举办|创建|入选|获批|签约|招引|打造|申报|培育)|"
    r"(?<![总公])共(?=举办|签约|引进|实施|完成|培育|新增|开工|建成|招引|落地|获批|入选)|"
    # "主要目标任务圆满完成": goals reported as met ("确保圆满完成…" is still a goal)
    r"(?<!确保)(?<!力争)(?<!争取)(?<!要)(?<!将)(?:圆满|顺利|超额|如期|全面)完成"
)
# "建设成效明显，…获评…58项": a sentence that opens on results (unless it sets a goal: "到2023年
# …取得显著成效，力争形成…" is a plan's)
# "…产业集群提前实现万亿规模目标，2020年产值分别达到…": a goal reported as reached
_GOAL_REACHED = r"(?:提前|超额|如期|顺利)(?:实现|完成)[^，,。；;！!？?\n]{0,20}?目标"
_RESULTS_STATED = re.compile(r"成效(?:明显|显著|突出)|" + _GOAL_REACHED)
# in the number's own clause after it: "31个省级行政区的报告已全部出炉" happened
_PAST_AFTER = re.compile(
    r"已经?(?=[\u4e00-\u9fff])(?!有)|(?<![为除罢])(?<=[\u4e00-\u9fff])了(?![解却结])|"
    # "16个制种大县项目完成年度目标": the things counted met the year's goal
    r"^[^，,。；;]*?完成(?:年度|全年|年初)(?:投资)?(?:计划|目标)|"
    # "66个新开工项目已有28个开工建设": a tally of what is done
    r"已有[\d一二两三四五六七八九十]"
)
_PLAN_PERIOD_PAST = re.compile(r"(十一五|十二五|十三五)[”\"’]?(?:期间|时期)$")


def _is_past(
    sentence_left: str,
    ref_year: int | None,
    current: frozenset[str] = frozenset(),
    cued: bool = False,
) -> bool:
    """Whether a past marker stands before the number in its sentence. "“十三五”期间" is past
    only in a text written after that plan ended (a 2017 text plans for it); in a text with no
    date, a period is current when the text sets targets for its end ("“十二五”末…达到")."""
    for m in PAST_MARKERS.finditer(sentence_left):
        period = _PLAN_PERIOD_PAST.match(m.group())
        if period and ref_year is not None and ref_year <= _FIVE_YEAR_END[period.group(1)]:
            continue
        if period and ref_year is None and period.group(1) in current:
            continue
        # "“十二五”期间，某区将…力争…年均增长15%": a period the text's goals are set for
        if (
            period
            and ref_year is None
            and not m.group().endswith("以来")
            and re.search(r"将|力争|要", sentence_left[m.end() :])
        ):
            continue
        if m.group() == "同比" and cued:
            continue
        # "力争“十四五”以来累计降低10%左右": a total over the plan period still running
        since = re.search(r"(十[一二三四五]五)[”\"’]?$", sentence_left[: m.start()])
        if (
            m.group() == "以来"
            and cued
            and since
            and ref_year is not None
            and ref_year <= _FIVE_YEAR_END[since.group(1)]
        ):
            continue
        return True
    return False


# a sentence that sets something for later (not "年均", "每年": a rate, not a time; not "现将…
# 予以公示", 将 as the object's mark)
_SETS_LATER = re.compile(r"力争|争取|确保|目标|(?<!现)将|预期|计划|要(?:实现|达到)")
TARGET_CUES = re.compile(
    r"力争|争取|确保|目标|将|每年|年均|预期|计划|着力|提出|努力(?:形成|打造|建成|达到|培育)|"
    # "总体来说,要实现地区生产总值超过1800亿元": what is to be reached
    r"要(?:实现|达到)"
)
# a page that reviews results ("主要成就", "成绩单") sets no targets except under an explicit
# future year ("到2030年")
_REVIEW_TITLE = re.compile(
    r"主要成就|取得成效|成绩单|工作回顾|工作总结|回顾|综述|"
    # "…2025年工作回眸", "年终盘点", "…发展纪实": a year's story told (not "成效显著", a plan's
    # goal heading as often as a review's)
    r"回眸|盘点|巡礼|纪实|"
    # "…多项指标超额完成" (not "确保圆满完成全年目标", a goal)
    r"(?<!确保)(?<!力争)(?<!争取)(?<!要)(?<!将)(?:超额|圆满)完成|"
    # "“十四五”以来我市制造业发展综述": a title telling what was done since a period began
    r"(?:十[一二三四五]五[”\"’]?|党的十八大|[一二两三四五六七八九十\d]{1,2}年)以来|"
    # "2021年椒江区经济形势分析", "工业经济运行情况", "统计公报": a report of results
    r"形势分析|运行情况|运行分析|统计公报|"
    # "1-5 月云南省规模以上工业增加值同比增长4.7%": a title reporting a part of the year gone
    r"(?:\d{1,2}\s*[-—–~～至]\s*\d{1,2}\s*月|前三季度|上半年|一季度)[^，,。]*同比"
)
# a title naming the plan beside the review: "2025年工作总结和2026年工作计划"
_PLAN_NAMED = re.compile(r"\d{4}年(?:工作)?(?:计划|思路|打算|要点)|工作(?:计划|思路|打算|要点)")
REFERENCE_VERBS = (
    "聚焦",
    "围绕",
    "针对",
    "依托",
    "基于",
    "立足",
    "对标",
    "涵盖",
    "包括",
    "涉及",
    "拥有",
    "现有",
    "已有",
    "共有",
    "盯住",  # "重点盯住50户骨干企业": the firms watched, not a number to reach
    "紧盯",
)
TARGET_VERBS = (
    "达到",
    "达",
    "超过",
    "超",
    "突破",
    "实现",
    "形成",
    "培育",
    "打造",
    "建成",
    "建设",
    "新增",
    "新建",
    "增长",
    "下降",
    "降低",
    "提高",
    "提升",
    "控制在",
    "稳定在",
    "保持在",
    "引进",
    "创建",
    "争创",
    "认定",
    "储备",
    "累计",
    "完成",
    "力争",
    "增加",
    "减少",
    "达标",
    "上涨",  # "居民消费价格上涨3%"
    "跨越",  # "5年跨越7500亿": a level to pass
    "迈上",
    "跃上",
    "推动",  # "推动20家企业上市挂牌": the firms to bring there
)
# the tasks a work report sets for its year: "推进50项…项目" (not target verbs elsewhere: "全力
# 推进十大千亿级工业产业" names the industries)
_TASK_VERB = re.compile(r"推进|实施|开工|投产|安排")
# money a government gives or budgets is a means, not a result to reach
_SUBSIDY = re.compile(
    r"最高|最多|给予|奖励|补助|补贴|资助|一次性|安排|拨付|预算|"
    # public finance: debt a government issues, a deficit it budgets ("拟发行特别国债5000亿元")
    r"国债|债券|债务|赤字|拟发行|"
    # money handed out or lent: "下达中小企业发展专项资金1.5亿元", "促成银企信贷协议255亿元"
    r"下达[^，,；;。\d]{0,12}资金|发放|专项资金|周转资金|信贷|贷款|授信"
)
# "地方一般公共预算收入增长5%": budget revenue is a level the government reaches, not a means
_REVENUE = re.compile(r"预算(?:总)?收入")  # "一般公共预算总收入" is revenue, not a budget
# "赤字率拟按4%左右安排": the means come after the number
_MEANS_AFTER = re.compile(r"^(?:左右|以上|以内)?(?:安排|拨付|用于)")

_LE_BEFORE = re.compile(
    r"(?:不超过|不高于|不多于|不大于|控制在|(?<!不)低于|(?<!不)少于|(?<!不)小于)$"
)
# falling to a level: a ceiling when exact ("降至18%"), the level itself when approximate
# ("下降到18%左右" is about 18 %: README of the corpus, 左右 is `=`)
_FALL_TO = re.compile(r"(?:压减到|压减至|降至|降低到|下降到)$")
_GE_BEFORE = re.compile(
    r"(?:超过|超|突破|(?<!打)破|不低于|不少于|高于|多于|大于|逾|迈上|跨上|跨越|站上|跃上|(?<![通经不])过)$"
)
_AT_LEAST = re.compile(r"(?:至少|最少)[\u4e00-\u9fff]{0,4}$")  # "至少培育3家"
_GE_AFTER = re.compile(r"^(?:以上|及以上|多|余)")
_LE_AFTER = re.compile(r"^(?:以内|以下|之内|及以下)")
_APPROX_AFTER = re.compile(r"^(?:左右|上下)")
_COMPARATOR_VERB = re.compile(
    r"(?:达到|达|超过|超|突破|不低于|不少于|保持在|稳定在|控制在|提高到|提升到|提高至|提升至|"
    r"增长到|增加到|降低到|下降到|降至|不超过|不高于|低于|高于)$"
)

_TRAIL = re.compile(
    r"(?:力争|争取|确保|努力|将|要|预计|可|(?<![签节制集预履])约|近|逾|共|合计|总计|达到|达|超过|超|突破|(?<!打)破|迈上|跨上|站上|实现|(?<![通经不])过|"
    r"跨越|跃上|再|方面|(?<![\d年])[1-9]年|"
    r"保持在|稳定在|控制在|提高到|提升到|提高至|提升至|增长到|增加到|降低到|下降到|降至|不低于|"
    r"不少于|不超过|不高于|高于|低于|多于|少于|为|在|年内|分别)$"
)
_LEAD = re.compile(
    r"^(?:[、\s—]+|(?:力争|争取|确保)?(?:到|至)?\d{4}年(?:年?底|末)?(?:前|之前)?|年内|全年|今年|每年|"
    r"其中|即|同时|此外|另外|并且|并(?![网购联列入轨])|以及|进一步|力争|争取|确保|努力|预计|推动|推进|引导|支持|"
    r"鼓励|带动|支撑|实现|使|让|加快|全面|基本|初步|将|要|把|全市|全省|全区|全县|我市|我省|"
    r"本市|本省|和|及)"
)
_MEASURE_NOUN = re.compile(
    r"(?:值|额|量|率|比重|比例|占比|收入|产值|规模|投资|密度|强度|生产率|数|指数|面积|能耗|利润|"
    r"税收|水平|营收|份额|增长|下降|降低|提高|提升|增加|减少|产能|产量|总量)$"
)
_CONJ_BEFORE_QUANTITY = re.compile(
    r"(?:、|和|及|与|以及)(?=\s*(?:\d|[一二两三四五六七八九十百千]+(?:[个家项户座条名台套]|大)|一批))"
)
_LEADING_QUALIFIER = re.compile(r"^(?:以上|及以上|左右|以内|以下|多|余|的)+")
# a Chinese word right after a number with no unit, other than a comparator or 级 (a label)
# ("超过五千亿规模": 规模/水平 name the level itself)
_QUALIFIED_NOUN = re.compile(r"^(?!以上|以下|以内|左右|上下|多|余|级|规模|水平)[\u4e00-\u9fff]")
_QUALIFIES_NOUN = re.compile(r"^(?:以上|及以上|左右|以内|以下|多|余)*的")
_PERIOD_NAMED = re.compile(
    r"(?:方案|计划|规划|纲要)[(（]((?:19|20)\d{2})\s*[—–\-~～至到]\s*(?:19|20)\d{2}年?[)）]"
)
_NAMED_PLAN = re.compile(r"《[^》\n]*[(（](\d{4})\s*[—–\-~～至到]\s*(\d{4})年?[)）]》")
# "比上年增长12%": a figure compared with last year's, after or before the number
_VS_LAST_YEAR = r"[比较](?:上年|去年)(?:同期|末|底)?(?:增长|提高|增加|下降|减少)"
_YEAR_ON_YEAR = re.compile(rf"同比|{_VS_LAST_YEAR}")
_COMPARED_BEFORE = re.compile(rf"{_VS_LAST_YEAR}$")
_THIS_YEAR_ON = re.compile(r"[，,；;]\s*(?:今年|明年)")
_DOCUMENT_SAYS = re.compile(r"^.*》[^，,。；;]{0,4}?(?:明确|提出|指出|要求|规定|强调)")
# "设定了…目标": the act of setting a goal ("某市设定了…" names who set it, not what it measures)
# ("襄阳定下地区生产总值增长7%的目标": 定下 sets one, with or without 了)
_SETTING = r"(?:(?:设定|提出|确定|确立|明确|制定)了|定下了?)"
_SET_A_GOAL = re.compile(_SETTING)
_SET_BY = re.compile(rf"^.*?{_SETTING}")
_GOAL_SET_BEFORE = re.compile(rf"{_SETTING}[^。；;]*目标")
# "…的目标，同时商品进出口总值预计增长3%": an expectation stated among the goals
_EXPECTED_IN_GOALS = re.compile(r"目标[^。；;]*预计(?!全年)")
_OF_THE_GOAL = re.compile(r"^(?:以上|及以上|左右|以内|以下)*的(?:增长|预期|发展)?目标")
# an award or a place on a list: "获批国家级…", "入选…名单", "被评为…"
_AWARD_WORDS = r"荣获|获评|获批|入选|被评为"
# a rank or record held: "稳居全国第一", "跃居全国首位", "刷新…纪录"
# (not "首位度", "首位产业": an industry's primacy, a policy word)
_RANKED = re.compile(
    r"稳居|位居|跃居|位列|首位(?!度|产业)|纪录|"
    # "增速居广东第三", "总量居珠三角第一", "居全省第3位"
    r"居[\u4e00-\u9fff]{1,5}?第[一二三四五六七八九十\d]+位?"
)
# verbs of following a line set from above: "落实…五个“必须统筹好”"
_FOLLOWS = re.compile(r"落实|贯彻|践行|坚持|遵循")
# "销售收入超百亿元大企业": the amount sizes the firms named right after it
_SIZED_FIRMS = re.compile(r"[\u4e00-\u9fff]{0,3}?(?:企业|项目|集群|园区)")
# "较“十三五”末的9323.1亿元": the level a comparison starts from
_COMPARED_WITH = re.compile(r"(?:较|(?<!占)比(?![重例率])|相比于?)[^，,；;。]{1,12}的$")
_THRESHOLD_ON = re.compile(r"^(?:以上|及以上|以下)[\u4e00-\u9fff]{0,4}?(?:项目|企业)")

QUAL_VERBS = (
    "引进培育",
    "培育壮大",
    "培育形成",
    "打造形成",
    "做大做强",
    "培育",
    "建设",
    "打造",
    "壮大",
    "发展",
    "创新",
    "形成",
    "涌现",
    "引进",
    "建成",
    "创建",
    "争创",
    "认定",
    "攻克",
    "突破",
    "实施",
    "推出",
    "集聚",
    "招引",
    "储备",
    "提升",
    "遴选",
    "布局",
    "转化",
    "研制",
    "开发",
    "推广",
    "孵化",
    "扶持",
    "培养",
    "组建",
    "建立",
    "制定",
    "出台",
    "谋划",
)
_QUAL = re.compile(
    "(?P<verb>" + "|".join(QUAL_VERBS) + r")(?P<q>一大批|一批|一个|一支|一座|一套|一系列|若干)"
)
_QUAL_NEXT = re.compile(r"、(?:一大批|一批|一个|一支|一座|一套|一系列|若干)")


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


@dataclass(frozen=True)
class FoundGoal:
    verb: str
    object: str
    action: str | None
    quote: str
    start: int


def _bounds(text: str, pos: int, delims: frozenset[str]) -> tuple[int, int]:
    """The stretch of ``text`` around ``pos`` between two delimiters (not including them)."""
    stops = _delimiters(text, delims)
    k = bisect.bisect_left(stops, pos)
    a = stops[k - 1] + 1 if k > 0 else 0
    b = stops[k] if k < len(stops) else len(text)
    return a, b


@functools.lru_cache(maxsize=16)
def _delimiters(text: str, delims: frozenset[str]) -> list[int]:
    # found once per text: every rule asks for the clause or sentence around a position
    stops = [i for i, c in enumerate(text) if c in delims and _is_delim(text, i, delims)]
    if "。" not in delims and "，" not in delims:
        return stops
    # an AI digest of news ("…奠定基础 [1] 产业发展与目标 - 将…") ends its points with
    # citation marks and bullets, and puts a space where a comma would be
    extra = [i for m in _CITATION.finditer(text) for i in (m.start(), m.end() - 1)]
    extra += [m.start() for m in _BULLET.finditer(text)]
    if "，" in delims and _is_digest(text):
        extra += [m.start() for m in _SPACE_COMMA.finditer(text)]
    return sorted(set(stops).union(extra)) if extra else stops


def _is_digest(text: str) -> bool:
    """Whether ``text`` is an AI digest of news, its points closed by citation marks ("[1]")."""
    return len(_CITATION.findall(text)) >= 4


_CITATION = re.compile(r"\[\d{1,2}\]")
_BULLET = re.compile(r"(?<=[\u4e00-\u9fff\]] )-(?= [\u4e00-\u9fff])")
_SPACE_COMMA = re.compile(r"(?<=[\u4e00-\u9fff”])[ \u3000](?=[\u4e00-\u9fff“])")


def _is_delim(text: str, i: int, delims: frozenset[str]) -> bool:
    c = text[i]
    if c not in delims:
        return False
    # "1,200" and "1.5" are numbers, "2:1" a ratio
    return not (
        c in ",:" and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
    )


def _clean_quote(text: str, a: int, b: int) -> str:
    quote = text[a:b].strip(" \t\u3000—-")
    return quote


_FIVE_YEAR_PLAN = re.compile(
    r"(?P<pre>到|至)?[“\"‘]?(?P<plan>十一五|十二五|十三五|十四五|十五五)[”\"’]?"
    r"(?P<post>末|期末|时期末|期间|时期|规划(?=提到|提出|明确|要求|指出))"
)
_FIVE_YEAR_END = {"十一五": 2010, "十二五": 2015, "十三五": 2020, "十四五": 2025, "十五五": 2030}


class _PlanPeriodMark:
    """A five-year plan's period read as a year marker: "“十四五”末" is the year 2025.

    It answers the parts of the ``re.Match`` interface that the year rules use, so a period
    and a written year ("到2025年") are one kind of marker.
    """

    def __init__(self, m: re.Match[str]):
        self._m = m
        end = m.group("post") in ("末", "期末", "时期末")
        self._groups = {
            "pre": "到" if end else m.group("pre"),
            "y": str(_FIVE_YEAR_END[m.group("plan")]),
            "post": None,
        }

    def start(self) -> int:
        return self._m.start()

    def end(self) -> int:
        return self._m.end()

    def group(self, name: str | int = 0) -> str | None:
        return self._m.group() if name == 0 else self._groups[str(name)]


def _year_of(m: re.Match[str] | _PlanPeriodMark) -> int:
    """The year a year mark names (its group "y", always present in both kinds of mark)."""
    y = m.group("y")
    assert y is not None
    return int(y)


# a line that introduces a list of goals: "2025年的主要目标是：", "发展目标："
_GOAL_INTRO = re.compile(r"(?m)目标(?:是|为|如下)?\s*[:：]\s*$")
# a short heading line of goals or of results, often bulleted, in a digest of a report:
# "■ 2025年经济社会发展的主要预期目标", "■ 2024年成绩单"
# (a bracketed label heads a part too: "【目标】", "【盘点】")
_GOAL_HEAD = re.compile(
    r"(?m)^[ \t\u3000]*[■◆▲●★【]?[ \t\u3000]*(?:[^\n，,。；;:：【】]{0,30}"
    r"(?:预期目标|主要目标|发展目标)|目标)】?[ \t\u3000]*$"  # or "目标" alone, heading a list
)
# a run of numbered lines: "1、…;\n2、…;\n"
_NUMBERED_ITEMS = re.compile(
    r"(?:\s*\n[ \t\u3000]*(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*[、.．][^\n]*)+"
)
_RESULTS_HEAD = re.compile(
    r"(?m)^[ \t\u3000]*[■◆▲●★【]?[ \t\u3000]*(?:\d{4}年)?[^\n，,。；;:：【】]{0,12}"
    # ("2020年成就:", "“十三五”成就:": a list of results under its head; not "…新成就")
    r"(?:成绩单|工作回顾|主要成就|(?<![新大更])成就|盘点|回眸)】?[ \t\u3000]*[:：]?[ \t\u3000]*$"
)
# a clause that names what its year is for: "2025年主要预期目标是…"
_GOAL_WORD = re.compile(r"目标|预期")


def _marked_target(m: re.Match[str] | _PlanPeriodMark) -> bool:
    return m.group("pre") in _TARGET_PRE or bool(m.group("post"))


class _Context:
    """What the rules need to know about one text."""

    def __init__(self, text: str, outline: Outline, ref_year: int | None, end_year: int | None):
        self.text = text
        self.norm = normalize_width(text)
        self.outline = outline
        self.ref_year = ref_year
        self.end_year = end_year
        marks: list[re.Match[str] | _PlanPeriodMark] = [
            m for m in _YEAR.finditer(self.norm) if self._is_year_marker(m)
        ]
        marks += [_PlanPeriodMark(m) for m in _FIVE_YEAR_PLAN.finditer(self.norm)]
        self.years = sorted(marks, key=lambda m: m.start())
        # years the text marks as targets in so many words ("到2025年", "“十二五”末", "2025年前")
        self.explicit = [_year_of(m) for m in self.years if _marked_target(m)]
        # "…行动方案(2023-2027年)，一起来看": the period of the plan the text presents, whose
        # first years are years of goals too ("2023年，加快…" before "到2025年…")
        period = _PERIOD_NAMED.search(self.norm[:400])
        self.period_start = int(period.group(1)) if period else None
        # plan periods the text sets targets in: their "期间" is not the past in an undated text
        self.current_periods = frozenset(
            p
            for p, end in _FIVE_YEAR_END.items()
            if any(end - 4 <= y <= end for y in self.explicit)
        )
        spans = list(_SPAN_YEARS.finditer(self.norm))
        self.relative = [
            m
            for m in _RELATIVE_YEAR.finditer(self.norm)
            if not (m.group() == "年内" and any(sp.start() < m.start() < sp.end() for sp in spans))
        ]
        self.spans = spans if ref_year is not None else []
        self.relative_starts = frozenset(r.start() for r in self.relative)
        self.goal_blocks = self._goal_blocks()
        self.results_blocks = self._results_blocks()
        self.told_years = self._told_years()
        results_heads = {
            self.norm[a:b].strip() for a, b in (m.span() for m in _RESULTS_HEAD.finditer(self.norm))
        }
        heading_results = results_heads if self.results_blocks else set()
        # the year a target without its own year is due: the plan period's end, else the
        # latest target year the text names ("到2025年" in the next paragraph)
        targets = [_year_of(m) for m in self.years if self.classify_year(m) == "target"]
        self.horizon = end_year if end_year is not None else max(targets, default=None)
        if self.horizon is None and self.relative:
            self.horizon = ref_year  # goals set for "今年": the text's own year
        head = [ln for ln in self.norm.split("\n") if ln.strip()][:6]
        # a review line that heads a section of the outline ("一、2024年工作回顾") makes that
        # section a baseline, not the whole page a review
        heading_lines = {
            self.norm[sec.start : _bounds(self.norm, sec.start, frozenset("\n"))[1]].strip()
            for sec in outline.sections
        }
        self.is_review = any(
            _REVIEW_TITLE.search(ln)
            and not _PLAN_NAMED.search(ln)
            and len(ln.strip()) <= 40
            and ln.strip() not in heading_lines
            and ln.strip() not in heading_results
            for ln in head
        ) or _reports_a_review(self.norm)
        # a government work report sets the tasks of its own year; a later year holds only
        # in the sentence that names it ("力争2025年…。推进50项…项目" is the report year's task)
        # (so does a body's plan for its year: "某市工业和信息化局2026年工作要点"); a report
        # that writes no year at all ("今年是…之年") sets the tasks of a year it leaves unsaid
        self.is_work_report = (ref_year is not None or not self.years) and (
            any("政府工作报告" in ln for ln in head)
            or bool(
                head
                and re.search(r"\d{4}\s*年度?(?:工作要点|工作计划)\s*$", head[0])
                and len(re.findall(r"\d{4}\s*年", head[0])) == 1
            )
            # the notice issuing one, or a lead listing what the year will bring
            or bool(head and years_work_opened(head[0]) is not None)
        )
        # an AI digest of news, its points closed by citation marks ("…奠定基础 [1] - …")
        self.is_digest = _is_digest(self.norm)
        told, goals = _sentences_told_and_set(self.norm, ref_year)
        # (a few told sentences in a short excerpt make no such text: "依托现有…" is no review)
        self.results_led = told >= 3 and told > 2 * goals
        # a text setting goals throughout: "我区将…。…实施10个…项目" needs no year on each
        self.goals_led = goals >= 2 and goals > 2 * told

    def _is_year_marker(self, m: re.Match[str]) -> bool:
        s = self.norm
        before = s[max(0, m.start() - 4) : m.start()]
        after = s[m.end() : m.end() + 6]
        if re.match(r"\s*\d{1,2}月", after) or re.match(r"\s*[—–\-~～至到]", after):
            return False  # a date, or the start of a period "2021—2023年"
        if before.endswith(("(", "（", "—", "–", "-", "~", "～", "〔", "[")):
            return False
        if _REFERENCE_BEFORE_YEAR.search(before) and not m.group("pre"):
            return False
        if re.match(r"\s*第?\d{1,2}\s*期", after):
            return False  # "当代贵州 2019年3期": a journal's issue, not a year anything is due
        if re.match(r"度?\s*[(（]第[一二三四五六七八九十\d]+批", after):
            return False  # "2025年度(第四批)…名单": a list's year, not a year anything is due
        if _inside(s, m.start(), "《", "》", 80) or (
            after.startswith("远景目标") and not m.group("pre")
        ):
            return False  # "…规划和2035年远景目标纲要": a year in a document's name names it
        return not after.startswith(("的基础上", "基础上", "以来"))

    def classify_year(self, m: re.Match[str] | _PlanPeriodMark) -> str | None:
        """'target', 'past' or None (cannot tell)."""
        y = _year_of(m)
        if self.ref_year is not None and y < self.ref_year:
            return "past"  # even "到2024年…" in a text of 2025 reports the past
        if self.norm[max(0, m.start() - 4) : m.start()].endswith(("过去的", "过去")):
            return "past"  # "刚刚过去的2025年": a year the text looks back on
        if m.group("pre") in _TARGET_PRE or m.group("post"):
            return "target"
        if self.ref_year is not None:
            return "target"
        l0, l1 = _bounds(self.norm, m.start(), frozenset("\n"))
        if not self.norm[l0:l1].strip(" \t\u3000:：").replace(m.group() or "", "", 1):
            return "target"  # "2025年" alone on a line heads the list of goals under it
        if self.in_goal_section(m.start()):
            return "target"
        _, c1 = _bounds(self.norm, m.start(), _CLAUSE_DELIMS)
        rest = self.norm[m.end() : c1]
        # (not "2024年是实现…目标任务的关键一年": what the year is, not a goal set for it)
        if _GOAL_WORD.search(rest) and not PAST_MARKERS.search(rest) and not rest.startswith("是"):
            return "target"  # "2024年经济增长预期目标设定为5%左右": the year the goals are for
        if re.match(r"[，,\s]*(?:力争|确保|争取)", self.norm[m.end() : m.end() + 8]):
            return "target"  # "2021年，力争规上工业增加值增长10%以上": a year heading its goals
        c0, _ = _bounds(self.norm, m.start(), _CLAUSE_DELIMS)
        for lst in _YEAR_LIST.finditer(self.norm, c0, c1):
            if lst.start() <= m.start() < lst.end() and re.search(
                r"分别(?:达到|达|超过|突破|提高到|提升到|增长)", self.norm[lst.end() : c1]
            ):
                return "target"  # "2025年、2027年…分别达到…": the years each goal is due

        if self.period_start is not None and self.period_start <= y:
            return "target"  # "2023年，加快…" in a text presenting a plan of 2023-2027
        if self.explicit and y < min(self.explicit):
            return "past"  # "2009年，…完成…" before "到“十二五”末…": a year before every target
        return None

    def _relative_kind(self, r: re.Match[str]) -> tuple[str | None, int | None]:
        """ "今年/全年" means the year its sentence names ("2009年，…全年新增…" is 2009), else
        the text's present."""
        if r.group() in ("全年", "年内") and self.norm[max(0, r.start() - 2) : r.start()] == "今年":
            return "target", self.ref_year or self._resolve_relative(r.start())  # "今年全年"
        if r.group() == "明年":
            # "计划明年再培育20个": the year after the text's own
            return "target", self.ref_year + 1 if self.ref_year is not None else None
        if r.group() in ("今年", "本年度"):
            if _GONE_PART.match(self.norm, r.end()):
                return "past", self.ref_year  # "今年前三季度", "今年以来": the part gone
            return "target", self.ref_year or self._resolve_relative(r.start())
        s0, _ = _bounds(self.norm, r.start(), _SENTENCE_DELIMS)
        written = [m for m in self.years if s0 <= m.start() < r.start()]
        if written:
            kind = self.classify_year(written[-1])
            return kind, _year_of(written[-1]) if kind else None
        # "全年/年内/当年" with no year of its own: the year the text last named
        # ("2023年…。…电子行业全年增长3.4%" in a 2024 review is 2023)
        known = [m for m in self.years if m.start() < r.start() and self.classify_year(m)]
        if known and self.classify_year(known[-1]) == "past":
            return "past", _year_of(known[-1])
        l0, _ = _bounds(self.norm, r.start(), frozenset("\n"))
        if self.ref_year is not None and not (known and known[-1].start() >= l0):
            # "…到2027年…。\n…确保完成全年目标任务": a year named in an earlier paragraph is
            # not the one "全年" means in a dated text: the text's own year is
            return "target", self.ref_year
        return "target", self._resolve_relative(r.start())

    def anchor(self, pos: int) -> tuple[str | None, int | None, str, int]:
        """(kind, year, level, position) of the time anchor of ``pos``; level 'near'/'far'."""
        s0, s1 = _bounds(self.norm, pos, _SENTENCE_DELIMS)
        l0, _ = _bounds(self.norm, pos, frozenset("\n"))
        if self.is_digest:
            l0 = s0  # a digest's point is its own paragraph: "计划2025年底前…" holds only there
        for lo in (s0,) if self.is_work_report else (s0, l0):
            best: tuple[int, str, int | None] | None = None
            cued_here = lo < s0 and bool(_SETS_LATER.search(self.norm[s0:s1]))
            for m in self.years:
                if lo < s0 and self._is_vision(m):
                    continue  # "展望到2035年": the vision's year holds only in its sentence
                if lo <= m.start() < pos and (kind := self.classify_year(m)) is not None:
                    if kind == "past" and cued_here:
                        # "…2019年度评估结果出炉…。…方案获批,园区将…再拓展7.75平方公里": a year
                        # gone in an earlier sentence does not date one that sets a goal
                        continue
                    best = (m.start(), kind, _year_of(m))
            for r in self.relative:
                if lo <= r.start() < pos and (best is None or r.start() > best[0]):
                    kind, year = self._relative_kind(r)
                    if kind == "past" and lo < s0 and TARGET_CUES.search(self.norm[s0:s1]):
                        continue  # "…今年以来的工作。…确保完成工业增速10%的目标": a goal
                    if kind is not None:
                        best = (r.start(), kind, year)
            for sp in self.spans:
                if lo <= sp.start() < pos and (best is None or sp.start() > best[0]):
                    n = int(parse_number(sp.group(1) or sp.group(2)))
                    best = (sp.start(), "target", (self.ref_year or 0) + n - 1)
            if best is not None:
                return best[1], best[2], "near", best[0]
        # "过去一年，全市…增长6.2%。新增规上工业企业312家。": a paragraph opened on the year
        # just gone tells it, sentence after sentence
        # (not "去年印发的《…》明确，力争…": the opening sentence tells of a document's goals)
        opening = self.norm[l0 : _bounds(self.norm, l0, _SENTENCE_DELIMS)[1]].lstrip(" \t\u3000")
        if (
            _LAST_YEAR_OPENER.match(opening)
            and self.ref_year is not None
            and not TARGET_CUES.search(opening + self.norm[s0:s1])
            and "《" not in opening
        ):
            return "past", self.ref_year - 1, "far", l0
        # "《…三年行动计划(2025—2027年)》明确，…。…数控化率超过85%": the paragraph sets the
        # goals of the plan it names, due at the plan's end
        named = list(_NAMED_PLAN.finditer(self.norm, l0, pos))
        if named and (self.ref_year is None or int(named[-1].group(2)) >= self.ref_year):
            return "target", int(named[-1].group(2)), "far", named[-1].start()
        if self.is_work_report:
            # "2024年，…发展动能更加强劲。…新增1.1万亩…": a paragraph opened by a year before the
            # report's reviews that year, sentence after sentence
            opener = next((m for m in self.years if l0 <= m.start() < pos), None)
            if (
                opener is not None
                and not self.norm[l0 : opener.start()].strip(" \t\u3000")
                and self.classify_year(opener) == "past"
            ):
                return "past", _year_of(opener), "near", opener.start()
            # "报告显示,2023年…增长9.2%。12家免税店销售额…增长19.3%。": a paragraph telling a
            # past year goes on telling it, until a sentence cues a goal
            told = [m for m in self.years if l0 <= m.start() < s0]
            if (
                told
                and self.classify_year(told[-1]) == "past"
                and not TARGET_CUES.search(self.norm[s0:s1])
            ):
                return "past", _year_of(told[-1]), "far", told[-1].start()
            # "在民生服务方面,去年佛山财政民生支出…。居民人均可支配收入5.4万元": so does one
            # telling the year gone by name
            gone = list(_LAST_YEAR_OPENER.finditer(self.norm, l0, s0))
            if gone and not TARGET_CUES.search(self.norm[s0:s1]):
                last_year = self.ref_year - 1 if self.ref_year is not None else None
                return "past", last_year, "far", gone[-1].start()
            return "target", self.ref_year, "near", -1  # the report year's own task
        # a digest's points stand alone: an earlier point's year does not date a later one
        scopes = [] if self.is_digest else [sec.start for sec in self._sections(pos)] + [0]
        for lo in scopes:
            for m in reversed(self.years):
                if lo <= m.start() < l0 and self.classify_year(m) == "target":
                    return "target", _year_of(m), "far", m.start()
        return None, None, "", -1

    def marks_target(self, pos: int, s0: int) -> bool:
        """Whether the year mark at ``pos`` dates a goal in so many words, or stands in the
        sentence from ``s0``: in a review, "“十四五”时期，…。规模以上工业增加值年均增长8.1%"
        tells what the period achieved, "到2030年，…。…" sets what is to come."""
        if pos >= s0:
            return True
        return any(m.start() == pos and _marked_target(m) for m in self.years)

    def _is_vision(self, m: re.Match[str] | _PlanPeriodMark) -> bool:
        return "展望" in self.norm[max(0, m.start() - 4) : m.start()]

    def _resolve_relative(self, pos: int) -> int | None:
        for lo in [sec.start for sec in self._sections(pos)] + [0]:
            for m in reversed(self.years):
                if lo <= m.start() < pos and self.classify_year(m) == "target":
                    return _year_of(m)
        return self.ref_year

    def _sections(self, pos: int) -> list[Section]:
        inner = self.outline.innermost(pos)
        return list(inner.ancestors()) if inner is not None else []

    def in_goal_section(self, pos: int) -> bool:
        return any(s.is_goal for s in self._sections(pos)) or any(
            a <= pos < b for a, b in self.goal_blocks
        )

    def _goal_blocks(self) -> list[tuple[int, int]]:
        """Lines that introduce goals ("2025年的主要目标是：") and what follows them up to the
        next numbered heading: a goals section without a heading of its own."""
        starts = sorted(sec.start for sec in self.outline.sections)
        blocks = []
        results = [m.start() for m in _RESULTS_HEAD.finditer(self.norm)]
        for m in [*_GOAL_INTRO.finditer(self.norm), *_GOAL_HEAD.finditer(self.norm)]:
            end = next((x for x in sorted(starts + results) if x > m.end()), len(self.norm))
            # "…主要发展目标:\n1、…年均增长10%以上;\n2、…": the numbered items right after the
            # line are its goals, up to the first line that is not one
            items = _NUMBERED_ITEMS.match(self.norm, m.end())
            if items is not None and end <= items.end():
                end = items.end()
            blocks.append((m.end(), end))
        return blocks

    def _results_blocks(self) -> list[tuple[int, int]]:
        """A short bulleted heading of results ("■ 2024年成绩单") up to the next heading of goals
        ("■ 2025年经济社会发展的主要预期目标") or numbered heading: a page that digests a report
        lists last year's results and this year's goals under two such heads."""
        goal_ends = [m.start() for m in _GOAL_HEAD.finditer(self.norm)] + [
            m.start() for m in _GOAL_INTRO.finditer(self.norm)
        ]
        ends = sorted([sec.start for sec in self.outline.sections] + goal_ends)
        # a report's part title ("2018年工作回顾" alone on its line) reviews over the numbered
        # sections under it ("一、强化高位拼搏，…") up to the part that turns to the year's work
        part_ends = sorted(
            goal_ends
            + [
                sec.start
                for sec in self.outline.sections
                if sec.is_goal or _YEARS_WORK.search(sec.title)
            ]
            + [m.start() for m in _YEARS_WORK_LINE.finditer(self.norm)]
        )
        opening = "\n".join([ln for ln in self.norm.split("\n") if ln.strip()][:6])

        def end_of(m: re.Match[str]) -> int:
            line = self.norm[_bounds(self.norm, m.start(), frozenset("\n"))[0] : m.end()]
            part = re.fullmatch(r"\s*(?:19|20)\d{2}\s*年(?:工作)?回顾\s*", line)
            pool = part_ends if part else ends
            return next((x for x in pool if x > m.end()), len(self.norm))

        return [
            (m.end(), end_of(m))
            for m in _RESULTS_HEAD.finditer(self.norm)
            # a head among the opening lines with no goals after it makes a review page; further
            # down ("“十三五”时期的工作回顾" after a report's salutation) it opens the review
            if any(x > m.end() for x in ends) or m.group().strip() not in opening
        ]

    def _told_years(self) -> list[tuple[int, int]]:
        """Paragraphs that tell the year gone: from one opening on "一年来", "过去一年" up to the
        paragraph that sets a goal, names this year or a year to come, or heads a section (a
        report's review runs on over many paragraphs: "一年来，…。\n全市地区生产总值…增长5.2%")."""
        heads = {sec.start for sec in self.outline.sections}
        out: list[tuple[int, int]] = []
        pos, start = 0, -1
        for para in self.norm.split("\n"):
            end = pos + len(para)
            body = para.strip(" \t\u3000")
            if start < 0:
                if _YEAR_TOLD.match(body):
                    start = pos
            elif (
                pos in heads
                or _sets_a_goal(body)
                or re.search(r"今年|明年|年内", body)
                or any(
                    pos <= m.start() < end and self.classify_year(m) == "target" for m in self.years
                )
            ):
                out.append((start, pos))
                start = -1
            pos = end + 1
        if start >= 0:
            out.append((start, len(self.norm)))
        return out

    def in_baseline_section(self, pos: int) -> bool:
        return (
            any(s.is_baseline for s in self._sections(pos))
            or any(a <= pos < b for a, b in self.results_blocks)
            or any(a <= pos < b for a, b in self.told_years)
        )

    def action_number(self, pos: int) -> str | None:
        a = self.outline.action_at(pos)
        return a.number if a is not None else None


# a press conference's report that opens on what was done since a period began: "从…新闻发布会
# 获悉，“十四五”以来，…", "介绍…“十四五”时期…主要成就"
_PRESS = re.compile(r"发布会|新闻办")
_SINCE = re.compile(
    r"(?:十[一二三四五]五[”\"’]?|[一二两三四五六七八九十\d]{1,2}年)(?:以来|来)|主要成就|发展成就"
)


def _reports_a_review(norm: str) -> bool:
    """Whether the text's lead paragraph reports a press conference reviewing past results."""
    lead = next((p for p in re.split(r"\n\s*\n", norm) if len(p.strip()) > 60), "")[:300]
    return bool(_PRESS.search(lead) and _SINCE.search(lead))


def _inside(text: str, pos: int, opening: str, closing: str, reach: int) -> bool:
    """Whether ``pos`` lies inside a bracket pair that closes within ``reach`` characters."""
    o = text.rfind(opening, max(0, pos - reach), pos)
    if o < 0 or text.find(closing, o, pos) >= 0:
        return False
    c = text.find(closing, pos, pos + reach)
    return c >= 0


def _is_label(ctx: _Context, q: Quantity) -> bool:
    s = ctx.norm
    before = s[q.start - 1] if q.start > 0 else ""
    after = s[q.end] if q.end < len(s) else ""
    if q.kind == "scale" or before in "第+" or after in "+强":
        return True
    if before == "每" and q.kind in ("count", "bare"):
        return True  # "每千名老人有35张床位", "每万人": the denominator of a ratio
    if q.raw.endswith("大"):
        c0, c1 = _bounds(s, q.start, _CLAUSE_DELIMS)
        builds = "|".join(v for v in TARGET_VERBS if v != "推动")
        # (up to a verb that starts a goal of its own: "形成三大千亿级产业、打造3000亿元产值园区")
        rest = re.split(r"、(?=" + builds + r")", s[q.end : c1], maxsplit=1)[0]
        if re.search(r"\d", rest):
            return True  # "三大先导产业总规模达1.8万亿元": names the subject of the later number
        # "培育…四大产业集群" counts what is to be built; "全省十大新兴产业…" names a group
        # (not "推动九大重点产业链…": what is pushed is the group the count names)
        if not re.search(r"(?:" + builds + r")$|[、和及与]$", s[c0 : q.start]):
            return True
    if (
        q.chinese
        and q.value == 1
        and q.kind == "count"
        and q.value_max is None
        and not re.match(r"个?(?:万亿|千亿|百亿)", s[q.end : q.end + 4])
    ):
        # ("再造一个万亿级产业": one industry of that class, a count a reviewer checks off)
        # "建设一个…", "一家": an article, a qualitative goal; but "建设一个智能制造“海归小镇”"
        # names one place to build, a count a reviewer can check off
        return not _names_one_place(s, q)
    if _inside(s, q.start, "“", "”", 14) or _inside(s, q.start, "《", "》", 80):
        return True
    # "重点支持12大产业,实施7大专项行动,打造4大标志性工程,简称“1274”行动": the parts of a
    # programme the sentence goes on to name
    if q.kind == "count" and re.search(
        r"[,，;；]\s*(?:简称|统称)", s[q.end : _bounds(s, q.start, _SENTENCE_DELIMS)[1]]
    ):
        return True
    if _inside(s, q.start, '"', '"', 14) or _inside(s, q.start, "‘", "’", 14):
        return True
    # "按照“…抓好六个重点,强化五个落实”的总体要求": a long quoted slogan of the way of working
    if _inside(s, q.start, "“", "”", 60):
        close = s.find("”", q.start)
        if _SLOGAN_AFTER.match(s, close + 1):
            return True
    # "提升“五个层级”、建强“八个平台”、打响四个“芜湖品牌”": a count of a quoted name among
    # quoted counts is one more slogan of the series
    if after in '“"' and q.kind == "count":
        s0, s1 = _bounds(s, q.start, _SENTENCE_DELIMS)
        return len(_QUOTED_COUNT.findall(s[s0:s1])) >= 2
    return False


_SLOGAN_AFTER = re.compile(r"的?(?:总体|工作|发展)?(?:要求|思路|部署|战略|布局|路径|方针|总基调)")
_QUOTED_COUNT = re.compile(r"[“\"][一二两三四五六七八九十\d]+[个大项条]")


_PLACE = re.compile(
    r"(?:小镇|园区|产业园|基地|中心|示范区|集群|产业带|新城|谷|实验室|研究院)[”\"’]?$"
)
_SIZE_CLASS = re.compile(r"^(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)?(?:万亿|亿|万)元?级")
_ANNUAL = re.compile(r"年均|每年|年平均|逐年")
# a date after the number marks a news line ("增长12%，3月20日…", "(2023年1—9月)"); a
# deadline ("2025年6月底前") does not
_NEWS_DATE = re.compile(
    r"(?<![到至于])(?:\d{4}年)?\d{1,2}(?:[—–\-~～至]\d{1,2})?月(?:\d{1,2}日|份)?(?![底末]?[前内])"
    r"|日前|近日|获悉|据悉|据了解|记者从"
)
# "主要预期指标是:…中小企业增加值同比增长12.5%左右": year-on-year growth set as a goal
# "今年前三季度…增长11.8%", "1-8月": a part of the year already gone, told as results (a goal
# for it carries a cue: "力争上半年完成…")
_ELAPSED = re.compile(
    r"前[三3]季度|上半年|[一二三1-3]季度|前[\d一二三四五六七八九十]+个?月|"
    r"\d{1,2}\s*月?\s*[-—–~～至]\s*\d{1,2}\s*月"  # "1-5月", "1月至9月"
)
# a sentence that sets a goal: a cue word, or a year the goal is due by ("到2027年", "2025年底前")
_SETS_A_GOAL = re.compile(
    # (not the end of a span: "2020年至2024年期间")
    r"力争|争取|确保|目标|预期|计划|将|(?<!\d年)(?:到|至)\s*20\d\d\s*年|20\d\d\s*年(?:底|末)?前|"
    r"努力(?:形成|打造|建成|达到|培育)"  # "努力形成1个千亿级、10个百亿级…的企业梯队"
)


# (the ranks here are the words of _RANKED that tell a whole text's results; "居广东第三" counts
# only where a figure stands beside it, in find_targets)
_ACHIEVED = re.compile(
    rf"{_AWARD_WORDS}|刷新|纪录|居全[国省区市]|首位(?!度|产业)|稳居|位居|位列|跃居|大关|建成投用|"
    r"取得[^。，,]{0,6}(?:突破|成效|战果|成绩)|顺利完成|实现翻番"
)


def _sets_a_goal(text: str) -> bool:
    """Whether ``text`` sets a goal (``_SETS_A_GOAL``), cue words used in passing and short
    quoted names ("“两个目标”") aside; the bare search first, as most sentences set none."""
    return bool(
        _SETS_A_GOAL.search(text)
        and _SETS_A_GOAL.search(_cue_words(re.sub(r"“[^”]{1,10}”", "", text)))
    )


def _sentences_told_and_set(norm: str, ref_year: int | None = None) -> tuple[int, int]:
    """Whether the text mostly reports results: more than twice as many of its sentences tell
    a result as set a goal.

    A sentence that opens on a year before the text's own ("2024年，全市地区生产总值…", in a
    text of 2025) and gives a figure tells that year's result.
    """
    told = goals = 0
    for m in re.finditer(r"[^。！？!?\n]+", norm):
        sentence = m.group()
        opening = re.match(r"\s*(?:在|从)?((?:19|20)\d{2})\s*年(?!前|底前|末前)", sentence)
        # (not a quoted name: "依托“两个目标”…")
        if _sets_a_goal(sentence):
            goals += 1
        elif (
            (
                ref_year is not None
                and opening is not None
                and int(opening.group(1)) < ref_year
                and re.search(r"\d[\d.]*\s*(?:%|[万亿]|个|家|项)", sentence[opening.end() :])
            )
            or PAST_MARKERS.search(sentence)
            or _YEAR_ON_YEAR.search(sentence)
            or _ELAPSED.search(sentence)
            or _ACHIEVED.search(sentence)
            or _STATISTICS.search(sentence)
        ):
            told += 1
    return told, goals


# a section or line turning to the year's work: "二、2019年工作安排", "今年的主要任务"
_YEARS_WORK = re.compile(r"工作(?:安排|任务|计划|思路|打算|要点)|主要任务|总体要求|预期目标|今年")
_YEARS_WORK_LINE = re.compile(
    r"(?m)^[ \t\u3000]*(?:(?:19|20)\d{2}\s*年|今年)的?"
    r"(?:工作|主要任务|总体要求|工作安排)[^\n。]{0,10}$"
)
# a paragraph opening on the year gone: "一年来，…", "过去一年，…", "刚刚过去的一年，…"
_YEAR_TOLD = re.compile(r"(?:一年来|(?:刚刚)?过去(?:的)?一年)[，,]")
_LAST_YEAR_OPENER = re.compile(r"(?:刚刚)?过去(?:的)?一年|去年|上年(?!同期)")
# what each of the things just counted measures, and the verb that sets its class
_MEASURED_EACH = re.compile(
    r"^[^，,；;。]{0,10}?(?:营业收入|营收|销售收入|主营业务收入|产值|规模)[^，,；;。]{0,4}?"
    r"(?:突破|超过|超|达到|达|过)$"
)
# the floor after a number, or after the list of values it opens ("7.8亿吨、2470万吨…以上")
_FLOOR_AFTER = re.compile(r"(?:[、和及与]\s*[\d.]+\s*[^\d\s、，,；;。]{0,4}?)*(?:以上|以内)")
_STATISTICS = re.compile(r"初步核算|按可比价格计算")
_YEAR_OPENING = re.compile(r"^(?:今年|(?:19|20)\d{2}\s*年)")
# the part of "今年" that is gone ("今年前三季度", "今年以来"): its figures are results
_GONE_PART = re.compile(r"\s*(?:以来|(?:" + _ELAPSED.pattern + "))")
# a firm's project: its investment and what it yields once built ("…项目总投资5.2亿元，新建5条
# 生产线", "项目…建成达产后可实现年产值15亿元") are the firm's money and forecast, not a goal
# a clause opened by the date a goal is due: "到2025年,", "到“十五五”期末,"
_DUE_CLAUSE = re.compile(r"[，,；;]\s*到[^，,；;。]{1,10}?(?:年底|年末|年|期末|末)[，,]?")
_PROJECT = re.compile(r"项目[^。；;]*?(?:总投资|计划投资|投资额|(?:建成|达产|投产)后)")
# the things counted were awarded or selected: "…等4项工作获国务院督查激励", "5家企业入选"
_AWARDED = re.compile(rf"[^，,；;。]{{0,14}}?(?:{_AWARD_WORDS}|获得|获|被认定为)")
# (not "完成全年目标任务的35.4%": a progress report)
_GOAL_CUE = re.compile(r"预期|力争|确保|努力实现|目标(?:是|为)|推动[^，,；;。]{0,20}?同比")
_GOAL_BEFORE = re.compile(r"目标(?:是|为)?$")
# cue words used in passing, about results: "9项指标超出预期", "企业家信心预期指数", "完成全年
# 目标任务的35.4%", "较好完成了…主要目标任务"
_CUE_IN_PASSING = re.compile(
    r"(?:超出|符合|好于|高于|低于|超|不及)预期|预期指数|完成[^，,。；;！!？?\n]{0,20}(?:目标|计划)(?:任务)?|"
    # "增长6.8%,高于年初预期目标0.3个百分点": a result measured against the goal
    r"(?:超出|好于|高于|低于|超过|不及)(?:年初|全年|年度)?(?:预期|计划)?目标|"
    # "确保…稳中向好目标的实现，完成生产总值…": the goal's achievement, told
    r"[^，,。；;！!？?\n]{0,30}目标的(?:实现|完成)|"
    # "完成…投资27亿元，为年度计划的54.7%": progress toward the year's plan
    r"(?:为|占|完成)(?:年度|全年|年)?(?:投资)?(?:目标|计划)(?:任务)?的?\s*[\d.]+%|" + _GOAL_REACHED
)
# the figure's progress told after it: "…投资27亿元，为年度计划的54.7%"
_PROGRESS_AFTER = re.compile(
    r"(?:为|占|完成)(?:年度|全年|年)?(?:投资)?(?:目标|计划)(?:任务)?的?\s*[\d.]+%"
)


def _cue_words(sentence: str) -> str:
    """The sentence with cue words used in passing blanked, for the goal cues to read."""
    return _CUE_IN_PASSING.sub(lambda m: " " * len(m.group()), sentence)


# "2020—2024年，…": a span of years opening a sentence, the period its figures cover
_YEAR_SPAN = re.compile(
    r"(?:^|(?<=[,，;；:：]))\s*(?:自|从)?(20\d{2})\s*年?\s*[—–\-~～至到]\s*(20\d{2})\s*年\s*[,，]"
)
_FUTURE_VERB = re.compile(r"将|计划|要|争取")


def _past_span(ctx: _Context, sentence_left: str) -> bool:
    """Whether a clause of the sentence opens on a span of years that are over: it ends before
    the text's year, or the text has no plan period and names no target year ("2020—2024年，
    我国…分别年均增长7.9%和8.7%" in an undated review); a plan states its period."""
    m = _YEAR_SPAN.search(sentence_left.lstrip(" \n—-"))
    if m is None:
        return False
    end = int(m.group(2))
    if ctx.ref_year is not None:
        return end < ctx.ref_year
    return ctx.end_year is None and not ctx.explicit


def _names_one_place(s: str, q: Quantity) -> bool:
    """Whether "一个/一座" is followed by the name of one place or platform to build."""
    if q.unit not in ("个", "座"):
        return False
    _, c1 = _bounds(s, q.start, _CLAUSE_DELIMS)
    obj = s[q.end : c1].strip()
    return bool(obj) and ("“" in obj or '"' in obj) and bool(_PLACE.search(obj))


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


_YEAR_LIST = re.compile(
    r"(?:到|至)?((?:19|20)\d{2})年(?:底|末)?(?:(?:、|和|及|与|以及)(?:到|至)?(?:19|20)\d{2}年(?:底|末)?)+"
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


_SECTION_OBJECT = re.compile(
    r"^(?:重点|重大|专项|主要|具体|改革|支持|保障|攻坚)?(?:工程|行动|任务|举措|措施|政策|条措施|条政策|工作|条?意见)$"
)
# "意见…10项目标任务、9个工作重点": the goals and tasks a document holds, counted as its parts
_TEXT_CONTENTS = re.compile(
    r"^(?:目标任务|工作重点|重点工作|主要目标|具体目标|具体举措|举措|工作举措)$"
)
# "…的目标任务、产业布局和重点举措": the text's contents about the things counted
_CONTENTS_OF = re.compile(r"的(?:目标任务|主要任务|重点任务|发展路径|重点举措|主要举措|政策措施)")
_TEXT_PARTS = frozenset({"方面", "个方面", "点", "部分", "环节"})
# "从…六个方面提出", "抓好11个方面任务的落实": how the text is laid out
_PARTS_NAMED = re.compile(r"(?:个)?(?:方面|部分)的?(?:提出|明确|部署|作出|任务|工作|重点)")
# "实施眉县6万吨、千阳3万吨…等项目": the size of the projects a list names
_NAMED_PROJECTS = re.compile(r"等(?:一批)?(?:重点|重大)?项目(?:建设)?$")
_SECTION_VERBS = (
    "抓好",  # "将主要抓好运行、技改、项目、赋能四项工作"
    "做好",  # "今年重点做好11项工作"
    "落实",  # "全面落实省政府支持临沂商城高质量发展22条意见"
    "实施",
    "开展",
    "部署",
    "提出",
    "出台",
    "明确",
    "推出",
    "包括",
    "涵盖",
    "围绕",
    "推进",
)
_HEAD_NOUN = re.compile(r"(?:产能|产量|产值|规模|收入|投资|能力|总量|面积|利润|税收|增加值)+$")


def _borrowed_head(ctx: _Context, q: Quantity, clause_end: int) -> str:
    """The head noun a later conjunct shares: "1.5万吨废料回收、11万吨冶炼分离产能规模"."""
    m = _HEAD_NOUN.search(ctx.norm[q.end : clause_end])
    return m.group() if m else ""


# a paragraph opening on the years gone: "“十四五”以来", "党的十八大以来", "近年来", "过去五年"
_PERIOD_GONE = re.compile(
    r"(?:[“\"]?十[一二三四五]五[”\"’]?|(?:党的)?十[八九]大|近年|近[一二两三四五六七八九十\d]{1,2}年|"
    r"[一二两三四五六七八九十\d]{1,2}年|(?:19|20)\d{2}\s*年)(?:以)?来|"
    r"(?:过去|这)[一二两三四五六七八九十\d]{1,2}年|"
    # or on the state of things: "现状是西安GDP占全省37.5%…"
    r"现状(?:是|为)?"
)


def _paragraph_reports(ctx: _Context, pos: int, s0: int, s1: int) -> bool:
    """Whether the paragraph around ``pos`` reports statistics the sentence goes on telling.

    A paragraph opened on a part of the year gone ("一季度，…") or on preliminary statistics
    ("初步核算，…") reports them sentence after sentence, unless the sentence cues a goal; one
    opening on a comparison with last year ("全年…比上年下降0.7%。…分别上涨0.9%…") goes on
    reporting until a sentence cues a goal or dates one ("今年", "2025年"); one opening on the
    years gone ("“十四五”以来，…") until a sentence sets a goal or names a year."""
    s = ctx.norm
    sentence = _cue_words(s[s0:s1])
    l0 = s.rfind("\n", 0, pos) + 1
    opening = s[l0:pos].lstrip(" \t\u3000")
    if not TARGET_CUES.search(sentence) and (
        _STATISTICS.search(opening) or _ELAPSED.match(_YEAR_OPENING.sub("", opening, count=1))
    ):
        return True
    first_end = _bounds(s, l0, _SENTENCE_DELIMS)[1]
    if (
        _PERIOD_GONE.match(opening)
        and not _sets_a_goal(s[l0:s1])
        and not any(l0 <= m.start() < pos for m in ctx.years)
    ):
        return True  # "“十四五”以来，…。全省…年均增长7.5%": the years gone, told on
    return (
        s0 > l0
        and bool(_YEAR_ON_YEAR.search(s[l0:first_end]))
        and not TARGET_CUES.search(s[l0:s1])
        and not re.search(r"今年|明年|年内", s[first_end:pos])
        and not any(first_end <= m.start() < pos for m in ctx.years)
    )


# what a count is the subject of, later in its clause: a sum ("…和6个优势产业集群营收合计将达到
# 2.6万亿元"), a growth ("5个未来产业营业收入保持年均15%以上的增长"), or a system built around it
# ("由4个地标产业、6个优势产业…为核心的“465”现代产业体系")
_COUNT_AS_SUBJECT = re.compile(
    r"[^，,；;。]{1,30}?(?:合计|总计|共计|总量|总规模)[^，,；;。\d]{0,6}?[\d.]+|"
    r"[^，,；;。、\d]{1,20}?(?:增长|增速)?[^，,；;。、\d]{0,8}?[\d.]+\s*%|"
    r"[^，,；;。]{1,30}?为(?:核心|主体|支撑|重点)的|"
    # "材料加工、装备制造两个产业是国家…的重点发展方向": what the counted things are
    r"[^，,；;。\d]{1,8}?(?:是|属于|均为|都是)"
)


# a clause that speeds up works it names and counts: "加快…等5条高速公路和…等3座跨黄河大桥等项目
# 建设" (not "建成…等5个产业园", works to finish)
_NAMED_WORKS_UNDER_WAY = re.compile(
    r"^\s*(?:加快|推进|加快推进|推动|持续推进)[^，,；;。]*?等[一二两三四五六七八九十\d]+[条座个项所处]"
    r"[^，,；;。]*建设\s*$"
)


def _sizes_the_counted(s: str, counted: Quantity | None, q: Quantity, c0: int, right: str) -> bool:
    """Whether the amount ``q`` sizes the things a count just before it in its clause counts:
    "3个产业集群营业收入率先突破千亿级" (each cluster's revenue, a class), "15个投资超100亿元重大
    能化项目" (each project's investment) — not "四大主导产业产值达到2500亿元", a sum."""
    if (
        q.kind not in ("measure", "scale")
        or counted is None
        or counted.kind != "count"
        or counted.start < c0
    ):
        return False
    between = _compact(s[counted.end : q.start])
    if re.search(r"合计|总计|共计|总量|总规模", between):
        return False  # "…集群营收合计将达到2.6万亿元": a sum, not each one's size
    if re.fullmatch(r"投资(?:超过|超|达到|达)?", between) and _QUALIFIED_NOUN.match(right):
        return True
    return (
        counted.unit in ("个", "家", "户")
        and not s[counted.start : counted.end].endswith("大")
        and bool(_MEASURED_EACH.match(between))
    )


def find_targets(ctx: _Context) -> list[FoundTarget]:
    """The quantitative targets of the text in ``ctx``, in text order."""
    text, s = ctx.text, ctx.norm
    out: list[FoundTarget] = []
    prev_indicator: tuple[int, str] | None = None  # (sentence start, indicator)
    prev_comp: tuple[int, str] | None = None  # (clause start, words before the number)
    last_end = 0  # end of the previous target: a clause "A达到2.5%、B达到65%" holds two
    before: Quantity | None = None
    for q in scan_quantities(text):
        previous_end = last_end
        counted, before = before, q
        if _is_label(ctx, q) or ctx.in_baseline_section(q.start):
            continue
        c0, c1 = _bounds(s, q.start, _CLAUSE_DELIMS)
        if q.kind == "count" and _COUNT_AS_SUBJECT.match(s[q.end : c1]):
            continue  # "4个…集群和6个…集群营收合计达到2.6万亿元": the count names the subject
        if q.kind == "count" and _NAMED_WORKS_UNDER_WAY.search(s[c0:c1]):
            continue  # "加快西安至银川高铁和…等4条城际铁路建设": the works named, under way
        if re.match(r"\s*在", s[c0 : q.start]) and re.search(r"中\s*$", s[q.end : c1]):
            continue  # "在保税区重点打造的四条标志性产业链中": the set spoken of, not a goal
        if (
            q.kind == "measure"
            and counted is not None
            and counted.kind == "count"
            and not s[counted.end : q.start].strip()
        ):
            continue  # "39家百亿元收入企业": the amount classes the things just counted
        s0, s1 = _bounds(s, q.start, _SENTENCE_DELIMS)
        left = _compact(s[max(c0, previous_end) : q.start])
        right = _compact(s[q.end : c1])
        sentence_left = _compact(s[s0 : q.start])
        # "超100亿元的…", "投资50亿元以上的…项目": the number qualifies a noun
        qualifies = bool(_QUALIFIES_NOUN.match(right.lstrip()))
        if qualifies and _OF_THE_GOAL.match(right.lstrip()):
            qualifies = False  # "均增长5%左右的目标": the number is the goal's value
        if qualifies and re.match(r"\s*的新?台阶", right):
            qualifies = False  # "推动工业产值跃上3000亿元的新台阶": the level to reach
        if qualifies and re.search(
            r"(?:培育|打造|建设|发展)(?:成为|为|成)[^，,；;。\d]{0,6}$", left
        ):
            qualifies = False  # "把化工和建材分别培育为产值超70亿元的产业": what they are to become
        # "70%的规模以上制造业企业基本实现数字化网络化": a share of what follows, unless a later
        # count in the clause counts the things the share qualifies ("研发投入占比5%的企业100家")
        share = q.kind == "percent" and not any(x.kind == "count" for x in scan_quantities(right))
        if qualifies and not _APPROX_AFTER.match(right) and not share:
            continue  # "超100亿元的…": the number qualifies a noun
        if q.kind == "measure" and (
            _THRESHOLD_ON.match(right)
            or (re.search(r"(?:超|超过)$", left) and _SIZED_FIRMS.match(right))
        ):
            continue  # "实际利用省外2000万元以上项目资金": a threshold on the projects counted
        if q.kind == "bare":
            # "新增就业目标1200万": a goal word gives the magnitude its role, as a verb would
            if not (_COMPARATOR_VERB.search(left.rstrip()) or _GOAL_BEFORE.search(left.rstrip())):
                continue
            if q.unit is not None and _QUALIFIED_NOUN.match(right):
                continue  # "一批超千亿重点产业集群": the magnitude sizes the noun after it
            if (
                q.unit is None
                and right.strip()
                and not re.match(r"(?:以上|以下|以内|左右)\s*$", right)
            ):
                continue
        if re.match(r"占[^，,；;。]{0,4}(?:目标|任务|计划)", right):
            continue  # "投资218.3亿元占全年目标43.7%": progress toward a goal, not a goal
        # (also the first of a list of sizes: "推进珍酒新增3万吨、董酒新增4万吨产能项目建设")
        # ("化德50万千瓦/200万千瓦时独立储能项目": a power and an energy, one project's size)
        if q.kind == "measure" and re.match(
            r"(?:/[\d.]+[^\s，,；;。、/]{0,6})?(?:、[^，,；;。、]{1,12})*?[\u4e00-\u9fff]{1,8}?项目",
            right,
        ):
            continue  # "建成金煤化工10万吨草酸项目": the size of the project, not a goal
        if (
            q.kind == "measure"
            and (q.unit or "").endswith("元")
            and re.search(r"(?<!完成)(?<!计划)(?<!年度)(?<!资产)(?<!工业)(?<!技改)投资$", left)
            and re.match(r"的?[^，,；;。、]{0,30}?项目", right)
        ):
            continue  # "投资20亿元中石化催化剂云溪基地二期项目": the money of the project named
        if q.kind != "count" and _NAMED_PROJECTS.search(right):
            continue  # "实施眉县6万吨、千阳3万吨…等项目": the size of the projects named
        if q.kind == "count" and re.match(r"[“\"][\u4e00-\u9fff][”\"]", right):
            continue  # "努力实现七个“新”": one quoted character counted is a slogan's
        if q.unit in ("名", "位") and re.search(r"前$", left):
            continue  # "整车产能将进入世界前三名": a rank to reach, not things counted
        if q.unit == "个" and re.match(r"(?:月|工作日|小时|季度)", right):
            continue  # "3个月": a duration, not things counted
        if re.search(r"(?:目标|任务|计划)(?:任务)?的$", left.rstrip()) or re.search(
            r"(?:占|为|完成)[^，,；;。]{0,4}(?:目标|任务|计划)(?:任务)?的?$", left.rstrip()
        ):
            continue  # "完成全年目标任务的35.4%": progress toward a goal, not a goal
        if _PROGRESS_AFTER.search(re.split(r"[；;]", s[q.end : s1], maxsplit=1)[0]):
            continue  # "完成…投资27亿元，为年度计划的54.7%": the figure of that progress
        if re.search(r"超[^，,；;。]{0,12}目标$", _compact(s[c0 : q.start])):
            continue  # "超省下达320亿元目标21亿元": the margin over a goal, not a goal
        if re.match(r"[^，,；;。]{0,12}之一", right):
            continue  # "作为我国31个资源成长型城市之一": a class it belongs to
        if re.search(r"连续$", left):
            continue  # "连续5年保持增长": a streak, a fact about the past
        # (also "从“十三五”末的42%提升至60%": the end of a period named)
        if re.search(
            r"(?:由|从)(?:\d{4}年(?:底|末)?|[^，,；;。\d]{1,10}?(?:末|底))?的?$", left
        ) and re.match(rf"[^，,；;。]{{0,4}}?{_RISE_TO}", right):
            continue  # "由2020年的18.5万元/人提高到25万元/人": the level it rises from
        if "有望" in _compact(s[c0 : q.start]) and not _GOAL_CUE.search(_cue_words(s[s0:s1])):
            continue  # "今年…地区生产总值有望突破千亿元": a forecast of the year's result
        if (ctx.is_review or ctx.results_led) and re.search(
            rf"(?:由|从)\d{{4}}年(?:底|末)?的[\d.]+[^，,；;。]{{0,8}}?{_RISE_TO}\d{{4}}年(?:底|末)?的$",
            left,
        ):
            continue  # a review's "由2020年的3277亿元跃升至2024年的4663亿元": a change told
        if _COMPARED_WITH.search(left):
            continue  # "较“十三五”末的9323.1亿元增长33.6%": the base of the comparison
        means = _SUBSIDY.search(_REVENUE.sub("收入", left))
        if means and means.group() == "安排" and q.kind == "count":
            means = None  # "安排省级重点项目600个": projects planned, not money given
        if means or _MEANS_AFTER.match(right) or "基础上" in right:
            continue
        if q.kind != "count" and _qualifies_counted_noun(right, q.kind == "measure"):
            continue  # "新增年产值10亿元以上制造业企业100家": a threshold on the firms counted
        if re.search(r"(?:包括|涵盖|涉及)[^，,；;。]*等$", _compact(s[c0 : q.start])):
            continue  # "包括…等十四个专项": counts what a list includes, not a goal
        verb = _last_verb(_compact(s[c0 : q.start]))  # it governs every item of a coordination
        if verb in REFERENCE_VERBS:
            continue
        if (
            re.search(r"(?<![拥具没占含])有$", left.rstrip())
            and not re.search(
                r"每[^，,；;。]{1,8}有$",
                left.rstrip(),  # "每万名居民有2名…全科医生": a ratio
            )
            and not _sets_a_goal(s[s0:s1])
        ):
            continue  # "产值超10亿元的工业企业有151家": what there is, not a goal
        if q.kind == "count" and s[q.end : q.end + 1] in '“"' and _FOLLOWS.search(s[c0 : q.start]):
            continue  # "坚决落实党中央提出的五个“必须统筹好”": a slogan followed
        sentence = _cue_words(s[s0:s1])
        if not TARGET_CUES.search(sentence) and (
            _PAST_AFTER.search(right) or _RESULTS_STATED.search(sentence_left)
        ):
            continue
        # 同比 reports a result, and a news line after the number ends the plan, unless the
        # sentence sets goals ("主要预期指标是:…同比增长12.5%左右")
        # a goals section ("一、行动目标") sets goals: its 同比 figures are for the plan's year
        cued = bool(_GOAL_CUE.search(sentence)) or ctx.in_goal_section(q.start)
        # (in a sentence that sets goals, up to an ellipsis: "…目标为7.5%，…力争实现100万辆……2月
        # 17日，在全省…会议上" starts the news anew)
        news_tail = s[q.end : s1].split("……")[0] if cued else s[q.end : s1]
        if _NEWS_DATE.search(_compact(news_tail)):
            continue  # a news line: a date or a news phrase after the number
        compared = _YEAR_ON_YEAR.search(_compact(s[q.end : s1])) or _COMPARED_BEFORE.search(left)
        if compared and not cued:
            continue  # "完成工业投资500亿元，比上年增长12%": a figure compared with last year
        if re.search(r"项目[^。；;，,]{0,12}[，,、]\s*总投资$", sentence_left) and not cued:
            continue  # "实施重点项目168个，总投资670亿元": the projects' whole investment
        if (
            re.search(r"(?:公司|厂|集团)(?:将|拟|计划)(?:总)?投资(?:约|近|超)?$", left.rstrip())
            and not cued
        ):
            continue  # "该公司将投资3.5亿元", "二厂将投资二十七亿元": a firm's own money
        if re.search(r"(?:高达|仅有|仅为|仅|只有|不足)的?$", left.rstrip()) and not cued:
            continue  # "能源依赖度仍高达65%(西安仅15%)", "占比不足15%": how things stand
        if not cued and (
            re.search(r"完成率$", left.rstrip())
            or re.match(r"[，,]?\s*完成率", right)
            or re.search(r"(?:高于|低于)[^，,；;。]{0,12}?(?:平均水平|平均|同期)$", left.rstrip())
        ):
            continue  # "完成投资122.2亿元,完成率55.9%,低于全省平均水平13个百分点": progress
        if (
            re.search(r"(?:年产|[一二三]期)$", left)
            and re.match(r"[^\d，,；;。、]{0,16}?项目", right)
            and not cued
        ):
            continue  # "实施的年产8000套高低配电设备项目", "一期15GW项目即将投产": a project's name
        if re.search(r"达产达效[^，,；;。]{0,4}?可实现[^，,；;。]{0,8}?$", left) and not cued:
            continue  # "全部达产达效年可实现销售收入18亿元": what the projects will yield
        if re.match(r"的?差距", right.lstrip()):
            continue  # "距2025年350亿元目标仍有13.5%的差距": the way left to a goal
        # (not "年度计划投资118.1亿元": the year's planned investment in the projects is a goal)
        # (the clause a due date opens is not the projects': "…项目106个,总投资约2249.7亿元,到
        # “十五五”期末,将建成6000万吨以上煤炭…产业集群")
        if (
            _PROJECT.search(_DUE_CLAUSE.split(sentence_left)[-1])
            and not cued
            # ("年内计划完成投资400亿元", "计划完成固定资产投资53.3亿元": the year's completion)
            and not re.search(
                r"(?:(?:年度|全年|当年|年内)(?:计划)?(?:完成)?|计划完成)(?:建设|固定资产)?投资$",
                left.rstrip(),
            )
        ):
            continue
        if _past_span(ctx, sentence_left) and not (cued or _FUTURE_VERB.search(s[s0:s1])):
            continue  # "2020—2024年，…年均增长7.9%": a span of years that are over
        # "1—10月,…增长5.4%。其中,新能源汽车产量…增长46%": 其中 goes on with the sentence before
        period_left = sentence_left
        if s0 > 0 and s[s0 - 1] != "\n" and s[s0 : q.start].lstrip().startswith("其中"):
            period_left = _compact(s[_bounds(s, s0 - 1, _SENTENCE_DELIMS)[0] : q.start])
        if _ELAPSED.search(period_left) and not cued:
            continue  # "今年前三季度…增长11.8%": statistics of a part of the year gone
        if not cued and _paragraph_reports(ctx, q.start, s0, s1):
            continue  # "一季度，…同比增长2.6%。…蔬菜产量889.38万吨": statistics, told on
        if _sizes_the_counted(s, counted, q, c0, right):
            continue  # "3个产业集群营业收入突破千亿级": the class of the clusters counted
        # "设定了…均增长5%左右的目标": the 了 of setting the goal, whose value the number is
        goal_set = bool(_OF_THE_GOAL.match(right) or _GOAL_SET_BEFORE.search(s[s0:s1]))
        past_left = _SET_A_GOAL.sub("", sentence_left) if goal_set else sentence_left
        setting = list(_SET_A_GOAL.finditer(sentence_left)) if goal_set else []
        if setting:
            # "…召开动员大会，吹响了…号角，提出了…力争再翻一番…的目标": what the goal is set at
            # is the occasion; the goal starts after "提出了"
            past_left = sentence_left[setting[-1].end() :]
        # "去年印发的《…》明确，力争…": the document was issued in the past, not its goals met
        past_left = _DOCUMENT_SAYS.sub("", past_left)
        after_doc = past_left[past_left.rfind("》") + 1 :] if "》" in past_left else ""
        if cued and re.search(r"将|要|确保|力争", after_doc):
            # "目前我市还制定《…工作方案》，将通过…，确保上半年实现…": the document's issue is past,
            # the goal it sets is not
            past_left = past_left[past_left.rfind("》") + 1 :]
        # "去年…增长8.0%，今年…预期增长6.5%": the clause after 今年 speaks of this year
        # (and so does a cued clause after it: "…确定了“…”的主线,…,今年全县固定资产投资力争超过
        # 120亿元")
        now = [m for m in _THIS_YEAR_ON.finditer(past_left)]
        if now and (
            re.search(r"去年|上年", past_left[: now[-1].start()])
            or (cued and _GOAL_CUE.search(past_left[now[-1].end() :]))
        ):
            past_left = past_left[now[-1].end() :]
        # "“一年来，…不断积蓄……”23日，…透露，2024年，…预期目标增长4.5%": the goal's year, at the
        # head of its clause, ends the telling of the past before it; uncued, when it marks the
        # year a goal is due ("截至目前，…已培育…120家，到2027年将达到200家")
        due = [
            m
            for m in ctx.years
            if s0 <= m.start() < q.start
            and ctx.classify_year(m) == "target"
            and (cued or _marked_target(m))
            and (
                s[_bounds(s, m.start(), _CLAUSE_DELIMS)[0] : m.start()].strip(" \t\u3000") == ""
                # or right after a plan word: "…启动实施肉牛产业项目计划到2024年,争取…"
                or (
                    _marked_target(m)
                    and re.search(r"(?:计划|力争|争取|确保)\s*$", s[s0 : m.start()]) is not None
                )
            )
        ]
        if due:
            past_left = _compact(s[due[-1].start() : q.start])
        # "在“江西这十年”…发布会上表示，…力争…": a quoted name tells no past
        past_left = re.sub(r"“(?!十[一二三四五六]五”)[^”]{1,12}”", "", past_left)
        # "在现有万亿级机械产业基础上，再造一个…", "在加快推进现有优势产业发展的同时": what
        # exists is the base the goal builds on
        past_left = re.sub(
            r"在[^，,；;。]{0,6}(?:现有|已有)[^，,；;。]{0,20}(?:基础上|的同时)", "", past_left
        )
        if _is_past(past_left, ctx.ref_year, ctx.current_periods, cued) or (
            ("预计" in sentence_left or "据预测" in sentence_left)
            and not re.search(r"预计[，,]?\s*到\d{4}", sentence_left)
            and not _expected_later(sentence_left, ctx.ref_year)
            and not _EXPECTED_IN_GOALS.search(sentence_left)
        ):
            continue
        kind, year, level, anchor_pos = ctx.anchor(q.start)
        if kind == "past":
            continue
        written = kind == "target" and level == "near" and anchor_pos not in ctx.relative_starts
        if _RANKED.search(s[s0:s1]) and not (cued or _sets_a_goal(s[s0:s1])):
            continue  # "…稳居全国第一，…新能源装机总规模突破1亿千瓦": ranks won, told on
        if "通过" in s[c0 : q.start] and re.search(r"等(?:举措|措施|方式)", s[q.end : c1]):
            continue  # "通过推动…投产、新增风电装机4万千瓦等举措": the means taken
        if _AWARDED.match(right) and not cued and not written:
            continue  # "4项工作获国务院督查激励": an award received, a result
        if ctx.is_review and not (written and ctx.marks_target(anchor_pos, s0)):
            continue  # a review of results: only a written future year ("到2030年") makes a target
        # a text telling results: a number no goal word or goal year marks in its sentence (a
        # web page's line breaks aside) is one more result
        if (
            ctx.results_led
            and not (cued or _sets_a_goal(s[s0:s1]))
            and not (
                kind == "target"
                and anchor_pos >= 0
                and ctx.marks_target(anchor_pos, s0)
                # ("今年,两家企业实现工业产值3.18亿元,…比重已逐步显现": this year's result, told)
                and not (anchor_pos in ctx.relative_starts and PAST_MARKERS.search(sentence))
                and not re.search(r"[。！？!?]", s[anchor_pos : q.start])
                # (not the end of a span told: "2020年至2024年期间,…由31.3万亿元攀升至40.5万亿元")
                and not re.search(
                    r"\d{4}\s*年?\s*(?:至|到|—|－|-|~)\s*$",
                    s[s0 : anchor_pos + (s[anchor_pos] in "至到—－-~")],
                )
            )
        ):
            continue
        # a work report's own year, given to a sentence that names none, is no goal by itself:
        # "近2900名代表出席开幕式" needs a target verb or cue to be one
        default_year = ctx.is_work_report and anchor_pos == -1
        strong = (kind == "target" and level == "near" and not default_year) or ctx.in_goal_section(
            q.start
        )
        strong = strong or bool(TARGET_CUES.search(sentence))
        # in a text setting goals throughout, a target verb makes a goal with no year named, in a
        # sentence that tells no award or rank ("…增至26家，88家获批…")
        undated = kind is None and ctx.goals_led and not _ACHIEVED.search(sentence)
        task = (default_year or undated) and bool(_TASK_VERB.search(_compact(s[c0 : q.start])))
        # "煤炭、原油、天然气产量7.8亿吨、2470万吨、350亿方以上": a floor set in the report's year,
        # or in a year the text dates ("2026年…实施“拨投结合”项目5个以上", with no verb to reach it)
        floor = (default_year or kind == "target") and bool(
            _FLOOR_AFTER.fullmatch(right) or (q.kind == "count" and right.startswith("以上"))
        )
        weak = (kind == "target" or undated) and (verb in TARGET_VERBS or task or floor)
        if not (strong or weak):
            continue
        year = _due_year(ctx, q, s0, year, level, anchor_pos)
        # "1.5万吨废料回收、11万吨…": what precedes a conjunction belongs to the previous item
        # (and so does what precedes "、" and a verb: "三大千亿级产业、打造3000亿元产值园区")
        left = re.split(r"、(?=(?:" + "|".join(TARGET_VERBS) + r")\s*$)", left, maxsplit=1)[-1]
        indicator = "" if re.search(r"(?:、|和|及|与)\s*$", left) else _strip_indicator(left)
        bare_verb = not indicator or indicator in TARGET_VERBS or indicator in QUAL_VERBS
        obj = _object_after(ctx, q, c1) if q.kind == "count" or bare_verb else ""
        clause_left = _compact(s[c0 : q.start])
        bare_obj = re.sub(r"[（(][^）)]*[）)]", "", obj)
        if (
            bare_obj
            and _SECTION_OBJECT.match(bare_obj)
            and any(v in clause_left for v in _SECTION_VERBS)
        ):
            continue  # "实施…八大行动和27项工程": the plan counting its own parts
        if q.kind == "count" and _TEXT_CONTENTS.match(bare_obj):
            continue  # "10项目标任务、9个工作重点", "47条具体举措": what a document holds
        if re.search(r"提出|明确", clause_left) and _CONTENTS_OF.search(bare_obj):
            continue  # "提出…12个重点产业大力发展的目标任务": what the text sets out about them
        # "6个方面16项工程": the count of parts ends where the next number starts
        bare_obj = re.split(r"(?=[\d一二两三四五六七八九十]+[个项条大])", bare_obj, maxsplit=1)[0]
        if bare_obj in _TEXT_PARTS or _PARTS_NAMED.match(bare_obj):
            continue  # "重点发力三个方面", "从…六个方面提出": how the text is laid out
        if obj and q.kind == "count":
            # "新增近200家规上企业": a flow of new firms, not the stock of firms
            flow = indicator if indicator in ("新增", "累计", "累计新增") else ""
            indicator = flow + (obj if obj.endswith(("数量", "数")) else obj + "数量")
        elif obj:
            indicator = obj + ("" if _MEASURE_NOUN.search(obj) else _borrowed_head(ctx, q, c1))
        else:
            if prev_indicator and prev_indicator[0] == s0:
                if indicator.startswith("占"):
                    subject = prev_indicator[1].split("占")[0]
                    indicator = subject + indicator
                elif not indicator:
                    indicator = prev_indicator[1]
                elif (
                    BARE_GROWTH.fullmatch(indicator)
                    and last_end >= _bounds(s, c0 - 1, _CLAUSE_DELIMS)[0]
                    and not re.search(r"[、率重]", prev_indicator[1])
                ):
                    # "营业收入突破5万亿元，年均增长8%以上": the growth of the amount the clause
                    # before sets (not of a list, a rate or a share)
                    subject = BARE_GROWTH.sub("", prev_indicator[1])
                    indicator = subject + indicator
            if not indicator and c0 > s0:
                indicator = _subject_before(s[s0:c0])
            if indicator and q.kind == "count" and not _MEASURE_NOUN.search(indicator):
                indicator += "数量"
        indicator = _compact(indicator)
        if not indicator:
            continue
        # "分别超过70%和50%": the verb before the first item sets each item's comparator
        comp_left = left
        # "至少创建2个国家级…、5个自治区级…": a floor governs each item counted after it
        if (
            prev_comp is not None
            and prev_comp[0] == c0
            and (
                re.fullmatch(r"\s*(?:、|和|及|与|以及)\s*", left)
                or (
                    _AT_LEAST.search(prev_comp[1])
                    and re.fullmatch(r"[^，,；;。\d]{0,16}?(?:、|和|及|与|以及)\s*", left)
                )
            )
        ):
            comp_left = prev_comp[1]
        prev_comp = (c0, comp_left)
        prev_indicator = (s0, indicator)
        last_end = q.end
        out.extend(
            _target_at(ctx, q, subject, q.unit, year, comp_left, right, clause_left, (c0, c1))
            # (a doubling of two things doubles each: "地区生产总值和城乡居民收入…翻一番")
            for subject in (each_doubled(indicator) if q.unit == "倍" else each_subject(indicator))
        )
    named = [replace(t, indicator=n) for t, n in zip(out, respectively(out), strict=True)]
    return _with_headline(ctx, _without_echoed_results(ctx, named))


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


_NEXT_LINE = re.compile(r"\n[ \t\u3000]*([^\s][^\n]*)")  # the next line that is not blank


def _without_echoed_results(ctx: _Context, found: list[FoundTarget]) -> list[FoundTarget]:
    """Drop a subheading's figure that the paragraph under it tells as no goal.

    A news page heads a paragraph with its figures ("全市生产总值增长5.5%" over "2025年是…的一
    年，全市生产总值增长5.5%…"): the heading says what the paragraph says, and where the
    paragraph tells a result, so does the heading.
    """
    s = ctx.norm
    taken = {t.start for t in found}
    kept = []
    for t in found:
        a = s.rfind("\n", 0, t.start) + 1
        b = s.find("\n", t.start)
        b = len(s) if b < 0 else b
        nxt = _NEXT_LINE.search(s, b)
        if b - a > 40 or re.search(r"[。；;！？!?]", s[a:b]) or nxt is None:
            kept.append(t)
            continue
        n0 = nxt.start(1)
        same = [
            n0 + q.start
            for q in scan_quantities(nxt.group(1))
            if _clean_number(q.value) == t.value and q.unit == t.unit
        ]
        # (a headline, only where the paragraph plainly tells a result: a goal it sets but that
        # was not read stays a goal in the headline)
        if same and not any(x in taken for x in same) and (a > 0 or _tells(ctx, same[0])):
            continue
        kept.append(t)
    return kept


def _tells(ctx: _Context, pos: int) -> bool:
    """Whether the sentence of the figure at ``pos`` tells a result: no goal set, and a past
    marker, or a year before the text's own as the last year named before the figure."""
    s0, s1 = _bounds(ctx.norm, pos, _SENTENCE_DELIMS)
    sentence, left = ctx.norm[s0:s1], ctx.norm[s0:pos]
    if _sets_a_goal(sentence):
        return False
    years = re.findall(r"((?:19|20)\d{2})\s*年", left)
    return bool(
        (ctx.ref_year is not None and years and int(years[-1]) < ctx.ref_year)
        or PAST_MARKERS.search(sentence)
        or _YEAR_ON_YEAR.search(sentence)
    )


def _with_headline(ctx: _Context, found: list[FoundTarget]) -> list[FoundTarget]:
    """Add the headline's restatement of a target the body sets.

    A news headline ("内蒙古重点打造37个工业集中区") carries no year or cue of its own; it is a
    target when the body sets the same quantity (value and unit), and a reviewer sees both.
    """
    end = ctx.norm.find("\n")
    if end <= 0 or end > 60 or "。" in ctx.norm[:end]:
        return found
    taken = {t.start for t in found}
    added = []
    for q in scan_quantities(ctx.text[:end]):
        if q.start in taken or q.kind == "scale":
            continue
        head = ctx.norm[q.end : min(q.end + 2, end)]  # what the headline counts: "工业…"
        # (a headline ending on the number names it before: "2016年整车产销300万辆")
        heads = [head] if len(head) == 2 else []
        if not ctx.norm[q.end : end].strip():
            before = ctx.norm[max(0, q.start - 4) : q.start]
            heads = [before[i : i + 2] for i in range(len(before) - 1)]
        body = next(
            (
                t
                for t in found
                if t.start > end
                and t.value == _clean_number(q.value)
                and t.unit == q.unit
                and any(re.fullmatch(r"[\u4e00-\u9fff]{2}", h) and h in t.indicator for h in heads)
            ),
            None,
        )
        if body is not None:
            added.append(
                replace(body, quote=_clean_quote(ctx.text, 0, end), start=q.start, action=None)
            )
    return sorted(found + added, key=lambda t: t.start) if added else found


def _subject_before(earlier: str) -> str:
    """What the previous clause of the sentence measures, for a clause that names only the
    value: "2020年…比重为7.8%，2025年预计增加到10%" gives "…比重" to the 10%."""
    found = scan_quantities(earlier)
    return _strip_indicator(_compact(earlier[: found[-1].start])) if found else ""


def _expected_later(sentence_left: str, ref_year: int | None) -> bool:
    """ "2025年预计增加到10%" in a 2021 text: a plan's expected value for a year to come, not a
    forecast of the year under way ("预计2025年将达到1600亿元" in a 2025 review)."""
    m = re.search(r"(\d{4})\s*年\s*预计[^，,；;。]*$", sentence_left)
    return m is not None and ref_year is not None and int(m.group(1)) > ref_year


def _compact(s: str) -> str:
    """Drop white space that splits Chinese words in flattened web text ("最 高" -> "最高")."""
    return re.sub(r"(?<=[^\x00-\x7f])[ \t\u3000]+(?=[^\x00-\x7f])", "", s)


def _qualifies_counted_noun(right: str, amount: bool = False) -> bool:
    """Whether the text after a quantity is a noun that a later count in the clause counts.

    An amount may class the noun right after it with no 以上 between: "营业收入超千亿元集群达到
    8个" counts clusters of that size, as "百亿元龙头企业达到26个" counts firms."""
    rest = re.sub(r"^(?:以上|以下|及以上)", "", right)
    if rest == right and not (amount and _QUALIFIED_NOUN.match(right)):
        return False
    if not rest or not ("\u4e00" <= rest[0] <= "\u9fff") or rest[0] == "的":
        return False
    # (not a count that opens the next item: "新增1000公顷城市绿地和100个口袋公园" are two)
    # (but "千亿元园区、500亿元园区…分别达到3个、4个" go on classing what is counted)
    joint = re.search(r"(?:和|及|与|以及|、)(?=[\d一二两三四五六七八九十])", rest)
    if joint:
        following = scan_quantities(rest[joint.end() :])
        if following and following[0].start == 0 and following[0].kind == "count":
            rest = rest[: joint.start()]
    return any(q.kind == "count" for q in scan_quantities(rest))


def _surface(text: str, norm: str, phrase: str) -> str:
    """The phrase as written in the original text (full-width forms kept)."""
    i = norm.find(phrase)
    return text[i : i + len(phrase)] if i >= 0 else phrase


def _clean_number(x: float) -> float:
    return int(x) if float(x).is_integer() else x


def find_goals(ctx: _Context) -> list[FoundGoal]:
    """Qualitative goals: a verb and "一批/一个/若干 …" and its object ("培育一批…")."""
    s = ctx.norm
    out: list[FoundGoal] = []
    for m in _QUAL.finditer(s):
        if ctx.in_baseline_section(m.start()) or _inside(s, m.start(), "《", "》", 80):
            continue
        c0, c1 = _bounds(s, m.start(), _CLAUSE_DELIMS)
        verb = m.group("verb")
        pos = m.end()
        while True:
            nxt = _QUAL_NEXT.search(s, pos, c1)
            end = nxt.start() if nxt else c1
            obj = s[pos:end].strip()
            if obj:
                out.append(
                    FoundGoal(
                        verb,
                        ctx.text[pos : pos + len(obj)],
                        ctx.action_number(m.start()),
                        _clean_quote(ctx.text, c0, c1),
                        m.start(),
                    )
                )
            if nxt is None:
                break
            pos = nxt.end()
    return out


def make_context(
    text: str, outline: Outline, ref_year: int | None, end_year: int | None
) -> _Context:
    return _Context(text, outline, ref_year, end_year)


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
