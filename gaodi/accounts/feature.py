"""What this feature contributes to the app, the CLI and the database (gaodi.core.features)."""

from gaodi.core.features import Command, Feature

FEATURE = Feature(
    name="accounts",
    summary="Users, roles, scopes, API tokens and log-in limits.",
    models=("gaodi.accounts.models",),
    # gaodi.scopes holds the row filters of every scoped role (a user's scope is an accounts
    # concept; the filters read the other features' tables).
    scopes=("gaodi.scopes",),
    commands=(Command("gaodi.accounts.cli", "user"),),
)
