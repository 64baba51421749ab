"""Background imports (issue [16]): an upload above GAODI_IMPORT_BACKGROUND_KB is imported by a
worker thread while its page shows the progress; the outcome is the same as the form's (data
in, or refused with every bad cell and nothing written); only its owner sees it; and other
users reading and writing meanwhile get no error."""

from __future__ import annotations

import io
import random
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from gaodi.config import get_settings, reset_settings
from gaodi.core import clock
from gaodi.core.codes import make_uscc
from gaodi.db import database_key, session_scope
from gaodi.exchange import jobs
from gaodi.models import Enterprise, Park
from tests.web.conftest import Site, make_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD

JOB_URL = re.compile(r"^/data/imports/([0-9a-f]{32})$")


@pytest.fixture
def web(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    monkeypatch.setenv("GAODI_IMPORT_BACKGROUND_KB", "0")  # every upload in the background
    reset_settings()
    made = make_site(tmp_path)
    yield made
    made.engine.dispose()


def _signed_in(site: Site, role: str):  # type: ignore[no-untyped-def]
    client = site.client()
    return client, login(client, site.world.users[role], PASSWORD)


def _upload(client, csrf: str, entity: str, name: str, data: bytes, **fields: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/data/import",
        data={"entity": entity, "csrf_token": csrf, **fields},
        files={"file": (name, data, "application/octet-stream")},
        follow_redirects=False,
    )


def _wait(client, job_id: str, seconds: float = 120) -> dict:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    seen: list[float] = []
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/data/imports/{job_id}").json()["job"]
        seen.append(job["progress"])
        if job["status"] in ("done", "rejected", "failed"):
            assert seen == sorted(seen), f"progress went backwards: {seen}"
            return job
        time.sleep(0.1)
    raise AssertionError(f"the import did not finish in {seconds} s")


def _parks(site: Site) -> int:
    with session_scope(site.engine) as s:
        return s.scalar(select(func.count()).select_from(Park)) or 0


def test_a_good_upload_is_imported_in_the_background(web: Site) -> None:
    client, csrf = _signed_in(web, "admin")
    before = _parks(web)
    csv = "园区名称,级别\n示例后台园区甲,provincial\n示例后台园区乙,national\n".encode("utf-8-sig")
    r = _upload(client, csrf, "parks", "parks.csv", csv)
    assert r.status_code == 303
    match = JOB_URL.match(r.headers["location"])
    assert match, r.headers["location"]
    job = _wait(client, match.group(1))
    assert (job["status"], job["created"], job["progress"]) == ("done", 2, 1.0)
    assert _parks(web) == before + 2
    page = client.get(r.headers["location"]).text
    assert 'data-testid="import-done"' in page and "数据已入库" in page
    assert 'http-equiv="refresh"' not in page  # finished: the page stops reloading
    assert match.group(1) in client.get("/data").text  # listed among the latest imports


def test_a_background_import_says_which_columns_it_converted(web: Site) -> None:
    # review: the job's page and JSON gave the counts only, not that 规划面积 was in 公顷
    client, csrf = _signed_in(web, "admin")
    csv = "园区名称,级别,规划面积（公顷）\n示例后台换算园区,provincial,2\n".encode("utf-8-sig")
    r = _upload(client, csrf, "parks", "parks.csv", csv)
    job = _wait(client, JOB_URL.match(r.headers["location"]).group(1))  # type: ignore[union-attr]
    said = "第 C 列“规划面积（公顷）”按 公顷→亩 换算（×15），共 1 行"
    assert job["status"] == "done" and any(said in zh for zh, _ in job["notes"])
    page = client.get(r.headers["location"]).text
    assert 'data-testid="import-notes"' in page and said in page


def test_a_bad_upload_is_refused_whole_with_its_cells(web: Site) -> None:
    client, csrf = _signed_in(web, "admin")
    before = _parks(web)
    csv = "园区名称,级别\n示例后台园区丙,provincial\n示例后台园区丁,galactic\n".encode("utf-8-sig")
    r = _upload(client, csrf, "parks", "bad.csv", csv)
    job = _wait(client, JOB_URL.match(r.headers["location"]).group(1))  # type: ignore[union-attr]
    assert job["status"] == "rejected" and job["error_count"] == 1
    cell = job["errors"][0]
    assert (cell["row"], cell["value"]) == (3, "galactic") and "级别" in cell["column"]
    assert _parks(web) == before  # all-or-nothing: the good row is not written either
    page = client.get(r.headers["location"]).text
    assert 'data-testid="import-refused"' in page and "galactic" in page
    report = client.get(f"/data/errors/{job['report_id']}.xlsx")
    assert report.status_code == 200
    rows = list(
        openpyxl.load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True)
    )
    assert any("galactic" in [str(v) for v in row] for row in rows)


def test_only_the_owner_sees_a_job(web: Site) -> None:
    admin, csrf = _signed_in(web, "admin")
    r = _upload(
        admin, csrf, "parks", "p.csv", "园区名称,级别\n示例后台园区戊,provincial\n".encode()
    )
    job_id = JOB_URL.match(r.headers["location"]).group(1)  # type: ignore[union-attr]
    _wait(admin, job_id)
    other, _ = _signed_in(web, "analyst")
    for url in (f"/data/imports/{job_id}", f"/api/v1/data/imports/{job_id}"):
        assert other.get(url).status_code == 404
        assert other.get(url.replace(job_id, "f" * 32)).status_code == 404  # same as missing
    assert admin.get("/data/imports/not-an-id").status_code in (404, 422)


def test_one_import_at_a_time_per_user(web: Site) -> None:
    client, csrf = _signed_in(web, "admin")
    store = jobs.ImportJobs(
        get_settings().ensure_data_dir() / "imports" / database_key(web.engine) / "jobs"
    )
    running = jobs.ImportJob(
        id="a" * 32,
        owner=web.world.users["admin"],
        entity="parks",
        filename="big.xlsx",
        size_bytes=1,
        status="running",
        created_at=clock.now().isoformat(timespec="seconds"),
    )
    store.save(running)
    before = _parks(web)
    r = _upload(
        client, csrf, "parks", "p.csv", "园区名称,级别\n示例后台园区己,provincial\n".encode()
    )
    assert r.status_code == 422  # the form again, with the reason beside the file field
    assert "big.xlsx" in r.text and "还在进行中" in r.text
    assert _parks(web) == before
    assert len(store.for_owner(running.owner, limit=50)) == 1  # nothing new was queued


def test_the_server_queue_is_bounded(web: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """GAODI_IMPORT_QUEUE_MAX=2 with two other users' imports running: a third upload is
    refused with the reason, and nothing is queued or written."""
    monkeypatch.setenv("GAODI_IMPORT_QUEUE_MAX", "2")
    reset_settings()
    store = jobs.ImportJobs(
        get_settings().ensure_data_dir() / "imports" / database_key(web.engine) / "jobs"
    )
    for n, owner in enumerate(("someone-1", "someone-2")):
        store.save(
            jobs.ImportJob(
                id=f"{n + 1}" * 32, owner=owner, entity="parks", filename="big.xlsx",
                size_bytes=1, status="running",
                created_at=clock.now().isoformat(timespec="seconds"),
            )
        )  # fmt: skip
    client, csrf = _signed_in(web, "admin")
    before = _parks(web)
    r = _upload(
        client, csrf, "parks", "p.csv", "园区名称,级别\n示例后台园区庚,provincial\n".encode()
    )
    assert r.status_code == 422 and "最多 2 个" in r.text
    assert _parks(web) == before and len(store.all()) == 2


def test_readers_and_writers_get_no_error_during_a_large_import(web: Site) -> None:
    """5,000 new enterprises imported in the background while another user reads pages and
    writes (switches language, a committed write) in a loop: every answer is a success."""
    rng = random.Random(20261204)
    usccs = sorted({make_uscc("430104", rng) for _ in range(5200)})[:5000]
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["统一社会信用代码", "企业名称", "示例数据"])
    for n, uscc in enumerate(usccs):
        ws.append([uscc, f"示例后台导入企业{n:05d}有限公司", "是"])
    data = io.BytesIO()
    book.save(data)
    admin, csrf = _signed_in(web, "admin")
    with session_scope(web.engine) as s:
        before = s.scalar(select(func.count()).select_from(Enterprise)) or 0
    r = _upload(admin, csrf, "enterprises", "firms.xlsx", data.getvalue())
    assert r.status_code == 303, r.text[:300]
    job_id = JOB_URL.match(r.headers["location"]).group(1)  # type: ignore[union-attr]

    other, other_csrf = _signed_in(web, "analyst")
    answers: list[int] = []
    done = threading.Event()

    def busy_user() -> None:
        n = 0
        # at least two rounds: the worker may parse the 5,000 rows within the first
        while not done.is_set() or n < 2:
            w = other.post(
                "/lang",
                data={"lang": "en" if n % 2 else "zh", "next": "/data", "csrf_token": other_csrf},
                follow_redirects=False,
            )
            answers.append(w.status_code)
            answers.append(other.get("/data").status_code)
            n += 1

    thread = threading.Thread(target=busy_user)
    thread.start()
    try:
        job = _wait(admin, job_id, seconds=300)
    finally:
        done.set()
        thread.join()
    assert job["status"] == "done" and job["created"] == 5000, job
    with session_scope(web.engine) as s:
        assert s.scalar(select(func.count()).select_from(Enterprise)) == before + 5000
    assert len(answers) >= 4 and all(a in (200, 303) for a in answers), sorted(set(answers))
