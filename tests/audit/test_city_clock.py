"""The audit log is on the city's clock (gaodi.core.clock): an action and its workflow event
carry the same time, the log is filtered by the city's days, and the account facts (password
changed, last sign-in, created) agree with it. The security timers keep real time: a city that
lives on a past day (the demo's 2024-01-15) still throttles sign-ins and expires tokens by the
real clock.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.accounts import service as accounts
from gaodi.audit.loaders import AuditQuery, audit_log
from gaodi.audit.models import AuditEvent
from gaodi.config import reset_settings
from gaodi.core import clock
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope, utcnow

#: 2023-07-01 01:00 in the city (UTC+8): the city's day is 07-01 while UTC's is still 06-30
AT = datetime(2023, 6, 30, 17, 0)


def test_an_action_is_logged_at_the_city_clock_and_found_by_its_city_day(
    sqlite_db: Engine,
) -> None:
    with clock.frozen(AT), session_scope(sqlite_db, actor="alice") as s:
        user = accounts.create_user(s, "u1", "viewer", "password-1", principal=SYSTEM)
        accounts.set_password(s, user, "password-2", actor="alice")
    with session_scope(sqlite_db) as s:
        events = list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        assert {(e.action, e.at) for e in events} >= {("create", AT), ("password_change", AT)}
        user = accounts.get_user(s, "u1")
        assert user.password_changed_at == AT and user.created_at == AT

        def found(since: date, until: date) -> int:
            return audit_log(s, SYSTEM, AuditQuery(since=since, until=until))[1]

        assert found(date(2023, 7, 1), date(2023, 7, 1)) == len(events)
        assert found(date(2023, 6, 30), date(2023, 6, 30)) == 0
        # the calendar's edges bound nothing (no overflow)
        assert found(date(1, 1, 1), date(9999, 12, 31)) == len(events)


def test_a_project_step_and_its_audit_row_carry_the_same_time(sqlite_db: Engine) -> None:
    from gaodi.projects import projects
    from gaodi.projects.models import ProjectEvent
    from gaodi.projects.schemas import ProjectIn
    from tests.projects.conftest import build_world

    with session_scope(sqlite_db, actor="seed") as s:
        world = build_world(s)
    with clock.frozen(AT), session_scope(sqlite_db, actor="alice") as s:
        project = projects.create_project(
            s,
            world.admin,
            ProjectIn(
                name="甲项目",
                chain_id=world.chain_a,
                park_id=world.park_1,
                investor_name="甲",
                total_investment=1000,
                signed_on=date(2023, 6, 1),
            ),
        )
        ident = project.id
    with clock.frozen(AT + timedelta(hours=3)), session_scope(sqlite_db, actor="alice") as s:
        projects.advance(s, world.admin, ident, "started", date(2023, 7, 1))
    with session_scope(sqlite_db) as s:
        step = s.scalars(
            select(ProjectEvent).where(
                ProjectEvent.project_id == ident, ProjectEvent.to_status == "started"
            )
        ).one()
        logged = s.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_id == str(ident), AuditEvent.action.like("%start%")
            )
        ).all()
        assert logged and {e.at for e in logged} == {step.at} == {AT + timedelta(hours=3)}


def test_the_security_timers_keep_real_time_on_a_past_city_day(
    sqlite_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAODI_TODAY", "2024-01-15")
    reset_settings()
    assert clock.today() == date(2024, 1, 15)
    with session_scope(sqlite_db) as s:
        user = accounts.create_user(s, "bot", "analyst", "password-1", principal=SYSTEM)
        row, token = accounts.create_token(s, user, "nightly", expires_days=30, principal=SYSTEM)
        # a token made today (real time) for 30 days works now and expires in 30 real days
        assert row.expires_at is not None and row.expires_at > utcnow() + timedelta(days=29)
        assert accounts.user_for_token(s, token) is user
        assert accounts.token_state(row) == "active"
        later = utcnow() + timedelta(days=31)
        assert accounts.token_state(row, later) == "expired"
        assert accounts.user_for_token(s, token, now=later) is None
        assert clock.local_date(row.created_at) == date(2024, 1, 15)  # made on the city's day
    for password in ("bad-1", "bad-2", "bad-3"):
        with session_scope(sqlite_db) as s:
            accounts.authenticate(s, "bot", password, max_failures=3, lockout_minutes=10)
    with session_scope(sqlite_db) as s:
        # the fourth check within a second is delayed (the throttle counts real seconds)
        out = accounts.authenticate(s, "bot", "password-1", max_failures=3, lockout_minutes=10)
        assert out.error is not None and out.error.code == "login_throttled"
    with session_scope(sqlite_db) as s:
        # the facts are on the city's day
        failed = s.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed")).all()
        assert {clock.local_date(e.at) for e in failed} == {date(2024, 1, 15)}
        assert clock.local_date(accounts.get_user(s, "bot").created_at) == date(2024, 1, 15)
