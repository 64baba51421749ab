"""``gaodi.open()``'s filters: an unknown measure, park, industry, year or plan is an error
naming the choices, an existing one with no rows is an empty frame (issue found by the third
audit, 2026-12-06: ``city.panel("outptu")`` answered with an empty frame, and the LQs computed
from it failed two steps later with "the input table is empty")."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from gaodi.city import City
from gaodi.core.errors import NotFoundError


def test_an_unknown_panel_measure_names_the_measures(demo_db: Engine) -> None:
    city = City(engine=demo_db)
    measures = sorted(set(city.panel()["measure"]))
    assert "output" in measures and city.panel("output").height > 0
    with pytest.raises(NotFoundError) as err:
        city.panel("outptu")
    assert "outptu" in err.value.en and "没有口径“outptu”" in err.value.zh
    for m in measures:  # the choices are the measures the panel holds
        assert m in err.value.en and m in err.value.zh


def test_an_unknown_park_names_the_parks(demo_db: Engine) -> None:
    city = City(engine=demo_db)
    parks = city.parks()
    first = int(parks["id"][0])
    assert city.enterprises(park=first).height > 0
    missing = int(parks["id"].max()) + 1
    with pytest.raises(NotFoundError) as err:
        city.enterprises(park=missing)
    assert f"No park with id {missing}" in err.value.en and "没有编号为" in err.value.zh
    assert f"{first} {parks['name'][0]}" in err.value.zh


def test_an_unknown_industry_code_is_an_error_a_known_empty_one_is_not(demo_db: Engine) -> None:
    city = City(engine=demo_db)
    with pytest.raises(NotFoundError) as err:
        city.enterprises(industry="ZZ")
    assert "'ZZ'" in err.value.en and "Choices:" in err.value.en
    used = set(city.enterprises()["industry_code"].drop_nulls())
    division = sorted(used)[0][:2]
    assert division in err.value.en  # the divisions the enterprises are in
    assert city.enterprises(industry=division).height > 0
    empty = next(
        c
        for c in city.industry_codes()["code"]
        if len(c) == 4 and not any(u.startswith(c) for u in used)
    )
    assert city.enterprises(industry=empty).height == 0  # a real code without enterprises


def test_a_year_outside_the_data_names_the_years(demo_db: Engine) -> None:
    city = City(engine=demo_db)
    years = city.enterprise_years()["year"]
    first, last = int(years.min()), int(years.max())
    assert city.enterprise_years(year=last).height > 0
    with pytest.raises(NotFoundError) as err:
        city.enterprise_years(year=1999)
    assert "1999" in err.value.en and f"{first}–{last}" in err.value.en
    assert f"现有年份：{first}–{last}" in err.value.zh


def test_an_unknown_plan_is_an_error(demo_db: Engine) -> None:
    city = City(engine=demo_db)
    plan = int(city.plans()["id"][0])
    assert city.targets(plan=plan).height > 0
    for read in (city.targets, city.actions):
        with pytest.raises(NotFoundError) as err:
            read(plan=plan + 1000)
        assert f"No plan with id {plan + 1000}" in err.value.en
