"""What a workflow object looked like on a past day, rebuilt from its history.

Projects, challenges, appeals and plan submissions keep every transition (when, which action,
from which state, to which state). A count, status or list "as of day ``d``" is rebuilt from
that history with these rules:

* an object created after ``d`` does not exist on ``d`` (:func:`existed_at`);
* its state on ``d`` is the target of the last transition at or before the end of ``d`` in the
  city's time zone (:func:`state_at`); actions that keep the state (a comment, an attachment)
  carry no target and do not count;
* durations, overdue days and "days late" are measured to ``d``, not to the wall clock.

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
    """The day a view is judged on: the one asked for, else the city's today (one clock)."""
    if value is None:
        return clock.today()
    if isinstance(value, datetime):
        return value.date()
    return value


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
