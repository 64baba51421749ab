"""The numbered structure of a plan text: headings, sections, actions, title and period.

Chinese official documents number their levels in the order set by GB/T 9704-2012
(党政机关公文格式) §7.3.3: "一、", "（一）", "1.", "（1）". Plans add chapters ("第一章",
"第一节"), bare numbers on a line of their own ("1 实施智能制造赋能行动", as in the Changsha
press release), "1、" and "第一，". A heading is accepted only where a sequence starts (its
number is 1) or continues (its number follows its sibling's), so a stray "三、" in running text
is not a heading. Nesting follows the canonical rank of each style, not the order in which the
styles appear; a higher-ranked heading closes every open lower-ranked section.

Which headings are *actions*: walking down from the top, sections whose title marks a
non-action part (总体要求, 发展目标, 保障措施, 发展基础 …) are skipped with everything under
them; containers (第X章, 重点任务, 主要任务 …) are entered; the first other heading met on each
path is an action and everything under it is its text. When the top level holds several
independent sequences (a news article with the plan's actions and then an interview's
"一、…六、"), only the sequence whose titles name actions (行动, 工程, 任务 …) is used.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from gaodi.text.numerals import chinese_to_number

_CN = "一二三四五六七八九十"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# (style, rank, pattern); the label is group 1, the rest of the line follows the match.
_STYLES: tuple[tuple[str, float, re.Pattern[str]], ...] = (
    ("chapter", 0, re.compile(rf"第([{_CN}百]+)(?:章|篇|部分)[\s:：]*")),
    ("section", 1, re.compile(rf"第([{_CN}百]+)节[\s:：]*")),
    ("cn_dun", 2, re.compile(rf"([{_CN}]+)[、.．]\s*")),
    ("cn_paren", 3, re.compile(rf"[（(]([{_CN}]+)[）)]\s*")),
    ("cn_ordinal", 3.5, re.compile(rf"第([{_CN}]+)[，,、：:]\s*")),
    ("ar_dot", 4, re.compile(r"(\d{1,2})(?:[.．](?!\d)|、)\s*")),
    ("ar_space", 4, re.compile(r"(\d{1,2})[ \t\u3000]+(?=[^\d\s])")),
    ("ar_paren", 5, re.compile(r"[（(](\d{1,2})[）)]\s*")),
    ("circled", 6, re.compile(rf"([{_CIRCLED}])\s*")),
)
# styles that may start in mid-line after "。" and white space (flattened web pages)
_INLINE_STYLES = {"cn_dun", "cn_paren", "ar_dot", "ar_paren"}

NON_ACTION = re.compile(
    r"总体要求|指导思想|基本原则|工作原则|发展目标|主要目标|总体目标|工作目标|目标任务|具体目标|行动目标|"
    r"预期目标|发展定位|总体思路|战略定位|保障措施|保障机制|组织实施|组织保障|组织领导|加强领导|"
    r"政策措施|支持政策|发展基础|发展现状|发展形势|发展成就|面临形势|形势分析|现实基础|重要意义|"
    r"基本情况|适用范围|附则|编制依据|规划背景|发展环境|机遇与挑战|时间安排|实施步骤|进度安排|"
    r"工作流程|目标路径|取得成效|主要成就|工作回顾|执行情况|监测评估|考核评估|"
    # "一、2025年工作总结" / "二、2026年工作计划": a year's report in two parts
    r"工作总结|工作计划|工作思路|工作打算"
)
GOAL_SECTION = re.compile(r"目标|工作(?:计划|思路|打算)")
BASELINE_SECTION = re.compile(
    r"发展基础|发展现状|发展形势|发展成就|基本情况|现实基础|取得成效|主要成就|发展环境|工作回顾|"
    r"执行情况|面临形势|形势分析|工作总结"
)
CONTAINER = re.compile(
    r"^(?:重点任务|主要任务|重点工作|主要举措|重点举措|重点行动|重点工程|主要内容|工作任务|任务措施|"
    r"主要措施|具体措施|重点领域|重点方向|主要工作|重点项目|行动内容|任务举措)$"
)
ACTIONISH = re.compile(r"行动|工程|任务|计划|专项|举措|攻坚")

_PLAN_SUFFIX = (
    r"(?:行动计划|行动方案|实施方案|工作方案|实施意见|指导意见|意见|规划|计划|方案|纲要|办法|措施)"
)
_PERIOD = r"(?:[（(]\s*\d{4}\s*[—–\-~～至到]+\s*\d{4}\s*年?\s*[）)])"
# a title may end in the number of its part: "…重点工作分工方案(一)"
_PART = r"(?:[（(][一二三四五六七八九十上下]{1,2}[）)])"
_TITLE_LINE = re.compile(rf"^[^。；;，,:：]{{4,80}}{_PLAN_SUFFIX}{_PERIOD}?{_PART}?$")
_QUOTED_TITLE = re.compile(rf"《([^《》]{{4,80}}?{_PLAN_SUFFIX}{_PERIOD}?)》")
_PERIOD_RE = re.compile(r"[（(]\s*(\d{4})\s*年?\s*[—–\-~～至到]+\s*(\d{4})\s*年?\s*[）)]")
_FIVE_YEAR = {
    "十四五": (2021, 2025),
    "十五五": (2026, 2030),
    "十三五": (2016, 2020),
    "十二五": (2011, 2015),
    "十一五": (2006, 2010),
}
_DATE_LINE = re.compile(r"^[（(]?\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*[）)]?$")


# Lines where the text around a plan takes over in a news page: a section of the article
# ("记者观察", "一把手访谈", "相关阅读"), a new dateline ("长沙晚报掌上长沙2月21日讯"), the page's
# footer ("责任编辑", ">>我要举报"). No heading runs past one of them.
_NEWS_BOUNDARY = re.compile(
    r"^\s*(?:>>)?\s*(?:记者观察|记者手记|记者点评|编者按|编后语|一把手访谈|[^。，,；;]{0,10}访谈|专访|"
    r"相关阅读|相关新闻|延伸阅读|新闻链接|背景链接|链接[:：]?|责任编辑|编辑[:：]|来源[:：]|我要举报)"
)
_DATELINE = re.compile(r"^\s*[^。，,；;]{2,20}\d{1,2}月\d{1,2}日讯")


def news_boundaries(text: str) -> list[int]:
    """Start offsets of the lines where a news page leaves the plan for its own text."""
    out, pos = [], 0
    for line in text.split("\n"):
        dateline = _DATELINE.match(line) is not None  # opens a long paragraph
        if dateline or (_NEWS_BOUNDARY.match(line) and len(line.strip()) <= 40):
            out.append(pos)
        pos += len(line) + 1
    return out


@dataclass
class Section:
    """One numbered heading and the text it governs, ``[start, end)`` in the text."""

    style: str
    rank: float
    ordinal: int
    label: str
    title: str
    start: int
    body_start: int
    end: int = -1
    parent: Section | None = field(default=None, repr=False)
    children: list[Section] = field(default_factory=list, repr=False)
    number: str | None = None  # set when the section is an action

    @property
    def is_goal(self) -> bool:
        return bool(GOAL_SECTION.search(self.title)) and bool(NON_ACTION.search(self.title))

    @property
    def is_baseline(self) -> bool:
        return bool(BASELINE_SECTION.search(self.title))

    def ancestors(self) -> Iterator[Section]:
        node: Section | None = self
        while node is not None:
            yield node
            node = node.parent


@dataclass
class Outline:
    """All headings of a text as a tree, and the subset that are actions."""

    text: str
    roots: list[Section]
    sections: list[Section]
    actions: list[Section]

    def innermost(self, pos: int) -> Section | None:
        """The deepest section whose span holds ``pos``."""
        best: Section | None = None
        for s in self.sections:
            if s.start <= pos < s.end and (best is None or s.start >= best.start):
                best = s
        return best

    def action_at(self, pos: int) -> Section | None:
        for a in self.actions:
            if a.start <= pos < a.end:
                return a
        return None


def _ordinal(label: str) -> int:
    if label.isdigit():
        return int(label)
    if label in _CIRCLED:
        return _CIRCLED.index(label) + 1
    return int(chinese_to_number(label))


def _heading_title(text: str, pos: int, line_end: int) -> tuple[str, int]:
    """Title of a heading whose label ends at ``pos``, and where its body starts."""
    rest = text[pos:line_end]
    stop = rest.find("。")
    if 0 < stop <= 60:
        return rest[:stop].strip(), pos + stop + 1
    stripped = rest.strip()
    if len(stripped) <= 60:
        return stripped.rstrip("：:；;，,"), line_end
    cut = re.search(r"[：:；;，,]", rest)
    if cut and 0 < cut.start() <= 60:
        return rest[: cut.start()].strip(), pos + cut.start() + 1
    return rest[:60].strip(), pos + 60


def _candidates(text: str) -> Iterator[tuple[int, str, float, str, int]]:
    """(start, style, rank, label, label_end) for every place a heading could begin."""
    pos = 0
    for line in text.split("\n"):
        stripped = len(line) - len(line.lstrip(" \t\u3000"))
        starts = [(pos + stripped, False)]
        for m in re.finditer(r"。[ \t\u3000]+", line):
            starts.append((pos + m.end(), True))
        for start, inline in starts:
            for style, rank, pattern in _STYLES:
                if inline and style not in _INLINE_STYLES:
                    continue
                hm = pattern.match(text, start)
                if hm is None or hm.end() >= pos + len(line):
                    continue  # a label with no title on its line
                if style == "ar_space":
                    body = text[hm.end() : pos + len(line)]
                    if len(body) > 40 or re.search(r"[。；;，,]", body):
                        continue
                yield start, style, rank, hm.group(1), hm.end()
                break
        pos += len(line) + 1


def parse_outline(text: str) -> Outline:
    """Headings of ``text`` as a tree, and which of them are the plan's actions.

    >>> o = parse_outline("一、总体要求\\n（一）发展目标。到2025年……\\n二、重点任务\\n"
    ...                   "（一）强链行动\\n1.打造集群。\\n（二）强基行动\\n")
    >>> [(a.number, a.title) for a in o.actions]
    [('1', '强链行动'), ('2', '强基行动')]
    """
    stack: list[Section] = []
    roots: list[Section] = []
    sections: list[Section] = []
    line_ends = [m.start() for m in re.finditer("\n", text)] + [len(text)]

    def line_end(p: int) -> int:
        for e in line_ends:
            if e >= p:
                return e
        return len(text)

    for start, style, rank, label, label_end in _candidates(text):
        try:
            n = _ordinal(label)
        except Exception:
            continue
        sibling = next((s for s in stack if s.rank == rank), None)
        title, body_start = _heading_title(text, label_end, line_end(label_end))
        # an excerpt may open mid-way through the numbering: "二、主要目标" with no "一、" before it
        # still heads the goals it lists (not any "三、…" a page happens to start with)
        excerpt_goals = (
            not any(x.style == style for x in sections)
            and bool(GOAL_SECTION.search(title))
            and bool(NON_ACTION.search(title))
        )
        if (
            n != 1
            and not (sibling is not None and sibling.style == style and sibling.ordinal == n - 1)
            and not excerpt_goals
        ):
            continue
        if not title.strip(" \t\u3000：:；;，,。"):
            continue  # "第一，，": a label with nothing to name is no heading
        while stack and stack[-1].rank >= rank:
            stack.pop().end = start
        node = Section(
            style, rank, n, label, title, start, body_start, parent=stack[-1] if stack else None
        )
        (stack[-1].children if stack else roots).append(node)
        sections.append(node)
        stack.append(node)
    for s in stack:
        s.end = len(text)
    for s in sections:
        if s.end < 0:
            s.end = len(text)
    boundaries = news_boundaries(text)
    for s in sections:
        s.end = min([b for b in boundaries if b > s.start] + [s.end])
    actions = _select_actions(_main_sequence(roots))
    _number_actions(actions)
    return Outline(text, roots, sections, actions)


def _sequences(nodes: list[Section]) -> list[list[Section]]:
    seqs: list[list[Section]] = []
    for node in nodes:
        if node.ordinal == 1 or not seqs or seqs[-1][-1].style != node.style:
            seqs.append([node])
        else:
            seqs[-1].append(node)
    return seqs


def _main_sequence(roots: list[Section]) -> list[Section]:
    seqs = _sequences(roots)
    if len(seqs) <= 1:
        return roots
    return max(seqs, key=lambda q: (sum(bool(ACTIONISH.search(s.title)) for s in q), len(q)))


def _select_actions(nodes: list[Section]) -> list[Section]:
    out: list[Section] = []
    for node in nodes:
        if NON_ACTION.search(node.title):
            continue
        if node.style == "chapter" or CONTAINER.match(node.title):
            out.extend(_select_actions(node.children))
        else:
            out.append(node)
    return out


def _number_actions(actions: list[Section]) -> None:
    plain = [str(a.ordinal) for a in actions]
    clash = len(set(plain)) < len(plain)
    for a in actions:
        if clash and a.parent is not None:
            a.number = f"{a.parent.ordinal}.{a.ordinal}"
        else:
            a.number = str(a.ordinal)


def find_title(text: str) -> str | None:
    """The plan's title: a line of its own that names a plan, else the first 《…》 that does.

    A title split over two lines ("关于加快……战略性" / "新兴产业……实施意见") is joined.

    >>> find_title("权威解读丨长沙怎么干\\n发布《长沙市制造业三年行动计划(2021—2023年)》。")
    '长沙市制造业三年行动计划(2021—2023年)'
    """
    lines = [ln.strip() for ln in text.split("\n")]
    for i, line in enumerate(lines):
        if not line or not _TITLE_LINE.match(line) or line.startswith("《"):
            continue
        if any(p.match(line) for _, _, p in _STYLES):
            continue
        prev = lines[i - 1] if i > 0 else ""
        if (
            prev.startswith("关于")
            and not line.startswith("关于")
            and not re.search(r"[。，,；;：:《》]|(?:通知|函|批复)$", prev)
        ):
            return prev + line
        return line
    m = _QUOTED_TITLE.search(text)
    return m.group(1) if m else None


def plan_period(title: str | None) -> tuple[int, int] | None:
    """The plan period named in a title: "(2021—2023年)" -> (2021, 2023); "十四五" -> (2021, 2025).

    >>> plan_period("长沙市打造国家重要先进制造业高地三年行动计划(2021—2023年)")
    (2021, 2023)
    """
    if not title:
        return None
    m = _PERIOD_RE.search(title)
    if m:
        return int(m.group(1)), int(m.group(2))
    # "第十四个五年规划和2035年远景目标纲要": the vision's year is not the plan's period
    plain = re.sub(r"\d{4}\s*年远景", "", title)
    m = re.search(r"(\d{4})年", plain)
    if m:
        return int(m.group(1)), int(m.group(1))
    for key, period in _FIVE_YEAR.items():
        if key in plain or _FIVE_YEAR_LONG[key] in plain:
            return period
    return None


_FIVE_YEAR_LONG = {
    "十一五": "第十一个五年",
    "十二五": "第十二个五年",
    "十三五": "第十三个五年",
    "十四五": "第十四个五年",
    "十五五": "第十五个五年",
}


_PUBLISHED = re.compile(
    r"(?<!\d)(20\d{2})-(\d{1,2})-(\d{1,2})(?:\s+\d{1,2}:\d{2})?(?!\d)"
    # "2017年07月10日 11:22:44": the same stamp written in Chinese, a clock time after it
    # ("2012年01月18日 17時11分", "…17时11分": the clock time in words)
    r"|(?<!\d)(20\d{2})年(\d{1,2})月(\d{1,2})日\s*(?:\d{1,2}:\d{2}|星期[一二三四五六日天]|\d{1,2}[时時]\d{1,2}分)"
)


def document_year(text: str) -> int | None:
    r"""The year of the first line that holds only a date ("2023年10月24日", "(2024年1月1日)"),
    else of a web page's publication stamp near its top ("2020-03-17 16:00:23").

    >>> document_year("新疆兵團將建設50個重點項目\n門戶網站 2012年01月18日 17時11分")
    2012
    """
    lines = text.split("\n")
    for line in lines:
        m = _DATE_LINE.match(line.strip())
        if m:
            return int(m.group(1))
    for line in [ln for ln in lines if ln.strip()][:12]:  # the page's head, blank lines aside
        m = _PUBLISHED.search(line)
        if m:
            return int(m.group(1) or m.group(4))
    return None


# "一、2024年工作回顾", "2022 年政府工作回顾": an annual report reviews the year before its own
_REVIEWED_YEAR = re.compile(r"((?:19|20)\d{2})\s*年[^。，,；;]{0,8}?(?:工作)?(?:回顾|总结)")


def reviewed_year(text: str) -> int | None:
    r"""The year after the one a short heading near the top reviews: an annual report
    ("一、2024年工作回顾") is written in the year it sets tasks for.

    >>> reviewed_year("政府工作报告要点\n一、2024年工作回顾\n国内生产总值增长5%")
    2025
    >>> reviewed_year("市长作报告\n过去的2019年,是全市极不平凡的一年。")
    2020
    """
    for line in [ln.strip() for ln in text.split("\n") if ln.strip()][:12]:
        m = _REVIEWED_YEAR.search(line)
        if m and len(line) <= 40:
            return int(m.group(1)) + 1
        # "会议的主要任务是，回顾总结2014年工业发展情况，全面安排部署2015年工业发展工作"
        m = _REVIEW_OF_YEAR.search(line)
        if m:
            return int(next(g for g in m.groups() if g)) + 1
    return None


_REVIEW_OF_YEAR = re.compile(
    r"(?:回顾总结|回顾|总结)\s*((?:19|20)\d{2})\s*年|"
    # "过去的2019年，是全市…极不平凡的一年": the year just gone, told from the next
    r"(?:刚刚)?过去的\s*((?:19|20)\d{2})\s*年[，,]?\s*是|"
    # "商务部公布2024年国家级经开区综合发展水平考核评价结果": a year is assessed once it is over
    r"公布(?:了)?\s*((?:19|20)\d{2})\s*年度?[^。\n]{0,30}?(?:考核|评价)(?:评价)?结果"
)


# "第06版:2022阜阳两会": a page of a paper's coverage of that year's sessions
_SESSIONS_OF_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?[\u4e00-\u9fff]{0,8}两会")


def sessions_year(text: str) -> int | None:
    r"""The year of the 两会 (the people's congress and CPPCC sessions) a text's head names: a
    report read there sets the goals of that year. So does a year's own work meeting the head
    reports from ("记者从2023年…工作会议上获悉", "在近日召开的2016年工作会议上").

    >>> sessions_year("第06版:2022阜阳两会\n《政府工作报告》解读\n今年…")
    2022
    >>> sessions_year("某市新闻\n…\n…\n…\n2019两会") is None
    True
    >>> sessions_year("某省工业新闻\n近日,记者从2023年全区经济和信息化工作会议上获悉,…")
    2023
    >>> sessions_year("日前从某产业园区(以下简称“两区”)2012年工作会议获悉,2011年,…")
    2012
    """
    for line in [ln.strip() for ln in text.split("\n") if ln.strip()][:3]:
        m = _SESSIONS_OF_YEAR.search(line)
        if m and len(line) <= 40:
            return int(m.group(1))
        # "记者从2023年西藏自治区经济和信息化工作会议上获悉": news from that year's meeting
        m = _MEETING_OF_YEAR.search(line)
        if m:
            return int(m.group(1) or m.group(2))
    return None


_MEETING_OF_YEAR = re.compile(
    # (the body's name may come first: "从某产业园区(以下简称“两区”)2012年工作会议获悉")
    r"从[^。，,；;\d]{0,40}?((?:19|20)\d{2})\s*年[^。，,；;\d]{0,30}?(?:工作会议|会议|大会)上?(?:获悉|了解到)"
    # "在近日召开的2016年工作会议上": the year's own meeting, just held
    r"|(?:近日|日前|昨天|今天)召开的\s*((?:19|20)\d{2})\s*年[^。，,；;\d]{0,20}?(?:工作会议|工作大会)"
)


# "2025年主要预期目标是…": an annual text sets the goals of its own year
_ANNUAL_GOALS = re.compile(
    r"((?:19|20)\d{2})\s*年[^，,。；;：:\n]{0,12}?预期目标"
    # a heading of this year's work: "二、2022年的工作安排", "2025年重点工作"
    r"|(?m:^[ \t\u3000]*(?:[一二三四五六七八九十]+、)?[ \t\u3000]*((?:19|20)\d{2})\s*年的?"
    r"(?:工作安排|重点工作|工作任务|主要任务)[ \t\u3000]*$)"
    # a title naming a body's plan for the year: "某市工业和信息化局2026年工作要点"
    r"|\A\s*[^\n]{0,30}?((?:19|20)\d{2})\s*年(?:度)?(?:工作要点|工作计划)[ \t\u3000]*(?:\n|\Z)"
)
# a first line that opens a year's work: the notice issuing its work points ("《数智某省建设2026年
# 工作要点》已经省领导同意,现印发给你们"), or a lead saying what the year will bring ("2025年重庆在…
# 等方面将呈现以下变化:")
_WORK_POINTS_NOTICE = re.compile(
    r"\s*《[^》\n]{0,30}?((?:19|20)\d{2})\s*年度?(?:工作要点|工作计划)》[^\n]{0,20}?印发"
)
_YEAR_LEAD = re.compile(r"\s*((?:19|20)\d{2})\s*年[^\n。]{0,40}?将[^\n。]{0,30}[:：][ \t\u3000]*$")


def years_work_opened(first_line: str) -> int | None:
    """The year whose work a text's first line opens, as a notice of work points or a lead.

    >>> years_work_opened("《某市2026年工作要点》已经市政府同意,现印发给你们")
    2026
    >>> years_work_opened("2025年某市在经济发展等方面将呈现以下变化:")
    2025
    >>> years_work_opened("2025年某市经济运行平稳。") is None
    True
    """
    for pattern in (_WORK_POINTS_NOTICE, _YEAR_LEAD):
        m = pattern.match(first_line)
        if m:
            return int(m.group(1))
    return None


def annual_goal_year(text: str) -> int | None:
    r"""The year an annual text states its 预期目标 for, the first time it does.

    >>> annual_goal_year("会议指出…\n2025年主要预期目标是规模以上工业增加值增长5%左右")
    2025
    >>> annual_goal_year("二、2022年的工作安排\n今年是…")
    2022
    >>> annual_goal_year("某市工业和信息化局2026年工作要点\n2026年是…")
    2026
    >>> annual_goal_year("《某市2026年工作要点》已经市政府同意,现印发给你们")
    2026
    >>> annual_goal_year("2025年某市在经济发展等方面将呈现以下变化:\n一、经济")
    2025
    """
    opened = years_work_opened(next((ln for ln in text.split("\n") if ln.strip()), ""))
    if opened is not None:
        return opened
    m = _ANNUAL_GOALS.search(text)
    return int(next(g for g in m.groups() if g)) if m else None


# "2025年广州市政府工作报告…", "在2025年的某市政府工作报告中": the report of that year
# "2025年省《政府工作报告》": the report's name may stand in book-title or quotation marks
_REPORT_OF_YEAR = re.compile(r"(\d{4})\s*年(?:的)?[\u4e00-\u9fff]{0,10}[《“\"]?政府工作报告")


def report_year(text: str) -> int | None:
    r"""The year of the government work report a text is about, when its opening names it.

    A work report sets the tasks of its own year ("2025年政府工作报告" is read in early 2025).

    >>> report_year("2025年广州市政府工作报告详细规划了城市发展的新方向")
    2025
    >>> report_year("会议指出…\n国务院关于2024年政府工作报告的解读") is None
    True
    """
    m = _REPORT_OF_YEAR.search(text[:200]) or _REPORT_SAYS_YEAR.search(text[:200])
    if not m or "\n" in text[: m.start()].strip():
        return _reviewed_and_set(text[:300])
    return int(m.group(1))


def _reviewed_and_set(opening: str) -> int | None:
    r"""A report's news that names last year and this one in its opening ("报告提出,2020年…增长
    3.7%,2021年…增长6%以上") is of the later year.

    >>> _reviewed_and_set("代主席作政府工作报告。报告提出,2020年全区增长3.7%,2021年增长6%以上")
    2021
    """
    if "政府工作报告" not in opening:
        return None
    years = {int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", opening)}
    later = [y for y in years if y - 1 in years]
    return max(later) if len(years) == 2 and later else None


# "政府工作报告指出,2018年是…的开局之年": the report opens on the year it is for
_REPORT_SAYS_YEAR = re.compile(
    r"政府工作报告[\u4e00-\u9fff]{0,4}[,，:：]\s*((?:19|20)\d{2})\s*年是[^。\n]{0,80}?(?:之年|一年)"
)
