"""What this feature contributes to the app, the CLI and the database (gaodi.core.features)."""

from gaodi.core.features import Command, Feature

FEATURE = Feature(
    name="clusters",
    summary="The 1+2+N cluster system and each cluster's standing.",
    models=("gaodi.clusters.models",),
    scopes=("gaodi.clusters.scopes",),
    pages=("gaodi.clusters.views",),
    commands=(Command("gaodi.clusters.cli", "clusters"),),
    counted=(("clusters", "gaodi.clusters.models:Cluster"),),
    warm=("gaodi.clusters.warm:warm",),
)
