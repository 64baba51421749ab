"""What this feature contributes to the app, the CLI and the database (gaodi.core.features)."""

from gaodi.core.features import Feature

FEATURE = Feature(
    name="audit",
    summary="Every change to the data, who made it and when.",
    # the service installs the session listener that records each change
    models=("gaodi.audit.models", "gaodi.audit.service"),
    scopes=("gaodi.audit.scopes",),
)
