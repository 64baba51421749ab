"""What this feature contributes to the app, the CLI and the database (gaodi.core.features)."""

from gaodi.core.features import Command, Feature

FEATURE = Feature(
    name="enterprises",
    summary="Enterprises, their yearly figures, tier facts, declarations and eligibility.",
    models=("gaodi.enterprises.models",),
    scopes=("gaodi.enterprises.scopes",),
    pages=(
        "gaodi.enterprises.views",
        "gaodi.enterprises.facts_views",
        "gaodi.enterprises.declaration_views",
        "gaodi.enterprises.api",
    ),
    commands=(Command("gaodi.enterprises.cli", "enterprises"),),
    exchange=("enterprises", "enterprise_years", "tier_facts", "tier_awards", "industry_margins"),
    counted=(
        ("enterprises", "gaodi.enterprises.models:Enterprise"),
        ("external_enterprises", "gaodi.enterprises.models:ExternalEnterprise"),
    ),
    warm=("gaodi.enterprises.service:warm_city",),
)
