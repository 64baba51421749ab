"""The questionnaire upload page (/smart/enterprises/{id}/upload) with a form imported before
(audit H §6): the same file uploaded again was stored again; it is now refused with the date
cell and the record it repeats named, in Chinese; a corrected form for that day is stored and
the page says which record it corrects. The form downloaded by an English reader has an
English explanation sheet, a Chinese reader's a Chinese one (audit H §11)."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from gaodi.db import session_scope
from gaodi.smart.models import Assessment
from tests.smart.test_excel import fill
from tests.smart.test_service import ITEMS, SCENARIOS
from tests.smart.test_views import client_for, site  # noqa: F401  (the module's city)
from tests.web.conftest import Site
from tests.web.helpers import csrf_of


def _count(site: Site) -> int:  # noqa: F811
    with session_scope(site.engine) as s:
        return s.scalar(select(func.count()).select_from(Assessment)) or 0


def test_uploading_the_same_form_again_is_refused_and_a_correction_is_named(
    site: Site,  # noqa: F811
) -> None:
    client = client_for(site, "admin")
    e3 = site.world.ids["e3"]
    blank = client.get(f"/smart/enterprises/{e3}/form.xlsx").content
    token = csrf_of(client.get(f"/smart/enterprises/{e3}/assess").text)

    def upload(data: bytes):  # type: ignore[no-untyped-def]
        return client.post(
            f"/smart/enterprises/{e3}/upload",
            data={"csrf_token": token},
            files={"file": ("问卷.xlsx", data, "application/octet-stream")},
            follow_redirects=False,
        )

    form = fill(blank, ITEMS, SCENARIOS, day="2023-12-20")
    first = upload(form)
    assert first.status_code == 303
    first_id = int(first.headers["location"].split("assessment_id=")[1])
    before = _count(site)
    again = upload(form)
    assert again.status_code == 422
    assert "问卷!B7" in again.text and f"#{first_id}" in again.text
    assert "已有一份答案完全相同的评估" in again.text
    assert _count(site) == before

    corrected = upload(fill(blank, ITEMS | {"b_info_systems": "A"}, SCENARIOS, day="2023-12-20"))
    assert corrected.status_code == 303
    page = client.get(corrected.headers["location"])
    assert f"更正同日的自评记录 #{first_id}" in page.text and "46.925" in page.text
    assert _count(site) == before + 1


def test_the_downloaded_form_explains_itself_in_the_readers_language(
    site: Site,  # noqa: F811
) -> None:
    client = client_for(site, "admin")
    e1 = site.world.ids["e1"]
    zh = load_workbook(io.BytesIO(client.get(f"/smart/enterprises/{e1}/form.xlsx").content))
    about = [r[0] for r in zh["说明"].iter_rows(values_only=True) if r[0]]
    assert any(str(t).startswith("缺失：2024年版官方附件原文") for t in about)
    assert not any("official" in str(t) for t in about)
    client.cookies.set("gaodi_lang", "en")
    en = load_workbook(io.BytesIO(client.get("/smart/form.xlsx").content))
    about = [str(r[0]) for r in en["About"].iter_rows(values_only=True) if r[0]]
    assert "Missing: sector variants (producer services, other sectors)" in about
