"""An injectable clock: every deadline, overdue flag and escalation asks it for the time.

Production code calls :func:`now` (naive UTC, like :func:`gaodi.db.utcnow`) and :func:`today`
(the calendar date in China Standard Time, UTC+8, where the city's offices work); tests freeze
it with :func:`frozen`::

    with clock.frozen(datetime(2023, 6, 30, 9, 0)):
        ...  # clock.now() == datetime(2023, 6, 30, 9, 0)

Examples
--------
>>> from datetime import datetime
>>> with frozen(datetime(2023, 6, 30, 20, 0)):
...     now(), today()
(datetime.datetime(2023, 6, 30, 20, 0), datetime.date(2023, 7, 1))
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

#: China Standard Time has no daylight saving: a fixed offset is exact.
CST_OFFSET = timedelta(hours=8)

_source: Callable[[], datetime] | None = None


def _system_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def now() -> datetime:
    """The current time, naive UTC (frozen in tests)."""
    return (_source or _system_now)()


def today() -> date:
    """Today's date in China Standard Time (UTC+8)."""
    return (now() + CST_OFFSET).date()


def set_source(source: Callable[[], datetime] | None) -> None:
    """Replace the clock (``None`` restores the system clock)."""
    global _source
    _source = source


@contextmanager
def frozen(at: datetime | date) -> Iterator[None]:
    """Freeze :func:`now` at ``at`` (a date means 00:00 UTC of that day) inside the block."""
    moment = at if isinstance(at, datetime) else datetime(at.year, at.month, at.day)
    previous = _source
    set_source(lambda: moment)
    try:
        yield
    finally:
        set_source(previous)
