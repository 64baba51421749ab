"""What this feature contributes to the app, the CLI and the database (gaodi.core.features)."""

from gaodi.core.features import Command, Feature

FEATURE = Feature(
    name="reports",
    summary="Word, Excel and PDF reports and table exports.",
    pages=("gaodi.reports.views", "gaodi.reports.api", "gaodi.reports.table_export"),
    commands=(Command("gaodi.reports.cli", "report"),),
    warm=("gaodi.reports.warm:warm",),
)
