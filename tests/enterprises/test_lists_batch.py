"""The tier lists (awards, honours, industry margins) have one write path
(:mod:`gaodi.enterprises.lists_batch`): the facts page's forms and the Excel import refuse the
same things, keep a park office to its parks, never list one award twice, audit what they add,
and write per batch."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from gaodi.core.errors import ConflictError, ImportRejected, NotFoundError, PermissionDenied
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.enterprises import lists_batch, tier_lists
from gaodi.enterprises.models import IndustryMargin, TierAward
from gaodi.exchange.service import import_file
from gaodi.models import AuditEvent
from tests.enterprises.test_facts_batch import _city, _ids
from tests.exchange.helpers import write_xlsx

AWARD = tier_lists.Award(2022, "某省科学技术进步奖", "provincial", "second", 3, "certified")
AWARD_HEAD = [
    "统一社会信用代码",
    "获奖年度",
    "奖励名称",
    "奖励级别",
    "奖励等级",
    "获奖单位排名",
    "数据来源",
]


def _awards(db: Engine) -> int:
    with session_scope(db) as s:
        return s.scalar(select(func.count()).select_from(TierAward)) or 0


def test_the_form_refuses_an_award_already_listed_as_an_adding_import_does(
    db: Engine, tmp_path: Path
) -> None:
    u = _city(db, tmp_path)
    eid = _ids(db)[u[0]]
    with session_scope(db) as s:
        first = tier_lists.add_award(s, SYSTEM, eid, AWARD)
    assert first > 0
    with session_scope(db) as s, pytest.raises(ConflictError) as form:
        tier_lists.add_award(s, SYSTEM, eid, AWARD)
    assert "2022 某省科学技术进步奖" in form.value.zh
    sheet = [AWARD_HEAD, [u[0], 2022, "某省科学技术进步奖", "省级", "二等奖", 3, "证书核验"]]
    with pytest.raises(ImportRejected) as imported:
        import_file(db, "tier_awards", write_xlsx(tmp_path / "a.xlsx", {"s": sheet}), SYSTEM)
    (err,) = imported.value.errors
    assert (err.reason_zh, err.reason_en) == (form.value.zh, form.value.en)
    assert _awards(db) == 1
    with session_scope(db) as s:
        (created,) = s.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "tier_award", AuditEvent.action == "create"
            )
        ).all()
        assert created.after["name"] == "某省科学技术进步奖" and created.after["unit_rank"] == 3


def test_a_park_office_adds_to_its_parks_enterprises_only(db: Engine, tmp_path: Path) -> None:
    u = _city(db, tmp_path)
    ids = _ids(db)
    with session_scope(db) as s:
        from gaodi.parks.models import Park

        park_a = s.scalar(select(Park.id).where(Park.name == "示例甲园区"))
    office = Principal("office-a", "park_office", park_ids=frozenset({park_a}))
    with session_scope(db) as s, pytest.raises(NotFoundError):
        tier_lists.add_award(s, office, ids[u[1]], AWARD)
    with session_scope(db) as s, pytest.raises(NotFoundError):
        tier_lists.add_honour(
            s, office, ids[u[1]], tier_lists.Honour("high_tech", date(2022, 1, 1))
        )
    with session_scope(db) as s:  # a margin is regional reference data: not a park office's
        batch = lists_batch.prepare_entries(
            s, office, "margin",
            [lists_batch.EntryRow(tier_lists.Margin("36", 2023, 0.125, "示例统计年鉴表"))],  # type: ignore[arg-type]
        )  # fmt: skip
        (refusal,) = batch.refusals
        assert isinstance(refusal.error, PermissionDenied)
        with pytest.raises(PermissionDenied):
            lists_batch.write_entries(s, batch)
    sheet = [AWARD_HEAD, [u[0], 2022, "奖一", "省级", "二等奖", 3, "证书核验"]]
    sheet.append([u[1], 2022, "奖二", "省级", "二等奖", 3, "证书核验"])
    with pytest.raises(ImportRejected):
        import_file(db, "tier_awards", write_xlsx(tmp_path / "a.xlsx", {"s": sheet}), office)
    assert _awards(db) == 0
    with session_scope(db) as s:
        assert tier_lists.add_award(s, office, ids[u[0]], AWARD) > 0
        assert s.scalar(select(func.count()).select_from(IndustryMargin)) == 0


def test_an_upsert_changes_the_listed_award_in_place(db: Engine, tmp_path: Path) -> None:
    u = _city(db, tmp_path)
    row = [u[0], 2022, "某省科学技术进步奖", "省级", "二等奖", 3, "证书核验"]
    import_file(
        db, "tier_awards", write_xlsx(tmp_path / "a.xlsx", {"s": [AWARD_HEAD, row]}), SYSTEM
    )
    row[5] = 1  # first among the winning units after all
    import_file(
        db, "tier_awards", write_xlsx(tmp_path / "b.xlsx", {"s": [AWARD_HEAD, row]}), SYSTEM,
        mode="upsert",
    )  # fmt: skip
    with session_scope(db) as s:
        (award,) = s.scalars(select(TierAward)).all()
        assert award.unit_rank == 1
        (changed,) = s.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "tier_award", AuditEvent.action == "update"
            )
        ).all()
        assert (changed.before["unit_rank"], changed.after["unit_rank"]) == (3, 1)


def test_statements_do_not_grow_with_the_rows(db: Engine, tmp_path: Path) -> None:
    usccs = _city(db, tmp_path, 310)

    def statements(rows: list[str], name: str) -> int:
        sheet = [AWARD_HEAD] + [[u, 2022, "某奖", "省级", "二等奖", 1, "证书核验"] for u in rows]
        path = write_xlsx(tmp_path / f"{name}.xlsx", {"s": sheet})
        seen: list[str] = []

        def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
            seen.append(statement)

        event.listen(db, "before_cursor_execute", count)
        try:
            import_file(db, "tier_awards", path, SYSTEM)
        finally:
            event.remove(db, "before_cursor_execute", count)
        return len(seen)

    assert statements(usccs[:10], "few") == statements(usccs[10:], "many")
