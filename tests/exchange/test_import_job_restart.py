"""A background job runs only in the server process that queued it. When that process ends
before the job does (a restart, a crash), the job is failed, in words saying so, on its page,
in the /data list and in the API; it no longer holds the user's next upload; a job of a live
process (this one, or another worker of ``gaodi serve --workers N``) still does (fifth audit M,
finding 9: "正在后台导入 0%" for ever, and every later upload refused as still in progress)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gaodi.config import get_settings, reset_settings
from gaodi.core import clock
from gaodi.db import database_key, session_scope
from gaodi.exchange import jobs
from gaodi.models import Park
from tests.web.conftest import Site, make_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD

JOB_URL = re.compile(r"^/data/imports/([0-9a-f]{32})$")
RESTARTED = "服务器在导入过程中重启，导入未完成，未写入任何数据，请重新上传。"


@pytest.fixture
def web(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    monkeypatch.setenv("GAODI_IMPORT_BACKGROUND_KB", "0")  # every upload in the background
    reset_settings()
    made = make_site(tmp_path)
    yield made
    made.engine.dispose()


def _jobs_dir(site: Site) -> Path:
    return get_settings().ensure_data_dir() / "imports" / database_key(site.engine) / "jobs"


def _parks(site: Site) -> int:
    with session_scope(site.engine) as s:
        return s.scalar(select(func.count()).select_from(Park)) or 0


def _upload(client, csrf: str, name: str, park: str):  # type: ignore[no-untyped-def]
    data = f"园区名称,级别\n{park},provincial\n".encode("utf-8-sig")
    return client.post(
        "/data/import",
        data={"entity": "parks", "csrf_token": csrf, "mode": "insert"},
        files={"file": (name, data, "application/octet-stream")},
        follow_redirects=False,
    )


def _wait(client, job_id: str, seconds: float = 60) -> dict:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/data/imports/{job_id}").json()["job"]
        if job["status"] in ("done", "rejected", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"the import did not finish in {seconds} s")


def _left_running(folder: Path, owner: str, runner: str | None) -> dict:
    """A job.json as a server process writes it while it reads the upload (stage 读取, 0%),
    with the upload beside it: what that process leaves when it is stopped there."""
    job_id = os.urandom(16).hex()
    state = {
        "id": job_id,
        "owner": owner,
        "entity": "parks",
        "mode": "upsert",
        "dry_run": False,
        "filename": "enterprise_years.xlsx",
        "size_bytes": 862000,
        "status": "running",
        "stage_zh": "读取",
        "stage_en": "reading",
        "progress": 0.0,
        "created_at": clock.now().isoformat(timespec="seconds"),
        "started_at": clock.now().isoformat(timespec="seconds"),
    }
    if runner is not None:
        state["runner"] = runner
    (folder / job_id).mkdir(parents=True)
    (folder / job_id / "enterprise_years.xlsx").write_bytes(b"PK\x03\x04 upload")
    (folder / job_id / "job.json").write_text(json.dumps(state), encoding="utf-8")
    return state


@pytest.mark.parametrize(
    "runner",
    [None, "4242-0123456789abcdef"],
    ids=["written-before-jobs-named-their-process", "its-process-has-ended"],
)
def test_a_job_left_by_an_ended_process_is_failed_and_blocks_nothing(
    web: Site, runner: str | None
) -> None:
    client = web.client()
    csrf = login(client, web.world.users["admin"], PASSWORD)
    left = _left_running(_jobs_dir(web), web.world.users["admin"], runner)

    page = client.get(f"/data/imports/{left['id']}")
    assert page.status_code == 200
    assert RESTARTED in page.text
    assert "正在后台导入" not in page.text and 'http-equiv="refresh"' not in page.text
    assert 'data-status="failed"' in page.text
    api = client.get(f"/api/v1/data/imports/{left['id']}").json()
    assert api["job"]["status"] == "failed" and api["error"] == RESTARTED
    assert api["refresh_seconds"] is None
    assert not (_jobs_dir(web) / left["id"] / "enterprise_years.xlsx").exists()

    listing = client.get("/data").text
    item = re.search(r"enterprise_years\.xlsx</a> ·\s*([^<]*)<", listing)
    assert item is not None and item.group(1).strip() == "失败，未写入任何数据"
    assert "导入中" not in listing

    before = _parks(web)
    r = _upload(client, csrf, "parks.csv", "重启后园区甲")
    assert r.status_code == 303, r.text[:2000]
    new = JOB_URL.match(r.headers["location"])
    assert new is not None and new.group(1) != left["id"]
    assert _wait(client, new.group(1))["status"] == "done"
    assert _parks(web) == before + 1


def test_the_words_in_english(web: Site) -> None:
    client = web.client()
    login(client, web.world.users["admin"], PASSWORD)
    left = _left_running(_jobs_dir(web), web.world.users["admin"], None)
    client.cookies.set("lang", "en")
    page = client.get(f"/data/imports/{left['id']}", headers={"Accept-Language": "en"})
    assert "The server restarted during the import" in page.text, page.text[:3000]
    assert "nothing was written" in page.text


def test_a_job_of_this_process_still_holds_the_next_upload(web: Site) -> None:
    client = web.client()
    csrf = login(client, web.world.users["admin"], PASSWORD)
    store = jobs.ImportJobs(_jobs_dir(web))
    running = jobs.ImportJob(
        id="a" * 32,
        owner=web.world.users["admin"],
        entity="parks",
        filename="big.xlsx",
        size_bytes=1,
        status="running",
        created_at=clock.now().isoformat(timespec="seconds"),
    )
    store.save(running)  # as the worker thread of this process does
    r = _upload(client, csrf, "p.csv", "重启后园区乙")
    assert r.status_code == 422 and "big.xlsx" in r.text and "还在进行中" in r.text
    page = client.get(f"/data/imports/{running.id}").text
    assert "正在后台导入" in page and RESTARTED not in page


_OTHER_WORKER = """
import sys
from gaodi.core import clock
from gaodi.exchange import jobs
store = jobs.ImportJobs(__import__("pathlib").Path(sys.argv[1]))
store.save(jobs.ImportJob(id="b" * 32, owner=sys.argv[2], entity="parks", filename="other.xlsx",
                          size_bytes=1, status="running",
                          created_at=clock.now().isoformat(timespec="seconds")))
print("saved", flush=True)
sys.stdin.read()  # runs until the test ends it
"""


def test_a_job_of_another_live_worker_holds_the_upload_until_that_worker_ends(
    web: Site,
) -> None:
    """Another server process (``--workers 2``) is running the user's import: it is in
    progress on this process's pages too; once that process has ended, it is not."""
    client = web.client()
    csrf = login(client, web.world.users["admin"], PASSWORD)
    folder = _jobs_dir(web)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    worker = subprocess.Popen(
        [sys.executable, "-c", _OTHER_WORKER, str(folder), web.world.users["admin"]],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert worker.stdout is not None and worker.stdout.readline().strip() == "saved"
        r = _upload(client, csrf, "p.csv", "重启后园区丙")
        assert r.status_code == 422 and "other.xlsx" in r.text and "还在进行中" in r.text
        page = client.get(f"/data/imports/{'b' * 32}").text
        assert "正在后台导入" in page and RESTARTED not in page
    finally:
        worker.kill()
        worker.wait(timeout=30)
    page = client.get(f"/data/imports/{'b' * 32}").text
    assert RESTARTED in page and "正在后台导入" not in page
    before = _parks(web)
    r = _upload(client, csrf, "p.csv", "重启后园区丙")
    assert r.status_code == 303
    assert _wait(client, JOB_URL.match(r.headers["location"]).group(1))["status"] == "done"  # type: ignore[union-attr]
    assert _parks(web) == before + 1


def test_a_report_job_left_by_an_ended_process_is_failed(web: Site) -> None:
    """The same for a report: its card says why it failed and stops polling."""
    client = web.client()
    login(client, web.world.users["admin"], PASSWORD)
    folder = Path(web.settings.data_dir) / "reports" / database_key(web.engine)
    job_id = os.urandom(16).hex()
    (folder / job_id).mkdir(parents=True)
    (folder / job_id / "job.json").write_text(
        json.dumps(
            {
                "id": job_id,
                "owner": web.world.users["admin"],
                "kind": "monthly",
                "format": "docx",
                "status": "running",
                "progress": 0.3,
                "stage_zh": "汇总指标",
                "stage_en": "indicators",
                "created_at": clock.now().isoformat(timespec="seconds"),
                "runner": "4242-0123456789abcdef",
            }
        ),
        encoding="utf-8",
    )
    card = client.get(f"/reports/jobs/{job_id}").text
    assert "服务器在生成报告时重启，报告未完成，请重新生成。" in card
    assert 'data-status="failed"' in card and "hx-get" not in card


def test_old_jobs_go_even_when_the_city_clock_stands_still(web: Site) -> None:
    """The demo's clock stands still, so every job is "created today" for ever: a job last
    written more than a week ago (real time) goes at the next upload, abandoned or finished;
    one running in this process stays."""
    client = web.client()
    csrf = login(client, web.world.users["admin"], PASSWORD)
    folder = _jobs_dir(web)
    left = _left_running(folder, web.world.users["admin"], "4242-0123456789abcdef")
    week_ago = time.time() - 8 * 86400
    os.utime(folder / left["id"] / "job.json", (week_ago, week_ago))
    store = jobs.ImportJobs(folder)
    running = jobs.ImportJob(
        id="c" * 32,
        owner="someone-else",
        entity="parks",
        filename="big.xlsx",
        size_bytes=1,
        status="running",
        created_at=clock.now().isoformat(timespec="seconds"),
    )
    store.save(running)
    os.utime(folder / running.id / "job.json", (week_ago, week_ago))
    r = _upload(client, csrf, "p.csv", "重启后园区丁")
    assert r.status_code == 303
    assert client.get(f"/data/imports/{left['id']}").status_code == 404
    assert not (folder / left["id"]).exists()
    assert store.load(running.id) is not None and not store.load(running.id).finished  # type: ignore[union-attr]
