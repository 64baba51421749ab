"""What every CLI command shares: the console, error handling, the database in use and who
acts (the operator, or ``--as USER``)."""

from __future__ import annotations

import functools
import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pydantic
import typer
from rich.console import Console, ConsoleRenderable, RenderHook
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from gaodi.core.errors import GaodiError, ImportRejected, NotFoundError, ValidationError
from gaodi.core.text_safety import check_input

console = Console()
err_console = Console(stderr=True)

#: What every table and workbook of the demo city says under it or on its 说明 sheet (README:
#: its enterprises and figures are synthetic and labelled so everywhere they leave the system).
DEMO_LABEL = (
    "示例数据：演示城市的企业和数值为模拟生成，不是官方统计数据。",
    "Demo data: the demo city's enterprises and figures are synthetic, not official statistics.",
)

# The database of the running command (set by existing_engine) and, once asked, whether it is
# the demo city; handle_errors forgets both when a command starts (tests run many in a process).
_engine_in_use: Any = None
_demo: bool | None = None

F = TypeVar("F", bound=Callable[..., Any])


def demo_dataset() -> bool:
    """Whether the running command's database is the demo city, as its dataset record says
    (:func:`gaodi.core.dataset.record`, the record the web's banner reads); False when the
    command opened no database, or one without the record's table."""
    global _demo
    if _demo is None:
        _demo = False
        if _engine_in_use is not None:
            from gaodi.core.dataset import record

            try:
                with _engine_in_use.connect() as conn:
                    _demo = bool(record(conn).get("demo"))
            except SQLAlchemyError:
                _demo = False
    return _demo


def demo_label_lines() -> tuple[str, ...]:
    """:data:`DEMO_LABEL` in the language of the messages: GAODI_LANGUAGE=en the English only,
    zh (the default) the Chinese, then the English."""
    return (DEMO_LABEL[1],) if lang() == "en" else DEMO_LABEL


class DemoLabelHook(RenderHook):
    """Puts :data:`DEMO_LABEL` under every table the commands print on the demo city's data.

    One hook on the shared console rather than a line in each command: every table a command
    prints leaves the system, and a command added later is labelled without remembering to.
    """

    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        if not any(isinstance(r, Table) for r in renderables) or not demo_dataset():
            return renderables
        labelled: list[ConsoleRenderable] = []
        for r in renderables:
            labelled.append(r)
            if isinstance(r, Table):
                labelled.append(Text(" ".join(demo_label_lines()), style="dim"))
        return labelled


console.push_render_hook(DemoLabelHook())


def lang() -> str:
    """GAODI_LANGUAGE (zh or en); zh while the settings themselves are invalid (that error is
    being reported, and must not fail again on the way)."""
    import os

    from gaodi.config import get_settings

    try:
        return get_settings().language
    except pydantic.ValidationError:
        return "en" if os.environ.get("GAODI_LANGUAGE", "").strip().lower() == "en" else "zh"


def fail(error: GaodiError, code: int = 2) -> None:
    """Print a GaodiError for a person and exit with ``code``.

    GAODI_LANGUAGE=en prints the English sentence only; zh (the default) prints the Chinese one
    with the English below it, for an operator who reads only English.

    An error that words itself by where it is met (``worded_for(entry)``, such as a flagged
    value that the web asks to tick 确认 for) is told in the command line's words: "cli".
    """
    zh, en = error.zh, error.en
    worded_for = getattr(error, "worded_for", None)
    if callable(worded_for):
        zh, en = worded_for("cli")
    if lang() == "en":
        err_console.print(f"[bold red]Error[/]: {en}")
        raise typer.Exit(code)
    err_console.print(f"[bold red]错误[/]: {zh}")
    if en != zh:
        err_console.print(f"[red]Error[/]: {en}")
    raise typer.Exit(code)


def invalid_settings(exc: pydantic.ValidationError) -> ValidationError:
    """The settings (GAODI_* variables or .env) that pydantic refused, each named as the
    variable a user sets, with the value given and what is allowed."""
    zh: list[str] = []
    en: list[str] = []
    for err in exc.errors():
        name = "GAODI_" + "_".join(str(p) for p in err.get("loc", ())).upper()
        given = err.get("input")
        shown = f"={given!r}" if isinstance(given, str) else ""
        zh.append(f"{name}{shown}：{err['msg']}")
        en.append(f"{name}{shown}: {err['msg']}")
    return ValidationError(
        "配置有误：" + "；".join(zh) + "（见 gaodi config docs）",
        "Invalid setting: " + "; ".join(en) + " (see gaodi config docs)",
    )


def is_settings_error(exc: pydantic.ValidationError) -> bool:
    return exc.title == "Settings"


def invalid_input(exc: pydantic.ValidationError) -> ValidationError:
    """A command's input that its pydantic model refused, each field named with its problem.

    Models that carry both languages (e.g. :data:`gaodi.core.text_safety.CleanStr`) give them
    in the error's context; pydantic's own messages are English only.
    """
    zh: list[str] = []
    en: list[str] = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ())) or "?"
        ctx = err.get("ctx") or {}
        if err["type"] == "string_pattern_mismatch":  # the pattern is a regex: no words for people
            ctx = {
                "zh": f"“{err.get('input')}”格式不符",
                "en": f"{err.get('input')!r} is not in the expected form",
            }
        zh.append(f"{where}：{ctx.get('zh', err['msg'])}")
        en.append(f"{where}: {ctx.get('en', err['msg'])}")
    return ValidationError("输入有误：" + "；".join(zh), "Invalid input: " + "; ".join(en))


def handle_errors(func: F) -> F:
    """Turn GaodiError (and a missing or unreadable file) into a clear message and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        global _engine_in_use, _demo
        _engine_in_use, _demo = None, None
        try:
            for name, value in kwargs.items():
                check_input(value, name)  # control characters (core.text_safety)
            return func(*args, **kwargs)
        except ImportRejected as exc:
            from gaodi.ui.cli.tables import print_cell_errors

            print_cell_errors(exc.errors)
            fail(exc)
        except GaodiError as exc:
            fail(exc)
        except pydantic.ValidationError as exc:
            fail(invalid_settings(exc) if is_settings_error(exc) else invalid_input(exc))
        except FileNotFoundError as exc:
            fail(GaodiError(f"找不到文件：{exc.filename}", f"File not found: {exc.filename}"))
        except PermissionError as exc:
            fail(GaodiError(f"无法读写文件：{exc.filename}", f"Cannot access file: {exc.filename}"))
        except IsADirectoryError as exc:
            fail(
                GaodiError(
                    f"这是一个目录，不是文件：{exc.filename}",
                    f"This is a directory, not a file: {exc.filename}",
                )
            )
        except DBAPIError as exc:
            storage_failure(exc)

    return wrapper  # type: ignore[return-value]


def storage_failure(exc: DBAPIError) -> None:
    """A database that cannot take the write (read-only, disk full, locked, unreachable): its
    words and exit code 1, not a traceback; any other driver error is re-raised (a bug)."""
    from gaodi.core.storage import storage_problem

    problem = storage_problem(exc)
    if problem is None:
        raise exc
    fail(problem, code=1)


def missing_database(url: str) -> Path | None:
    """The SQLite file ``url`` names when it does not exist, else None (a server, memory, a
    read-only URI filename: SQLite itself refuses a missing one)."""
    from gaodi.db import sqlite_file

    if not url.startswith("sqlite"):
        return None
    path = sqlite_file(url)
    return path if path is not None and not path.exists() else None


def no_database(path: Path) -> NotFoundError:
    return NotFoundError(
        f"数据库文件不存在：{path}。请先运行 gaodi db upgrade 创建数据库（或 make demo 生成示例"
        "城市），或检查 GAODI_DATABASE_URL 是否写错。",
        f"There is no database at {path}. Create it with `gaodi db upgrade` (or `make demo` for "
        "the demo city), or check GAODI_DATABASE_URL for a typo.",
        path=str(path),
    )


def existing_engine() -> Any:
    """The configured database's engine; NotFoundError, and nothing created, when its SQLite
    file does not exist (make_engine would create the directory and the connection the file)."""
    from gaodi.config import get_settings
    from gaodi.db import get_engine

    global _engine_in_use, _demo
    missing = missing_database(get_settings().effective_database_url)
    if missing is not None:
        raise no_database(missing)
    _engine_in_use, _demo = get_engine(), None
    return _engine_in_use


def engine() -> Any:
    """The configured database engine, upgraded to the latest schema if it is behind.

    Only ``gaodi db upgrade`` and ``gaodi demo build`` create a database: a command on a SQLite
    file that does not exist (a typo in GAODI_DATABASE_URL) says so instead of quietly
    starting an empty city.
    """
    from gaodi import migrate

    eng = existing_engine()
    migrate.check_known(eng)  # before the copy: a newer database cannot be upgraded from here
    if not migrate.is_up_to_date(eng):
        _keep_a_copy(eng, migrate.current_revision(eng))
        migrate.upgrade(eng)
    return eng


# The system feature's "copy a SQLite database before its schema upgrade" (returns the copy's
# path), installed by the ``gaodi`` command like the user lookup below.
_upgrade_copy: Callable[[Path], Path] | None = None


def install_upgrade_copy(copy: Callable[[Path], Path]) -> None:
    global _upgrade_copy
    _upgrade_copy = copy


def _keep_a_copy(eng: Any, revision: str | None) -> None:
    """Before a command (``gaodi serve`` among them) upgrades an existing SQLite city, keep the
    copy ``gaodi db upgrade`` keeps (an upgrade has no downgrade: the copy is the way back) and
    say where on stderr; a new, empty database has nothing to keep."""
    database = eng.url.database if eng.dialect.name == "sqlite" else None
    if revision is None or _upgrade_copy is None or not database or database == ":memory:":
        return
    eng.dispose()
    try:
        copy = _upgrade_copy(Path(database))
    except GaodiError as exc:
        fail(exc, code=1)
    err_console.print(
        f"数据库结构升级前的副本 Copy of the database before its schema upgrade: {copy}"
        "（升级不可撤销；要退回旧版本，用 gaodi db restore 恢复此副本 / to go back, restore "
        "this copy with gaodi db restore）"
    )


def operator_name() -> str:
    """``cli:<OS user>``: the name the CLI's changes are audited under."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return f"cli:{who}"[:64]


def operator() -> Any:
    """The machine's operator: an administrator principal named after the OS user."""
    from gaodi.core.permissions import Principal

    return Principal(username=operator_name(), role="admin")


# The accounts feature's "user by name" (NotFoundError if none), installed by the ``gaodi``
# command (gaodi.cli.build): the toolkit sits below the features and may not import them.
_user_lookup: Callable[[Any, str], Any] | None = None


def install_user_lookup(lookup: Callable[[Any, str], Any]) -> None:
    global _user_lookup
    _user_lookup = lookup


def principal_for(session: Any, username: str | None) -> Any:
    """The operator, or the principal of the user named ``username`` (NotFoundError if none)."""
    if not username:
        return operator()
    from gaodi.core.permissions import Principal

    if _user_lookup is None:
        raise RuntimeError(
            "the command-line toolkit has no user lookup: run commands through gaodi.cli "
            "(build() installs it)"
        )
    return Principal.from_user(_user_lookup(session, username))


@contextmanager
def cli_session(username: str | None = None) -> Iterator[tuple[Any, Any]]:
    """A transaction on the configured database and the principal acting in it (changes are
    audited under its name): the operator, or ``username`` (``--as``)."""
    from gaodi.db import session_scope

    with session_scope(engine()) as session:
        principal = principal_for(session, username)
        session.info["actor"] = principal.username
        yield session, principal
