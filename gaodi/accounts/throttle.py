"""Log-in throttling with growing delays: atomic, shared by every server process, no weapon.

A lock-out that anyone can trigger is a weapon (lock the administrator out, again and again),
and one that answers differently for unknown names tells which names exist. So Gaodi does not
lock accounts; it slows guessing down, with three counters kept in the database (so every worker
sees them) and each password check *reserved* before it runs, by a compare-and-set update, so a
burst of concurrent attempts cannot run more checks than the policy allows (0.1.0 lost updates:
40 parallel wrong passwords gave 33 checks and no lock).

=====================  ===========  ========================  =================================
counter (key)          free checks  then, before each check   stops
=====================  ===========  ========================  =================================
name + address         N            1 s, 2 s, 4 s … ≤ 15 min  guessing one account from one place
address                4 N          1 s, 2 s, 4 s … ≤ 15 min  one place trying many accounts
name (any address)     10 N         1 s, 2 s, 4 s … ≤ 60 s    guessing from many places
=====================  ===========  ========================  =================================

N is ``GAODI_LOGIN_MAX_FAILURES`` and the 15 minutes ``GAODI_LOGIN_LOCKOUT_MINUTES``. Only
password checks count, never refused attempts, so hammering a throttled name does not make the
wait longer; the real user, signing in from another address, waits at most a minute. A correct
password resets the name's counters and gives its check back to the address (only wrong
passwords add up: an office signs in from one NAT address). A counter idle for the lock-out window
starts again from zero. Names are counted whether or not they exist (by a hash of the name, which
is stored, never the name), and the answer to a throttled attempt is the same for both.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from gaodi.accounts.models import LoginThrottle

#: Compare-and-set attempts before giving up on a key (only under extreme contention).
_RETRIES = 50


@dataclass(frozen=True)
class Rule:
    """``free`` checks, then ``base`` seconds doubling before each further check, up to ``cap``."""

    free: int
    base: float
    cap: float

    def delay(self, checks: int) -> float:
        """Seconds to wait before check number ``checks + 1`` (0 while checks are free).

        Examples
        --------
        >>> r = Rule(free=5, base=1, cap=60)
        >>> [r.delay(n) for n in (0, 4, 5, 6, 7, 12)]
        [0.0, 0.0, 1.0, 2.0, 4.0, 60.0]
        """
        over = checks - self.free
        if over < 0:
            return 0.0
        return float(min(self.cap, self.base * 2 ** min(over, 40)))


@dataclass(frozen=True)
class Policy:
    per_name_address: Rule
    per_address: Rule
    per_name: Rule
    window: timedelta

    @classmethod
    def from_settings(cls, max_failures: int, lockout_minutes: int) -> Policy:
        n = max(1, max_failures)
        cap = max(1, lockout_minutes) * 60.0
        return cls(
            per_name_address=Rule(n, 1.0, cap),
            per_address=Rule(4 * n, 1.0, cap),
            per_name=Rule(10 * n, 1.0, min(60.0, cap)),
            window=timedelta(minutes=max(1, lockout_minutes)),
        )


def name_hash(username: str) -> str:
    return hashlib.sha256(username.strip().casefold().encode("utf-8")).hexdigest()[:40]


def keys(policy: Policy, username: str, address: str | None) -> list[tuple[str, Rule]]:
    name = name_hash(username)
    where = (address or "unknown")[:60]
    return [
        (f"na:{name}:{where}", policy.per_name_address),
        (f"a:{where}", policy.per_address),
        (f"n:{name}", policy.per_name),
    ]


def reserve(engine: Engine, key: str, rule: Rule, window: timedelta, now: datetime) -> float:
    """Reserve one password check on ``key``: 0 when it may run now, else seconds to wait.

    Runs in its own short transaction, so a concurrent attempt sees the reservation at once.
    """
    for _ in range(_RETRIES):
        with engine.begin() as conn:
            row = conn.execute(
                select(LoginThrottle.checks, LoginThrottle.last_check, LoginThrottle.next_at)
                .where(LoginThrottle.key == key)
            ).first()  # fmt: skip
            if row is None:
                try:
                    conn.execute(insert(LoginThrottle).values(key=key, checks=1, last_check=now))
                except IntegrityError:
                    continue  # another attempt created it first: read it again
                return 0.0
            checks, last, next_at = row
            if last is not None and now - last > window:
                fresh = 0
            else:
                fresh = checks
                if next_at is not None and next_at > now:
                    return (next_at - now).total_seconds()
            wait_after = rule.delay(fresh + 1)
            done = conn.execute(
                update(LoginThrottle)
                .where(LoginThrottle.key == key, LoginThrottle.checks == checks)
                .where(
                    LoginThrottle.last_check == last
                    if last is not None
                    else LoginThrottle.last_check.is_(None)
                )
                .values(
                    checks=fresh + 1,
                    last_check=now,
                    next_at=now + timedelta(seconds=wait_after) if wait_after else None,
                )
            )
            if done.rowcount == 1:
                return 0.0
    return rule.cap


def reset(
    executor: Any,
    username: str,
    address: str | None = None,
    *,
    every: bool = False,
    policy: Policy | None = None,
) -> None:
    """After a correct password: forget the name's counters and return the address its check.

    Only wrong passwords may count against an address: an office behind one NAT address signs
    in dozens of times a morning. ``every`` (an administrator's unlock) forgets the name's
    counters at all addresses. ``executor`` is the caller's session or connection: the reset is
    part of its transaction.
    """
    name = name_hash(username)
    if every:
        executor.execute(delete(LoginThrottle).where(LoginThrottle.key.like(f"na:{name}:%")))
    else:
        where = (address or "unknown")[:60]
        executor.execute(delete(LoginThrottle).where(LoginThrottle.key == f"na:{name}:{where}"))
        if policy is not None:
            key = f"a:{where}"
            executor.execute(
                update(LoginThrottle)
                .where(LoginThrottle.key == key, LoginThrottle.checks > 0)
                .values(checks=LoginThrottle.checks - 1)
            )
            # Back under the free checks: no wait before the next one.
            executor.execute(
                update(LoginThrottle)
                .where(LoginThrottle.key == key, LoginThrottle.checks < policy.per_address.free)
                .values(next_at=None)
            )
    executor.execute(delete(LoginThrottle).where(LoginThrottle.key == f"n:{name}"))


def prune(executor: Any, now: datetime, window: timedelta) -> int:
    """Drop counters idle for longer than the window (they would start from zero anyway).

    Through the caller's session: a second connection would wait for the write lock the
    session already holds (SQLite) until the busy timeout.
    """
    gone = executor.execute(delete(LoginThrottle).where(LoginThrottle.last_check < now - window))
    return int(gone.rowcount or 0)


def name_state(
    executor: Any, username: str, now: datetime, window: timedelta
) -> tuple[int, datetime | None]:
    """What the administrator's user page shows: password checks counted against the name
    since its last success (from any address), and the latest moment a try of it waits for."""
    name = name_hash(username)
    rows = executor.execute(
        select(LoginThrottle.key, LoginThrottle.checks, LoginThrottle.next_at).where(
            (LoginThrottle.key == f"n:{name}") | LoginThrottle.key.like(f"na:{name}:%"),
            LoginThrottle.last_check >= now - window,
        )
    ).all()
    checks = max((c for key, c, _next in rows if key.startswith("n:")), default=0)
    waits = [at for _key, _c, at in rows if at is not None and at > now]
    return checks, max(waits, default=None)
