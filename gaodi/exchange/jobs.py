"""Large imports in the background, with progress the page follows.

An upload larger than ``GAODI_IMPORT_BACKGROUND_KB`` is not imported while the browser waits:
it is saved as a job, ``<data_dir>/imports/<database key>/jobs/<id>/`` holding ``job.json``
(who, what, status, stage, progress, outcome) and the file, and one worker thread per server
process imports it through :func:`gaodi.exchange.service.import_file` exactly as the form would
(same checks, same principal and scope, all-or-nothing, the same error report). The page
``/data/imports/<id>`` shows the stage and the share done and, when the job ends, whether the
data is in (with the time it was committed) or why not. The state is on disk, so any server
process shows it. A user has at most one import queued or running; the files go when the job
is more than :data:`gaodi.core.jobstore.KEEP_DAYS` days old. A job the server left unfinished
(restarted, or stopped, while it waited or ran: only the process that queued it runs it) is
failed, with words saying so, the moment a page reads it (:mod:`gaodi.core.jobstore`): it does
not hold the user's next upload. Nothing of it was written: the rows go in one transaction,
which a process that ends before its commit leaves rolled back.
"""

from __future__ import annotations

import logging
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy.engine import Engine

from gaodi.core import clock, jobstore
from gaodi.core.errors import GaodiError, ImportRejected
from gaodi.core.moments import CityMomentText, naive_utc
from gaodi.core.permissions import Principal

log = logging.getLogger("gaodi.exchange")

Status = Literal["queued", "running", "done", "rejected", "failed"]
SHOWN_ERRORS = 50  # the page lists these; the Excel error report holds every one
_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gaodi-import")


class JobError(BaseModel):
    sheet: str
    row: int
    column: str
    value: str
    reason_zh: str
    reason_en: str


def _naive_utc_text(text: str) -> str:
    """A moment read from job.json as naive UTC ISO text: the file holds the JSON form (the
    city's time with its offset), a job written before that the naive UTC text itself.

    >>> _naive_utc_text("2024-01-15T09:30:05+08:00"), _naive_utc_text("2024-01-15T01:30:05")
    ('2024-01-15T01:30:05', '2024-01-15T01:30:05')
    """
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        return text
    return text if at.tzinfo is None else naive_utc(at).isoformat(timespec="seconds")


#: A job's moment: in Python naive UTC ISO text (the job store compares it as text with
#: ``clock.now().isoformat()``, the templates' ``city_time`` reads it as UTC), in JSON and so in
#: job.json the city's time with its offset (gaodi.core.moments).
JobMoment = Annotated[CityMomentText, AfterValidator(_naive_utc_text)]


class ImportJob(BaseModel):
    """One upload being imported (or imported) for a user."""

    id: str
    owner: str
    entity: str
    mode: Literal["insert", "upsert"] = "insert"
    dry_run: bool = False
    filename: str
    size_bytes: int
    status: Status = "queued"
    stage_zh: str = "排队中"
    stage_en: str = "queued"
    progress: float = 0.0
    created_at: JobMoment
    started_at: JobMoment | None = None
    finished_at: JobMoment | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: what the import did to values beside the counts, (zh, en) — a target converted to its
    #: indicator's unit …
    notes: list[tuple[str, str]] = Field(default_factory=list)
    error_count: int = 0
    errors: list[JobError] = Field(default_factory=list)
    report_id: str | None = None  # the Excel error report (gaodi.exchange.views)
    error_zh: str | None = None
    error_en: str | None = None
    #: the server process queuing or running it (gaodi.core.jobstore.runner_id)
    runner: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in ("done", "rejected", "failed")


class ImportJobs(jobstore.JobStore[ImportJob]):
    """Import jobs as folders under ``root`` (``<data_dir>/imports/jobs``)."""

    def __init__(self, root: Path) -> None:
        super().__init__(
            root,
            ImportJob,
            ("找不到该导入任务。", "No such import job."),
            orphaned=(
                "服务器在导入过程中重启，导入未完成，未写入任何数据，请重新上传。",
                "The server restarted during the import: the import did not finish and "
                "nothing was written. Please upload the file again.",
            ),
        )

    def abandoned(self, job: ImportJob) -> None:
        # the upload, as when a job ends: nothing will read it again
        (self.directory(job.id) / job.filename).unlink(missing_ok=True)


class ImportBusy(GaodiError):
    """The user's previous import is still queued or running (429)."""

    status_code = 429
    code = "import_busy"


def submit(
    jobs: ImportJobs,
    engine: Engine,
    principal: Principal,
    *,
    entity: str,
    data: bytes,
    filename: str,
    mode: Literal["insert", "upsert"],
    dry_run: bool,
    reports_dir: Path,
    queue_max: int = 10,
) -> ImportJob:
    """Save the upload as a job and queue it; :class:`ImportBusy` while the user's previous
    import is unfinished (two imports of one user would race on the same rows)."""
    jobs.prune()
    busy = [j for j in jobs.for_owner(principal.username, limit=50) if not j.finished]
    if busy:
        raise ImportBusy(
            f"您的上一个导入（{busy[0].filename}）还在进行中，请等它完成后再上传。",
            f"Your previous import ({busy[0].filename}) is still running; wait for it to "
            "finish before uploading another.",
            job=busy[0].id,
        )
    waiting = [j for j in jobs.all() if not j.finished]
    if len(waiting) >= queue_max:
        raise ImportBusy(
            f"服务器上已有 {len(waiting)} 个导入在排队或进行中（最多 {queue_max} 个），"
            "请稍后再上传。",
            f"{len(waiting)} imports are queued or running on the server (at most {queue_max}); "
            "please upload again later.",
            queued=len(waiting),
        )
    job = ImportJob(
        id=secrets.token_hex(16),
        owner=principal.username,
        entity=entity,
        mode=mode,
        dry_run=dry_run,
        filename=filename,
        size_bytes=len(data),
        created_at=clock.now().isoformat(timespec="seconds"),
    )
    folder = jobs.directory(job.id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / filename).write_bytes(data)
    jobs.save(job)
    _EXECUTOR.submit(run, job, jobs, engine, principal, reports_dir)
    return job


def run(
    job: ImportJob, jobs: ImportJobs, engine: Engine, principal: Principal, reports_dir: Path
) -> ImportJob:
    """Import ``job`` now (the worker thread calls this); records progress and the outcome."""
    from gaodi.exchange.service import import_file

    def progress(stage: str, fraction: float) -> None:
        # import_file names its stages in both languages: "检查单元格 checking cells"
        zh, _, en = stage.partition(" ")
        job.stage_zh, job.stage_en = zh, en or zh
        job.progress = round(min(max(fraction, 0.0), 1.0), 3)
        jobs.save(job)

    job.status = "running"
    job.started_at = clock.now().isoformat(timespec="seconds")
    progress("读取 reading", 0.0)
    report_id = secrets.token_hex(16)
    report_path = reports_dir / f"{report_id}.xlsx"
    try:
        report = import_file(
            engine,
            job.entity,
            jobs.directory(job.id) / job.filename,
            principal=principal,
            dry_run=job.dry_run,
            mode=job.mode,
            report_path=report_path,
            progress=progress,
        )
        job.status = "done"
        job.created, job.updated, job.unchanged = report.created, report.updated, report.unchanged
        job.notes = list(report.notes)
        job.stage_zh, job.stage_en, job.progress = "完成", "done", 1.0
    except ImportRejected as exc:
        job.status = "rejected"
        job.error_count = len(exc.errors)
        job.errors = [
            JobError(
                sheet=e.sheet,
                row=e.row,
                column=e.column,
                value="" if e.value is None else str(e.value),
                reason_zh=e.reason_zh,
                reason_en=e.reason_en,
            )
            for e in exc.errors[:SHOWN_ERRORS]
        ]
        job.error_zh, job.error_en = exc.zh, exc.en
    except GaodiError as exc:
        job.status = "failed"
        job.error_zh, job.error_en = exc.zh, exc.en
    except Exception as exc:  # a bug must end the job visibly, never leave it running
        log.exception("import job %s failed", job.id)
        job.status = "failed"
        job.error_zh = f"导入时出错：{type(exc).__name__}。未写入任何数据；请联系管理员查看日志。"
        job.error_en = (
            f"The import failed: {type(exc).__name__}. Nothing was written; ask an "
            "administrator to check the log."
        )
    if job.status != "done" and report_path.exists():
        (reports_dir / f"{report_id}.owner").write_text(job.owner)
        job.report_id = report_id
    job.finished_at = clock.now().isoformat(timespec="seconds")
    (jobs.directory(job.id) / job.filename).unlink(missing_ok=True)  # the data is in, or refused
    jobs.save(job)
    return job
