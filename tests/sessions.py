"""A database session for a test, acting as the user "test" (audit rows name it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from gaodi.db import session_factory


@contextmanager
def acting_session(engine: Engine) -> Iterator[Session]:
    """A session on ``engine`` acting as "test"; what the test left uncommitted is rolled back."""
    session = session_factory(engine)()
    session.info["actor"] = "test"
    try:
        yield session
    finally:
        session.rollback()
        session.close()
