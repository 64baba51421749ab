"""What this feature contributes to the app, the CLI and the database (gaodi.core.features)."""

from gaodi.core.features import Command, Feature

FEATURE = Feature(
    name="demo",
    summary="The synthetic demo city (示例数据).",
    commands=(Command("gaodi.demo.cli", "demo"),),
)
