"""Report jobs are bounded: a viewer's flood is refused (429) past two jobs of their own, the
server's queue has a bound, and another user's report runs before the flood's next job."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gaodi.reports import jobs
from tests.web.conftest import Site, make_site
from tests.web.helpers import login, post_form
from tests.web.seed import PASSWORD

MONTHLY = {"kind": "monthly", "format": "xlsx", "lang": "zh", "period": "2024-01"}


class Worker:
    """Stands in for the renderer: each job waits for the test's go-ahead, then is recorded."""

    def __init__(self) -> None:
        self.go = threading.Event()
        self.started: list[str] = []
        self.finished = threading.Semaphore(0)

    def run(self, job: jobs.Job, store: jobs.JobStore, *_args: Any) -> jobs.Job:
        self.started.append(job.owner)
        self.go.wait(30)
        job.status = "done"
        store.save(job)
        self.finished.release()
        return job

    def drain(self, count: int) -> None:
        self.go.set()
        for _ in range(count):
            assert self.finished.acquire(timeout=30)


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> Iterator[Worker]:
    fake = Worker()
    monkeypatch.setattr(jobs, "run", fake.run)
    yield fake
    fake.go.set()


def _site(tmp_path: Path, **limits: int) -> Site:
    return make_site(tmp_path, **limits)


def _client(site: Site, role: str) -> tuple[TestClient, str]:
    client = site.client()
    return client, login(client, site.world.users[role], PASSWORD)


def _start(client: TestClient, csrf: str) -> Any:
    return post_form(client, "/reports", MONTHLY, csrf, headers={"accept-language": "en"})


def test_a_third_job_of_one_user_is_refused_while_another_users_runs_first(
    tmp_path: Path, worker: Worker
) -> None:
    site = _site(tmp_path)
    try:
        viewer, viewer_csrf = _client(site, "viewer")
        admin, admin_csrf = _client(site, "admin")
        first = _start(viewer, viewer_csrf)
        second = _start(viewer, viewer_csrf)
        assert (first.status_code, second.status_code) == (303, 303)
        third = _start(viewer, viewer_csrf)
        assert third.status_code == 429
        assert "You already have 2 report(s) queued or being made" in third.text
        assert "at most 2 per user" in third.text
        zh = post_form(viewer, "/reports", MONTHLY, viewer_csrf, headers={"accept-language": "zh"})
        assert zh.status_code == 429 and "您已有 2 个报告在排队或生成中" in zh.text
        # The refused jobs left nothing behind: the viewer's list has the two accepted ones.
        mine = viewer.get("/api/v1/reports").json()["jobs"]
        assert len(mine) == 2
        assert _start(admin, admin_csrf).status_code == 303
        worker.drain(3)
        # The viewer's first job was already running; the admin's comes before the second.
        assert worker.started == [site.world.users[r] for r in ("viewer", "admin", "viewer")]
        # Done, the viewer may ask again.
        assert _start(viewer, viewer_csrf).status_code == 303
        worker.drain(1)
    finally:
        site.engine.dispose()


def test_the_queue_is_bounded_for_everybody(tmp_path: Path, worker: Worker) -> None:
    site = _site(tmp_path, report_queue_max=3, report_jobs_per_user=2)
    try:
        viewer, viewer_csrf = _client(site, "viewer")
        analyst, analyst_csrf = _client(site, "analyst")
        admin, admin_csrf = _client(site, "admin")
        assert _start(viewer, viewer_csrf).status_code == 303
        assert _start(viewer, viewer_csrf).status_code == 303
        assert _start(analyst, analyst_csrf).status_code == 303
        full = _start(admin, admin_csrf)
        assert full.status_code == 429
        assert "The report queue is full: 3 reports are queued or being made" in full.text
        assert "1 being made; at most 3" in full.text
        worker.drain(3)
        assert _start(admin, admin_csrf).status_code == 303
        worker.drain(1)
    finally:
        site.engine.dispose()


def test_the_queue_serves_the_least_recently_served_owner() -> None:
    queue = jobs.JobQueue()
    gate = threading.Event()
    order: list[str] = []
    done = threading.Semaphore(0)

    def task(name: str) -> Any:
        def go() -> None:
            gate.wait(30)
            order.append(name)
            done.release()

        return go

    for owner, name in [("a", "a1"), ("a", "a2"), ("a", "a3"), ("b", "b1"), ("c", "c1")]:
        queue.put(owner, task(name), per_user=5, total=10)
    queue.put("b", task("b2"), per_user=5, total=10)
    gate.set()
    for _ in range(6):
        assert done.acquire(timeout=30)
    assert order == ["a1", "b1", "c1", "a2", "b2", "a3"]
    assert queue.active == {} and queue.waiting == {}
