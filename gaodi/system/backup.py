"""Backups of the SQLite database, taken while the web app may be writing to it.

A copy is written under a temporary name beside the target and renamed to the target's name
only once it is complete: a disk that fills up half-way, or a place that cannot be written,
leaves no file under the backup's name (a nightly job can simply retry, and nobody mistakes a
broken file for a backup). The failure is told in words (:class:`NotWritten`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from gaodi.core.errors import ConflictError
from gaodi.core.storage import StorageUnavailable

#: OSError numbers that mean "no room": the disk, or the user's quota, is full.
_NO_SPACE = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


class NotWritten(StorageUnavailable):
    """A copy of the database could not be written (disk full, a place that cannot be written,
    a parent path that is a file); nothing was left under its name. The CLI exits 1."""


def _disk_full(target: Path) -> NotWritten:
    return NotWritten(
        "disk_full",
        f"磁盘空间不足，无法写入 {target}；没有留下不完整的文件，请释放空间后重试。",
        f"The disk is full: {target} could not be written; no partial file was left. Free some "
        "space and try again.",
    )


#: The operating system's reasons in Chinese (its own words are English on every system).
_REASONS_ZH = {
    errno.EACCES: "没有写入权限",
    errno.EPERM: "不允许写入",
    errno.ENOENT: "该位置不存在",
    errno.EROFS: "只读文件系统",
    errno.ENOTDIR: "路径中有一段不是目录",
}


def _cannot_write(target: Path, reason: object, code: int | None = None) -> NotWritten:
    why_zh = _REASONS_ZH.get(code or 0, "没有写入权限，或该位置不可写")
    return NotWritten(
        "cannot_write",
        f"无法在 {target.parent} 写入 {target.name}（{why_zh}）。",
        f"Cannot write {target.name} in {target.parent} (no permission, or the place cannot be "
        f"written: {reason}).",
    )


def _parent_is_file(target: Path, blocker: Path) -> NotWritten:
    return NotWritten(
        "parent_is_file",
        f"无法写入 {target}：{blocker} 是一个文件，不是目录。",
        f"Cannot write {target}: {blocker} is a file, not a directory.",
    )


def _not_written(target: Path, exc: BaseException) -> NotWritten | None:
    """The words for an OSError or SQLite error met while writing ``target``; None for another
    error (a bug, raised as it is)."""
    if isinstance(exc, OSError):
        if exc.errno in _NO_SPACE:
            return _disk_full(target)
        return _cannot_write(target, exc.strerror or exc, exc.errno)
    if isinstance(exc, sqlite3.Error):
        text = str(exc).lower()
        if "full" in text:  # "database or disk is full"
            return _disk_full(target)
        if any(w in text for w in ("unable to open", "readonly", "read-only", "disk i/o")):
            return _cannot_write(target, exc)
    return None


def _file_on_the_way(target: Path) -> Path | None:
    """The nearest ancestor of ``target`` that exists and is not a directory, if any."""
    for parent in target.parents:
        if parent.exists():
            return None if parent.is_dir() else parent
    return None


def _make_parents(target: Path) -> list[Path]:
    """Create the missing directories above ``target``; returns those created (to take back)."""
    blocker = _file_on_the_way(target)
    if blocker is not None:
        raise _parent_is_file(target, blocker)
    missing = [p for p in target.parents if not p.exists()]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _remove_dirs(missing)
        raise _not_written(target, exc) or exc from None
    return missing


def _remove_dirs(created: list[Path]) -> None:
    for directory in created:  # deepest first: target.parents goes upwards
        with contextlib.suppress(OSError):
            directory.rmdir()


def _remove_partial(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()


def _put_in_place(partial: Path, target: Path) -> None:
    """Give the finished copy the target's name, never over a file that appeared meanwhile."""
    try:
        os.link(partial, target)
    except FileExistsError:
        raise ConflictError(f"文件已存在：{target}", f"The file already exists: {target}") from None
    except OSError:  # a file system without hard links: rename (the CLI checked it is new)
        os.replace(partial, target)
        return
    partial.unlink()


def backup_sqlite(engine: Engine, target: Path) -> int:
    """Copy the database to ``target`` with SQLite's online backup API; returns pages copied.

    The backup API copies a consistent snapshot even while other connections write (WAL), which
    a plain file copy of ``gaodi.sqlite`` does not guarantee. The copy is written beside
    ``target`` under a temporary name and renamed when complete; on any failure the temporary
    file (and any directory made for it) is removed, and :class:`NotWritten` says why.
    """
    source_path = engine.url.database
    assert source_path, "not a file database"
    return copy_sqlite(Path(source_path), target)


def copy_sqlite(source_path: Path, target: Path) -> int:
    """:func:`backup_sqlite` for a database file given by its path."""
    created = _make_parents(target)
    copied = 0

    def progress(_status: int, remaining: int, total: int) -> None:
        nonlocal copied
        copied = total - remaining

    partial: Path | None = None
    try:
        # Created new (O_EXCL) under a name of its own, with the permissions the umask gives
        # any new file (as the backup had when SQLite created it directly).
        name = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
        os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        partial = name
        # closing(): a sqlite3 connection's own context manager commits but does not close, and
        # an open connection left behind keeps the database busy (gaodi db restore refuses it).
        with (
            contextlib.closing(sqlite3.connect(source_path)) as source,
            contextlib.closing(sqlite3.connect(partial)) as dest,
        ):
            source.backup(dest, pages=1024, progress=progress)
        _put_in_place(partial, target)
    except BaseException as exc:
        if partial is not None:
            _remove_partial(partial)
        _remove_dirs(created)
        words = _not_written(target, exc) if isinstance(exc, Exception) else None
        if words is None:
            raise
        raise words from None
    return copied


def before_upgrade_copy(database: Path, now: datetime | None = None) -> Path:
    """Copy ``database`` to ``<name>.before-upgrade-<time>.sqlite`` beside it (the way back from
    a schema upgrade, which has no downgrade); returns the copy's path."""
    stamp = (now or datetime.now()).strftime("%Y%m%dT%H%M%S")
    copy = database.with_name(f"{database.stem}.before-upgrade-{stamp}.sqlite")
    copy_sqlite(database, copy)
    return copy
