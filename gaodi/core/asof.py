"""What a workflow object looked like on a past day, rebuilt from its history.

Projects, challenges, appeals and plan submissions keep every transition (when, which action,
from which state, to which state). A count, status or list "as of day ``d``" is rebuilt from
that history with these rules:

* an object created after ``d`` does not exist on ``d`` (:func:`existed_at`);
* its state on ``d`` is the target of the last transition at or before the end of ``d`` in the
  city's time zone (:func:`state_at`); actions that keep the state (a comment, an attachment)
  carry no target and do not count;
* durations, overdue days and "days late" are measured to ``d``, not to the wall clock;
* a ``d`` a user asks for lies between :data:`FIRST_DAY` and the city's today
  (:func:`requested` refuses any other day in words): nothing is known of a day that has not
  come yet, and a delay measured to it would be invented.

A moment is a naive UTC ``datetime`` (a timestamp, compared with the end of ``d`` in the city)
or a ``date`` (a business date an official recorded, such as the day a project started,
compared with ``d`` itself).

Examples
--------
>>> from datetime import date, datetime
>>> steps = [Step(datetime(2023, 3, 1, 2), "received"), Step(datetime(2023, 6, 30, 15), "done")]
>>> state_at(steps, date(2023, 2, 28)), state_at(steps, date(2023, 6, 29))
(None, 'received')
>>> state_at(steps, date(2023, 6, 30))  # 23:00 on 30 June in the city (UTC+8)
'done'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, TypeVar

from gaodi.core import clock
from gaodi.core.errors import ValidationError
from gaodi.core.periods import FIRST_YEAR

#: The earliest day a view can be judged on: the first year a period may name
#: (:data:`gaodi.core.periods.FIRST_YEAR`), so every as-of day and period agree on one range.
FIRST_DAY = date(FIRST_YEAR, 1, 1)

Moment = datetime | date


class Transitioned(Protocol):
    """What :func:`state_at` reads of an event row (``ProjectEvent``, ``EventRow`` …)."""

    @property
    def at(self) -> Moment: ...

    @property
    def to_status(self) -> str | None: ...


@dataclass(frozen=True)
class Step:
    """One transition as :func:`state_at` needs it (for histories kept as dates)."""

    at: Moment
    to_status: str | None
    action: str = ""


E = TypeVar("E", bound=Transitioned)


def as_of_day(value: date | datetime | None) -> date:
    """The day a view is judged on: the one given, else the city's today (one clock). A day a
    user asked for comes through :func:`requested` first."""
    if value is None:
        return clock.today()
    if isinstance(value, datetime):
        return value.date()
    return value


def requested(value: date | None, today: date | None = None, field: str = "as_of") -> date:
    """The day a page, its JSON twin or a command is judged on: the one the user asked for,
    else ``today`` (default: the clock's).

    A day asked for must lie between :data:`FIRST_DAY` and today; any other is refused with the
    allowed range, naming the parameter ``field``. Every as-of parameter comes through here, so
    no page judges a future that has not happened (or fails on a day no calendar arithmetic can
    reach).

    >>> requested(date(2023, 6, 30), today=date(2024, 1, 15))
    datetime.date(2023, 6, 30)
    >>> try:
    ...     requested(date(2030, 1, 1), today=date(2024, 1, 15))
    ... except ValidationError as e:
    ...     print(e.en)  # doctest: +NORMALIZE_WHITESPACE
    The as-of date 2030-01-01 is after today (2024-01-15): nothing is known about the future
    yet. It must be between 1949-01-01 and 2024-01-15.
    """
    today = today if today is not None else clock.today()
    if value is None:
        return today
    check_day(value, today, field)
    return value


def check_day(day: date, today: date | None = None, field: str = "as_of") -> None:
    """Refuse an as-of ``day`` before :data:`FIRST_DAY` or after ``today`` (default: the
    clock's), in words that give the allowed range."""
    today = today if today is not None else clock.today()
    first, last = FIRST_DAY.isoformat(), today.isoformat()
    span_zh = f"截至日期须在 {first} 至 {last} 之间。"
    span_en = f"It must be between {first} and {last}."
    if day > today:
        raise ValidationError(
            f"截至日期 {day.isoformat()} 晚于今天（{last}）：未来尚不知道任何数据。{span_zh}",
            f"The as-of date {day.isoformat()} is after today ({last}): nothing is known about "
            f"the future yet. {span_en}",
            field=field,
        )
    if day < FIRST_DAY:
        raise ValidationError(
            f"截至日期 {day.isoformat()} 早于 {first}。{span_zh}",
            f"The as-of date {day.isoformat()} is before {first}. {span_en}",
            field=field,
        )


def at_or_before(moment: Moment | None, day: date) -> bool:
    """Did ``moment`` happen on or before ``day`` (by the end of it, in the city)?"""
    if moment is None:
        return False
    if isinstance(moment, datetime):
        return moment <= clock.end_of_day(day)
    return moment <= day


def existed_at(created_at: Moment | None, day: date) -> bool:
    """Did an object created at ``created_at`` exist on ``day``? (No creation time: always.)"""
    return created_at is None or at_or_before(created_at, day)


def _key(moment: Moment) -> datetime:
    if isinstance(moment, datetime):
        return moment
    return clock.end_of_day(moment)


def history_at(history: Iterable[E], day: date) -> list[E]:
    """The events at or before the end of ``day``, oldest first (ties keep their order)."""
    return sorted((e for e in history if at_or_before(e.at, day)), key=lambda e: _key(e.at))


def last_at(history: Iterable[E], day: date, where: Callable[[E], bool] | None = None) -> E | None:
    """The last event at or before ``day`` (that ``where`` accepts), or None."""
    found = [e for e in history_at(history, day) if where is None or where(e)]
    return found[-1] if found else None


def state_at(history: Iterable[Transitioned], day: date, initial: str | None = None) -> str | None:
    """The state on ``day``: the target of the last transition at or before its end; ``initial``
    when none had happened yet (None: the object did not exist)."""
    last = last_at(history, day, lambda e: e.to_status is not None)
    return last.to_status if last is not None else initial
