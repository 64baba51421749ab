"""Background jobs kept as files: one folder per job, its state in ``job.json``.

Report jobs (``gaodi.reports.jobs``) and import jobs (``gaodi.exchange.jobs``) keep their state
this way, so that every server process of ``gaodi serve --workers N`` can show a job's progress
and its outcome, whichever process runs it. A job is a pydantic model with at least ``id`` (32
hex digits), ``owner`` (a user name) and ``created_at`` (ISO time); only its owner or an
administrator may see it, and a job of someone else answers like a missing one.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel

from gaodi.core import clock
from gaodi.core.errors import NotFoundError
from gaodi.core.permissions import Principal

KEEP_DAYS = 7
JOB_ID = re.compile(r"^[0-9a-f]{32}$")


J = TypeVar("J", bound=BaseModel)


class JobStore(Generic[J]):
    """Jobs of one kind (``model``) as folders under ``root``."""

    def __init__(self, root: Path, model: type[J], missing: tuple[str, str]) -> None:
        self.root = root
        self.model = model
        self.missing = missing  # the not-found words (zh, en)

    def directory(self, job_id: str) -> Path:
        return self.root / job_id

    def save(self, job: J) -> None:
        """Write the job's state atomically (a reader never sees half a file)."""
        folder = self.directory(_id(job))
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / "job.json.tmp"
        tmp.write_text(job.model_dump_json(indent=1), encoding="utf-8")
        tmp.replace(folder / "job.json")

    def load(self, job_id: str) -> J | None:
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
        """Remove jobs older than ``days`` (their files with them)."""
        if not self.root.is_dir():
            return
        cutoff = (clock.now() - timedelta(days=days)).isoformat()
        for folder in self.root.iterdir():
            job = self.load(folder.name)
            if job is not None and _created(job) < cutoff:
                shutil.rmtree(folder, ignore_errors=True)


def _id(job: BaseModel) -> str:
    return str(job.id)  # type: ignore[attr-defined]


def _owner(job: BaseModel) -> str:
    return str(job.owner)  # type: ignore[attr-defined]


def _created(job: BaseModel) -> str:
    return str(job.created_at)  # type: ignore[attr-defined]
