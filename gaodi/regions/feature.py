"""What this feature contributes to the app, the CLI and the database (gaodi.core.features)."""

from gaodi.core.features import Command, Feature

FEATURE = Feature(
    name="regions",
    summary="Regional analytics (LQ, RCA, shift-share, complexity) and the city map.",
    models=("gaodi.regions.models",),
    scopes=("gaodi.regions.scopes",),
    pages=("gaodi.regions.views", "gaodi.regions.map_views"),
    commands=(Command("gaodi.regions.cli", "regions"),),
)
