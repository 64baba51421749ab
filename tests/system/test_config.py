"""The settings registry: documented, defaults as promised, secret key generated once."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from gaodi.config import Settings, get_settings, reset_settings, settings_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description and len(field.description) > 15, name
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert doc == settings_markdown(), "regenerate: gaodi config docs > docs/configuration.md"


def test_default_database_is_sqlite_under_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAODI_DATA_DIR", str(tmp_path))
    reset_settings()
    assert get_settings().effective_database_url == f"sqlite:///{tmp_path / 'gaodi.sqlite'}"
    monkeypatch.setenv("GAODI_DATABASE_URL", "postgresql+psycopg://u@h/db")
    reset_settings()
    assert get_settings().effective_database_url == "postgresql+psycopg://u@h/db"


def test_secret_key_generated_once_and_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAODI_DATA_DIR", str(tmp_path))
    reset_settings()
    key = get_settings().effective_secret_key
    assert len(key) >= 40
    path = tmp_path / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    reset_settings()
    assert get_settings().effective_secret_key == key


def test_bad_language_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAODI_LANGUAGE", "fr")
    reset_settings()
    with pytest.raises(ValueError, match="language"):
        get_settings()
