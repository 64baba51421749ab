"""A moment in an Excel export's cell (an appeal's 受理时间, stored naive UTC) is the city's
wall time, and the column's header names the zone; it was written as naive UTC, the city's
05:06 shown as 21:06 of the day before, with nothing saying which clock it was."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from gaodi.accounts import service as accounts
from gaodi.config import Settings
from gaodi.core.permissions import SYSTEM
from gaodi.db import make_engine, session_scope
from gaodi.projects.models import Appeal
from gaodi.web.app import create_app
from tests.web.helpers import login

PASSWORD = "password-123456"
CITY = dt.timedelta(hours=8)  # Asia/Shanghai, the default zone: UTC+8 all year


@pytest.fixture(scope="module")
def site(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:

    directory = tmp_path_factory.mktemp("xlsx-moments")
    shutil.copyfile(demo_template, directory / "demo.sqlite")
    engine = make_engine(f"sqlite:///{directory / 'demo.sqlite'}")
    with session_scope(engine, actor="test") as s:
        accounts.create_user(s, "ana", "admin", PASSWORD, principal=SYSTEM)
    app = create_app(engine, Settings(data_dir=directory, secret_key="xlsx-moments-secret-0123"))
    yield engine, app
    engine.dispose()


def _sheet(site: Any, lang: str) -> list[tuple[Any, ...]]:
    client = TestClient(site[1], base_url="http://testserver")
    client.cookies.set("gaodi_lang", lang)
    login(client, "ana", PASSWORD)
    response = client.get("/export/xlsx/appeals")
    assert response.status_code == 200, response.text[:300]
    book = load_workbook(io.BytesIO(response.content))
    return [tuple(r) for r in book.worksheets[1].iter_rows(values_only=True)]


@pytest.mark.parametrize(
    ("lang", "name", "header"),
    [("zh", "受理时间", "受理时间（北京时间）"), ("en", "Received", "Received (Beijing time)")],
)
def test_appeal_received_is_the_citys_wall_time(
    site: Any, lang: str, name: str, header: str
) -> None:
    with session_scope(site[0], actor="test") as s:
        stored = {i: at for i, at in s.execute(select(Appeal.id, Appeal.received_at))}
    rows = _sheet(site, lang)
    received = next(i for i, h in enumerate(rows[0]) if h.startswith(name))
    assert len(rows) > 1
    for row in rows[1:]:  # the first column is the appeal's id
        at = stored[row[0]] + CITY  # a spreadsheet keeps the moment to the millisecond
        assert abs(row[received] - at) < dt.timedelta(milliseconds=1), (row[0], row[received])
    assert rows[0][received] == header  # a spreadsheet's cell holds no zone: the header says it
