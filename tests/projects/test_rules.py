"""The rule files load, cover the categories the city uses, and the day arithmetic holds."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from gaodi.projects.rules import add_days, appeal_rules, days_between, project_rules

BRIEF_CATEGORIES = [
    "用地",
    "融资",
    "用工",
    "审批",
    "物流",
    "能源",
    "技术",
    "市场",
    "政策兑现",
    "其他",
]


def test_appeal_rules_cover_every_category_with_a_listed_department() -> None:
    rules = appeal_rules()
    assert list(rules.categories) == BRIEF_CATEGORIES
    for cat in rules.categories.values():
        assert cat.time_limit > 0 and cat.source
        assert cat.department in rules.departments
    assert [lv.multiple for lv in rules.levels] == [1, 2]
    assert rules.unit == "working_days" and rules.version


def test_project_rules() -> None:
    rules = project_rules()
    assert 0 < rules.min_ratio <= 1 and rules.grace_days >= 0


def test_working_days_by_hand() -> None:
    friday = date(2023, 6, 2)
    assert add_days(friday, 1, "working_days") == date(2023, 6, 5)  # Monday
    assert add_days(date(2023, 6, 3), 1, "working_days") == date(2023, 6, 5)  # Sat -> Mon
    assert add_days(friday, 5, "working_days") == date(2023, 6, 9)
    assert days_between(friday, date(2023, 6, 4), "working_days") == 0  # the weekend
    assert days_between(date(2023, 6, 1), date(2023, 6, 22), "working_days") == 15


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 400))
def test_add_then_count_round_trips(start: date, n: int) -> None:
    for unit in ("working_days", "calendar_days"):
        end = add_days(start, n, unit)
        assert days_between(start, end, unit) == n
    end = add_days(start, n, "working_days")
    if n:
        assert end.weekday() < 5
        assert days_between(start, end - timedelta(days=1), "working_days") == n - 1
    # n working days never take fewer calendar days than n
    assert (end - start).days >= n
