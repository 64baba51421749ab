"""Chains, links and enterprise-link assignments are checked and written per batch: ten times
the rows, the same statements (no query per row), as the observations' one write path."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from gaodi.chains.models import EnterpriseLink, Link
from gaodi.core.codes import make_uscc
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.exchange.importer import ImportReport
from gaodi.exchange.service import import_file
from tests.exchange.helpers import (
    ENTERPRISES,
    LINKS,
    load_city,
    write_xlsx,
)

CHAIN_HEADER = ["产业链代码", "产业链名称", "类型", "链办", "名称状态", "示例数据"]
ASSIGN_HEADER = ["统一社会信用代码", "产业链代码", "环节代码", "置信度", "排除", "备注"]


def statements(db: Engine, run: Callable[[], ImportReport]) -> tuple[int, ImportReport]:
    """How many statements ``run`` sends, and its report."""
    seen: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(db, "before_cursor_execute", count)
    try:
        report = run()
    finally:
        event.remove(db, "before_cursor_execute", count)
    return len(seen), report


def _chain_file(path: Path, code: str, links: int) -> Path:
    """A new chain with ``links`` links, every other one under the link before it."""
    chains = [CHAIN_HEADER, [code, f"示例链{code}", "优势产业链", "示例链办", "推定", "是"]]
    rows: list[list[object]] = [LINKS[0]]
    for j in range(links):
        parent = f"{code}-{j - 1:03d}" if j % 2 else ""
        rows.append(
            [code, f"{code}-{j:03d}", parent, f"示例环节{code}{j}", "中游", "", "", "否", j]
        )
    return write_xlsx(path, {"产业链 chains": chains, "产业链环节 links": rows})


def test_a_chains_import_asks_the_database_per_batch_not_per_row(
    db: Engine, tmp_path: Path
) -> None:
    # a chain already there, so both files find stored links to compare with
    import_file(db, "chains", _chain_file(tmp_path / "z.xlsx", "z", 1), SYSTEM)
    small, report = statements(
        db,
        lambda: import_file(db, "chains", _chain_file(tmp_path / "s.xlsx", "s", 12), SYSTEM),
    )
    assert report.created == 1 + 12
    large, report = statements(
        db,
        lambda: import_file(db, "chains", _chain_file(tmp_path / "l.xlsx", "l", 120), SYSTEM),
    )
    assert report.created == 1 + 120
    assert small == large
    with session_scope(db) as s:  # the parents were written too: link 1 under link 0, ...
        parent = s.scalar(select(Link.parent_id).where(Link.code == "l-119"))
        assert parent == s.scalar(select(Link.id).where(Link.code == "l-118"))


def test_an_assignments_import_asks_the_database_per_batch_not_per_row(
    db: Engine, tmp_path: Path
) -> None:
    load_city(db, tmp_path)
    rng = random.Random(7)
    usccs = [make_uscc("430104", rng) for _ in range(10)]  # synthetic (示例数据)
    firms = [ENTERPRISES[0]] + [
        [u, f"示例批量企业{k}", *ENTERPRISES[1][2:]] for k, u in enumerate(usccs)
    ]
    import_file(db, "enterprises", write_xlsx(tmp_path / "e.xlsx", {"企业": firms}), SYSTEM)
    import_file(db, "chains", _chain_file(tmp_path / "c.xlsx", "a", 12), SYSTEM, mode="upsert")
    links = [f"a-{j:03d}" for j in range(12)]

    def assign(name: str, usccs: list[str]) -> Callable[[], ImportReport]:
        rows = [ASSIGN_HEADER] + [[u, "a", code, 1, "否", "示例"] for u in usccs for code in links]
        return lambda: import_file(
            db, "enterprise_links", write_xlsx(tmp_path / name, {"s": rows}), SYSTEM
        )

    small, report = statements(db, assign("s.xlsx", usccs[:1]))
    assert report.created == 12
    large, report = statements(db, assign("l.xlsx", usccs[1:]))
    assert report.created == 9 * 12
    assert small == large
    # the same rows again change nothing; excluding them closes 108 rows and opens 108
    _, report = statements(db, assign("l2.xlsx", usccs[1:]))
    assert report.unchanged == 108
    with session_scope(db) as s:
        current = select(func.count()).where(EnterpriseLink.valid_to.is_(None))
        closed = select(func.count()).where(EnterpriseLink.valid_to.is_not(None))
        before = s.scalar(current.select_from(EnterpriseLink))
        closed_before = s.scalar(closed.select_from(EnterpriseLink)) or 0
    rows = [ASSIGN_HEADER] + [[u, "a", code, 1, "是", "示例"] for u in usccs[1:] for code in links]
    _, report = statements(
        db,
        lambda: import_file(
            db, "enterprise_links", write_xlsx(tmp_path / "x.xlsx", {"s": rows}), SYSTEM
        ),
    )
    assert report.updated == 108
    with session_scope(db) as s:
        assert s.scalar(current.select_from(EnterpriseLink)) == before
        assert s.scalar(closed.select_from(EnterpriseLink)) == closed_before + 108
