"""Migration 0014: a demo city built before the clock had an anchor (0.1.0) keeps what was done
in it after the build.

0.1.0 stamped steps on the machine's clock (2026) and its dataset record had no day and no
anchor; read by today's code that city lived on 2023-12-31 and every later step was "after
today": an appeal filed in it answered 404, a project's steps vanished, new steps were squeezed
into 2023's last seconds (fifth audit N1). The answers here are computed by hand from the
clock's published curve (``on_configured_day``: ``room * x / (x + room)`` seconds after 17:00
on 2024-01-15, ``room`` = 7 h = 25,200 s).
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.orm import Session

from gaodi import migrate
from gaodi.chains.models import Chain
from gaodi.core import clock
from gaodi.db import make_engine

BUILT = datetime(2026, 12, 6, 22, 12, 51)  # 0.1.0's built_at: the build's real moment


def _old_demo(url: str, record: dict[str, object]) -> sa.Engine:
    engine = make_engine(url)
    migrate.upgrade(engine, "0013_form_submissions")
    with engine.begin() as conn:
        conn.execute(
            sa.insert(
                sa.table(
                    "system_info",
                    sa.column("key"),
                    sa.column("value", sa.JSON),
                    sa.column("updated_at"),
                )
            ),
            {"key": "dataset", "value": record, "updated_at": datetime(2024, 1, 15, 9, 0)},
        )
    with Session(engine) as s:  # the model's defaults fill the other columns
        s.add_all(
            [
                Chain(id=1, code="SEEDED", name="建时的链", created_at=datetime(2023, 5, 1)),
                # made in 0.1.0 one hour, then seven hours after the build (machine clock)
                Chain(id=2, code="LATER1", name="后加的链一", created_at=BUILT.replace(hour=23)),
                Chain(
                    id=3,
                    code="LATER2",
                    name="后加的链二",
                    created_at=datetime(2026, 12, 7, 5, 12, 51),
                ),
            ]
        )
        s.commit()
    return engine


def _record(engine: sa.Engine) -> dict[str, object]:
    with engine.connect() as conn:
        value = conn.execute(text("SELECT value FROM system_info WHERE key = 'dataset'")).scalar()
    return json.loads(value) if isinstance(value, str) else value


def _stamps(engine: sa.Engine) -> dict[int, datetime]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, created_at FROM chain ORDER BY id")).all()
    return {
        i: at if isinstance(at, datetime) else datetime.fromisoformat(str(at)) for i, at in rows
    }


def test_an_old_demo_gets_its_day_and_its_later_steps_on_that_day(backend_url: str) -> None:
    record = {"demo": True, "as_of": "2023-12", "built_at": BUILT.isoformat(), "version": 1}
    engine = _old_demo(backend_url, record)
    try:
        migrate.upgrade(engine)
        after = _record(engine)
        assert after["today"] == "2024-01-15" and after["clock_start"] == "17:00:00"
        assert after["clock_anchor"] == BUILT.isoformat()
        stamps = _stamps(engine)
        assert stamps[1] == datetime(2023, 5, 1)  # on or before the day: as it was
        # 1 h after the build: 25,200 * 3,600 / 28,800 = 3,150 s after 17:00 (09:00 UTC)
        assert stamps[2] == datetime(2024, 1, 15, 9, 52, 30)
        # 7 h after: 25,200 * 25,200 / 50,400 = 12,600 s: 20:30 in the city
        assert stamps[3] == datetime(2024, 1, 15, 12, 30)
        # the clock now stamps after them, on the same day (what the city does next follows)
        later = clock.on_configured_day(
            clock.dataset_day(after),  # type: ignore[arg-type]
            datetime(2026, 12, 8),
            clock.dataset_anchor(after),
        )
        assert stamps[3] < later <= clock.end_of_day(clock.dataset_day(after))  # type: ignore[arg-type]
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "record",
    [
        {"as_of": "2023-12", "built_at": BUILT.isoformat()},  # no demo flag: a real city
        {  # a demo built with an anchor (today's build)
            "demo": True,
            "as_of": "2023-12",
            "today": "2024-01-15",
            "clock_anchor": BUILT.isoformat(),
            "clock_start": "17:00:00",
        },
    ],
    ids=["real-city", "anchored-demo"],
)
def test_a_real_city_and_an_anchored_demo_are_left_alone(
    backend_url: str, record: dict[str, object]
) -> None:
    engine = _old_demo(backend_url, record)
    try:
        before = _stamps(engine)
        migrate.upgrade(engine)
        assert _record(engine) == record and _stamps(engine) == before
    finally:
        engine.dispose()


def test_an_old_demos_appeal_limit_moves_with_the_day_it_starts_on(tmp_path: Path) -> None:
    """0.1.0 started an appeal's time limit on the machine's date (2026-12-07; due 14 days
    later, escalated 28): on the demo's day it could never fall due. The limit keeps its length
    from the day it now starts on."""
    from gaodi.core.codes import make_uscc
    from gaodi.enterprises.models import Enterprise
    from gaodi.projects.models import Appeal

    record = {"demo": True, "as_of": "2023-12", "built_at": BUILT.isoformat()}
    engine = _old_demo(f"sqlite:///{tmp_path / 'old.sqlite'}", record)
    try:
        with Session(engine) as s:
            firm = Enterprise(uscc=make_uscc("430100", random.Random(1)), name="示例企业")
            s.add(firm)
            s.flush()
            s.add(
                Appeal(
                    id=601,
                    enterprise_id=firm.id,
                    category="融资",
                    title="流动资金贷款",
                    text="……",
                    status="received",
                    received_at=datetime(2026, 12, 6, 22, 14, 16),
                    limit_start_on=date(2026, 12, 7),
                    due_on=date(2026, 12, 21),
                    escalate_on=date(2027, 1, 4),
                )
            )
            s.commit()
        migrate.upgrade(engine)
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT limit_start_on, due_on, escalate_on FROM appeal WHERE id = 601")
            ).one()
        assert [date.fromisoformat(str(v)[:10]) for v in row] == [
            date(2024, 1, 15),
            date(2024, 1, 29),
            date(2024, 2, 12),
        ]
    finally:
        engine.dispose()
