"""Accounts tests run with argon2's cheapest parameters except where the real ones are tested."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2.profiles import CHEAPEST

from gaodi.accounts import service


@pytest.fixture(autouse=True)
def _cheap_hashing(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test sets the parameters it hashes with, the real ones included (a worker that ran
    the web tests first holds their session's cheapest ones), and leaves those it found."""
    before = (service._hasher, service._DUMMY_HASH)
    real = request.node.get_closest_marker("real_argon2") is not None
    service.set_hash_parameters(None if real else CHEAPEST)
    yield
    service._hasher, service._DUMMY_HASH = before


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_argon2: hash with argon2-cffi's default parameters")
