"""Users, their scopes (chains, parks, enterprises) and API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gaodi.core import clock
from gaodi.db import Base

ROLES = ("admin", "analyst", "chain_office", "park_office", "viewer", "enterprise")


class User(Base):
    __tablename__ = "user_account"
    __audited__ = True
    __audit_exclude__ = frozenset(
        {"password_hash", "failed_logins", "last_login_at", "session_version", "locked_until"}
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(100), default=None)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str | None] = mapped_column(String(8), default=None)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    # Bumped on logout and password change: every session cookie signed with an older value
    # stops working (server-side invalidation without a session table).
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Facts of what someone did (shown on the account pages, read by no timer): on the city's
    # clock, as the audit log records the same actions. locked_until and a token's expires_at
    # and last_used_at are security timers: they keep real time.
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    scopes: Mapped[list[UserScope]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def scope_ids(self, kind: str) -> set[int]:
        return {s.ref_id for s in self.scopes if s.kind == kind}


class UserScope(Base):
    """What a scoped user may see: a chain, a park or an enterprise."""

    __tablename__ = "user_scope"
    __audited__ = True
    __table_args__ = (UniqueConstraint("user_id", "kind", "ref_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # chain / park / enterprise
    ref_id: Mapped[int] = mapped_column(Integer)

    user: Mapped[User] = relationship(back_populates="scopes")


class ApiToken(Base):
    """A token for scripts. Only its SHA-256 is stored; the token is shown once at creation."""

    __tablename__ = "api_token"
    __audited__ = True
    __audit_exclude__ = frozenset({"token_hash", "last_used_at"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class LoginThrottle(Base):
    """One counter: password checks since the last success (or since it went idle)."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    checks: Mapped[int] = mapped_column(Integer, default=0)
    last_check: Mapped[datetime] = mapped_column(DateTime, index=True)
    next_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class FormSubmission(Base):
    """A rendering of a form that was saved: its key (the one-time ``_once`` made when the page
    rendered, taken with what was typed into it), who sent it, to which address, and where the
    answer led. The same rendering sent
    again (a double-click, Back and send again) is answered as the first was, and nothing is
    saved twice (:func:`gaodi.ui.web.pages.form`). A record only ever answers its own user; rows
    older than :data:`gaodi.ui.web.pages.ONCE_DAYS` are pruned as new ones are written."""

    __tablename__ = "form_submission"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(Text)
    # on the city's clock (naive UTC), as the answer to a repeat says the time
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
