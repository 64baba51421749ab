"""Inputs whose cost grows with their content are capped before the heavy work, and two imports
of the same rows at once end in one copy and one clear conflict error, never a 500."""

from __future__ import annotations

import io
import resource
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from gaodi.config import reset_settings
from gaodi.core.errors import ConflictError, GaodiError, ImportRejected, ValidationError
from gaodi.core.permissions import SYSTEM
from gaodi.exchange import service
from gaodi.exchange.handlers import ParksHandler
from gaodi.parks.models import Park
from gaodi.regions import linkages as io_service
from gaodi.smart import excel
from gaodi.smart import service as smart
from tests.exchange.helpers import PARKS, USCCS, write_xlsx
from tests.smart.test_excel import fill
from tests.smart.test_service import ITEMS, SCENARIOS
from tests.web.conftest import Site, make_site
from tests.web.helpers import csrf_of, login
from tests.web.seed import PASSWORD


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = make_site(tmp_path_factory.mktemp("caps-web"))
    yield site
    site.engine.dispose()


def _signed_in(site: Site, role: str) -> tuple[Any, str]:
    client = site.client()
    csrf = login(client, site.world.users[role], PASSWORD)
    client.headers["X-CSRF-Token"] = csrf
    return client, csrf


def _peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# -- input-output tables: sectors capped before any matrix ------------------------------------


def _io_tables(n: int) -> tuple[bytes, bytes]:
    """Z and Y of ``n`` sectors, each using only itself: x = 11, A = I/11, L = I * 11/10."""
    z = "row_sector,col_sector,value\n" + "".join(f"s{i},s{i},1\n" for i in range(n))
    y = "sector,value\n" + "".join(f"s{i},10\n" for i in range(n))
    return z.encode(), y.encode()


def test_the_issues_3000_sector_table_is_refused_before_the_matrices(site: Site) -> None:
    z, y = _io_tables(3000)
    assert len(z) + len(y) < 120_000  # the size of the issue's upload
    client, _csrf = _signed_in(site, "viewer")
    before, start = _peak_kib(), time.monotonic()
    response = client.post(
        "/api/v1/regions/linkages",
        files={"flows": ("Z.csv", z, "text/csv"), "final_demand": ("Y.csv", y, "text/csv")},
    )
    assert response.status_code == 422, response.text[:300]
    body = response.json()
    assert "3,000" in body["message_zh"] and "500" in body["message_zh"]
    assert "3,000 sectors" in body["message_en"] and "GAODI_IO_MAX_SECTORS" in body["message_en"]
    assert time.monotonic() - start < 10
    assert _peak_kib() - before < 100 * 1024  # the old path peaked at 951 MB
    assert client.get("/api/v1/regions/linkages").status_code == 200


def test_the_sector_cap_is_the_setting_and_a_table_at_it_is_computed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GAODI_IO_MAX_SECTORS", "20")
    reset_settings()
    result = io_service.linkages(*_io_tables(20))
    assert result.n_sectors == 20
    # Each sector buys only from itself: output multiplier 1 / (1 - 1/11) = 1.1.
    assert {round(r.output_multiplier, 9) for r in result.rows} == {1.1}
    with pytest.raises(ValidationError) as refused:
        io_service.linkages(*_io_tables(21))
    assert refused.value.context["field"] == "flows" and refused.value.context["sectors"] == 21
    assert "21" in refused.value.zh and "20" in refused.value.en


def test_a_multiregional_table_counts_region_sector_pairs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GAODI_IO_MAX_SECTORS", "3")
    reset_settings()
    z = b"row_region,row_sector,col_region,col_sector,value\n" + b"".join(
        f"{r},s,{r},s,1\n".encode() for r in ("A", "B", "C", "D")
    )
    y = b"row_region,row_sector,col_region,category,value\n" + b"".join(
        f"{r},s,{r},hh,10\n".encode() for r in ("A", "B", "C", "D")
    )
    with pytest.raises(ValidationError, match="4 sectors, over the limit of 3"):
        io_service.linkages(z, y)


def test_a_header_of_many_columns_is_refused_before_parsing() -> None:
    z = ("row_sector,col_sector,value," + ",".join(f"c{i}" for i in range(100_000))).encode()
    with pytest.raises(ValidationError) as refused:
        io_service.read_upload(z + b"\n", "flows", io_service.SINGLE_Z)
    assert "100,003" in refused.value.en and str(io_service.MAX_COLUMNS) in refused.value.zh


# -- the smart-manufacturing questionnaire: bounded, then parsed apart ---------------------------


def _blank_form() -> bytes:
    scheme = smart.scorable_scheme(smart.DEFAULT_SCHEME)
    return excel.build_form(scheme, uscc=USCCS[0], name="示例智能装备有限公司")


def _filled_form() -> bytes:
    return fill(_blank_form(), ITEMS, SCENARIOS)


def _padded(data: bytes, row: int, col: int = 1) -> bytes:
    """The form with one more cell far below: openpyxl then builds every row down to it."""
    wb = load_workbook(io.BytesIO(data))
    wb[excel.SHEET].cell(row, col, "x")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_form_padded_to_excels_last_row_is_refused_fast_and_small() -> None:
    data = _padded(_filled_form(), 1_048_576)
    assert len(data) < 100_000
    before, start = _peak_kib(), time.monotonic()
    with pytest.raises(ImportRejected) as refused:
        excel.read_form(data, "form.xlsx")
    assert time.monotonic() - start < 10  # the old path took 48 s
    assert _peak_kib() - before < 100 * 1024  # and 1.3 GB
    (cell,) = refused.value.errors
    assert "1,048,576" in cell.reason_zh and "2,000" in cell.reason_zh
    assert "rows" in cell.reason_en and "form.xlsx" in cell.reason_en


def test_the_form_row_cap_is_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _padded(_filled_form(), 300)
    assert excel.read_form(data).uscc == excel.read_form(_filled_form()).uscc  # 300 rows: fine
    monkeypatch.setenv("GAODI_SMART_FORM_MAX_ROWS", "299")
    reset_settings()
    with pytest.raises(ImportRejected, match="1 error"):
        excel.read_form(data)


def test_a_form_larger_than_its_byte_cap_is_refused() -> None:
    with pytest.raises(ImportRejected) as refused:
        excel.read_form(b"PK\x03\x04" + b"\x00" * excel.FORM_MAX_BYTES, "big.xlsx")
    assert f"{excel.FORM_MAX_BYTES:,}" in refused.value.errors[0].reason_en


def test_a_bad_answer_is_still_reported_by_its_cell_through_the_worker() -> None:
    data = fill(_blank_form(), ITEMS, SCENARIOS, overrides={"b_info_systems": "Q"})
    with pytest.raises(ImportRejected) as refused:
        excel.read_form(data)
    assert [(e.sheet, e.column) for e in refused.value.errors] == [(excel.SHEET, "F")]
    assert "Q" in refused.value.errors[0].reason_zh


def test_the_enterprise_uploading_the_padded_form_gets_a_clear_error_page(site: Site) -> None:
    client, csrf = _signed_in(site, "enterprise")
    e1 = site.world.ids["e1"]
    blank = client.get(f"/smart/enterprises/{e1}/form.xlsx")
    assert blank.status_code == 200
    data = _padded(fill(blank.content, ITEMS, SCENARIOS), 1_048_576)
    token = csrf_of(client.get(f"/smart/enterprises/{e1}/assess").text) or csrf
    response = client.post(
        f"/smart/enterprises/{e1}/upload",
        data={"csrf_token": token},
        files={"file": ("问卷.xlsx", data, "application/octet-stream")},
        follow_redirects=False,
    )
    assert response.status_code == 422
    assert 'data-testid="cell-errors"' in response.text and "1,048,576" in response.text
    assert client.get(f"/smart/enterprises/{e1}").status_code == 200


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


# -- the other upload routes read a bounded number of bytes ----------------------------------------


def test_a_plan_file_larger_than_the_text_one_may_paste_is_refused_unread(site: Site) -> None:
    from gaodi.plans.models import Plan

    client, csrf = _signed_in(site, "admin")
    with site.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(Plan)).scalar_one()
    limit = site.settings.request_max_kb * 1024
    text = ("到2025年，全市规模以上工业增加值达到1000亿元。\n" * (limit // 40)).encode()
    assert len(text) > limit
    response = client.post(
        "/plans/load",
        data={"csrf_token": csrf},
        files={"file": ("plan.txt", text, "text/plain")},
        follow_redirects=False,
    )
    assert response.status_code == 422
    assert "2 MB" in response.text
    with site.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Plan)).scalar_one() == before
