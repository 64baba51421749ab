"""``gaodi serve``: run the web app with uvicorn."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import typer

from gaodi.ui.cli.support import console, engine, existing_engine, handle_errors


@handle_errors
def serve(
    host: str | None = typer.Option(None, "--host", help="Address to bind (GAODI_HOST)."),
    port: int | None = typer.Option(None, "--port", help="Port (GAODI_PORT)."),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        max=64,
        envvar="GAODI_WORKERS",
        help="Server processes (GAODI_WORKERS). Sessions, log-in limits and cache invalidation "
        "live in the database and the signed cookie, so any process answers any user.",
    ),
    log_level: str = typer.Option("info", "--log-level"),
    warm: bool = typer.Option(
        True,
        "--warm/--no-warm",
        envvar="GAODI_WARM",
        help="Recompute the heavy pages' data (eligibility, ranking, parks evaluation, chain "
        "summary) in the background at start and after every data change, so the first visitor "
        "after a change does not wait for it (GAODI_WARM; on by default).",
    ),
) -> None:
    """Serve the web app and its JSON API (http://127.0.0.1:8000 by default)."""
    import uvicorn

    from gaodi.config import get_settings
    from gaodi.web.app import create_app

    settings = get_settings()
    # a SQLite file that does not exist is refused before anything is made for it (get_engine
    # would create its directory, the lock below a lock file beside it)
    configured = existing_engine()
    bind_host = host or settings.host
    bind_port = port or settings.port
    with _serving(configured.url.database if configured.dialect.name == "sqlite" else None):
        served = engine()  # upgrades the schema once, under the lock, before any worker starts
        console.print(f"[bold red]高地 Gaodi[/] → http://{bind_host}:{bind_port}  (API: /api/docs)")
        if workers == 1:
            uvicorn.run(
                create_app(served, settings, warm=warm),
                host=bind_host,
                port=bind_port,
                log_level=log_level,
            )
            return
        # Every worker reads the same settings from the environment; the secret key file is
        # created here, once, so that the workers never race to create it.
        settings.effective_secret_key  # noqa: B018
        served.dispose()
        os.environ["GAODI_WARM"] = "1" if warm else "0"  # read by each worker's app
        console.print(f"{workers} 个工作进程 worker processes")
        uvicorn.run(
            "gaodi.web.app:worker_app",
            factory=True,
            workers=workers,
            host=bind_host,
            port=bind_port,
            log_level=log_level,
        )


@contextlib.contextmanager
def _serving(database: str | None) -> Iterator[None]:
    """Hold the SQLite database's server lock while serving: `gaodi db restore` refuses to
    replace a file under a running server, and a server does not start during a restore."""
    from gaodi.core.errors import ConflictError
    from gaodi.system.restore import server_lock

    if not database or database == ":memory:":
        yield
        return
    with server_lock(Path(database)) as held:
        if not held:
            raise ConflictError(
                f"数据库 {database} 正在恢复或升级（gaodi db restore / gaodi db upgrade），"
                "请待其完成后再启动服务器。",
                f"The database {database} is being restored or upgraded (gaodi db restore / "
                "gaodi db upgrade); start the server when it is done.",
            )
        yield
