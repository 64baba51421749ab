"""Interface languages: Babel catalogs (``locales/<lang>/LC_MESSAGES/messages.po``).

Message ids are English; the ``zh`` catalog translates each one into Chinese and the ``en``
catalog states the English wording explicitly, so a test can check that every string of every
template and view has a translation in both. The ``.po`` files are read at start-up
(:func:`babel.messages.pofile.read_po`) and compiled in memory: nothing to build at install time.

The language of a request is chosen by: the signed-in user's preference, then the ``gaodi_lang``
cookie (the 中文/English switch), then the browser's Accept-Language, then ``GAODI_LANGUAGE``.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES: tuple[str, ...] = ("zh", "en")
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
# The catalogs stay with the app (gaodi/web/locales), where ``python -m gaodi.web.catalog`` writes.
LOCALES_DIR = Path(__file__).resolve().parents[2] / "web" / "locales"
LANG_COOKIE = "gaodi_lang"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (translated when shown)."""
    return message


def catalog_path(lang: str) -> Path:
    return LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> Translations:
    """The compiled catalog of ``lang`` (read from its .po file once per process)."""
    path = catalog_path(lang)
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer)


def normalize(lang: str | None) -> str | None:
    """``zh-CN``, ``zh_Hans`` -> ``zh``; ``en-GB`` -> ``en``; anything else -> None."""
    if not lang:
        return None
    base = lang.strip().lower().replace("_", "-").split("-", 1)[0]
    return base if base in LANGUAGES else None


def from_accept_language(header: str | None) -> str | None:
    """The first supported language of an Accept-Language header, by quality."""
    if not header:
        return None
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        piece = part.strip()
        if not piece:
            continue
        tag, _, params = piece.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        lang = normalize(tag)
        if lang and quality > 0:
            choices.append((-quality, index, lang))
    return min(choices)[2] if choices else None


def negotiate(
    user_pref: str | None, cookie: str | None, accept_language: str | None, default: str
) -> str:
    """User preference > cookie > Accept-Language > the configured default."""
    for candidate in (user_pref, cookie):
        lang = normalize(candidate)
        if lang:
            return lang
    return from_accept_language(accept_language) or normalize(default) or LANGUAGES[0]


class Translator:
    """gettext for one language, with ``%(name)s`` formatting: ``_("%(n)s users", n=3)``."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._t = translations(lang)

    def gettext(self, message: str, **values: object) -> str:
        text = self._t.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        text = self._t.ngettext(singular, plural, n)
        return text % {"num": n, **values}

    __call__ = gettext
