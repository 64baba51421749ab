"""Sections from features that may not be installed: parks (亩均 classes, tier progress) and
smart manufacturing (level distribution). Each returns an empty list when its feature (or the
function it calls) is absent or the principal may not read it, so the report simply omits it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from gaodi.core.permissions import Principal, allowed
from gaodi.reports import charts
from gaodi.reports.common import optional_module
from gaodi.reports.lang import Lang
from gaodi.reports.model import Block, Column, Figure, Paragraph, Table


def level_name(code: int, name_zh: str, tr: Lang) -> str:
    """A digital level as the levels page names it: the scheme's Chinese name (未达一级, 二级),
    in English "Below level 1", "Level 2" (gaodi/smart/templates/smart/_ui.html ``lvname``).

    >>> level_name(0, "未达一级", Lang("en")), level_name(2, "二级", Lang("en"))
    ('Below level 1', 'Level 2')
    >>> level_name(2, "二级", Lang("zh"))
    '二级'
    """
    if tr.zh:
        return name_zh
    return "Below level 1" if code == 0 else f"Level {code}"


def smart_blocks(session: Session, principal: Principal, day: dt.date, tr: Lang) -> list[Block]:
    """The city's level distribution of the latest self-assessments (the 数字化 levels page)."""
    rollup_mod = optional_module("gaodi.smart.rollup")
    if rollup_mod is None or not allowed(principal, "read", "assessment"):
        return []
    rollup: Any = rollup_mod.level_rollup(session, principal, as_of=day)
    city = rollup.city
    if not rollup.assessed:
        return []
    rows = [[level_name(lv.level, lv.level_name, tr), lv.count, lv.share] for lv in city.levels]
    threshold = level_name(rollup.threshold_level, rollup.threshold_level_name, tr)
    text = tr(
        f"截至{tr.date(day)}，{rollup.assessed}家企业按《{rollup.scheme_title}》完成自评；"
        f"规上工业企业中达到{threshold}及以上的占"
        f"{'—' if city.above_scale_share is None else f'{city.above_scale_share:.1%}'}"
        f"（{city.above_scale_at_or_above}/{city.above_scale}家）。",
        f"As of {tr.date(day)}, {rollup.assessed} enterprises have assessed themselves under "
        f"'{rollup.scheme_title_en or rollup.scheme_title}'; of the above-scale industrial "
        "enterprises, "
        f"{'—' if city.above_scale_share is None else f'{city.above_scale_share:.1%}'} "
        f"({city.above_scale_at_or_above} of {city.above_scale}) reach "
        f"{threshold} or above.",
    )
    columns = [
        Column(tr("等级", "Level"), width=2.0),
        Column(tr("企业数", "Enterprises"), fmt="int", width=1.0),
        Column(tr("占比", "Share"), fmt="percent", width=1.0),
    ]
    return [
        Paragraph(text),
        Figure(
            charts.class_bars_chart(
                [r[0] for r in rows],
                [int(r[1]) for r in rows],
                tr,
                tr("企业数字化水平分布", "Enterprises by digital level"),
            ),
            tr("企业数字化水平分布", "Enterprises by digital level"),
            width_mm=120,
        ),
        Table(
            columns,
            rows,
            caption=tr("企业数字化水平分布", "Enterprises by digital level"),
            sheet=tr("数字化水平", "Digital levels"),
        ),
    ]


def park_blocks(session: Session, principal: Principal, year: int | None, tr: Lang) -> list[Block]:
    """亩均 classes of every park and their tier progress (the parks pages), when the parks
    feature provides them; see :mod:`gaodi.reports.park` for the adapter."""
    from gaodi.reports.park import monthly_park_blocks

    return monthly_park_blocks(session, principal, year, tr)
