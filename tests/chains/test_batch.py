"""One write path for chains and links (gaodi.chains.batch): the link form, the JSON API, the
Excel import and ``gaodi import`` refuse the same bad row with the same words, keep a chain
office to its own chains, and ask the database per batch, not per row.

The expected words below are written out by hand from the rules (a parent in another chain, a
cycle, a 门类 letter as an industry code), not read back from the code under test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.chains import batch, editing
from gaodi.chains.editing import LinkInput
from gaodi.cli import app
from gaodi.config import reset_settings
from gaodi.core.errors import CellError, GaodiError, ImportRejected
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import get_engine, session_scope
from gaodi.exchange.service import import_file
from gaodi.models import Link
from gaodi.ui.cli.support import principal_for
from tests.chains.conftest import World
from tests.exchange.helpers import table_counts, write_xlsx
from tests.web.conftest import Site, make_site
from tests.web.helpers import login, post_form
from tests.web.seed import PASSWORD

HEADER = ["产业链代码", "环节代码", "上级环节代码", "环节名称", "上中下游", "行业代码", "关键词"]


def links_file(path: Path, *rows: list[Any]) -> Path:
    return write_xlsx(path, {"产业链环节 links": [HEADER, *[[*r, *[""] * 7][:7] for r in rows]]})


def refused(engine: Engine, path: Path, principal: Principal, mode: str = "upsert") -> list:
    """The import's cell errors; the database is left as it was."""
    before = table_counts(engine)
    with pytest.raises(ImportRejected) as err:
        import_file(engine, "links", path, principal, mode=mode)  # type: ignore[arg-type]
    assert table_counts(engine) == before, "a refused import writes nothing"
    return err.value.errors


def cell(errors: list[CellError], row: int, column: str) -> tuple[str, str]:
    found = [(e.reason_zh, e.reason_en) for e in errors if (e.row, e.column) == (row, column)]
    assert found, f"no error at row {row} {column}: {errors}"
    return found[0]


def form_error(engine: Engine, call: Callable[[Any], object]) -> GaodiError:
    """The error a form save raises; nothing is written (the transaction is rolled back)."""
    before = table_counts(engine)
    with session_scope(engine) as s, pytest.raises(GaodiError) as err:
        call(s)
    assert table_counts(engine) == before
    return err.value


# --------------------------------------------------------------------------- same row, same words


def test_a_bad_row_reads_the_same_from_the_form_and_the_import(
    sqlite_db: Engine, sqlite_world: World, tmp_path: Path
) -> None:
    ids = sqlite_world.ids
    # L2 under O1, a link of the other chain
    form = form_error(
        sqlite_db,
        lambda s: editing.update_link(
            s, SYSTEM, "HM", ids["L2"], LinkInput(name="发动机", parent_id=ids["O1"])
        ),
    )
    errors = refused(
        sqlite_db,
        links_file(tmp_path / "a.xlsx", ["HM", "L2", "O1", "发动机", "上游", "3412"]),
        SYSTEM,
    )
    assert cell(errors, 2, "上级环节代码") == (form.zh, form.en)
    assert form.en == "Parent link 'O1' is not in chain 'HM'."
    assert form.zh == "上级环节“O1”不在产业链“HM”中。"
    assert form.context["field"] == "parent_id"  # next to the form's parent field
    # L3 under itself
    form = form_error(
        sqlite_db,
        lambda s: editing.update_link(
            s, SYSTEM, "HM", ids["L3"], LinkInput(name="整机", parent_id=ids["L3"])
        ),
    )
    errors = refused(
        sqlite_db,
        links_file(tmp_path / "b.xlsx", ["HM", "L3", "L3", "整机", "中游", "3511"]),
        SYSTEM,
    )
    assert cell(errors, 2, "上级环节代码") == (form.zh, form.en)
    assert form.en == "The parents of link 'L3' form a cycle."
    # a 门类 letter: GB/T 4754 knows "C" (制造业), but a link's codes are 2 to 4 digits
    form = form_error(
        sqlite_db,
        lambda s: editing.create_link(
            s, SYSTEM, "HM", LinkInput(name="新环节", industry_codes="C")
        ),
    )
    errors = refused(
        sqlite_db, links_file(tmp_path / "c.xlsx", ["HM", "L9", "", "新环节", "中游", "C"]), SYSTEM
    )
    assert cell(errors, 2, "行业代码") == (form.zh, form.en)
    assert form.en.startswith("Industry code 'C' is a section;")
    assert form.context["field"] == "industry_codes"
    # a code another link of the chain has: refused, not taken nor silently kept
    form = form_error(
        sqlite_db,
        lambda s: editing.update_link(
            s, SYSTEM, "HM", ids["L2"], LinkInput(name="发动机", code="L1", segment="up")
        ),
    )
    assert (type(form).__name__, form.en) == (
        "ConflictError", "Chain 'HM' already has a link with code 'L1'.",
    )  # fmt: skip
    with session_scope(sqlite_db) as s:
        renamed = editing.update_link(
            s, SYSTEM, "HM", ids["L2"], LinkInput(name="发动机", code="L2b", segment="up")
        )
        assert (renamed.id, renamed.code) == (ids["L2"], "L2b")


def test_a_good_row_reads_the_same_too(
    sqlite_db: Engine, sqlite_world: World, tmp_path: Path
) -> None:
    """Keywords split by the same separators (white space and bars too), codes the same way,
    and a sub-link put in its parent's segment whatever its row says."""
    ids = sqlite_world.ids
    with session_scope(sqlite_db) as s:
        made = editing.create_link(
            s, SYSTEM, "HM",
            LinkInput(name="表单环节", code="F1", segment="down", parent_id=ids["L1"],
                      industry_codes="3444，C3511", keywords="液压 油缸|轴承、液压"),
        )  # fmt: skip
        form = (made.segment, made.industry_codes, made.keywords)
    path = links_file(
        tmp_path / "g.xlsx",
        ["HM", "F2", "L1", "导入环节", "下游", "3444、C3511", "液压 油缸|轴承、液压"],
    )
    assert import_file(sqlite_db, "links", path, SYSTEM).created == 1
    with session_scope(sqlite_db) as s:
        f2 = s.scalars(select(Link).where(Link.code == "F2")).one()
        assert (f2.segment, f2.industry_codes, f2.keywords) == form
        assert f2.parent_id == ids["L1"]
    assert form == ("up", ["3444", "3511"], ["液压", "油缸", "轴承"])  # L1 is upstream


def test_moving_a_link_by_import_moves_its_sub_links(
    sqlite_db: Engine, sqlite_world: World, tmp_path: Path
) -> None:
    ids = sqlite_world.ids
    with session_scope(sqlite_db) as s:
        sub = editing.create_link(s, SYSTEM, "HM", LinkInput(name="子环节", parent_id=ids["L2"]))
        assert sub.segment == "up"
        sub_id = sub.id
    # L2 (up) under L3 (mid): L2 and its sub-link are midstream now
    path = links_file(tmp_path / "m.xlsx", ["HM", "L2", "L3", "发动机", "上游", "3412"])
    report = import_file(sqlite_db, "links", path, SYSTEM, mode="upsert")
    assert (report.created, report.updated) == (0, 1)
    with session_scope(sqlite_db) as s:
        l2, child = s.get_one(Link, ids["L2"]), s.get_one(Link, sub_id)
        assert (l2.parent_id, l2.segment, child.segment) == (ids["L3"], "mid", "mid")


# --------------------------------------------------------------------------- cycles in one sheet


def test_a_cycle_across_two_rows_of_one_sheet(
    sqlite_db: Engine, sqlite_world: World, tmp_path: Path
) -> None:
    path = links_file(
        tmp_path / "c.xlsx",
        ["HM", "X1", "X2", "示例甲", "上游", ""],
        ["HM", "X2", "X1", "示例乙", "上游", ""],
        ["HM", "X3", "L1", "示例丙", "上游", ""],  # fine on its own
    )
    errors = refused(sqlite_db, path, SYSTEM, mode="insert")
    assert {(e.row, e.column) for e in errors} == {(2, "上级环节代码"), (3, "上级环节代码")}
    assert cell(errors, 2, "上级环节代码")[1] == "The parents of link 'X1' form a cycle."
    assert cell(errors, 3, "上级环节代码")[1] == "The parents of link 'X2' form a cycle."
    # the batch itself, as the form and the API call it: both rows refused, nothing to write
    rows = [
        batch.LinkWrite("HM", "X1", {"name": "示例甲"}, parent="X2"),
        batch.LinkWrite("HM", "X2", {"name": "示例乙"}, parent="X1"),
    ]
    with session_scope(sqlite_db) as s:
        prepared = batch.prepare_links(s, SYSTEM, rows)
        assert [(r.index, r.field) for r in prepared.refusals] == [
            (0, "parent_code"),
            (1, "parent_code"),
        ]
        with pytest.raises(GaodiError):
            batch.write_links(s, prepared)
    # in the right order the two rows are one link under the other
    path = links_file(
        tmp_path / "ok.xlsx",
        ["HM", "X1", "", "示例甲", "下游", ""],
        ["HM", "X2", "X1", "示例乙", "上游", ""],
    )
    assert import_file(sqlite_db, "links", path, SYSTEM).created == 2
    with session_scope(sqlite_db) as s:
        x = {lk.code: lk for lk in s.scalars(select(Link).where(Link.code.in_(["X1", "X2"])))}
        assert x["X2"].parent_id == x["X1"].id and x["X2"].segment == "down"


# --------------------------------------------------------------------------- a chain office


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    s = make_site(tmp_path)
    yield s
    s.engine.dispose()


def _links(engine: Engine) -> list[tuple]:
    with session_scope(engine) as s:
        rows = s.execute(
            select(Link.id, Link.chain_id, Link.parent_id, Link.code, Link.name, Link.segment)
        )
        return sorted(tuple(r) for r in rows)


def test_a_chain_office_writes_no_other_chains_links_by_any_entry_point(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seeded office's scope is 测试链甲 (CA: a1, a2); 测试链乙 (CB: b1) is not its own."""
    w = site.world
    before = _links(site.engine)
    client = site.client()
    csrf = login(client, w.users["chain_office"], PASSWORD)
    other, own = f"/chains/{w.ids['chain_b']}", f"/chains/{w.ids['chain_a']}"
    b1 = w.ids["b1"]
    # the JSON API
    client.headers["X-CSRF-Token"] = csrf
    assert client.post(f"/api/v1{other}/links", json={"name": "越权"}).status_code == 404
    assert client.put(f"/api/v1{other}/links/{b1}", json={"name": "越权"}).status_code == 404
    assert client.put(f"/api/v1{own}/links/{b1}", json={"name": "越权"}).status_code == 404
    # its own link under the other chain's: refused, naming the id it sent, not b1's code
    moved = client.put(
        f"/api/v1{own}/links/{w.ids['a1']}", json={"name": "甲上游", "parent_id": b1}
    )
    assert moved.status_code == 422
    assert moved.json()["message_en"] == f"Parent link '{b1}' is not in chain 'CA'."
    del client.headers["X-CSRF-Token"]
    # the forms
    assert post_form(client, f"{other}/links", {"name": "越权"}, csrf).status_code == 404
    assert post_form(client, f"{other}/links/{b1}", {"name": "越权"}, csrf).status_code == 404
    # the Excel import, as the office
    path = links_file(
        tmp_path / "x.xlsx",
        ["CB", "b1", "", "越权改名", "上游", ""],
        ["CB", "b9", "b1", "越权新增", "上游", ""],
    )
    with session_scope(site.engine) as s:
        office = principal_for(s, w.users["chain_office"])
    errors = refused(site.engine, path, office)
    words = "No chain 'CB' in your scope (or not yours to change)."
    assert [cell(errors, n, "产业链代码")[1] for n in (2, 3)] == [words, words]
    # ``gaodi import`` with --as the office
    url = site.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("GAODI_DATABASE_URL", url)
    reset_settings()
    get_engine.cache_clear()
    result = CliRunner().invoke(
        app, ["import", "links", str(path), "--mode", "upsert", "--as", w.users["chain_office"]]
    )
    assert result.exit_code == 2 and words in result.output, result.output
    assert _links(site.engine) == before  # nothing written by any of them
    # its own chain it may change, through the same paths
    mine = links_file(tmp_path / "own.xlsx", ["CA", "a9", "a1", "甲新增", "中游", ""])
    assert import_file(site.engine, "links", mine, office).created == 1
    with session_scope(site.engine) as s:
        added = s.scalars(select(Link).where(Link.code == "a9")).one()
        assert (added.chain_id, added.parent_id, added.segment) == (
            w.ids["chain_a"], w.ids["a1"], "up",
        )  # fmt: skip


# --------------------------------------------------------------------------- statements


def _statements(engine: Engine, run: Callable[[], object]) -> int:
    seen = [0]

    def count(*_args: Any) -> None:
        seen[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen[0]


def _many(tmp_path: Path, chain: str, n: int) -> Path:
    """``n`` new links of ``chain``, every other one under the link before it."""
    rows = [
        [chain, f"N{j:04d}", f"N{j - 1:04d}" if j % 2 else "", f"示例环节{j}", "中游", "3444"]
        for j in range(n)
    ]
    return links_file(tmp_path / f"{chain}{n}.xlsx", *rows)


def test_statements_do_not_grow_with_the_links(db: Engine, world: World, tmp_path: Path) -> None:
    """10 links or 300, through the import or one batch call: the same statements."""
    small = _statements(db, lambda: import_file(db, "links", _many(tmp_path, "HM", 10), SYSTEM))
    large = _statements(db, lambda: import_file(db, "links", _many(tmp_path, "OT", 300), SYSTEM))
    assert small == large

    def direct(prefix: str, n: int) -> Callable[[], object]:
        rows = [
            batch.form_row("HM", None, LinkInput(name=f"示例{prefix}{j}", code=f"{prefix}{j}"))
            for j in range(n)
        ]

        def run() -> object:
            with session_scope(db) as s:
                return batch.write_links(s, batch.prepare_links(s, SYSTEM, rows))

        return run

    assert _statements(db, direct("S", 10)) == _statements(db, direct("T", 300))
    with session_scope(db) as s:
        parent = s.scalar(select(Link.parent_id).where(Link.code == "N0299"))
        assert parent == s.scalar(
            select(Link.id).where(Link.code == "N0298", Link.chain_id == world.ids["OT"])
        )
        assert s.scalar(select(Link.code).where(Link.name == "示例T299")) == "T299"
