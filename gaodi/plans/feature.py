"""What this feature contributes to the app, the CLI and the database (gaodi.core.features)."""

from gaodi.core.features import Command, Feature

FEATURE = Feature(
    name="plans",
    summary="Plans, actions, indicators, targets, submissions and the progress board.",
    models=("gaodi.plans.models",),
    scopes=("gaodi.plans.scopes",),
    pages=("gaodi.plans.views", "gaodi.plans.review", "gaodi.plans.api"),
    cards=("gaodi.plans.cards",),
    commands=(Command("gaodi.plans.cli", "plan"),),
    exchange=("indicators", "plans", "actions", "targets", "observations"),
    counted=(
        ("plans", "gaodi.plans.models:Plan"),
        ("targets", "gaodi.plans.models:Target"),
        ("indicators", "gaodi.plans.models:Indicator"),
        ("observations", "gaodi.plans.models:Observation"),
    ),
)
