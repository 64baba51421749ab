"""``gaodi serve`` wires the configured database into the app and hands it to uvicorn."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app


def test_serve_runs_uvicorn_with_the_app(
    sqlite_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []

    def fake_run(application: Any, **kwargs: Any) -> None:
        calls.append({"app": application, **kwargs})

    import uvicorn

    monkeypatch.setattr(uvicorn, "run", fake_run)
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "9123"])
    assert result.exit_code == 0, result.output
    (call,) = calls
    assert isinstance(call["app"], FastAPI)
    assert (call["host"], call["port"]) == ("0.0.0.0", 9123)
    assert "http://0.0.0.0:9123" in result.output
    assert call["app"].state.engine.url.database == sqlite_db.url.database


def test_serve_defaults_come_from_settings(
    sqlite_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda application, **kw: calls.append(kw))
    monkeypatch.setenv("GAODI_PORT", "8111")
    from gaodi.config import reset_settings

    reset_settings()
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert (calls[0]["host"], calls[0]["port"]) == ("127.0.0.1", 8111)
