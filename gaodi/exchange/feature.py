"""What this feature contributes to the app, the CLI and the database (gaodi.core.features)."""

from gaodi.core.features import Command, Feature

FEATURE = Feature(
    name="exchange",
    summary="Excel templates, all-or-nothing imports and exports (数据交换).",
    pages=("gaodi.exchange.views",),
    commands=(
        Command("gaodi.exchange.cli:template_cmd", "template"),
        Command("gaodi.exchange.cli:import_cmd", "import"),
        Command("gaodi.exchange.cli:export_cmd", "export"),
    ),
)
