"""Numbers that are no quantity of anything, and counts that class or size what they count.

Part of :mod:`gaodi.text.targets`: scale labels ("千亿级"), names ("500强", “三个一批”, 《…》),
quoted slogans and ordinals are labels; "超100亿元的企业" qualifies the noun a later count counts;
"3个产业集群营业收入率先突破千亿级" sizes each of the things counted; "从…六个方面提出" counts the
text's own parts, "…等5条高速公路…建设" the works a clause names, and "4个地标产业…为核心的"
what a later figure is about.
"""

from __future__ import annotations

import re

from gaodi.text.numerals import Quantity, scan_quantities
from gaodi.text.target_context import _Context
from gaodi.text.target_cues import _CLAUSE_DELIMS, _QUALIFIED_NOUN, _SENTENCE_DELIMS, TARGET_VERBS
from gaodi.text.target_spans import _bounds, _compact, _inside


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
# what each of the things just counted measures, and the verb that sets its class
_MEASURED_EACH = re.compile(
    r"^[^，,；;。]{0,10}?(?:营业收入|营收|销售收入|主营业务收入|产值|规模)[^，,；;。]{0,4}?"
    r"(?:突破|超过|超|达到|达|过)$"
)


def _names_one_place(s: str, q: Quantity) -> bool:
    """Whether "一个/一座" is followed by the name of one place or platform to build."""
    if q.unit not in ("个", "座"):
        return False
    _, c1 = _bounds(s, q.start, _CLAUSE_DELIMS)
    obj = s[q.end : c1].strip()
    return bool(obj) and ("“" in obj or '"' in obj) and bool(_PLACE.search(obj))


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
