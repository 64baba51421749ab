"""Database engine, sessions and the declarative base.

SQLite is the default (WAL journal, foreign keys enforced, a busy timeout so the web server and
the CLI can share the file); PostgreSQL is used through ``GAODI_DATABASE_URL``.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import JSON, MetaData, String, Table, create_engine, event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import NullPool

# Deterministic constraint names: Alembic can diff and drop them on both backends.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON, list[int]: JSON}

    # Models that set this to True have every insert/update/delete written to the audit log.
    __audited__ = False

    if TYPE_CHECKING:
        # every model here is mapped to a table (SQLAlchemy types it as any FROM clause, which
        # Core's insert() and update() refuse)
        __table__: ClassVar[Table]


def database_key(engine: Engine) -> str:
    """A short, stable name of the database ``engine`` opens (its URL without the password; a
    SQLite file by its absolute path).

    Files kept beside the data, report and import jobs, are filed under it: two databases that
    share a data directory (a demo and a real city on one machine) listed each other's reports
    to a user of the same name.
    """
    url = engine.url
    name = url.database or ""
    if url.get_backend_name() == "sqlite" and name and name != ":memory:" and "file:" not in name:
        text = f"sqlite:{Path(name).resolve()}"
    else:
        text = url.render_as_string(hide_password=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError as exc:
        # a read-only file (a read-only mount, a restored backup opened mode=ro) cannot switch
        # its journal: it still serves reads, and a write then fails with words (core.storage)
        if "readonly" not in str(exc).lower():
            raise
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


# The composition root (``gaodi.models``: every feature's tables, its row filters and the audit
# listener) registers itself under this entry-point group in pyproject.toml, the way SQLAlchemy
# finds its dialects: the ground layer names no feature, and a feature's module that opens a
# session still gets every change audited and every query restricted.
MODELS_GROUP = "gaodi.models"
_models_loaded = False


class ModelsNotRegistered(RuntimeError):
    """No package registers Gaodi's models: the session would write unaudited, read unscoped."""


def load_models() -> None:
    """Load what the ``gaodi.models`` entry points name, once per process.

    Any code that opens a database calls this first (``make_engine``, ``session_factory``).
    Without a registration (the package not installed) it refuses with words rather than open a
    session that would skip the audit log and the row filters.
    """
    global _models_loaded
    if _models_loaded:
        return
    from importlib.metadata import entry_points

    found = entry_points(group=MODELS_GROUP)
    if not found:
        raise ModelsNotRegistered(
            f"No package registers the entry-point group {MODELS_GROUP!r}: install Gaodi "
            "(`make install`, or `pip install -e .` in the repository) so its models, audit "
            "listener and row filters are loaded before a session opens."
        )
    for entry in found:
        entry.load()
    _models_loaded = True


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names, when Gaodi should create its directory; else None.

    A URI filename (``sqlite:///file:/srv/city.sqlite?mode=ro&uri=true``) is left alone: its
    text is not a path (read as one it made a directory named ``file:`` in the working
    directory), and a read-only database must not have anything created for it.
    """
    parsed = make_url(url)
    database = parsed.database or ""
    if not database or database == ":memory:" or parsed.query.get("uri") in ("true", "1"):
        return None
    return Path(database)


def make_engine(url: str, echo: bool = False, pooled: bool = True) -> Engine:
    """An engine for ``url``; SQLite files get their directory created and Gaodi's pragmas.
    ``pooled=False``: every connection is closed when given back (a reader that looks now and
    then must not keep the file open: ``gaodi db restore`` refuses a database this process
    holds)."""
    load_models()
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if not pooled:
        kwargs["poolclass"] = NullPool
    if url.startswith("sqlite"):
        path = sqlite_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    from gaodi.config import get_settings

    settings = get_settings()
    return make_engine(url or settings.effective_database_url, echo=settings.sql_echo)


#: ``Session.info`` key: the session's transactions take the database's write lock first.
WRITE_LOCK = "gaodi_write_lock"
#: The PostgreSQL advisory lock every serialised write transaction takes (any fixed bigint;
#: "gaodi" in ASCII, so a DBA reading pg_locks can tell whose it is).
PG_WRITE_LOCK_KEY = 0x6761_6F64_69
#: How long a write waits for the one before it (SQLite's busy timeout is the same 10 s).
WRITE_LOCK_TIMEOUT = "10s"


def serialize_writes(session: Session, on: bool = True) -> None:
    """Make every transaction ``session`` begins from now on start by taking the database's
    write lock, so what it reads and what it writes are one step: a request that checks a state
    and then changes it (approve a submission that is still awaiting review, add a reviewer not
    yet on the panel, open the only declaration of an enterprise's year) cannot interleave with
    another doing the same. Two clicks at once, or two colleagues on the same record, then run
    one after the other and the second sees the first's result: its check refuses in words
    instead of both writing (a contradictory history, a duplicate row, or a unique-key error).

    SQLite: ``BEGIN IMMEDIATE`` (its single writer, taken at the start instead of at the first
    write; readers are not blocked in WAL mode). PostgreSQL: a transaction-level advisory lock
    (``pg_advisory_xact_lock``), released at commit or rollback; plain reads take nothing. A city
    bureau's writes are few and short, so one lock per database costs nothing a user notices, and
    a write kept waiting past the timeout is refused as "busy" (503 in words), never half done.
    ``on=False`` lets a request that needs no such step go without (a sign-in: its throttle
    counts atomically on its own, and its password check must not hold every writer back).
    """
    session.info[WRITE_LOCK] = on


@event.listens_for(Session, "after_begin")
def _take_write_lock(session: Session, _transaction: Any, connection: Any) -> None:
    if not session.info.get(WRITE_LOCK):
        return
    name = connection.dialect.name
    if name == "sqlite":
        # pysqlite begins its own (deferred) transaction only at the first write; one begun
        # here holds the write lock from the first read on
        if not connection.connection.dbapi_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{WRITE_LOCK_TIMEOUT}'")
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK_KEY})")


@event.listens_for(Session, "before_flush")
def _check_text_lengths(session: Session, _context: Any, _instances: Any) -> None:
    """Refuse text longer than its column in words before it reaches the database.

    PostgreSQL refuses a value over a ``VARCHAR(n)`` with an error (a 500 where nothing checked
    first) while SQLite stores it whole, so the same input left two cities in different states
    and a SQLite city with values its own schema forbids. Every path that names its limit keeps
    doing so first; this is the floor under the ones that do not.
    """
    from gaodi.core.errors import ValidationError

    for obj in (*session.new, *session.dirty):
        state = sa_inspect(obj)
        for attr in state.mapper.column_attrs:
            column = attr.columns[0]
            length = getattr(column.type, "length", None)
            if not length or not isinstance(column.type, String):
                continue
            value = state.dict.get(attr.key)
            if isinstance(value, str) and len(value) > length:
                start = value[:12] + ("…" if len(value) > 12 else "")
                raise ValidationError(
                    f"内容过长：“{start}”有 {len(value):,} 个字符，此处最多 {length:,} 个。"
                    "未保存任何更改。",
                    f"Text too long: '{start}' has {len(value):,} characters; at most "
                    f"{length:,} are allowed here. Nothing was saved.",
                    field=attr.key,
                )


def session_factory(engine: Engine) -> sessionmaker[Session]:
    load_models()
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(
    engine: Engine | None = None, actor: str | None = None, serialized: bool = False
) -> Iterator[Session]:
    """A transaction: commits on success, rolls back on any error.

    ``actor`` names who makes the change; the audit listener records it with each change.
    ``serialized``: the transaction takes the write lock first (:func:`serialize_writes`).
    """
    factory = session_factory(engine or get_engine())
    session = factory()
    if actor:
        session.info["actor"] = actor
    if serialized:
        serialize_writes(session)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
