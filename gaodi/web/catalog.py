"""Keep the translation catalogs in step with the code: ``python -m gaodi.web.catalog``.

Extracts every message id (``_()``, ``N_()``, ``gettext``, ``ngettext`` …) from the web
package and the feature packages' ``views.py``/``*_views.py``/``api.py`` and templates, then
adds the missing ones to ``locales/{zh,en}/LC_MESSAGES/messages.po``: the English catalog gets
the msgid as its text, the Chinese catalog an empty entry for a translator (the test suite
fails until it is filled). Entries no longer used are dropped.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po, write_po
from jinja2 import TemplateSyntaxError

from gaodi.ui.web.i18n import LANGUAGES, catalog_path

PACKAGE = Path(__file__).resolve().parents[1]  # gaodi/
JINJA = "jinja2.ext:babel_extract"
# silent=False: Jinja's extractor otherwise skips a template it cannot parse, and update()
# would then drop that template's translations from both catalogs as "no longer used"
JINJA_OPTIONS = {"trim_blocks": "True", "lstrip_blocks": "True", "silent": "False"}

UPDATE_COMMAND = "python -m gaodi.web.catalog"

Message = tuple[str, str | None]  # (singular, plural)


class ExtractionError(Exception):
    """A source file whose messages cannot be read (a template with a syntax error)."""


def source_files() -> Iterator[tuple[str, Path]]:
    """(method, path) of every file whose strings are shown in the web app."""
    web = PACKAGE / "web"
    for path in sorted([*web.rglob("*.py"), *(PACKAGE / "ui" / "web").rglob("*.py")]):
        if path.name != "catalog.py":
            yield "python", path
    for path in sorted((web / "templates").rglob("*.html")):
        yield JINJA, path
    for feature in sorted(p for p in PACKAGE.iterdir() if p.is_dir() and p.name != "web"):
        for name in ("views.py", "api.py", "cards.py"):
            if (feature / name).is_file():
                yield "python", feature / name
        for path in sorted(feature.glob("*_views.py")):  # a feature's further page modules
            yield "python", path
        if (feature / "views").is_dir():
            for path in sorted((feature / "views").rglob("*.py")):
                yield "python", path
        if (feature / "templates").is_dir():
            for path in sorted((feature / "templates").rglob("*.html")):
                yield JINJA, path
    # any other page module the app mounts (e.g. gaodi/plans/review.py)
    from gaodi.web.registry import feature_modules

    for module in feature_modules():
        path = PACKAGE.parent / (module.replace(".", "/") + ".py")
        known = path.name in ("views.py", "api.py", "cards.py") or path.is_relative_to(web)
        if path.is_file() and not known:
            yield "python", path


def extract_messages() -> dict[Message, list[tuple[str, int]]]:
    """Every message id and where it occurs."""
    found: dict[Message, list[tuple[str, int]]] = {}
    for method, path in source_files():
        options = JINJA_OPTIONS if method == JINJA else {}
        name = str(path.relative_to(PACKAGE.parent))
        try:
            for lineno, message, _comments, _context in extract_from_file(
                method, str(path), keywords=DEFAULT_KEYWORDS, options=options
            ):
                if isinstance(message, tuple):
                    singular, plural = message[0], message[1] if len(message) > 1 else None
                else:
                    singular, plural = message, None
                if not singular:
                    continue
                found.setdefault((singular, plural), []).append((name, lineno))
        except (TemplateSyntaxError, SyntaxError) as exc:
            line = getattr(exc, "lineno", None)
            raise ExtractionError(
                f"{name}:{line}: {getattr(exc, 'message', None) or exc} — "
                "its messages cannot be read; no catalog was changed"
            ) from exc
    return found


def load(lang: str) -> Catalog:
    with catalog_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang)


def update() -> dict[str, int]:
    """Add missing entries to both catalogs and drop unused ones; returns counts added."""
    messages = extract_messages()
    added: dict[str, int] = {}
    for lang in LANGUAGES:
        path = catalog_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        old = load(lang) if path.exists() else Catalog(locale=lang)
        new = Catalog(
            locale=lang,
            project="gaodi",
            domain="messages",
            header_comment=f"# Gaodi web interface — {lang}.\n# Update: {UPDATE_COMMAND}",
            fuzzy=False,
            creation_date=old.creation_date,
            revision_date=old.revision_date,
        )
        count = 0
        for (singular, plural), locations in sorted(messages.items()):
            msgid: str | tuple[str, str] = (singular, plural) if plural else singular
            existing = old.get(singular)
            if (
                existing is not None
                and existing.string
                and any(
                    existing.string if isinstance(existing.string, tuple) else [existing.string]
                )
            ):
                string = existing.string
            elif lang == "en":
                string = (singular, plural) if plural else singular
                count += 1
            else:
                string = ("",) if plural else ""
                count += 1
            new.add(msgid, string, locations=locations)
        with path.open("wb") as fh:
            write_po(fh, new, width=100, sort_output=True, omit_header=False, include_lineno=False)
        added[lang] = count
    return added


def main() -> None:
    try:
        added = update()
    except ExtractionError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(1) from None
    for lang, count in added.items():
        print(f"{lang}: {count} new message(s) -> {catalog_path(lang)}")
    for lang, gaps in untranslated().items():
        if gaps:
            print(
                f"{lang}: {len(gaps)} untranslated (fill them in, then run the tests)",
                file=sys.stderr,
            )


def untranslated() -> dict[str, list[str]]:
    """Per language, the extracted msgids with no (or a fuzzy) translation."""
    messages = extract_messages()
    out: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        catalog = load(lang)
        gaps = []
        for singular, _plural in messages:
            entry = catalog.get(singular)
            strings = entry.string if entry is not None else None
            values = strings if isinstance(strings, tuple) else (strings,)
            if entry is None or entry.fuzzy or not all(values):
                gaps.append(singular)
        out[lang] = sorted(gaps)
    return out


if __name__ == "__main__":
    main()
