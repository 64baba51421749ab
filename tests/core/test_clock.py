"""The injectable clock: frozen in tests, China Standard Time for dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

from gaodi.core import clock


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
