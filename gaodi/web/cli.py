"""``gaodi serve``: run the web app with uvicorn."""

from __future__ import annotations

import typer

from gaodi.core.cli_support import console, engine, handle_errors


@handle_errors
def serve(
    host: str | None = typer.Option(None, "--host", help="Address to bind (GAODI_HOST)."),
    port: int | None = typer.Option(None, "--port", help="Port (GAODI_PORT)."),
    log_level: str = typer.Option("info", "--log-level"),
) -> None:
    """Serve the web app and its JSON API (http://127.0.0.1:8000 by default)."""
    import uvicorn

    from gaodi.config import get_settings
    from gaodi.web.app import create_app

    settings = get_settings()
    app = create_app(engine(), settings)
    bind_host = host or settings.host
    bind_port = port or settings.port
    console.print(f"[bold red]高地 Gaodi[/] → http://{bind_host}:{bind_port}  (API: /api/docs)")
    uvicorn.run(app, host=bind_host, port=bind_port, log_level=log_level)
