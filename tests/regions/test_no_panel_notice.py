"""A new city whose plan names it (地区代码 340200, or a title naming 芜湖市) but which has no
regional panel yet: the clusters and regions pages say the panel is what is missing, and do not
tell the administrator to set the city's code they already set. Before, /clusters said "No panel
or no home city: no LQ" followed by "The city is named by its code… (e.g. 430100 for Changsha)".
With neither, the hint is there and says a plan whose title names the city sets it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gaodi.accounts import service as accounts
from gaodi.config import Settings
from gaodi.core.permissions import SYSTEM
from gaodi.db import make_engine, session_scope
from gaodi.plans import service as plans
from gaodi.text.schema import PlanExtraction
from gaodi.web.app import create_app
from tests.web.helpers import login
from tests.web.seed import PASSWORD
from tests.web.test_audit7_words import texts

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh"}
PAGES = ("/clusters", "/regions", "/regions/peers", "/regions/complexity", "/regions/opportunities")


WUHU = "芜湖市推进先进制造业高质量发展三年行动计划（2024—2026年）"


def _city(directory: Path, migrated: Path, title: str | None) -> Iterator[TestClient]:
    """A migrated database with an administrator and, when ``title`` is given, a draft plan of
    that title (no targets): no panel, no enterprise, no dataset record."""
    shutil.copyfile(migrated, directory / "city.sqlite")
    engine = make_engine(f"sqlite:///{directory / 'city.sqlite'}")
    with session_scope(engine, actor="test") as s:
        accounts.create_user(s, "new-admin", "admin", PASSWORD, principal=SYSTEM)
        if title is not None:
            plans.load_plan(
                s, SYSTEM, PlanExtraction(title=title, actions=[], targets=[], qualitative=[])
            )
    app = create_app(engine, Settings(data_dir=directory, secret_key="test-secret-key-0123456789"))
    client = TestClient(app, base_url="http://testserver")
    login(client, "new-admin", PASSWORD)
    try:
        yield client
    finally:
        engine.dispose()


@pytest.fixture
def named(tmp_path: Path, migrated_sqlite: Path) -> Iterator[TestClient]:
    yield from _city(tmp_path, migrated_sqlite, WUHU)


@pytest.fixture
def unnamed(tmp_path: Path, migrated_sqlite: Path) -> Iterator[TestClient]:
    yield from _city(tmp_path, migrated_sqlite, None)


def test_a_city_its_plan_names_is_told_the_panel_is_missing(named: TestClient) -> None:
    for url in PAGES:
        for headers in (ZH, EN):
            html = named.get(url, headers=headers).text
            assert 'data-testid="city-code-hint"' not in html, url
            notice = texts(html).text("notice")
            assert "no home city" not in notice and "本市未知" not in notice, (url, notice)
            assert ("面板" in notice) if headers is ZH else ("panel" in notice), (url, notice)


def test_a_city_nothing_names_is_told_what_sets_it(unnamed: TestClient) -> None:
    for url in PAGES:
        for headers, words in ((ZH, "标题"), (EN, "title")):
            html = unnamed.get(url, headers=headers).text
            hint = texts(html).text("city-code-hint")
            assert words in hint, (url, hint)
            notice = texts(html).text("notice")
            assert "本市" in notice if headers is ZH else "home city" in notice, (url, notice)
