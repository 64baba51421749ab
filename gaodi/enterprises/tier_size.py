"""The SME size test of the SME tiers, in words.

创新型中小企业, 专精特新中小企业 and 小巨人 are for 中小企业 only. Their rule files encode the size
test as the group ``sme_size`` (工信部联企业〔2011〕300号: an industrial firm is large when both its
employees and its revenue reach the large-enterprise floors; a non-industrial firm's size is
entered). The evaluation decides it like any criterion; this module says what it found, so a
large firm reads "不适用：…划型为大型企业（从业人员…人，营业收入…万元）" instead of a list of
failed criteria, and a firm whose size is unknown says which figure is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from gaodi.analytics.ruleset import CriterionResult, Evaluation, RuleSet, dec

#: The group id the SME tiers' rule files give the size test.
GROUP = "sme_size"
_DOC = re.compile(r"工信部联企业〔\d{4}〕\d+号")


@dataclass(frozen=True)
class SizeVerdict:
    """``applicable``: True (an SME), False (not an SME: the tier does not apply), None (size
    unknown); ``note_zh``/``note_en`` say why (None for an SME)."""

    applicable: bool | None
    note_zh: str | None = None
    note_en: str | None = None


def _plain(v: object) -> str:
    """A figure as written, without a trailing ".0" (18702.0 -> "18702", 0.5 -> "0.5")."""
    d = dec(v)
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return format(d.normalize(), "f")


def _document(rs: RuleSet) -> str:
    for src in rs.sources.values():
        found = _DOC.search(src.title)
        if found:
            return found.group(0)
    return "中小企业划型标准规定"


def moot(e: Evaluation) -> frozenset[str]:
    """Size criteria of the branch that does not concern this firm, left out of what its page
    lists (a red "非工业企业 ✗" row or a "缺失" entered size would read as a failure): the
    other-sector branch of an industrial firm, the industry row of a non-industrial one.

    >>> from gaodi.analytics.rulefiles import load_rule_set
    >>> from gaodi.analytics.ruleset import evaluate
    >>> rs = load_rule_set("innovative_sme")
    >>> sorted(moot(evaluate(rs, {"is_industrial": True})))
    ['sme_declared', 'sme_not_industrial']
    """
    found = next((c for c in e.criteria if c.id == "sme_is_industrial"), None)
    if found is None or found.actual is None:
        return frozenset()
    if found.actual is True:
        return frozenset({"sme_declared", "sme_not_industrial"})
    return frozenset({"sme_is_industrial", "sme_employees", "sme_revenue"})


def size_verdict(rs: RuleSet, e: Evaluation) -> SizeVerdict | None:
    """What the size test of ``rs`` found for the evaluated firm (None: ``rs`` has none).

    Examples
    --------
    >>> from gaodi.analytics.rulefiles import load_rule_set
    >>> from gaodi.analytics.ruleset import evaluate
    >>> rs = load_rule_set("srdi_sme")
    >>> v = size_verdict(rs, evaluate(rs, {"is_industrial": True, "employees": 1000,
    ...     "revenue": 40000}))
    >>> v.applicable
    False
    >>> print(v.note_zh[:51])
    不适用：按工信部联企业〔2011〕300号划型为大型企业（从业人员1000人，营业收入40000万元，
    >>> size_verdict(rs, evaluate(rs, {"is_industrial": True, "revenue": 50000})).note_zh
    '无法判定是否为中小企业：缺少从业人员'
    """
    if GROUP not in e.groups:
        return None
    state = e.groups[GROUP]
    if state is True:
        return SizeVerdict(True)
    crit: dict[str, CriterionResult] = {c.id: c for c in e.criteria}
    doc = _document(rs)
    industrial = crit.get("sme_is_industrial")
    emp, rev = crit.get("sme_employees"), crit.get("sme_revenue")
    is_industrial = None if industrial is None else industrial.actual
    if state is False:
        if is_industrial is True and emp is not None and rev is not None:
            e_min, r_min = _plain(emp.threshold), _plain(rev.threshold)
            e_act, r_act = _plain(emp.actual), _plain(rev.actual)
            return SizeVerdict(
                False,
                f"不适用：按{doc}划型为大型企业（从业人员{e_act}人，营业收入{r_act}万元，"
                f"均达到大型企业下限{e_min}人、{r_min}万元）",
                f"Not applicable: a large enterprise by {doc} ({e_act} employees, revenue "
                f"{r_act} 万元, both at or above the large-enterprise floors of {e_min} and "
                f"{r_min} 万元)",
            )
        return SizeVerdict(
            False,
            f"不适用：按{doc}本行业划型标准填报为大型企业（非中小企业）",
            f"Not applicable: entered as a large enterprise by its sector's row of {doc}",
        )
    # undetermined: name what is missing
    if is_industrial is None:
        return SizeVerdict(
            None,
            "无法判定是否为中小企业：缺少行业代码，无法判断是否为工业企业",
            "Cannot tell whether it is an SME: no industry code, so not known to be industrial",
        )
    if is_industrial is False:
        return SizeVerdict(
            None,
            f"无法判定是否为中小企业：非工业企业，须填报按{doc}本行业划型标准的划型结果",
            f"Cannot tell whether it is an SME: not industrial; enter its size by its sector's "
            f"row of {doc}",
        )
    lacking = [
        (zh, en)
        for c, zh, en in ((emp, "从业人员", "employees"), (rev, "营业收入", "revenue"))
        if c is not None and c.actual is None
    ]
    return SizeVerdict(
        None,
        "无法判定是否为中小企业：缺少" + "、".join(zh for zh, _ in lacking),
        "Cannot tell whether it is an SME: " + ", ".join(en for _, en in lacking) + " missing",
    )
