"""What this feature contributes to the app, the CLI and the database (gaodi.core.features)."""

from gaodi.core.features import Command, Feature

FEATURE = Feature(
    name="smart",
    summary="Smart-manufacturing and digital-level self-assessment.",
    models=("gaodi.smart.models",),
    scopes=("gaodi.smart.scopes",),
    pages=("gaodi.smart.views", "gaodi.smart.api"),
    commands=(Command("gaodi.smart.cli", "smart"),),
)
