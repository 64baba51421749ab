"""Exports are inert: a text that starts like a formula stays text, and imports back exactly.

The trigger list is OWASP's (CSV Injection): = + - @ tab and carriage return, plus the
full-width forms a Chinese input method types. .xlsx cells must be string cells ("s"), never
formulas ("f"); CSV cells get one leading quote; the importer removes exactly that quote.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.core.excel import new_workbook
from gaodi.core.permissions import SYSTEM
from gaodi.core.text_safety import FORMULA_TRIGGERS, csv_cell, csv_frame, neutralise, unneutralise
from gaodi.db import session_scope
from gaodi.exchange.service import export, import_file
from gaodi.models import Chain, Enterprise, Link, Park
from tests.exchange.helpers import PARKS, write_csv
from tests.web.conftest import Site, make_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD

HOSTILE = [
    '=HYPERLINK("http://evil.example","点我")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "＝１＋１",
    "'=already quoted",
    "=",
]
#: Import trims the whitespace around a cell, so a leading tab is tested on the writers only.
WRITER_ONLY = [*HOSTILE, "\t=1", "\r=1"]


@given(st.text())
def test_neutralise_round_trips_every_text(text: str) -> None:
    assert unneutralise(neutralise(text)) == text


@given(st.text(min_size=1))
def test_a_neutralised_text_never_starts_with_a_trigger(text: str) -> None:
    assert neutralise(text)[0] not in FORMULA_TRIGGERS


def test_the_one_workbook_writer_keeps_text_as_text(tmp_path: Path) -> None:
    wb = new_workbook()
    ws = wb.active
    ws.append(WRITER_ONLY)
    ws.cell(2, 1, "=1+2")
    ws["B2"] = "=3+4"
    ws["C2"].value = "=5+6"  # set directly: caught when saving
    ws.append([-5, 3.5, "#N/A"])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    back = load_workbook(path).active
    assert [c.value for c in back[1]] == WRITER_ONLY
    assert {c.data_type for c in back[1]} == {"s"}
    assert [(c.value, c.data_type) for c in back[2][:3]] == [
        ("=1+2", "s"),
        ("=3+4", "s"),
        ("=5+6", "s"),
    ]
    assert [(c.value, c.data_type) for c in back[3][:3]] == [(-5, "n"), (3.5, "n"), ("#N/A", "s")]


def test_write_only_workbooks_too(tmp_path: Path) -> None:
    wb = new_workbook(write_only=True)
    ws = wb.create_sheet("s")
    ws.append(HOSTILE)
    path = tmp_path / "w.xlsx"
    wb.save(path)
    back = load_workbook(path).active
    assert [(c.value, c.data_type) for c in back[1]] == [(v, "s") for v in HOSTILE]


def test_no_module_makes_a_workbook_of_its_own() -> None:
    root = Path(__file__).resolve().parents[2] / "gaodi"
    offenders = []
    for path in root.rglob("*.py"):
        if path.name == "excel.py" and path.parent.name == "core":
            continue
        text = path.read_text(encoding="utf-8")
        if "Workbook(" in text.replace("new_workbook(", "").replace("inert_workbook(", ""):
            offenders.append(str(path.relative_to(root)))
    assert offenders == [], "use gaodi.core.excel.new_workbook"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_hostile_park_names_export_inert_and_import_back_exactly(
    db: Engine, other_db: Engine, tmp_path: Path, suffix: str
) -> None:
    header, template = PARKS[0], PARKS[1]
    rows = [header] + [[neutralise(name), *template[1:]] for name in HOSTILE]
    # CSV in: a plain openpyxl workbook would hold =HYPERLINK(...) as a formula, not as text.
    import_file(db, "parks", write_csv(tmp_path / "in.csv", rows), principal=SYSTEM)
    out = tmp_path / f"parks{suffix}"
    export(db, "parks", out, principal=SYSTEM)
    if suffix == ".xlsx":
        ws = load_workbook(out)["园区 parks"]
        names = {c.value: c.data_type for c in ws["A"][1:]}
        assert set(names) == set(HOSTILE) and set(names.values()) == {"s"}
        assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    else:
        text = out.read_text(encoding="utf-8-sig")
        cells = [r[0] for r in csv.reader(io.StringIO(text))][1:]
        assert sorted(cells) == sorted(neutralise(n) for n in HOSTILE)
        assert all(c[0] not in FORMULA_TRIGGERS for c in cells)
        assert "'=HYPERLINK" in text and "''=already quoted" in text
    import_file(other_db, "parks", out, principal=SYSTEM)
    with session_scope(other_db) as s:
        assert sorted(s.scalars(select(Park.name))) == sorted(HOSTILE)


def test_csv_of_an_error_report_is_inert(tmp_path: Path) -> None:
    from gaodi.exchange.report import write_report
    from gaodi.exchange.validate import CellError

    path = tmp_path / "errors.csv"
    write_report(path, [CellError("s", 2, "A", "=cmd|' /C calc'!A0", "错", "bad")])
    assert "'=cmd" in path.read_text(encoding="utf-8-sig")
    assert os.path.getsize(path) > 0


# ---------------------------------------------------------------------------- every route
#: The four enterprises of the web tests' city get a hostile name each (tests/web/seed.py).
NAMES = {
    "e1": '=HYPERLINK("http://evil.example","点我")',
    "e2": "+1+1",
    "e3": "-2+3",
    "e4": "@SUM(A1)",
}
LINK_NAME = "\t=1"


def _hostile_site(directory: Path) -> Site:
    site = make_site(directory)
    with session_scope(site.engine) as s:
        for key, name in NAMES.items():
            s.get(Enterprise, site.world.ids[key]).name = name  # type: ignore[union-attr]
        s.get(Link, site.world.ids["a1"]).name = LINK_NAME  # type: ignore[union-attr]
    return site


def _cells(data: bytes) -> dict[str, str]:
    """Every string cell of a workbook by value, with its data type."""
    wb = load_workbook(io.BytesIO(data))
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    out[c.value] = c.data_type
    return out


def test_every_web_export_is_inert_and_the_data_export_imports_back_exactly(
    tmp_path: Path,
) -> None:
    site = _hostile_site(tmp_path)
    client = site.client()
    login(client, site.world.users["admin"], PASSWORD)
    # the data exchange download, both formats
    xlsx = client.get("/data/export/enterprises", params={"format": "xlsx"})
    assert xlsx.status_code == 200, xlsx.text[:300]
    cells = _cells(xlsx.content)
    assert {cells[name] for name in NAMES.values()} == {"s"}
    csv_response = client.get("/data/export/enterprises", params={"format": "csv"})
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    names = {r[1] for r in rows[1:]}
    assert names == {neutralise(n) for n in NAMES.values()}
    assert all(n.startswith("'") for n in names)
    # the page exports ("导出 Excel") of the enterprise list and of a chain's diagnosis
    for url in ("/export/xlsx/enterprises", f"/export/xlsx/chains/{site.world.ids['chain_a']}"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.text[:300])
        cells = _cells(response.content)
        shown = set(NAMES.values()) | {LINK_NAME} if "chains" in url else set(NAMES.values())
        assert shown & set(cells), url
        assert {cells[v] for v in shown if v in cells} == {"s"}, url
    assert LINK_NAME in cells
    # the generic export beside every table (/export/table/<page>): the list's names as text
    response = client.get("/export/table/enterprises", params={"xlsx_table": 0})
    assert response.status_code == 200, response.text[:300]
    cells = _cells(response.content)
    assert {cells[name] for name in NAMES.values()} == {"s"}
    # each download imports back to the very same names
    for suffix, data in ((".xlsx", xlsx.content), (".csv", csv_response.content)):
        path = tmp_path / f"back{suffix}"
        path.write_bytes(data)
        with session_scope(site.engine) as s:
            for e in s.scalars(select(Enterprise)):
                e.name = "placeholder " + e.uscc
        import_file(site.engine, "enterprises", path, mode="upsert", principal=SYSTEM)
        with session_scope(site.engine) as s:
            back = {e.id: e.name for e in s.scalars(select(Enterprise))}
        assert {back[site.world.ids[k]] for k in NAMES} == set(NAMES.values()), suffix
    site.engine.dispose()


def test_the_cli_xlsx_format_is_inert(demo_db: Engine, tmp_path: Path) -> None:
    with session_scope(demo_db) as s:
        link = s.scalars(select(Link).join(Chain).where(Chain.code == "CM").order_by(Link.id))
        first = link.first()
        assert first is not None
        first.name = HOSTILE[0]
    out = tmp_path / "diagnosis.xlsx"
    result = CliRunner().invoke(app, ["chains", "diagnose", "CM", "-f", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    cells = _cells(out.read_bytes())
    assert cells[HOSTILE[0]] == "s"


def test_no_module_writes_csv_past_the_neutraliser() -> None:
    root = Path(__file__).resolve().parents[2] / "gaodi"
    offenders = []
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if ("csv.writer(" in text or "DictWriter(" in text) and "csv_cell" not in text:
            offenders.append(str(path.relative_to(root)))
    assert offenders == [], "pass every CSV cell through gaodi.core.text_safety.csv_cell"


# ---------------------------------------------------------------------------- polars CSVs
_NO_SURROGATE = st.characters(blacklist_categories=("Cs",))


@given(st.lists(st.text(alphabet=_NO_SURROGATE), min_size=1, max_size=5))
def test_a_frame_is_neutralised_cell_by_cell_like_the_csv_writer(texts: list[str]) -> None:
    import polars as pl

    frame = pl.DataFrame({"name": texts, "n": list(range(len(texts)))})
    out = csv_frame(frame)
    assert out["name"].to_list() == [csv_cell(t) for t in texts]
    assert out["n"].to_list() == list(range(len(texts)))


def test_the_regions_cli_writes_inert_region_names(tmp_path: Path) -> None:
    import polars as pl

    rows = []
    for region, values in (('=HYPERLINK("http://evil.example")', (20, 30)), ("rest", (80, 70))):
        for industry, value in zip(("+x", "y"), values, strict=True):
            rows += [(region, industry, 2020, value)]
    pl.DataFrame(rows, schema=["region", "industry", "year", "value"], orient="row").write_csv(
        tmp_path / "in.csv"
    )
    result = CliRunner().invoke(
        app, ["regions", "specialise", str(tmp_path / "in.csv"), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    with (tmp_path / "o" / "specialisation.csv").open(encoding="utf-8", newline="") as fh:
        cells = {c for row in csv.reader(fh) for c in row}
    assert '\'=HYPERLINK("http://evil.example")' in cells and "'+x" in cells
    assert not any(c and c[0] in FORMULA_TRIGGERS and not _is_number(c) for c in cells)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_no_module_writes_a_frame_to_csv_past_the_neutraliser() -> None:
    root = Path(__file__).resolve().parents[2] / "gaodi"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if ".write_csv(" in (text := path.read_text(encoding="utf-8")) and "csv_frame" not in text
    ]
    assert offenders == [], "pass every frame through gaodi.core.text_safety.csv_frame"
