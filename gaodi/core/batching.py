"""What every batch write path shares (``prepare_*``/``write_*`` in the features: observations,
assignments, projects, enterprises, parks, indicators and targets): ids asked of the database a
chunk at a time, and which of them a scoped principal may edit.

Chunks of 500 keep every ``IN (...)`` list well under SQLite's and PostgreSQL's limits on bound
parameters, so a batch costs one query per 500 rows it names, never one per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from gaodi.core.permissions import Principal, restrict

#: Values per ``IN (...)`` list.
CHUNK = 500


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    """``values`` cut into consecutive slices of at most ``size``.

    >>> [list(c) for c in chunks([1, 2, 3, 4, 5], 2)]
    [[1, 2], [3, 4], [5]]
    """
    for start in range(0, len(values), size):
        yield values[start : start + size]


def fetch_in(session: Session, query: Select[Any], column: Any, values: Iterable[Any]) -> list:
    """The rows of ``query`` whose ``column`` is one of ``values`` (None and repeats dropped),
    one query per :data:`CHUNK` values."""
    wanted = sorted({v for v in values if v is not None}, key=str)
    out: list[Any] = []
    for chunk in chunks(wanted):
        out.extend(session.execute(query.where(column.in_(list(chunk)))).all())
    return out


def editable_ids(
    session: Session, principal: Principal, model: Any, ids: Iterable[int]
) -> set[int]:
    """Which of ``ids`` (rows of ``model``) ``principal`` may edit: every one of them for an
    unscoped role (no query), else one query per :data:`CHUNK` ids."""
    ids = set(ids)
    if not principal.is_scoped or not ids:
        return ids
    query = restrict(select(model.id), principal, "edit")
    return {r[0] for r in fetch_in(session, query, model.id, ids)}
