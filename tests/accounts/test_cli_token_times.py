"""``gaodi user token`` / ``gaodi user tokens`` name the zone their times are in (issue found by
the third audit, 2026-12-06: they said "(UTC)" over times printed in the city's time, eight
hours late for a token expiring at 15:57 UTC)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.accounts.models import ApiToken
from gaodi.cli import app
from gaodi.config import reset_settings
from gaodi.core import clock
from gaodi.db import session_scope

runner = CliRunner()


def _token(sqlite_db: Engine) -> tuple[str, str, str]:
    """Create a user and a token; the token's output, its list, and its expiry as stored."""
    added = runner.invoke(
        app, ["user", "add", "ops1", "--role", "admin", "--password-stdin"], input="long-password\n"
    )
    assert added.exit_code == 0, added.output
    made = runner.invoke(app, ["user", "token", "ops1", "--name", "cron", "--expires-days", "30"])
    assert made.exit_code == 0, made.output
    listed = runner.invoke(app, ["user", "tokens", "ops1"])
    assert listed.exit_code == 0, listed.output
    with session_scope(sqlite_db) as s:
        expires = s.scalars(select(ApiToken.expires_at)).one()
    assert expires is not None
    return made.output, listed.output, expires.isoformat(sep=" ")


def test_token_times_are_labelled_with_the_city_zone(sqlite_db: Engine) -> None:
    made, listed, stored_utc = _token(sqlite_db)
    utc = datetime.fromisoformat(stored_utc)
    local = clock.local(utc).strftime("%Y-%m-%d %H:%M")
    assert local != utc.strftime("%Y-%m-%d %H:%M")  # Asia/Shanghai is UTC+8: they differ
    assert f"到期 Expires (北京时间 Beijing time): {local}" in made
    assert "(UTC)" not in made and "(UTC)" not in listed
    assert "北京时间 Beijing time" in " ".join(listed.split())
    assert local in listed


def test_another_city_zone_is_named_by_its_iana_name(
    sqlite_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAODI_TIMEZONE", "America/New_York")
    reset_settings()
    made, listed, stored_utc = _token(sqlite_db)
    local = clock.local(datetime.fromisoformat(stored_utc)).strftime("%Y-%m-%d %H:%M")
    assert f"到期 Expires (America/New_York): {local}" in made
    assert "北京时间" not in made and "(UTC)" not in made
    assert "America/New_York" in " ".join(listed.split())
