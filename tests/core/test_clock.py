"""The injectable clock: frozen in tests, China Standard Time for dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from gaodi.config import reset_settings
from gaodi.core import clock
from gaodi.core.errors import ValidationError


def test_frozen_and_restored() -> None:
    with clock.frozen(datetime(2023, 6, 30, 15, 59)):
        assert clock.now() == datetime(2023, 6, 30, 15, 59)
        assert clock.today() == date(2023, 6, 30)  # 23:59 in Changsha
    with clock.frozen(datetime(2023, 6, 30, 16, 0)):
        assert clock.today() == date(2023, 7, 1)  # midnight in Changsha
    with clock.frozen(date(2023, 1, 2)):
        assert clock.now() == datetime(2023, 1, 2)
    real = datetime.now(UTC).replace(tzinfo=None)
    assert abs((clock.now() - real).total_seconds()) < 5


def test_nested_freezes_restore_the_outer_one() -> None:
    with clock.frozen(datetime(2020, 1, 1)):
        with clock.frozen(datetime(2021, 1, 1)):
            assert clock.now().year == 2021
        assert clock.now().year == 2020


def test_asia_shanghai_is_utc_plus_8_all_year() -> None:
    # no daylight saving: the zone gives exactly what the fixed +8 gave, in winter and summer
    for at in (datetime(2023, 1, 15, 12, 0), datetime(2023, 7, 15, 12, 0)):
        assert clock.local(at) == at + clock.CST_OFFSET
        assert clock.utc(at + clock.CST_OFFSET) == at
    assert clock.end_of_day(date(2023, 6, 30)) == datetime(2023, 6, 30, 15, 59, 59, 999999)


def test_gaodi_today_and_timezone_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAODI_TODAY", "2023-06-30")
    reset_settings()
    assert clock.today() == date(2023, 6, 30)
    # now() is on that day, at the time of day it is in the city
    assert clock.local_date(clock.now()) == date(2023, 6, 30)
    assert clock.city_today() == (date(2023, 6, 30), True)
    with clock.frozen(datetime(2020, 1, 1)):  # a frozen clock (tests) wins
        assert clock.today() == date(2020, 1, 1)
    monkeypatch.delenv("GAODI_TODAY")
    monkeypatch.setenv("GAODI_TIMEZONE", "America/New_York")
    reset_settings()
    with clock.frozen(datetime(2023, 7, 1, 2, 0)):  # 22:00 on 30 June in New York (EDT)
        assert clock.today() == date(2023, 6, 30)
    monkeypatch.setenv("GAODI_TIMEZONE", "Mars/Olympus")
    reset_settings()
    with pytest.raises(ValidationError) as exc:
        clock.today()
    assert "GAODI_TIMEZONE" in exc.value.en and "时区" in exc.value.zh


def test_the_demo_dataset_day() -> None:
    assert clock.dataset_day({"demo": True, "today": "2024-01-15", "as_of": "2023-12"}) == date(
        2024, 1, 15
    )
    assert clock.dataset_day({"demo": True, "as_of": "2023-12"}) == date(2023, 12, 31)
    assert clock.dataset_day({"demo": True, "as_of": "2024-02"}) == date(2024, 2, 29)
    assert clock.dataset_day({"as_of": "2023-12"}) is None  # a real city follows the calendar
    assert clock.dataset_day({"demo": True, "as_of": "garbage"}) is None
    assert clock.dataset_day(None) is None


def test_the_configured_database_gives_the_demo_day(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import insert

    from gaodi import migrate
    from gaodi.db import get_engine, make_engine
    from gaodi.system.models import SystemInfo

    url = f"sqlite:///{tmp_path / 'city.sqlite'}"
    monkeypatch.setenv("GAODI_DATABASE_URL", url)
    reset_settings()
    get_engine.cache_clear()
    clock.forget_dataset()
    real = clock.today()
    assert not (tmp_path / "city.sqlite").exists()  # asking the date creates no database
    engine = make_engine(url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(SystemInfo.__table__),
            [{"key": "dataset", "value": {"demo": True, "as_of": "2023-12"}}],
        )
    clock.forget_dataset()
    assert clock.today() == date(2023, 12, 31) != real
    engine.dispose()
    get_engine.cache_clear()


def test_report_stamps_name_the_citys_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    # reports added a fixed +8 h and said 北京时间 whatever GAODI_TIMEZONE was
    from gaodi.ui.web.templating import city_time

    assert (clock.zone_label(True), clock.zone_label(False)) == ("北京时间", "Beijing time")
    assert city_time("2023-07-01T02:00:00") == "2023-07-01 10:00"  # UTC+8
    monkeypatch.setenv("GAODI_TIMEZONE", "America/New_York")
    reset_settings()
    try:
        assert clock.zone_label(True) == clock.zone_label(False) == "America/New_York"
        assert city_time("2023-07-01T02:00:00") == "2023-06-30 22:00"  # EDT, UTC−4
    finally:
        monkeypatch.delenv("GAODI_TIMEZONE")
        reset_settings()
