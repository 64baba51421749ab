"""What this feature contributes to the app, the CLI and the database (gaodi.core.features)."""

from gaodi.core.features import Command, Feature

FEATURE = Feature(
    name="parks",
    summary="Parks and their 亩均 evaluation.",
    models=("gaodi.parks.models",),
    scopes=("gaodi.parks.scopes",),
    pages=("gaodi.parks.views",),
    commands=(Command("gaodi.parks.cli", "parks"),),
    exchange=("parks",),
    counted=(("parks", "gaodi.parks.models:Park"),),
    warm=("gaodi.parks.warm:warm",),
)
