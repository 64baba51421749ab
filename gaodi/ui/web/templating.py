"""Jinja2 templates: one environment for the app, rendering with the page context.

Templates live in ``gaodi/web/templates`` and, for a feature package, in
``gaodi/<feature>/templates`` (searched after the web package's). Every template receives:

- ``ctx``: the :class:`~gaodi.ui.web.context.PageContext` (user, language, navigation, CSRF …);
- ``page``: the typed result of the page's context function (a pydantic model);
- ``_`` and ``ngettext``: translation in the request's language.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from gaodi.core.moments import naive_utc
from gaodi.core.units import unit_words
from gaodi.ui.web.context import PageContext

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # gaodi/
# The app's own templates stay with the app (gaodi/web); the toolkit only renders them.
TEMPLATES_DIR = PACKAGE_DIR / "web" / "templates"


def _feature_template_dirs() -> list[Path]:
    """``gaodi/<feature>/templates`` of every feature package that has one (sorted by name)."""
    return sorted(
        d / "templates"
        for d in PACKAGE_DIR.iterdir()
        if d.is_dir() and d.name != "web" and (d / "templates").is_dir()
    )


def _tojson_script(value: Any) -> Markup:
    """JSON safe to embed in ``<script type="application/json">`` (no ``</script>`` break-out)."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    text = json.dumps(value, ensure_ascii=False, default=str)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def _pretty_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, default=str, sort_keys=True)


def _number(value: Any, digits: int = 0) -> str:
    if value is None:
        return "—"
    if isinstance(value, int) or digits == 0:
        return f"{round(float(value)):,}"
    return f"{float(value):,.{digits}f}"


def _figure(value: Any, digits: int = 1) -> str:
    """A headline figure: ``digits`` decimals, none for a whole number (56 家, not 56.0 家;
    3,089.8 亿元 as before).

    >>> [_figure(v) for v in (56.0, 3089.84, 18386, None, 0.04)]
    ['56', '3,089.8', '18,386', '—', '0.0']
    """
    if value is None:
        return "—"
    if float(value).is_integer():
        return _number(value, 0)
    return _number(value, digits)


def _as_typed(value: Any) -> str:
    """A number as a user types it into a form field: 3000, not 3000.0 or 3,000; '' for none.

    >>> [_as_typed(v) for v in (3000.0, 2.5, 5, None, -0.0, 1e20)]
    ['3000', '2.5', '5', '', '0', '1e+20']
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def city_time(value: str | datetime | date | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored moment (naive UTC: a datetime or its ISO text) as the city's wall-clock time, the
    zone the as-of day boundaries use (:func:`gaodi.core.asof.at_or_before`), so an event listed
    under a day is in that day's view and a revision's time agrees with the board's 数据截至. A
    business date is shown as it is; None is "—".

    >>> from gaodi.core import clock
    >>> with clock.frozen(datetime(2024, 1, 1)):  # the default zone, Asia/Shanghai (UTC+8)
    ...     city_time(datetime(2023, 12, 28, 21, 6)), city_time("2023-07-05T16:36")
    ('2023-12-29 05:06', '2023-07-06 00:36')
    >>> city_time("2023-07-06T00:36:00+08:00"), city_time(date(2023, 12, 28)), city_time(None)
    ('2023-07-06 00:36', '2023-12-28', '—')
    """
    from gaodi.core import clock

    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        # an aware value (text in the API's offset form) is its instant, not a UTC wall time
        return clock.local(naive_utc(value)).strftime(fmt)
    return value.isoformat()


def city_zone(lang: str) -> str:
    """The city's time zone as a page in ``lang`` names it (北京时间 / Beijing time, else the
    zone's IANA name), beside the times :func:`city_time` shows."""
    from gaodi.core import clock

    return clock.zone_label(lang.startswith("zh"))


def _city_day(ctx: PageContext) -> str:
    """The city's today as the page's as-of (print stamp), '' when it cannot be read."""
    from gaodi.core import clock

    try:
        return clock.city_today(ctx.dataset)[0].isoformat()
    except Exception:  # an error page without a database still renders
        return ""


#: "中文说明 (English note)." — a stored bilingual note (rule-file caveats) and its two halves
_BILINGUAL = re.compile(
    r"^(?P<zh>.*?[\u4e00-\u9fff].*?)\s*\((?P<en>[^()\u4e00-\u9fff]*[A-Za-z][^()]*)\)\.?$", re.S
)


def bilingual(value: Any, lang: str = "zh") -> str:
    """The reader's half of a stored "中文 (English)." note; the whole note if it is not one."""
    text = str(value or "")
    found = _BILINGUAL.match(text.strip())
    if not found:
        return text
    return found["zh"].strip() if lang.startswith("zh") else found["en"].strip() + "."


@lru_cache(maxsize=1)
def environment() -> Environment:
    loader = ChoiceLoader(
        [FileSystemLoader(str(TEMPLATES_DIR))]
        + [FileSystemLoader(str(d)) for d in _feature_template_dirs()]
    )
    env = Environment(
        loader=loader,
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["tojson_script"] = _tojson_script
    env.filters["number"] = _number
    env.filters["as_typed"] = _as_typed
    env.filters["figure"] = _figure
    env.filters["pretty_json"] = _pretty_json
    env.filters["bilingual"] = bilingual
    env.filters["citation"] = citation
    env.filters["unit_words"] = unit_words
    env.globals["static_version"] = _static_version()
    env.globals["release"], env.globals["development_release"] = _release()
    env.globals["city_day"] = _city_day
    env.filters["city_time"] = city_time
    env.globals["city_zone"] = city_zone
    return env


def _release() -> tuple[str, bool]:
    """The running release for the footer: (its version without a PEP 440 suffix such as
    ``.dev0``, whether it has one: a development or pre-release) — ``.dev0`` is a developer's
    word, not a reader's."""
    from gaodi.core.version import VERSION

    found = re.fullmatch(r"(\d+(?:\.\d+)*)(.*)", VERSION)
    if found is None:
        return VERSION, False
    return found.group(1), bool(found.group(2))


def _static_version() -> str:
    from gaodi.core.version import VERSION

    return VERSION


def render(
    ctx: PageContext, template: str, page: Any = None, status_code: int = 200, **extra: Any
) -> HTMLResponse:
    return HTMLResponse(html(ctx, template, page, **extra), status_code=status_code)


def html(ctx: Any, template: str, page: Any = None, **extra: Any) -> str:
    """``template`` rendered with ``ctx`` (a :class:`PageContext`, or the shared view of one in
    :mod:`gaodi.ui.web.rendered`) and ``page``."""
    return (
        environment()
        .get_template(template)
        .render(
            ctx=ctx,
            page=page,
            _=ctx._,
            ngettext=ctx.ngettext,
            **extra,
        )
    )


def render_error(
    request: Request, status: int, title_msgid: str, message: str, details: list[str]
) -> HTMLResponse:
    """A friendly error page in the site's layout (works before or without a database)."""
    from gaodi.ui.web.auth import ANONYMOUS, Identity
    from gaodi.ui.web.errors import _lang

    identity = getattr(request.state, "identity", None)
    ctx = PageContext(
        request=request,
        db=None,
        identity=identity if isinstance(identity, Identity) else ANONYMOUS,
        lang=_lang(request),
    )
    return render(
        ctx,
        "error.html",
        None,
        status_code=status,
        status=status,
        title=ctx._(title_msgid),
        message=message,
        details=details,
        back=_back(request),
    )


def _back(request: Request) -> str | None:
    """Where a refused form came from (its page on this site), so the error page can lead back
    to it: a stale review's 409 led only to the overview. Only a path of this host (the
    Referer's), never another site's address."""
    if request.method in ("GET", "HEAD"):
        return None
    referer = request.headers.get("referer") or ""
    parsed = urlsplit(referer)
    if not parsed.path.startswith("/") or parsed.path.startswith("//"):
        return None
    if parsed.netloc and parsed.netloc != request.url.netloc:
        return None
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


def citation(value: Any, lang: str = "zh") -> Markup:
    """A record's citation as pages show it: :meth:`Provenance.describe`'s words, escaped,
    with the address (http/https only) as a link opening in a new tab; "来源：未注明" /
    "Source: not given" when there is none. ``value``: a record, a Provenance or a Citation.

    >>> print(citation({"name": "公告", "url": "https://a.example/x?b=1&c=2"}, "en"))
    ... # doctest: +NORMALIZE_WHITESPACE
    <span class="citation" data-testid="citation">Source: 公告 (<a
    href="https://a.example/x?b=1&amp;c=2" rel="noopener noreferrer"
    target="_blank">https://a.example/x?b=1&amp;c=2</a>)</span>
    """
    from markupsafe import escape

    from gaodi.core.provenance import as_provenance, web_address

    p = as_provenance(value)
    link = web_address(p.url)
    if link is None:  # no address, or one that must not become a link: words only
        words = escape(p.describe(lang))
    else:
        anchor = Markup('<a href="{0}" rel="noopener noreferrer" target="_blank">{0}</a>').format(
            link
        )
        words = escape(p.describe(lang)).replace(escape(link), anchor)
    return Markup('<span class="citation" data-testid="citation">{}</span>').format(words)
