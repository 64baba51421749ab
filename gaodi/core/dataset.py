"""The dataset record: what the data in a database is (its city, demo or not, as-of, seed).

One reader for every layer (DESIGN.md, "one toolkit in core": the dataset record). The record is
a row of the system feature's table; the ground may not import a feature, so the system feature
registers how to read it (:func:`register_reader`, from ``gaodi.system.models``, which the
database loads before a session opens — see :func:`gaodi.db.load_models`).

>>> from types import SimpleNamespace
>>> registered_before = _reader
>>> register_reader(lambda bind: bind.stored)
>>> record(SimpleNamespace(stored={"city": "430100", "demo": True}))
{'city': '430100', 'demo': True}
>>> record(SimpleNamespace(stored=None)), city(SimpleNamespace(stored={"demo": True}))
({}, None)
>>> register_reader(registered_before)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: ``reader(bind)`` -> the record as stored; ``bind`` is a Session or a Connection (both
#: ``execute``; a Session flushes first, so a record written in the same transaction is seen).
_reader: Callable[[Any], Any] | None = None


def register_reader(reader: Callable[[Any], Any] | None) -> None:
    """Called once by the feature that owns the record's table."""
    global _reader
    _reader = reader


def registered() -> bool:
    return _reader is not None


def record(bind: Any) -> dict[str, Any]:
    """The dataset record of ``bind`` (a Session or a Connection); ``{}`` when there is none.

    Not user data, so no principal: every role's pages show the city the data is about.
    """
    if _reader is None:
        from gaodi.db import load_models

        load_models()  # the system feature registers its reader when the models load
    value = _reader(bind) if _reader is not None else None
    return value if isinstance(value, dict) else {}


def city(bind: Any) -> str | None:
    """The GB/T 2260 code of the city the data is about (None when the record names none)."""
    code = record(bind).get("city")
    return str(code) if code else None
