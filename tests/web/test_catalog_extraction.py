"""``python -m gaodi.web.catalog`` never loses translations to a template it cannot parse:
Jinja's extractor skipped such a template silently, and the update then dropped its messages
from both catalogs as "no longer used". Now the file and line are named and nothing is written."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from gaodi.web import catalog

GOOD = '<p>{{ _("目录测试：好的模板") }}</p>\n'
# an unclosed block on line 2: Jinja cannot parse the file
BAD = '<p>{{ _("目录测试：坏的模板") }}</p>\n{% if x %}\n<p>{{ _("目录测试：之后") }}</p>\n'


def _sources(*paths: Path) -> Iterator[tuple[str, Path]]:
    for path in paths:
        yield catalog.JINJA, path


def _templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A package folder of the test's own, where the extractor names files from."""
    folder = tmp_path / "gaodi" / "templates"
    folder.mkdir(parents=True)
    monkeypatch.setattr(catalog, "PACKAGE", tmp_path / "gaodi")
    return folder


def test_a_good_template_gives_its_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = _templates(tmp_path, monkeypatch) / "good.html"
    good.write_text(GOOD, "utf-8")
    monkeypatch.setattr(catalog, "source_files", lambda: _sources(good))
    assert set(catalog.extract_messages()) == {("目录测试：好的模板", None)}


def test_a_template_with_a_syntax_error_is_named_and_no_catalog_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _templates(tmp_path, monkeypatch)
    good, bad = folder / "good.html", folder / "bad.html"
    good.write_text(GOOD, "utf-8")
    bad.write_text(BAD, "utf-8")
    catalogs = {}
    for lang in ("zh", "en"):
        path = tmp_path / f"{lang}.po"
        path.write_bytes(catalog.catalog_path(lang).read_bytes())
        catalogs[lang] = path
    before = {lang: path.read_bytes() for lang, path in catalogs.items()}
    monkeypatch.setattr(catalog, "catalog_path", lambda lang: catalogs[lang])
    monkeypatch.setattr(catalog, "source_files", lambda: _sources(good, bad))

    with pytest.raises(Exception) as raised:  # on the old code nothing was raised at all
        catalog.update()
    assert isinstance(raised.value, catalog.ExtractionError)
    assert re.search(
        r"gaodi/templates/bad\.html:\d+: .*no catalog was changed", str(raised.value)
    ), raised.value
    assert {lang: path.read_bytes() for lang, path in catalogs.items()} == before

    with pytest.raises(SystemExit) as stopped:
        catalog.main()
    assert stopped.value.code == 1
    assert {lang: path.read_bytes() for lang, path in catalogs.items()} == before
