"""Reports rendered in the background for the web app, with progress the page polls.

A job is a directory ``<data_dir>/reports/<database key>/<id>/`` (one folder per database,
:func:`gaodi.db.database_key`) holding ``job.json`` (who asked, what, status, progress) and,
when done, the file. One worker thread renders jobs, taking users in
turn (:class:`JobQueue`); a user has at most ``GAODI_REPORT_JOBS_PER_USER`` jobs queued or
running and the server ``GAODI_REPORT_QUEUE_MAX``, past which a request is refused (429).
Each job has its own database session, as the principal who asked (so ``restrict`` applies
exactly as on the pages). Only that user (or an administrator) may see a job or download its
file. Jobs older than :data:`gaodi.core.jobstore.KEEP_DAYS` are removed when a new one starts.
A job the server left unfinished (restarted while it waited or ran: only the process that
queued it runs it) shows as failed, with words saying so (:mod:`gaodi.core.jobstore`), rather
than "being made" for ever.
"""

from __future__ import annotations

import logging
import re
import secrets
import shutil
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy.orm import Session

from gaodi.core import clock, jobstore
from gaodi.core.errors import GaodiError
from gaodi.core.permissions import Principal, principal_label
from gaodi.reports.common import Progress
from gaodi.reports.lang import Lang
from gaodi.reports.model import Report

log = logging.getLogger("gaodi.reports")

Kind = Literal["monthly", "chain", "park"]
Status = Literal["queued", "running", "done", "failed"]
_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gaodi-report")


class Job(BaseModel):
    """A report being made (or made) for a user."""

    id: str
    owner: str
    kind: Kind
    subject: str | None = None  # chain or park id for those reports
    subject_name: str | None = None  # its name (data: the same in both languages)
    period: str | None = None
    format: Literal["docx", "pdf", "xlsx"]
    lang: Literal["zh", "en"] = "zh"
    status: Status = "queued"
    progress: float = 0.0
    stage_zh: str = "排队中"
    stage_en: str = "queued"
    created_at: str
    finished_at: str | None = None
    filename: str | None = None
    #: the name the file is downloaded as (what, whose, of when: :func:`download_names`) and
    #: its ASCII twin; None for a job made before names said so (then ``filename``)
    download_name: str | None = None
    download_ascii: str | None = None
    error_zh: str | None = None
    error_en: str | None = None
    #: the server process queuing or running it (gaodi.core.jobstore.runner_id)
    runner: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")


#: A report's kind as its file name says it.
KIND_NAMES = {
    "monthly": ("月度调度报告", "Monthly report"),
    "chain": ("产业链报告", "Chain report"),
    "park": ("园区报告", "Park report"),
}
_PERIOD = re.compile(r"(?<!\d)\d{4}(?:-\d{2})?(?!\d)")


def download_names(
    session: Session, principal: Principal, job: Job, report: Report
) -> tuple[str, str]:
    """The report file's download name: its kind, its subject (the chain or park by name, not
    its id), whose data (全市, or the chain office's chains, the park office's park) and of when
    (the month, the evaluation year, else the day it was made), in the report's language
    (「月度调度报告_全市_2023-06.docx」); and an ASCII twin for old clients."""
    from gaodi.reports.download import ascii_name, file_name, scope_code, scope_label

    zh = report.lang == "zh"
    names = KIND_NAMES.get(job.kind, (job.kind, job.kind))
    # the builders stamp the month or year in their file stem (monthly-2023-06-zh,
    # park-1-2023-zh); a chain's diagnosis is of the day it is made
    found = _PERIOD.findall(report.filename.removeprefix(f"{job.kind}-{job.subject}-"))
    period = found[-1] if found else report.date.isoformat()
    scope = scope_label(session, principal, zh)
    subject = job.subject_name
    parts = [names[0] if zh else names[1], subject, scope if scope != subject else None, period]
    return (
        file_name(parts, job.format),
        ascii_name([report.filename, scope_code(principal), period], job.format),
    )


def build_report(
    session: Session,
    principal: Principal,
    kind: str,
    *,
    subject: int | str | None = None,
    period: str | None = None,
    lang: str = "zh",
    progress: Progress | None = None,
) -> Report:
    """The report of ``kind`` (monthly, chain, park) as ``principal`` sees it."""
    from gaodi.reports.common import no_progress

    step = progress or no_progress
    if kind == "monthly":
        from gaodi.reports.monthly import build_monthly

        return build_monthly(session, principal, period, lang, progress=step)
    if kind == "chain" and subject is not None:
        from gaodi.reports.chain import build_chain

        return build_chain(session, principal, subject, lang, progress=step)
    if kind == "park" and subject is not None:
        from gaodi.reports.park import build_park

        return build_park(session, principal, subject, lang, progress=step)
    from gaodi.core.errors import ValidationError

    raise ValidationError(
        "请选择报告类型（月度、产业链或园区）及其对象。",
        "Choose a report (monthly, chain or park) and, for a chain or park, which one.",
        field="kind",
    )


class JobStore(jobstore.JobStore[Job]):
    """Report jobs as files under ``root`` (``<data_dir>/reports``)."""

    def __init__(self, root: Path) -> None:
        super().__init__(
            root,
            Job,
            ("找不到该报告任务。", "No such report job."),
            orphaned=(
                "服务器在生成报告时重启，报告未完成，请重新生成。",
                "The server restarted while making this report; it was not finished. "
                "Please ask for it again.",
            ),
        )

    def output(self, job: Job) -> Path | None:
        if job.status != "done" or not job.filename:
            return None
        path = self.directory(job.id) / job.filename
        return path if path.is_file() else None


def new_job(owner: str, kind: Kind, fmt: str, lang: str, **params: Any) -> Job:
    return Job(
        id=secrets.token_hex(16),
        owner=owner,
        kind=kind,
        format=fmt,  # type: ignore[arg-type]
        lang=lang,  # type: ignore[arg-type]
        created_at=clock.now().isoformat(timespec="seconds"),
        **params,
    )


def run(job: Job, store: JobStore, session_factory: Any, principal: Principal) -> Job:
    """Render ``job`` now (the worker thread calls this); records progress and the outcome."""
    from gaodi.reports.render import render

    def progress(fraction: float, label: str) -> None:
        job.progress = round(min(max(fraction, 0.0), 1.0), 3)
        # both wordings (a Stage), so the page shows the step in its own language, which may
        # differ from the report's
        job.stage_zh = getattr(label, "zh", label)
        job.stage_en = getattr(label, "en", label)
        store.save(job)

    tr = Lang(job.lang)
    job.status = "running"
    progress(0.01, tr.stage("开始", "starting"))
    try:
        with session_factory() as session:
            subject: int | str | None = job.subject
            if isinstance(subject, str) and subject.isdigit():
                subject = int(subject)
            report = build_report(
                session,
                principal,
                job.kind,
                subject=subject,
                period=job.period,
                lang=job.lang,
                progress=progress,
            )
            report.author = principal_label(principal, report.lang == "zh")
            job.download_name, job.download_ascii = download_names(session, principal, job, report)
        kind = {"docx": "Word", "pdf": "PDF", "xlsx": "Excel"}[job.format]
        progress(0.92, tr.stage(f"生成 {kind}", f"writing {kind}"))
        name = f"{report.filename}.{job.format}"
        render(report, job.format, store.directory(job.id) / name)
        job.filename = name
        job.status = "done"
        job.progress = 1.0
        job.stage_zh, job.stage_en = "完成", "done"
    except GaodiError as exc:
        job.status = "failed"
        job.error_zh, job.error_en = exc.zh, exc.en
    except Exception as exc:  # a bug must end the job visibly, never leave it running
        log.exception("report job %s failed", job.id)
        job.status = "failed"
        job.error_zh = f"生成报告时出错：{type(exc).__name__}。请联系管理员查看日志。"
        job.error_en = (
            f"The report failed: {type(exc).__name__}. Ask an administrator to check the log."
        )
    job.finished_at = clock.now().isoformat(timespec="seconds")
    store.save(job)
    return job


class TooManyJobs(GaodiError):
    """A user's own jobs, or the server's queue, at their limit (429)."""

    status_code = 429
    code = "too_many_jobs"


@dataclass
class JobQueue:
    """The jobs of one job store waiting or running in this process.

    The worker takes the owner it served least recently (then the one waiting longest), so one
    user's jobs never hold everybody else's behind them: with at most ``per_user`` each, an
    administrator's report starts after at most one job of each other user.
    """

    lock: threading.Lock = field(default_factory=threading.Lock)
    waiting: dict[str, deque[Callable[[], object]]] = field(default_factory=dict)
    active: dict[str, int] = field(default_factory=dict)  # owner -> queued or running
    served: dict[str, int] = field(default_factory=dict)  # owner -> turn last started
    running: int = 0
    turn: int = 0

    def put(self, owner: str, task: Callable[[], object], per_user: int, total: int) -> None:
        """Queue ``task`` for ``owner``, or refuse (429) past either limit."""
        with self.lock:
            mine = self.active.get(owner, 0)
            everyone = sum(self.active.values())
            if mine >= per_user:
                raise TooManyJobs(
                    f"您已有 {mine} 个报告在排队或生成中（每人最多 {per_user} 个），"
                    "请等其中一个完成后再提交。",
                    f"You already have {mine} report(s) queued or being made (at most "
                    f"{per_user} per user); wait for one to finish.",
                    yours=mine,
                    per_user=per_user,
                )
            if everyone >= total:
                raise TooManyJobs(
                    f"报告队列已满：共有 {everyone} 个报告在排队或生成中（{self.running} 个正在"
                    f"生成，最多 {total} 个），请稍后再试。",
                    f"The report queue is full: {everyone} reports are queued or being made "
                    f"({self.running} being made; at most {total}). Please try again later.",
                    queued=everyone,
                    running=self.running,
                    limit=total,
                )
            self.active[owner] = mine + 1
            self.waiting.setdefault(owner, deque()).append(task)
        _EXECUTOR.submit(self._run_next)

    def _run_next(self) -> None:
        with self.lock:
            owner = min(self.waiting, key=lambda o: self.served.get(o, -1))
            tasks = self.waiting[owner]
            task = tasks.popleft()
            if not tasks:
                del self.waiting[owner]
            self.turn += 1
            self.served[owner] = self.turn
            self.running += 1
        try:
            task()
        finally:
            with self.lock:
                self.running -= 1
                self.active[owner] -= 1
                if not self.active[owner]:
                    del self.active[owner]


_QUEUES: dict[Path, JobQueue] = {}
_QUEUES_LOCK = threading.Lock()


def queue_for(store: JobStore) -> JobQueue:
    """The queue of ``store`` (one per reports directory: one per app)."""
    key = store.root.resolve()
    with _QUEUES_LOCK:
        return _QUEUES.setdefault(key, JobQueue())


def submit(
    job: Job,
    store: JobStore,
    session_factory: Any,
    principal: Principal,
    *,
    per_user: int = 2,
    total: int = 20,
) -> Job:
    """Queue ``job`` for the worker thread; :class:`TooManyJobs` past either limit."""
    store.prune()
    store.save(job)  # before the worker may pick it up and save it too
    try:
        queue_for(store).put(
            job.owner, lambda: run(job, store, session_factory, principal), per_user, total
        )
    except TooManyJobs:
        shutil.rmtree(store.directory(job.id), ignore_errors=True)
        raise
    return job
