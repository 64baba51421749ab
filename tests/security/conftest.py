"""Fixtures of the security tests: a second empty database (from the exchange tests) and cheap
password hashing (the real argon2 parameters are tested in tests/accounts)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2.profiles import CHEAPEST

from gaodi.accounts import service as accounts
from tests.exchange.conftest import other_db

__all__ = ["other_db"]


@pytest.fixture(autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    accounts.set_hash_parameters(CHEAPEST)
    yield
    accounts.set_hash_parameters(None)
