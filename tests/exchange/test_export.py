"""Export: round trips, the provenance sheet, CSV for Excel, permission filtering."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.core.errors import ImportRejected, PermissionDenied, ValidationError
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.exchange.service import export, import_file
from gaodi.models import Chain, EnterpriseLink, Park
from tests.exchange.helpers import (
    CITY,
    USCCS,
    adopt_imported_plans,
    load_city,
    table_counts,
    write_xlsx,
)


def data_sheets(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Cell values of every data sheet (not 说明, not the hidden code lists)."""
    wb = load_workbook(path)
    return {
        ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)]
        for ws in wb.worksheets
        if ws.title not in ("说明", "代码表 lists")
    }


def info_text(path: Path) -> str:
    wb = load_workbook(path, read_only=True)
    text = "\n".join(str(v) for r in wb["说明"].iter_rows(values_only=True) for v in r if v)
    wb.close()
    return text


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_import_export_round_trips_exactly(
    db: Engine, other_db: Engine, tmp_path: Path, suffix: str
) -> None:
    load_city(db, tmp_path)
    # a CSV file holds one sheet: chains, plans and projects travel with their links, actions
    # and annual plans in a workbook, as separate entities in CSV
    entities = list(CITY)
    if suffix == ".csv":
        entities.insert(entities.index("chains") + 1, "links")
        entities.insert(entities.index("plans") + 1, "actions")
        entities.insert(entities.index("projects") + 1, "project_year_plans")
    for entity in entities:
        first = tmp_path / f"{entity}.first{suffix}"
        export(db, entity, first, principal=SYSTEM)
        if entity == "plans":
            # the exported plan is adopted (已印发): an import does not adopt, it says how to
            with pytest.raises(ImportRejected) as refused:
                import_file(other_db, entity, first, principal=SYSTEM)
            assert "gaodi plan adopt" in refused.value.errors[0].reason_en
            assert table_counts(other_db).get("plan") == 0
            first = as_draft(first, tmp_path / f"{entity}.draft{suffix}")
        report = import_file(other_db, entity, first, principal=SYSTEM)
        assert report.created == report.rows > 0, entity
        if entity == "targets":
            adopt_imported_plans(other_db)  # the one adoption step, with its checks
    for entity in entities:
        # once adopted there as here, every entity exports the same file
        first, second = tmp_path / f"{entity}.first{suffix}", tmp_path / f"{entity}.second{suffix}"
        export(other_db, entity, second, principal=SYSTEM)
        if suffix == ".csv":
            assert first.read_bytes() == second.read_bytes(), entity
        else:
            assert data_sheets(first) == data_sheets(second), entity
    # and a second import of the same export changes nothing (an adopted plan stays adopted)
    for entity in entities:
        report = import_file(
            other_db, entity, tmp_path / f"{entity}.first{suffix}", mode="upsert", principal=SYSTEM
        )
        assert report.unchanged == report.rows and report.created == report.updated == 0, entity


def as_draft(path: Path, out: Path) -> Path:
    """The exported plans file with 已印发 turned into 草稿 (the plans' status column)."""
    if path.suffix == ".csv":
        out.write_text(path.read_text(encoding="utf-8-sig").replace("已印发", "草稿"), "utf-8-sig")
        return out
    book = load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value == "已印发":
                    cell.value = "草稿"
    book.save(out)
    return out


def test_exported_values(db: Engine, tmp_path: Path) -> None:
    load_city(db, tmp_path)
    path = tmp_path / "links.xlsx"
    assert export(db, "chains", path, principal=SYSTEM) == {"chains": 1, "links": 3}
    sheets = data_sheets(path)
    assert list(sheets) == ["产业链 chains", "产业链环节 links"]
    header, *rows = sheets["产业链环节 links"]
    assert header[:5] == (
        "*产业链代码\nchain_code",
        "*环节代码\ncode",
        "上级环节代码\nparent_code",
        "*环节名称\nname",
        "*上中下游\nsegment",
    )
    by_code = {r[1]: dict(zip([h.split("\n")[1] for h in header], r, strict=True)) for r in rows}
    assert by_code["hydraulics"]["parent_code"] == "parts"
    assert by_code["parts"]["segment"] == "上游" and by_code["parts"]["key_link"] == "是"
    assert by_code["parts"]["industry_codes"] == "3444、3451"


def test_provenance_sheet(db: Engine, tmp_path: Path) -> None:
    load_city(db, tmp_path)
    path = tmp_path / "parks.xlsx"
    export(db, "parks", path, principal=Principal(username="demo_analyst", role="analyst"))
    text = info_text(path)
    assert "示例数据 (synthetic demo data)：2 行为虚构的示例数据" in text
    # the user with their role, as every report names who made it
    assert "生成人：demo_analyst（分析员）" in text
    assert "Generated by: demo_analyst (Analyst)" in text
    assert "生成时间：" in text and "数据截至：" in text
    # the command line's own operator is named as reports name it, not by the OS account
    operator = tmp_path / "parks-cli.xlsx"
    export(db, "parks", operator, principal=Principal(username="cli:root", role="admin"))
    text = info_text(operator)
    assert "生成人：系统管理员（命令行）" in text and "cli:" not in text
    assert "生成时间：" in text and "数据截至：" in text
    # the column list is there too, so the export doubles as a template
    assert "area_mu" in text and "国家级（national）" in text


def test_csv_has_a_bom_and_crlf(db: Engine, tmp_path: Path) -> None:
    load_city(db, tmp_path)
    path = tmp_path / "parks.csv"
    export(db, "parks", path, principal=SYSTEM)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data[3:].decode("utf-8").split("\r\n")
    assert lines[0].startswith("*园区名称 name,简称 short_name,*级别 level")
    assert lines[1].startswith("示例高新技术产业开发区,,国家级,高新技术产业开发区,430104,9000,")


def test_filters(db: Engine, tmp_path: Path) -> None:
    load_city(db, tmp_path)
    path = tmp_path / "y.csv"
    assert export(db, "enterprise_years", path, filters={"year": 2023}, principal=SYSTEM) == {
        "enterprise_years": 2
    }
    assert export(
        db, "observations", path, filters={"chain": "demo_machinery"}, principal=SYSTEM
    ) == {"observations": 1}
    assert export(
        db, "enterprises", path, filters={"park": "示例经济开发区"}, principal=SYSTEM
    ) == {"enterprises": 1}
    with pytest.raises(ValidationError, match="does not apply"):
        export(db, "parks", path, filters={"year": 2023}, principal=SYSTEM)
    with pytest.raises(ValidationError, match="does not exist"):
        export(db, "enterprises", path, filters={"chain": "demo_nothing"}, principal=SYSTEM)


def test_chain_office_exports_only_its_chain(db: Engine, tmp_path: Path) -> None:
    load_city(db, tmp_path)
    # a second chain with one enterprise on it
    other = [["产业链代码", "产业链名称"], ["demo_other", "示例另一产业链"]]
    links = [
        ["产业链代码", "环节代码", "环节名称", "上中下游"],
        ["demo_other", "x", "示例环节", "上游"],
    ]
    import_file(
        db,
        "chains",
        write_xlsx(tmp_path / "c2.xlsx", {"产业链": other, "links": links}),
        principal=SYSTEM,
    )
    assigned = [["uscc", "chain_code", "link_code"], [USCCS[2], "demo_other", "x"]]
    import_file(
        db, "enterprise_links", write_xlsx(tmp_path / "a2.xlsx", {"s": assigned}), principal=SYSTEM
    )
    with session_scope(db) as s:
        chains = dict(s.execute(select(Chain.code, Chain.id)).all())
    office = Principal(
        username="demo_chain_office",
        role="chain_office",
        chain_ids=frozenset({chains["demo_machinery"]}),
    )
    path = tmp_path / "mine.csv"
    # enterprises USCCS[0] and USCCS[1] are on demo_machinery links; USCCS[2] only on demo_other
    assert export(db, "enterprises", path, principal=office) == {"enterprises": 2}
    text = path.read_text(encoding="utf-8-sig")
    assert USCCS[0] in text and USCCS[1] in text and USCCS[2] not in text
    assert export(db, "enterprise_years", path, principal=office) == {"enterprise_years": 3}
    assert export(db, "enterprise_links", path, principal=office) == {"enterprise_links": 2}
    assert export(db, "chains", path, principal=office) == {"chains": 1}
    # the two city-level observations and its chain's; not the park's
    assert export(db, "observations", path, principal=office) == {"observations": 3}
    assert "示例高新技术产业开发区" not in path.read_text(encoding="utf-8-sig")
    # an enterprise user may not read chains at all
    with pytest.raises(PermissionDenied):
        export(db, "chains", path, principal=Principal(username="demo_ent", role="enterprise"))


def test_scoped_import_is_limited_to_its_scope(db: Engine, tmp_path: Path) -> None:
    load_city(db, tmp_path)
    with session_scope(db) as s:
        park_id = s.scalars(select(Park.id).where(Park.name == "示例经济开发区")).one()
    office = Principal(
        username="demo_park_office", role="park_office", park_ids=frozenset({park_id})
    )
    rows = [
        ["指标代码", "范围", "范围对象", "期间", "数值"],
        ["demo_firms", "园区", "示例经济开发区", "2024", 3],  # its own park: fine
        ["demo_firms", "园区", "示例高新技术产业开发区", "2024", 3],
    ]  # another park
    before = table_counts(db)
    from gaodi.core.errors import ImportRejected

    with pytest.raises(ImportRejected) as err:
        import_file(
            db, "observations", write_xlsx(tmp_path / "o.xlsx", {"s": rows}), principal=office
        )
    # the other park is outside the office's scope: refused as if it did not exist
    assert [(e.row, e.column) for e in err.value.errors] == [(3, "范围对象")]
    assert err.value.errors[0].reason_zh == (
        "找不到园区名称为“示例高新技术产业开发区”的对象，或你无权报送该范围的数据。"
    )
    assert table_counts(db) == before
    # a park office may not change chains
    with pytest.raises(PermissionDenied):
        import_file(db, "chains", tmp_path / "chains.xlsx", principal=office)
    with session_scope(db) as s:
        assert s.scalars(select(EnterpriseLink)).all()


def test_enterprise_user_exports_itself_and_no_other_lists(db: Engine, tmp_path: Path) -> None:
    from gaodi.models import Enterprise

    load_city(db, tmp_path)
    with session_scope(db) as s:
        me = s.scalars(select(Enterprise.id).where(Enterprise.uscc == USCCS[1])).one()
    user = Principal(username="demo_firm", role="enterprise", enterprise_ids=frozenset({me}))
    path = tmp_path / "me.xlsx"
    assert export(db, "enterprises", path, principal=user) == {"enterprises": 1}
    wb = load_workbook(path)
    assert [r[0] for r in wb["企业 enterprises"].iter_rows(min_row=2, values_only=True)] == [
        USCCS[1]
    ]
    # the drop-down lists offer no park names: an enterprise user may not read parks
    lists = [v for r in wb["代码表 lists"].iter_rows(values_only=True) for v in r if v]
    assert "示例经济开发区" not in lists and "ref:park" not in lists
