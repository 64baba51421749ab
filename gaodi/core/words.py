"""The words of the analytics: one catalog of codes, each with a zh and an en template.

Why one catalog as data (``gaodi/data/words/<topic>.toml``) rather than prose in the code:
the analytics decide *what* happened (a stable code such as ``per_mu.below_land`` and its
numbers); how that is said in Chinese or English is presentation, and belongs with the other
words the city reads and may want to change. gettext (``gaodi/web/locales``) stays the
catalog of the UI's own strings, keyed by their English text; domain words are keyed by a
code instead, because the same judgement is shown in both languages side by side
(``reason_zh`` / ``reason_en``, ``message_zh`` / ``message_en``) and in exports, whatever
the user's language. The catalog is loaded and checked once, at import: every entry has a
zh and an en template, and both name the same parameters — so a typo in a template fails
at start-up (and in the tests), never at a user's request. A code or a parameter missing at
a call fails loudly (``KeyError``) rather than printing half a sentence.

A file ``per_mu.toml`` holding ``[below_land]`` with ``zh = "..."`` and ``en = "..."``
defines the code ``per_mu.below_land``; templates use ``str.format`` fields (``{mu}``).
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from gaodi.core.errors import GaodiError, ValidationError

WORDS_DIR = Path(__file__).resolve().parent.parent / "data" / "words"
LANGS = ("zh", "en")


@dataclass(frozen=True)
class Template:
    """One code's two templates and every parameter either of them names."""

    code: str
    zh: str
    en: str
    params: frozenset[str]

    def text(self, lang: str) -> str:
        return self.zh if lang.startswith("zh") else self.en


def _fields(text: str, where: str) -> frozenset[str]:
    names = set()
    for _lit, name, spec, conv in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier() or spec or conv:
            raise ValueError(f"words {where}: field {{{name}}} must be a plain name")
        names.add(name)
    return frozenset(names)


def load_catalog(folder: Path = WORDS_DIR) -> dict[str, Template]:
    """Read and check every ``<topic>.toml`` of ``folder``; raise ``ValueError`` on a flaw."""
    out: dict[str, Template] = {}
    for path in sorted(folder.glob("*.toml")):
        topic = path.stem
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for key, entry in data.items():
            code = f"{topic}.{key}"
            if not isinstance(entry, dict) or set(entry) != set(LANGS):
                raise ValueError(f"words {code}: needs exactly the keys zh and en")
            zh, en = entry["zh"], entry["en"]
            if not (isinstance(zh, str) and isinstance(en, str) and zh.strip() and en.strip()):
                raise ValueError(f"words {code}: zh and en must be non-empty text")
            # zh and en may name different parameters (a scheme's Chinese label in one, its
            # id in the other); a call must then give the union of both, checked at the call.
            pz, pe = _fields(zh, f"{code}.zh"), _fields(en, f"{code}.en")
            out[code] = Template(code, zh, en, pz | pe)
    return out


@cache
def catalog() -> dict[str, Template]:
    """The shipped catalog, loaded once."""
    return load_catalog()


def template(code: str) -> Template:
    """The entry of ``code``; an unknown code is a programming error (``KeyError``)."""
    try:
        return catalog()[code]
    except KeyError:
        raise KeyError(f"no words for code {code!r}") from None


def _check(t: Template, params: dict[str, Any]) -> None:
    if set(params) != t.params:
        raise KeyError(f"words {t.code}: expects {sorted(t.params)}, got {sorted(params)}")


def say(code: str, lang: str = "zh", /, **params: Any) -> str:
    """``code`` worded in ``lang`` (``zh*`` → Chinese, anything else → English).

    ``code`` and ``lang`` are positional-only, so a template may name a parameter ``code``.

    >>> say("per_mu.below_land", "en", mu="1.5", threshold="3")
    'uses 1.5 mu, below the 3-mu threshold: not evaluated'
    """
    t = template(code)
    _check(t, params)
    return t.text(lang).format(**params)


def both(code: str, /, **params: Any) -> tuple[str, str]:
    """``(zh, en)`` of ``code``: the pair a :class:`GaodiError` or a report row carries."""
    return say(code, "zh", **params), say(code, "en", **params)


def listing(items: list[str], limit: int | None = None, total: int | None = None) -> str:
    """Items joined by the enumeration comma (、), the separator the zh and en messages have
    always shared for id lists; `` …`` when ``total`` exceeds what is shown."""
    more = total is not None and limit is not None and total > limit
    return "\u3001".join(items) + (" …" if more else "")


def error(
    code: str,
    cls: type[GaodiError] = ValidationError,
    /,
    *,
    context: dict[str, Any] | None = None,
    **params: Any,
) -> GaodiError:
    """The error ``cls`` whose zh/en messages are ``code``'s templates; raise it.

    ``context`` is the error's own context (shown in its JSON), as ``cls(zh, en, **context)``.
    The code rides along as ``words_code`` (an attribute, not ``context``: the error's JSON
    stays as it was) so a caller or a test can tell errors apart without parsing prose.
    """
    zh, en = both(code, **params)
    err = cls(zh, en, **(context or {}))
    err.words_code = code  # type: ignore[attr-defined]
    return err


def expr(code: str, lang: str, /, **params: Any) -> pl.Expr:
    """``code`` worded per row: a polars expression concatenating the template's text with
    ``params`` (each a ``pl.Expr`` or a plain value), for a frame's reason columns."""
    t = template(code)
    _check(t, params)
    parts: list[pl.Expr] = []
    for lit, name, _spec, _conv in string.Formatter().parse(t.text(lang)):
        if lit:
            parts.append(pl.lit(lit, dtype=pl.String))
        if name is not None:
            value = params[name]
            value = value if isinstance(value, pl.Expr) else pl.lit(str(value))
            parts.append(value.cast(pl.String))
    if not parts:
        return pl.lit("", dtype=pl.String)
    return pl.concat_str(parts)
