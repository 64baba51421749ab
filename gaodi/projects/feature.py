"""What this feature contributes to the app, the CLI and the database (gaodi.core.features)."""

from gaodi.core.features import Command, Feature

FEATURE = Feature(
    name="projects",
    summary="Major projects, 揭榜挂帅 challenges and enterprise appeals.",
    models=("gaodi.projects.models",),
    scopes=("gaodi.projects.scopes",),
    pages=("gaodi.projects.views", "gaodi.projects.api"),
    commands=(Command("gaodi.projects.cli", "projects"),),
    exchange=("projects", "project_year_plans", "project_progress"),
)
