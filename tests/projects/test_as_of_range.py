"""An as-of day a user asks for lies between the first day a period may name and the city's
today: every page, JSON twin and command refuses any other in words (422 / a one-line error),
and never judges a future that has not happened or answers 500.

The demo city lives on 2024-01-15 (its dataset record): that is "today" here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.accounts import service as accounts
from gaodi.cli import app as cli
from gaodi.config import Settings
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.web.app import create_app
from tests.web.helpers import login

PASSWORD = "test-password-1"
FUTURE = "晚于今天（2024-01-15）：未来尚不知道任何数据"
RANGE = "截至日期须在 1949-01-01 至 2024-01-15 之间"


@pytest.fixture
def client(demo_db: Engine, tmp_path: Path) -> Iterator[TestClient]:
    with session_scope(demo_db, actor="test") as s:
        accounts.create_user(s, "boss", "admin", PASSWORD, principal=SYSTEM)
    settings = Settings(data_dir=tmp_path, secret_key="as-of-range-secret-0123456")  # type: ignore[call-arg]
    c = TestClient(create_app(demo_db, settings), base_url="http://testserver")
    login(c, "boss", PASSWORD)
    yield c
    c.close()


FUTURE_PAGES = (
    "/?as_of=2030-01-01",
    "/screen?as_of=2030-01-01",
    "/projects?as_of_day=2030-01-01",
    "/projects/1?as_of_day=2024-03-02",
    "/challenges?as_of_day=2030-01-01",
    "/appeals?as_of_day=2030-01-01",
    "/appeals/stats?as_of_day=2030-01-01",
    "/smart?as_of=2024-02-29",
)


def test_a_future_as_of_day_is_refused_in_words(client: TestClient) -> None:
    for url in FUTURE_PAGES:
        page = client.get(url)
        assert page.status_code == 422, (url, page.status_code)
        assert FUTURE in page.text and RANGE in page.text, url
        assert "已过" not in page.text and "落后" not in page.text
    for url in (
        "/api/v1/overview?as_of=2030-01-01",
        "/api/v1/projects?as_of_day=2030-01-01",
        "/api/v1/projects/1?as_of_day=2024-03-02",
        "/api/v1/act/summary?as_of_day=2030-01-01",
    ):
        answer = client.get(url)
        assert answer.status_code == 422, url
        body = answer.json()
        assert FUTURE in body["message_zh"] and "after today (2024-01-15)" in body["message_en"]
    # today and the days before it are still judged
    assert client.get("/?as_of=2024-01-15").status_code == 200
    assert client.get("/api/v1/projects?as_of_day=2023-12-31").status_code == 200
    assert client.get("/smart?as_of=2023-12-31").status_code == 200


def test_an_early_or_far_day_is_422_with_the_range_never_500(client: TestClient) -> None:
    for url in ("/?as_of=0001-01-01", "/screen?as_of=0001-01-01", "/projects?as_of_day=0001-01-01"):
        page = client.get(url)
        assert page.status_code == 422, url
        assert "截至日期 0001-01-01 早于 1949-01-01" in page.text and RANGE in page.text
    far = client.get("/?as_of=9999-12-31")
    assert far.status_code == 422 and FUTURE in far.text and RANGE in far.text
    assert "数字过大" not in far.text
    # the first day of the range is judged (last year's end is not before it)
    assert client.get("/?as_of=1949-01-01").status_code == 200
    assert client.get("/screen?as_of=1949-06-30").status_code == 200


def test_the_demo_day_is_named_when_it_is_asked_for(client: TestClient) -> None:
    today = client.get("/api/v1/projects").json()["as_of"]
    assert today == {"day": "2024-01-15", "is_demo_day": True}
    asked = client.get("/api/v1/projects?as_of_day=2024-01-15").json()["as_of"]
    assert asked == {"day": "2024-01-15", "is_demo_day": True}
    assert "示例数据截至该日" in client.get("/projects?as_of_day=2024-01-15").text
    assert "示例数据截至该日" not in client.get("/projects?as_of_day=2023-12-31").text
    assert client.get("/api/v1/projects?as_of_day=2023-12-31").json()["as_of"]["is_demo_day"] is (
        False
    )


def test_the_cli_refuses_a_future_as_of_in_one_line(demo_db: Engine) -> None:
    out = CliRunner().invoke(cli, ["projects", "summary", "--as-of", "2030-01-01"])
    assert out.exit_code == 2 and FUTURE in out.output and "Traceback" not in out.output
    assert "projects_behind" not in out.output
    out = CliRunner().invoke(cli, ["projects", "list", "--as-of", "0001-01-01", "--json"])
    assert out.exit_code == 2 and "早于 1949-01-01" in out.output
    out = CliRunner().invoke(cli, ["projects", "summary", "--as-of", "2023-12-31"])
    assert out.exit_code == 0 and json.loads(out.output)["as_of"] == "2023-12-31"
