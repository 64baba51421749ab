"""The 报告 page and the Excel exports over HTTP, on a copy of the small demo city: a report
renders in the background and is downloaded by its owner only; a missing LibreOffice is a
message, not a 500; each export holds its page's rows with the page's filters."""

from __future__ import annotations

import io
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from gaodi.accounts import service as accounts
from gaodi.chains import service as chains
from gaodi.config import Settings
from gaodi.core.permissions import SYSTEM
from gaodi.db import make_engine, session_scope
from gaodi.reports import jobs
from gaodi.web.app import create_app
from tests.web.helpers import login, post_form

PASSWORD = "password-123456"


class Site:
    def __init__(self, engine: Engine, app: Any, chain_ids: list[int]) -> None:
        self.engine = engine
        self.app = app
        self.chain_ids = chain_ids

    def client(self, user: str) -> tuple[TestClient, str]:
        client = TestClient(self.app, base_url="http://testserver")
        return client, login(client, user, PASSWORD)


@pytest.fixture(scope="module")
def site(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:

    directory = tmp_path_factory.mktemp("reports-web")
    shutil.copyfile(demo_template, directory / "demo.sqlite")
    engine = make_engine(f"sqlite:///{directory / 'demo.sqlite'}")
    with session_scope(engine, actor="test") as s:
        from sqlalchemy import select

        from gaodi.enterprises.models import Enterprise

        refs = chains.list_chains(s, SYSTEM)
        uscc = s.scalar(select(Enterprise.uscc).where(Enterprise.id == 1))
        accounts.create_user(s, "ana", "analyst", PASSWORD, principal=SYSTEM)
        accounts.create_user(s, "vic", "viewer", PASSWORD, principal=SYSTEM)
        accounts.create_user(
            s, "office", "chain_office", PASSWORD, chains=[refs[0].code], principal=SYSTEM
        )
        accounts.create_user(s, "ent", "enterprise", PASSWORD, enterprise=uscc, principal=SYSTEM)
    app = create_app(engine, Settings(data_dir=directory, secret_key="reports-test-secret-0123"))
    yield Site(engine, app, [r.id for r in refs])
    engine.dispose()


def wait(client: TestClient, job_id: str, limit: float = 120.0) -> dict[str, Any]:
    deadline = time.monotonic() + limit
    while True:
        job = client.get(f"/api/v1/reports/jobs/{job_id}").json()
        if job["status"] in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.3)


def test_a_monthly_report_renders_in_the_background(site: Site) -> None:
    client, csrf = site.client("ana")
    page = client.get("/reports")
    assert page.status_code == 200 and 'data-testid="report-form"' in page.text
    assert 'value="2023-12"' in page.text  # the board's default month for the demo
    started = post_form(client, "/reports", {"kind": "monthly", "format": "docx", "lang": "zh",
                                              "period": "2023-06"}, csrf)  # fmt: skip
    assert started.status_code == 303
    job_id = started.headers["location"].split("job=")[1]
    shown = client.get(f"/reports?job={job_id}")
    assert f'id="job-{job_id}"' in shown.text
    fragment = client.get(f"/reports/jobs/{job_id}")
    assert fragment.status_code == 200 and "<html" not in fragment.text
    job = wait(client, job_id)
    assert job["status"] == "done", job
    assert job["progress"] == 1.0 and job["filename"] == "monthly-2023-06-zh.docx"
    done = client.get(f"/reports/jobs/{job_id}")
    assert "hx-trigger" not in done.text and job["download_url"] in done.text  # polling stops
    file = client.get(job["download_url"])
    assert file.status_code == 200
    assert file.headers["content-type"].startswith("application/vnd.openxmlformats")
    board = client.get("/api/v1/plans/board?as_of=2023-06").json()
    document = docx.Document(io.BytesIO(file.content))
    cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
    first = board["actions"][0]["rows"][0]
    assert f"{first['completion'] * 100:.1f}%" in cells
    listed = client.get("/api/v1/reports").json()
    assert [j["id"] for j in listed["jobs"]][:1] == [job_id]
    # another user can neither see the job nor download its file
    other, _ = site.client("vic")
    assert other.get(f"/api/v1/reports/jobs/{job_id}").status_code == 404
    assert other.get(job["download_url"]).status_code == 404
    assert job_id not in other.get("/reports").text


def test_form_errors_and_missing_libreoffice(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    client, csrf = site.client("ana")
    no_chain = post_form(client, "/reports", {"kind": "chain", "format": "docx"}, csrf)
    assert no_chain.status_code == 422 and 'data-testid="error-chain_id"' in no_chain.text
    bad_month = post_form(client, "/reports", {"kind": "monthly", "format": "docx",
                                               "period": "2023-13"}, csrf)  # fmt: skip
    assert bad_month.status_code == 422
    from gaodi.reports import pdf_render

    monkeypatch.setattr(pdf_render, "soffice_path", lambda: None)
    page = client.get("/reports")
    assert 'data-testid="pdf-missing"' in page.text and "libreoffice-writer-nogui" in page.text
    pdf = post_form(client, "/reports", {"kind": "monthly", "format": "pdf"}, csrf)
    assert pdf.status_code == 422
    assert "libreoffice-writer-nogui" in pdf.text and 'data-testid="error-format"' in pdf.text


def test_roles(site: Site) -> None:
    office, csrf = site.client("office")
    page = office.get("/api/v1/reports").json()
    assert [c["value"] for c in page["chains"]] == [str(site.chain_ids[0])]
    other = post_form(office, "/reports", {"kind": "chain", "format": "xlsx",
                                           "chain_id": str(site.chain_ids[1])}, csrf)  # fmt: skip
    assert other.status_code == 422  # not one of the office's chains
    mine = post_form(office, "/reports", {"kind": "chain", "format": "xlsx",
                                          "chain_id": str(site.chain_ids[0])}, csrf)  # fmt: skip
    job = wait(office, mine.headers["location"].split("job=")[1])
    assert job["status"] == "done", job
    assert (
        load_workbook(io.BytesIO(office.get(job["download_url"]).content)).sheetnames[0] == "说明"
    )
    enterprise, _ = site.client("ent")
    assert enterprise.get("/reports").status_code == 403


def test_a_failed_job_keeps_its_message(tmp_path: Path, demo_db: Engine) -> None:
    from gaodi.db import session_factory

    store = jobs.JobStore(tmp_path)
    job = jobs.new_job("ana", "chain", "docx", "en", subject="99999")
    jobs.run(job, store, session_factory(demo_db), SYSTEM)
    saved = store.load(job.id)
    assert saved is not None and saved.status == "failed"
    assert saved.error_en and "99999" in saved.error_en and saved.error_zh
    assert store.output(saved) is None
    assert store.load("../../etc") is None  # ids are 32 hex digits, never a path


def test_board_export_follows_the_filters(site: Site) -> None:
    client, _ = site.client("ana")
    page = client.get("/plans?as_of=2023-06&status=red")
    assert 'href="/export/xlsx/plans?as_of=2023-06&amp;status=red"' in page.text
    file = client.get("/export/xlsx/plans?as_of=2023-06&status=red")
    assert file.status_code == 200
    wb = load_workbook(io.BytesIO(file.content))
    info = " ".join(str(c.value) for r in wb["说明"].iter_rows() for c in r if c.value)
    assert "示例数据" in info and "2023-06" in info
    ws = wb["看板"]
    assert ws.freeze_panes == "A2"
    board = client.get("/api/v1/plans/board?as_of=2023-06&status=red").json()
    rows = [r for a in board["actions"] for r in a["rows"]]
    assert rows and all(r["status"] == "red" for r in rows)
    assert ws.max_row - 1 == len(rows)
    header = [c.value for c in ws[1]]
    col = header.index("完成率") + 1
    for i, r in enumerate(rows, start=2):
        assert ws.cell(i, col).value == pytest.approx(r["completion"], rel=1e-15)
        assert ws.cell(i, header.index("状态") + 1).value == "红"


def test_enterprise_export_is_every_page(site: Site) -> None:
    client, _ = site.client("ana")
    listing = client.get("/api/v1/enterprises?tag=srdi").json()
    assert listing["result"]["pages"] >= 1
    file = client.get("/export/xlsx/enterprises?tag=srdi&page=1")
    ws = load_workbook(io.BytesIO(file.content))["企业"]
    assert ws.max_row - 1 == listing["result"]["total"]
    assert ws["I1"].value == "营业收入（万元）"


def test_export_respects_the_scope(site: Site) -> None:
    office, _ = site.client("office")
    assert office.get(f"/export/xlsx/chains/{site.chain_ids[0]}").status_code == 200
    assert office.get(f"/export/xlsx/chains/{site.chain_ids[1]}").status_code == 404
    enterprise, _ = site.client("ent")
    assert enterprise.get("/export/xlsx/plans").status_code == 403


def test_a_database_sharing_the_data_directory_sees_none_of_its_jobs(
    site: Site, demo_template: Path, tmp_path: Path
) -> None:
    """Report jobs were kept in ``<data_dir>/reports`` for whatever database the server opened
    and matched to users by name: a second database on the same data directory (a demo and a
    real city on one machine) offered its ``ana`` the other database's reports. Jobs are now
    kept per database."""

    client, csrf = site.client("ana")
    started = post_form(client, "/reports", {"kind": "monthly", "format": "xlsx", "lang": "zh",
                                              "period": "2023-06"}, csrf)  # fmt: skip
    job_id = started.headers["location"].split("job=")[1]
    job = wait(client, job_id)
    assert job["status"] == "done", job
    assert job_id in [j["id"] for j in client.get("/api/v1/reports").json()["jobs"]]

    shutil.copyfile(demo_template, tmp_path / "other.sqlite")
    engine = make_engine(f"sqlite:///{tmp_path / 'other.sqlite'}")
    with session_scope(engine, actor="test") as s:
        accounts.create_user(s, "ana", "analyst", PASSWORD, principal=SYSTEM)
    shared = site.app.state.settings.data_dir
    other = create_app(engine, Settings(data_dir=shared, secret_key="reports-test-secret-0123"))
    them = TestClient(other, base_url="http://testserver")
    login(them, "ana", PASSWORD)
    try:
        assert job_id not in [j["id"] for j in them.get("/api/v1/reports").json()["jobs"]]
        assert them.get(f"/api/v1/reports/jobs/{job_id}").status_code == 404
        assert them.get(job["download_url"]).status_code == 404
        assert job_id not in them.get("/reports").text
    finally:
        them.close()
        engine.dispose()
