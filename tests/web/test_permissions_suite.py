"""The permission suite: every route of the app x every role (and anonymous).

It walks ``app.routes`` at collection time, so a route a feature adds later joins automatically.
For each route it reads the declared access rule (``x-gaodi-access``: public, any signed-in
user, or domain + action) and checks what each role gets:

- anonymous: 401 from the JSON API, a redirect to /login from a page (unless public);
- a role the ROLE_MATRIX allows: neither 401 nor 403, and a page or JSON for GET;
- a role it does not allow: 403;
- never a 5xx, whatever the role.

Path parameters are filled from the seeded world (tests/web/seed.py) by name — ``enterprise_id``,
``chain_id``, ``park_id``, ``uscc`` … — or from the route's ``x-gaodi-example`` metadata
(``{"path": {"name": value}}``). Scoped roles are then checked against data outside their scope:
an out-of-scope id gives 403/404, and no page or JSON answer ever contains the name or USCC of an
enterprise the role may not see, nor the title, name or comment of a project, challenge,
application, appeal, attachment, assessment, recognition or submission outside its scope
(tests/web/seed.py, ``seed_features``: every detail route gets a real object inside and one outside
each scoped role's scope). The suite runs on SQLite and, where one is configured, PostgreSQL.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Cookies
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from gaodi import migrate
from gaodi.config import Settings, reset_settings
from gaodi.core.permissions import Principal, allowed
from gaodi.db import make_engine
from gaodi.web.app import create_app
from gaodi.web.routes import RouteInfo, walk
from tests.snapshots import create_database
from tests.web.conftest import Site
from tests.web.helpers import csrf_of, login
from tests.web.seed import PASSWORD, ROLES, World, seed, seed_features

ANONYMOUS = "anonymous"
ALL_ROLES = (ANONYMOUS, *ROLES)
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")

# Which seeded object fills a path parameter of this name (in scope for every scoped role
# but where IN_SCOPE says otherwise).
PARAM_SOURCES: dict[str, str] = {
    "enterprise_id": "e1",
    "chain_id": "chain_a",
    "park_id": "park_a",
    "link_id": "a1",
    "cluster_id": "cluster",
    "plan_id": "plan",
    "action_id": "action",
    "indicator_id": "indicator",
    "target_id": "target",
    "observation_id": "observation",
    "user_id": "user",
    "project_id": "project_in",
    "challenge_id": "challenge_a",
    "appeal_id": "appeal_e1",
    "attachment_id": "attachment_e1",
    "declaration_id": "declaration_e1",
    "evidence_id": "evidence_e1",
    "key": "submission_chain_a",
}
# The in-scope object for a scoped role where it differs from PARAM_SOURCES.
IN_SCOPE: dict[str, dict[str, str]] = {"park_office": {"key": "submission_park_a"}}
# Objects outside each scoped role's scope, by parameter name.
OUT_OF_SCOPE: dict[str, dict[str, str]] = {
    "chain_office": {
        "enterprise_id": "e2",
        "uscc": "e2",
        "chain_id": "chain_b",
        "link_id": "b1",
        "project_id": "project_out",
        "challenge_id": "challenge_b",
        "appeal_id": "appeal_e2",
        "attachment_id": "attachment_e2",
        "declaration_id": "declaration_e2",
        "evidence_id": "evidence_e2",
        "key": "submission_chain_b",
    },
    "park_office": {
        "enterprise_id": "e2",
        "uscc": "e2",
        "park_id": "park_b",
        "project_id": "project_out",
        "appeal_id": "appeal_e2",
        "attachment_id": "attachment_e2",
        "declaration_id": "declaration_e2",
        "evidence_id": "evidence_e2",
        "key": "submission_park_b",
    },
    "enterprise": {
        "enterprise_id": "e2",
        "uscc": "e2",
        "appeal_id": "appeal_e2",
        "attachment_id": "attachment_e2",
        "declaration_id": "declaration_e2",
        "evidence_id": "evidence_e2",
    },
}
# A workflow transition route (POST …/act) is open to every role that may read the object; the
# workflow then decides who may fire which transition (tests/projects cover the actor rules).
WORKFLOW = re.compile(r"/act$")


def _collect() -> list[RouteInfo]:
    app = create_app(make_engine("sqlite://"), Settings(secret_key="collect-only"))
    return sorted(walk(app), key=lambda r: (r.path, sorted(r.methods)))


ROUTES = _collect()
CASES = [
    pytest.param(route, method, role, id=f"{method} {route.path} as {role}")
    for route in ROUTES
    for method in sorted(route.methods - {"HEAD", "OPTIONS"})
    for role in ALL_ROLES
]


def _seeded(world: World, name: str, key: str) -> str:
    if name == "uscc":
        return world.uscc[key]
    return world.refs[key] if key in world.refs else str(world.ids[key])


def fill_path(route: RouteInfo, world: World, overrides: dict[str, str] | None = None) -> str:
    examples = dict(route.example.get("path", {}))

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if overrides and name in overrides:
            return _seeded(world, name, overrides[name])
        if name == "uscc":
            return world.uscc["e1"]
        if name in PARAM_SOURCES:  # a seeded object beats the route's example id
            return _seeded(world, name, PARAM_SOURCES[name])
        if name in examples:
            return str(examples[name])
        raise AssertionError(
            f"{route.path}: no value for path parameter {name!r}; add it to PARAM_SOURCES or "
            f'declare example={{"path": {{"{name}": ...}}}} on the route'
        )

    return PARAM.sub(value, route.path)


def signed_in(site: Site, role: str) -> TestClient:
    """A fresh client, signed in as ``role`` (or anonymous, with a log-in form's CSRF token)."""
    client = site.client()
    if role == ANONYMOUS:
        client.headers["X-CSRF-Token"] = csrf_of(client.get("/login").text)
    else:
        client.headers["X-CSRF-Token"] = login(client, site.world.users[role], PASSWORD)
    return client


def _account(site: Site, role: str) -> tuple[Any, ...] | None:
    """The role's user row as it is now (None for anonymous): a session cookie stays valid
    while the row is unchanged (signing out and password changes bump session_version)."""
    if role == ANONYMOUS:
        return None
    from gaodi.accounts.models import User

    table = User.__table__
    with site.engine.connect() as conn:
        row = conn.execute(select(table).where(table.c.username == site.world.users[role])).one()
    return tuple(row)


# (site's app, role) -> the account row at log-in, the signed-in cookies and the CSRF token
_logins: dict[tuple[FastAPI, str], tuple[tuple[Any, ...] | None, Cookies, str]] = {}


def writer(site: Site, role: str) -> TestClient:
    """A fresh client for one write request, in a session signed in as ``role``.

    Each write case starts from the cookies a log-in gave (never from what an earlier case's
    answer set, e.g. a flash message). The log-in is reused while the user's row is unchanged:
    signing out ends every session of a user (session_version), so after one case's POST
    /logout the next case signs in again, as a fresh log-in per case would."""
    key = (site.app, role)
    account = _account(site, role)
    cached = _logins.get(key)
    if cached is None or cached[0] != account:
        client = signed_in(site, role)
        # the row after the log-in (it stamps last_login_at)
        cached = _logins[key] = (
            _account(site, role),
            Cookies(client.cookies),
            client.headers["X-CSRF-Token"],
        )
        client.close()
    client = site.client()
    client.cookies = Cookies(cached[1])
    client.headers["X-CSRF-Token"] = cached[2]
    return client


# how many write requests ran on each site (the app's): they may sign users out or change a
# user's role or scope
_writes: dict[FastAPI, int] = {}
_reads: dict[tuple[FastAPI, str], tuple[int, TestClient]] = {}
_principals: dict[tuple[FastAPI, str], tuple[int, Principal]] = {}


def wrote(site: Site) -> None:
    _writes[site.app] = _writes.get(site.app, 0) + 1


def reader(site: Site, role: str) -> TestClient:
    """A signed-in client for safe requests, reused until a write request on its site may have
    ended its session (the read and the write site are separate databases)."""
    key, writes = (site.app, role), _writes.get(site.app, 0)
    cached = _reads.get(key)
    if cached is None or cached[0] != writes:
        _reads[key] = (writes, signed_in(site, role))
    return _reads[key][1]


def principal(site: Site, role: str) -> Principal:
    """The role's principal as the site's database has it now: looked up again after any write
    on the site."""
    key, writes = (site.app, role), _writes.get(site.app, 0)
    cached = _principals.get(key)
    if cached is None or cached[0] != writes:
        from gaodi.accounts.models import User
        from gaodi.db import session_scope

        with session_scope(site.engine) as s:
            user = s.scalars(select(User).where(User.username == site.world.users[role])).one()
            cached = _principals[key] = (writes, Principal.from_user(user))
    return cached[1]


def request(site: Site, role: str, method: str, url: str, route: RouteInfo) -> Any:
    if method not in UNSAFE:
        return reader(site, role).request(method, url, follow_redirects=False)
    wrote(site)
    client = writer(site, role)
    if route.is_api:
        return client.request(
            method, url, json=route.example.get("json") or {}, follow_redirects=False
        )
    return client.request(method, url, data=route.example.get("form") or {}, follow_redirects=False)


@contextmanager
def _site(backend: str, directory: Path, portal: BlockingPortal) -> Iterator[Site]:
    """The seeded city plus :func:`seed_features` on ``backend``, its clients' requests run on
    ``portal``."""
    with _database(backend, directory) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine)
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("GAODI_DATA_DIR", str(directory))  # where attachments are written
                reset_settings()
                world = seed(engine)
                seed_features(engine, world)
            reset_settings()
            settings = Settings(data_dir=directory, secret_key="test-secret-key-0123456789")
            yield Site(engine, world, create_app(engine, settings), settings, portal)
        finally:
            engine.dispose()


class Sites:
    """One module's two copies of the city on one backend: reads run on one, the route cases'
    writes on the other (built when the first write case runs). A write case that deletes or
    moves a seeded object (a target, a plan's state) must not change what a later read case
    finds; which cases run before which depends on how pytest-xdist shares them out."""

    def __init__(self, backend: str, factory: pytest.TempPathFactory, stack: ExitStack) -> None:
        self.backend, self._factory, self._stack = backend, factory, stack
        # one event loop for the module's thousands of requests (the app's lifespan does not
        # run: no client enters its context, as none did before)
        self._portal = stack.enter_context(start_blocking_portal())
        self.read = stack.enter_context(
            _site(backend, factory.mktemp(f"web-read-{backend}"), self._portal)
        )
        self._write: Site | None = None

    @property
    def write(self) -> Site:
        if self._write is None:
            directory = self._factory.mktemp(f"web-write-{self.backend}")
            self._write = self._stack.enter_context(_site(self.backend, directory, self._portal))
        return self._write


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def shared_sites(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Sites]:
    with ExitStack() as stack:
        yield Sites(request.param, tmp_path_factory, stack)


@pytest.fixture(scope="module")
def shared_site(shared_sites: Sites) -> Site:
    """The seeded city plus :func:`seed_features`, once per module and backend."""
    return shared_sites.read


@contextmanager
def _database(backend: str, directory: Path) -> Iterator[str]:
    """An empty database on ``backend``: a SQLite file, or a new PostgreSQL database (dropped
    afterwards) on the server GAODI_TEST_POSTGRES_URL names."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'web.sqlite'}"
        return
    admin_url = os.environ.get("GAODI_TEST_POSTGRES_URL")
    if not admin_url:
        if os.environ.get("GAODI_REQUIRE_POSTGRES") == "1":
            pytest.fail("GAODI_REQUIRE_POSTGRES=1 but GAODI_TEST_POSTGRES_URL is not set")
        pytest.skip("PostgreSQL tests run in CI (set GAODI_TEST_POSTGRES_URL to run them here)")
    name = f"gaodi_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        create_database(conn, name)
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def suite_site(shared_site: Site, monkeypatch: pytest.MonkeyPatch) -> Site:
    """The module's site, with its data directory configured (attachments are read there)."""
    monkeypatch.setenv("GAODI_DATA_DIR", str(shared_site.settings.data_dir))
    reset_settings()
    return shared_site


def test_every_route_declares_its_access() -> None:
    undeclared = [r.path for r in ROUTES if not r.access]
    assert not undeclared, f"routes without an access rule (use gaodi.ui.web.pages): {undeclared}"


def test_the_suite_sees_the_foundation_routes() -> None:
    paths = {r.path for r in ROUTES}
    assert {"/", "/api/v1/overview", "/admin/audit", "/api/v1/admin/audit", "/login"} <= paths


@pytest.mark.parametrize(("route", "method", "role"), CASES)
def test_route_for_role(
    route: RouteInfo,
    method: str,
    role: str,
    shared_sites: Sites,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    suite_site = shared_sites.write if method in UNSAFE else shared_sites.read
    monkeypatch.setenv("GAODI_DATA_DIR", str(suite_site.settings.data_dir))
    reset_settings()
    access = route.access or {}
    url = fill_path(route, suite_site.world, IN_SCOPE.get(role))
    response = request(suite_site, role, method, url, route)
    status = response.status_code
    assert status < 500, f"{method} {url} as {role}: {status}\n{response.text[:800]}"
    if access.get("public"):
        assert status not in (401, 403), f"public route refused {role}: {status}"
        return
    if role == ANONYMOUS:
        if route.is_api:
            assert status == 401, f"{method} {url} anonymous: {status}"
            assert response.json()["error"] == "unauthorized"
        else:
            assert status == 303, f"{method} {url} anonymous: {status}"
            assert response.headers["location"].startswith("/login?next=")
        return
    domain = access.get("domain")
    may = domain is None or allowed(principal(suite_site, role), access["action"], domain)
    if not may:
        assert status == 403, f"{method} {url} as {role} should be 403, got {status}"
        if route.is_api:
            assert response.json()["error"] == "forbidden"
        return
    if method in UNSAFE and WORKFLOW.search(route.path) and status == 403:
        return  # the workflow refused this role the example's transition
    assert status not in (401, 403), f"{method} {url} as {role}: {status} {response.text[:300]}"
    if method == "GET":
        # every path parameter names a seeded object in the role's scope, so a reader gets the
        # page; 404 only for ids the route's example names but seed.py does not create
        params = set(PARAM.findall(route.path))
        unseeded = bool(params - set(PARAM_SOURCES) - {"uscc"})
        miss_ok = unseeded and status == 404
        assert status in (200, 303) or miss_ok, f"GET {url} as {role}: {status}"


SCOPED_GET_CASES = [
    pytest.param(route, role, id=f"GET {route.path} as {role}")
    for route in ROUTES
    if "GET" in route.methods
    for role in OUT_OF_SCOPE
]


def _text(response: Any) -> str:
    """What a person reads in the answer: a workbook's cell values (an .xlsx is a zip, so its
    bytes hide every string), else the body."""
    if "spreadsheetml" in response.headers.get("content-type", ""):
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(response.content), read_only=True)
        cells = (
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
        return "\n".join([*book.sheetnames, *cells])
    return str(response.text)


def _leaks(response: Any, world: World, role: str) -> list[str]:
    text = _text(response)
    return [secret for secret in world.hidden_from(role) if secret in text]


@pytest.mark.parametrize(("route", "role"), SCOPED_GET_CASES)
def test_scoped_role_never_sees_out_of_scope_data(
    route: RouteInfo, role: str, suite_site: Site
) -> None:
    """No page, JSON twin or export a scoped role reads names an enterprise outside its scope or
    shows the title, name or comment of a feature object outside it (lists included)."""
    world = suite_site.world
    client = reader(suite_site, role)
    url = fill_path(route, world, IN_SCOPE.get(role))
    response = client.get(url, follow_redirects=False)
    assert response.status_code < 500
    leaks = _leaks(response, world, role)
    assert not leaks, f"GET {url} as {role} shows {leaks}"
    params = set(PARAM.findall(route.path))
    outside = {k: v for k, v in OUT_OF_SCOPE[role].items() if k in params}
    if outside:
        url = fill_path(route, world, {**IN_SCOPE.get(role, {}), **outside})
        response = client.get(url, follow_redirects=False)
        assert response.status_code in (403, 404), f"GET {url} as {role}: {response.status_code}"
        leaks = _leaks(response, world, role)
        assert not leaks, f"GET {url} as {role} shows {leaks}"


def test_the_seed_hides_something_from_every_scoped_role(shared_site: Site) -> None:
    """The leak checks above have out-of-scope projects, appeals and assessments to look for."""
    world = shared_site.world
    for role in OUT_OF_SCOPE:
        hidden = world.hidden_from(role)
        assert any(h.startswith("测试项目") for h in hidden), role
        assert any(h.startswith("测试诉求") for h in hidden), role
        assert any(h.startswith("测试评测员") for h in hidden), role
        assert any(h.startswith("测试附件") for h in hidden), role


@pytest.mark.parametrize("role", list(OUT_OF_SCOPE))
def test_lists_and_json_show_in_scope_objects_and_no_others(role: str, suite_site: Site) -> None:
    """The list pages and their JSON twins show what is in the role's scope (so the leak checks
    look at real rows) and nothing outside it."""
    world = suite_site.world
    client = reader(suite_site, role)
    lists = ["/appeals", "/api/v1/appeals", "/smart/enterprises", "/api/v1/smart/enterprises"]
    lists += ["/smart/recognitions", "/api/v1/smart/recognitions", "/smart/recognitions.xlsx"]
    lists += ["/export/xlsx/appeals", "/export/xlsx/enterprises"]
    lists += ["/declarations", "/api/v1/declarations"]
    if role != "enterprise":
        lists += ["/projects", "/api/v1/projects", "/export/xlsx/projects"]
        lists += ["/challenges", "/api/v1/challenges", "/export/xlsx/challenges"]
        lists += ["/plans/submissions", "/api/v1/plans/submissions", "/api/v1/act/summary"]
    shown = {text for text, roles in world.seen_by.items() if role in roles}
    for url in lists:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        leaks = _leaks(response, world, role)
        assert not leaks, f"GET {url} as {role} shows {leaks}"
    # E1's declaration is listed for every scoped role (E1 is in each one's scope)
    for url in ("/declarations", "/api/v1/declarations"):
        assert world.names["e1"] in client.get(url).text, (url, role)
    # the in-scope objects are really listed (both the page and its JSON twin)
    for url in ("/appeals", "/api/v1/appeals", "/export/xlsx/appeals"):
        body = _text(client.get(url))
        mine = [t for t in shown if t.startswith("测试诉求")]
        assert mine and all(t in body for t in mine), (url, mine)
    if role != "enterprise":
        for url in ("/projects", "/api/v1/projects", "/export/xlsx/projects"):
            body = _text(client.get(url))
            mine = [t for t in shown if t.startswith("测试项目")]
            assert mine and all(t in body for t in mine), (url, mine)


@pytest.mark.parametrize("role", list(OUT_OF_SCOPE))
def test_workflow_actions_on_out_of_scope_objects_are_refused(role: str, suite_site: Site) -> None:
    """POST …/act (with every field the step needs) on an object outside the role's scope is
    refused."""
    world = suite_site.world
    client = signed_in(suite_site, role)
    wrote(suite_site)
    cases = [("appeals", "appeal_id", {"action": "assign"})]
    if role != "enterprise":
        step = {"action": "advance", "stage": "started", "on": "2023-04-01"}
        cases.append(("projects", "project_id", step))
    if role == "chain_office":
        cases.append(("challenges", "challenge_id", {"action": "cancel", "comment": "x"}))
    for kind, param, body in cases:
        ident = world.ids[OUT_OF_SCOPE[role][param]]
        response = client.post(f"/api/v1/{kind}/{ident}/act", json=body)
        assert response.status_code in (403, 404), (kind, role, response.status_code)
        assert not _leaks(response, world, role)


def test_every_guarded_text_is_shown_to_an_unscoped_reader(suite_site: Site) -> None:
    """Each title, name or comment the leak checks look for is on some page for the admin, so
    no check passes only because the text is never shown at all."""
    world = suite_site.world
    client = reader(suite_site, "admin")
    ids = world.ids
    urls = ["/projects", "/smart/recognitions"]
    urls += [f"/challenges/{ids[k]}" for k in ("challenge_a", "challenge_b")]
    urls += [f"/appeals/{ids[f'appeal_{e}']}" for e in ("e1", "e2", "e3", "e4")]
    urls += [f"/smart/enterprises/{ids[e]}" for e in ("e1", "e2", "e3", "e4")]
    urls += [f"/plans/submissions/{ref}" for ref in world.refs.values()]
    urls += [f"/declarations/{ids[f'declaration_{e}']}" for e in ("e1", "e2")]
    pages = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        pages.append(_text(response))
    unseen = [text for text in world.seen_by if not any(text in page for page in pages)]
    assert not unseen


@pytest.mark.parametrize("role", list(OUT_OF_SCOPE))
def test_tier_fact_writes_out_of_scope_are_refused_like_missing_ids(
    role: str, suite_site: Site
) -> None:
    """A declaration step, a declaration opened for another firm and the office's fact form,
    aimed outside the role's scope, get exactly what a missing id gets; nothing is written."""
    world = suite_site.world
    client = signed_in(suite_site, role)
    wrote(suite_site)
    missing = 987654
    cases = [
        ("/declarations/{}/act", world.ids["declaration_e2"], {"action": "approve"}),
        ("/declarations/{}/act", world.ids["declaration_e2"], {"action": "save", "global_rank": "1"}),
        ("/enterprises/{}/facts", world.ids["e2"], {"year": "2023", "source": "certified", "global_rank": "1"}),
    ]  # fmt: skip
    for template, outside, body in cases:
        a = client.post(template.format(outside), data=body, follow_redirects=False)
        b = client.post(template.format(missing), data=body, follow_redirects=False)
        assert a.status_code == b.status_code and a.status_code in (403, 404), (template, role)
        assert not _leaks(a, world, role)
    if role == "enterprise":
        response = client.post(
            "/declarations", data={"enterprise_id": str(world.ids["e2"]), "year": "2022"},
            follow_redirects=False,
        )  # fmt: skip
        assert response.status_code == 404 and not _leaks(response, world, role)
    from sqlalchemy import select

    from gaodi.db import session_scope
    from gaodi.enterprises.models import TierDeclaration, TierFact

    with session_scope(suite_site.engine) as s:
        e2_facts = s.scalars(select(TierFact).where(TierFact.enterprise_id == world.ids["e2"]))
        assert e2_facts.all() == []
        e2_decls = s.scalars(
            select(TierDeclaration.id).where(TierDeclaration.enterprise_id == world.ids["e2"])
        )
        assert e2_decls.all() == [world.ids["declaration_e2"]]
