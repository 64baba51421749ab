"""A target's expected path (Target.path): how it is judged, where that came from, in words.

``auto`` leaves the choice to the progress rule file (:func:`gaodi.analytics.progress_judge.
path_for` and :func:`~gaodi.analytics.progress_judge.is_milestone`); ``linear``, ``compound``
and ``milestone`` are stated — by the plan's wording when the plan is loaded
(``rules/target_path.yaml``), or by a reviewer on the draft page or in the target Excel sheet.
The board explains the path it used in each row's reason (:func:`path_words`).
"""

from __future__ import annotations

from typing import Literal

from gaodi.plans.choices import TARGET_PATH
from gaodi.plans.inference import rule_file

TargetPath = Literal["auto", "linear", "compound", "milestone"]
TARGET_PATHS: tuple[str, ...] = TARGET_PATH.codes
LABELS: dict[str, tuple[str, str]] = {
    "auto": ("自动（按规则推断）", "auto (inferred by the rules)"),
    "linear": ("线性路径", "linear path"),
    "compound": ("复合增长路径", "compound growth path"),
    "milestone": ("一次达成（里程碑）", "met at once (milestone)"),
}


def path_from_text(quote: str | None) -> tuple[TargetPath, str | None]:
    """The path a target's wording states, with the cue that states it (``("auto", None)``
    when the wording states none).

    Examples
    --------
    >>> path_from_text("工业总产值年均增长10%，到2025年达到3000亿元")
    ('compound', '年均增长')
    >>> path_from_text("每年新增专精特新企业50家")
    ('linear', '每年新增')
    >>> path_from_text("到2025年建成3000亿级园区1个")
    ('auto', None)
    """
    text = quote or ""
    for rule in rule_file("target_path.yaml")["cues"]:
        for word in rule["words"]:
            if word in text:
                return rule["path"], word
    return "auto", None


def engine_flags(path: str | None) -> tuple[str | None, bool | None]:
    """``(path, milestone)`` for the judge: None leaves each to the rule file.

    A stated linear or compound path also says the target is not a milestone (it has a
    schedule); a stated milestone leaves the path unused.

    >>> engine_flags("auto"), engine_flags("compound"), engine_flags("milestone")
    ((None, None), ('compound', False), (None, True))
    """
    if path in ("linear", "compound"):
        return path, False
    if path == "milestone":
        return None, True
    return None, None


# the basis the judge reports -> the path it means (schedule is the linear path)
_USED = {"schedule": "linear", "compound": "compound", "milestone": "milestone"}


def path_words(
    stored: str | None, basis: str | None, kind: str, quote: str | None
) -> tuple[str, str]:
    """``(zh, en)``: the path a row was judged on and why, to end its reason ("" when the row
    has no path: growth rates and targets judged directly).

    Examples
    --------
    >>> path_words("auto", "compound", "level", None)[0]
    '按复合增长路径评价（规则推断：有基期的总量目标按复合增长）'
    >>> path_words("compound", "compound", "level", "产值年均增长10%")[1]
    'judged on the compound growth path (the plan says 年均增长)'
    >>> path_words("linear", "schedule", "level", None)[0]
    '按线性路径评价（目标设定）'
    """
    used = _USED.get(basis or "")
    if used is None:
        return "", ""
    zh_label, en_label = LABELS[used]
    head_zh, head_en = f"按{zh_label}评价", f"judged on the {en_label}"
    if used == "milestone":
        head_zh, head_en = "按一次达成（里程碑）评价", "judged as met at once (a milestone)"
    if stored == used:
        stated, cue = path_from_text(quote)
        if stated == used and cue:
            return f"{head_zh}（计划原文“{cue}”）", f"{head_en} (the plan says {cue})"
        return f"{head_zh}（目标设定）", f"{head_en} (set on the target)"
    why_zh, why_en = {
        "compound": (
            "有基期的总量目标按复合增长",
            "a level target with a baseline compounds",
        ),
        "milestone": (
            "只需新增不超过 1 个的数量目标",
            "a count target that adds at most one item",
        ),
        "linear": (
            "数量按整数、累计值按序时进度" if kind in ("count", "cumulative") else "按序时进度",
            "whole items on a straight line"
            if kind == "count"
            else "the share done against the share of time",
        ),
    }[used]
    return f"{head_zh}（规则推断：{why_zh}）", f"{head_en} (inferred: {why_en})"
