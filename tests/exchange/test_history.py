"""Observations and enterprise-link assignments keep their history: nothing is overwritten."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.exchange.service import import_file
from gaodi.models import Chain, Enterprise, EnterpriseLink, Link, Observation
from tests.exchange.helpers import USCCS, load_city, write_xlsx

HEADER = ["指标代码", "范围", "范围对象", "期间", "数值", "口径", "说明"]


def _observations(engine: Engine, period: str) -> list[tuple[int, float, str, str | None]]:
    with session_scope(engine) as s:
        rows = s.scalars(
            select(Observation)
            .where(Observation.period == period, Observation.scope == "city")
            .order_by(Observation.revision)
        ).all()
        return [(o.revision, o.value, o.status, o.submitted_by) for o in rows]


def test_reimport_of_a_changed_value_creates_revision_two(db: Engine, tmp_path: Path) -> None:
    load_city(db, tmp_path)
    assert _observations(db, "2023-06") == [(1, 480.5, "submitted", "system")]
    rows = [HEADER, ["demo_output", "全市", "", "2023-06", 481.0, "累计值", "示例：更正"]]
    officer = Principal(username="demo_officer", role="analyst")
    report = import_file(
        db, "observations", write_xlsx(tmp_path / "o.xlsx", {"s": rows}), principal=officer
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    # revision 1 is kept untouched; revision 2 carries the new value and who submitted it
    assert _observations(db, "2023-06") == [
        (1, 480.5, "submitted", "system"),
        (2, 481.0, "submitted", "demo_officer"),
    ]
    # a third import with yet another value: revision 3
    rows[1][4] = 482.0
    import_file(db, "observations", write_xlsx(tmp_path / "o3.xlsx", {"s": rows}), principal=SYSTEM)
    assert [r[:2] for r in _observations(db, "2023-06")] == [(1, 480.5), (2, 481.0), (3, 482.0)]


def test_reimport_of_the_same_value_adds_no_revision(db: Engine, tmp_path: Path) -> None:
    load_city(db, tmp_path)
    rows = [HEADER, ["demo_output", "全市", "", "2023-06", 480.5, "累计值", ""]]
    report = import_file(
        db, "observations", write_xlsx(tmp_path / "o.xlsx", {"s": rows}), principal=SYSTEM
    )
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert len(_observations(db, "2023-06")) == 1


def test_a_returned_value_resubmitted_unchanged_becomes_a_new_revision(
    db: Engine, tmp_path: Path
) -> None:
    load_city(db, tmp_path)
    with session_scope(db) as s:
        obs = s.scalars(
            select(Observation).where(Observation.period == "2023-06", Observation.scope == "city")
        ).one()
        obs.status = "returned"
    rows = [HEADER, ["demo_output", "全市", "", "2023-06", 480.5, "累计值", ""]]
    report = import_file(
        db, "observations", write_xlsx(tmp_path / "o.xlsx", {"s": rows}), principal=SYSTEM
    )
    assert report.updated == 1
    assert [r[:3] for r in _observations(db, "2023-06")] == [
        (1, 480.5, "returned"),
        (2, 480.5, "submitted"),
    ]


def _assignments(engine: Engine) -> list[tuple[str, str, float, bool, bool]]:
    with session_scope(engine) as s:
        rows = s.execute(
            select(
                Link.code,
                EnterpriseLink.source,
                EnterpriseLink.confidence,
                EnterpriseLink.excluded,
                EnterpriseLink.valid_to.is_(None),
            )
            .join(Link, Link.id == EnterpriseLink.link_id)
            .join(Enterprise, Enterprise.id == EnterpriseLink.enterprise_id)
            .where(Enterprise.uscc == USCCS[0])
            .order_by(EnterpriseLink.id)
        ).all()
        return [tuple(r) for r in rows]


def test_enterprise_link_history(db: Engine, tmp_path: Path) -> None:
    load_city(db, tmp_path)
    assert _assignments(db) == [("assembly", "manual", 1.0, False, True)]
    header = ["统一社会信用代码", "产业链代码", "环节代码", "置信度", "排除", "备注"]
    same = [header, [USCCS[0], "demo_machinery", "assembly", 1, "否", "示例：人工确认"]]
    report = import_file(
        db, "enterprise_links", write_xlsx(tmp_path / "a.xlsx", {"s": same}), principal=SYSTEM
    )
    assert report.unchanged == 1 and len(_assignments(db)) == 1
    # marking the enterprise as "does not belong here" closes the current row, opens a new one
    excluded = [header, [USCCS[0], "demo_machinery", "assembly", 1, "是", "示例：不属于"]]
    report = import_file(
        db, "enterprise_links", write_xlsx(tmp_path / "b.xlsx", {"s": excluded}), principal=SYSTEM
    )
    assert report.updated == 1
    assert _assignments(db) == [
        ("assembly", "manual", 1.0, False, False),
        ("assembly", "manual", 1.0, True, True),
    ]


def test_a_manual_row_replaces_a_rule_row(db: Engine, tmp_path: Path) -> None:
    load_city(db, tmp_path)
    with session_scope(db) as s:
        ent = s.scalars(select(Enterprise.id).where(Enterprise.uscc == USCCS[0])).one()
        parts = s.scalars(select(Link.id).join(Chain).where(Link.code == "parts")).one()
        s.add(EnterpriseLink(enterprise_id=ent, link_id=parts, source="rule", confidence=0.6))
    header = ["统一社会信用代码", "产业链代码", "环节代码", "来源", "置信度"]
    # the rule row exported as it is imports as "unchanged"; a different rule row is refused
    rule = [header, [USCCS[0], "demo_machinery", "parts", "规则", 0.6]]
    assert (
        import_file(
            db, "enterprise_links", write_xlsx(tmp_path / "r.xlsx", {"s": rule}), principal=SYSTEM
        ).unchanged
        == 1
    )
    manual = [header, [USCCS[0], "demo_machinery", "parts", "人工", 0.9]]
    report = import_file(
        db, "enterprise_links", write_xlsx(tmp_path / "m.xlsx", {"s": manual}), principal=SYSTEM
    )
    assert report.updated == 1
    assert _assignments(db) == [
        ("assembly", "manual", 1.0, False, True),
        ("parts", "rule", 0.6, False, False),
        ("parts", "manual", 0.9, False, True),
    ]


def test_an_observations_import_asks_the_database_per_batch_not_per_row(
    db: Engine, tmp_path: Path
) -> None:
    """The one write path validates and writes a file in a fixed number of statements: ten
    times the rows, the same statements (no query per row)."""
    from sqlalchemy import event

    load_city(db, tmp_path)

    def rows(first_year: int, years: int) -> list[list[object]]:
        # running totals that rise 10 a month and repeat each year: no plausibility flag
        return [HEADER] + [
            ["demo_output", "全市", "", f"{y}-{m:02d}", 10.0 * m, "累计值", ""]
            for y in range(first_year, first_year + years)
            for m in range(1, 13)
        ]

    def statements(name: str, data: list[list[object]]) -> int:
        seen: list[str] = []

        def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
            seen.append(statement)

        event.listen(db, "before_cursor_execute", count)
        try:
            report = import_file(
                db, "observations", write_xlsx(tmp_path / name, {"s": data}), principal=SYSTEM
            )
        finally:
            event.remove(db, "before_cursor_execute", count)
        assert report.created == len(data) - 1
        return len(seen)

    assert statements("small.xlsx", rows(1990, 1)) == statements("large.xlsx", rows(1991, 10))
