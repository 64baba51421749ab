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

The rules live in small modules beside this one, which holds :func:`find_targets` and
the names other modules import from here:
:mod:`~gaodi.text.target_cues` (the words and patterns), :mod:`~gaodi.text.target_spans`
(clauses, sentences, quotes), :mod:`~gaodi.text.target_context` (a text's years and time
anchors), :mod:`~gaodi.text.target_tense` (told or set), :mod:`~gaodi.text.target_labels`
(numbers that are labels, counts that class what they count), :mod:`~gaodi.text.target_fields`
(a target's fields; :func:`sketch_target`, :func:`read_clause`),
:mod:`~gaodi.text.target_headlines` (headlines restating the body) and
:mod:`~gaodi.text.target_goals` (qualitative goals, :func:`find_goals`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from gaodi.text.numerals import Quantity, scan_quantities
from gaodi.text.subjects import BARE_GROWTH, each_doubled, each_subject, respectively
from gaodi.text.target_context import _Context, _marked_target, make_context
from gaodi.text.target_cues import (
    _ACHIEVED,
    _APPROX_AFTER,
    _AT_LEAST,
    _AWARDED,
    _CLAUSE_DELIMS,
    _COMPARATOR_VERB,
    _COMPARED_BEFORE,
    _COMPARED_WITH,
    _DOCUMENT_SAYS,
    _DUE_CLAUSE,
    _ELAPSED,
    _EXPECTED_IN_GOALS,
    _FLOOR_AFTER,
    _FOLLOWS,
    _FUTURE_VERB,
    _GOAL_BEFORE,
    _GOAL_CUE,
    _GOAL_SET_BEFORE,
    _MEANS_AFTER,
    _MEASURE_NOUN,
    _NEWS_DATE,
    _OF_THE_GOAL,
    _PAST_AFTER,
    _PROGRESS_AFTER,
    _PROJECT,
    _QUALIFIED_NOUN,
    _QUALIFIES_NOUN,
    _RANKED,
    _RESULTS_STATED,
    _REVENUE,
    _SENTENCE_DELIMS,
    _SET_A_GOAL,
    _SIZED_FIRMS,
    _SUBSIDY,
    _TASK_VERB,
    _THIS_YEAR_ON,
    _THRESHOLD_ON,
    _YEAR_ON_YEAR,
    PAST_MARKERS,
    QUAL_VERBS,
    REFERENCE_VERBS,
    TARGET_CUES,
    TARGET_VERBS,
)
from gaodi.text.target_fields import (
    _RISE_TO,
    ClauseQuantity,
    Comparator,
    FoundTarget,
    _borrowed_head,
    _due_year,
    _last_verb,
    _object_after,
    _strip_indicator,
    _subject_before,
    _target_at,
    read_clause,
    sketch_target,
)
from gaodi.text.target_goals import FoundGoal, find_goals
from gaodi.text.target_headlines import _with_headline, _without_echoed_results
from gaodi.text.target_labels import (
    _CONTENTS_OF,
    _COUNT_AS_SUBJECT,
    _NAMED_PROJECTS,
    _NAMED_WORKS_UNDER_WAY,
    _PARTS_NAMED,
    _SECTION_OBJECT,
    _SECTION_VERBS,
    _TEXT_CONTENTS,
    _TEXT_PARTS,
    _is_label,
    _qualifies_counted_noun,
    _sizes_the_counted,
)
from gaodi.text.target_spans import _bounds, _compact
from gaodi.text.target_tense import (
    _cue_words,
    _expected_later,
    _is_past,
    _paragraph_reports,
    _past_span,
    _sets_a_goal,
)

__all__ = [
    "PAST_MARKERS",
    "QUAL_VERBS",
    "REFERENCE_VERBS",
    "TARGET_CUES",
    "TARGET_VERBS",
    "ClauseQuantity",
    "Comparator",
    "FoundGoal",
    "FoundTarget",
    "find_goals",
    "find_targets",
    "make_context",
    "read_clause",
    "sketch_target",
]


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
