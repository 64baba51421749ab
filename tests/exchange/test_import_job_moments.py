"""A background import's moments (gaodi.core.moments): its JSON gives the city's time with the
offset and its pages the city's wall time; they sent and showed the naive UTC text of job.json
(an import committed at 09:30 in the city read 01:30)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from gaodi.config import reset_settings
from gaodi.core import clock
from tests.web.conftest import Site, make_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD

NOW = datetime(2024, 1, 15, 1, 30, 5)  # naive UTC: 09:30:05 on 2024-01-15 in the city
JOB_URL = re.compile(r"^/data/imports/([0-9a-f]{32})$")


@pytest.fixture
def web(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    monkeypatch.setenv("GAODI_IMPORT_BACKGROUND_KB", "0")  # every upload in the background
    reset_settings()
    clock.set_source(lambda: NOW)
    made = make_site(tmp_path)
    yield made
    made.engine.dispose()
    clock.set_source(None)


def test_an_import_jobs_moments_are_city_time(web: Site) -> None:
    client = web.client()
    csrf = login(client, web.world.users["admin"], PASSWORD)
    r = client.post(
        "/data/import",
        data={"entity": "parks", "csrf_token": csrf},
        files={"file": ("p.csv", "园区名称,级别\n时刻园区,provincial\n".encode(), "text/csv")},
        follow_redirects=False,
    )
    match = JOB_URL.match(r.headers["location"])
    assert r.status_code == 303 and match, r.headers
    deadline = time.monotonic() + 120
    while True:
        job = client.get(f"/api/v1/data/imports/{match.group(1)}").json()["job"]
        if job["status"] in ("done", "rejected", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert job["status"] == "done", job
    for key in ("created_at", "started_at", "finished_at"):
        assert job[key] == "2024-01-15T09:30:05+08:00", (key, job[key])
    listing = client.get("/api/v1/data").json()["imports"]
    assert listing[0]["finished_at"] == "2024-01-15T09:30:05+08:00"
    for html in (client.get(r.headers["location"]).text, client.get("/data").text):
        assert "2024-01-15 09:30" in html, re.findall(r"(?:提交于|import-jobs).{0,400}", html, re.S)
        assert "01:30" not in html
