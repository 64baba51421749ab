"""Fuzz the JSON API from its OpenAPI schema (schemathesis): no input makes the server answer 5xx.

Runs as an administrator through an API token, so every operation is reachable, against the
seeded city of seed.py. Bounded to a few examples per operation so that it finishes in well
under two minutes on CI. (The schema is loaded eagerly at import: schemathesis' lazy
``from_fixture`` does not run under pytest 9.)
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from gaodi.accounts import service as accounts
from gaodi.config import Settings
from gaodi.core.permissions import SYSTEM
from gaodi.db import make_engine, session_scope
from gaodi.web.app import create_app
from tests.web.conftest import seeded_world

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 20

# The schema needs only the app, not its data: the city is seeded by the module's fixture, so a
# worker that collects this module but runs none of it builds nothing and leaves no folder.
_DIR = Path(tempfile.mkdtemp(prefix="gaodi-fuzz-"))
atexit.register(shutil.rmtree, _DIR, True)
ENGINE = make_engine(f"sqlite:///{_DIR / 'web.sqlite'}")
APP = create_app(ENGINE, Settings(data_dir=_DIR, secret_key="test-secret-key-0123456789"))
TOKEN: dict[str, str] = {}

# Revoking a token could revoke the fuzzer's own and leave every later operation a vacuous 401;
# tests/security/test_api_tokens.py covers those operations.
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP).exclude(
    path_regex=r"/tokens/[^/]+/revoke$"
)


@pytest.fixture(scope="module", autouse=True)
def _site() -> Iterator[None]:
    seeded_world(ENGINE)  # the seeded city, restored into the app's own database file
    with session_scope(ENGINE, actor="fuzz") as s:
        _row, TOKEN["admin"] = accounts.create_token(
            s, accounts.get_user(s, "t-admin"), "fuzz", principal=SYSTEM
        )
    yield
    ENGINE.dispose()
    shutil.rmtree(_DIR, ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case: schemathesis.Case) -> None:
    response = case.call(headers={"Authorization": f"Bearer {TOKEN['admin']}"})
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}\n{response.text[:1000]}"
    )
    if response.status_code >= 400 and case.formatted_path.startswith("/api/"):
        assert "json" in str(response.headers.get("content-type")), response.text[:300]
        body = response.json()
        assert {"error", "message"} <= set(body), body
