"""One clock for the whole city: every deadline, overdue flag, default as-of date and workflow
timestamp asks it for the time.

The city's *today* is, in this order:

1. the setting ``GAODI_TODAY`` (a date: a city that lives on a fixed day, e.g. for training);
2. the dataset's own day when the database holds the demo city: its record's ``today``
   (2024-01-15: December 2023's figures are in; its workflows were simulated to 2023-12-31), or
   for an older record the last day of its ``as_of`` month;
3. the real date in the city's time zone (``GAODI_TIMEZONE``, default Asia/Shanghai, UTC+8
   without daylight saving).

:func:`now` (naive UTC, like :func:`gaodi.db.utcnow`) follows the same day: on a city with a
configured day every stamp falls on that day, so what a user does today is stamped on the
city's today and shows in views as of that day. Real time still passes while the day does not,
so the time of day cannot simply be the wall clock's: at the city's midnight it would jump back
from 23:59 to 00:00 and a step taken after it would be stamped before the steps taken earlier
(a confirmation before the resolution it confirms; histories rebuilt from stamps go wrong). On a
configured day the time of day therefore starts at the dataset's clock anchor (the demo: the
moment it was built, shown as the time its seeded steps end) and moves with real time, 1:1 at
first and ever slower, towards the day's end, which it never reaches: stamps never go backwards,
across restarts too (:func:`on_configured_day`). Tests freeze it with :func:`frozen`, which
overrides everything::

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

import calendar
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: China Standard Time has no daylight saving: Asia/Shanghai is always this offset.
CST_OFFSET = timedelta(hours=8)
DEFAULT_TIMEZONE = "Asia/Shanghai"
#: Seconds the dataset's date is remembered (a rebuilt demo is seen this soon).
DATASET_TTL_SECONDS = 5.0

_source: Callable[[], datetime] | None = None
_dataset_cache: dict[str, tuple[float, date | None, Anchor | None]] = {}
_lock = threading.Lock()


def _system_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# ---------------------------------------------------------------------------- time zone


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        from gaodi.core.errors import ValidationError

        raise ValidationError(
            f"时区“{name}”无效（GAODI_TIMEZONE），应为 IANA 时区名，如 Asia/Shanghai。",
            f"Unknown time zone '{name}' (GAODI_TIMEZONE); use an IANA name such as Asia/Shanghai.",
        ) from None


def timezone() -> ZoneInfo:
    """The city's time zone (``GAODI_TIMEZONE``, default Asia/Shanghai)."""
    from gaodi.config import get_settings

    return _zone(getattr(get_settings(), "timezone", None) or DEFAULT_TIMEZONE)


def zone_label(zh: bool = True) -> str:
    """The city's time zone as a report names it: 北京时间 / Beijing time for Asia/Shanghai
    (the default), else its IANA name, so a stamp never claims a zone the city is not in."""
    name = timezone().key
    if name == DEFAULT_TIMEZONE:
        return "北京时间" if zh else "Beijing time"
    return name


def local(at: datetime) -> datetime:
    """A naive UTC time as the city's wall-clock time (naive)."""
    return at.replace(tzinfo=UTC).astimezone(timezone()).replace(tzinfo=None)


def local_date(at: datetime) -> date:
    """The city's calendar date of a naive UTC time."""
    return local(at).date()


def utc(wall: datetime) -> datetime:
    """The city's wall-clock time ``wall`` (naive) as naive UTC."""
    return wall.replace(tzinfo=timezone()).astimezone(UTC).replace(tzinfo=None)


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` in the city, naive UTC: what happened at or before it
    happened "on or before ``day``"."""
    return utc(datetime(day.year, day.month, day.day) + timedelta(days=1)) - timedelta(
        microseconds=1
    )


# ---------------------------------------------------------------------------- the city's day


_served_url: ContextVar[str | None] = ContextVar("gaodi_served_database", default=None)


def dataset_day(info: Mapping[str, Any] | None) -> date | None:
    """The date a dataset record lives on: the demo's ``today``, else its ``as_of``
    (``YYYY-MM`` means that month's last day, ``YYYY-MM-DD`` that day); None for a real city's
    data.

    >>> dataset_day({"demo": True, "as_of": "2023-12"}), dataset_day({"as_of": "2023-12"})
    (datetime.date(2023, 12, 31), None)
    """
    if not info or not info.get("demo"):
        return None
    text = str(info.get("today") or info.get("as_of") or "")
    try:
        if len(text) == 7 and text[4] == "-":
            year, month = int(text[:4]), int(text[5:])
            return date(year, month, calendar.monthrange(year, month)[1])
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Anchor:
    """Where a configured day's time of day starts: the real moment ``real`` (naive UTC) is
    stamped at ``start`` (the city's wall-clock time) on the configured day."""

    real: datetime
    start: day_time


def dataset_anchor(info: Mapping[str, Any] | None) -> Anchor | None:
    """The clock anchor of a dataset record (``clock_anchor``: the real moment it was built,
    naive UTC ISO; ``clock_start``: the time of day that moment is stamped at); None when the
    record has none (built before anchors, or a real city).

    >>> dataset_anchor({"clock_anchor": "2026-12-06T16:00:00", "clock_start": "17:00:00"})
    Anchor(real=datetime.datetime(2026, 12, 6, 16, 0), start=datetime.time(17, 0))
    >>> dataset_anchor({"clock_anchor": "garbage"}) is None, dataset_anchor(None) is None
    (True, True)
    """
    if not info or not info.get("clock_anchor"):
        return None
    try:
        real = datetime.fromisoformat(str(info["clock_anchor"]))
        start = day_time.fromisoformat(str(info.get("clock_start") or "00:00:00"))
    except ValueError:
        return None
    if real.tzinfo is not None:
        real = real.astimezone(UTC).replace(tzinfo=None)
    return Anchor(real, start)


def on_configured_day(day: date, real: datetime, anchor: Anchor | None = None) -> datetime:
    """The stamp (naive UTC) of the real moment ``real`` on a city that lives on ``day``.

    From the anchor's start (the day's midnight without an anchor) to the day's end there are
    ``room`` seconds; ``x`` real seconds after the anchor are stamped ``room * x / (x + room)``
    seconds after the start: 1:1 at first (the slope at 0 is 1), ever slower, never reaching
    the end. Monotonic in ``real``, so a later step is never stamped before an earlier one; a
    moment before the anchor is stamped at the start.

    >>> from datetime import date, datetime
    >>> day = date(2024, 1, 15)  # midnight in the city (UTC+8) is 2024-01-14 16:00 UTC
    >>> at = Anchor(datetime(2026, 12, 6, 9, 0), day_time(17, 0))  # built at 17:00 real
    >>> [local(on_configured_day(day, datetime(2026, 12, 6, h, 0), at)).strftime("%H:%M")
    ...  for h in (8, 9, 10, 15, 16, 17)]  # 7 h of room: 1 h after is 3,150 s, 7 h after 3.5 h
    ['17:00', '17:00', '17:52', '20:13', '20:30', '20:44']
    """
    start = utc(datetime.combine(day, anchor.start if anchor else day_time(0)))
    end = end_of_day(day)
    origin = anchor.real if anchor else start
    room = (end - start).total_seconds()
    x = (real - origin).total_seconds()
    if x <= 0 or room <= 0:
        return start
    return min(start + timedelta(seconds=room * x / (x + room)), end)


@lru_cache(maxsize=8)
def _reader(url: str) -> Any:
    """An engine that keeps no connection open between reads: the clock looks at the database
    now and then (every stamp of a row asks it), and a pooled connection kept the file open, so
    ``gaodi db restore`` in the same process refused the database as in use by itself."""
    from gaodi.db import make_engine

    return make_engine(url, pooled=False)


def _read_dataset(url: str) -> tuple[date | None, Anchor | None]:
    """The configured database's dataset day and clock anchor (None when there is no database
    or record)."""
    from sqlalchemy.exc import SQLAlchemyError

    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if not path or path == ":memory:" or not Path(path).is_file():
            return None, None  # never create a database just to ask it the date
    from gaodi.core import dataset as dataset_record

    engine = _reader(url)  # loads every model: the system feature registers its reader
    if not dataset_record.registered():
        return None, None
    try:
        with engine.connect() as conn:
            info = dataset_record.record(conn)
    except SQLAlchemyError:
        return None, None
    return dataset_day(info), dataset_anchor(info)


@contextmanager
def serving(url: str) -> Iterator[None]:
    """Inside the block, the dataset day comes from the database at ``url``: a web app built on a
    given engine wraps each request in it, so the page's as-of day and the stamps of the steps it
    writes come from the same record (a context variable: no other request or test sees it)."""
    token = _served_url.set(url)
    try:
        yield
    finally:
        _served_url.reset(token)


def configured_dataset_day() -> date | None:
    """:func:`dataset_day` of the served (else the configured) database, remembered for a few
    seconds."""
    return _configured_dataset()[0]


def _configured_dataset() -> tuple[date | None, Anchor | None]:
    """The served (else configured) database's dataset day and clock anchor, remembered for a
    few seconds."""
    from gaodi.config import get_settings

    url = _served_url.get() or get_settings().effective_database_url
    moment = time.monotonic()
    with _lock:
        cached = _dataset_cache.get(url)
    if cached is not None and moment - cached[0] < DATASET_TTL_SECONDS:
        return cached[1], cached[2]
    day, anchor = _read_dataset(url)
    with _lock:
        _dataset_cache[url] = (moment, day, anchor)
    return day, anchor


def forget_dataset() -> None:
    """Drop the remembered dataset days (after a demo build writes a new record)."""
    with _lock:
        _dataset_cache.clear()


def configured_day(dataset: Mapping[str, Any] | None = None) -> date | None:
    """The city's configured day: ``GAODI_TODAY``, else the dataset's own day (``dataset`` when
    the caller has the record at hand, else the configured database's); None for a city that
    follows the calendar."""
    from gaodi.config import get_settings

    setting = getattr(get_settings(), "today", None)
    if setting is not None:
        return setting
    if dataset is not None:
        return dataset_day(dataset)
    return configured_dataset_day()


# ---------------------------------------------------------------------------- the clock


def now(dataset: Mapping[str, Any] | None = None) -> datetime:
    """The current time, naive UTC (frozen in tests; on the configured day when there is one,
    never going backwards: :func:`on_configured_day`), reading ``dataset`` (a record the caller
    already has, e.g. from its own connection) instead of the configured database."""
    if _source is not None:
        return _source()
    real = _system_now()
    from gaodi.config import get_settings

    if dataset is not None:
        day, anchor = dataset_day(dataset), dataset_anchor(dataset)
    else:
        day, anchor = _configured_dataset()
    setting = getattr(get_settings(), "today", None)
    if setting is not None:
        # GAODI_TODAY moves the day; the database's anchor (when it has one) still says where
        # its time of day starts, so steps follow the seeded ones as on the dataset's own day
        return on_configured_day(setting, real, anchor)
    if day is None:
        return real
    return on_configured_day(day, real, anchor)


def real_now() -> datetime:
    """Real time, naive UTC, for security timers (a token's expiry): frozen in tests like
    :func:`now`, but never moved onto the configured day, so on a city that lives on a fixed day
    (the demo's) real time still passes and a token made for 30 days expires in 30 days."""
    return _source() if _source is not None else _system_now()


def today() -> date:
    """The city's today: the frozen or configured day, else the date in the city's time zone."""
    if _source is not None:
        return local_date(_source())
    day = configured_day()
    return day if day is not None else local_date(_system_now())


def city_today(dataset: Mapping[str, Any] | None = None) -> tuple[date, bool]:
    """(today, whether it is a configured day rather than the calendar's), reading the dataset
    record the caller already has (a web request's) instead of the configured database."""
    if _source is not None:
        return local_date(_source()), False
    day = configured_day(dataset) if dataset is not None else configured_day()
    if day is not None:
        return day, True
    return local_date(_system_now()), False


def set_source(source: Callable[[], datetime] | None) -> None:
    """Replace the clock (``None`` restores the city's clock)."""
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
