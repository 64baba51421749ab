"""The plans feature's code lists, with their Chinese and English labels (core.choices).

One list per coded column: the batch rules refuse a value outside it in one way
(:meth:`gaodi.core.choices.Choices.refusal`), and the Excel exchange writes and reads the same
lists (``gaodi.exchange.schema.CHOICES``).
"""

from __future__ import annotations

from gaodi.core.choices import Choices

PLAN_STATUS = Choices(("draft", "草稿", "draft"), ("adopted", "已印发", "adopted"))
COMPARATOR = Choices(
    (">=", ">=", "at least"), ("<=", "<=", "at most"), ("=", "=", "equal to / about")
)
#: how a target's expected progress runs over its period (gaodi.plans.paths)
TARGET_PATH = Choices(
    ("auto", "自动", "auto (inferred by the rules)"),
    ("linear", "线性", "linear"),
    ("compound", "复合增长", "compound growth"),
    ("milestone", "一次达成", "met at once (milestone)"),
)
TARGET_SCOPE = Choices(
    ("city", "全市", "city"),
    ("chain", "产业链", "chain"),
    ("park", "园区", "park"),
    ("cluster", "集群", "cluster"),
    ("enterprise", "企业", "enterprise"),
)
OBSERVATION_SCOPE = Choices(
    ("city", "全市", "city"), ("chain", "产业链", "chain"), ("park", "园区", "park")
)
OBSERVATION_KIND = Choices(
    ("cumulative", "累计值", "cumulative (year to date)"),
    ("current", "当期值", "current period"),
    ("yoy", "同比增速", "growth on the same period last year (%)"),
)
