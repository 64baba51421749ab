"""What this feature contributes to the app, the CLI and the database (gaodi.core.features)."""

from gaodi.core.features import Command, Feature

FEATURE = Feature(
    name="web",
    summary="The web app's own pages: health, sign-in, overview, 大屏, administration, search.",
    pages=(
        "gaodi.web.views.health",
        "gaodi.web.views.auth",
        "gaodi.web.views.overview",
        "gaodi.web.views.screen",
        "gaodi.web.views.admin",
        "gaodi.web.views.search",
    ),
    commands=(Command("gaodi.web.cli:serve", "serve"),),
)
