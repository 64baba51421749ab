"""The report's language: every string a report prints is written in both languages at the
place it is used (``tr("截至", "As of")``), so no string can miss its translation; dates and
months in the manner of each language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gaodi.core.errors import ValidationError

LANGS = ("zh", "en")
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValidationError(
            f"报告语言须为 zh 或 en，收到“{lang}”。",
            f"The report language must be zh or en; got '{lang}'.",
            field="lang",
        )
    return lang


class Stage(str):
    """A progress step's label in the report's language that also carries both wordings, so a
    job queued from a page in the other language shows its progress in the page's language.

    >>> s = Lang("en").stage("排版", "Laying out")
    >>> str(s), s.zh, s.en
    ('Laying out', '排版', 'Laying out')
    """

    zh: str
    en: str

    def __new__(cls, text: str, zh: str, en: str) -> Stage:
        obj = super().__new__(cls, text)
        obj.zh, obj.en = zh, en
        return obj


@dataclass(frozen=True)
class Lang:
    """``tr = Lang("en"); tr("截至", "As of") == "As of"``.

    Examples
    --------
    >>> tr = Lang("zh")
    >>> tr("截至", "As of"), tr.month("2023-06"), tr.date(dt.date(2023, 6, 30))
    ('截至', '2023年6月', '2023年6月30日')
    >>> en = Lang("en")
    >>> en.month("2023-06"), en.date(dt.date(2023, 6, 30)), en.count(3, "个", "target")
    ('June 2023', '30 June 2023', '3 targets')
    """

    code: str

    def __call__(self, zh: str, en: str) -> str:
        return zh if self.code == "zh" else en

    def stage(self, zh: str, en: str) -> Stage:
        """A progress label: ``self(zh, en)`` that also keeps both wordings (:class:`Stage`)."""
        return Stage(self(zh, en), zh, en)

    @property
    def zh(self) -> bool:
        return self.code == "zh"

    def month(self, period: str) -> str:
        year, month = int(period[:4]), int(period[5:7])
        return f"{year}年{month}月" if self.zh else f"{MONTHS_EN[month - 1]} {year}"

    def date(self, day: dt.date) -> str:
        if self.zh:
            return f"{day.year}年{day.month}月{day.day}日"
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"

    def count(self, n: int, measure_zh: str, noun_en: str) -> str:
        """``3个`` / ``3 targets`` (an English plural by adding s)."""
        if self.zh:
            return f"{n}{measure_zh}"
        return f"{n} {noun_en}{'' if n == 1 else 's'}"

    def join(self, items: list[str]) -> str:
        return ("、" if self.zh else ", ").join(items)
