"""Accounts: users, passwords (argon2), throttled log-in, API tokens and the demo accounts.

Every function takes the caller's SQLAlchemy session and leaves committing to the caller (the
web request or the CLI command), so a change and its audit entry commit together. Changes of
users go to the audit log through the ORM listener; security events with no row change (log-in,
failed log-in, log-out, token use) are recorded explicitly with :func:`gaodi.audit.service.record`.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import astuple, dataclass
from datetime import datetime, timedelta

from argon2 import Parameters, PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from gaodi.accounts import throttle
from gaodi.accounts.models import ROLES, ApiToken, User, UserScope
from gaodi.audit import service as audit
from gaodi.core import clock, dataset
from gaodi.core.errors import (
    ConflictError,
    GaodiError,
    NotFoundError,
    PermissionDenied,
    ValidationError,
)
from gaodi.core.permissions import ROLE_LABELS, Principal, domain_of, require, restrict
from gaodi.db import utcnow

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 256
TOKEN_PREFIX = "gd_"
USERNAME_RE = re.compile(r"^[\w.@-]{2,64}$")
# The form / API field that carries each kind of scope.
_SCOPE_FIELDS = {"chain": "chains", "park": "parks", "enterprise": "enterprise"}
SCOPED_ROLES = {"chain_office": "chain", "park_office": "park", "enterprise": "enterprise"}

#: The demo accounts `gaodi user demo-accounts` creates (username, role); all share one password.
DEMO_PASSWORD = "gaodi-demo"
DEMO_ACCOUNTS: tuple[tuple[str, str], ...] = (
    ("demo-admin", "admin"),
    ("demo-analyst", "analyst"),
    ("demo-chain", "chain_office"),
    ("demo-park", "park_office"),
    ("demo-viewer", "viewer"),
    ("demo-enterprise", "enterprise"),
)

_hasher = PasswordHasher()
# A hash of a random password: verifying against it when the user does not exist makes a
# failed log-in take as long for an unknown name as for a known one. One per parameter set,
# made when the set is first used and kept: a default-parameter hash costs tens of
# milliseconds, and switching back and forth (tests) need not pay it again.
_DUMMY_HASHES: dict[tuple[object, ...] | None, str] = {
    None: _hasher.hash(secrets.token_urlsafe(16))
}
_DUMMY_HASH = _DUMMY_HASHES[None]


def set_hash_parameters(parameters: Parameters | None = None) -> None:
    """Use other argon2 parameters for new hashes (tests use ``argon2.profiles.CHEAPEST``);
    ``None`` restores argon2-cffi's defaults. Existing hashes keep verifying either way."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher.from_parameters(parameters) if parameters else PasswordHasher()
    key = astuple(parameters) if parameters else None
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = _hasher.hash(secrets.token_urlsafe(16))
    _DUMMY_HASH = _DUMMY_HASHES[key]


class LoginFailed(GaodiError):
    status_code = 401
    code = "login_failed"


class AccountLocked(GaodiError):
    """Throttled: wait before the next try (the same answer for every user name)."""

    status_code = 429
    code = "login_throttled"


# ---------------------------------------------------------------------------- passwords


def hash_password(password: str) -> str:
    """An argon2id hash (argon2-cffi's defaults, RFC 9106 low-memory profile)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_password(password: str, username: str | None = None) -> None:
    """Refuse passwords that are too short, too long or equal to the user name."""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise ValidationError(
            f"密码至少需要 {PASSWORD_MIN_LENGTH} 个字符。",
            f"The password must have at least {PASSWORD_MIN_LENGTH} characters.",
            field="password",
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise ValidationError(
            f"密码不能超过 {PASSWORD_MAX_LENGTH} 个字符。",
            f"The password must have at most {PASSWORD_MAX_LENGTH} characters.",
            field="password",
        )
    if username and password.strip().lower() == username.strip().lower():
        raise ValidationError(
            "密码不能与用户名相同。",
            "The password must differ from the user name.",
            field="password",
        )


def check_username(username: str) -> None:
    if not USERNAME_RE.match(username):
        raise ValidationError(
            "用户名须为 2–64 个字母、数字、汉字或 . _ - @ 字符。",
            "The user name must be 2-64 letters, digits or the characters . _ - @.",
            field="username",
        )


def check_role(role: str) -> None:
    if role not in ROLES:
        raise ValidationError(
            f"未知角色“{role}”，可选：{', '.join(ROLES)}。",
            f"Unknown role '{role}'; choose one of: {', '.join(ROLES)}.",
            field="role",
        )


def role_label(role: str, lang: str = "zh") -> str:
    zh, en = ROLE_LABELS.get(role, (role, role))
    return zh if lang.startswith("zh") else en


# ---------------------------------------------------------------------------- scopes


def _chain_id(session: Session, ref: str) -> int:
    from gaodi.chains import loaders as chain_loaders

    chain_id = chain_loaders.id_by_code_or_name(session, ref.strip())
    if chain_id is None:
        raise NotFoundError(
            f"找不到产业链“{ref}”（按代码或名称）。",
            f"No chain with code or name '{ref}'.",
            field="chains",
        )
    return chain_id


def _park_id(session: Session, ref: str) -> int:
    from gaodi.parks import loaders as park_loaders

    ref = ref.strip()
    park_id = park_loaders.id_by_ref(session, ref)
    if park_id is None:
        raise NotFoundError(
            f"找不到园区“{ref}”（按名称或编号）。",
            f"No park with name or id '{ref}'.",
            field="parks",
        )
    return park_id


def _enterprise_id(session: Session, uscc: str) -> int:
    from gaodi.enterprises import loaders as enterprise_loaders

    ent_id = enterprise_loaders.id_by_uscc(session, uscc.strip().upper())
    if ent_id is None:
        raise NotFoundError(
            f"找不到统一社会信用代码为“{uscc}”的企业。",
            f"No enterprise with USCC '{uscc}'.",
            field="enterprise",
        )
    return ent_id


def resolve_scopes(
    session: Session,
    role: str,
    chains: Iterable[str] = (),
    parks: Iterable[str] = (),
    enterprise: str | None = None,
) -> list[tuple[str, int]]:
    """Turn chain codes/names, park names/ids and a USCC into (kind, id) scopes for ``role``.

    A chain office needs at least one chain, a park office at least one park, an enterprise
    user exactly one enterprise; other roles see everything their role allows and take none.
    """
    chains = [c for c in chains if c and c.strip()]
    parks = [p for p in parks if p and p.strip()]
    enterprise = enterprise.strip() if enterprise and enterprise.strip() else None
    needed = SCOPED_ROLES.get(role)
    given = {"chain": bool(chains), "park": bool(parks), "enterprise": bool(enterprise)}
    extra = [kind for kind, present in given.items() if present and kind != needed]
    if extra:
        raise ValidationError(
            f"角色“{role_label(role)}”不能指定范围：{', '.join(extra)}。",
            f"Role '{role}' takes no {', '.join(extra)} scope.",
            field=_SCOPE_FIELDS[extra[0]],
        )
    if needed and not given[needed]:
        zh = {"chain": "至少一条产业链", "park": "至少一个园区", "enterprise": "一家企业"}[needed]
        raise ValidationError(
            f"角色“{role_label(role)}”需要指定{zh}。",
            f"Role '{role}' needs a {needed} scope.",
            field=_SCOPE_FIELDS[needed],
        )
    scopes = [("chain", _chain_id(session, c)) for c in chains]
    scopes += [("park", _park_id(session, p)) for p in parks]
    if enterprise:
        scopes.append(("enterprise", _enterprise_id(session, enterprise)))
    return sorted(set(scopes))


def describe_scopes(session: Session, user: User) -> list[str]:
    """The names of the chains, parks and enterprise a user is scoped to."""
    from gaodi.chains import loaders as chain_loaders
    from gaodi.enterprises import loaders as enterprise_loaders
    from gaodi.parks import loaders as park_loaders

    out: list[str] = []
    if ids := user.scope_ids("chain"):
        out += [name for name, _ in chain_loaders.names_and_offices(session, ids).values()]
    if ids := user.scope_ids("park"):
        out += list(park_loaders.names(session, ids).values())
    if ids := user.scope_ids("enterprise"):
        out += [name for name, _ in enterprise_loaders.names_and_usccs(session, ids).values()]
    return out


def scope_names_of(session: Session) -> Callable[[str, Sequence[int]], list[str]]:
    """``names_of(kind, ids)``: the sorted names of the chains, parks or enterprises with these
    ids (a scope's words, e.g. a download's name: :func:`gaodi.core.download.scope_label`)."""
    from gaodi.chains import loaders as chain_loaders
    from gaodi.enterprises import loaders as enterprise_loaders
    from gaodi.parks import loaders as park_loaders

    def read(kind: str, ids: Sequence[int]) -> list[str]:
        if kind == "chain":
            return sorted(
                name for name, _ in chain_loaders.names_and_offices(session, ids).values()
            )
        if kind == "park":
            return sorted(park_loaders.names(session, ids).values())
        return sorted(enterprise_loaders.names(session, ids).values())

    return read


# ---------------------------------------------------------------------------- users


def get_user(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFoundError(f"找不到用户“{username}”。", f"No user named '{username}'.")
    return user


def get_user_by_id(session: Session, user_id: int, principal: Principal) -> User:
    user = session.scalars(restrict(select(User), principal, "read").where(User.id == user_id))
    found = user.first()
    if found is None:
        raise NotFoundError(f"找不到编号为 {user_id} 的用户。", f"No user with id {user_id}.")
    return found


def list_users(session: Session, principal: Principal) -> Sequence[User]:
    return session.scalars(restrict(select(User), principal, "read").order_by(User.username)).all()


def count_users(session: Session, principal: Principal) -> int:
    query = restrict(select(User), principal, "read")
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def create_user(
    session: Session,
    username: str,
    role: str,
    password: str,
    *,
    chains: Iterable[str] = (),
    parks: Iterable[str] = (),
    enterprise: str | None = None,
    display_name: str | None = None,
    principal: Principal,
) -> User:
    """Create a user (checks name, role, password and scopes; the ORM audits the creation)."""
    require(principal, "admin", domain_of(User))
    username = username.strip()
    check_username(username)
    check_role(role)
    check_password(password, username)
    if session.scalars(select(User.id).where(User.username == username)).first() is not None:
        raise ConflictError(
            f"用户名“{username}”已存在。", f"The user name '{username}' is taken.", field="username"
        )
    scopes = resolve_scopes(session, role, chains, parks, enterprise)
    user = User(
        username=username,
        role=role,
        display_name=(display_name or "").strip() or None,
        password_hash=hash_password(password),
        password_changed_at=clock.now(),
        session_version=1,
        failed_logins=0,
        is_active=True,
    )
    user.scopes = [UserScope(kind=kind, ref_id=ref) for kind, ref in scopes]
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str, *, actor: str | None = None) -> None:
    """Set a new password; every existing session and API token of the user ends.

    Sessions end by session_version + 1; tokens are revoked (a token copied by whoever knew
    the old password must not outlive it), and stay revoked.
    """
    check_password(password, user.username)
    user.password_hash = hash_password(password)
    user.password_changed_at = clock.now()
    user.session_version = (user.session_version or 0) + 1
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
    audit.record(session, "user_account", "password_change", entity_id=str(user.id), actor=actor)
    revoke_all_tokens(session, user, reason=REVOKED_PASSWORD, actor=actor)


def change_own_password(session: Session, user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise ValidationError(
            "当前密码不正确。", "The current password is wrong.", field="current_password"
        )
    set_password(session, user, new, actor=user.username)


def unlock(session: Session, user: User, *, actor: str | None = None) -> None:
    """Forget the user's log-in counters at every address (an administrator's decision)."""
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
    throttle.reset(session, user.username, every=True)
    audit.record(session, "user_account", "unlock", entity_id=str(user.id), actor=actor)


def set_active(session: Session, user: User, active: bool, *, actor: str | None = None) -> None:
    """(De)activate a user. Deactivation ends their sessions and revokes their API tokens for
    good: reactivating the account gives it back its password, not its old tokens."""
    user.is_active = active
    if not active:
        user.session_version = (user.session_version or 0) + 1
    session.flush()
    if not active:
        revoke_all_tokens(session, user, reason=REVOKED_DEACTIVATED, actor=actor)


# ---------------------------------------------------------------------------- log-in


@dataclass
class LoginOutcome:
    """The result of a log-in attempt. The caller commits (counters, audit) in both cases."""

    user: User | None
    error: GaodiError | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None and self.error is None


def _failed() -> LoginFailed:
    return LoginFailed("用户名或密码不正确。", "Wrong user name or password.")


def authenticate(
    session: Session,
    username: str,
    password: str,
    *,
    max_failures: int,
    lockout_minutes: int,
    ip: str | None = None,
    now: datetime | None = None,
) -> LoginOutcome:
    """Check a user name and password, each check reserved against the throttle first.

    See :mod:`gaodi.accounts.throttle` for the policy: no lock-out, growing delays per name and
    address, per address and per name, counted atomically in the database. A throttled attempt
    gets the same answer whether or not the name exists, and no password is checked. Every
    attempt is written to the audit log (never the password).
    """
    now = now or utcnow()
    where = {"ip": ip} if ip else None
    name = username.strip()
    engine = session.get_bind()
    policy = throttle.Policy.from_settings(max_failures, lockout_minutes)
    wait = 0.0
    for key, rule in throttle.keys(policy, name, ip):
        wait = max(wait, throttle.reserve(engine, key, rule, policy.window, now))  # type: ignore[arg-type]
        if wait:
            break
    if wait:
        audit.record(
            session, "user_account", "login_throttled", after={"wait_s": round(wait, 1),
            **(where or {})}, actor="anonymous",
        )  # fmt: skip
        return LoginOutcome(None, _throttled(wait))
    user = session.scalars(select(User).where(User.username == name)).first()
    if user is None or not user.is_active:
        verify_password(_DUMMY_HASH, password)
        audit.record(
            session,
            "user_account",
            "login_failed",
            entity_id=str(user.id) if user else None,
            after=where,
            note=f"unknown or inactive user: {name[:64]}",
            actor="anonymous",
        )
        return LoginOutcome(None, _failed())
    if not verify_password(user.password_hash, password):
        # In SQL, not read-modify-write in Python: concurrent failures must all count.
        session.execute(
            update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1)
        )
        audit.record(
            session,
            "user_account",
            "login_failed",
            entity_id=str(user.id),
            after=where,
            actor=user.username,
        )
        session.flush()
        return LoginOutcome(None, _failed())
    # A correct password was no guess: give its check back to the address, forget the name's.
    throttle.reset(session, name, ip, policy=policy)
    if secrets.randbelow(100) == 0:
        throttle.prune(session, now, policy.window)
    user.failed_logins = 0
    user.locked_until = None
    # when the user signed in is a fact (the audit log's sign-in, on the city's clock); ``now``
    # stays real time for the throttle above
    user.last_login_at = clock.now()
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    audit.record(
        session, "user_account", "login", entity_id=str(user.id), after=where, actor=user.username
    )
    return LoginOutcome(user)


def _throttled(wait: float) -> AccountLocked:
    seconds = max(1, math.ceil(wait))
    return AccountLocked(
        f"登录尝试过于频繁，请 {seconds} 秒后再试。",
        f"Too many log-in attempts: try again in {seconds} s.",
    )


def logout(session: Session, user: User) -> None:
    """End every session of the user (cookies signed with the old session_version)."""
    user.session_version = (user.session_version or 0) + 1
    session.flush()
    audit.record(session, "user_account", "logout", entity_id=str(user.id), actor=user.username)


def user_for_session(session: Session, user_id: int, version: int) -> User | None:
    user = session.get(User, user_id)
    if user is None or not user.is_active or user.session_version != version:
        return None
    return user


# ---------------------------------------------------------------------------- API tokens


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


#: The longest expiry a token may be given (ten years): beyond it, ask for one that never expires.
TOKEN_MAX_DAYS = 3650
#: Why tokens were revoked, as written to the audit log.
REVOKED_BY_HAND, REVOKED_PASSWORD, REVOKED_DEACTIVATED = "revoked", "password_change", "deactivated"


def default_token_days() -> int:
    """``GAODI_TOKEN_DEFAULT_DAYS``: the expiry of a token whose creator names none."""
    from gaodi.config import get_settings

    days = get_settings().token_default_days
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise ValidationError(
            f"GAODI_TOKEN_DEFAULT_DAYS 须在 1–{TOKEN_MAX_DAYS} 之间（现为 {days}）。",
            f"GAODI_TOKEN_DEFAULT_DAYS must be 1-{TOKEN_MAX_DAYS} (it is {days}).",
        )
    return days


def _token_expiry(expires_days: int | None, principal: Principal, now: datetime) -> datetime | None:
    """When a new token expires: the default, the days asked for, or never (administrators)."""
    if expires_days is None:
        return now + timedelta(days=default_token_days())
    if expires_days == 0:
        # A token that never expires outlives everyone's memory of it: an administrator must
        # ask for it by name, so nobody gets one by leaving the expiry out.
        if not principal.is_admin:
            raise PermissionDenied(
                "只有管理员可以创建永不过期的令牌。",
                "Only an administrator may create a token that never expires.",
            )
        return None
    if not 1 <= expires_days <= TOKEN_MAX_DAYS:
        raise ValidationError(
            f"有效天数须在 1–{TOKEN_MAX_DAYS} 之间（0 表示永不过期，仅限管理员）。",
            f"The expiry must be 1-{TOKEN_MAX_DAYS} days (0 means never, administrators only).",
            field="expires_days",
        )
    return now + timedelta(days=expires_days)


def create_token(
    session: Session,
    user: User,
    name: str,
    *,
    expires_days: int | None = None,
    principal: Principal,
    actor: str | None = None,
) -> tuple[ApiToken, str]:
    """A new API token for ``user``. Returns the row and the token, which is never stored.

    ``expires_days``: None gives ``GAODI_TOKEN_DEFAULT_DAYS``; 0 means never and only an
    administrator (``principal``; the CLI acts as one) may ask for it.
    """
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError(
            "令牌名称须为 1–100 个字符。",
            "The token name must have 1-100 characters.",
            field="name",
        )
    if not user.is_active:
        raise ValidationError(
            f"用户“{user.username}”已停用，不能为其创建令牌。",
            f"User '{user.username}' is inactive: no token can be created for them.",
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        name=name,
        prefix=token[:9],
        token_hash=token_hash(token),
        # made on the city's day (as the audit log says); it expires in real days: a city that
        # lives on a fixed day (the demo's) would otherwise never see its tokens expire
        created_at=clock.now(),
        expires_at=_token_expiry(expires_days, principal, clock.real_now()),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "api_token",
        "token_create",
        entity_id=str(row.id),
        after={
            "user": user.username,
            "name": name,
            "prefix": row.prefix,
            "expires_at": row.expires_at,
        },
        actor=actor,
    )
    return row, token


def token_state(row: ApiToken, now: datetime | None = None) -> str:
    """``active``, ``expired`` or ``revoked`` at ``now`` (default: real time, the clock the
    expiry is set on)."""
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at is not None and row.expires_at <= (now or clock.real_now()):
        return "expired"
    return "active"


def list_tokens(session: Session, user: User) -> Sequence[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones too: they explain the log)."""
    query = select(ApiToken).where(ApiToken.user_id == user.id)
    return session.scalars(query.order_by(ApiToken.id.desc())).all()


def user_for_token(session: Session, token: str, now: datetime | None = None) -> User | None:
    """The active user a bearer token belongs to, or None (unknown, revoked or expired)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    now = now or clock.real_now()  # a security timer: real time, never a fixed city day
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash(token))).first()
    if row is None or token_state(row, now) != "active":
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5):
        row.last_used_at = now  # coarse, so that reads do not write on every request
        session.commit()
    return user


def _revoke(session: Session, row: ApiToken, user: User, reason: str, actor: str | None) -> None:
    # Through the ORM, so the audit listener records the change next to the explicit event.
    row.revoked_at = clock.now()
    session.flush()
    audit.record(
        session,
        "api_token",
        "token_revoke",
        entity_id=str(row.id),
        after={"user": user.username, "name": row.name, "prefix": row.prefix, "reason": reason},
        actor=actor,
    )


def revoke_token(
    session: Session,
    token_id: int,
    *,
    user: User | None = None,
    actor: str | None = None,
) -> ApiToken:
    """Revoke one token (of ``user`` when given: another user's token is not found).

    Revoking a revoked token changes nothing.
    """
    row = session.get(ApiToken, token_id)
    if row is None or (user is not None and row.user_id != user.id):
        raise NotFoundError(f"找不到编号为 {token_id} 的令牌。", f"No token with id {token_id}.")
    if row.revoked_at is None:
        owner = user or session.get(User, row.user_id)
        assert owner is not None  # the foreign key
        _revoke(session, row, owner, REVOKED_BY_HAND, actor)
    return row


def revoke_all_tokens(
    session: Session, user: User, *, reason: str = REVOKED_BY_HAND, actor: str | None = None
) -> int:
    """Revoke every token of ``user`` not yet revoked; returns how many."""
    rows = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for row in rows:
        _revoke(session, row, user, reason, actor)
    return len(rows)


# ---------------------------------------------------------------------------- demo accounts


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    scope: list[str]


def dataset_info(session: Session) -> dict[str, object] | None:
    return dataset.record(session) or None


def demo_accounts(session: Session, *, force: bool = False) -> list[DemoAccount]:
    """Create (or reset) one demo account per role; idempotent.

    The chain office is scoped to the first chain, the park office to the first park and the
    enterprise user to the first enterprise; a scoped role is skipped when nothing exists to
    scope it to. Refuses on a database that is not the demo unless ``force``.
    """
    from gaodi.chains import loaders as chain_loaders
    from gaodi.enterprises import loaders as enterprise_loaders
    from gaodi.parks import loaders as park_loaders

    info = dataset_info(session)
    if info is not None and not info.get("demo") and not force:
        raise ConflictError(
            "此数据库不是示例数据，拒绝创建示例账号（确需创建请加 --force）。",
            "This database is not the demo dataset: refusing to create demo accounts "
            "(use --force to insist).",
        )
    first = {  # (id, name) of the first of each, by id
        "chain": chain_loaders.first_id_and_name(session),
        "park": park_loaders.first_id_and_name(session),
        "enterprise": enterprise_loaders.first_id_and_name(session),
    }
    made: list[DemoAccount] = []
    for username, role in DEMO_ACCOUNTS:
        kind = SCOPED_ROLES.get(role)
        target = first[kind] if kind else None
        if kind and target is None:
            continue
        scopes = [(kind, target[0])] if kind and target is not None else []
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            user = User(username=username, role=role, password_hash="", session_version=1)
            user.display_name = f"示例{role_label(role)}"
            session.add(user)
        user.role = role
        user.is_active = True
        user.failed_logins = 0
        user.locked_until = None
        if not user.password_hash or not verify_password(user.password_hash, DEMO_PASSWORD):
            user.password_hash = hash_password(DEMO_PASSWORD)
            user.password_changed_at = clock.now()
        current = sorted((s.kind, s.ref_id) for s in user.scopes)
        if current != scopes:
            user.scopes = [UserScope(kind=k, ref_id=r) for k, r in scopes]
        session.flush()
        name = target[1] if target is not None else None
        made.append(DemoAccount(username, DEMO_PASSWORD, role, [name] if name else []))
    return made
