"""Accounts tests run with argon2's cheapest parameters except where the real ones are tested."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2.profiles import CHEAPEST

from gaodi.accounts import service


@pytest.fixture(autouse=True)
def _cheap_hashing(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("real_argon2") is None:
        service.set_hash_parameters(CHEAPEST)
    yield
    service.set_hash_parameters(None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_argon2: hash with argon2-cffi's default parameters")
