"""What this feature contributes to the app, the CLI and the database (gaodi.core.features)."""

from gaodi.core.features import Command, Feature

FEATURE = Feature(
    name="accounts",
    summary="Users, roles, scopes, API tokens and log-in limits.",
    models=("gaodi.accounts.models",),
    scopes=("gaodi.accounts.scopes",),
    commands=(Command("gaodi.accounts.cli", "user"),),
    counted=(("users", "gaodi.accounts.models:User"),),
)
