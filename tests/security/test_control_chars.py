"""Control characters never reach storage, and stored ones never break an export or a report.

``\\x0b`` (vertical tab: Word's soft line break) and ``\\x1d`` (group separator) are the two the
issue met; XML 1.0 forbids both, so openpyxl and python-docx raised and every export and report
showing such a text answered 500 for everyone.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.accounts import service as accounts
from gaodi.cli import app
from gaodi.core.errors import ImportRejected
from gaodi.core.permissions import SYSTEM
from gaodi.core.text_safety import CleanStr, clean_text
from gaodi.db import session_scope
from gaodi.exchange.service import export, import_file
from gaodi.models import Park
from gaodi.reports.model import Column, Heading, Paragraph, Report, Table
from gaodi.reports.render import render
from tests.exchange.helpers import PARKS, write_csv
from tests.web.conftest import make_site
from tests.web.helpers import login, post_form
from tests.web.seed import PASSWORD

_XML_CHAR = st.characters(blacklist_categories=("Cs",))


@given(st.text(alphabet=_XML_CHAR))
def test_clean_text_leaves_only_what_xml_allows(value: str) -> None:
    out = clean_text(value)
    assert all(ch in "\t\n\r" or (ord(ch) >= 0x20 and not 0x7F <= ord(ch) <= 0x9F) for ch in out)
    assert clean_text(out) == out


def test_vertical_tab_becomes_a_line_break() -> None:
    assert clean_text("第一行\x0b第二行\x1d") == "第一行\n第二行"


def test_every_orm_write_is_cleaned(db: Engine) -> None:
    with session_scope(db) as s:
        s.add(Park(name="示例\x0b园区\x1d", level="provincial"))
    with session_scope(db) as s:
        park = s.scalars(select(Park)).one()
        assert park.name == "示例\n园区"
        park.name = "改\x07名"
    with session_scope(db) as s:
        assert s.scalars(select(Park.name)).one() == "改名"


def test_an_imported_cell_with_a_control_character_is_refused_by_row_and_column(
    db: Engine, tmp_path: Path
) -> None:
    rows = [
        PARKS[0],
        ["示例\x1d导入园区", *PARKS[1][1:]],
        [*PARKS[2][:5], "电子\x0b信息、新材料", "是"],
    ]
    with pytest.raises(ImportRejected) as caught:
        import_file(db, "parks", write_csv(tmp_path / "p.csv", rows), principal=SYSTEM)
    found = [(e.row, e.column, e.reason_zh, e.reason_en) for e in caught.value.errors]
    assert found == [
        (2, "园区名称", "含有不可见的控制字符（U+001D），请删除后重试。",
         "Contains an invisible control character (U+001D); delete it and try again."),
        (3, "主导产业", "含有不可见的控制字符（U+000B），请删除后重试。",
         "Contains an invisible control character (U+000B); delete it and try again."),
    ]  # fmt: skip
    with session_scope(db) as s:
        assert s.scalars(select(Park.name)).all() == []


@given(st.text(alphabet=_XML_CHAR))
def test_clean_str_accepts_exactly_the_texts_clean_text_leaves_alone(value: str) -> None:
    class Model(BaseModel):
        name: CleanStr

    if clean_text(value) == value:
        assert Model(name=value).name == value
    else:
        with pytest.raises(PydanticValidationError) as caught:
            Model(name=value)
        (err,) = caught.value.errors()
        assert err["type"] == "control_character" and err["loc"] == ("name",)


def test_a_legacy_row_with_control_characters_still_exports(db: Engine, tmp_path: Path) -> None:
    # Written past the ORM, as text stored before the rule existed would be.
    with session_scope(db) as s:
        s.add(Park(name="示例旧园区", level="provincial"))
    with db.begin() as conn:
        conn.execute(text("UPDATE park SET name = :n"), {"n": "示例\x0b旧\x1d园区"})
    export(db, "parks", tmp_path / "p.xlsx", principal=SYSTEM)
    assert load_workbook(tmp_path / "p.xlsx")["园区 parks"]["A2"].value == "示例\n旧园区"
    export(db, "parks", tmp_path / "p.csv", principal=SYSTEM)
    assert "示例\n旧园区" in (tmp_path / "p.csv").read_text(encoding="utf-8-sig")


def test_reports_render_text_with_control_characters(tmp_path: Path) -> None:
    report = Report(
        kind="chain", lang="zh", title="示例\x0b报告", subtitle="副\x1d标题", issuer="示例局",
        date=dt.date(2023, 6, 30), is_demo=True,
    )  # fmt: skip
    report.add(
        Heading(1, "环节\x0b名称"),
        Paragraph("诉求\x1d标题", lead="要点\x0b"),
        Table([Column("名称")], [["链\x0b环节"]], caption="表\x1d"),
    )
    out = render(report, "docx", tmp_path / "r.docx")
    body = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "诉求标题" in body and "\x1d" not in body
    xlsx = render(report, "xlsx", tmp_path / "r.xlsx")
    values = [c.value for ws in load_workbook(xlsx).worksheets for r in ws.iter_rows() for c in r]
    assert "链\n环节" in values


# ---------------------------------------------------------------------------- refused at input


def test_the_json_api_refuses_a_control_character_naming_the_field(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    with session_scope(site.engine, actor="test") as s:
        _row, token = accounts.create_token(
            s, accounts.get_user(s, "t-admin"), "script", principal=SYSTEM
        )
    auth = {"Authorization": f"Bearer {token}"}
    body = {
        "enterprise_id": site.world.ids["e1"], "category": "financing",
        "title": "融资\x1d诉求", "text": "正文",
    }  # fmt: skip
    response = site.client().post("/api/v1/appeals", json=body, headers=auth)
    assert response.status_code == 422, response.text
    data = response.json()
    assert [(d["field"], d["type"]) for d in data["detail"]] == [("title", "control_character")]
    # named as the appeal form names it (标题), not by its key (参数“title”), with the character
    assert "标题含有不可见的控制字符（U+001D）" in data["message"], data["message"]
    assert data["detail"][0]["message"] == (
        "含有不可见的控制字符（U+001D），请删除后重试。 / "
        "Contains an invisible control character (U+001D); delete it and try again."
    )
    project = {
        "name": "\x0b项目", "chain_id": site.world.ids["chain_a"], "investor_name": "投资方",
        "total_investment": 100, "signed_on": "2023-01-05",
    }  # fmt: skip
    response = site.client().post("/api/v1/projects", json=project, headers=auth)
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["detail"]] == ["name"]
    # a body model declared with plain str (chains/api.py) meets the net under every operation
    ids = site.world.ids
    url = f"/api/v1/chains/{ids['chain_a']}/links/{ids['a2']}/assign"
    assignment = {"enterprise": site.world.uscc["e1"], "note": "备\x0b注"}
    response = site.client().post(url, json=assignment, headers=auth)
    assert response.status_code == 422, response.text
    data = response.json()
    assert data["context"] == {"field": "note"}
    assert data["message_zh"] == "note：含有不可见的控制字符（U+000B），请删除后重试。"
    assert data["message_en"] == (
        "note: Contains an invisible control character (U+000B); delete it and try again."
    )
    with session_scope(site.engine) as s:
        assert s.scalar(text("SELECT count(*) FROM appeal")) == 0
        assert s.scalar(text("SELECT count(*) FROM project")) == 0
        assert s.scalar(text("SELECT count(*) FROM enterprise_link")) == 4  # as seeded
    site.engine.dispose()


def test_a_web_form_refuses_a_control_character_next_to_the_field(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    client = site.client()
    csrf = login(client, site.world.users["admin"], PASSWORD)
    form = {
        "enterprise_id": str(site.world.ids["e1"]), "category": "financing",
        "title": "融资\x1d诉求", "text": "正文",
    }  # fmt: skip
    response = post_form(client, "/appeals", form, csrf)
    assert response.status_code == 422
    assert "请删除此栏中不可见的控制字符（U+001D）后重试。" in response.text
    with session_scope(site.engine) as s:
        assert s.scalar(text("SELECT count(*) FROM appeal")) == 0
    client.cookies.set("gaodi_lang", "en")
    response = post_form(client, "/appeals", form, csrf)
    assert "Delete the invisible control character (U+001D) from this field" in response.text
    site.engine.dispose()


def test_the_cli_refuses_a_control_character_naming_the_option(demo_db: Engine) -> None:
    with session_scope(demo_db) as s:
        target_id = s.scalar(text("SELECT min(id) FROM target"))
        before = s.scalar(text("SELECT note FROM target WHERE id = :i"), {"i": target_id})
    result = CliRunner().invoke(app, ["plan", "target", str(target_id), "--note", "备\x0b注"])
    assert result.exit_code == 2, result.output
    assert "note：含有不可见的控制字符（U+000B）" in result.output
    assert "note: Contains an invisible control character (U+000B)" in result.output
    with session_scope(demo_db) as s:
        assert s.scalar(text("SELECT note FROM target WHERE id = :i"), {"i": target_id}) == before
    # every command, whatever it does with its options (here a search with no model)
    result = CliRunner().invoke(app, ["enterprises", "search", "--chain", "CM\x1d"])
    assert result.exit_code == 2, result.output
    assert "chain：含有不可见的控制字符（U+001D）" in result.output


# ---------------------------------------------------------------------------- legacy rows
#: Texts the demo city holds, spoiled past the ORM as rows stored before the rule would be.
_SPOIL = [
    "UPDATE chain SET name = name || :vt || '链'",
    "UPDATE link SET name = name || :gs",
    "UPDATE enterprise SET name = name || :gs || '甲'",
    "UPDATE park SET name = name || :vt",
    "UPDATE appeal SET title = title || :gs",
    "UPDATE project SET name = name || :vt",
    "UPDATE plan SET title = title || :vt",
    "UPDATE action SET title = title || :gs",
    "UPDATE indicator SET name = name || :vt",
    "UPDATE target SET indicator_name = indicator_name || :gs",
]


def _spoil(engine: Engine) -> None:
    with engine.begin() as conn:
        for sql in _SPOIL:
            conn.execute(text(sql), {"vt": "\x0b", "gs": "\x1d"})


def _docx_xml(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


def test_legacy_rows_still_make_the_chain_and_monthly_reports(
    demo_db: Engine, tmp_path: Path
) -> None:
    from gaodi.reports.chain import build_chain
    from gaodi.reports.monthly import build_monthly

    _spoil(demo_db)
    with session_scope(demo_db) as s:
        chain_name = s.scalar(text("SELECT name FROM chain WHERE code = 'CM'"))
        link_name = s.scalar(
            text("SELECT l.name FROM link l JOIN chain c ON c.id = l.chain_id WHERE c.code = 'CM'")
        )
        plan_title = s.scalar(text("SELECT title FROM plan ORDER BY id LIMIT 1"))
        assert "\x0b" in chain_name and "\x1d" in link_name and "\x0b" in plan_title
        chain = build_chain(s, SYSTEM, "CM")
        monthly = build_monthly(s, SYSTEM)
    for report, name in ((chain, "chain"), (monthly, "monthly")):
        docx = render(report, "docx", tmp_path / f"{name}.docx")
        xml = _docx_xml(docx)
        assert "\x0b" not in xml and "\x1d" not in xml
        Document(str(docx))  # opens: the XML is well formed
        xlsx = render(report, "xlsx", tmp_path / f"{name}.xlsx")
        values = [
            str(c.value) for ws in load_workbook(xlsx).worksheets for r in ws.iter_rows() for c in r
        ]
        assert not any(ch in v for v in values for ch in "\x0b\x1d")
    assert clean_text(link_name) in _docx_xml(tmp_path / "chain.docx")
    assert clean_text(link_name) in values_of(tmp_path / "chain.xlsx")


def values_of(path: Path) -> set[str]:
    return {
        str(c.value) for ws in load_workbook(path).worksheets for r in ws.iter_rows() for c in r
    }


def test_legacy_rows_still_export(demo_db: Engine, tmp_path: Path) -> None:
    _spoil(demo_db)
    with session_scope(demo_db) as s:
        enterprise = s.scalar(text("SELECT name FROM enterprise ORDER BY id LIMIT 1"))
        link = s.scalar(text("SELECT name FROM link ORDER BY id LIMIT 1"))
        project = s.scalar(text("SELECT name FROM project ORDER BY id LIMIT 1"))
    for entity, spoiled in (("enterprises", enterprise), ("links", link), ("projects", project)):
        export(demo_db, entity, tmp_path / f"{entity}.xlsx", principal=SYSTEM)
        assert clean_text(spoiled) in values_of(tmp_path / f"{entity}.xlsx")
        export(demo_db, entity, tmp_path / f"{entity}.csv", principal=SYSTEM)
        body = (tmp_path / f"{entity}.csv").read_text(encoding="utf-8-sig")
        assert clean_text(spoiled) in body and "\x1d" not in body
    # the feature exports, through the CLI's --format xlsx
    out = tmp_path / "diagnosis.xlsx"
    result = CliRunner().invoke(app, ["chains", "diagnose", "CM", "-f", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    values = values_of(out)
    assert not any(ch in v for v in values for ch in "\x0b\x1d")
    with session_scope(demo_db) as s:
        link = s.scalar(
            text("SELECT l.name FROM link l JOIN chain c ON c.id = l.chain_id WHERE c.code = 'CM'")
        )
    assert clean_text(link) in values


def test_every_text_field_of_an_input_schema_is_a_clean_str() -> None:
    import importlib
    import inspect
    import re

    root = Path(__file__).resolve().parents[2] / "gaodi"
    plain = re.compile(r"^\s+\w+: [^=]*\bstr\b")
    offenders = []
    for path in sorted(root.glob("*/schemas.py")):
        module = importlib.import_module(f"gaodi.{path.parent.name}.schemas")
        for name, cls in vars(module).items():
            if not (inspect.isclass(cls) and issubclass(cls, BaseModel)):
                continue
            # Filters only read (a page builds them from its query): they are not refused.
            if cls.__module__ != module.__name__ or not re.search(r"(In|Update)$", name):
                continue
            lines, start = inspect.getsourcelines(cls)
            offenders += [
                f"{path.parent.name}/schemas.py:{start + i} {name}"
                for i, line in enumerate(lines)
                if plain.match(line)
            ]
    assert offenders == [], "declare input text as gaodi.core.text_safety.CleanStr"
