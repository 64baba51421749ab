"""The ``gaodi`` command: a thin Typer root; each feature package contributes its sub-app."""

from __future__ import annotations

import importlib

import typer

from gaodi import __version__

app = typer.Typer(
    name="gaodi",
    help="Gaodi (高地): the city's advanced-manufacturing plan as a live, measured programme.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

# ("module[:attr]", sub-command name). A feature's cli.py exposes ``app = typer.Typer(...)``.
SUBCOMMANDS: list[tuple[str, str]] = [
    ("gaodi.system.cli:db_app", "db"),
    ("gaodi.system.cli:config_app", "config"),
    ("gaodi.demo.cli", "demo"),
    ("gaodi.plans.cli", "plan"),
    ("gaodi.regions.cli", "regions"),
    ("gaodi.accounts.cli", "user"),
    ("gaodi.projects.cli", "projects"),
    ("gaodi.chains.cli", "chains"),
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


def _register() -> None:
    for target, name in SUBCOMMANDS:
        module_name, _, attr = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:  # feature not built yet
            if exc.name == module_name:
                continue
            raise
        target_obj = getattr(module, attr or "app")
        if isinstance(target_obj, typer.Typer):
            app.add_typer(target_obj, name=name)
        else:
            app.command(name)(target_obj)


@app.callback()
def _root() -> None:
    """Gaodi (高地): the city's advanced-manufacturing plan as a live, measured programme."""


@app.command()
def version() -> None:
    """Print Gaodi's version."""
    typer.echo(__version__)


_register()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
