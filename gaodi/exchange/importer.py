"""The import engine: validate every row, then write every row in one transaction.

An import runs in three stages, all inside one database transaction:

1. **Read and convert** (:mod:`~gaodi.exchange.validate`): sheets, headers, cell types, required
   cells, code lists. Problems with the headers stop here.
2. **Check against the database** (an entity handler's ``check``): duplicates inside the file
   and, in insert mode, against the database; references to parks, chains, links, indicators,
   plans; permissions on the rows to change. Each row is classified as created, updated or
   unchanged.
3. **Write** (the handler's ``write``) only when no error was found: new rows with SQLAlchemy
   Core ``executemany`` (fast), changed rows through the ORM so that each update is audited
   with its before/after values, and one ``import`` audit event with the file's name, SHA-256,
   the counts and the actor.

Any error raises :class:`ImportRejected` with every bad cell; the transaction is rolled back, so
nothing is written. Another import (or user) may write the same rows between stages 2 and 3;
the database's unique keys then refuse the write, and :func:`write_conflict` turns that into a
:class:`ConflictError` asking to try again (still nothing written).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from gaodi.core import batching, clock
from gaodi.core.errors import CellError, ConflictError
from gaodi.core.permissions import Principal, restrict
from gaodi.core.selects import AnySelect
from gaodi.exchange.schema import Column, SheetSpec
from gaodi.exchange.validate import Table

Mode = Literal["insert", "upsert"]
CHUNK = 500
WRITE_CHUNK = 5000

#: SQLSTATEs of a write that lost a race: unique and foreign-key violations, serialization
#: failure, deadlock (PostgreSQL aborts one of the two transactions).
_RACE_STATES = {"23505", "23503", "40001", "40P01"}
#: SQLite has no SQLSTATE; these are its words for the same races (a snapshot made stale by
#: another writer, or the write lock held past the busy timeout, reads "database is locked").
_RACE_WORDS = ("UNIQUE constraint failed", "FOREIGN KEY constraint failed", "database is locked")


def write_conflict(exc: DBAPIError) -> ConflictError | None:
    """The clear error for a write that another transaction got to first, else ``None``.

    The rows were checked before the write, so a key the database refuses now was written by
    someone else in between; a NOT NULL or CHECK failure is a bug, not a race, and stays one.
    """
    if not isinstance(exc, (IntegrityError, OperationalError)):
        return None
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state not in _RACE_STATES and not any(w in str(orig) for w in _RACE_WORDS):
        return None
    return ConflictError(
        "数据已被另一次导入（或其他用户）同时修改，本次导入未写入任何数据，请稍后重试。",
        "The data was changed by another import (or another user) at the same time; nothing "
        "of this import was written. Please try again.",
    )


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    entity: str
    file: str
    sha256: str
    mode: str
    dry_run: bool
    actor: str
    encoding: str | None = None
    sheets: dict[str, Counts] = field(default_factory=dict)
    #: what the import did to values beside the counts (zh, en): a target converted to its
    #: indicator's unit …
    notes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(c.created for c in self.sheets.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.sheets.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.sheets.values())

    @property
    def rows(self) -> int:
        return sum(c.rows for c in self.sheets.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "file": self.file,
            "sha256": self.sha256,
            "mode": self.mode,
            "dry_run": self.dry_run,
            "actor": self.actor,
            "encoding": self.encoding,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "sheets": {k: vars(c) for k, c in self.sheets.items()},
            # the audit event keeps what the import did to values, as the report says it
            "notes": [zh for zh, _ in self.notes],
        }


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass
class Context:
    """What a handler needs: the session, who is importing, how, and where errors go."""

    session: Session
    principal: Principal
    mode: Mode
    errors: list[CellError] = field(default_factory=list)
    # the city's clock: an imported value or membership is dated on the city's today, as the
    # forms date theirs, so the board's known-on views and the chain history see it that day
    now: datetime = field(default_factory=clock.now)
    file_name: str = ""
    #: what the handler changed in a value on its way in (zh, en), told to the importer
    notes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def actor(self) -> str:
        return self.principal.username

    @property
    def conn(self) -> Connection:
        return self.session.connection()

    def fail(self, table: Table, i: int, key: str, zh: str, en: str, value: Any = None) -> None:
        """Record a bad cell and mark its row as bad (it will not be classified)."""
        self.errors.append(table.error(i, key, zh, en, value))
        table.bad.add(i)

    def fetch_in(self, query: AnySelect, column: Any, values: Iterable[Any]) -> list[Any]:
        """Rows of ``query`` whose ``column`` is in ``values`` (in chunks of 500)."""
        wanted = sorted({v for v in values if v is not None}, key=str)
        out: list[Any] = []
        for chunk in chunks(wanted):
            out.extend(self.session.execute(query.where(column.in_(chunk))).all())
        return out

    def editable(self, model: Any, ids: Iterable[int]) -> set[int]:
        """Which of ``ids`` the principal may edit (all of them unless the role is scoped)."""
        ids = set(ids)
        if not self.principal.is_scoped or not ids:
            return ids
        query = restrict(select(model), self.principal, "edit").with_only_columns(model.id)
        return {row[0] for row in self.fetch_in(query, model.id, ids)}


def db_value(col: Column, value: Any) -> Any:
    """A converted cell value as stored: blanks of lists become [], of flags their default."""
    if value is None:
        if col.type in ("list", "industries"):
            return []
        return col.default
    if col.type == "bool":
        return bool(value)
    return value


@dataclass
class Changes:
    """Rows to insert and to update in one table, and the counts of one sheet (the plan a
    feature's batch write carries out)."""

    model: type
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: dict[int, dict[str, Any]] = field(default_factory=dict)
    counts: Counts = field(default_factory=Counts)


def classify(
    ctx: Context,
    table: Table,
    i: int,
    changes: Changes,
    insert_values: dict[str, Any],
    update_values: dict[str, Any],
    existing: dict[str, Any] | None,
    key_text: str,
    editable: set[int] | None = None,
) -> None:
    """Decide whether row ``i`` creates, updates or leaves a row; errors in insert mode
    (:func:`gaodi.core.batching.classify`, the rule the features' batch writes use)."""
    found = batching.classify(ctx.mode, update_values, existing, key_text, editable)
    if found.kind == "insert":
        changes.inserts.append(insert_values)
        changes.counts.created += 1
    elif found.kind == "refused":
        assert found.error is not None
        ctx.fail(table, i, table.spec.natural_key[0], found.error.zh, found.error.en)
    elif found.kind == "update":
        assert existing is not None
        changes.updates[existing["id"]] = found.diff
        changes.counts.updated += 1
    else:
        changes.counts.unchanged += 1


def _db_columns(table: Table, fields: dict[str, str]) -> list[tuple[str, list[Any], bool]]:
    """(database column, stored values, present in the file) per field; computed once."""
    cache: dict[int, list[tuple[str, list[Any], bool]]] = table.__dict__.setdefault("_db", {})
    cols = cache.get(id(fields))
    if cols is None:
        spec: SheetSpec = table.spec
        cols = []
        for key, db_col in fields.items():
            col = spec.column(key)
            values = table.col(key)
            if col.type in ("list", "industries", "bool") or col.default is not None:
                values = [db_value(col, v) for v in values]
            cols.append((db_col, values, table.has(key)))
        cache[id(fields)] = cols
    return cols


def row_values(
    table: Table,
    i: int,
    fields: dict[str, str],
    resolved: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(values for an insert, values for an update) of row ``i``.

    ``fields`` maps sheet column keys to database columns for columns copied as they are;
    ``resolved`` adds database values computed by the handler (ids of referenced rows), keyed
    by the sheet column they come from. Update values hold only the columns present in the file.
    """
    cols = _db_columns(table, fields)
    insert_values = {db_col: values[i] for db_col, values, _ in cols}
    update_values = {db_col: values[i] for db_col, values, present in cols if present}
    for key, (db_col, value) in (resolved or {}).items():
        insert_values[db_col] = value
        if table.has(key):
            update_values[db_col] = value
    return insert_values, update_values


def lookup_map(
    ctx: Context, query: AnySelect, key: Callable[[Any], Any] = lambda r: r[0]
) -> dict[Any, Any]:
    return {key(r): r for r in ctx.session.execute(query).all()}
