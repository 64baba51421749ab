"""``gaodi.open()`` and its filters answer a wrong call in words (issue found by the
analyst-path audit, 2026-12-07): a year given as text was ``TypeError: '<=' not supported``, a
list of chains a ``sqlite3.ProgrammingError``, a URL that is not one SQLAlchemy's
``ArgumentError``, an unreachable server or an empty file a SQLAlchemy ``OperationalError`` at
the first read; an empty code was no filter at all (``panel("")`` the whole panel); and a numpy
integer read from a frame (``np.int64(2023)``) matched nothing, an empty frame that looked like
an answer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

import gaodi
from gaodi import migrate
from gaodi.city import City
from gaodi.core.errors import ConflictError, GaodiError, NotFoundError, ValidationError


def test_a_numpy_integer_filters_like_the_int_it_is(demo_db: Engine) -> None:
    city = City(engine=demo_db)
    years = city.enterprise_years()
    last = int(years["year"].max())
    expected = years.filter(years["year"] == last).height
    assert expected > 0
    assert city.enterprise_years(year=np.int64(last)).height == expected
    ent = city.enterprises()
    park = int(ent["park_id"].drop_nulls()[0])
    in_park = ent.filter(ent["park_id"] == park).height
    assert city.enterprises(park=np.int64(park)).height == in_park
    plan = int(city.plans()["id"][0])
    assert city.targets(plan=np.int32(plan)).height == city.targets(plan=plan).height > 0


@pytest.mark.parametrize(
    ("call", "parameter", "shown"),
    [
        (lambda c: c.enterprise_years(year="2023"), "year", "str '2023'"),
        (lambda c: c.enterprise_years(year=2023.0), "year", "float 2023.0"),
        (lambda c: c.enterprises(park="1"), "park", "str '1'"),
        (lambda c: c.targets(plan="1"), "plan", "str '1'"),
        (lambda c: c.links(["CM"]), "chain", "list ['CM']"),
        (lambda c: c.links(True), "chain", "bool True"),
        (lambda c: c.observations(indicator=1.5), "indicator", "float 1.5"),
        (lambda c: c.enterprises(industry=35), "industry", "int 35"),
    ],
)
def test_a_filter_of_the_wrong_type_is_refused_in_words(
    demo_db: Engine, call: object, parameter: str, shown: str
) -> None:
    city = City(engine=demo_db)
    with pytest.raises(ValidationError) as err:
        call(city)  # type: ignore[operator]
    assert err.value.en.startswith(f"{parameter} must be ") and shown in err.value.en
    assert f"参数 {parameter} 应为" in err.value.zh and shown in err.value.zh


def test_an_empty_code_is_refused_not_read_as_no_filter(demo_db: Engine) -> None:
    city = City(engine=demo_db)
    for call, parameter in (
        (lambda: city.panel(""), "measure"),
        (lambda: city.enterprises(industry=""), "industry"),
        (lambda: city.links(""), "chain"),
    ):
        with pytest.raises(ValidationError) as err:
            call()
        assert err.value.en.startswith(f"{parameter} must be a non-empty code")
        assert "空字符串" in err.value.zh


def test_a_url_that_is_not_one_is_refused_in_words() -> None:
    with pytest.raises(ValidationError) as err:
        gaodi.open("not a url")
    assert (
        "'not a url' is not a database URL" in err.value.en
        and "不是可用的数据库地址" in err.value.zh
    )
    with pytest.raises(ValidationError) as err:  # a driver that is not installed
        gaodi.open("mysql://someone@localhost/gaodi")
    assert "MySQLdb" in err.value.en


def test_an_unreachable_server_is_said_so() -> None:
    # port 1 on this machine: nothing listens there, the connection is refused at once
    with pytest.raises(GaodiError) as err:
        gaodi.open("postgresql+psycopg://nobody@127.0.0.1:1/gaodi")
    assert err.value.en.startswith("Cannot reach the database postgresql+psycopg://nobody@")
    assert "无法连接数据库" in err.value.zh


def test_a_file_without_gaodi_tables_is_not_a_gaodi_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    path.touch()
    with pytest.raises(NotFoundError) as err:
        gaodi.open(f"sqlite:///{path}")
    assert "is not a Gaodi database" in err.value.en and "不是高地数据库" in err.value.zh


def test_a_schema_behind_or_ahead_of_the_code_is_refused(demo_db: Engine) -> None:
    head = migrate.head_revision()
    older = sorted(migrate.known_revisions() - {head})[0]
    with demo_db.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": older})
    with pytest.raises(ConflictError) as err:
        City(engine=demo_db)
    assert f"schema revision {older}, behind this Gaodi's {head}" in err.value.en
    assert "gaodi db upgrade" in err.value.zh
    with demo_db.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    with pytest.raises(migrate.NewerSchema):
        City(engine=demo_db)
