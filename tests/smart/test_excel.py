"""The Excel questionnaire: generate it, fill it with openpyxl, import it; the stored score is
the hand-computed one (tests/smart/test_service.py: 51.925, 二级). A bad form is refused
whole, with every bad cell named."""

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
from tests.smart.test_service import ITEMS, SCENARIOS


@pytest.fixture(autouse=True)
def _today() -> object:
    with clock.frozen(date(2024, 3, 1)):
        yield


def blank(world: World) -> bytes:
    return excel.build_form(service.scheme(), uscc=world.uscc["e1"], name="测试企业E1")


def fill(
    data: bytes,
    items: dict[str, str | list[str]],
    scenarios: dict[str, int],
    *,
    day: str = "2023-10-08",
    overrides: dict[str, object] | None = None,
) -> bytes:
    """Answer the form as a person would: option text from the drop-down, 是/否 per option."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb[excel.SHEET]
    ws["B7"] = day
    ws["B8"] = "李四"
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}
    s = service.scheme()
    for it in s.items:
        answer = items.get(it.code)
        if it.kind == "single":
            opt = next((o for o in it.options if o.code == answer), None)
            ws.cell(rows[it.code], 6, f"{opt.code}. {opt.label_zh}" if opt else answer)
        else:
            for o in it.options:
                ws.cell(rows[f"{it.code}.{o.code}"], 6, "是" if o.code in (answer or []) else "否")
    for code, level in scenarios.items():
        ws.cell(rows[f"scenario.{code}"], 6, excel.SCENARIO_CHOICES[level])
    for key, value in (overrides or {}).items():
        ws.cell(rows[key], 6, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Assessment)) or 0


def test_form_has_a_drop_down_on_every_answer_cell(world: World) -> None:
    wb = load_workbook(io.BytesIO(blank(world)))
    ws = wb[excel.SHEET]
    assert ws["B3"].value == "miit_sme_digital_2024" and ws["B5"].value == world.uscc["e1"]
    answer_rows = [
        r for r in range(excel.FIRST_ROW, ws.max_row + 1) if ws.cell(r, 4).value != "多选"
    ]
    validated = set()
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            validated |= {(r, c) for r in range(rng.min_row, rng.max_row + 1)
                          for c in range(rng.min_col, rng.max_col + 1)}  # fmt: skip
    assert all((r, 6) in validated for r in answer_rows)
    s = service.scheme()
    n_multi_options = sum(len(i.options) for i in s.items if i.kind == "multi")
    n_single = sum(i.kind == "single" for i in s.items)
    assert len(answer_rows) == n_single + n_multi_options + len(s.scenarios)  # 9 + 41 + 16
    assert wb[excel.LISTS].sheet_state == "hidden"


def test_filled_form_imports_to_the_hand_computed_score(session: Session, world: World) -> None:
    data = fill(blank(world), ITEMS, SCENARIOS)
    row = excel.import_form(session, world.admin, data, uscc=world.uscc["e1"])
    assert row.total == pytest.approx(51.925)  # 23.8 + 13.125 + 15, see test_service.ITEMS
    assert (row.level, row.level_name) == (2, "二级")
    assert row.assessed_on == date(2023, 10, 8) and row.source == "excel" and row.assessor == "李四"
    assert row.answers["items"]["b_data_collection"] == ["B", "G", "O"]
    assert row.answers["scenarios"]["production_control"] == 3


def test_bare_option_codes_are_accepted(session: Session, world: World) -> None:
    data = fill(blank(world), ITEMS, SCENARIOS, overrides={"m_planning": "D"})
    assert excel.import_form(session, world.enterprise, data).total == pytest.approx(51.925)


def test_bad_cells_are_all_reported_and_nothing_is_written(session: Session, world: World) -> None:
    items = dict(ITEMS)
    del items["m_planning"]  # left blank
    form = fill(
        blank(world),
        items,
        SCENARIOS,
        day="2023-13-01",
        overrides={
            "b_equipment_digital": "Z. 不存在",
            "b_network.A": "是",  # 无 together with B and C
            "b_data_security.C": "也许",
            "scenario.energy": "7",
        },
    )
    with pytest.raises(ImportRejected) as err:
        excel.import_form(session, world.admin, form)
    ws = load_workbook(io.BytesIO(form))[excel.SHEET]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}
    found = {(e.row, e.column) for e in err.value.errors}
    assert found == {
        (7, "B"),  # the date
        (rows["b_network.A"], "F"),  # the item's first option row carries the 无 conflict
        (rows["b_equipment_digital"], "F"),
        (rows["b_data_security.C"], "F"),
        (rows["m_planning"], "F"),
        (rows["scenario.energy"], "F"),
    }
    assert all(e.sheet == excel.SHEET and e.reason_zh and e.reason_en for e in err.value.errors)
    assert _count(session) == 0


def test_the_form_must_be_for_the_chosen_enterprise(session: Session, world: World) -> None:
    data = fill(blank(world), ITEMS, SCENARIOS)
    with pytest.raises(ImportRejected) as err:
        excel.import_form(session, world.admin, data, uscc=world.uscc["e2"])
    assert [(e.row, e.column) for e in err.value.errors] == [(5, "B")]
    # an enterprise user cannot import a form for another enterprise either
    other = fill(excel.build_form(service.scheme(), uscc=world.uscc["e2"]), ITEMS, SCENARIOS)
    with pytest.raises(ImportRejected) as err:
        excel.import_form(session, world.enterprise, other)
    assert "找不到企业" in err.value.errors[0].reason_zh
    assert _count(session) == 0


def test_not_an_xlsx_file(session: Session, world: World) -> None:
    with pytest.raises(ImportRejected) as err:
        excel.import_form(session, world.admin, b"PK not really a workbook")
    assert err.value.errors[0].reason_en == "Not a valid .xlsx file."
