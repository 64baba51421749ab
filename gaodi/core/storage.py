"""A database that cannot take a write, in words: read-only, disk full, locked, out of reach.

One classifier for every entry point: the web answers 503 with these words, the CLI prints them
and exits 1, ``/healthz`` reports them. Anything else a driver raises is a bug and stays one.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from gaodi.core.errors import ConflictError, GaodiError, ValidationError


class StorageUnavailable(GaodiError):
    """The database cannot take a write now: read-only, disk full, locked or out of reach."""

    status_code = 503

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(zh, en)
        self.code = code


#: (code, words of SQLite's message, SQLSTATEs or their classes of PostgreSQL, zh, en)
STORAGE_PROBLEMS: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str, str], ...] = (
    (
        "database_read_only",
        ("readonly database",),
        ("25006",),  # read_only_sql_transaction (a standby, default_transaction_read_only)
        "数据库当前为只读，无法保存更改（例如磁盘以只读方式挂载，或数据库文件不允许写入）。"
        "已有数据仍可查看；请联系管理员。",
        "The database is read-only at the moment, so changes cannot be saved (for example the "
        "disk is mounted read-only, or the database file may not be written). Existing data "
        "can still be viewed; please tell an administrator.",
    ),
    (
        "disk_full",
        ("database or disk is full", "disk i/o error"),
        ("53100", "53200"),  # disk_full, out_of_memory
        "数据库所在的磁盘已满（或无法写入），无法保存更改。请联系管理员释放空间。",
        "The disk holding the database is full (or cannot be written), so changes cannot be "
        "saved. Please tell an administrator to free some space.",
    ),
    (
        "database_locked",
        ("database is locked", "database table is locked"),
        ("55P03", "40P01"),  # lock_not_available, deadlock_detected
        "数据库正忙于另一项写入，本次未保存任何更改，请稍后重试。",
        "The database is busy with another write; nothing was saved. Please try again in a moment.",
    ),
    (
        "database_unavailable",
        ("unable to open database file", "server closed the connection", "connection refused"),
        ("08", "57P"),  # connection exceptions, operator intervention (shutdown)
        "数据库暂时无法访问，请稍后重试或联系管理员。",
        "The database cannot be reached at the moment. Please try again later or tell an "
        "administrator.",
    ),
)


def storage_problem(exc: BaseException) -> StorageUnavailable | None:
    """The clear error for a database that cannot take a write, else ``None`` (a bug)."""
    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    text = str(orig).lower()
    state = str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")
    for code, words, states, zh, en in STORAGE_PROBLEMS:
        if any(w in text for w in words) or (state and state.startswith(states)):
            return StorageUnavailable(code, zh, en)
    return None


#: A key the database refuses as taken: PostgreSQL's unique_violation, SQLite's words for it.
_DUPLICATE_STATES = ("23505",)
_DUPLICATE_WORDS = ("unique constraint failed",)


def duplicate_write(exc: BaseException) -> ConflictError | None:
    """The clear error (409) for a write the database refused because the same key is already
    stored, else ``None``.

    Every write path checks for the duplicate first and names it; a key refused at commit all the
    same was written between that check and the write (another request, or a path that does not
    serialise its writes), so the answer is the conflict in words, nothing saved, not a 500.
    """
    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    state = str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")
    if state not in _DUPLICATE_STATES and not any(w in str(orig).lower() for w in _DUPLICATE_WORDS):
        return None
    return ConflictError(
        "同样的内容刚刚已被保存（可能是重复提交，或另一位用户同时操作），本次未保存任何更改。"
        "请刷新页面查看当前内容。",
        "The same entry was saved a moment ago (a repeated submission, or another user at the "
        "same time); nothing of this request was saved. Reload the page to see what is stored.",
    )


#: A number the column cannot hold: PostgreSQL's numeric_value_out_of_range (its INTEGER is 32
#: bits; SQLite's is 64 and raises OverflowError beyond, answered the same way by the web).
_OUT_OF_RANGE_STATES = ("22003",)


def number_out_of_range(exc: BaseException) -> ValidationError | None:
    """The clear error (422) for a number too large for the database's column, else ``None``."""
    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    state = str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")
    if state not in _OUT_OF_RANGE_STATES:
        return None
    return ValidationError(
        "请求中的数字过大，数据库无法保存或查找，未作任何更改。",
        "A number in the request is too large for the database; nothing was changed.",
    )
