"""What every CLI command shares: the console, error handling and the database in use."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from gaodi.core.errors import GaodiError, ImportRejected

console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def lang() -> str:
    from gaodi.config import get_settings

    return get_settings().language


def fail(error: GaodiError, code: int = 2) -> None:
    """Print a GaodiError for a person (both languages) and exit with ``code``."""
    err_console.print(f"[bold red]错误[/]: {error.zh}")
    if error.en != error.zh:
        err_console.print(f"[red]Error[/]: {error.en}")
    raise typer.Exit(code)


def handle_errors(func: F) -> F:
    """Turn GaodiError (and a missing or unreadable file) into a clear message and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ImportRejected as exc:
            from gaodi.core.cli_tables import print_cell_errors

            print_cell_errors(exc.errors)
            fail(exc)
        except GaodiError as exc:
            fail(exc)
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

    return wrapper  # type: ignore[return-value]


def engine() -> Any:
    """The configured database engine, upgraded to the latest schema if it is behind."""
    from gaodi import migrate
    from gaodi.db import get_engine

    eng = get_engine()
    if not migrate.is_up_to_date(eng):
        migrate.upgrade(eng)
    return eng
