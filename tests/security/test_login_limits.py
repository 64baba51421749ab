"""Log-in throttling: atomic under bursts, the same for unknown names, never a weapon.

The policy (gaodi.accounts.throttle): N free password checks per name and address, 4N per address,
10N per name; then 1 s, 2 s, 4 s … before each further check, capped at the lock-out minutes (per
name: at 60 s). The expected numbers below are worked out by hand from that table with N = 5.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from gaodi.accounts import service
from gaodi.accounts import throttle as th
from gaodi.accounts.models import LoginThrottle
from gaodi.audit.models import AuditEvent
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope

N, MINUTES = 5, 15
T0 = datetime(2024, 5, 1, 9, 0, 0)


def _try(engine: Engine, name: str, password: str, at: datetime, ip: str = "10.0.0.1") -> str:
    with session_scope(engine) as s:
        out = service.authenticate(
            s, name, password, max_failures=N, lockout_minutes=MINUTES, ip=ip, now=at
        )
        return "ok" if out.ok else out.error.code  # type: ignore[union-attr]


def _events(engine: Engine, action: str) -> int:
    with session_scope(engine) as s:
        return s.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        )


def test_a_burst_of_40_runs_exactly_n_password_checks(db: Engine) -> None:
    with session_scope(db) as s:
        service.create_user(s, "u1", "viewer", "password-1", principal=SYSTEM)
    results: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(40)

    def attempt() -> None:
        start.wait()
        code = _try(db, "u1", "wrong-password", T0)
        with lock:
            results.append(code)

    threads = [threading.Thread(target=attempt) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results).count("login_failed") == N
    assert results.count("login_throttled") == 40 - N
    assert _events(db, "login_failed") == N  # N password checks, no more
    with session_scope(db) as s:
        checks = s.scalar(select(LoginThrottle.checks).where(LoginThrottle.key.like("na:%")))
    assert checks == N  # no lost update
    with session_scope(db) as s:
        # the user's own counter is incremented in SQL too: every wrong password counted
        assert service.get_user(s, "u1").failed_logins == N


def test_unknown_and_known_names_get_the_same_answers(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db) as s:
        service.create_user(s, "real-user", "viewer", "password-1", principal=SYSTEM)
    for name in ("real-user", "no-such-user"):
        codes = [_try(sqlite_db, name, "wrong-one", T0 + timedelta(seconds=i)) for i in range(N)]
        # the next one within a second of the N-th check waits
        codes.append(
            _try(sqlite_db, name, "wrong-one", T0 + timedelta(seconds=N - 1, milliseconds=500))
        )
        assert codes == ["login_failed"] * N + ["login_throttled"], name
    # and the same state: the counters of both names hold the same values (keyed by hash)
    with session_scope(sqlite_db) as s:
        rows = s.execute(select(LoginThrottle.key, LoginThrottle.checks, LoginThrottle.next_at))
        state: dict[str, set[tuple[str, int, object]]] = {}
        for key, checks, next_at in rows:
            for name in ("real-user", "no-such-user"):
                if th.name_hash(name) in key:
                    state.setdefault(name, set()).add((key.split(":")[0], checks, next_at))
    assert state["real-user"] == state["no-such-user"]
    assert len(state["real-user"]) == 2  # name + address, and name


def test_delays_double_and_are_capped(sqlite_db: Engine) -> None:
    rule = th.Policy.from_settings(N, MINUTES).per_name_address
    # after N free checks: 1, 2, 4, … seconds, never more than 15 minutes
    assert [rule.delay(k) for k in range(N, N + 4)] == [1.0, 2.0, 4.0, 8.0]
    assert rule.delay(N + 30) == MINUTES * 60
    at = T0
    for _ in range(N):
        assert _try(sqlite_db, "u", "x", at) == "login_failed"
    waits = []
    for k in range(4):
        # just before the wait is over: refused; at the end of it: a check runs
        delay = timedelta(seconds=2**k)
        assert (
            _try(sqlite_db, "u", "x", at + delay - timedelta(milliseconds=1)) == "login_throttled"
        )
        at = at + delay
        assert _try(sqlite_db, "u", "x", at) == "login_failed"
        waits.append(delay.total_seconds())
    assert waits == [1.0, 2.0, 4.0, 8.0]
    # refused attempts do not make the wait longer: hammering changes nothing
    for ms in range(0, 15_000, 500):
        _try(sqlite_db, "u", "x", at + timedelta(milliseconds=ms))
    assert _try(sqlite_db, "u", "x", at + timedelta(seconds=16)) == "login_failed"


def test_an_attacker_cannot_lock_the_real_user_out(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db) as s:
        service.create_user(s, "admin-1", "admin", "password-1", principal=SYSTEM)
    # the attacker at one address: its checks are used up and it waits
    for i in range(3 * N):
        _try(sqlite_db, "admin-1", "guess", T0 + timedelta(milliseconds=i), ip="203.0.113.9")
    assert _try(sqlite_db, "admin-1", "guess", T0 + timedelta(seconds=1), ip="203.0.113.9") in (
        "login_throttled",
        "login_failed",
    )
    # the administrator, at the office, signs in at once with the right password
    assert (
        _try(sqlite_db, "admin-1", "password-1", T0 + timedelta(seconds=1), ip="10.1.1.1") == "ok"
    )


def test_many_addresses_against_one_name_are_slowed_to_a_minute(sqlite_db: Engine) -> None:
    # 10 N checks per name from anywhere, then doubling delays capped at 60 s
    for i in range(10 * N):
        assert _try(sqlite_db, "target", "g", T0, ip=f"198.51.100.{i}") == "login_failed"
    assert _try(sqlite_db, "target", "g", T0, ip="198.51.100.200") == "login_throttled"
    rule = th.Policy.from_settings(N, MINUTES).per_name
    assert rule.delay(10 * N + 20) == 60.0


def test_a_correct_password_resets_the_name_but_not_the_address(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db) as s:
        service.create_user(s, "u2", "viewer", "password-1", principal=SYSTEM)
    for i in range(N - 1):
        _try(sqlite_db, "u2", "bad", T0 + timedelta(seconds=i))
    assert _try(sqlite_db, "u2", "password-1", T0 + timedelta(seconds=N)) == "ok"
    with session_scope(sqlite_db) as s:
        keys = set(s.scalars(select(LoginThrottle.key)))
    assert keys == {"a:10.0.0.1"}


def test_an_idle_counter_starts_again(sqlite_db: Engine) -> None:
    for _ in range(N):
        _try(sqlite_db, "u3", "bad", T0)
    assert _try(sqlite_db, "u3", "bad", T0) == "login_throttled"
    later = T0 + timedelta(minutes=MINUTES, seconds=1)
    assert [_try(sqlite_db, "u3", "bad", later) for _ in range(N)] == ["login_failed"] * N


def test_unlock_forgets_the_counters(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db) as s:
        service.create_user(s, "u4", "viewer", "password-1", principal=SYSTEM)
    for _ in range(N):
        _try(sqlite_db, "u4", "bad", T0)
    assert _try(sqlite_db, "u4", "password-1", T0) == "login_throttled"
    with session_scope(sqlite_db) as s:
        service.unlock(s, service.get_user(s, "u4"))
    assert _try(sqlite_db, "u4", "password-1", T0) == "ok"


def test_an_office_behind_one_address_signs_in_all_morning(sqlite_db: Engine) -> None:
    # 4N checks per address are free; correct passwords give theirs back, so 60 colleagues
    # behind one NAT address sign in one after another without waiting.
    with session_scope(sqlite_db) as s:
        for i in range(12):
            service.create_user(s, f"staff-{i}", "viewer", "password-1", principal=SYSTEM)
    codes = [
        _try(sqlite_db, f"staff-{i % 12}", "password-1", T0 + timedelta(seconds=i), ip="10.9.9.9")
        for i in range(60)
    ]
    assert codes == ["ok"] * 60
    # a few typos among them do not add up to a wait either
    assert _try(sqlite_db, "staff-0", "typo", T0 + timedelta(seconds=61), ip="10.9.9.9") == (
        "login_failed"
    )
    assert (
        _try(sqlite_db, "staff-1", "password-1", T0 + timedelta(seconds=62), ip="10.9.9.9") == "ok"
    )


def test_idle_counters_are_pruned(sqlite_db: Engine) -> None:
    _try(sqlite_db, "someone", "bad", T0)
    with session_scope(sqlite_db) as s:
        assert th.prune(s, T0 + timedelta(minutes=MINUTES - 1), timedelta(minutes=MINUTES)) == 0
        assert th.prune(s, T0 + timedelta(minutes=MINUTES + 1), timedelta(minutes=MINUTES)) == 3
