"""A log-in for an unknown name verifies against a dummy hash made with the parameters in force,
so it takes as long as a known name's; the dummy is made once per parameter set (switching
back to the defaults does not pay a default-parameter hash again)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, extract_parameters
from argon2.profiles import CHEAPEST

from gaodi.accounts import service as accounts


def test_the_dummy_hash_follows_the_parameters_in_force(monkeypatch: pytest.MonkeyPatch) -> None:
    # tests/accounts/conftest.py puts back the parameters this test found
    default = PasswordHasher()
    accounts.set_hash_parameters(CHEAPEST)
    cheap = accounts._DUMMY_HASH
    assert extract_parameters(cheap) == CHEAPEST
    accounts.set_hash_parameters(None)
    assert extract_parameters(accounts._DUMMY_HASH).memory_cost == default.memory_cost
    assert extract_parameters(accounts._DUMMY_HASH).time_cost == default.time_cost

    made: list[str] = []
    real_hash = PasswordHasher.hash
    monkeypatch.setattr(
        PasswordHasher, "hash", lambda self, pw, **kw: made.append(pw) or real_hash(self, pw, **kw)
    )
    for _ in range(3):  # back and forth: no new dummy hash either way
        accounts.set_hash_parameters(CHEAPEST)
        assert cheap == accounts._DUMMY_HASH
        accounts.set_hash_parameters(None)
    assert made == []
