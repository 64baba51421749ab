"""What every ORM write goes through, whichever path made it (form, JSON API, import, CLI).

Registered on SQLAlchemy's ``Session`` class when this module is imported; the composition root
(:mod:`gaodi.models`, which the database loads before a session opens) imports it, like the
audit listener, so the ground's ``gaodi.db`` needs no import of the toolkit above it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from gaodi.core.text_safety import clean_value, has_illegal


@event.listens_for(Session, "before_flush")
def _clean_text_columns(session: Session, _context: Any, _instances: Any) -> None:
    """Every text written through the ORM loses its control characters (core.text_safety).

    One place for every write path (web form, JSON API, import, CLI): a ``\\x0b`` pasted into a
    link name once made every export and report that showed it fail.
    """
    for obj in (*session.new, *session.dirty):
        state = sa_inspect(obj)
        for attr in state.mapper.column_attrs:
            value = state.dict.get(attr.key)
            if isinstance(value, str):
                if has_illegal(value):
                    setattr(obj, attr.key, clean_value(value))
            elif isinstance(value, list | dict):
                cleaned = clean_value(value)
                if cleaned != value:
                    setattr(obj, attr.key, cleaned)
