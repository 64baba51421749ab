"""Every kind of bad row is refused with the right cells, and nothing at all is written.

Each test counts the rows of every table before and after the refused import.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from gaodi.core.codes import USCC_CHARSET
from gaodi.core.errors import CellError, ImportRejected, ValidationError
from gaodi.core.permissions import SYSTEM
from gaodi.exchange.service import import_file
from tests.exchange.helpers import CITY, USCCS, load_city, table_counts, write_csv, write_xlsx


@pytest.fixture
def city(db: Engine, tmp_path: Path) -> Iterator[Engine]:
    """The synthetic city, fully loaded, on each backend."""
    load_city(db, tmp_path)
    yield db


def rejected(engine: Engine, entity: str, path: Path, **kwargs: Any) -> list[CellError]:
    before = table_counts(engine)
    with pytest.raises(ImportRejected) as err:
        import_file(engine, entity, path, **{"principal": SYSTEM, **kwargs})
    assert table_counts(engine) == before, "a refused import must write nothing"
    return err.value.errors


def cells(errors: list[CellError]) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in errors}


def reason(errors: list[CellError], row: int, column: str) -> str:
    return next(e.reason_en for e in errors if (e.row, e.column) == (row, column))


WRONG_CHECK = next(c for c in USCC_CHARSET if c != USCCS[5][17])


def test_every_kind_of_bad_enterprise_cell(city: Engine, tmp_path: Path) -> None:
    rows = [
        [
            "统一社会信用代码",
            "企业名称",
            "所在区县代码",
            "所在园区",
            "国民经济行业代码",
            "成立日期",
            "示例数据",
        ],
        [USCCS[3], "示例正确企业", "430104", "", "3511", "2020-01-01", "是"],  # row 2: fine
        [USCCS[5][:17] + WRONG_CHECK, "示例甲", "430104", "", "3511", "", ""],  # 3: check char
        [USCCS[6], "", "430104", "", "3511", "", ""],  # 4: required
        [USCCS[7], "示例乙", "999999", "", "9999", "", ""],  # 5: codes
        [USCCS[8], "示例丙", "430104", "不存在的园区", "3511", "昨天", "也许"],  # 6: ref, types
        [USCCS[3], "示例重复", "430104", "", "3511", "", ""],  # 7: dup of 2
        [USCCS[0], "示例已存在", "430104", "", "3511", "", ""],  # 8: in DB
    ]
    errors = rejected(city, "enterprises", write_xlsx(tmp_path / "e.xlsx", {"企业": rows}))
    assert cells(errors) == {
        (3, "统一社会信用代码"),
        (4, "企业名称"),
        (5, "所在区县代码"),
        (5, "国民经济行业代码"),
        (6, "所在园区"),
        (6, "成立日期"),
        (6, "示例数据"),
        (7, "统一社会信用代码"),
        (8, "统一社会信用代码"),
    }
    assert {e.sheet for e in errors} == {"企业"}
    assert reason(errors, 3, "统一社会信用代码").endswith(
        f"expected '{USCCS[5][17]}', found '{WRONG_CHECK}'."
    )
    assert reason(errors, 4, "企业名称") == "Required value is missing."
    assert "999999" in reason(errors, 5, "所在区县代码")
    assert "not in GB/T 4754-2017" in reason(errors, 5, "国民经济行业代码")
    assert reason(errors, 6, "所在园区").startswith("Park '不存在的园区' does not exist")
    assert "not a valid date" in reason(errors, 6, "成立日期")
    assert "not yes/no" in reason(errors, 6, "示例数据")
    assert reason(errors, 7, "统一社会信用代码") == "Duplicates row 2 (same uscc)."
    assert "already exists" in reason(errors, 8, "统一社会信用代码")
    # Chinese reasons and the values as the user typed them come along
    e = next(e for e in errors if e.row == 6 and e.column == "成立日期")
    assert e.value == "昨天" and "不是有效日期" in e.reason_zh
    # errors are listed in reading order: by row, then column position
    assert [(e.row, e.column) for e in errors][:3] == [
        (3, "统一社会信用代码"),
        (4, "企业名称"),
        (5, "所在区县代码"),
    ]


def test_bad_types_and_unknown_enterprise_in_yearly_figures(city: Engine, tmp_path: Path) -> None:
    rows = [
        ["uscc", "year", "revenue", "employees", "debt_ratio"],
        [USCCS[2], 2023, "abc", 10.5, -0.1],  # bad number, fractional people, negative ratio
        [USCCS[9], 2023, 100, 10, 0.5],  # no such enterprise in the database
        [USCCS[2], "二〇二三", 100, 10, 0.5],  # year not a number
    ]
    errors = rejected(city, "enterprise_years", write_xlsx(tmp_path / "y.xlsx", {"s": rows}))
    assert cells(errors) == {
        (2, "revenue"),
        (2, "employees"),
        (2, "debt_ratio"),
        (3, "uscc"),
        (4, "year"),
    }
    assert reason(errors, 2, "revenue") == "'abc' is not a number."
    assert reason(errors, 2, "employees") == "Expected a whole number, got 10.5."
    assert (
        reason(errors, 3, "uscc")
        == f"No enterprise with USCC {USCCS[9]}; import the enterprise first."
    )


def test_duplicate_against_the_database_only_in_insert_mode(city: Engine, tmp_path: Path) -> None:
    rows = [["uscc", "year", "revenue"], [USCCS[0], 2023, 1.0]]
    path = write_xlsx(tmp_path / "y.xlsx", {"s": rows})
    errors = rejected(city, "enterprise_years", path)
    assert reason(errors, 2, "uscc") == (
        f"A record with this key ({USCCS[0]} 2023 年) already exists; to update it, import in "
        "update mode (更新 on the import page, --mode upsert on the command line)."
    )
    assert import_file(city, "enterprise_years", path, mode="upsert", principal=SYSTEM).updated == 1


def test_bad_links(city: Engine, tmp_path: Path) -> None:
    chains = [["产业链代码", "产业链名称"], ["demo_new", "示例新产业链"]]
    links = [
        ["产业链代码", "环节代码", "上级环节代码", "环节名称", "上中下游", "行业代码"],
        ["demo_new", "a", "", "示例甲", "上游", "3444"],  # 2: fine
        ["demo_new", "b", "zzz", "示例乙", "中游", ""],  # 3: unknown parent
        ["demo_none", "c", "", "示例丙", "下游", ""],  # 4: unknown chain
        ["demo_new", "d", "e", "示例丁", "旁游", "99"],  # 5: bad segment, bad code
        ["demo_new", "e", "d", "示例戊", "下游", ""],  # 6: d <-> e is a cycle
        ["demo_new", "a", "", "示例重复", "上游", ""],  # 7: duplicate of row 2
    ]
    path = write_xlsx(tmp_path / "c.xlsx", {"产业链": chains, "环节 links": links})
    errors = rejected(city, "chains", path)
    assert cells(errors) == {
        (3, "上级环节代码"),
        (4, "产业链代码"),
        (5, "上中下游"),
        (5, "行业代码"),
        (5, "上级环节代码"),
        (6, "上级环节代码"),
        (7, "产业链代码"),
    }
    assert reason(errors, 3, "上级环节代码") == "Parent link 'zzz' is not in chain 'demo_new'."
    assert reason(errors, 4, "产业链代码").startswith("Chain 'demo_none' does not exist")
    assert reason(errors, 6, "上级环节代码") == "The parents of link 'e' form a cycle."
    assert {e.sheet for e in errors} == {"环节 links"}


def test_bad_enterprise_links(city: Engine, tmp_path: Path) -> None:
    rows = [
        ["统一社会信用代码", "产业链代码", "环节代码", "来源", "置信度"],
        [USCCS[2], "demo_machinery", "nowhere", "人工", 1],  # 2: unknown link
        [USCCS[2], "demo_other", "parts", "人工", 1],  # 3: unknown chain
        [USCCS[2], "demo_machinery", "parts", "规则", 0.5],  # 4: rule rows come from mapping
        [USCCS[2], "demo_machinery", "assembly", "人工", 1.5],  # 5: confidence above 1
    ]
    errors = rejected(city, "enterprise_links", write_xlsx(tmp_path / "l.xlsx", {"s": rows}))
    assert cells(errors) == {(2, "环节代码"), (3, "产业链代码"), (4, "来源"), (5, "置信度")}
    assert reason(errors, 2, "环节代码") == "Link 'nowhere' is not in chain 'demo_machinery'."
    assert "cannot be imported" in reason(errors, 4, "来源")
    assert reason(errors, 5, "置信度") == "Value 1.5 is above the maximum 1."


def test_bad_targets(city: Engine, tmp_path: Path) -> None:
    rows = [
        [
            "规划",
            "行动编号",
            "指标代码",
            "指标名称",
            "目标值",
            "目标上限",
            "单位",
            "目标年份",
            "范围",
            "范围对象",
        ],
        ["示例不存在的规划", "", "demo_output", "", 1, None, "亿元", 2025, "全市", ""],  # 2
        ["示例先进制造业行动计划", "9", "demo_nothing", "", 1, None, "亿元", 2025, "全市", ""],  # 3
        ["示例先进制造业行动计划", "", "", "", 1, None, "亿元", 2025, "全市", ""],  # 4
        ["示例先进制造业行动计划", "", "demo_output", "", 5, 3, "亿元", 2025, "园区", ""],  # 5
        [
            "示例先进制造业行动计划",
            "",
            "demo_output",
            "",
            5,
            None,
            "亿元",
            2025,
            "园区",
            "示例不存在园区",
        ],  # 6
    ]
    errors = rejected(city, "targets", write_xlsx(tmp_path / "t.xlsx", {"s": rows}))
    assert cells(errors) == {
        (2, "规划"),
        (3, "行动编号"),
        (3, "指标代码"),
        (4, "指标代码"),
        (5, "目标上限"),
        (5, "范围对象"),
        (6, "范围对象"),
    }
    assert (
        reason(errors, 2, "规划")
        == "Plan '示例不存在的规划' does not exist; import the plan first."
    )
    assert reason(errors, 3, "行动编号") == "The plan has no action numbered '9'."
    assert (
        reason(errors, 3, "指标代码") == "Indicator 'demo_nothing' does not exist; import it first."
    )
    assert reason(errors, 5, "目标上限") == "The upper value 3 is below the value 5."
    assert reason(errors, 6, "范围对象") == "No park with park name '示例不存在园区'."


def test_bad_observations(city: Engine, tmp_path: Path) -> None:
    rows = [
        ["指标代码", "范围", "范围对象", "期间", "数值", "口径"],
        ["demo_output", "全市", "", "2023-13", 1, "累计值"],  # 2: bad period
        ["demo_nothing", "全市", "", "2023-06", 1, "累计值"],  # 3: unknown indicator
        ["demo_output", "产业链", "", "2023-06", 1, "累计值"],  # 4: scope needs a chain
        ["demo_output", "产业链", "demo_nope", "2023-06", 1, "累计值"],  # 5: unknown chain
        ["demo_output", "全市", "", "2023-07", "一百", "环比"],  # 6: value, kind
        ["demo_output", "全市", "", "2023-07", 560, "累计值"],  # 7: fine
        ["demo_output", "全市", "", "2023-7", 2, "累计值"],  # 8: same key as row 7
    ]
    errors = rejected(city, "observations", write_xlsx(tmp_path / "o.xlsx", {"s": rows}))
    assert cells(errors) == {
        (2, "期间"),
        (3, "指标代码"),
        (4, "范围对象"),
        (5, "范围对象"),
        (6, "数值"),
        (6, "口径"),
        (8, "期间"),
    }
    assert reason(errors, 2, "期间").startswith("Unrecognised period '2023-13'")
    assert reason(errors, 8, "期间") == "Duplicates row 7."


def test_missing_and_unknown_columns_are_named(city: Engine, tmp_path: Path) -> None:
    rows = [["企业名称", "所在园区", "注册资本"], ["示例", "", "100"]]
    errors = rejected(city, "enterprises", write_xlsx(tmp_path / "e.xlsx", {"企业": rows}))
    assert cells(errors) == {(1, "注册资本"), (1, "*统一社会信用代码 uscc")}
    assert (
        reason(errors, 1, "*统一社会信用代码 uscc")
        == "Missing required column 'uscc' (统一社会信用代码)."
    )
    assert reason(errors, 1, "注册资本").startswith("Unknown column '注册资本'")


def test_wrong_entity_gets_a_hint(city: Engine, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "p.xlsx", {"Sheet1": CITY["parks"]["园区 parks"]})
    errors = rejected(city, "enterprises", path)
    assert any("look like '园区 parks'" in e.reason_en for e in errors)


def test_wrong_sheet(city: Engine, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "p.xlsx", {"甲": [["园区名称"], ["x"]], "乙": [["x"], ["y"]]})
    before = table_counts(city)
    with pytest.raises(ValidationError) as err:
        import_file(city, "parks", path, principal=SYSTEM)
    assert "No sheet 园区 parks" in err.value.en and "甲, 乙" in err.value.en
    assert table_counts(city) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        ("园区名称,级别\r\n".encode(), "headers but no data rows"),
        (b"name,level\r\n\xff\xfe\xfd\x80,x\r\n", "Cannot decode"),
    ],
)
def test_unusable_csv_files(city: Engine, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(content)
    before = table_counts(city)
    with pytest.raises(ValidationError, match=message):
        import_file(city, "parks", path, principal=SYSTEM)
    assert table_counts(city) == before


def test_not_an_excel_file(city: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", CITY["parks"]["园区 parks"]).rename(tmp_path / "p.xlsx")
    before = table_counts(city)
    with pytest.raises(ValidationError, match="not a valid Excel workbook"):
        import_file(city, "parks", path, principal=SYSTEM)
    assert table_counts(city) == before


def test_error_report_lists_every_cell(city: Engine, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    rows = [["园区名称", "级别"], ["示例新园区", "市级"], ["", "省级"]]
    report = tmp_path / "errors.xlsx"
    errors = rejected(
        city, "parks", write_xlsx(tmp_path / "p.xlsx", {"园区": rows}), report_path=report
    )
    sheet = load_workbook(report)["错误 errors"]
    got = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=2)]
    assert [(r[0], r[1], r[2]) for r in got] == [("园区", 2, "级别"), ("园区", 3, "园区名称")]
    assert (
        got[0][3] == "市级"
        and got[0][4] == errors[0].reason_zh
        and got[0][5] == errors[0].reason_en
    )


def test_a_refused_import_of_a_big_file_writes_nothing(city: Engine, tmp_path: Path) -> None:
    """500 good rows and one bad one at the end: still nothing written."""
    import random

    from gaodi.core.codes import make_uscc

    rng = random.Random(5)
    rows: list[list[Any]] = [["统一社会信用代码", "企业名称"]]
    seen = set(USCCS)
    while len(rows) < 501:
        code = make_uscc("430104", rng)
        if code not in seen:
            seen.add(code)
            rows.append([code, f"示例批量企业{len(rows)}"])
    rows.append(["not-a-uscc", "示例坏行"])
    errors = rejected(city, "enterprises", write_csv(tmp_path / "big.csv", rows))
    assert [(e.row, e.column) for e in errors] == [(502, "统一社会信用代码")]


def test_a_sheet_that_would_be_ignored_stops_the_import(city: Engine, tmp_path: Path) -> None:
    sheets = {
        "园区 parks": [["园区名称", "级别"], ["示例新园区", "省级"]],
        "补充数据": [["园区名称", "级别"], ["示例另一园区", "省级"]],
    }
    before = table_counts(city)
    with pytest.raises(ValidationError) as err:
        import_file(city, "parks", write_xlsx(tmp_path / "p.xlsx", sheets), principal=SYSTEM)
    assert "Sheet(s) 补充数据 are not part of 'parks'" in err.value.en
    assert table_counts(city) == before


def test_implausible_observation_needs_a_reason(city: Engine, tmp_path: Path) -> None:
    """The plans feature's entry checks run on import: a running total that falls within the
    year (the city already reported 480.5 for 2023-06) is refused unless the comment says why;
    with a reason it is accepted and the confirmation is noted."""
    header = ["指标代码", "范围", "范围对象", "期间", "数值", "口径", "说明"]
    fall = ["demo_output", "全市", "", "2023-07", 100, "累计值", ""]
    errors = rejected(city, "observations", write_xlsx(tmp_path / "a.xlsx", {"s": [header, fall]}))
    assert cells(errors) == {(2, "数值")}
    assert "480.5" in reason(errors, 2, "数值")
    assert "comment column" in reason(errors, 2, "数值")
    explained = [*fall[:6], "口径调整：剔除迁出企业"]
    report = import_file(
        city,
        "observations",
        write_xlsx(tmp_path / "b.xlsx", {"s": [header, explained]}),
        principal=SYSTEM,
    )
    assert report.created == 1
    from sqlalchemy import select

    from gaodi.db import session_scope
    from gaodi.models import Observation

    with session_scope(city) as s:
        row = s.scalars(select(Observation).where(Observation.period == "2023-07")).one()
        assert row.value == 100
        assert row.comment.startswith("口径调整：剔除迁出企业 [已确认 confirmed:")


def test_a_whole_number_beyond_64_bits_is_named_not_sent_to_the_database(
    city: Engine, tmp_path: Path
) -> None:
    """1e20 people is a whole number that no database column holds (64 bits hold up to about
    9.2e18); it reached the database and failed there. The cell is now named, nothing written."""
    before = table_counts(city)
    rows = [["uscc", "year", "revenue", "employees"], [USCCS[2], 2023, 100, 1e20]]
    errors = rejected(city, "enterprise_years", write_xlsx(tmp_path / "y.xlsx", {"s": rows}))
    assert cells(errors) == {(2, "employees")}
    assert "too large to store as a whole number" in reason(errors, 2, "employees")
    assert table_counts(city) == before
