"""The integers both databases hold, as types for ids and numbers that reach a query.

PostgreSQL's INTEGER is 32 bits (SQLite's 64): an id or a filter beyond it failed inside the
PostgreSQL driver ("number too large", or a 500 before that was caught) where SQLite answered
"not found" or an empty list. Every integer a request carries into SQL is bounded with these,
so both databases give the same answer: a 422 naming the field and its range.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1

#: A row's id in a request body or a filter: positive and within an INTEGER column.
RowId = Annotated[int, Field(ge=1, le=INT32_MAX)]
#: Any other integer stored in or compared with an INTEGER column.
DbInt = Annotated[int, Field(ge=INT32_MIN, le=INT32_MAX)]


def row_id_text(text: str) -> int | None:
    """``text`` as a row id when it is one (digits within an INTEGER column), else None: a
    reference by id, code or name reads a longer run of digits as a code or a name, never as an
    id the database cannot hold."""
    text = text.strip()
    if not text.isdigit() or not text.isascii():
        return None
    value = int(text)
    return value if 1 <= value <= INT32_MAX else None
