"""The words and patterns the target rules look for (:mod:`gaodi.text.targets`).

Delimiters of clauses and sentences; the marks of a year, a period, a past figure and a goal;
the verbs that govern a reference, set a target or a qualitative goal; the words around a number
that set its comparator or qualify a noun. The learned second opinion reads several of them as
features (:mod:`gaodi.text.learned`): a change to one changes what the model sees, so retrain
(benchmarks/train_target_model.py) after it.
"""

from __future__ import annotations

import re

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


_FIVE_YEAR_PLAN = re.compile(
    r"(?P<pre>到|至)?[“\"‘]?(?P<plan>十一五|十二五|十三五|十四五|十五五)[”\"’]?"
    r"(?P<post>末|期末|时期末|期间|时期|规划(?=提到|提出|明确|要求|指出))"
)
_FIVE_YEAR_END = {"十一五": 2010, "十二五": 2015, "十三五": 2020, "十四五": 2025, "十五五": 2030}
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


# (the ranks here are the words of _RANKED that tell a whole text's results; "居广东第三" counts
# only where a figure stands beside it, in find_targets)
_ACHIEVED = re.compile(
    rf"{_AWARD_WORDS}|刷新|纪录|居全[国省区市]|首位(?!度|产业)|稳居|位居|位列|跃居|大关|建成投用|"
    r"取得[^。，,]{0,6}(?:突破|成效|战果|成绩)|顺利完成|实现翻番"
)
# the floor after a number, or after the list of values it opens ("7.8亿吨、2470万吨…以上")
_FLOOR_AFTER = re.compile(r"(?:[、和及与]\s*[\d.]+\s*[^\d\s、，,；;。]{0,4}?)*(?:以上|以内)")
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
# the figure's progress told after it: "…投资27亿元，为年度计划的54.7%"
_PROGRESS_AFTER = re.compile(
    r"(?:为|占|完成)(?:年度|全年|年)?(?:投资)?(?:目标|计划)(?:任务)?的?\s*[\d.]+%"
)
_FUTURE_VERB = re.compile(r"将|计划|要|争取")


_YEAR_LIST = re.compile(
    r"(?:到|至)?((?:19|20)\d{2})年(?:底|末)?(?:(?:、|和|及|与|以及)(?:到|至)?(?:19|20)\d{2}年(?:底|末)?)+"
)
