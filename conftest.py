"""Root conftest: keeps Alembic's env.py and version scripts out of doctest collection."""

collect_ignore_glob = ["gaodi/migrations/*", "gaodi/migrations/**/*", ".venv/*", "benchmarks/*"]
