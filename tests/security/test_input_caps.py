"""Inputs whose cost grows with their content are capped before the heavy work, and two imports
of the same rows at once end in one copy and one clear conflict error, never a 500."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from gaodi.core.errors import ConflictError, GaodiError
from gaodi.core.permissions import SYSTEM
from gaodi.exchange import service
from gaodi.exchange.handlers import ParksHandler
from gaodi.parks.models import Park
from tests.exchange.helpers import PARKS, write_xlsx

# -- two imports of the same rows at once ---------------------------------------------------------


def test_two_imports_of_the_same_rows_at_once_give_one_copy_and_a_clear_conflict(
    db: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xlsx(tmp_path / "parks.xlsx", {"园区 parks": PARKS})
    # Both imports check against the empty table, then write: the race the issue reproduced.
    both_checked = threading.Barrier(2, timeout=30)
    original = ParksHandler.write

    def write_after_both_checked(self: ParksHandler) -> None:
        both_checked.wait()
        original(self)

    monkeypatch.setattr(ParksHandler, "write", write_after_both_checked)
    outcomes: list[Any] = []

    def run() -> None:
        try:
            outcomes.append(service.import_file(db, "parks", path, principal=SYSTEM))
        except BaseException as exc:  # recorded: the assertions below say what is allowed
            outcomes.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(outcomes) == 2
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    reports = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(reports) == 1 and len(errors) == 1, outcomes
    error = errors[0]
    assert isinstance(error, ConflictError), repr(error)
    assert "另一次导入" in error.zh and "another import" in error.en
    assert reports[0].created == len(PARKS) - 1
    with db.connect() as conn:
        names = conn.execute(select(Park.name, func.count()).group_by(Park.name)).all()
    assert sorted(names) == sorted((row[0], 1) for row in PARKS[1:])


def test_the_conflict_is_a_gaodi_error_the_pages_and_the_cli_show() -> None:
    assert issubclass(ConflictError, GaodiError) and ConflictError.status_code == 409
