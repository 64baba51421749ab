"""An edited 备注 on an import row whose amount is the one on record is not saved (a note is
kept only as the reason of a correction): the import's report says so, row by row, instead of
counting the row unchanged in silence while the file and the database disagree.

The synthetic city of tests/exchange/helpers.py: project A reported 2023-01 (1,500.5, no note)
and 2023-02 (0, "示例：春节停工"); its 2023 plan is 20,000.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from gaodi.core.permissions import SYSTEM
from gaodi.exchange.service import import_file
from tests.exchange.helpers import write_xlsx
from tests.exchange.test_project_replays import PLANS, A, _progress, city  # noqa: F401
from tests.exchange.test_projects import _project


def test_an_edited_note_beside_an_unchanged_amount_is_reported_not_saved(
    city: Engine,  # noqa: F811
    tmp_path: Path,
) -> None:
    before = _project(city, A)
    rows = [
        [*A, "2023-01", 1500.5, "另一个说明"],  # a note typed beside an unchanged amount
        [*A, "2023-02", 0, "示例：春节停工"],  # the note on record, as exported: nothing to say
        [*A, "2023-03", 10, ""],  # blank: keeps the note, nothing to say
    ]
    report = _progress(city, tmp_path / "m.xlsx", rows)
    assert (report.created, report.updated, report.unchanged) == (1, 0, 2)  # type: ignore[attr-defined]
    assert [zh for zh, _ in report.notes] == [  # type: ignore[attr-defined]
        "“月度投资”第 2 行：金额未变，备注未保存：更正原因只随数值更正保存。"
    ]
    assert "row 2: the amount is unchanged" in report.notes[0][1]  # type: ignore[attr-defined]
    after = _project(city, A)
    assert after["progress"]["2023-01"] == before["progress"]["2023-01"]
    # an annual plan: the export has no 备注, so any note beside an unchanged year goes nowhere
    sheet = write_xlsx(tmp_path / "p.xlsx", {"年度计划投资": [PLANS, [*A, 2023, 20000, "口径"]]})
    report = import_file(city, "projects", sheet, mode="upsert", principal=SYSTEM)
    assert [zh for zh, _ in report.notes] == [
        "“年度计划投资”第 2 行：金额未变，备注未保存：更正原因只随数值更正保存。"
    ]
    assert report.unchanged == 1
