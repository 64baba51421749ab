"""Query rows as Polars frames: the one way the features' loaders turn a ``select`` into a frame.

It lives below the features so that each feature's loaders build their frames the same way
without importing another feature's loaders (issue [15]: features read each other through
their loaders, and a loader that needs a helper from another feature's loaders would bring that
feature back into the import).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import polars as pl
from sqlalchemy import String, cast
from sqlalchemy.orm import Session

from gaodi.core.selects import AnySelect


def frame(session: Session, query: AnySelect, schema: dict[str, Any]) -> pl.DataFrame:
    """The query's rows as a DataFrame with ``schema`` (column names in select order).

    Runs on the session's connection (Core rows, no ORM row processing). JSON list columns are
    best selected with :func:`json_text` and given a ``pl.List`` dtype here: they are then
    decoded in one vectorised pass instead of one ``json.loads`` per row.
    """
    lists = {k: v for k, v in schema.items() if isinstance(v, pl.List)}
    raw_schema = {k: (pl.String if k in lists else v) for k, v in schema.items()}
    rows = session.connection().execute(query).all()
    # the Row objects as they come: polars reads them as sequences (a tuple of each first
    # cost 10 % of a 135,000-row read)
    df = pl.DataFrame(rows, schema=raw_schema, orient="row")
    if lists:
        df = df.with_columns(pl.col(k).str.json_decode(v) for k, v in lists.items())
    return df


def json_text(column: Any) -> Any:
    """A JSON column selected as its text (decoded by :func:`frame`)."""
    return cast(column, String)


def json_lists(texts: Iterable[str | None]) -> list[list[Any] | None]:
    """JSON texts (a column selected with :func:`json_text`) decoded, one ``json.loads`` per
    distinct text: a tag column holds few distinct lists (on the medium demo 30,000 enterprises
    have a few dozen), so reading it this way skips almost every decode. Each row gets its own
    list (a caller may change one row's without touching the others'); SQL NULL and JSON
    ``null`` are None, as the JSON column gives them."""
    seen: dict[str, Any] = {}
    out: list[list[Any] | None] = []
    for text in texts:
        if text is None:
            out.append(None)
            continue
        value = seen.get(text, _MISSING)
        if value is _MISSING:
            value = seen[text] = json.loads(text)
        out.append(list(value) if isinstance(value, list) else value)
    return out


_MISSING = object()
