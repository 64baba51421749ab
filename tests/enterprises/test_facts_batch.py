"""Tier facts have one write path (:mod:`gaodi.enterprises.facts_batch`): the form/API
(``set_facts``), an approved declaration (``apply_facts``) and the Excel import check the same
rules with the same words, refuse the whole batch on any bad row, keep a park office to its
parks' enterprises, audit each new fact, and read and write per batch, not per row."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from gaodi.core.codes import make_uscc
from gaodi.core.errors import ImportRejected, NotFoundError, ValidationError
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.enterprises import facts, facts_batch
from gaodi.enterprises.models import Enterprise, TierFact
from gaodi.exchange.service import import_file
from gaodi.models import AuditEvent
from tests.exchange.helpers import write_xlsx

_rng = random.Random(20261205)
HEAD = ["统一社会信用代码", "年度", "数据来源", "global_rank", "主导产品在全国细分市场占有率"]


def _city(db: Engine, tmp_path: Path, n: int = 2) -> list[str]:
    """``n`` synthetic enterprises (示例), the first in park 甲, the others in park 乙."""
    usccs = [make_uscc("430104", _rng) for _ in range(n)]
    parks = [["园区名称", "级别"], ["示例甲园区", "省级"], ["示例乙园区", "省级"]]
    import_file(db, "parks", write_xlsx(tmp_path / "p.xlsx", {"园区": parks}), principal=SYSTEM)
    ents = [["统一社会信用代码", "企业名称", "所在园区"]]
    ents += [
        [u, f"示例{i}号测试企业", "示例甲园区" if i == 0 else "示例乙园区"]
        for i, u in enumerate(usccs)
    ]
    import_file(
        db, "enterprises", write_xlsx(tmp_path / "e.xlsx", {"企业": ents}), principal=SYSTEM
    )
    return usccs


def _ids(db: Engine) -> dict[str, int]:
    with session_scope(db) as s:
        return dict(s.execute(select(Enterprise.uscc, Enterprise.id)).tuples().all())


def _count(db: Engine) -> int:
    with session_scope(db) as s:
        return s.scalar(select(func.count()).select_from(TierFact)) or 0


def test_a_bad_value_is_refused_by_the_form_and_the_import_alike(
    db: Engine, tmp_path: Path
) -> None:
    u = _city(db, tmp_path)
    eid = _ids(db)[u[0]]
    with session_scope(db) as s, pytest.raises(ValidationError) as form:
        facts.set_facts(s, SYSTEM, eid, 2023, {"global_rank": "0"}, "self_declared")
    sheet = [HEAD, [u[0], 2023, "企业申报", 0, None]]
    with pytest.raises(ImportRejected) as imported:
        import_file(db, "tier_facts", write_xlsx(tmp_path / "f.xlsx", {"s": sheet}), SYSTEM)
    (err,) = imported.value.errors
    # the same bound (a rank starts at 1), from the fact's field: the form names the field in
    # its words, the sheet's cell check the cell (its column carries the bound for the
    # template's Excel validation)
    assert form.value.context["field"] == "global_rank" and "at least 1" in form.value.en
    assert err.column == "global_rank" and err.row == 2 and "minimum 1" in err.reason_en
    assert _count(db) == 0


def test_two_rows_giving_one_fact_are_refused_by_the_batch_itself(
    db: Engine, tmp_path: Path
) -> None:
    u = _city(db, tmp_path)
    eid = _ids(db)[u[0]]
    rows = [
        facts_batch.FactRow(eid, 2023, {"global_rank": 3.0}, "self_declared"),
        facts_batch.FactRow(eid, 2023, {"global_rank": 2.0}, "certified"),
    ]
    with session_scope(db) as s:
        batch = facts_batch.prepare_facts(s, SYSTEM, rows, actor="t")
        (refusal,) = batch.refusals
        assert (refusal.index, refusal.field) == (1, "global_rank")
        assert "第 1 行已给出" in refusal.error.zh
        with pytest.raises(ValidationError):
            facts_batch.write_facts(s, batch)
    assert _count(db) == 0


def test_a_park_office_writes_only_its_parks_enterprises_by_every_path(
    db: Engine, tmp_path: Path
) -> None:
    u = _city(db, tmp_path)
    ids = _ids(db)
    with session_scope(db) as s:
        from gaodi.parks.models import Park

        park_a = s.scalar(select(Park.id).where(Park.name == "示例甲园区"))
    office = Principal("office-a", "park_office", park_ids=frozenset({park_a}))
    other = ids[u[1]]  # in park 乙
    with session_scope(db) as s, pytest.raises(NotFoundError):
        facts.set_facts(s, office, other, 2023, {"global_rank": "3"}, "self_declared")
    with session_scope(db) as s:
        batch = facts_batch.prepare_facts(
            s, office, [facts_batch.FactRow(other, 2023, {"global_rank": 3.0}, "certified")],
            actor="office-a",
        )  # fmt: skip
        (refusal,) = batch.refusals
        assert refusal.field == "uscc" and isinstance(refusal.error, NotFoundError)
    sheet = [HEAD, [u[0], 2023, "企业申报", 3, None], [u[1], 2023, "企业申报", 3, None]]
    with pytest.raises(ImportRejected):
        import_file(db, "tier_facts", write_xlsx(tmp_path / "f.xlsx", {"s": sheet}), office)
    assert _count(db) == 0  # not even the row of its own enterprise
    with session_scope(db) as s:  # its own enterprise, through the form
        changes = facts.set_facts(s, office, ids[u[0]], 2023, {"global_rank": "3"}, "certified")
    assert changes == {"global_rank": [None, 3]}
    assert _count(db) == 1


def test_new_facts_are_audited_and_a_cleared_box_deletes_with_its_before(
    db: Engine, tmp_path: Path
) -> None:
    u = _city(db, tmp_path)
    sheet = [HEAD, [u[0], 2023, "企业申报", 3, 0.25]]
    import_file(db, "tier_facts", write_xlsx(tmp_path / "f.xlsx", {"s": sheet}), SYSTEM)
    eid = _ids(db)[u[0]]
    with session_scope(db) as s:
        created = s.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "tier_fact", AuditEvent.action == "create"
            )
        ).all()
        assert sorted((a.after["field"], a.after["value"]) for a in created) == [
            ("global_rank", 3.0),
            ("national_market_share", 0.25),
        ]
        changes = facts.set_facts(s, SYSTEM, eid, 2023, {"global_rank": ""}, "self_declared")
    assert changes == {"global_rank": [3, None]}
    with session_scope(db) as s:
        (deleted,) = s.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "tier_fact", AuditEvent.action == "delete"
            )
        ).all()
        assert deleted.before["value"] == 3.0
    assert _count(db) == 1


def _statements(db: Engine, tmp_path: Path, usccs: list[str], name: str) -> int:
    sheet = [HEAD] + [[u, 2023, "企业申报", 3, 0.1] for u in usccs]
    path = write_xlsx(tmp_path / f"{name}.xlsx", {"s": sheet})
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(db, "before_cursor_execute", count)
    try:
        import_file(db, "tier_facts", path, SYSTEM)
    finally:
        event.remove(db, "before_cursor_execute", count)
    return len(seen)


def test_statements_do_not_grow_with_the_rows(db: Engine, tmp_path: Path) -> None:
    """10 and 500 enterprises' facts (two facts each, all new): the same number of statements
    (the rows are read and written per batch; 1,000 facts fit one INSERT)."""
    usccs = _city(db, tmp_path, 510)
    few = _statements(db, tmp_path, usccs[:10], "few")
    many = _statements(db, tmp_path, usccs[10:], "many")
    assert many == few, (few, many)
