"""One convention for moments (gaodi.core.moments): every moment in a JSON answer is the city's
time with its offset (2024-01-15T09:30:05+08:00), never naive UTC a client reads as its own
local time; pages show the city's wall time.

The seeded city (tests/web/seed.py with its features) is built on a frozen clock whose time of
day is 01:30:05 UTC (09:30:05 in the city), then every GET route of the JSON API is walked as
the administrator; the moments of the objects with stored stamps (audit, appeals, challenges,
declarations, submissions, tokens, report jobs, chain assignments and proposals) are compared
with the rows in the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gaodi.accounts import service as accounts
from gaodi.accounts.models import ApiToken, User
from gaodi.audit.models import AuditEvent
from gaodi.chains import proposals
from gaodi.chains.models import EnterpriseLink
from gaodi.core.permissions import SYSTEM
from gaodi.db import database_key, session_scope
from gaodi.enterprises.models import TierDeclarationEvent
from gaodi.plans.models import Observation
from gaodi.projects.models import Appeal, ChallengeApplication
from gaodi.reports import jobs
from gaodi.web.routes import walk
from tests.web.conftest import Site, featured_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD
from tests.web.test_permissions_suite import fill_path

NOW = datetime(2024, 1, 15, 1, 30, 5)  # naive UTC: 09:30:05 on 2024-01-15 in the city
CITY = timedelta(hours=8)
#: a closed chain assignment of the link page: from 01:30 to 02:45 UTC (09:30-10:45 city time)
SPAN = (datetime(2023, 11, 2, 1, 30), datetime(2023, 11, 3, 2, 45))
MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with featured_site(tmp_path_factory, "city-moments", NOW) as site:
        _moments_of_the_past(site)
        yield site


def _moments_of_the_past(site: Site) -> None:
    """An API token, a closed chain assignment (SPAN), a proposal and a report job."""
    ids = site.world.ids
    with session_scope(site.engine, actor="seed") as s:
        admin = s.scalars(select(User).where(User.username == site.world.users["admin"])).one()
        accounts.create_token(s, admin, "测试令牌", principal=SYSTEM)
        s.add(
            EnterpriseLink(
                enterprise_id=ids["e2"],
                link_id=ids["a1"],
                source="manual",
                reason="测试历史",
                valid_from=SPAN[0],
                valid_to=SPAN[1],
            )
        )
        proposals.propose(s, SYSTEM, ids["chain_a"], ids["a2"], site.world.uscc["e1"], "测试提议")
    job = jobs.new_job(site.world.users["admin"], "monthly", "docx", "zh", period="2023-12")
    store = jobs.JobStore(Path(site.settings.data_dir) / "reports" / database_key(site.engine))
    store.save(job)
    site.world.refs["job"] = job.id


@pytest.fixture(scope="module")
def admin(site: Site) -> TestClient:
    client = site.client()
    login(client, site.world.users["admin"], PASSWORD)
    return client


def _moments(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(where, text) of every string in a JSON answer that starts like a date and a time."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _moments(item, f"{path}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _moments(item, f"{path}[{n}]")
    elif isinstance(value, str) and MOMENT.match(value):
        yield path, value


def _instant(text: str) -> datetime:
    """The naive UTC instant of a moment in the city's offset form (asserting the form)."""
    at = datetime.fromisoformat(text)
    assert at.tzinfo is not None, f"{text!r} has no offset"
    assert at.utcoffset() == CITY, f"{text!r} is not in the city's time (+08:00)"
    return at.astimezone(UTC).replace(tzinfo=None)


def _stored(value: datetime) -> datetime:
    return value.replace(microsecond=0)  # the API gives seconds


def _api_answers(site: Site, client: TestClient) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for route in walk(site.app):
        if not route.path.startswith("/api/v1/") or "GET" not in route.methods:
            continue
        if route.path.startswith("/api/v1/map/geo"):
            continue  # GeoJSON boundaries, no moments
        url = fill_path(route, site.world, {"job_id": "job"} if "{job_id}" in route.path else None)
        response = client.get(url)
        if response.status_code == 200 and "json" in response.headers["content-type"]:
            answers[url] = response.json()
    return answers


def test_every_moment_of_the_json_api_is_city_time_with_its_offset(
    site: Site, admin: TestClient
) -> None:
    answers = _api_answers(site, admin)
    seen, naive = [], []
    for url, body in answers.items():
        for where, text in _moments(body):
            if where.endswith(".dataset_built"):
                continue  # the dataset's build time in words for people (北京时间 named)
            at = datetime.fromisoformat(text)
            if at.tzinfo is None or at.utcoffset() != CITY:
                naive.append(f"{url}{where} = {text}")
            seen.append(f"{url}{where}")
    assert not naive, naive
    # the walk met the moments of every kind of object that has them
    for needle in (
        "/account.tokens[0].created_at",
        "/account.last_login_at",
        "/admin/users.users[0].created_at",
        "/admin/audit.events[0].at",
        "/appeals.rows[0].received_at",
        "/chain-proposals[0].proposed_at",
        "/declarations.rows[0].submitted_at",
        "/plans/submissions/",
        "/reports/jobs/",
        "/screen.refreshed_at",
        "/overview.as_of.dataset_built_at",
    ):
        assert any(needle in s for s in seen), (needle, sorted(seen)[:50])


def test_moments_are_the_stored_instants(site: Site, admin: TestClient) -> None:
    ids = site.world.ids
    with session_scope(site.engine) as s:
        token = s.scalars(select(ApiToken).where(ApiToken.name == "测试令牌")).one()
        audit = {e.id: e.at for e in s.scalars(select(AuditEvent))}
        appeal = s.get(Appeal, ids["appeal_e1"])
        assert appeal is not None and appeal.assigned_at is not None
        applications = {a.id: a.submitted_at for a in s.scalars(select(ChallengeApplication))}
        declared = {
            _stored(e.at)
            for e in s.scalars(
                select(TierDeclarationEvent).where(
                    TierDeclarationEvent.declaration_id == ids["declaration_e1"]
                )
            )
        }
        links = {r.id: (r.valid_from, r.valid_to) for r in s.scalars(select(EnterpriseLink))}
        observations = list(s.scalars(select(Observation)))
        stamps = (
            _stored(token.created_at),
            {k: _stored(v) for k, v in audit.items()},
            (_stored(appeal.received_at), _stored(appeal.assigned_at)),
            {k: _stored(v) for k, v in applications.items()},
            declared,
        )

    account = admin.get("/api/v1/account").json()
    row = next(t for t in account["tokens"] if t["name"] == "测试令牌")
    assert _instant(row["created_at"]) == stamps[0]

    events = admin.get("/api/v1/admin/audit", params={"per_page": 200}).json()["events"]
    assert events
    for e in events:
        assert _instant(e["at"]) == stamps[1][e["id"]]

    detail = admin.get(f"/api/v1/appeals/{ids['appeal_e1']}").json()
    d = detail["detail"]
    found = (_instant(d["appeal"]["received_at"]), _instant(d["assigned_at"]))
    assert found == stamps[2]

    challenge = admin.get(f"/api/v1/challenges/{ids['challenge_a']}").json()
    apps = challenge["detail"]["applications"]
    assert apps and all(_instant(a["submitted_at"]) == stamps[3][a["id"]] for a in apps)

    page = admin.get(f"/api/v1/declarations/{ids['declaration_e1']}").json()
    assert page["events"] and {_instant(e["at"]) for e in page["events"]} == stamps[4]

    link = admin.get(f"/api/v1/chains/{ids['chain_a']}/links/{ids['a1']}").json()["detail"]
    rows = link["assignments"] + link["excluded"] + link["history"]
    assert rows
    for a in rows:
        start, end = links[a["id"]]
        assert _instant(a["valid_from"]) == _stored(start)
        assert (_instant(a["valid_to"]) if a["valid_to"] else None) == (
            _stored(end) if end else None
        )

    key = site.world.refs["submission_chain_a"]
    submission = admin.get(f"/api/v1/plans/submissions/{key}").json()
    at = _instant(submission["row"]["submitted_at"])
    assert any(_stored(o.submitted_at) == at for o in observations)  # to the second

    proposals_ = admin.get("/api/v1/chain-proposals").json()
    assert proposals_ and all(_instant(p["proposed_at"]) == NOW for p in proposals_)


def test_the_openapi_schema_says_a_moment_is_a_date_time_with_offset(site: Site) -> None:
    schemas = site.client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    for name, field in (
        ("TokenRow", "created_at"),
        ("AuditRow", "at"),
        ("AppealRow", "received_at"),
    ):
        prop = schemas[name]["properties"][field]
        assert prop["format"] == "date-time"
        assert prop["examples"] == ["2024-01-15T17:02:00+08:00"]


def test_the_link_page_shows_the_city_time_of_a_stored_moment(
    site: Site, admin: TestClient
) -> None:
    ids = site.world.ids
    html = admin.get(f"/chains/{ids['chain_a']}/links/{ids['a1']}").text
    cells = re.findall(r'data-testid="link-history-span">([^<]*)<', html)
    # stored 01:30 and 02:45 UTC: the city's 09:30 and 10:45 on those days
    assert "2023-11-02 09:30 – 2023-11-03 10:45" in cells
    assert "01:30" not in " ".join(cells)


def test_the_admin_pages_show_city_time(site: Site, admin: TestClient) -> None:
    html = admin.get("/account").text
    assert "2024-01-15 09:30" in html  # the token made at 01:30:05 UTC
    assert "2024-01-15T" not in html
    audit = admin.get("/admin/audit").text
    assert "2024-01-15 09:30:05" in audit


def test_the_declaration_pages_show_city_time(site: Site, admin: TestClient) -> None:
    # the seed submitted the declarations at 01:30:05 UTC: 09:30 in the city
    detail = admin.get(f"/declarations/{site.world.ids['declaration_e1']}").text
    listing = admin.get("/declarations").text
    for html in (detail, listing):
        assert "2024-01-15 09:30" in html
        assert "2024-01-15 01:30" not in html
