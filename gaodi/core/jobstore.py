"""Background jobs kept as files: one folder per job, its state in ``job.json``.

Report jobs (``gaodi.reports.jobs``) and import jobs (``gaodi.exchange.jobs``) keep their state
this way, so that every server process of ``gaodi serve --workers N`` can show a job's progress
and its outcome, whichever process runs it. A job is a pydantic model with at least ``id`` (32
hex digits), ``owner`` (a user name) and ``created_at`` (ISO time); only its owner or an
administrator may see it, and a job of someone else answers like a missing one.

A job runs only in the process that queued it (a thread of that process), so a job that process
left unfinished (a restart, a crash) will never finish. Each unfinished job therefore names its
runner, the process that saved it (:func:`runner_id`: the pid and a random token, as pids are
reused), and the runner holds an ``flock`` on ``<root>/.runners/<runner>.lock`` for as long as
it lives (the kernel releases it when the process ends, however it ends). A reader in any
process (``gaodi serve --workers N``) sees an unfinished job whose runner holds no lock as
failed, with the store's words for it (``orphaned``): it is not "in progress" and blocks nothing.
The models keep ``status``, ``finished``, ``runner``, ``stage_zh``/``stage_en`` and
``error_zh``/``error_en`` for this.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, Generic, TypeVar

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

from pydantic import BaseModel

from gaodi.core import clock
from gaodi.core.errors import NotFoundError
from gaodi.core.permissions import Principal

KEEP_DAYS = 7
JOB_ID = re.compile(r"^[0-9a-f]{32}$")
RUNNERS = ".runners"  # beside the job folders; not a job id, so never listed as a job
_RUNNER = re.compile(r"^[0-9]+-[0-9a-f]{16}$")

_process: tuple[int, str] | None = None
_held: dict[Path, int] = {}  # runners folder -> the open, locked file of this process
_guard = threading.Lock()


def runner_id() -> str:
    """This process's name as a job's runner: its pid and a token made once per process (a
    forked child makes its own)."""
    global _process
    with _guard:
        if _process is None or _process[0] != os.getpid():
            _forget_parent()
            _process = (os.getpid(), f"{os.getpid()}-{secrets.token_hex(8)}")
        return _process[1]


def _forget_parent() -> None:
    """In a forked child: close the parent's lock files, so the parent's jobs count as
    abandoned when the parent ends even while the child lives."""
    for fd in _held.values():
        with contextlib.suppress(OSError):
            os.close(fd)
    _held.clear()


def _hold(folder: Path, runner: str) -> None:
    """Lock this process's file in ``folder`` (once) before a job names it as runner."""
    with _guard:
        if folder in _held or fcntl is None:
            return
        folder.mkdir(parents=True, exist_ok=True)
        # locked under a private name, then renamed: the file of that name is locked from the
        # start, so another process's prune never takes it for a dead runner's and removes it
        private = folder / f"{runner}.lock.new"
        fd = os.open(private, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)  # a new file of a new token: nobody else holds it
        private.replace(folder / f"{runner}.lock")
        _held[folder] = fd


def _lives(folder: Path, runner: str | None) -> bool:
    """Whether process ``runner`` is still alive (it holds its lock file in ``folder``)."""
    if not runner:
        return False  # written before jobs named their runner: by a process that has ended
    if runner == runner_id():
        return True
    if fcntl is None or not _RUNNER.match(runner):  # pragma: no cover - cannot tell: not ours
        return False
    try:
        fd = os.open(folder / f"{runner}.lock", os.O_RDWR)
    except OSError:
        return False  # never made here, or removed once its process had ended
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _after_fork() -> None:
    global _guard, _process
    _guard = threading.Lock()  # the parent's may have been held by another thread
    _forget_parent()
    _process = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


J = TypeVar("J", bound=BaseModel)


class JobStore(Generic[J]):
    """Jobs of one kind (``model``) as folders under ``root``."""

    def __init__(
        self,
        root: Path,
        model: type[J],
        missing: tuple[str, str],
        orphaned: tuple[str, str] = (
            "服务器在任务进行中重启，任务未完成，请重新提交。",
            "The server restarted while this job ran; it did not finish. Please start it again.",
        ),
    ) -> None:
        self.root = root
        self.model = model
        self.missing = missing  # the not-found words (zh, en)
        self.orphaned = orphaned  # why a job whose process ended unfinished failed (zh, en)

    def directory(self, job_id: str) -> Path:
        return self.root / job_id

    def save(self, job: J) -> None:
        """Write the job's state atomically (a reader never sees half a file). An unfinished
        job names this process as its runner: the process that saves it is the one running
        it (it was queued here)."""
        if not _finished(job):
            runner = runner_id()
            _hold(self.root / RUNNERS, runner)
            job.runner = runner  # type: ignore[attr-defined]
        folder = self.directory(_id(job))
        folder.mkdir(parents=True, exist_ok=True)
        # a name of its own: two processes may mark one abandoned job at the same time
        tmp = folder / f"job.json.{os.getpid()}-{threading.get_ident()}.tmp"
        tmp.write_text(job.model_dump_json(indent=1), encoding="utf-8")
        tmp.replace(folder / "job.json")

    def load(self, job_id: str) -> J | None:
        """The job as it is: one left unfinished by a process that has ended is failed."""
        job = self._read(job_id)
        if job is None or _finished(job) or _lives(self.root / RUNNERS, _runner(job)):
            return job
        # read again now that the runner is known to be gone: it may have finished the job
        # just before it ended
        job = self._read(job_id)
        if job is None or _finished(job):
            return job
        job.status = "failed"  # type: ignore[attr-defined]
        job.stage_zh, job.stage_en = "未完成", "not finished"  # type: ignore[attr-defined]
        job.error_zh, job.error_en = self.orphaned  # type: ignore[attr-defined]
        self.abandoned(job)
        self.save(job)
        return job

    def abandoned(self, job: J) -> None:
        """Clean up after a job whose process ended before it did (a subclass's files)."""

    def _read(self, job_id: str) -> J | None:
        if not JOB_ID.match(job_id):
            return None
        try:
            raw = (self.directory(job_id) / "job.json").read_text(encoding="utf-8")
            return self.model.model_validate(json.loads(raw))
        except (OSError, ValueError):
            return None

    def get(self, job_id: str, principal: Principal) -> J:
        """The job if ``principal`` asked for it (or is an administrator); 404 otherwise, the
        same answer as for a job that does not exist."""
        job = self.load(job_id)
        if job is None or (_owner(job) != principal.username and not principal.is_admin):
            raise NotFoundError(*self.missing)
        return job

    def all(self) -> list[J]:
        """Every job kept (any owner)."""
        if not self.root.is_dir():
            return []
        return [j for d in self.root.iterdir() if (j := self.load(d.name)) is not None]

    def for_owner(self, owner: str, limit: int = 10) -> list[J]:
        """The owner's newest jobs first."""
        found = [j for j in self.all() if _owner(j) == owner]
        found.sort(key=_created, reverse=True)
        return found[:limit]

    def prune(self, days: int = KEEP_DAYS) -> None:
        """Remove finished jobs older than ``days`` (their files with them): created that long
        ago by the city's clock, or last written that long ago in real time (a demo's clock
        stands still, and its jobs would be kept for ever); and the lock files of runners that
        have ended."""
        if not self.root.is_dir():
            return
        cutoff = (clock.now() - timedelta(days=days)).isoformat()
        written_before = time.time() - days * 86400
        for folder in self.root.iterdir():
            try:  # before load: it rewrites a job it finds abandoned
                written = (folder / "job.json").stat().st_mtime
            except OSError:
                continue
            job = self.load(folder.name)
            if job is None or not _finished(job):
                continue
            if _created(job) < cutoff or written < written_before:
                shutil.rmtree(folder, ignore_errors=True)
        runners = self.root / RUNNERS
        if runners.is_dir():
            for lock in runners.glob("*.lock"):
                if not _lives(runners, lock.stem):
                    lock.unlink(missing_ok=True)


def _id(job: BaseModel) -> str:
    return str(job.id)  # type: ignore[attr-defined]


def _owner(job: BaseModel) -> str:
    return str(job.owner)  # type: ignore[attr-defined]


def _created(job: BaseModel) -> str:
    return str(job.created_at)  # type: ignore[attr-defined]


def _finished(job: Any) -> bool:
    return bool(job.finished)


def _runner(job: Any) -> str | None:
    return getattr(job, "runner", None)
