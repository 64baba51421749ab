"""The English monthly report named a major project's stage by its code: a project at full
output (达效) read ``full_output`` in the "Projects behind plan" table of the Word and Excel
report. Each stage is now written in the report's language, as the projects pages write it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from gaodi.core.permissions import SYSTEM
from gaodi.reports.lang import Lang
from gaodi.reports.model import Table
from gaodi.reports.sections_act import act_blocks

#: The demo's monthly report of December 2023 is judged on the month's last day.
DAY = dt.date(2023, 12, 31)
#: The four stages of a project (签约 → 开工 → 投产 → 达效) in each language.
STAGE_WORDS = {
    "签约": "signed",
    "开工": "started",
    "投产": "producing",
    "达效": "at full output",
}


def _behind(engine: Engine, lang: str) -> list[list[object]]:
    tr = Lang(lang)
    with Session(engine) as session:
        blocks = act_blocks(session, SYSTEM, DAY, tr)
    sheet = tr("滞后项目", "Projects behind")
    tables = [b for b in blocks if isinstance(b, Table) and b.sheet == sheet]
    assert len(tables) == 1, "the demo has projects behind plan"
    return tables[0].rows


def test_project_stages_are_words_in_both_languages(demo_engine: Engine) -> None:
    zh, en = _behind(demo_engine, "zh"), _behind(demo_engine, "en")
    stage = 3  # 项目, 产业链, 园区, 阶段
    zh_stages = [r[stage] for r in zh]
    en_stages = [r[stage] for r in en]
    # the same projects in the same order, each stage the English of its Chinese word
    assert [r[0] for r in zh] == [r[0] for r in en]
    assert set(zh_stages) <= set(STAGE_WORDS), zh_stages
    assert en_stages == [STAGE_WORDS[s] for s in zh_stages]  # type: ignore[index]
    # the case that was wrong: a project at full output behind its investment plan
    assert "达效" in zh_stages
    assert "full_output" not in en_stages
