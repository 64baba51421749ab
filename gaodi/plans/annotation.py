"""A reviewed plan as an annotated text: the corpus's format (tests/data/extraction_corpus).

The extraction's ceiling is the amount of annotated text it learns from (docs/plan-extraction.md:
about +0.025 F1 per doubling of the tuning texts). Every plan a bureau reviews in the text-review
page is such a text: its source text, and the targets the reviewer kept, corrected and added.
:func:`annotation` writes them in the shape of the corpus's ``<name>.json``, so an analyst can
add the text to the corpus (under its fixed split, SPLIT.md) and retrain the model.

Only targets whose quote is words of the text can be annotations (a target typed in without a
quote is left out, and the notes say which). A 每年 target, stored once for each year of the
plan, is one statement with a null year, as the corpus counts it. Nothing here changes the
plan: it is read with the principal's read scope.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from gaodi.core import clock
from gaodi.core.errors import ValidationError
from gaodi.core.permissions import Principal
from gaodi.plans import service
from gaodi.plans.review import review_stats

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def annotation(
    session: Session, principal: Principal, plan_id: int, name: str
) -> tuple[str, dict[str, Any]]:
    """(text, annotation) of plan ``plan_id`` as reviewed, for the corpus file ``name``."""
    if not _NAME.match(name):
        raise ValidationError(
            f"文件名“{name}”不可用：只用小写字母、数字和连字符（如 hunan-changsha-2021）。",
            f"The name {name!r} cannot be used: lower-case letters, digits and hyphens only "
            "(such as hunan-changsha-2021).",
            field="name",
        )
    plan = service._plan(session, principal, plan_id)
    text = plan.source_text or ""
    if not text.strip():
        raise ValidationError(
            f"计划 #{plan_id} 载入时没有原文，无法导出为标注文本。",
            f"Plan #{plan_id} was loaded without its text: there is no text to annotate.",
        )
    out = service.plan_out(session, plan, principal)
    targets: list[dict[str, Any]] = []
    unquoted: list[int] = []
    yearly: set[tuple[Any, ...]] = set()
    for t in out.targets:
        if not t.quote or t.quote not in text:
            unquoted.append(t.id)
            continue
        recurring = t.annual and "每年" in t.quote
        if recurring:
            # a 每年 target is stored once for each year of the plan: one statement of the text
            key = (t.quote, t.indicator_name, t.value, t.value_max, t.unit, t.comparator)
            if key in yearly:
                continue
            yearly.add(key)
        targets.append(
            {
                "indicator": t.indicator_name,
                "value": _number(t.value),
                "value_max": None if t.value_max is None else _number(t.value_max),
                "unit": t.unit,
                "year": None if recurring else t.year,
                "comparator": t.comparator,
                "quote": t.quote,
                "size_class": t.size_class,
                "annual": t.annual,
            }
        )
    stats = review_stats(session, plan.id)
    today = clock.today().isoformat()
    notes = (
        f"Exported from Gaodi on {today}: plan #{plan.id} “{plan.title}” ({plan.status}), "
        f"reviewed in the text-review page: {stats.extracted} targets extracted, {stats.kept} "
        f"kept as extracted, {stats.corrected} corrected, {stats.rejected} rejected, "
        f"{stats.added} added ({stats.restored} restored from the model's set-aside list, "
        f"{stats.adopted} adopted from its suggestions). The targets are the plan's as they "
        "stand; a 每年 target's year is null, as the corpus counts it."
    )
    if unquoted:
        notes += " Left out, as their quote is not words of the text: targets " + ", ".join(
            f"#{i}" for i in unquoted
        )
        notes += "."
    return text, {
        "name": name,
        "source": {
            "url": None,
            "title": plan.title,
            "province": "",  # for the curator to fill, as the date: the corpus counts by it
            # the text's own date, which only the curator knows: not when Gaodi loaded it
            "date": "",
            "kind": f"plan: reviewed in Gaodi ({plan.source_name or 'no source name'})",
            "retrieved": f"{today} from Gaodi (plan #{plan.id})",
        },
        "targets": targets,
        "notes": notes,
    }


def _number(value: float) -> float | int:
    """A whole number as an integer, as the corpus writes it (2200, not 2200.0)."""
    return int(value) if float(value).is_integer() else value
