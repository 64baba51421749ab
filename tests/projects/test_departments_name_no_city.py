"""The departments an appeal may be handed to are the city's own bureaus (市…局): the shipped
list must fit any city. It held 国网长沙供电公司, so a bureau in 芜湖 could hand an appeal to
Changsha's power company and to no power company of its own."""

from __future__ import annotations

from gaodi.core.reference import prefecture_cities
from gaodi.projects.rules import appeal_rules


def test_no_department_is_named_for_a_place() -> None:
    # every city-level name of GB/T 2260 and its short form (长沙市 -> 长沙); county names are
    # left out, since some are words (资源县 is in 市自然资源和规划局)
    cities = prefecture_cities()
    names = {r.name for r in cities} | {r.name[:-1] for r in cities if r.name.endswith("市")}
    departments = appeal_rules().departments
    assert departments
    assert [d for d in departments if any(n in d for n in names)] == []
