"""Awards, honours and industry margins as lists: the tier rules' yes/no inputs derived from
them (hand-worked cases), with the reason in words, and the Excel import giving the same
decisions as the Python API.

The firms are synthetic (示例数据). Hand arithmetic of the round-trip firms (year 2023, the
city's today frozen at 2024-03-15):

* 戊: 利润总额 251 / 营业收入 2000 = 12.55 % > 行业 36 of 2023, 12.5 % → above the industry.
  Awards: 2021 省级二等奖, 第 3 完成单位 (2021 is inside 2021–2023, 3 <= 3 → provincial
  top 3 ✓, any provincial-or-national ✓); 2020 国家级 第 1 (outside the window → national top 5
  ✗). Honours: 高新技术企业 2021-01-01..2023-12-31 expired before 2024-03-15 → no valid
  honour; 小巨人 2021-07-01..2024-06-30 in force → holds the little-giant tag.
* 己: 利润总额 250 / 2000 = 12.5 % = 行业 12.5 % → not above (strictly higher is needed), though
  its yes/no fact says 是 (the two margins win). Award 2022 省级 第 4 → provincial top 3 ✗,
  any award ✓. Honour 小巨人 2020-07-01..2023-06-30 expired → its little_giant tag no longer
  holds.
* 庚: no 利润总额 → the margins cannot be compared → its yes/no fact (是) is used and the
  reason says so; no award, no honour on the lists.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.core import clock
from gaodi.core.codes import make_uscc
from gaodi.core.errors import ImportRejected, NotFoundError, ValidationError
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.enterprises import facts, service, tier_lists
from gaodi.enterprises.models import Enterprise, TierAward
from gaodi.enterprises.tier_lists import Award, Honour, Margin
from gaodi.exchange.schema import CHOICES
from gaodi.exchange.service import import_file
from tests.exchange.helpers import write_xlsx

TODAY = datetime(2024, 3, 15, 10, 0)


# --------------------------------------------------------------------------- awards (no DB)


def test_award_window_is_the_year_and_the_two_before() -> None:
    a = [Award(2021, "某省科学技术进步奖", "provincial", "second", 3)]
    assert tier_lists.award_fact(a, 2023, "provincial_award_top3_3y").value is True
    assert tier_lists.award_fact(a, 2024, "provincial_award_top3_3y").value is False  # 2022–24
    assert tier_lists.award_fact(a, 2020, "provincial_award_top3_3y").value is False  # not yet


@pytest.mark.parametrize(
    ("level", "rank", "field", "expected"),
    [
        ("provincial", 3, "provincial_award_top3_3y", True),
        ("provincial", 4, "provincial_award_top3_3y", False),
        ("national", 5, "national_award_top5_3y", True),
        ("national", 6, "national_award_top5_3y", False),
        ("national", 4, "national_award_top3_3y", False),
        ("national", 1, "provincial_award_top3_3y", False),  # the national item counts it
        ("municipal", 1, "sci_tech_award_3y", False),  # 国家级、省级 only
        ("provincial", 9, "sci_tech_award_3y", True),  # any place
        ("provincial", None, "provincial_award_top3_3y", None),  # place unknown: unknown
        ("provincial", None, "sci_tech_award_3y", True),  # … but it is an award
    ],
)
def test_award_levels_and_places(
    level: str, rank: int | None, field: str, expected: bool | None
) -> None:
    a = [Award(2022, "示例科技奖", level, "first", rank)]
    assert tier_lists.award_fact(a, 2023, field).value is expected


def test_the_reason_names_the_award_used() -> None:
    a = [
        Award(2019, "国家科学技术进步奖", "national", "second", 1),
        Award(2022, "湖南省科学技术进步奖", "provincial", "first", 2, "certified"),
    ]
    d = tier_lists.award_fact(a, 2023, "provincial_award_top3_3y")
    assert d.value is True and d.source == "certified"
    assert (
        d.basis_zh
        == "近3年（2021–2023 年）获奖：2022 年湖南省科学技术进步奖一等奖（省级，获奖单位第 2 名）"
    )
    no = tier_lists.award_fact(a, 2023, "national_award_top5_3y")
    assert no.value is False
    assert "近3年（2021–2023 年）无国家级科技奖励且获奖单位排名前5" in no.basis_zh
    assert "2019 年国家科学技术进步奖二等奖" in no.basis_zh  # listed, outside the window
    assert tier_lists.award_fact([], 2023, "sci_tech_award_3y") is None  # the yes/no fact holds


# --------------------------------------------------------------------------- honours (no DB)


def test_an_honour_is_in_force_through_its_last_day() -> None:
    h = [Honour("high_tech", date(2021, 1, 1), date(2023, 12, 31))]
    kinds = tier_lists.VALID_HONOUR_KINDS
    assert tier_lists.honour_fact(h, kinds, date(2023, 12, 31)).value is True
    after = tier_lists.honour_fact(h, kinds, date(2024, 1, 1))
    assert after.value is False
    assert after.basis_zh == (
        "高新技术企业（有效期 2021-01-01 至 2023-12-31）已于 2023-12-31 到期（评价日 2024-01-01）"
    )
    before = tier_lists.honour_fact(h, kinds, date(2020, 12, 31))
    assert before.value is False and "尚未生效" in before.basis_zh
    # no expiry given: in force from its first day on
    open_end = [Honour("ip_demo", date(2022, 5, 1))]
    assert tier_lists.honour_fact(open_end, kinds, date(2030, 1, 1)).value is True
    # a tier honour is not one of the 创新型 direct condition's honours
    assert tier_lists.honour_fact([Honour("srdi", date(2022, 1, 1))], kinds, TODAY.date()) is None


def test_tier_tags_follow_the_honours_in_force() -> None:
    lg = Honour("little_giant", date(2020, 7, 1), date(2023, 6, 30))
    assert tier_lists.apply_honours(["little_giant"], [lg], date(2023, 6, 30)) == ["little_giant"]
    assert tier_lists.apply_honours(["little_giant"], [lg], date(2023, 7, 1)) == []
    # a renewed honour keeps it; a tag with no record stays as entered
    renewed = Honour("little_giant", date(2023, 7, 1), date(2026, 6, 30))
    assert tier_lists.apply_honours(["srdi"], [lg, renewed], date(2024, 1, 1)) == [
        "srdi",
        "little_giant",
    ]


# --------------------------------------------------------------------------- margins (no DB)


def test_profit_above_the_industry_is_strict_and_exact() -> None:
    m = Margin("36", 2023, Decimal("0.125"), "示例统计年鉴")
    assert tier_lists.margin_fact(250.0, 2000.0, 2023, m).value is False  # 12.5 % = 12.5 %
    assert tier_lists.margin_fact(251.0, 2000.0, 2023, m).value is True  # 12.55 %
    # 0.7 / 7 is 0.09999999999999999 in binary floats, exactly 0.1 in decimals
    tenth = Margin("36", 2023, Decimal("0.0999999999999999999"), "示例")
    assert 0.7 / 7 < 0.1 and tier_lists.margin_fact(0.7, 7.0, 2023, tenth).value is True
    assert tier_lists.margin_fact(None, 2000.0, 2023, m) is None
    assert tier_lists.margin_fact(10.0, 0.0, 2023, m) is None  # no revenue: no margin
    assert tier_lists.margin_fact(10.0, 100.0, 2023, None) is None
    d = tier_lists.margin_fact(251.0, 2000.0, 2023, m)
    assert "12.55%" in d.basis_zh and "12.50%" in d.basis_zh and "示例统计年鉴" in d.basis_zh
    assert "高于行业（36）2023 年" in d.basis_zh


def test_the_industry_margin_is_the_longest_code_of_the_latest_year() -> None:
    ms = [
        Margin("C", 2023, Decimal("0.06"), "s"),
        Margin("36", 2022, Decimal("0.05"), "s"),
        Margin("367", 2021, Decimal("0.04"), "s"),
        Margin("367", 2024, Decimal("0.09"), "s"),  # after the year: not used
        Margin("39", 2023, Decimal("0.07"), "s"),
    ]
    assert tier_lists.industry_margin_for(ms, "3670", 2023).margin == Decimal("0.04")
    assert tier_lists.industry_margin_for(ms, "3610", 2023).margin == Decimal("0.05")
    assert tier_lists.industry_margin_for(ms, "1311", 2023).margin == Decimal("0.06")  # 门类 C
    assert tier_lists.industry_margin_for(ms, "4411", 2023) is None  # 门类 D
    assert tier_lists.industry_margin_for(ms, None, 2023) is None


# --------------------------------------------------------------------------- parsing


def test_bad_list_entries_are_refused_in_words() -> None:
    base = {"name": "示例奖", "year": 2022, "level": "省级", "source": "certified"}
    assert tier_lists.parse_award({**base, "grade": "二等奖", "unit_rank": "3"}).grade == "second"
    for bad, field in (
        ({"level": "区级"}, "level"),
        ({"year": 2099}, "year"),
        ({"unit_rank": "0"}, "unit_rank"),
        ({"unit_rank": "2.5"}, "unit_rank"),
        ({"name": ""}, "name"),
        ({"source": "猜的"}, "source"),
    ):
        with clock.frozen(TODAY), pytest.raises(ValidationError) as info:
            tier_lists.parse_award({**base, **bad})
        assert info.value.context["field"] == field, bad
    with pytest.raises(ValidationError) as info:
        tier_lists.parse_honour(
            {"kind": "high_tech", "valid_from": "2024-01-01", "valid_to": "2023-12-31",
             "source": "certified"}
        )  # fmt: skip
    assert "早于生效日期" in info.value.zh
    with pytest.raises(ValidationError) as info:
        tier_lists.parse_margin({"industry_code": "36", "year": 2023, "margin": "5%"})
    assert "出处" in info.value.zh
    m = tier_lists.parse_margin(
        {"industry_code": "36", "year": 2023, "margin": "12.5%", "source_name": "示例"}
    )
    assert m.margin == Decimal("0.125")


def test_the_choice_lists_match_the_exchange_code_lists() -> None:
    assert {c.code for c in CHOICES["award_level"]} == set(tier_lists.AWARD_LEVELS)
    assert {c.code for c in CHOICES["award_grade"]} == set(tier_lists.AWARD_GRADES)
    assert [(c.code, c.zh) for c in CHOICES["honour_kind"]] == [
        (k, v[0]) for k, v in tier_lists.HONOUR_KINDS.items()
    ]


# --------------------------------------------------------------------------- round trip

_rng = random.Random(20261205)
NAMES = ("戊", "己", "庚")
U = {k: make_uscc("430104", _rng) for k in NAMES}
V = {k: make_uscc("430104", _rng) for k in NAMES}  # the same firms, written through Python
ENTERPRISES = [["统一社会信用代码", "企业名称", "所在区县代码", "国民经济行业代码", "示例数据"]]
for _k in NAMES:
    ENTERPRISES.append([U[_k], f"示例{_k}导入制造有限公司", "430104", "3670", "是"])
    ENTERPRISES.append([V[_k], f"示例{_k}接口制造有限公司", "430104", "3670", "是"])
YEAR_ROWS = {
    "戊": [[2022, 1800, 1500, 200], [2023, 2000, 1700, 251]],
    "己": [[2022, 1800, 1500, 200], [2023, 2000, 1700, 250]],
    "庚": [[2022, 1800, 1500, None], [2023, 2000, 1700, None]],
}
YEARS = [["统一社会信用代码", "年度", "营业收入", "主营业务收入", "利润总额"]]
for _k, _rows in YEAR_ROWS.items():
    for _u in (U[_k], V[_k]):
        YEARS.extend([_u, *r] for r in _rows)
AWARDS = {
    "戊": [
        {"year": 2021, "name": "某省科学技术进步奖", "level": "provincial", "grade": "second",
         "unit_rank": 3, "source": "certified"},
        {"year": 2020, "name": "国家科学技术进步奖", "level": "national", "grade": "second",
         "unit_rank": 1, "source": "certified"},
    ],
    "己": [
        {"year": 2022, "name": "某省技术发明奖", "level": "provincial", "grade": "third",
         "unit_rank": 4, "source": "self_declared"},
    ],
}  # fmt: skip
HONOURS = {
    "戊": [
        {"kind": "high_tech", "valid_from": date(2021, 1, 1), "valid_to": date(2023, 12, 31),
         "source": "certified"},
        {"kind": "little_giant", "valid_from": date(2021, 7, 1), "valid_to": date(2024, 6, 30),
         "source": "certified"},
    ],
    "己": [
        {"kind": "little_giant", "valid_from": date(2020, 7, 1), "valid_to": date(2023, 6, 30),
         "source": "certified"},
    ],
}  # fmt: skip
MARGIN = {"industry_code": "36", "year": 2023, "margin": 0.125, "source_name": "示例统计年鉴表"}
# the yes/no facts the lists may override (己: margins win; 庚: the fact is used)
FACTS = {"己": {"profit_above_industry": "是"}, "庚": {"profit_above_industry": "是"}}

LEVEL_ZH = {"national": "国家级", "provincial": "省级"}
GRADE_ZH = {"second": "二等奖", "third": "三等奖"}


def _import(engine: Engine, folder: Path) -> None:
    import_file(
        engine,
        "enterprises",
        write_xlsx(folder / "e.xlsx", {"企业": ENTERPRISES}),
        principal=SYSTEM,
    )
    import_file(
        engine,
        "enterprise_years",
        write_xlsx(folder / "y.xlsx", {"企业年度数据": YEARS}),
        principal=SYSTEM,
    )
    awards = [["统一社会信用代码", "获奖年度", "奖励名称", "奖励级别", "奖励等级", "获奖单位排名",
               "数据来源"]]  # fmt: skip
    for k, rows in AWARDS.items():
        for a in rows:
            awards.append([U[k], a["year"], a["name"], LEVEL_ZH[a["level"]],
                           GRADE_ZH[a["grade"]], a["unit_rank"], a["source"]])  # fmt: skip
    honours = [["统一社会信用代码", "荣誉类别", "生效日期", "截止日期", "数据来源"]]
    for k, rows in HONOURS.items():
        for h in rows:
            kind = tier_lists.HONOUR_KINDS[h["kind"]][0]
            honours.append([U[k], kind, h["valid_from"], h["valid_to"], "证书核验"])
    book = write_xlsx(folder / "a.xlsx", {"科技奖励": awards, "荣誉": honours})
    import_file(engine, "tier_awards", book, principal=SYSTEM)
    margins = [["行业代码", "年度", "营业收入利润率", "出处"]]
    margins.append(
        [MARGIN["industry_code"], MARGIN["year"], MARGIN["margin"], MARGIN["source_name"]]
    )
    import_file(
        engine,
        "industry_margins",
        write_xlsx(folder / "m.xlsx", {"行业利润率": margins}),
        principal=SYSTEM,
    )
    facts_rows = [["统一社会信用代码", "年度", "数据来源", "盈利能力高于行业平均水平"]]
    facts_rows += [[U[k], 2023, "企业申报", v["profit_above_industry"]] for k, v in FACTS.items()]
    import_file(
        engine,
        "tier_facts",
        write_xlsx(folder / "f.xlsx", {"梯度培育要素": facts_rows}),
        principal=SYSTEM,
    )


def _python(engine: Engine) -> None:
    with session_scope(engine) as s:
        ids = dict(s.execute(select(Enterprise.uscc, Enterprise.id)).all())
        for k in NAMES:
            eid = ids[V[k]]
            for a in AWARDS.get(k, []):
                tier_lists.add_award(s, SYSTEM, eid, tier_lists.parse_award(a))
            for h in HONOURS.get(k, []):
                tier_lists.add_honour(s, SYSTEM, eid, tier_lists.parse_honour(h))
            if k in FACTS:
                facts.set_facts(s, SYSTEM, eid, 2023, FACTS[k], "self_declared")
            s.execute(
                Enterprise.__table__.update()
                .where(Enterprise.id == eid)
                .values(tags=["little_giant"] if k == "己" else [])
            )
        tier_lists.set_industry_margin(s, SYSTEM, tier_lists.parse_margin(MARGIN))


def _tiers(engine: Engine, uscc: str) -> dict[str, object]:
    with session_scope(engine) as s:
        return {t.level: t for t in service.profile(s, SYSTEM, uscc).tiers}


def test_imported_lists_give_the_python_api_decisions(db: Engine, tmp_path: Path) -> None:
    with clock.frozen(TODAY):
        _import(db, tmp_path)
        with session_scope(db) as s:  # 己 was recognised as 小巨人 (its honour has expired)
            s.execute(
                Enterprise.__table__.update()
                .where(Enterprise.uscc == U["己"])
                .values(tags=["little_giant"])
            )
        _python(db)
        for k in NAMES:
            imported, written = _tiers(db, U[k]), _tiers(db, V[k])
            for level, t in imported.items():
                other = written[level]
                assert (t.qualifies, t.determined, t.holds_tag) == (
                    other.qualifies,
                    other.determined,
                    other.holds_tag,
                ), (k, level)
                assert [(c.id, c.actual, c.basis_zh) for c in t.criteria] == [
                    (c.id, c.actual, c.basis_zh) for c in other.criteria
                ], (k, level)
        # the hand-worked values (module docstring)
        wu = _tiers(db, U["戊"])
        srdi = {c.id: c for c in wu["srdi_sme"].criteria}
        assert srdi["provincial_award_top3"].actual is True
        assert "2021 年某省科学技术进步奖二等奖（省级，获奖单位第 3 名）" in (
            srdi["provincial_award_top3"].basis_zh
        )
        assert srdi["provincial_award_top3"].data_source == "certified"
        assert srdi["national_award_top5"].actual is False
        inno = {c.id: c for c in wu["innovative_sme"].criteria}
        assert inno["award"].actual is True
        assert inno["honour"].actual is False
        assert "已于 2023-12-31 到期" in inno["honour"].basis_zh
        champ = {c.id: c for c in wu["champion"].criteria}
        assert champ["profitability"].actual is True
        assert champ["profitability"].data_source == "computed"
        assert "12.55%" in champ["profitability"].basis_zh
        assert wu["little_giant"].holds_tag is True  # honour in force on 2024-03-15

        ji = _tiers(db, U["己"])
        champ = {c.id: c for c in ji["champion"].criteria}
        assert champ["profitability"].actual is False  # 12.5 % is not above 12.5 %
        assert ji["little_giant"].holds_tag is False  # expired 2023-06-30
        srdi = {c.id: c for c in ji["srdi_sme"].criteria}
        assert srdi["provincial_award_top3"].actual is False
        assert {c.id: c for c in ji["innovative_sme"].criteria}["award"].actual is True

        geng = _tiers(db, U["庚"])
        champ = {c.id: c for c in geng["champion"].criteria}
        assert champ["profitability"].actual is True
        assert champ["profitability"].data_source == "self_declared"
        assert champ["profitability"].basis_zh == (
            "无法比较利润率：缺少企业 2023 年利润总额；采用填报的“是/否”"
        )
        inno = {c.id: c for c in geng["innovative_sme"].criteria}
        assert inno["award"].actual is None and inno["award"].basis_zh is None  # 缺失

        # whole-city eligibility counts the tags in force too
        with session_scope(db) as s:
            report = service.eligibility(s, SYSTEM, year=2023)
        held = {lv.level: lv.holds_tag for lv in report.levels}
        assert held["little_giant"] == 2  # 戊 twice (import and API); 己 expired


def test_a_bad_award_row_is_reported_and_nothing_is_written(db: Engine, tmp_path: Path) -> None:
    import_file(
        db, "enterprises", write_xlsx(tmp_path / "e.xlsx", {"企业": ENTERPRISES}), principal=SYSTEM
    )
    rows = [
        ["统一社会信用代码", "获奖年度", "奖励名称", "奖励级别", "获奖单位排名", "数据来源"],
        [U["戊"], 2022, "某省科学技术进步奖", "省级", 2, "证书核验"],
        [U["己"], 2022, "某奖", "区级", 0, "证书核验"],  # level and place
        [make_uscc("430104", random.Random(1)), 2022, "某奖", "省级", 1, "证书核验"],
    ]
    with pytest.raises(ImportRejected) as info:
        import_file(
            db, "tier_awards", write_xlsx(tmp_path / "a.xlsx", {"科技奖励": rows}), principal=SYSTEM
        )
    assert sorted({e.row for e in info.value.errors}) == [3, 4]
    with session_scope(db) as s:
        assert s.scalars(select(TierAward)).first() is None


def test_list_writes_check_the_scope_and_the_enterprise(db: Engine) -> None:
    """A park office cannot write the lists of an enterprise outside its parks (answered like a
    missing one); an award is removed only through its own enterprise."""
    rng = random.Random(3)
    with session_scope(db) as s:
        mine = Enterprise(uscc=make_uscc("430104", rng), name="示例己方", park_id=None)
        other = Enterprise(uscc=make_uscc("430104", rng), name="示例他方", park_id=None)
        s.add_all([mine, other])
        s.flush()
        ids = (mine.id, other.id)
    office = Principal("office-x", "park_office", park_ids=frozenset({999}))
    award = Award(2022, "示例奖", "provincial", None, 1)
    with session_scope(db) as s:
        with pytest.raises(NotFoundError):
            tier_lists.add_award(s, office, ids[0], award)
        with pytest.raises(NotFoundError):
            tier_lists.add_honour(s, office, ids[0], Honour("high_tech", date(2022, 1, 1)))
        theirs = tier_lists.add_award(s, SYSTEM, ids[1], award)
    with session_scope(db) as s, pytest.raises(NotFoundError):
        tier_lists.remove_entry(s, SYSTEM, ids[0], TierAward, theirs)  # not 己方's award
    with session_scope(db) as s:
        assert s.get(TierAward, theirs) is not None
        tier_lists.remove_entry(s, SYSTEM, ids[1], TierAward, theirs)
    with session_scope(db) as s:
        assert s.get(TierAward, theirs) is None
