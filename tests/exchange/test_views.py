"""数据交换 in the browser's HTTP interface: templates, uploads (good and bad), scoped exports."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from gaodi.db import session_scope
from gaodi.models import Enterprise, Park
from gaodi.projects.models import Project
from tests.web.conftest import Site, make_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD


@pytest.fixture
def web(tmp_path: Path) -> Iterator[Site]:
    """The web tests' small seeded city, served by the app."""
    made = make_site(tmp_path)
    yield made
    made.engine.dispose()


def _signed_in(site: Site, role: str):  # type: ignore[no-untyped-def]
    client = site.client()
    csrf = login(client, site.world.users[role], PASSWORD)
    return client, csrf


def _upload(client, csrf: str, entity: str, name: str, data: bytes, **fields: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/data/import",
        data={"entity": entity, "csrf_token": csrf, **fields},
        files={"file": (name, data, "application/octet-stream")},
        follow_redirects=False,
    )


def _count(site: Site, model: type) -> int:
    with session_scope(site.engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_template_download_is_a_real_workbook(web: Site) -> None:
    client, _ = _signed_in(web, "admin")
    page = client.get("/data")
    assert page.status_code == 200 and 'data-entity="enterprises"' in page.text
    response = client.get("/data/template/parks.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    headers = [c.value for c in next(book["园区 parks"].iter_rows(max_row=1))]
    assert any(h and "园区名称" in str(h) for h in headers)


def test_good_upload_is_imported(web: Site) -> None:
    client, csrf = _signed_in(web, "admin")
    before = _count(web, Park)
    csv = "园区名称,级别\n示例上传园区,provincial\n".encode("utf-8-sig")
    response = _upload(client, csrf, "parks", "parks.csv", csv)
    assert response.status_code == 303, response.text[:800]
    assert _count(web, Park) == before + 1
    assert "1" in client.get("/data").text  # the flash names the counts


def test_an_upload_converted_from_its_headers_unit_says_so_on_the_page(web: Site) -> None:
    # review: the import page said only the counts, not that 规划面积 was read in 公顷
    client, csrf = _signed_in(web, "admin")
    csv = "园区名称,级别,规划面积（公顷）\n示例换算园区,provincial,12\n".encode("utf-8-sig")
    response = _upload(client, csrf, "parks", "parks.csv", csv)
    assert response.status_code == 303, response.text[:800]
    page = client.get("/data").text
    assert "第 C 列“规划面积（公顷）”按 公顷→亩 换算（×15），共 1 行" in page
    with session_scope(web.engine) as s:
        area = s.scalar(select(Park.area_mu).where(Park.name == "示例换算园区"))
    assert area == 180.0


def test_dry_run_writes_nothing(web: Site) -> None:
    client, csrf = _signed_in(web, "admin")
    before = _count(web, Park)
    csv = "园区名称,级别\n示例试运行园区,provincial\n".encode("utf-8-sig")
    response = _upload(client, csrf, "parks", "parks.csv", csv, dry_run="1")
    assert response.status_code == 303
    assert _count(web, Park) == before


def test_bad_upload_lists_cells_and_writes_nothing(web: Site) -> None:
    client, csrf = _signed_in(web, "admin")
    before = _count(web, Enterprise)
    # A USCC with a wrong check character (…16 is valid, …17 is not) and a missing name.
    csv = ("统一社会信用代码,企业名称\n914403001922038217,示例甲\n914403001922038216,\n"
           ).encode("utf-8-sig")  # fmt: skip
    response = _upload(client, csrf, "enterprises", "bad.csv", csv)
    assert response.status_code == 422
    assert 'data-testid="cell-errors"' in response.text
    assert "应为“6”" in response.text or "expected &#39;6&#39;" in response.text
    assert _count(web, Enterprise) == before
    report = response.text.split('href="/data/errors/')[1].split('"')[0]
    assert client.get(f"/data/errors/{report}").status_code == 200
    other, _ = _signed_in(web, "analyst")
    assert other.get(f"/data/errors/{report}").status_code == 404  # not someone else's


def test_wrong_file_type_and_role(web: Site) -> None:
    client, csrf = _signed_in(web, "admin")
    response = _upload(client, csrf, "parks", "parks.pdf", b"%PDF-1.4")
    assert response.status_code == 422 and ".xlsx" in response.text
    viewer, vcsrf = _signed_in(web, "viewer")
    assert 'data-testid="import-form"' not in viewer.get("/data").text
    response = _upload(viewer, vcsrf, "parks", "p.csv", "园区名称\n示例\n".encode())
    assert response.status_code == 422


def test_scoped_export_holds_only_what_the_role_may_read(web: Site) -> None:
    client, _ = _signed_in(web, "chain_office")
    response = client.get("/data/export/enterprises?format=csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    for hidden in web.world.hidden_from("chain_office"):
        assert hidden not in text
    assert web.world.names["e1"] in text


def test_projects_are_exchanged_in_the_browser_and_shown_on_the_projects_page(web: Site) -> None:
    client, csrf = _signed_in(web, "park_office")  # park 甲园区测试
    page = client.get("/data").text
    for entity in ("projects", "project_year_plans", "project_progress"):
        assert f'data-entity="{entity}"' in page and f'<option value="{entity}"' in page
    template = client.get("/data/template/projects.xlsx")
    assert template.status_code == 200
    assert "重大项目 projects" in openpyxl.load_workbook(io.BytesIO(template.content)).sheetnames
    csv = ("项目名称,投资方,产业链代码,所在园区,总投资（万元）,签约日期,实际开工日期\n"
           "示例上传项目,示例投资有限公司,CA,甲园区测试,1000,2023-01-05,2023-03-01\n"
           ).encode("utf-8-sig")  # fmt: skip
    response = _upload(client, csrf, "projects", "projects.csv", csv)
    assert response.status_code == 303, response.text[:800]
    months = "项目名称,投资方,月份,当月完成投资\n示例上传项目,示例投资有限公司,2023-03,250\n"
    response = _upload(client, csrf, "project_progress", "m.csv", months.encode("utf-8-sig"))
    assert response.status_code == 303, response.text[:800]
    # the projects page lists it, at the stage its dates reach
    listing = client.get("/projects")
    assert listing.status_code == 200 and "示例上传项目" in listing.text
    with session_scope(web.engine) as s:
        project = s.scalars(select(Project).where(Project.name == "示例上传项目")).one()
        assert project.stage == "started"
    # the export is the park's: the uploaded project, as a CSV that imports again
    exported = client.get("/data/export/project_progress?format=csv")
    assert "示例上传项目,示例投资有限公司,2023-03,250" in exported.content.decode("utf-8-sig")
    # another park's project is refused, with the cell named
    other = ("项目名称,投资方,产业链代码,所在园区,总投资,签约日期\n"
             "示例别园项目,示例投资有限公司,CA,乙园区测试,1000,2023-01-05\n").encode("utf-8-sig")  # fmt: skip
    response = _upload(client, csrf, "projects", "other.csv", other)
    assert response.status_code == 422 and 'data-testid="cell-errors"' in response.text
    assert _count(web, Project) == 1
