"""What every batch write path shares (``prepare_*``/``write_*`` in the features: observations,
assignments, projects, enterprises, parks, indicators and targets): ids asked of the database a
chunk at a time, which of them a scoped principal may edit, and what a row does to its stored
row (:func:`classify`, also behind the Excel import's own).

Chunks of 500 keep every ``IN (...)`` list well under SQLite's and PostgreSQL's limits on bound
parameters, so a batch costs one query per 500 rows it names, never one per row.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.core.errors import ConflictError, GaodiError, PermissionDenied
from gaodi.core.permissions import Principal, restrict
from gaodi.core.selects import AnySelect

#: Values per ``IN (...)`` list.
CHUNK = 500


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    """``values`` cut into consecutive slices of at most ``size``.

    >>> [list(c) for c in chunks([1, 2, 3, 4, 5], 2)]
    [[1, 2], [3, 4], [5]]
    """
    for start in range(0, len(values), size):
        yield values[start : start + size]


def fetch_in(session: Session, query: AnySelect, column: Any, values: Iterable[Any]) -> list:
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


@dataclass
class Classified:
    """What one row of a batch does to its stored row: ``insert`` (no stored row), ``update``
    with the columns that change (``diff``), ``same`` (nothing changes), or ``refused`` with
    the reason (``error``)."""

    kind: Literal["insert", "update", "same", "refused"]
    diff: dict[str, Any] = field(default_factory=dict)
    error: GaodiError | None = None


#: how to update a stored row, in the words of both places an import runs (the web page's
#: 导入方式 and the command's option): the same refusal reaches an office user and an analyst
UPDATE_MODE_ZH = "如需更新，请选择“更新”方式导入（导入页的“更新”，命令行 --mode upsert）。"
UPDATE_MODE_EN = (
    "to update it, import in update mode (更新 on the import page, --mode upsert on the "
    "command line)."
)


def classify(
    mode: str,
    changes: dict[str, Any],
    stored: dict[str, Any] | None,
    key_text: str,
    editable: Collection[int] | None = None,
) -> Classified:
    """Whether a row keyed ``key_text`` creates, changes or leaves its stored row (``stored``:
    its columns with ``id``; ``changes``: the columns the row sets). Refused when the batch
    only inserts (``mode == "insert"``) and the row is stored, or when the stored row is not
    among ``editable`` (None: every row is). The one rule of every import and batch write.

    >>> classify("upsert", {"name": "乙"}, {"id": 7, "name": "甲"}, "x").diff
    {'name': '乙'}
    >>> classify("upsert", {"name": "甲"}, {"id": 7, "name": "甲"}, "x").kind
    'same'
    >>> refused = classify("insert", {}, {"id": 7}, "园区 甲").error
    >>> refused.en.split(";")[0]
    'A record with this key (园区 甲) already exists'
    >>> "导入页的“更新”" in refused.zh and "--mode upsert on the command line" in refused.en
    True
    >>> classify("upsert", {"name": "乙"}, {"id": 7}, "x", editable=set()).kind
    'refused'
    """
    if stored is None:
        return Classified("insert")
    if mode == "insert":
        return Classified(
            "refused",
            error=ConflictError(
                f"数据库中已有此记录（{key_text}）；{UPDATE_MODE_ZH}",
                f"A record with this key ({key_text}) already exists; {UPDATE_MODE_EN}",
            ),
        )
    if editable is not None and stored["id"] not in editable:
        return Classified(
            "refused",
            error=PermissionDenied(
                f"无权修改此记录（{key_text}）。", f"You may not change this record ({key_text})."
            ),
        )
    diff = {k: v for k, v in changes.items() if stored.get(k) != v}
    return Classified("update", diff) if diff else Classified("same")


@dataclass
class Refusal:
    """Why row ``index`` of a batch is refused: the field it names (a column as the import's
    sheet names it; ``key`` for the row's key: stored already in insert mode, or not the
    principal's to change), the error the row raises on its own, and ``other``, the earlier row
    a duplicate repeats. Every feature's batch refuses with this one shape; each entry point
    words it for its medium (the import's row/column report, the form's field, the API's 422)."""

    index: int
    field: str
    error: GaodiError
    other: int | None = None


@dataclass
class Planned:
    """A checked batch: its rows, the refusals, the rows to insert, the changes by id and the
    counts (rows created, changed, left as they were)."""

    rows: Sequence[Any] = ()
    refusals: list[Refusal] = field(default_factory=list)
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: dict[int, dict[str, Any]] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def refuse(self, index: int, name: str, error: GaodiError, other: int | None = None) -> None:
        self.refusals.append(Refusal(index, name, error, other))
