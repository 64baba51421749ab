"""Fixtures the security tests share with the exchange tests (a second empty database)."""

from tests.exchange.conftest import other_db

__all__ = ["other_db"]
