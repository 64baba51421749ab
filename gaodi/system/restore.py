"""Restoring a SQLite backup safely: ``gaodi db restore FILE``.

Putting a copy in place of ``gaodi.sqlite`` by hand is not safe: a ``gaodi.sqlite-wal`` left
beside it holds changes made after the backup, and SQLite replays them onto the copy when it
is next opened — silently mixing two databases. :func:`restore_sqlite` instead

1. checks the backup: a SQLite file that passes ``PRAGMA integrity_check`` and carries an
   Alembic revision this code knows (so it is a Gaodi database, and one it can upgrade);
2. takes the database for itself: the lock ``gaodi serve`` holds while it runs
   (:func:`server_lock`) and SQLite's exclusive locking mode, which fails while any other
   connection has the file open (a WAL database is shared through its ``-shm`` index);
3. copies the current database aside with the online backup API
   (``<name>.before-restore-<timestamp>.sqlite``), WAL changes included;
4. copies the backup into the database with the backup API, through SQLite's own journal,
   truncates the WAL (nothing is left to replay) and checks integrity again.

``force`` skips the exclusivity of step 2 (the copy is then one transaction that the other
connections see on their next read). PostgreSQL is restored with its own tools: see
:data:`PG_RESTORE_HELP`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from gaodi.core.errors import ConflictError, GaodiError, ValidationError

try:  # POSIX; on Windows the server lock is skipped and only SQLite's own locks guard
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

PG_RESTORE_HELP_ZH = (
    "PostgreSQL 数据库请用其自带工具恢复：先停止服务器，再执行 "
    "pg_restore --clean --if-exists --no-owner -d 数据库名 gaodi.dump"
    "（备份：pg_dump -Fc -f gaodi.dump 数据库名；纯 SQL 备份用 psql -d 数据库名 -f gaodi.sql），"
    "最后运行 gaodi db upgrade。"
)
PG_RESTORE_HELP_EN = (
    "Restore a PostgreSQL database with its own tools: stop the server, then run "
    "pg_restore --clean --if-exists --no-owner -d DBNAME gaodi.dump "
    "(backed up with pg_dump -Fc -f gaodi.dump DBNAME; a plain SQL dump with "
    "psql -d DBNAME -f gaodi.sql), then gaodi db upgrade."
)


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file holds: its schema revision and whether this code's head is newer."""

    path: Path
    revision: str
    head: str | None
    tables: int

    @property
    def needs_upgrade(self) -> bool:
        return self.revision != self.head


@dataclass
class RestoreReport:
    """What :func:`restore_sqlite` did, for the CLI to print."""

    source: Path
    target: Path
    revision: str
    head: str | None
    before_copy: Path | None = None
    forced: bool = False
    removed: list[Path] = field(default_factory=list)
    integrity: str = ""

    @property
    def needs_upgrade(self) -> bool:
        return self.revision != self.head


def lock_path(database: Path) -> Path:
    """The file ``gaodi serve`` locks while it serves ``database``."""
    return database.with_name(database.name + ".serve-lock")


@contextlib.contextmanager
def server_lock(database: Path, exclusive: bool = False) -> Iterator[bool]:
    """Hold the server lock of ``database``; yields False when another holder prevents it.

    Servers share it (several may serve one file); a restore takes it alone. The lock is an
    ``flock`` on a file beside the database, released by the kernel if the holder dies.
    """
    if fcntl is None:  # pragma: no cover
        yield True
        return
    database.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(database), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _open_backup(path: Path) -> sqlite3.Connection:
    """The backup, read-only; without a ``-wal`` beside it, as immutable (nothing is created
    beside the user's file)."""
    uri = path.resolve().as_uri()
    wal = path.with_name(path.name + "-wal")
    mode = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    return sqlite3.connect(f"{uri}?{mode}", uri=True)


def _not_gaodi(path: Path, zh: str, en: str) -> ValidationError:
    return ValidationError(
        f"{path} 不能用于恢复：{zh}", f"{path} cannot be restored: {en}", field="file"
    )


#: How many problems ``PRAGMA integrity_check`` reports at most (it stops there; asked for many
#: more, it gives up on a badly damaged file with "malformed" and no count at all).
INTEGRITY_LIMIT = 20


class DamagedBackup(ValidationError):
    """A backup that fails SQLite's integrity check: one sentence with the number of problems;
    SQLite's own report (English, one line per damaged page or row) is kept in ``report`` for
    ``gaodi db restore --verbose``."""

    def __init__(self, path: Path, report: list[str], *, finished: bool = True) -> None:
        # One row may hold several lines; the "*** in database main ***" lines are headings.
        lines = [line for row in report for line in str(row).splitlines() if line.strip()]
        count = sum(1 for line in lines if not line.startswith("*** in database"))
        if not finished:
            zh_found, en_found = "SQLite 无法读完它", "SQLite cannot read it through"
        elif count >= INTEGRITY_LIMIT:
            zh_found = f"完整性检查发现 {count} 处以上问题"
            en_found = f"the integrity check found {count} or more problems"
        else:
            zh_found = f"完整性检查发现 {count} 处问题"
            en_found = f"the integrity check found {count} problem" + "s" * (count != 1)
        super().__init__(
            f"备份文件 {path} 已损坏（{zh_found}），未恢复，当前数据库未改动。",
            f"{path} cannot be restored: the backup file is damaged ({en_found}); nothing was "
            "restored and the current database is unchanged.",
            field="file",
        )
        self.report = lines


def check_backup(path: Path) -> BackupInfo:
    """Refuse a file that is missing, not SQLite, damaged, or not a Gaodi database."""
    from gaodi import migrate

    if path.is_dir():
        raise ValidationError(
            f"{path} 是一个目录，不是备份文件；请给出目录中的备份文件。",
            f"{path} is a directory, not a backup file; name the backup file inside it.",
            field="file",
        )
    if not path.is_file():
        raise ValidationError(
            f"找不到备份文件：{path}", f"No such backup file: {path}", field="file"
        )
    try:
        conn = _open_backup(path)
    except sqlite3.Error as exc:
        raise _not_gaodi(path, f"无法打开（{exc}）。", f"it does not open ({exc}).") from None
    try:
        try:
            problems = [
                row[0] for row in conn.execute(f"PRAGMA integrity_check({INTEGRITY_LIMIT})")
            ]
            tables = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
        except sqlite3.DatabaseError as exc:
            if "malformed" in str(exc).lower():  # a SQLite file, damaged past counting
                raise DamagedBackup(path, [str(exc)], finished=False) from None
            raise _not_gaodi(
                path, f"不是 SQLite 数据库或已损坏（{exc}）。", f"not a SQLite database ({exc})."
            ) from None
        if problems != ["ok"]:
            raise DamagedBackup(path, problems)
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            row = None
    finally:
        conn.close()
    if row is None:
        raise _not_gaodi(
            path,
            "不是高地数据库（没有 alembic_version 表或版本）。",
            "it is not a Gaodi database (no alembic_version table or revision).",
        )
    revision = str(row[0])
    if revision not in migrate.known_revisions():
        raise _not_gaodi(
            path,
            f"数据库结构版本 {revision} 不属于此版本的高地（可能来自更新的版本）。",
            f"its schema revision {revision} is unknown to this Gaodi (a newer release?).",
        )
    return BackupInfo(path, revision, migrate.head_revision(), int(tables))


#: How long a restore waits for other connections to go before calling the database in use: a
#: command that has just finished or a checkpoint closes within it; a running server does not.
SETTLE_SECONDS = 3.0


def _held(
    target: Path, force: bool, settle: float = SETTLE_SECONDS, action: str = "restore"
) -> sqlite3.Connection:
    """A connection to ``target`` that no other connection shares (unless ``force``)."""
    conn = sqlite3.connect(target, timeout=30 if force else 1, isolation_level=None)
    if force:
        return conn
    # SQLite's busy handler waits out a connection that holds a lock (1 s a try); the tries go on
    # until ``settle`` has passed because the stale-WAL restore was once refused in CI with no
    # holder we could account for. If it is refused, in_use names who holds the file.
    deadline = time.monotonic() + settle
    while True:
        try:
            # In WAL mode the exclusive locking mode needs every other connection gone; once
            # taken, no new one can open the file until this one closes.
            conn.execute("PRAGMA locking_mode=EXCLUSIVE")
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("COMMIT")
            return conn
        except sqlite3.OperationalError:
            conn.close()
            if time.monotonic() >= deadline:
                raise in_use(target, action) from None
        time.sleep(0.1)
        conn = sqlite3.connect(target, timeout=1, isolation_level=None)


def holders(target: Path) -> list[tuple[int, str]]:
    """(pid, command line) of the processes that have ``target`` (its -wal, -shm or server lock)
    open.

    Read from /proc (Linux); elsewhere, or for processes this user may not inspect, nothing is
    listed. Only to name the culprit in :func:`in_use`'s message.
    """
    names = {str(target.resolve()) + suffix for suffix in ("", "-wal", "-shm", "-journal")}
    lock = str(lock_path(target).resolve())
    found: list[tuple[int, str]] = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fds = list((entry / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                opened = os.readlink(fd)
            except OSError:
                continue
            # The restore holds the server lock itself while it looks.
            if opened in names or (opened == lock and entry.name != str(os.getpid())):
                try:
                    raw = (entry / "cmdline").read_bytes()
                except OSError:
                    raw = b""
                command = " ".join(raw.replace(b"\0", b" ").decode(errors="replace").split())
                found.append((int(entry.name), command[:120]))
                break
    return sorted(found)


#: What to do instead, per command refused while the database is in use: (zh, en).
_IN_USE_ADVICE = {
    "restore": (
        "请先停止服务器再恢复；确需在运行中恢复时加 --force。",
        "Stop the server first, or pass --force to restore under it.",
    ),
    "upgrade": (
        "请先停止服务器（及其他打开它的程序）再升级：仍在运行的旧版服务器会继续按旧结构写入，"
        "升级后的记录会因此出错；确需在运行中升级时加 --force。",
        "Stop the server (and any other program that has it open) first, then upgrade: an old "
        "server left running keeps writing in the old schema, and the upgraded records go "
        "wrong; pass --force to upgrade under it all the same.",
    ),
}


def in_use(target: Path, action: str = "restore") -> ConflictError:
    me = os.getpid()
    held = [(pid, cmd, pid == me) for pid, cmd in holders(target)]
    who_zh = who_en = ""
    if held:
        who_zh = (
            "打开着它的进程："
            + "；".join(f"{pid}{'（本进程）' if mine else ''} {cmd}" for pid, cmd, mine in held)
            + "。"
        )
        who_en = (
            " Held by: "
            + "; ".join(
                f"{pid}{' (this process)' if mine else ''} {cmd}" for pid, cmd, mine in held
            )
            + "."
        )
    advice_zh, advice_en = _IN_USE_ADVICE[action]
    return ConflictError(
        f"数据库 {target} 正在被使用（服务器 gaodi serve 或其他程序打开着它）。{who_zh}{advice_zh}",
        f"The database {target} is in use (a running gaodi serve or another program has it "
        f"open).{who_en} {advice_en}",
    )


@contextlib.contextmanager
def alone_with(target: Path, *, force: bool = False, action: str = "upgrade") -> Iterator[None]:
    """Hold ``target`` for a command that must not run under a server or another program (a
    schema upgrade): the server lock, taken alone (``gaodi serve`` does not start meanwhile), and
    proof that no other connection has the file open (:func:`_held`, waiting out one that is
    just closing). Refused in words naming who holds it, unless ``force``. This process's own
    connections must be closed first; none is kept open inside the block."""
    with server_lock(target, exclusive=True) as alone:
        if not alone and not force:
            raise in_use(target, action)
        if not force and target.exists():
            _held(target, force=False, action=action).close()
        yield


def _disk_full_before(target: Path, exc: BaseException) -> GaodiError:
    """Restore stopped by a full disk (or one that cannot be written): the live data was not
    touched (SQLite rolls the copy back), and it says so."""
    from gaodi.core.storage import StorageUnavailable

    full = "full" in str(exc).lower() or getattr(exc, "errno", None) == errno.ENOSPC
    if full:
        return StorageUnavailable(
            "disk_full",
            f"磁盘空间不足，未恢复，当前数据库未改动（{target.parent} 所在磁盘需放得下当前数据库的"
            "一份副本和备份）。请释放空间后重试。",
            f"The disk is full: nothing was restored and the current database is unchanged (the "
            f"disk of {target.parent} needs room for a copy of the current database and for the "
            "backup). Free some space and try again.",
        )
    return StorageUnavailable(
        "cannot_write",
        f"无法写入 {target.parent}（{exc}），未恢复，当前数据库未改动。",
        f"Cannot write in {target.parent} ({exc}): nothing was restored and the current "
        "database is unchanged.",
    )


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now()).strftime("%Y%m%dT%H%M%S")


def _undo(held: sqlite3.Connection, report: RestoreReport, mode: str) -> None:
    """After a restore that stopped before the backup was in: remove the copy taken before (it
    is the untouched database's data, partial or whole; a retry makes a new one) and put the
    database's journal mode back (WAL, which the web app's connections expect)."""
    if report.before_copy is not None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                report.before_copy.with_name(report.before_copy.name + suffix).unlink()
        report.before_copy = None
    with contextlib.suppress(sqlite3.Error):
        if held.execute("PRAGMA journal_mode").fetchone()[0] != mode:
            held.execute(f"PRAGMA journal_mode={mode}").fetchone()


def restore_sqlite(
    target: Path, source: Path, *, force: bool = False, now: datetime | None = None
) -> RestoreReport:
    """Replace the SQLite database ``target`` by the backup ``source`` (see the module note)."""
    info = check_backup(source)
    if source.resolve() == target.resolve():
        raise ValidationError(
            "备份文件就是当前数据库本身。",
            "The backup file is the database itself.",
            field="file",
        )
    report = RestoreReport(source, target, info.revision, info.head, forced=force)
    with server_lock(target, exclusive=True) as alone:
        if not alone and not force:
            raise in_use(target)
        existed = target.exists() and target.stat().st_size > 0
        held = _held(target, force)
        mode = held.execute("PRAGMA journal_mode").fetchone()[0]
        restored = False
        try:
            if not force:
                # Alone: leaving WAL mode checkpoints the WAL into the file and deletes it, and
                # lets the copy bring its own page size.
                held.execute("PRAGMA journal_mode=DELETE").fetchone()
            if existed:
                report.before_copy = target.with_name(
                    f"{target.stem}.before-restore-{_stamp(now)}.sqlite"
                )
                with contextlib.closing(sqlite3.connect(report.before_copy)) as copy:
                    held.backup(copy)
            with contextlib.closing(_open_backup(source)) as backup:
                try:
                    backup.backup(held)
                except sqlite3.OperationalError as exc:
                    if not force or "full" in str(exc).lower():
                        raise
                    raise ConflictError(
                        f"无法在运行中的数据库上恢复此备份（{exc}）；"
                        "请停止服务器后不加 --force 重试。",
                        f"This backup cannot be restored under a running server ({exc}); stop "
                        "the server and retry without --force.",
                    ) from None
            restored = True
            if not force:
                held.execute("PRAGMA journal_mode=WAL").fetchone()
            held.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            report.integrity = "; ".join(
                row[0] for row in held.execute("PRAGMA integrity_check(20)")
            )
        except (sqlite3.Error, OSError) as exc:
            if restored:
                raise
            # The backup API rolled the database back: what is beside it now is a copy of
            # the same data, partial or whole, and the database's journal mode is put back.
            _undo(held, report, mode)
            raise _disk_full_before(target, exc) from None
        except BaseException:
            if not restored:
                _undo(held, report, mode)
            raise
        finally:
            held.close()
        if not force:
            # Alone, and the WAL checkpointed: what is left beside the file is stale.
            for suffix in ("-wal", "-shm", "-journal"):
                leftover = target.with_name(target.name + suffix)
                if leftover.exists():
                    leftover.unlink()
                    report.removed.append(leftover)
    if report.integrity != "ok":
        raise ConflictError(
            f"恢复后完整性检查未通过：{report.integrity}。恢复前的副本：{report.before_copy}",
            f"The restored database fails its integrity check: {report.integrity}. "
            f"The copy taken before: {report.before_copy}",
        )
    return report
