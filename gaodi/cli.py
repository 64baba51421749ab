"""The ``gaodi`` command: a thin Typer root; each feature package contributes its sub-app."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import typer

from gaodi import __version__


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


# ("module[:attr]", sub-command name). A feature's cli.py exposes ``app = typer.Typer(...)``.
SUBCOMMANDS: list[tuple[str, str]] = [
    ("gaodi.system.cli:db_app", "db"),
    ("gaodi.system.cli:config_app", "config"),
    ("gaodi.demo.cli", "demo"),
    ("gaodi.plans.cli", "plan"),
    ("gaodi.regions.cli", "regions"),
    ("gaodi.accounts.cli", "user"),
    ("gaodi.projects.cli", "projects"),
    ("gaodi.chains.registry_cli", "chains"),  # gaodi.chains.cli.app + map-registry
    ("gaodi.enterprises.cli", "enterprises"),
    ("gaodi.parks.cli", "parks"),
    ("gaodi.clusters.cli", "clusters"),
    ("gaodi.smart.cli", "smart"),
    ("gaodi.reports.cli", "report"),
    ("gaodi.web.cli:serve", "serve"),  # a plain function becomes a top-level command
    ("gaodi.exchange.cli:template_cmd", "template"),
    ("gaodi.exchange.cli:import_cmd", "import"),
    ("gaodi.exchange.cli:export_cmd", "export"),
]


def build(only: str | None = None) -> typer.Typer:
    """The root app with every feature's commands, or only the one named ``only``.

    Feature modules are imported here, not at import time: ``gaodi regions complexity`` then
    loads the regions module only, not the web app, the demo builder and the rest.
    """
    root = _new_app()
    for target, name in SUBCOMMANDS:
        if only is not None and name != only:
            continue
        module_name, _, attr = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:  # feature not installed
            if exc.name == module_name:
                continue
            raise
        target_obj = getattr(module, attr or "app")
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
    from sqlalchemy.exc import DBAPIError

    from gaodi.core.cli_support import storage_failure

    names = {name for _, name in SUBCOMMANDS}
    first = sys.argv[1] if len(sys.argv) > 1 else None
    try:
        if first == "version":
            build(only="")()  # no feature module needed
        else:
            build(first if first in names else None)()
    except DBAPIError as exc:  # a command without handle_errors met a database it cannot write
        storage_failure(exc)


if __name__ == "__main__":
    main()
