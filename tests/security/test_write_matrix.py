"""Every write route x every scoped role, in and out of scope (issue 12, item 2).

The app's routes are walked at collection time (as in tests/web/test_permissions_suite.py). Each
write route a scoped role (chain office, park office, enterprise user) is allowed to call gets:

- **out of scope**: the same request naming an object outside the role's scope — in the path
  (``OUT_OF_SCOPE`` of the permission suite) or in the body (``BODY``) — answers exactly as a
  request naming a missing id does (same status, same error code and words), never shows the
  hidden object, and leaves every table as it was (a fingerprint of the whole database);
- **in scope** (for the body cases): a valid request naming the role's own objects succeeds and
  writes.

A write route a scoped role may call that is in neither table nor ``EXEMPT`` (with the reason)
fails :func:`test_every_scoped_write_is_covered`, so a route added later cannot slip past.
Runs on SQLite and, where configured, PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from gaodi import migrate
from gaodi.config import Settings, reset_settings
from gaodi.core import clock
from gaodi.core.permissions import SYSTEM, Principal, allowed
from gaodi.db import Base, make_engine, session_scope
from gaodi.web.app import create_app
from gaodi.web.routes import RouteInfo
from tests.web.conftest import Site
from tests.web.helpers import login
from tests.web.seed import PASSWORD, SCOPED, World, _assessment_answers, seed, seed_features
from tests.web.test_permissions_suite import (
    IN_SCOPE,
    OUT_OF_SCOPE,
    PARAM,
    PARAM_SOURCES,
    ROUTES,
    UNSAFE,
    _database,
)

MISSING = 987654
MISSING_USCC = "91430100MA4L00000F"  # well-formed, in no database
# tables a refused request may still touch: the audit trail of the attempt, sign-in bookkeeping
UNWATCHED = {"audit_event", "login_throttle", "user_account", "api_token"}

# Write routes a scoped role may call that name no scoped object, and why.
EXEMPT: dict[str, str] = {
    "/logout": "ends the caller's own sessions",
    "/lang": "sets the caller's own language cookie",
    "/login": "public",
    "/account/password": "the caller's own password",
    "/regions/linkages": "a computation on the uploaded table; stores nothing",
    "/api/v1/regions/linkages": "a computation on the uploaded table; stores nothing",
    "/data/import": "the import matrix below covers every entity x role",
}


@dataclass(frozen=True)
class Body:
    """A write whose body names the scoped object: ``make(world, role, which)`` gives the path
    values (parameter -> seed key) and the body for ``which`` in ("in", "out", "missing");
    ``None`` where the role has no such case."""

    make: Callable[[World, str, str], tuple[dict[str, str], dict[str, Any]] | None]
    roles: tuple[str, ...]
    writes: bool = True  # the in-scope request stores something (a report job is in memory)


def _pick(world: World, which: str, inside: str, outside: str) -> int:
    return {"in": world.ids[inside], "out": world.ids[outside], "missing": MISSING}[which]


def _appeal(w: World, role: str, which: str) -> tuple[dict[str, str], dict[str, Any]]:
    # each request its own problem: the same appeal while the first is open is refused as a repeat
    body = {"category": "其他", "title": f"矩阵诉求{which}", "text": f"测试 {uuid.uuid4().hex[:8]}"}
    return {}, {**body, "enterprise_id": _pick(w, which, "e1", "e2")}


def _project(w: World, role: str, which: str) -> tuple[dict[str, str], dict[str, Any]]:
    body: dict[str, Any] = {
        "name": f"矩阵项目{which}{role}",
        "investor_name": "测试投资方",
        "total_investment": 1000,
        "signed_on": str(clock.today()),
    }
    if role == "chain_office":
        return {}, {**body, "chain_id": _pick(w, which, "chain_a", "chain_b")}
    return {}, {
        **body,
        "chain_id": w.ids["chain_a"],
        "park_id": _pick(w, which, "park_a", "park_b"),
    }


def _challenge(w: World, role: str, which: str) -> tuple[dict[str, str], dict[str, Any]]:
    return {}, {
        "title": f"矩阵揭榜{which}",
        "problem": "测试",
        "chain_id": _pick(w, which, "chain_a", "chain_b"),
        "budget": 100,
        "deadline": str(clock.today().replace(year=clock.today().year + 1)),
    }


def _apply_for(firm: str) -> Any:
    """Applications linking ``firm`` (in the chain office's scope): one firm per route, as a
    firm applies once to a challenge, under its own name."""

    def make(w: World, role: str, which: str) -> tuple[dict[str, str], dict[str, Any]] | None:
        if role != "chain_office" and which == "in":
            return None  # only the office of the challenge's chain files for a firm (a park
            # office reads challenges but fires none of their steps: tests/projects)
        return {"challenge_id": "challenge_open"}, {
            "action": "apply",
            "applicant_name": w.names[firm] if which == "in" else f"矩阵申请{which}",
            "proposal": "测试方案",
            "enterprise_id": _pick(w, which, firm, "e2"),
        }

    return make


_VALUES = itertools.count(6)  # each in-scope submission a new value (a repeat writes nothing)


def _observation(w: World, role: str, which: str) -> tuple[dict[str, str], dict[str, Any]]:
    scope, inside, outside = (
        ("chain", "chain_a", "chain_b") if role == "chain_office" else ("park", "park_a", "park_b")
    )
    return {}, {
        "indicator": "T_OUTPUT",
        "period": "2023-12",  # after the seed's 5 of 2023-05: a plausible running total
        "value": next(_VALUES),
        "scope": scope,
        "scope_id": _pick(w, which, inside, outside),
    }


def _rollup(w: World, role: str, which: str) -> tuple[dict[str, str], dict[str, Any]]:
    _, body = _observation(w, role, which)
    del body["value"]
    # every seeded firm was assessed on 2023-06-01 (tests/web/seed.py), none is 规上
    return {}, {
        **body,
        "period": "2023-12",
        "level": 1,
        "population": "all",
        "confirm": True,
        "reason": "测试",
    }


def _uscc(w: World, which: str) -> str:
    return {"in": w.uscc["e1"], "out": w.uscc["e2"], "missing": MISSING_USCC}[which]


def _assessment(w: World, role: str, which: str) -> tuple[dict[str, str], dict[str, Any]]:
    items, scenarios = _assessment_answers()
    # a day of its own each time: the same answers again for one day are refused as a repeat
    day = clock.today() - dt.timedelta(days=next(_VALUES))
    body = {"uscc": _uscc(w, which), "items": items, "scenarios": scenarios}
    return {}, body | {"assessed_on": day.isoformat()}


def _maturity(w: World, role: str, which: str) -> tuple[dict[str, str], dict[str, Any]] | None:
    if which == "in":
        return None  # a valid questionnaire is tested in tests/smart
    rating = {"level": 1, "subdomain": "人员技能", "rating": 1}
    return {}, {"uscc": _uscc(w, which), "ratings": [rating]}


def _assign(w: World, role: str, which: str) -> tuple[dict[str, str], dict[str, Any]] | None:
    if which == "in":
        return (
            None  # a chain office adds firms through proposals (tests/security/test_scoped_writes)
        )
    return {}, {"enterprise": _uscc(w, which)}


def _declaration(w: World, role: str, which: str) -> tuple[dict[str, str], dict[str, Any]]:
    # a year of its own each time: one declaration per enterprise and year
    return {}, {"enterprise_id": _pick(w, which, "e1", "e2"), "year": 2000 + next(_VALUES) % 20}


def _report(w: World, role: str, which: str) -> tuple[dict[str, str], dict[str, Any]] | None:
    base = {"format": "xlsx", "period": "2023-06"}
    if role == "chain_office":
        return {}, {**base, "kind": "chain", "chain_id": _pick(w, which, "chain_a", "chain_b")}
    if role == "park_office":
        return {}, {**base, "kind": "park", "park_id": _pick(w, which, "park_a", "park_b")}
    return None


OFFICES = ("chain_office", "park_office")
BODY: dict[str, Body] = {
    "/api/v1/appeals": Body(_appeal, SCOPED),
    "/appeals": Body(_appeal, SCOPED),
    "/api/v1/projects": Body(_project, OFFICES),
    "/projects": Body(_project, OFFICES),
    "/api/v1/challenges": Body(_challenge, ("chain_office",)),
    "/challenges": Body(_challenge, ("chain_office",)),
    "/api/v1/challenges/{challenge_id}/act": Body(_apply_for("e1"), OFFICES),
    "/challenges/{challenge_id}/act": Body(_apply_for("e4"), OFFICES),
    "/api/v1/plans/observations": Body(_observation, OFFICES),
    "/plans/entry": Body(_observation, OFFICES),
    "/api/v1/smart/observations": Body(_rollup, OFFICES),
    "/api/v1/smart/assessments": Body(_assessment, ("park_office", "enterprise")),
    "/api/v1/smart/maturity": Body(_maturity, ("park_office", "enterprise")),
    "/api/v1/chains/{chain_id}/links/{link_id}/assign": Body(_assign, ("chain_office",)),
    "/chains/{chain_id}/links/{link_id}/assign": Body(_assign, ("chain_office",)),
    "/api/v1/chains/{chain_id}/links/{link_id}/unassign": Body(_assign, ("chain_office",)),
    "/chains/{chain_id}/links/{link_id}/unassign": Body(_assign, ("chain_office",)),
    "/chains/{chain_id}/links/{link_id}/release": Body(_assign, ("chain_office",)),
    "/reports": Body(_report, OFFICES, writes=False),
    "/api/v1/declarations": Body(_declaration, ("enterprise",)),
    "/declarations": Body(_declaration, ("enterprise",)),
}
# The token of another user: a scoped role revoking it must get a missing token's answer.
TOKEN_ROUTES = ("/account/tokens/{token_id}/revoke", "/api/v1/account/tokens/{token_id}/revoke")


def _may(role: str, route: RouteInfo) -> bool:
    access = route.access or {}
    if access.get("public"):
        return True
    domain = access.get("domain")
    return domain is None or allowed(Principal(username="x", role=role), access["action"], domain)


def _scoped_params(route: RouteInfo, role: str) -> list[str]:
    return [p for p in PARAM.findall(route.path) if p in OUT_OF_SCOPE[role]]


WRITES = [
    (route, method, role)
    for route in ROUTES
    for method in sorted(route.methods & UNSAFE)
    for role in SCOPED
    if _may(role, route)
]
PATH_CASES = [
    pytest.param(route, method, role, id=f"{method} {route.path} as {role}")
    for route, method, role in WRITES
    if _scoped_params(route, role)
]
BODY_CASES = [
    pytest.param(route, method, role, which, id=f"{method} {route.path} as {role} {which}")
    for route, method, role in WRITES
    if route.path in BODY and role in BODY[route.path].roles
    for which in ("in", "out")
]
TOKEN_CASES = [
    pytest.param(route, method, role, id=f"{method} {route.path} as {role}")
    for route, method, role in WRITES
    if route.path in TOKEN_ROUTES
]


def test_every_scoped_write_is_covered() -> None:
    """Each write a scoped role may call names its scoped object in the path, in a body case, or
    is exempt with a reason: a new write route joins this matrix or fails here."""
    loose = [
        f"{method} {route.path} as {role}"
        for route, method, role in WRITES
        if not _scoped_params(route, role)
        and not (route.path in BODY and role in BODY[route.path].roles)
        and route.path not in EXEMPT
        and route.path not in TOKEN_ROUTES
    ]
    assert not loose, f"write routes with no scope case (add them to BODY or EXEMPT): {loose}"
    assert len(PATH_CASES) > 20 and len(BODY_CASES) > 20  # the matrix is not empty by accident


# ---------------------------------------------------------------------------- the site


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def matrix_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """The permission suite's seeded city plus an open challenge on chain A and an API token of
    the admin (another user's token for every scoped role)."""
    from gaodi.accounts import service as accounts
    from gaodi.accounts.models import User
    from gaodi.projects import challenges
    from gaodi.projects.schemas import ChallengeIn

    directory = tmp_path_factory.mktemp(f"write-matrix-{request.param}")
    with _database(request.param, directory) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine)
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("GAODI_DATA_DIR", str(directory))
                reset_settings()
                world = seed(engine)
                seed_features(engine, world)
                with session_scope(engine) as s:
                    today = clock.today()
                    challenge = challenges.create_challenge(
                        s, SYSTEM,
                        ChallengeIn(
                            title="矩阵开放榜单", problem="测试", chain_id=world.ids["chain_a"],
                            budget=100, deadline=today.replace(year=today.year + 1),
                        ),
                    )  # fmt: skip
                    world.ids["challenge_open"] = challenge.id
                    admin = s.scalars(
                        select(User).where(User.username == world.users["admin"])
                    ).one()
                    row, _ = accounts.create_token(s, admin, "matrix", principal=SYSTEM)
                    world.ids["admin_token"] = row.id
            reset_settings()
            settings = Settings(data_dir=directory, secret_key="test-secret-key-0123456789")
            yield Site(engine, world, create_app(engine, settings), settings)
        finally:
            engine.dispose()


@pytest.fixture
def msite(matrix_site: Site, monkeypatch: pytest.MonkeyPatch) -> Site:
    monkeypatch.setenv("GAODI_DATA_DIR", str(matrix_site.settings.data_dir))
    reset_settings()
    return matrix_site


def fingerprint(site: Site) -> dict[str, str]:
    """A digest of every table's rows (but the bookkeeping a refused request may write)."""
    out = {}
    with site.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in UNWATCHED:
                continue
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


def _path(route: RouteInfo, world: World, role: str, values: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in values:
            v = values[name]
            return str(world.ids[v]) if isinstance(v, str) and v in world.ids else str(v)
        key = IN_SCOPE.get(role, {}).get(name) or PARAM_SOURCES.get(name)
        if key is None:
            return str(route.example.get("path", {}).get(name, MISSING))
        return world.refs.get(key) or str(world.ids[key])

    return PARAM.sub(value, route.path)


FLASH = re.compile(r'<div class="flash flash-(\w+)" role="status">(.*?)</div>', re.S)


@dataclass
class Sent:
    """A write's response and, for a form that answered with a redirect, the flashes the next
    page shows (a form reports a refused step there)."""

    response: Any
    flashes: list[tuple[str, str]]

    @property
    def status(self) -> int:
        return int(self.response.status_code)

    @property
    def text(self) -> str:
        return str(self.response.text) + "".join(m for _, m in self.flashes)


def _send(site: Site, role: str, method: str, route: RouteInfo, url: str, body: dict) -> Sent:
    client = site.client()
    client.headers["X-CSRF-Token"] = login(client, site.world.users[role], PASSWORD)
    if route.is_api:
        return Sent(client.request(method, url, json=body, follow_redirects=False), [])
    form = {k: str(v) for k, v in body.items() if not isinstance(v, dict | list)}
    response = client.request(method, url, data=form, follow_redirects=False)
    flashes = []
    if response.status_code == 303:
        flashes = FLASH.findall(client.get(response.headers["location"]).text)
    return Sent(response, flashes)


def _blank(text: str) -> str:
    """Ids and USCCs blanked: the request named them itself."""
    return re.sub(r"\d+", "#", re.sub(r"[0-9A-Z]{18}", "#", text))


def _answer(sent: Sent, route: RouteInfo) -> tuple[Any, ...]:
    """What the caller learns: the status and the error code and words (API), or the status,
    where it is sent and what the next page flashes (form)."""
    if not route.is_api:
        where = _blank(sent.response.headers.get("location", ""))
        return (sent.status, where, *(f"{k}:{_blank(m)}" for k, m in sent.flashes))
    body = sent.response.json()
    words = [_blank(str(body.get(k, ""))) for k in ("message_zh", "message_en")]
    return (sent.status, body.get("error"), *words)


def _refused(sent: Sent) -> bool:
    return sent.status in (403, 404, 422) or any(kind == "error" for kind, _ in sent.flashes)


def _leaks(sent: Sent, world: World, role: str, asked: str = "") -> list[str]:
    """Hidden names and USCCs in the answer (but what the request itself named: a refusal may
    echo the USCC the caller typed)."""
    return [s for s in world.hidden_from(role) if s in sent.text and s not in asked]


def _refused_like_missing(
    site: Site,
    role: str,
    method: str,
    route: RouteInfo,
    out: tuple[str, dict],
    missing: tuple[str, dict],
) -> None:
    before = fingerprint(site)
    answer_out = _send(site, role, method, route, *out)
    answer_missing = _send(site, role, method, route, *missing)
    label = f"{method} {out[0]} as {role}"
    assert _refused(answer_out), f"{label}: {answer_out.status} {answer_out.flashes}"
    assert _answer(answer_out, route) == _answer(answer_missing, route), label
    assert not _leaks(answer_out, site.world, role, repr(out)), label
    assert fingerprint(site) == before, f"{label} changed the database"


@pytest.mark.parametrize(("route", "method", "role"), PATH_CASES)
def test_a_write_to_an_out_of_scope_path_is_a_missing_one(
    route: RouteInfo, method: str, role: str, msite: Site
) -> None:
    world = msite.world
    params = _scoped_params(route, role)
    body = dict(route.example.get("json") or route.example.get("form") or {})
    if route.path in BODY and role in BODY[route.path].roles:
        made = BODY[route.path].make(world, role, "in")
        body = made[1] if made else body
    outside = {p: OUT_OF_SCOPE[role][p] for p in params}
    missing = {
        p: (
            MISSING_USCC
            if p == "uscc"
            else f"{MISSING}:chain:{MISSING}:2023-06"
            if p == "key"
            else MISSING
        )
        for p in params
    }
    out = (_path(route, world, role, outside), body)
    miss = (_path(route, world, role, missing), body)
    _refused_like_missing(msite, role, method, route, out, miss)


@pytest.mark.parametrize(("route", "method", "role", "which"), BODY_CASES)
def test_a_write_naming_an_out_of_scope_object_is_a_missing_one(
    route: RouteInfo, method: str, role: str, which: str, msite: Site
) -> None:
    world = msite.world
    case = BODY[route.path]
    made = case.make(world, role, which)
    if made is None:
        # no in-scope request of this kind for this role; the out-of-scope one must exist
        assert which == "in" and case.make(world, role, "out") is not None
        return
    values, body = made
    url = _path(route, world, role, values)
    if which == "out":
        missing_values, missing_body = case.make(world, role, "missing")  # type: ignore[misc]
        miss = (_path(route, world, role, missing_values), missing_body)
        _refused_like_missing(msite, role, method, route, (url, body), miss)
        return
    before = fingerprint(msite)
    sent = _send(msite, role, method, route, url, body)
    assert sent.status in (200, 201, 303) and not _refused(sent), (
        f"{method} {url} as {role}: {sent.status} {sent.flashes} {sent.response.text[:400]}"
    )
    if case.writes:
        assert fingerprint(msite) != before, f"{method} {url} as {role} wrote nothing"


@pytest.mark.parametrize(("route", "method", "role"), TOKEN_CASES)
def test_revoking_another_users_token_is_a_missing_one(
    route: RouteInfo, method: str, role: str, msite: Site
) -> None:
    world = msite.world
    out = (_path(route, world, role, {"token_id": world.ids["admin_token"]}), {})
    miss = (_path(route, world, role, {"token_id": MISSING}), {})
    _refused_like_missing(msite, role, method, route, out, miss)
