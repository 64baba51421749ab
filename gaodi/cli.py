"""The ``gaodi`` command: a thin Typer root; each feature package contributes its sub-app."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import typer

from gaodi import __version__, features


def _new_app() -> typer.Typer:
    root = typer.Typer(
        name="gaodi",
        help="Gaodi (高地): the city's advanced-manufacturing plan as a live, measured programme.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_show_locals=False,
    )

    @root.callback()
    def _root() -> None:
        """Gaodi (高地): the city's advanced-manufacturing plan as a live, measured programme."""

    @root.command()
    def version() -> None:
        """Print Gaodi's version."""
        typer.echo(__version__)

    return root


def _user_by_name(session: Any, username: str) -> Any:
    # imported on use: ``gaodi regions complexity`` need not load the accounts feature
    from gaodi.accounts.service import get_user

    return get_user(session, username)


def _copy_before_upgrade(database: Any) -> Any:
    # imported on use, like the user lookup: the system feature keeps the way back
    from gaodi.system.backup import before_upgrade_copy

    return before_upgrade_copy(database)


def _install_toolkit() -> None:
    """Hand the command-line toolkit what it needs from the accounts and system features."""
    from gaodi.ui.cli import support

    support.install_user_lookup(_user_by_name)
    support.install_upgrade_copy(_copy_before_upgrade)


def build(only: str | None = None) -> typer.Typer:
    """The root app with every feature's commands, or only the one named ``only``.

    Feature modules are imported here, not at import time: ``gaodi regions complexity`` then
    loads the regions module only, not the web app, the demo builder and the rest.
    """
    root = _new_app()
    _install_toolkit()
    for command in features.commands():
        if only is not None and command.name != only:
            continue
        name = command.name
        module_name, _, attr = command.target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                raise features.FeatureMissing(
                    f"a feature declares the command {name!r} in {module_name}, which does not "
                    "exist"
                ) from exc
            raise
        target_obj = getattr(module, attr or "app", None)
        if target_obj is None:
            raise features.FeatureMissing(f"{module_name} has no {attr or 'app'!r} ({name!r})")
        if isinstance(target_obj, typer.Typer):
            root.add_typer(target_obj, name=name)
        else:
            root.command(name)(target_obj)
    return root


def __getattr__(name: str) -> Any:
    # ``from gaodi.cli import app`` (tests, docs) gets the full app, built on first use.
    if name == "app":
        full = build()
        globals()["app"] = full
        return full
    raise AttributeError(name)


def main() -> None:
    from pydantic import ValidationError as InvalidModel
    from sqlalchemy.exc import DBAPIError

    from gaodi.ui.cli.support import fail, invalid_settings, is_settings_error, storage_failure

    names = {command.name for command in features.commands()}
    first = sys.argv[1] if len(sys.argv) > 1 else None
    try:
        if first == "version":
            build(only="")()  # no feature module needed
        else:
            build(first if first in names else None)()
    except DBAPIError as exc:  # a command without handle_errors met a database it cannot write
        storage_failure(exc)
    except InvalidModel as exc:  # a GAODI_* setting refused where no handle_errors catches it
        if not is_settings_error(exc):
            raise
        try:
            fail(invalid_settings(exc))
        except typer.Exit as done:
            sys.exit(done.exit_code)


if __name__ == "__main__":
    main()
