"""demo clock anchor: a demo city built before the clock had an anchor gets one, and what was
done in it after the build (stamped on the machine's clock, years after the demo's day) is put
on the demo's day in the order it happened, as today's clock would have stamped it

0.1.0 stamped every step on the wall clock and its dataset record had no ``today`` and no clock
anchor. Read by today's code that city lives on the last day of its ``as_of`` month and every
step taken in it after the build is "after today": an appeal filed then answered 404 on its
own page, a project's steps vanished from its history, and new steps were squeezed into the
last seconds of 2023-12-31, before all of them. This gives the record the day and anchor a
fresh build has (the demo's day, the build moment, the demo clock's time of day) and re-dates
each stamp after that day's end with :func:`gaodi.core.clock.on_configured_day`, the function
the clock itself uses, so those stamps are exactly what today's clock would have given them
and the steps that follow come after them. Dates the app wrote as "today" then (an assessment's
day, a challenge published, a milestone done, a stage reached) become the demo's day, and an
appeal's time limit moves with the day it starts on (it could never fall due). A real city (no ``demo`` flag) and a demo built with
an anchor are left alone. Security timers stay on real time (API tokens, accounts, log-in
throttling), and the audit log is append-only: its stamps stay as written.

Revision ID: 0014_demo_clock_anchor
Revises: 0013_form_submissions
Create Date: 2026-12-06 23:10:00
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from datetime import time as day_time
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0014_demo_clock_anchor"
down_revision: str | Sequence[str] | None = "0013_form_submissions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The day and time of day a demo city lives on (gaodi.demo.build.DEMO_CLOCK, 09:00 UTC on
#: 2024-01-15: 17:00 in the city), written out so this migration keeps meaning what it meant.
DEMO_DAY = date(2024, 1, 15)
DEMO_START = day_time(17, 0)
#: Tables whose stamps are not the city's: security timers on real time, the append-only audit
#: log, the dataset record itself, Alembic's own.
LEFT_ALONE = frozenset(
    {
        "alembic_version",
        "api_token",
        "audit_event",
        "form_submission",
        "login_throttle",
        "system_info",
        "user_account",
        "user_scope",
    }
)


def _record(bind: sa.engine.Connection) -> dict[str, Any] | None:
    value = bind.execute(sa.text("SELECT value FROM system_info WHERE key = 'dataset'")).scalar()
    if isinstance(value, str):
        value = json.loads(value)
    return value if isinstance(value, dict) else None


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).replace(tzinfo=None)
        except ValueError:
            return None
    return None


def upgrade() -> None:
    from gaodi.core import clock

    bind = op.get_bind()
    record = _record(bind)
    if not record or not record.get("demo") or record.get("clock_anchor"):
        return
    end = clock.end_of_day(DEMO_DAY)
    inspector = sa.inspect(bind)
    stamped: list[tuple[str, list[str], str]] = []
    later: list[datetime] = []
    for table in inspector.get_table_names():
        if table in LEFT_ALONE:
            continue
        keys = inspector.get_pk_constraint(table).get("constrained_columns") or []
        for column in inspector.get_columns(table):
            if keys and isinstance(column["type"], sa.DateTime):
                stamped.append((table, keys, column["name"]))
                found = bind.execute(
                    sa.text(
                        f'SELECT MIN("{column["name"]}") FROM "{table}" WHERE "{column["name"]}" > :end'
                    ),
                    {"end": end},
                ).scalar()
                if _moment(found) is not None:
                    later.append(_moment(found))  # type: ignore[arg-type]
    built = _moment(record.get("built_at"))
    # the build moment, unless a step was stamped before it (0.1.0 wrote the building machine's
    # wall time, whose zone it did not say): the first step after the day then starts the day
    origin = min([m for m in (built, *later) if m is not None], default=None)
    if origin is None:
        origin = clock.real_now().replace(microsecond=0)
    anchor = clock.Anchor(origin, DEMO_START)
    for table, keys, name in stamped:
        pk = ", ".join(f'"{k}"' for k in keys)
        rows = bind.execute(
            sa.text(f'SELECT {pk}, "{name}" FROM "{table}" WHERE "{name}" > :end'), {"end": end}
        ).all()
        where = " AND ".join(f'"{k}" = :k{i}' for i, k in enumerate(keys))
        for row in rows:
            at = _moment(row[-1])
            if at is None:
                continue
            params = {f"k{i}": row[i] for i in range(len(keys))}
            bind.execute(
                sa.text(f'UPDATE "{table}" SET "{name}" = :at WHERE {where}'),
                {**params, "at": clock.on_configured_day(DEMO_DAY, at, anchor)},
            )
    _redate_days(bind)
    record = {
        **record,
        "today": DEMO_DAY.isoformat(),
        "clock_anchor": origin.isoformat(),
        "clock_start": DEMO_START.isoformat(),
    }
    value = "CAST(:value AS JSON)" if bind.dialect.name == "postgresql" else ":value"
    bind.execute(
        sa.text(f"UPDATE system_info SET value = {value} WHERE key = 'dataset'"),
        {"value": json.dumps(record, ensure_ascii=False)},
    )


#: Dates the app wrote as "today" when a step was taken (not a date a user planned): one later
#: than the demo's day was the machine's date, and is the demo's day now.
TODAY_DATES = (
    ("smart_assessment", "assessed_on"),
    ("challenge", "published_on"),
    ("challenge_milestone", "done_on"),
    ("project_stage", "actual_on"),
)
#: An appeal's time limit starts on a day and runs to its due and escalation days: moved
#: together, so the limit keeps its length (in calendar days) from the day it now starts on.
APPEAL_DATES = ("limit_start_on", "due_on", "escalate_on")


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return None


def _redate_days(bind: sa.engine.Connection) -> None:
    tables = set(sa.inspect(bind).get_table_names())
    for table, column in TODAY_DATES:
        if table in tables:
            bind.execute(
                sa.text(f'UPDATE "{table}" SET "{column}" = :day WHERE "{column}" > :day'),
                {"day": DEMO_DAY},
            )
    if "appeal" not in tables:
        return
    rows = bind.execute(
        sa.text(
            "SELECT id, limit_start_on, due_on, escalate_on FROM appeal WHERE limit_start_on > :day"
        ),
        {"day": DEMO_DAY},
    ).all()
    for row in rows:
        start = _day(row[1])
        if start is None:
            continue
        shift = start - DEMO_DAY
        moved = {name: _day(v) for name, v in zip(APPEAL_DATES, row[1:], strict=True)}
        bind.execute(
            sa.text(
                "UPDATE appeal SET limit_start_on = :limit_start_on, due_on = :due_on, "
                "escalate_on = :escalate_on WHERE id = :id"
            ),
            {"id": row[0], **{k: (v - shift if v else None) for k, v in moved.items()}},
        )


def downgrade() -> None:
    """Nothing to undo that 0.1.0 would read differently: the record's new keys are ignored by
    older code, and the re-dated stamps stay on the demo's day (the way back from an upgrade is
    the copy ``gaodi db upgrade`` keeps)."""
