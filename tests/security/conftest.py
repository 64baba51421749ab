"""Fixtures of the security tests: a second empty database (from the exchange tests)."""

from __future__ import annotations

from tests.exchange.conftest import other_db

__all__ = ["other_db"]
