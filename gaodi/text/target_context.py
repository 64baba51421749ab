"""What the target rules know about one text: its year marks, goal and results blocks, and the
time anchor of a position (:class:`_Context`, built by :func:`make_context`).

Part of :mod:`gaodi.text.targets`. A year mark is a written year ("到2025年") or a five-year
plan's period ("“十四五”末" is 2025); a position is anchored to the last year mark of its sentence,
paragraph or section that the rules can classify as a target year or a past one.
"""

from __future__ import annotations

import re

from gaodi.text.numerals import normalize_width, parse_number
from gaodi.text.structure import Outline, Section, years_work_opened
from gaodi.text.target_cues import (
    _CLAUSE_DELIMS,
    _ELAPSED,
    _FIVE_YEAR_END,
    _FIVE_YEAR_PLAN,
    _NAMED_PLAN,
    _PERIOD_NAMED,
    _PLAN_NAMED,
    _REFERENCE_BEFORE_YEAR,
    _RELATIVE_YEAR,
    _REVIEW_TITLE,
    _SENTENCE_DELIMS,
    _SETS_LATER,
    _SPAN_YEARS,
    _TARGET_PRE,
    _YEAR,
    _YEAR_LIST,
    PAST_MARKERS,
    TARGET_CUES,
)
from gaodi.text.target_spans import _bounds, _inside, _is_digest
from gaodi.text.target_tense import _reports_a_review, _sentences_told_and_set, _sets_a_goal


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


# a section or line turning to the year's work: "二、2019年工作安排", "今年的主要任务"
_YEARS_WORK = re.compile(r"工作(?:安排|任务|计划|思路|打算|要点)|主要任务|总体要求|预期目标|今年")
_YEARS_WORK_LINE = re.compile(
    r"(?m)^[ \t\u3000]*(?:(?:19|20)\d{2}\s*年|今年)的?"
    r"(?:工作|主要任务|总体要求|工作安排)[^\n。]{0,10}$"
)
# a paragraph opening on the year gone: "一年来，…", "过去一年，…", "刚刚过去的一年，…"
_YEAR_TOLD = re.compile(r"(?:一年来|(?:刚刚)?过去(?:的)?一年)[，,]")
_LAST_YEAR_OPENER = re.compile(r"(?:刚刚)?过去(?:的)?一年|去年|上年(?!同期)")
# the part of "今年" that is gone ("今年前三季度", "今年以来"): its figures are results
_GONE_PART = re.compile(r"\s*(?:以来|(?:" + _ELAPSED.pattern + "))")


def make_context(
    text: str, outline: Outline, ref_year: int | None, end_year: int | None
) -> _Context:
    return _Context(text, outline, ref_year, end_year)
