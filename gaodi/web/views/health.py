"""Liveness checks: ``/healthz`` (the database takes a write) and ``/api/v1/ping`` (plain JSON).

``/api/v1/ping`` touches nothing — it is FastAPI's bare JSON response, the baseline of
``benchmarks/web_overview.py``.
"""

from __future__ import annotations

import logging
import secrets
import shutil
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from gaodi import __version__
from gaodi.core.storage import StorageUnavailable, storage_problem
from gaodi.ui.web.pages import Access, route_extra

log = logging.getLogger("gaodi.web")

router = APIRouter()
PUBLIC = route_extra(Access(public=True))


class Pong(BaseModel):
    pong: bool = True


class Health(BaseModel):
    status: str = Field(description="ok, or what keeps the database from taking a write.")
    version: str
    reason: str | None = Field(None, description="Why not ok (English).")
    reason_zh: str | None = Field(None, description="Why not ok (Chinese).")


#: Less free space than this beside a SQLite database and the next write may fail.
MIN_FREE_BYTES = 16 * 1024 * 1024
#: The probe waits this long for SQLite's write lock (the pool's own timeout is 10 s).
PROBE_BUSY_MS = 2000


@router.get("/api/v1/ping", tags=["system"], openapi_extra=PUBLIC, summary="Plain JSON answer")
async def ping() -> Pong:
    """Answer without touching the database (the benchmark's baseline)."""
    return Pong()


@router.get(
    "/healthz",
    include_in_schema=False,  # for load balancers and monitors, outside the API
    tags=["system"],
    openapi_extra=PUBLIC,
    summary="Health check",
    response_model=Health,
    responses={503: {"model": Health}},
)
def healthz(request: Request) -> Health | JSONResponse:
    """``ok`` when the database takes a write (tried, then rolled back); 503 with the reason
    when it cannot — read-only, disk full, locked, or not answering."""
    problem = write_problem(request.app.state.engine)
    if problem is None:
        return Health(status="ok", version=__version__)
    body = Health(status=problem.code, version=__version__, reason=problem.en, reason_zh=problem.zh)
    return JSONResponse(body.model_dump(), status_code=503)


def write_problem(engine: Engine) -> StorageUnavailable | None:
    """What keeps ``engine``'s database from taking a write now, else ``None``.

    A row goes into ``system_info`` and is rolled back: on SQLite that takes the write lock (a
    read-only file or mount, or a lock held too long, fails here); on PostgreSQL it fails in a
    read-only transaction or on a standby. A full disk shows only when pages reach it, so for a
    SQLite file the free space beside it is checked too.
    """
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as conn:
            raw: Any = conn.connection.dbapi_connection
            if sqlite:
                raw.execute(f"PRAGMA busy_timeout={PROBE_BUSY_MS}")
            try:
                with conn.begin() as tx:
                    conn.execute(
                        text(
                            "INSERT INTO system_info (key, value, updated_at) "
                            "VALUES (:key, '{}', CURRENT_TIMESTAMP)"
                        ),
                        {"key": f"healthz-probe-{secrets.token_hex(8)}"},
                    )
                    tx.rollback()
            finally:
                if sqlite:
                    raw.execute("PRAGMA busy_timeout=10000")  # the pool's own (gaodi.db)
    except SQLAlchemyError as exc:
        log.error("health check: the database cannot take a write: %s", exc)
        return storage_problem(exc) or unavailable()
    database = engine.url.database
    if sqlite and database and database != ":memory:":
        try:
            free = shutil.disk_usage(Path(database).resolve().parent).free
        except OSError:  # a URI filename (file:…?mode=ro) is no path to measure
            return None
        if free < MIN_FREE_BYTES:
            return StorageUnavailable(
                "disk_full",
                f"数据库所在的磁盘只剩 {free // 1024} KiB 可用空间，即将无法保存更改。",
                f"The disk holding the database has only {free // 1024} KiB free; writes are "
                "about to fail.",
            )
    return None


def unavailable() -> StorageUnavailable:
    return StorageUnavailable(
        "database_unavailable",
        "数据库无法访问。",
        "The database does not answer.",
    )
