"""The park-tier targets (1 park of 3000亿 and 5 of 千亿 by 2023, rules/tiers.yaml) are
Changsha's plan's. Before, 芜湖市's /parks page showed "City-wide · 300-billion-yuan park (target
2023) 0 / 1 “打造1个3000亿级园区”" and its monthly report "3000亿级园区目标1个（2023年）" — targets
its own plan (2024—2026) never set. Another city keeps the thresholds and each park's years to
reach them, without the targets."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.engine import Engine

from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.models import SystemInfo
from gaodi.parks import service
from gaodi.reports.lang import Lang
from gaodi.reports.model import Paragraph
from gaodi.reports.park import monthly_park_blocks
from tests.parks.test_service import build


def _home(engine: Engine, city: str) -> None:
    with session_scope(engine, actor="test") as s:
        s.execute(
            update(SystemInfo)
            .where(SystemInfo.key == "dataset")
            .values(value={"city": city, "demo": False})
        )


def _report_text(engine: Engine, lang: str) -> str:
    with session_scope(engine) as s:
        blocks = monthly_park_blocks(s, SYSTEM, 2023, Lang(lang))
    return " ".join(b.text for b in blocks if isinstance(b, Paragraph))


def test_another_city_is_given_no_changsha_park_targets(sqlite_db: Engine) -> None:
    build(sqlite_db)
    _home(sqlite_db, "340200")  # 芜湖市
    with session_scope(sqlite_db) as s:
        ev = service.evaluate(s, SYSTEM, year=2023)
    assert ev.targets == []
    # the thresholds stay: 甲园区 (720 亿元) is on its way to 千亿
    jia = next(p for p in ev.parks if p.name == "甲园区")
    assert {t.key for t in jia.tiers} == {"t1000", "t3000"}
    zh, en = _report_text(sqlite_db, "zh"), _report_text(sqlite_db, "en")
    assert "参评企业" in zh and "目标" not in zh and "2023年）" not in zh
    assert "evaluated" in en and "by 2023" not in en


def test_the_demo_city_keeps_its_plans_targets(sqlite_db: Engine) -> None:
    build(sqlite_db)  # its dataset record names 长沙市 (430100)
    with session_scope(sqlite_db) as s:
        ev = service.evaluate(s, SYSTEM, year=2023)
    assert {t.key: t.target_count for t in ev.targets} == {"t3000": 1, "t1000": 5}
    assert "3000亿级园区目标1个（2023年）" in _report_text(sqlite_db, "zh")
