"""Reporting periods: ``YYYY``, ``YYYY-Qn`` and ``YYYY-MM``.

Gaodi writes every reporting period as text in one of three forms: a year (``2023``), a
quarter (``2023-Q2``) or a month (``2023-06``). Arithmetic on periods goes through a *month
index*, ``12 * year + (month - 1)``, so that consecutive months differ by one across year
boundaries. A year or a quarter is placed at its last month when a single month is needed
(an annual value describes the state at the end of December; a quarterly one at the end of
the quarter's last month).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from gaodi.core.errors import ValidationError

Freq = Literal["Y", "Q", "M"]

_PERIOD_RE = re.compile(r"^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$")


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period. ``number`` is the quarter (1–4), the month (1–12) or 0 for a year.

    Examples
    --------
    >>> p = parse_period("2023-Q2")
    >>> p.year, p.freq, p.number, str(p)
    (2023, 'Q', 2, '2023-Q2')
    >>> format_month(p.first_month), format_month(p.last_month)
    ('2023-04', '2023-06')
    """

    year: int
    freq: Freq
    number: int = 0

    @property
    def first_month(self) -> int:
        """Month index of the period's first month."""
        if self.freq == "M":
            return month_index(self.year, self.number)
        if self.freq == "Q":
            return month_index(self.year, 3 * self.number - 2)
        return month_index(self.year, 1)

    @property
    def last_month(self) -> int:
        """Month index of the period's last month."""
        if self.freq == "M":
            return month_index(self.year, self.number)
        if self.freq == "Q":
            return month_index(self.year, 3 * self.number)
        return month_index(self.year, 12)

    @property
    def n_months(self) -> int:
        """Number of months the period spans (12, 3 or 1)."""
        return self.last_month - self.first_month + 1

    @property
    def start_date(self) -> date:
        year, month = month_of(self.first_month)
        return date(year, month, 1)

    @property
    def end_date(self) -> date:
        year, month = month_of(self.last_month)
        return date(year, month, calendar.monthrange(year, month)[1])

    def __str__(self) -> str:
        if self.freq == "M":
            return f"{self.year:04d}-{self.number:02d}"
        if self.freq == "Q":
            return f"{self.year:04d}-Q{self.number}"
        return f"{self.year:04d}"


#: The years a period may name: those of the plans' year fields (People's Republic statistics
#: begin in 1949; 2100 is past any plan's horizon).
FIRST_YEAR, LAST_YEAR = 1949, 2100


def parse_period(text: str | Period) -> Period:
    """Parse ``YYYY``, ``YYYY-Qn`` or ``YYYY-MM``.

    Raises
    ------
    ValidationError
        When the text is none of the three forms, or its year is outside 1949–2100.

    Examples
    --------
    >>> parse_period("2023")
    Period(year=2023, freq='Y', number=0)
    >>> parse_period("2023-06")
    Period(year=2023, freq='M', number=6)
    >>> try:
    ...     parse_period("0000-01")
    ... except ValidationError as refused:
    ...     print(refused.zh)
    期间“0000-01”的年份须在 1949–2100 之间。
    """
    if isinstance(text, Period):
        return text
    match = _PERIOD_RE.match(str(text).strip())
    if match is None:
        raise ValidationError(
            f"无法识别的期间“{text}”：应为 YYYY、YYYY-Qn 或 YYYY-MM。",
            f"Unrecognised period {text!r}: expected YYYY, YYYY-Qn or YYYY-MM.",
            value=text,
        )
    year = int(match.group(1))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        # year 0 once reached date() on the board (a 500); the plans' year fields use this span
        raise ValidationError(
            f"期间“{text}”的年份须在 {FIRST_YEAR}–{LAST_YEAR} 之间。",
            f"The year of period {text!r} must be between {FIRST_YEAR} and {LAST_YEAR}.",
            value=text,
        )
    if match.group(2):
        return Period(year, "Q", int(match.group(2)))
    if match.group(3):
        return Period(year, "M", int(match.group(3)))
    return Period(year, "Y", 0)


def month_index(year: int, month: int) -> int:
    """Month index ``12 * year + month - 1`` (consecutive months differ by one).

    Examples
    --------
    >>> month_index(2023, 1) - month_index(2022, 12)
    1
    """
    if not 1 <= month <= 12:
        raise ValidationError(f"月份 {month} 不在 1–12 之间。", f"Month {month} is not in 1–12.")
    return 12 * year + month - 1


def month_of(index: int) -> tuple[int, int]:
    """Inverse of :func:`month_index`: ``(year, month)``.

    Examples
    --------
    >>> month_of(month_index(2021, 12))
    (2021, 12)
    """
    return index // 12, index % 12 + 1


def format_month(index: int) -> str:
    """``YYYY-MM`` of a month index.

    Examples
    --------
    >>> format_month(12 * 2023 + 5)
    '2023-06'
    """
    year, month = month_of(index)
    return f"{year:04d}-{month:02d}"


def end_month(text: str | Period) -> int:
    """Month index of the last month of a period (a year sits at its December).

    Examples
    --------
    >>> format_month(end_month("2022")), format_month(end_month("2022-Q3"))
    ('2022-12', '2022-09')
    """
    return parse_period(text).last_month


def elapsed_months(start: str | Period, as_of: str | Period) -> int:
    """Months from the first month of ``start`` to the last month of ``as_of``, inclusive.

    Zero when ``as_of`` ends before ``start`` begins.

    Examples
    --------
    >>> elapsed_months("2021", "2022-06")   # 12 months of 2021 + 6 of 2022
    18
    >>> elapsed_months("2023", "2022-12")
    0
    """
    return max(0, parse_period(as_of).last_month - parse_period(start).first_month + 1)


def parse_day(text: str | None, option: str) -> date | None:
    """A day given as text (YYYY-MM-DD) by a command option or a query parameter; None when
    not given. ``option`` names it in the error."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            f"{option} 须为 YYYY-MM-DD 格式的日期，收到“{text}”。",
            f"{option} must be a date as YYYY-MM-DD; got '{text}'.",
            field=option.lstrip("-").replace("-", "_"),
        ) from None
