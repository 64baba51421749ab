"""The same city answers the same on SQLite and PostgreSQL (fifth audit, K).

A bureau on PostgreSQL saw 500s where a SQLite city answered (an id beyond PostgreSQL's 32-bit
INTEGER, text longer than its column), list searches that missed "ai" in "AI芯片" (LIKE is
case-sensitive on PostgreSQL, not on SQLite for ASCII), and the two cities ended in different
states from the same input (SQLite stored the over-long text). Each case runs on both backends.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gaodi.config import reset_settings
from gaodi.core import clock
from gaodi.db import session_scope
from gaodi.enterprises.models import Enterprise
from gaodi.projects.models import Appeal, Challenge, Project
from tests.web.conftest import Site, make_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD, seed_features
from tests.web.test_permissions_suite import _database

#: Latin letters in upper case in the stored names; the searches type them in lower case.
MARKS = {"enterprise": "AI芯片", "project": "CPU封测", "appeal": "EDA授权", "challenge": "GPU攻关"}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def parity_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    directory = tmp_path_factory.mktemp(f"parity-{request.param}")
    with _database(request.param, directory) as url:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("GAODI_DATA_DIR", str(directory))
            reset_settings()
            site = make_site(directory, url)
            seed_features(site.engine, site.world)
            with session_scope(site.engine, actor="test") as s:
                for model, column, key in (
                    (Enterprise, "name", "enterprise"),
                    (Project, "name", "project"),
                    (Appeal, "title", "appeal"),
                    (Challenge, "title", "challenge"),
                ):
                    row = s.scalars(select(model).order_by(model.id)).first()
                    assert row is not None
                    setattr(row, column, f"{getattr(row, column)[:20]}{MARKS[key]}")
        reset_settings()
        try:
            yield site
        finally:
            site.engine.dispose()


def _admin(site: Site) -> TestClient:
    client = site.client()
    login(client, site.world.users["admin"], PASSWORD)
    return client


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/api/v1/enterprises", "enterprise"),
        ("/api/v1/projects", "project"),
        ("/api/v1/appeals", "appeal"),
        ("/api/v1/challenges", "challenge"),
    ],
)
def test_list_searches_ignore_the_case_of_latin_letters(
    parity_site: Site, path: str, key: str
) -> None:
    client = _admin(parity_site)
    typed = MARKS[key][:3].lower()  # "ai", "cpu", "eda", "gpu"
    found = client.get(path, params={"q": typed})
    assert found.status_code == 200, found.text
    assert MARKS[key] in json.dumps(found.json(), ensure_ascii=False)
    missed = client.get(path, params={"q": "qqzzx"})
    assert MARKS[key] not in json.dumps(missed.json(), ensure_ascii=False)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/enterprises/2147483648",
        "/api/v1/projects/2147483648",
        "/api/v1/appeals/2147483648",
        "/api/v1/challenges/2147483648",
        "/enterprises/2147483648",
    ],
)
def test_an_id_beyond_32_bits_is_refused_in_words_on_both(parity_site: Site, path: str) -> None:
    response = _admin(parity_site).get(path)
    assert response.status_code == 422, response.text
    assert "2147483647" in response.text or "2,147,483,647" in response.text  # the bound, named


@pytest.mark.parametrize(
    "path",
    ["/enterprises?park=2147483648", "/api/v1/enterprises?park=2147483648"],
)
def test_a_filter_beyond_32_bits_is_refused_in_words_on_both(parity_site: Site, path: str) -> None:
    """A park filter beyond an INTEGER column: PostgreSQL said "number too large" where SQLite
    listed nothing; both now refuse the filter naming its bound."""
    response = _admin(parity_site).get(path)
    assert response.status_code == 422, response.text
    assert "2147483647" in response.text or "2,147,483,647" in response.text


@pytest.mark.parametrize("ref", ["2147483648", "99999999999999999999", "²"])
def test_a_chain_named_by_digits_no_column_holds_is_not_found_on_both(
    parity_site: Site, ref: str
) -> None:
    """The chain filter takes an id, a code or a name: digits no INTEGER column holds are
    looked up as a code (none), so both backends answer "no such chain" (PostgreSQL said
    "number too large"; "²" passed str.isdigit and failed int(), a 500 on both)."""
    response = _admin(parity_site).get("/api/v1/enterprises", params={"chain": ref})
    assert response.status_code == 404, response.text
    assert ref in response.json()["message_zh"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/api/v1/appeals",
            {"enterprise_id": 2**31, "category": "审批", "title": "标题", "text": "正文"},
            "enterprise_id",
        ),
        ("/api/v1/declarations", {"enterprise_id": 2**31, "year": 2023}, "enterprise_id"),
        (
            "/api/v1/challenges",
            {
                "chain_id": 2**31,
                "title": "攻关",
                "problem": "难题",
                "budget": 100,
                "deadline": "2024-06-30",
            },
            "chain_id",
        ),
    ],
)
def test_an_id_beyond_32_bits_in_a_body_is_refused_on_both(
    parity_site: Site, path: str, body: dict[str, object], field: str
) -> None:
    client = parity_site.client()
    token = login(client, parity_site.world.users["admin"], PASSWORD)
    response = client.post(path, json=body, headers={"X-CSRF-Token": token})
    assert response.status_code == 422, response.text
    assert field in response.text and (
        "2147483647" in response.text or "2,147,483,647" in response.text
    )


def test_text_longer_than_its_column_is_refused_and_nothing_is_stored(parity_site: Site) -> None:
    """A plan actual whose 数据来源 has 250 characters (the column holds 200): 422 in words on
    both backends, and no observation written (SQLite used to store it whole)."""
    from gaodi.plans.models import Observation

    def count() -> int:
        with session_scope(parity_site.engine) as s:
            return len(s.scalars(select(Observation.id)).all())

    before = count()
    client = parity_site.client()
    token = login(client, parity_site.world.users["admin"], PASSWORD)
    indicator = _first_indicator(parity_site)
    response = client.post(
        "/api/v1/plans/observations",
        json={
            "indicator": indicator,
            "period": "2023-12",
            "value": 31000,
            "scope": "city",
            "scope_id": 0,
            "source": "长" * 250,
        },
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 422, response.text
    assert "250" in response.json()["message"] and "200" in response.json()["message"]
    assert count() == before


def _first_indicator(site: Site) -> str:
    from gaodi.plans.models import Indicator

    with session_scope(site.engine) as s:
        code = s.scalars(select(Indicator.code).order_by(Indicator.id)).first()
    assert code is not None
    return code


def test_computed_at_is_on_the_city_clock(parity_site: Site) -> None:
    """Provenance stamps follow the city's clock like every other stamp in the answer."""
    with clock.frozen(datetime(2023, 6, 30, 2, 0)):
        body = _admin(parity_site).get("/api/v1/parks").json()
    stamps = [v for k, v in _walk(body) if k == "computed_at" and v]
    assert stamps, "the answer carries no computed_at"
    assert all(date.fromisoformat(v[:10]) == date(2023, 6, 30) for v in stamps), stamps


def _walk(value: object) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, str):
                yield k, v
            else:
                yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)
