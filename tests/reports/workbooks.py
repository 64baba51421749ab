"""Reading a downloaded workbook back, and the small demo city served to the export tests.

Shared by the report tests that hold a download against its page (test_export_words.py,
test_export_pages_agree.py, test_table_export.py), so each says only what it checks."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from gaodi.accounts import service as accounts
from gaodi.config import Settings
from gaodi.db import make_engine, session_scope
from gaodi.web.app import create_app


def book_of(response: Any) -> Any:
    """The workbook a 200 answer carries (openpyxl), or the answer's start as the failure."""
    assert response.status_code == 200, response.text[:500]
    assert "spreadsheetml" in response.headers["content-type"], response.headers["content-type"]
    return load_workbook(io.BytesIO(response.content))


def sheet_rows(sheet: Any) -> list[tuple[Any, ...]]:
    """Every row of a sheet as a tuple of its cells' values."""
    return [tuple(r) for r in sheet.iter_rows(values_only=True)]


def column(sheet: Any, header: str) -> list[Any]:
    """The values under ``header`` (first row), in row order."""
    rows = sheet_rows(sheet)
    i = rows[0].index(header)
    return [r[i] for r in rows[1:]]


@contextmanager
def demo_site(
    demo_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    accounts_of: Callable[[Session], None],
) -> Iterator[tuple[Engine, FastAPI]]:
    """A private copy of the small demo city served by the app, with the accounts
    ``accounts_of`` makes."""
    directory = tmp_path_factory.mktemp(name)
    shutil.copyfile(demo_template, directory / "demo.sqlite")
    engine = make_engine(f"sqlite:///{directory / 'demo.sqlite'}")
    try:
        with session_scope(engine, actor="test") as s:
            accounts_of(s)
        yield (
            engine,
            create_app(engine, Settings(data_dir=directory, secret_key=f"{name}-0123456789abcdef")),
        )
    finally:
        engine.dispose()


def demo_client(site: tuple[Engine, FastAPI], user: str, lang: str = "zh") -> TestClient:
    """A client of ``demo_site``'s app signed in as the demo account ``user``, in ``lang``."""
    from tests.web.helpers import login

    client = TestClient(site[1], base_url="http://testserver")
    client.cookies.set("gaodi_lang", lang)
    login(client, user, accounts.DEMO_PASSWORD)
    return client
