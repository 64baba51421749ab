"""On a configured day (GAODI_TODAY, the demo's frozen today) real time passes but the day does
not. The stamps used to be that day at the wall clock's time of day, so at the city's midnight
they jumped back from 23:59 to 00:00: an appeal was confirmed "before" it was resolved and a
submission's third revision was stamped before its second (audit G #1). Stamps now stay on the
day and never go backwards, across restarts too, since they are a function of real time."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from gaodi.config import reset_settings
from gaodi.core import clock

DAY = date(2024, 1, 15)
#: real moments around the city's midnight (16:00 UTC is 00:00 in UTC+8), then days and a year on
REAL = [
    datetime(2026, 12, 6, 15, 50),
    datetime(2026, 12, 6, 15, 59, 59),
    datetime(2026, 12, 6, 16, 0, 1),
    datetime(2026, 12, 6, 16, 5),
    datetime(2026, 12, 7, 9, 0),
    datetime(2027, 12, 6, 9, 0),
]


def _stamps(monkeypatch: pytest.MonkeyPatch, dataset: dict | None = None) -> list[datetime]:
    out = []
    for moment in REAL:
        monkeypatch.setattr(clock, "_system_now", lambda m=moment: m)
        out.append(clock.now(dataset))
    return out


def test_a_configured_days_stamps_never_go_backwards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAODI_TODAY", DAY.isoformat())
    reset_settings()
    try:
        stamps = _stamps(monkeypatch)
    finally:
        monkeypatch.delenv("GAODI_TODAY")
        reset_settings()
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps), stamps
    assert {clock.local_date(s) for s in stamps} == {DAY}


def test_the_demo_anchor_starts_where_its_seeded_steps_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # built at 15:00 UTC real time; its seeded steps end at 09:00 UTC on the demo day
    record = {"demo": True, "today": DAY.isoformat(), "clock_anchor": "2026-12-06T15:00:00",
              "clock_start": "17:00:00"}  # fmt: skip
    stamps = _stamps(monkeypatch, record)
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps), stamps
    seeded_end = datetime(2024, 1, 15, 9, 0)
    assert all(seeded_end < s <= clock.end_of_day(DAY) for s in stamps), stamps
    # 50 minutes after the build, 50 minutes of the day have (nearly) passed: 1:1 at first
    first = stamps[0] - seeded_end
    assert timedelta(minutes=44) < first <= timedelta(minutes=50), first
    # before the anchor (a clock set back): the start, not earlier
    monkeypatch.setattr(clock, "_system_now", lambda: datetime(2026, 12, 6, 14, 0))
    assert clock.now(record) == seeded_end


def test_gaodi_today_keeps_the_databases_anchor(monkeypatch: pytest.MonkeyPatch) -> None:
    # with GAODI_TODAY set on the demo, stamps sat at ~23:58 and barely moved (the anchor was
    # the day's midnight in real time, years ago); the database's anchor still applies
    record = {"demo": True, "today": DAY.isoformat(), "clock_anchor": "2026-12-06T15:00:00",
              "clock_start": "17:00:00"}  # fmt: skip
    monkeypatch.setenv("GAODI_TODAY", "2024-02-01")
    reset_settings()
    try:
        monkeypatch.setattr(clock, "_system_now", lambda: datetime(2026, 12, 6, 15, 30))
        stamp = clock.local(clock.now(record))
    finally:
        monkeypatch.delenv("GAODI_TODAY")
        reset_settings()
    assert stamp.date() == date(2024, 2, 1)
    assert datetime(2024, 2, 1, 17, 25) < stamp < datetime(2024, 2, 1, 17, 30), stamp
