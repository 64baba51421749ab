"""Importing a filled questionnaire again, and scenario levels that are not whole numbers.

Audit H §6: the same filled form imported twice stored two identical assessments for one
enterprise and day (three imports, three records #587-#589). An assessment is a dated record, so
the same enterprise, scheme, date and answers are refused at the date cell with the id of the
record they repeat; a form for that day with different answers is its correction, stored after
it (the earlier stays in the history) and named when imported.

Audit H §7: a scenario level "2.5" was stored as 2 (the leading digits were kept), though the
rule says 须为0至4的整数 and "5" or "三级" were refused; now it is refused at its cell.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gaodi.core import clock
from gaodi.core.errors import ImportRejected
from gaodi.smart import excel, service
from gaodi.smart.models import Assessment
from tests.smart.conftest import World
from tests.smart.test_excel import blank, fill
from tests.smart.test_service import ITEMS, SCENARIOS


@pytest.fixture(autouse=True)
def _today() -> object:
    with clock.frozen(date(2024, 3, 1)):
        yield


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Assessment)) or 0


def _row_of(form: bytes, key: str) -> int:
    ws = load_workbook(io.BytesIO(form))[excel.SHEET]
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == key)


def test_the_same_form_imported_twice_is_refused_naming_the_record(
    session: Session, world: World
) -> None:
    form = fill(blank(world), ITEMS, SCENARIOS)
    first = excel.import_form(session, world.admin, form, uscc=world.uscc["e1"], source="cli")
    with pytest.raises(ImportRejected) as err:
        excel.import_form(session, world.admin, form, uscc=world.uscc["e1"], source="cli")
    [cell] = err.value.errors
    assert (cell.sheet, cell.row, cell.column) == (excel.SHEET, 7, "B")  # the date cell
    assert f"#{first.id}" in cell.reason_zh and "已有一份答案完全相同的评估" in cell.reason_zh
    assert f"#{first.id}" in cell.reason_en and "identical assessment" in cell.reason_en
    # the same answers from another person are still the same assessment of that day
    other_assessor = load_workbook(io.BytesIO(form))
    other_assessor[excel.SHEET]["B8"] = "王五"
    buf = io.BytesIO()
    other_assessor.save(buf)
    with pytest.raises(ImportRejected):
        excel.import_form(session, world.admin, buf.getvalue(), uscc=world.uscc["e1"])
    assert _count(session) == 1
    assert [a.id for a in service.history(session, world.admin, world.ids["e1"])] == [first.id]


def test_a_corrected_form_for_the_same_day_supersedes_the_earlier_record(
    session: Session, world: World
) -> None:
    first = excel.import_form(session, world.admin, fill(blank(world), ITEMS, SCENARIOS))
    assert service.superseded(session, world.admin, first) is None
    weaker = dict(ITEMS) | {"b_info_systems": "A"}  # 5 points less: 46.925
    corrected = excel.import_form(session, world.admin, fill(blank(world), weaker, SCENARIOS))
    assert corrected.assessed_on == first.assessed_on == date(2023, 10, 8)
    assert corrected.total == pytest.approx(46.925)
    assert service.superseded(session, world.admin, corrected).id == first.id
    assert service.latest(session, world.admin, world.ids["e1"]).id == corrected.id
    past = service.history(session, world.admin, world.ids["e1"])
    assert [a.id for a in past] == [first.id, corrected.id]  # the earlier stays in the history
    # the first form again now repeats nothing: it corrects the correction back
    again = excel.import_form(session, world.admin, fill(blank(world), ITEMS, SCENARIOS))
    assert service.superseded(session, world.admin, again).id == corrected.id
    # a new assessment on its own day supersedes nothing
    later = excel.import_form(
        session, world.admin, fill(blank(world), ITEMS, SCENARIOS, day="2024-01-05")
    )
    assert service.superseded(session, world.admin, later) is None


@pytest.mark.parametrize("level", ["2.5", 2.5, "2.9", "2-3", "2,5"])
def test_a_scenario_level_that_is_not_a_whole_number_is_refused_at_its_cell(
    session: Session, world: World, level: object
) -> None:
    form = fill(blank(world), ITEMS, SCENARIOS, overrides={"scenario.finance": level})
    with pytest.raises(ImportRejected) as err:
        excel.import_form(session, world.admin, form, uscc=world.uscc["e1"])
    [cell] = err.value.errors
    assert (cell.row, cell.column) == (_row_of(form, "scenario.finance"), "F")
    assert "须为0至4的整数" in cell.reason_zh and "integer 0..4" in cell.reason_en
    assert _count(session) == 0


@pytest.mark.parametrize("level", ["2", 2, 2.0, "2级", "２", "2 二级", " 2  二级 "])
def test_a_whole_scenario_level_is_read_as_written(
    session: Session, world: World, level: object
) -> None:
    form = fill(blank(world), ITEMS, SCENARIOS, overrides={"scenario.finance": level})
    row = excel.import_form(session, world.admin, form, uscc=world.uscc["e1"])
    assert row.answers["scenarios"]["finance"] == 2
    assert row.total == pytest.approx(51.925) and row.level_name == "二级"


def test_a_drop_down_text_with_the_wrong_level_name_is_refused(
    session: Session, world: World
) -> None:
    form = fill(blank(world), ITEMS, SCENARIOS, overrides={"scenario.finance": "2 三级"})
    with pytest.raises(ImportRejected) as err:
        excel.import_form(session, world.admin, form, uscc=world.uscc["e1"])
    assert [(e.row, e.column) for e in err.value.errors] == [
        (_row_of(form, "scenario.finance"), "F")
    ]
