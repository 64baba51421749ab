"""Accounts tests hash with the run's cheapest argon2 parameters (tests/conftest.py) except where
the real ones are tested (the ``real_argon2`` marker)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gaodi.accounts import service


@pytest.fixture(autouse=True)
def _hash_parameters(request: pytest.FixtureRequest) -> Iterator[None]:
    """A ``real_argon2`` test hashes with argon2-cffi's defaults; every test leaves the
    parameters it found (some switch them while they run), so later tests stay cheap."""
    before = (service._hasher, service._DUMMY_HASH)
    if request.node.get_closest_marker("real_argon2") is not None:
        service.set_hash_parameters(None)
    yield
    service._hasher, service._DUMMY_HASH = before


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_argon2: hash with argon2-cffi's default parameters")
