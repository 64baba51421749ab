"""Fuzz the JSON API from its OpenAPI schema (schemathesis): no input makes the server answer 5xx.

Runs as an administrator through an API token, so every operation is reachable, against the
seeded city of seed.py. Bounded to a few examples per operation so that it finishes in well
under two minutes on CI. (The schema is loaded eagerly at import: schemathesis' lazy
``from_fixture`` does not run under pytest 9.)
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from argon2.profiles import CHEAPEST
from hypothesis import HealthCheck, settings

from gaodi.accounts import service as accounts
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from tests.web.conftest import make_site

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 20

_DIR = Path(tempfile.mkdtemp(prefix="gaodi-fuzz-"))
accounts.set_hash_parameters(CHEAPEST)
try:
    SITE = make_site(_DIR)
    with session_scope(SITE.engine, actor="fuzz") as _s:
        _row, TOKEN = accounts.create_token(
            _s, accounts.get_user(_s, "t-admin"), "fuzz", principal=SYSTEM
        )
finally:
    accounts.set_hash_parameters(None)

# Revoking a token could revoke the fuzzer's own and leave every later operation a vacuous 401;
# tests/security/test_api_tokens.py covers those operations.
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", SITE.app).exclude(
    path_regex=r"/tokens/[^/]+/revoke$"
)


@pytest.fixture(scope="module", autouse=True)
def _cleanup() -> Iterator[None]:
    yield
    SITE.engine.dispose()
    shutil.rmtree(_DIR, ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case: schemathesis.Case) -> None:
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}\n{response.text[:1000]}"
    )
    if response.status_code >= 400 and case.formatted_path.startswith("/api/"):
        assert "json" in str(response.headers.get("content-type")), response.text[:300]
        body = response.json()
        assert {"error", "message"} <= set(body), body
