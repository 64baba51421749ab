"""One convention for moments leaving the server: the city's time with its offset.

A moment is stored naive UTC (:func:`gaodi.db.utcnow`, :func:`gaodi.core.clock.now`). A naive
ISO string in a JSON answer (``"2024-01-15T09:02:00"``) is read by every client as its own local
time, 8 hours off in the city; so every moment in the JSON API (pages' JSON twins, operations,
the OpenAPI schema) is an ISO 8601 string in the city's time zone WITH its offset, to the second
(``"2024-01-15T17:02:00+08:00"``), and a date stays ``YYYY-MM-DD``. Pages show a moment as the
city's wall time (``2024-01-15 17:02``, the ``city_time`` template filter).

A response model declares such a field :data:`CityMoment`: in Python it holds the naive UTC
value (what templates, reports and exports read), and only its JSON form carries the offset.

>>> from datetime import datetime
>>> from pydantic import BaseModel
>>> class Row(BaseModel):
...     at: CityMoment
>>> Row(at=datetime(2024, 1, 15, 9, 2, 30, 500)).model_dump_json()
'{"at":"2024-01-15T17:02:30+08:00"}'
>>> Row(at="2024-01-15T17:02:00+08:00").at  # an aware value is kept as naive UTC
datetime.datetime(2024, 1, 15, 9, 2)
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, PlainSerializer, WithJsonSchema

from gaodi.core import clock


def naive_utc(value: datetime) -> datetime:
    """``value`` as the store keeps moments: naive UTC (a naive value already is)."""
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def city_iso(value: datetime) -> str:
    """A stored moment (naive UTC; an aware value is converted) as ISO 8601 in the city's time
    zone with its offset, to the second.

    >>> city_iso(datetime(2024, 1, 15, 1, 30))
    '2024-01-15T09:30:00+08:00'
    """
    return (
        naive_utc(value)
        .replace(tzinfo=UTC)
        .astimezone(clock.timezone())
        .isoformat(timespec="seconds")
    )


def city_iso_text(text: str) -> str:
    """A moment written as ISO text by ``isoformat()`` (``T`` between date and time; naive:
    UTC, as stored; or with an offset) in the city's offset form; other text (a date, a word,
    a comment a user typed) is returned as it is.

    >>> city_iso_text("2024-01-15T01:30:00.123"), city_iso_text("2024-01-15")
    ('2024-01-15T09:30:00+08:00', '2024-01-15')
    """
    if len(text) < 16 or text[10] != "T" or not text[:4].isdigit():
        return text
    try:
        return city_iso(datetime.fromisoformat(text))
    except ValueError:
        return text


def city_iso_values(value: Any) -> Any:
    """``value`` (JSON data: dicts, lists, strings …) with every moment string in the city's
    offset form (:func:`city_iso_text`): the stored before/after of an audit event."""
    if isinstance(value, str):
        return city_iso_text(value)
    if isinstance(value, list):
        return [city_iso_values(v) for v in value]
    if isinstance(value, dict):
        return {k: city_iso_values(v) for k, v in value.items()}
    return value


_SCHEMA = {
    "type": "string",
    "format": "date-time",
    "description": "A moment in the city's time zone with its offset (ISO 8601, seconds).",
    "examples": ["2024-01-15T17:02:00+08:00"],
}

#: A stored moment in a response model: naive UTC in Python, the city's offset form in JSON.
CityMoment = Annotated[
    datetime,
    AfterValidator(naive_utc),
    PlainSerializer(city_iso, return_type=str, when_used="json"),
    WithJsonSchema(_SCHEMA),
]

#: A stored moment a service already hands over as naive UTC ISO text (and its Python readers
#: parse as such): kept so in Python, in the city's offset form in JSON.
CityMomentText = Annotated[
    str,
    PlainSerializer(city_iso_text, return_type=str, when_used="json"),
    WithJsonSchema(_SCHEMA),
]
