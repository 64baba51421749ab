"""Where a record came from: one value object, :class:`Provenance`, and one way to say it.

A *citation* names the public source a fact was taken from (a government notice, a plan
document, a statistics yearbook) and, when there is one, its web address. Records keep it in
one of two shapes, both read by :func:`provenance_of` without a data migration:

* one free-text ``source`` column (chains, clusters, parks, smart-manufacturing
  recognitions — the :class:`SourceCited` mixin declares it and gives ``.provenance``), where
  an address, if any, is written inside the text;
* ``source_name`` and ``source_url`` (the industry margins of the tier lists, a plan's source
  document ``source_name``).

Columns called ``source`` that record *how* a row got in — an enterprise link's ``rule`` /
``manual``, an assessment's ``web`` / ``excel`` / ``api``, a tier fact's origin — are origin
codes, not citations: they are code lists (:mod:`gaodi.core.choices`) and stay as they are.

Examples
--------
>>> p = Provenance.from_text("工信部公告 2023 https://www.miit.gov.cn/a.html")
>>> p.name, p.url
('工信部公告 2023', 'https://www.miit.gov.cn/a.html')
>>> p.describe("zh")
'来源：工信部公告 2023（https://www.miit.gov.cn/a.html）'
>>> Provenance.from_text("  ").describe("en")
'Source: not given'

Every place that shows a citation goes through here: pages through the ``citation`` Jinja
filter (:func:`gaodi.ui.web.templating.citation`: the words, the address as a link), the JSON
API through :class:`Citation` (``{"name", "url", "text", "text_en"}``), Excel through
:func:`gaodi.core.excel.citation_cell` (the words, a hyperlink when there is an address), Word
and PDF reports through :meth:`Provenance.describe`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

_URL = re.compile(r"https?://[^\s，。；;（）()]+")
#: words left at the end of a name that only introduced the address
#: (after a separator: "意见" keeps its 见)
_LEAD_IN = re.compile(r"[\s,，;；:：]+(?:via|see|见|参见|详见|网址|链接)$", re.IGNORECASE)


@dataclass(frozen=True)
class Provenance:
    """A citation: the source's name and, if known, its address."""

    name: str | None
    url: str | None = None

    @classmethod
    def from_text(cls, text: str | None) -> Provenance:
        """A free-text ``source``: its first web address is the URL, the rest is the name
        (trimmed of the separators left behind)."""
        if text is None or not text.strip():
            return cls(None)
        found = _URL.search(text)
        if found is None:
            return cls(text.strip())
        before, after = text[: found.start()].rstrip(), text[found.end() :].lstrip()
        if before.endswith(("（", "(")) and after.startswith(("）", ")")):  # "名称（网址）"
            before, after = before[:-1], after[1:]
        rest = (before + " " + after).strip(" \t\n，,;；:：")
        rest = re.sub(r"\s+([，,;；。.])", r"\1", rest)  # no space left before a comma
        rest = _LEAD_IN.sub("", rest)  # "…, via" / "…，见" pointed at the address just taken
        return cls(re.sub(r"\s+", " ", rest) or None, found.group(0))

    def __bool__(self) -> bool:
        return bool(self.name or self.url)

    def describe(self, lang: str = "zh") -> str:
        """The citation in words, as pages, reports and exports show it."""
        zh = lang.startswith("zh")
        if not self:
            return "来源：未注明" if zh else "Source: not given"
        name = _reader_half(self.name, zh) if self.name else self.url or ""
        both = bool(self.url and self.name)
        tail = (f"（{self.url}）" if zh else f" ({self.url})") if both else ""
        return f"来源：{name}{tail}" if zh else f"Source: {name}{tail}"


#: "中文说明 (English note)" — one part of a bilingual name (the demo parks' "面积为示例数据
#: (area is synthetic)"); the same shape as the ``bilingual`` page filter reads
_BILINGUAL = re.compile(
    r"^(?P<zh>.*?[\u4e00-\u9fff].*?)\s*\((?P<en>[^()\u4e00-\u9fff]*[A-Za-z][^()]*)\)\.?$", re.S
)


def _reader_half(name: str, zh: bool) -> str:
    """The reader's half of each "中文 (English)" part of a name ("；"-separated); a part that
    is not one stays whole.

    >>> _reader_half("面积为示例数据 (area is synthetic)；级别待核实 (level uncertain)", False)
    'area is synthetic; level uncertain'
    >>> _reader_half("三年行动计划(2021—2023年)", False)
    '三年行动计划(2021—2023年)'
    """
    parts = []
    for part in name.split("；"):
        found = _BILINGUAL.match(part.strip())
        parts.append(part.strip() if not found else found["zh" if zh else "en"].strip())
    return ("；" if zh else "; ").join(p for p in parts if p)


class SourceCited:
    """Mixin of a model whose public source is one free-text ``source`` column (the column
    the chains, clusters, parks and recognitions always had: no migration)."""

    source: Mapped[str | None] = mapped_column(Text, default=None)

    @property
    def provenance(self) -> Provenance:
        return Provenance.from_text(self.source)


def provenance_of(obj: Any) -> Provenance:
    """The citation of any record: ``source_name``/``source_url`` when it has them, else its
    free-text ``source``."""
    if hasattr(obj, "source_name"):
        return Provenance(
            (getattr(obj, "source_name", None) or "").strip() or None,
            (getattr(obj, "source_url", None) or "").strip() or None,
        )
    return Provenance.from_text(getattr(obj, "source", None))


def web_address(url: str | None) -> str | None:
    """``url`` when it is an http(s) address that can safely become a link, else None (a
    ``javascript:`` or ``data:`` text stays words)."""
    text = (url or "").strip()
    return text if _URL.fullmatch(text) else None


class Citation(BaseModel):
    """A citation as the JSON API returns it, wherever a record carries one."""

    name: str | None = Field(None, description="The source's name (a notice, a yearbook).")
    url: str | None = Field(None, description="Its web address, if known.")
    text: str = Field(description="The citation in words (Chinese): 来源：…（网址）/ 来源：未注明.")
    text_en: str = Field(description="The same in English: Source: … (address) / not given.")

    @property
    def provenance(self) -> Provenance:
        return Provenance(self.name, self.url)


def citation_of(obj: Any) -> Citation:
    """The JSON shape of ``obj``'s citation (a record, a :class:`Provenance` or a
    :class:`Citation`)."""
    p = as_provenance(obj)
    return Citation(name=p.name, url=p.url, text=p.describe("zh"), text_en=p.describe("en"))


def as_provenance(obj: Any) -> Provenance:
    """A :class:`Provenance` from anything that carries a citation: the value itself, its JSON
    shape (:class:`Citation` or its dict), or a record (:func:`provenance_of`)."""
    if isinstance(obj, Provenance):
        return obj
    if isinstance(obj, Citation):
        return obj.provenance
    if isinstance(obj, dict):
        if "source" in obj and "name" not in obj:
            return Provenance.from_text(obj.get("source"))
        return Provenance(obj.get("name") or None, obj.get("url") or None)
    if obj is None or isinstance(obj, str):
        return Provenance.from_text(obj)
    return provenance_of(obj)


def computed_at() -> str:
    """When a result was computed, for its provenance: naive UTC to the second, ISO 8601, on the
    city's clock like every other stamp (the real wall clock put a figure "computed" years after
    the demo's frozen day it is judged on, beside stamps on that day in the same answer)."""
    from gaodi.core import clock

    return clock.now().replace(microsecond=0).isoformat()
