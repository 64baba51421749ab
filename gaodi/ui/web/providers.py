"""What the web toolkit needs from the features, handed to it at start-up (never imported).

The toolkit sits below the features (``pyproject.toml``'s layer contract), yet a page must know
who is signed in (the accounts feature) and what dataset it serves (the system feature). The app
(:func:`gaodi.web.app.create_app`) installs both; a toolkit used without them says so instead of
guessing, so an unwired toolkit can never treat a visitor as signed in.
"""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import anyio.to_thread
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

T = TypeVar("T")


class UserRecord(Protocol):
    """The user fields the toolkit reads (the accounts feature's ``User`` has them)."""

    id: int
    username: str
    display_name: str | None
    role: str
    language: str | None


@dataclass(frozen=True)
class Providers:
    """The accounts and system services the toolkit calls, by name."""

    user_for_token: Callable[[Session, str], UserRecord | None]
    user_for_session: Callable[[Session, int, int], UserRecord | None]
    get_user: Callable[[Session, int], Any]
    role_label: Callable[[str, str], str]
    dataset_info: Callable[[Session], dict[str, Any]]
    #: The data's version (grows with every data change; log-ins do not count): what shared
    #: renderings (gaodi.ui.web.rendered) are keyed by. None: pages are not shared.
    data_version: Callable[[Session], int] | None = None
    #: Whether a writing statement (its SQLAlchemy execution context) may change the data
    #: version; None: every one may. Lets a log-in or a language switch keep the version.
    changes_version: Callable[[Any], bool] | None = None


_installed: Providers | None = None


def install(providers: Providers) -> None:
    global _installed
    _installed = providers
    watch_writes()


def get() -> Providers:
    if _installed is None:
        raise RuntimeError(
            "the web toolkit has no accounts/system providers: build the app with "
            "gaodi.web.app.create_app (it installs them)"
        )
    return _installed


# ---------------------------------------------------------------------------- the data version

#: How long a process reuses the data version it read (seconds). A write committed through this
#: process forgets it at once (:func:`watch_writes`), so a user reads their own writes in the
#: process that took them; a write made by another process (another worker, the CLI) is seen at
#: most this much later (docs/administration.md, "Several processes").
VERSION_SECONDS = 0.5

_lock = threading.Lock()
# per engine: (when the read started, the version read); and a count of the writes committed
# through it, so a read that raced with a write is not kept
_versions: weakref.WeakKeyDictionary[Engine, tuple[float, int]] = weakref.WeakKeyDictionary()
_writes: weakref.WeakKeyDictionary[Engine, int] = weakref.WeakKeyDictionary()


def data_version(session: Session) -> int | None:
    """The data version for ``session``'s database, read at most once per
    :data:`VERSION_SECONDS` per process (None when the app wired none: pages are not shared)."""
    read = get().data_version
    if read is None:
        return None
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    kept = kept_data_version(engine)
    if kept is not None:
        return kept
    with _lock:
        writes = _writes.get(engine, 0)
    started = time.monotonic()
    version = read(session)
    with _lock:
        if _writes.get(engine, 0) == writes:  # no write committed meanwhile: keep it
            _versions[engine] = (started, version)
    return version


def kept_data_version(engine: Engine) -> int | None:
    """The version this process read for ``engine`` less than :data:`VERSION_SECONDS` ago and
    no write of its own has made old since; None (read it again) otherwise. Does no I/O."""
    with _lock:
        kept = _versions.get(engine)
    if kept is None or time.monotonic() - kept[0] >= VERSION_SECONDS:
        return None
    return kept[1]


def forgotten(engine: Engine) -> int:
    """How many committed writes of this process have made ``engine``'s version old."""
    with _lock:
        return _writes.get(engine, 0)


def forget_data_version(engine: Engine) -> None:
    """A write was committed through ``engine``: the next read asks the database again."""
    with _lock:
        _versions.pop(engine, None)
        _writes[engine] = _writes.get(engine, 0) + 1


async def single_flight(key: Hashable, work: Callable[[], T]) -> T:
    """``work()`` in a worker thread, once for all the coroutines of this event loop that ask
    for ``key`` meanwhile: a kept value that just expired costs one hand-off and one read, not
    one per waiting request."""
    loop = asyncio.get_running_loop()
    flight_key = (id(loop), key)
    flight = _flights.get(flight_key)
    if flight is None:
        flight = _flights[flight_key] = asyncio.ensure_future(anyio.to_thread.run_sync(work))
        flight.add_done_callback(lambda _done: _flights.pop(flight_key, None))
    return await asyncio.shield(flight)  # type: ignore[no-any-return]


_flights: dict[tuple[int, Hashable], asyncio.Future[Any]] = {}


async def fresh_data_version(engine: Engine, open_session: Callable[[], Session]) -> int | None:
    """The kept data version, else read again (one read in a worker thread for all the requests
    waiting for it); None when unwired or the read failed (the request goes the full way)."""
    kept = kept_data_version(engine)
    if kept is not None or get().data_version is None:
        return kept

    def read() -> int | None:
        with open_session() as session:
            return data_version(session)

    try:
        return await single_flight(("data version", engine), read)
    except Exception:  # the full way reads it again and reports what went wrong
        return None


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "UPSERT", "MERGE", "TRUNCATE", "WITH",
           "CREATE", "DROP", "ALTER")  # fmt: skip
_watching = False


def _before_execute(
    conn: Connection, _cursor: Any, statement: str, _parameters: Any, context: Any, *_args: Any
) -> None:
    # WITH may begin a writing statement (PostgreSQL): counted as one, to err on the safe side
    if conn.info.get("gaodi_wrote") or not statement.lstrip()[:8].upper().startswith(_WRITES):
        return
    judge = _installed.changes_version if _installed is not None else None
    if judge is None or context is None or judge(context):
        conn.info["gaodi_wrote"] = True


def _on_commit(conn: Connection) -> None:
    if conn.info.pop("gaodi_wrote", False):
        forget_data_version(conn.engine)


def _on_rollback(conn: Connection) -> None:
    conn.info.pop("gaodi_wrote", None)


def watch_writes() -> None:
    """Forget the kept data version of a database whenever a transaction that wrote to it is
    committed in this process, whatever wrote it (the ORM, a bulk load, raw SQL). Idempotent."""
    global _watching
    with _lock:
        if _watching:
            return
        _watching = True
    event.listen(Engine, "before_cursor_execute", _before_execute)
    event.listen(Engine, "commit", _on_commit)
    event.listen(Engine, "rollback", _on_rollback)
