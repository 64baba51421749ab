"""Pagination: hand-counted windows and a real query cut into pages."""

from __future__ import annotations

import pytest
from sqlalchemy import Integer, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from gaodi.core.pagination import Page, page_number, paginate, window


class Base(DeclarativeBase):
    pass


class Row(Base):
    __tablename__ = "row"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, 1), (0, 1), (-4, 1), ("0", 1), ("x", 1), ("", 1), ("3", 3), (7, 7)],
)
def test_page_number(raw: object, expected: int) -> None:
    assert page_number(raw) == expected


def test_window_clamps_and_counts() -> None:
    # 101 rows at 25 a page: 4 full pages and 1 row on page 5.
    assert (window(101, 1, 25).pages, window(101, 1, 25).offset) == (5, 0)
    assert (window(101, 5, 25).number, window(101, 5, 25).offset) == (5, 100)
    assert window(101, 99, 25).number == 5
    assert window(101, 99, 25, clamp=False).offset == 98 * 25
    assert window(0, 3, 25).number == 1 and window(0, 3, 25).pages == 1
    assert window(100, 1, 25).pages == 4
    with pytest.raises(ValueError):
        window(10, 1, 0)


def test_paginate_a_query() -> None:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all(Row(id=i) for i in range(1, 24))  # 23 rows
        s.flush()
        q = select(Row).order_by(Row.id)
        last = paginate(s, q, 3, 10)
        assert [r.id for r in last.items] == [21, 22, 23]
        assert (last.total, last.number, last.size, last.pages) == (23, 3, 10, 3)
        assert paginate(s, q, 9, 10).number == 3  # clamped to the last page
        assert paginate(s, q, "-1", 10).number == 1
        assert paginate(s, q, 9, 10, clamp=False).items == []
        rows = paginate(s, select(Row.id).order_by(Row.id), 2, 10, scalars=False)
        assert [tuple(r) for r in rows.items][:2] == [(11,), (12,)]
        assert Page(items=[], total=0, number=1, size=10).pages == 1
