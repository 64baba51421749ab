"""Every import entity x every scoped role, in and out of scope (issue 12, item 2).

The seeded city of the permission suite (tests/web/seed.py: chain office = chain A, park office
= park A, enterprise user = E1) is exported twice per entity: by the administrator (every row,
some outside the role's scope) and by the scoped role itself (the rows it reads). Each scoped
role then imports both files:

- a role without the entity's import right is refused before a row is read, and nothing changes;
- the administrator's file is refused as a whole (rows outside the scope are named, in the words
  a missing record gets) and nothing changes — the import is all-or-nothing;
- the role's own export imports back (an exact round trip of what it may change).

The web upload (数据交换) and ``gaodi import --as`` call the same service
(tests/exchange/test_views.py, tests/exchange/test_cli.py).
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from gaodi import migrate
from gaodi.accounts.models import User
from gaodi.config import reset_settings
from gaodi.core.codes import make_uscc
from gaodi.core.errors import CellError, GaodiError, ImportRejected, PermissionDenied
from gaodi.core.permissions import SYSTEM, Principal, allowed
from gaodi.db import make_engine, session_scope
from gaodi.enterprises import facts, tier_lists
from gaodi.exchange import service as exchange
from gaodi.exchange.entities import ENTITIES
from gaodi.projects import projects
from tests.security.test_write_matrix import fingerprint
from tests.web.conftest import Site
from tests.web.seed import SCOPED, World, seed, seed_features

CASES = [pytest.param(key, role, id=f"{key} as {role}") for key in ENTITIES for role in SCOPED]


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, Path]]:
    directory = tmp_path_factory.mktemp("import-matrix")
    engine = make_engine(f"sqlite:///{directory / 'city.sqlite'}")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GAODI_DATA_DIR", str(directory))
        reset_settings()
        migrate.upgrade(engine)
        world = seed(engine)
        seed_features(engine, world)
        with session_scope(engine) as s:  # monthly investment of every project (a stage may
            for label in ("甲甲", "甲乙", "乙甲", "乙乙"):  # refuse it: then it has none)
                try:
                    with s.begin_nested():
                        projects.report_progress(
                            s, SYSTEM, world.ids[f"project_{label}"], "2023-05", 100.0
                        )
                except GaodiError:
                    pass
            for n, key in enumerate(("e1", "e2", "e3", "e4")):  # tier facts of every firm
                facts.set_facts(
                    s, SYSTEM, world.ids[key], 2023,
                    {"years_in_niche": str(3 + n), "global_rank": str(1 + n)}, "certified",
                )  # fmt: skip
                tier_lists.add_award(
                    s, SYSTEM, world.ids[key],
                    tier_lists.Award(2022, f"示例科技奖{n}", "provincial", "second", 1 + n),
                )  # fmt: skip
                tier_lists.add_honour(
                    s, SYSTEM, world.ids[key],
                    tier_lists.Honour("high_tech", date(2021, 1, 1), date(2023, 12, 31)),
                )  # fmt: skip
            tier_lists.set_industry_margin(
                s, SYSTEM, tier_lists.Margin("35", 2023, Decimal("0.06"), "示例出处")
            )
    reset_settings()
    yield Site(engine, world, None, None), directory  # type: ignore[arg-type]
    engine.dispose()


def principal_of(engine, world: World, role: str) -> Principal:  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        user = s.scalars(select(User).where(User.username == world.users[role])).one()
        return Principal.from_user(user)


def _import(engine, key: str, path: Path, who: Principal):  # type: ignore[no-untyped-def]
    mode = "insert" if ENTITIES[key].history else "upsert"
    return exchange.import_file(engine, key, path, who, mode=mode)


@pytest.mark.parametrize(("key", "role"), CASES)
def test_an_import_writes_only_inside_the_scope(
    key: str, role: str, city: tuple[Site, Path], tmp_path: Path
) -> None:
    site, _ = city
    engine, world = site.engine, site.world
    spec = ENTITIES[key]
    who = principal_of(engine, world, role)
    everything = tmp_path / f"{key}-all.xlsx"
    exchange.export(engine, key, everything, SYSTEM)
    before = fingerprint(site)

    if not allowed(who, spec.import_action, spec.domain):
        with pytest.raises(PermissionDenied):
            _import(engine, key, everything, who)
        assert fingerprint(site) == before
        return

    # the administrator's file holds rows outside the scope: refused whole, nothing written
    with pytest.raises(ImportRejected) as refused:
        _import(engine, key, everything, who)
    assert fingerprint(site) == before, f"{key} as {role}: a refused import wrote"
    errors = refused.value.errors
    assert errors

    # each refusal reads as the one a missing record gets (same words once the value is blanked)
    unknown = tmp_path / f"{key}-unknown.xlsx"
    replaced = _rewrite(everything, unknown, errors, _unknown_value(random.Random(key)))
    if replaced:
        with pytest.raises(ImportRejected) as missing:
            _import(engine, key, unknown, who)
        said = {(e.sheet, e.row, e.column): _words(e) for e in missing.value.errors}
        for e in errors:
            if (e.sheet, e.row, e.column) in replaced:
                assert said.get((e.sheet, e.row, e.column)) == _words(e), (key, role, e)
    for e in errors:
        words = f"{e.reason_zh} {e.reason_en}"
        shown = [h for h in world.hidden_from(role) if h in words and h != str(e.value)]
        assert not shown, (key, role, e)

    # without the rows it was refused, the file imports: the refusal named exactly those rows
    inside = tmp_path / f"{key}-inside.xlsx"
    if _rewrite(everything, inside, errors, None) and _has_rows(inside):
        _import(engine, key, inside, who)

    # and the role's own export, where it holds rows, imports back
    mine = tmp_path / f"{key}-mine.xlsx"
    exchange.export(engine, key, mine, who)
    if _has_rows(mine):
        try:
            _import(engine, key, mine, who)
        except ImportRejected as exc:  # rows it reads but may not change (city figures)
            assert all(e.column.endswith("scope_ref") for e in exc.errors), exc.errors


def _unknown_value(rng: random.Random) -> Callable[[object], object]:
    """A value of the same kind as the refused one that no record has (a valid USCC, a code or
    a name), a different one each time (a file may not repeat a key)."""
    serial = itertools.count(1)

    def value(old: object) -> object:
        text = str(old or "")
        if len(text) == 18 and text[:2].isdigit():
            return make_uscc("430100", rng)
        return f"ZZ{next(serial)}" if text.isascii() else f"无此对象测试{next(serial)}"

    return value


def _words(e: CellError) -> str:
    text = f"{e.reason_zh} {e.reason_en}".replace(str(e.value), "#")
    return re.sub(r"（[^）]*）", "", text)  # a project's investor follows its name


def _rewrite(
    source: Path, target: Path, errors: list[CellError], value: Callable[[object], object] | None
) -> set[tuple[str, int, str]]:
    """Copy ``source`` with each refused cell set to ``value(old)`` (or, with None, without the
    refused rows). Returns the cells it changed."""
    book = load_workbook(source)
    changed: set[tuple[str, int, str]] = set()
    drop: dict[str, set[int]] = {}
    for e in errors:
        if e.sheet not in book.sheetnames or e.row < 2:
            continue
        sheet = book[e.sheet]
        if value is None:
            drop.setdefault(e.sheet, set()).add(e.row)
            continue
        new = value(e.value) if e.value not in (None, "") else None
        column = _column(sheet, e.column)
        if new is None or column is None:
            continue
        sheet.cell(e.row, column).value = new
        changed.add((e.sheet, e.row, e.column))
    for name, rows in drop.items():
        for row in sorted(rows, reverse=True):
            book[name].delete_rows(row)
        changed |= {(name, r, "") for r in rows}
    book.save(target)
    return changed


def _column(sheet: Any, header: str) -> int | None:
    for row in sheet.iter_rows(min_row=1, max_row=5):
        for cell in row:
            if " ".join(str(cell.value or "").split()) == " ".join(header.split()):
                return int(cell.column)
    return None


def _has_rows(path: Path) -> bool:
    from gaodi.exchange.reader import read_file

    return any(s.rows for s in read_file(path).sheets if s.name != "说明")


def test_the_command_line_imports_as_a_scoped_user_within_its_scope(
    city: tuple[Site, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``gaodi import --as`` is the import of that user: the administrator's yearly figures are
    refused (exit 2, the out-of-scope rows named, nothing written); its own export imports."""
    from typer.testing import CliRunner

    from gaodi.cli import app
    from gaodi.db import get_engine

    site, _ = city
    monkeypatch.setenv("GAODI_DATABASE_URL", site.engine.url.render_as_string(False))
    reset_settings()
    get_engine.cache_clear()
    everything, mine = tmp_path / "all.xlsx", tmp_path / "mine.xlsx"
    office = site.world.users["park_office"]
    runner = CliRunner()
    assert runner.invoke(app, ["export", "enterprise_years", str(everything)]).exit_code == 0
    exported = runner.invoke(app, ["export", "enterprise_years", str(mine), "--as", office])
    assert exported.exit_code == 0, exported.output
    before = fingerprint(site)
    args = ["import", "enterprise_years", "--mode", "upsert", "--as", office]
    refused = runner.invoke(app, [*args[:2], str(everything), *args[2:]])
    assert refused.exit_code == 2, refused.output
    assert "Import rejected: 4 error(s)" in refused.output  # E2 and E4's rows (a table above)
    assert fingerprint(site) == before
    done = runner.invoke(app, [*args[:2], str(mine), *args[2:]])
    assert done.exit_code == 0, done.output
    get_engine.cache_clear()
