"""One way to cut a list into pages: :class:`Page` and :func:`paginate`.

Page numbers start at 1. A number past the last page is clamped to the last page (a list that
shrank while someone paged through it shows its end, not nothing); ``0``, a negative number or
text that is not a number means page 1, as the list pages always did. An empty list has one
(empty) page. The web forms still bound ``page`` with ``Query(ge=1)`` where they did; this
module is what the services and views share below them.

Examples
--------
>>> w = window(total=101, number=9, size=25)
>>> (w.number, w.pages, w.offset)
(5, 5, 100)
>>> page_number("0"), page_number("-3"), page_number("abc"), page_number(" 2 ")
(1, 1, 1, 2)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


def page_number(value: object) -> int:
    """A requested page number: an int ≥ 1 (0, negative, missing or non-numeric: 1)."""
    try:
        number = int(str(value).strip()) if value is not None else 1
    except ValueError:
        return 1
    return max(1, number)


@dataclass(frozen=True)
class Window:
    """Where a page lies in a list of ``total`` rows: its clamped number, the page count and
    the offset of its first row."""

    number: int
    pages: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def page_count(total: int, size: int) -> int:
    """How many pages ``total`` rows fill at ``size`` a page (at least one)."""
    return max(1, -(-total // size))


def window(total: int, number: object, size: int, *, clamp: bool = True) -> Window:
    """The page ``number`` of ``total`` rows at ``size`` a page (clamped to the last page
    unless ``clamp`` is false: then a page past the end is simply empty)."""
    if size < 1:
        raise ValueError("page size must be at least 1")
    pages = page_count(total, size)
    n = page_number(number)
    return Window(min(n, pages) if clamp else n, pages, size)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its rows and where it lies (``number`` of ``pages``)."""

    items: Sequence[T]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.size)


def count(session: Session, query: Any) -> int:
    """How many rows ``query`` (a ``select``) returns."""
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def paginate(
    session: Session,
    query: Any,
    number: object,
    size: int,
    *,
    scalars: bool = True,
    clamp: bool = True,
    ordered: Any = None,
) -> Page[Any]:
    """Count ``query``, then fetch page ``number`` of it (``ordered``: the same query in the
    list's order, when ordering costs something the count does not need). ``scalars``: rows
    are the first column (an entity); otherwise whole row tuples."""
    total = count(session, query)
    w = window(total, number, size, clamp=clamp)
    paged = (query if ordered is None else ordered).limit(size).offset(w.offset)
    result = session.scalars(paged) if scalars else session.execute(paged)
    return Page(items=list(result.all()), total=total, number=w.number, size=size)
