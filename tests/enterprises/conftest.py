"""The enterprises tests reuse the hand-built chains of tests/chains/conftest.py."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from tests.chains.conftest import World, build_world


@pytest.fixture
def world(db: Engine) -> World:
    return build_world(db)
