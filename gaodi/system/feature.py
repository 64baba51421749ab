"""What this feature contributes to the app, the CLI and the database (gaodi.core.features)."""

from gaodi.core.features import Command, Feature

FEATURE = Feature(
    name="system",
    summary="The dataset record, backups, restore, configuration and the schema.",
    models=("gaodi.system.models",),
    commands=(
        Command("gaodi.system.cli:db_app", "db"),
        Command("gaodi.system.cli:config_app", "config"),
    ),
)
