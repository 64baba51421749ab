"""Accounts service: hashing, validation, scopes, log-in lock-out, tokens, demo accounts."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from gaodi.accounts import service
from gaodi.accounts.models import ApiToken, User
from gaodi.audit.models import AuditEvent
from gaodi.core.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.models import Chain, Enterprise, Park, SystemInfo


@pytest.mark.real_argon2
def test_passwords_are_argon2id_with_the_library_defaults() -> None:
    hashed = service.hash_password("correct horse battery")
    # argon2-cffi 23+ defaults (RFC 9106 low-memory): 64 MiB, 3 passes, 4 lanes
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert service.verify_password(hashed, "correct horse battery")
    assert not service.verify_password(hashed, "correct horse batterY")
    assert not service.verify_password("not-a-hash", "x")
    assert hashed != service.hash_password("correct horse battery")  # salted


def test_password_rules() -> None:
    service.check_password("eight888")
    for bad, fragment in [("seven77", "至少"), ("x" * 257, "不能超过"), ("Alice-2024", "相同")]:
        with pytest.raises(ValidationError) as info:
            service.check_password(bad, "alice-2024")
        assert fragment in info.value.zh


@pytest.mark.parametrize("name", ["ab", "zhang.san", "li-si@gov", "王五", "a" * 64])
def test_good_usernames(name: str) -> None:
    service.check_username(name)


@pytest.mark.parametrize("name", ["a", "a" * 65, "has space", "semi;colon", "", "<script>"])
def test_bad_usernames(name: str) -> None:
    with pytest.raises(ValidationError):
        service.check_username(name)


def _world(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as s:
        chain = Chain(code="EM", name="工程机械")
        park = Park(name="长沙经济技术开发区", short_name="长沙经开区")
        s.add_all([chain, park])
        s.flush()
        ent = Enterprise(uscc="91430100MA4L12345X", name="示例企业", park_id=park.id)
        s.add(ent)
        s.flush()
        return {"chain": chain.id, "park": park.id, "enterprise": ent.id}


def test_create_user_with_scopes_by_code_name_and_id(db: Engine) -> None:
    ids = _world(db)
    with session_scope(db, actor="tester") as s:
        by_code = service.create_user(
            s, "c1", "chain_office", "password-1", chains=["EM"], principal=SYSTEM
        )
        by_name = service.create_user(
            s, "c2", "chain_office", "password-1", chains=["工程机械"], principal=SYSTEM
        )
        park_id = service.create_user(
            s, "p1", "park_office", "password-1", parks=[str(ids["park"])], principal=SYSTEM
        )
        park_short = service.create_user(
            s, "p2", "park_office", "password-1", parks=["长沙经开区"], principal=SYSTEM
        )
        ent = service.create_user(
            s, "e1", "enterprise", "password-1", enterprise="91430100ma4l12345x", principal=SYSTEM
        )
        assert by_code.scope_ids("chain") == by_name.scope_ids("chain") == {ids["chain"]}
        assert park_id.scope_ids("park") == park_short.scope_ids("park") == {ids["park"]}
        assert ent.scope_ids("enterprise") == {ids["enterprise"]}
        assert service.describe_scopes(s, park_id) == ["长沙经济技术开发区"]
    with session_scope(db) as s:
        creates = s.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "user_account", AuditEvent.action == "create"
            )
        ).all()
        assert len(creates) == 5 and {e.actor for e in creates} == {"tester"}
        assert all("password_hash" not in (e.after or {}) for e in creates)


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"role": "chain_office"}, ValidationError, "至少一条产业链"),
        ({"role": "chain_office", "chains": ["不存在"]}, NotFoundError, "找不到产业链"),
        ({"role": "park_office", "parks": ["999"]}, NotFoundError, "找不到园区"),
        (
            {"role": "enterprise", "enterprise": "91430100MA4L00000X"},
            NotFoundError,
            "统一社会信用代码",
        ),
        ({"role": "viewer", "chains": ["EM"]}, ValidationError, "不能指定范围"),
        ({"role": "emperor"}, ValidationError, "未知角色"),
        ({"role": "viewer", "password": "short"}, ValidationError, "至少需要 8"),
    ],
)
def test_create_user_refuses(sqlite_db: Engine, kwargs: dict, error: type, fragment: str) -> None:
    _world(sqlite_db)
    args = {"password": "password-1", **kwargs}
    with pytest.raises(error) as info, session_scope(sqlite_db) as s:
        service.create_user(s, "someone", principal=SYSTEM, **args)
    assert fragment in info.value.zh
    with session_scope(sqlite_db) as s:
        assert s.scalar(select(func.count()).select_from(User)) == 0


def test_duplicate_and_non_admin_creation(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db) as s:
        service.create_user(s, "dup", "viewer", "password-1", principal=SYSTEM)
    with pytest.raises(ConflictError), session_scope(sqlite_db) as s:
        service.create_user(s, "dup", "viewer", "password-1", principal=SYSTEM)
    with pytest.raises(PermissionDenied), session_scope(sqlite_db) as s:
        service.create_user(s, "x2", "viewer", "password-1", principal=Principal("v", "viewer"))


def test_throttle_sequence(sqlite_db: Engine) -> None:
    """max 3 free checks, then 1 s, 2 s … before each further check (no lock-out)."""
    with session_scope(sqlite_db) as s:
        service.create_user(s, "u1", "viewer", "password-1", principal=SYSTEM)
    t0 = datetime(2024, 5, 1, 9, 0)

    def attempt(password: str, seconds: float) -> str:
        with session_scope(sqlite_db) as s:
            out = service.authenticate(
                s, "u1", password, max_failures=3, lockout_minutes=10,
                now=t0 + timedelta(seconds=seconds),
            )  # fmt: skip
            return out.error.code if out.error else "ok"

    assert [attempt("bad-pass", t) for t in (0, 10, 20)] == ["login_failed"] * 3
    # the 3rd check was at 9:00:20: the next may run at 9:00:21, then the one after at +2 s
    assert attempt("password-1", 20.5) == "login_throttled"
    assert attempt("bad-pass", 21) == "login_failed"
    assert attempt("password-1", 22) == "login_throttled"
    assert attempt("password-1", 23) == "ok"
    with session_scope(sqlite_db) as s:
        assert service.get_user(s, "u1").failed_logins == 0
        actions = [
            e.action
            for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))
            if e.entity == "user_account" and e.action != "create"
        ]
        assert actions == [
            "login_failed",
            "login_failed",
            "login_failed",
            "login_throttled",
            "login_failed",
            "login_throttled",
            "login",
        ]


def test_a_success_resets_the_failure_count(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db) as s:
        service.create_user(s, "u1", "viewer", "password-1", principal=SYSTEM)
    for password in ("bad-1", "bad-2", "password-1", "bad-3", "bad-4"):
        with session_scope(sqlite_db) as s:
            service.authenticate(s, "u1", password, max_failures=3, lockout_minutes=10)
    with session_scope(sqlite_db) as s:
        user = service.get_user(s, "u1")
        assert user.failed_logins == 2 and user.locked_until is None  # 2 after the success


def test_set_password_bumps_session_version(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db) as s:
        user = service.create_user(s, "u1", "viewer", "password-1", principal=SYSTEM)
        version = user.session_version
        service.set_password(s, user, "password-2")
        assert user.session_version == version + 1
        assert service.user_for_session(s, user.id, version) is None
        assert service.user_for_session(s, user.id, version + 1) is user
        service.logout(s, user)
        assert service.user_for_session(s, user.id, version + 1) is None


def test_tokens(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db) as s:
        user = service.create_user(s, "bot", "analyst", "password-1", principal=SYSTEM)
        row, token = service.create_token(
            s, user, "nightly export", expires_days=30, principal=SYSTEM
        )
        assert token.startswith("gd_") and len(token) > 40
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert row.prefix == token[:9]
        assert service.user_for_token(s, token) is user
        assert service.user_for_token(s, token + "x") is None
        assert service.user_for_token(s, "no-prefix") is None
        assert service.user_for_token(s, token, now=datetime.now() + timedelta(days=31)) is None
        service.revoke_token(s, row.id)
        assert service.user_for_token(s, token) is None
    with session_scope(sqlite_db) as s:
        stored = s.scalars(select(ApiToken)).one()
        assert token not in repr(vars(stored))
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "token_create")).one()
        assert token not in str(event.after) and event.after["prefix"] == token[:9]


def test_demo_accounts_are_idempotent_and_scoped(db: Engine) -> None:
    ids = _world(db)
    with session_scope(db) as s:
        s.add(SystemInfo(key="dataset", value={"demo": True}))
    with session_scope(db) as s:
        first = service.demo_accounts(s)
    with session_scope(db) as s:
        user = service.get_user(s, "demo-viewer")
        service.set_password(s, user, "changed-by-someone")
        second = service.demo_accounts(s)
    assert first == second
    assert [a.role for a in first] == [
        "admin",
        "analyst",
        "chain_office",
        "park_office",
        "viewer",
        "enterprise",
    ]
    assert {a.username: a.scope for a in first}["demo-chain"] == ["工程机械"]
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(User)) == 6
        chain_office = service.get_user(s, "demo-chain")
        assert chain_office.scope_ids("chain") == {ids["chain"]}
        viewer = service.get_user(s, "demo-viewer")
        assert service.verify_password(viewer.password_hash, service.DEMO_PASSWORD)


def test_demo_accounts_refuse_a_real_database(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db) as s:
        s.add(SystemInfo(key="dataset", value={"demo": False}))
    with pytest.raises(ConflictError), session_scope(sqlite_db) as s:
        service.demo_accounts(s)
    with session_scope(sqlite_db) as s:
        made = service.demo_accounts(s, force=True)
    # no chain, park or enterprise: the scoped demo roles are skipped
    assert [a.role for a in made] == ["admin", "analyst", "viewer"]
