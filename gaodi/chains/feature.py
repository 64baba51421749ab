"""What this feature contributes to the app, the CLI and the database (gaodi.core.features)."""

from gaodi.core.features import Command, Feature

FEATURE = Feature(
    name="chains",
    summary="Industrial chains as trees of links, with enterprises, diagnosis and proposals.",
    models=("gaodi.chains.models",),
    scopes=("gaodi.chains.scopes",),
    pages=("gaodi.chains.views", "gaodi.chains.api"),
    commands=(Command("gaodi.chains.registry_cli", "chains"),),
    exchange=("chains", "links", "enterprise_links"),
    counted=(("chains", "gaodi.chains.models:Chain"), ("links", "gaodi.chains.models:Link")),
    warm=("gaodi.chains.warm:warm",),
)
