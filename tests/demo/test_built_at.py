"""The demo's build time is on the city's clock (the day the demo lives on) with the zone's
offset, and the overview shows it in the city's zone, naming the zone, beside that day."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from gaodi.accounts import service as accounts
from gaodi.config import Settings
from gaodi.core import dataset
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.web.app import create_app
from tests.web.helpers import login


def test_the_build_time_is_the_demo_day_in_the_city_zone(demo_db: Engine, tmp_path: Path) -> None:
    with demo_db.connect() as conn:
        built = datetime.fromisoformat(dataset.record(conn)["built_at"])
    assert built.utcoffset() is not None and built.utcoffset().total_seconds() == 8 * 3600  # type: ignore[union-attr]
    assert built.date() == date(2024, 1, 15)
    with session_scope(demo_db, actor="test") as s:
        accounts.create_user(s, "boss", "admin", "test-password-1", principal=SYSTEM)
    app = create_app(demo_db, Settings(data_dir=tmp_path, secret_key="built-at-secret-01234567"))  # type: ignore[call-arg]
    client = TestClient(app, base_url="http://testserver")
    login(client, "boss", "test-password-1")
    html = client.get("/").text
    assert f"{built:%Y-%m-%d %H:%M}（北京时间）" in html
    twin = client.get("/api/v1/overview").json()
    assert twin["dataset_built"] == f"{built:%Y-%m-%d %H:%M}（北京时间）"
