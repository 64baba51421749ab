"""A file's reader failing: the user's file or our bug (gaodi/core/bounds.py ``run_isolated``).

Any exception of the reading code in the worker that was not a GaodiError used to be told to
the user as "needs more memory than allowed, or the file is damaged": a TypeError of a bug
blamed the user's file. Now three answers are told apart, in the worker and in-process alike:
out of memory (the "too big" words, as before); the file cannot be read (a zip, XML or
workbook error the readers raise: the damaged-file words); anything else is an internal error
(500 in words: the file was not stored, please report it) with its traceback in the log. The
server lives on either way.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from gaodi.config import reset_settings
from gaodi.core.bounds import run_isolated
from gaodi.core.errors import GaodiError, ValidationError
from gaodi.db import session_scope
from gaodi.smart import excel
from gaodi.smart.models import Assessment
from tests.smart.test_excel import fill
from tests.smart.test_service import ITEMS, SCENARIOS
from tests.web.conftest import make_site
from tests.web.helpers import csrf_of, login
from tests.web.seed import PASSWORD


def buggy_reader(data: bytes) -> int:
    """A parse function with a plain bug (importable: the worker runs it)."""
    return len(data) + "rows"  # type: ignore[operator]  # TypeError


def openpyxl_reader(data: bytes) -> int:
    book = load_workbook(io.BytesIO(data), data_only=True)
    return sum(1 for ws in book.worksheets for _ in ws.iter_rows(values_only=True))


def _workbook() -> bytes:
    book = Workbook()
    book.active["A1"] = 1
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _damaged_style() -> bytes:
    """A workbook whose styles part is damaged: openpyxl says TypeError, from its own code."""
    good, out = zipfile.ZipFile(io.BytesIO(_workbook())), io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in good.infolist():
            data = good.read(info)
            if info.filename == "xl/styles.xml":
                data = data.replace(b'<sz val="11"', b'<sz val="eleven"')
            z.writestr(info, data)
    return out.getvalue()


@pytest.fixture(params=["worker", "in-process"])
def where(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("GAODI_PARSE_MEMORY_MB", "1024" if request.param == "worker" else "0")
    reset_settings()
    yield request.param
    monkeypatch.delenv("GAODI_PARSE_MEMORY_MB")
    reset_settings()


def test_a_bug_in_the_reader_is_an_internal_error_logged_not_a_damaged_file(
    where: str, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.ERROR, logger="gaodi.core.bounds"),
        pytest.raises(GaodiError) as caught,
    ):
        run_isolated(buggy_reader, b"abc", name="问卷.xlsx")
    err = caught.value
    assert err.status_code == 500 and not isinstance(err, ValidationError)
    assert "读取文件“问卷.xlsx”时程序内部出错" in err.zh and "文件未保存" in err.zh
    assert "internal error occurred while reading '问卷.xlsx'" in err.en and "report" in err.en
    for words in (err.zh, err.en):  # the user's file is not blamed
        assert "损坏" not in words and "damaged" not in words and "内存" not in words
    logged = "\n".join(
        r.getMessage() + (r.exc_text or "") for r in caplog.records if r.levelno >= logging.ERROR
    )
    if where == "in-process":  # log.exception: the formatter adds the traceback
        logged += "".join(
            logging.Formatter().formatException(r.exc_info) for r in caplog.records if r.exc_info
        )
    assert "问卷.xlsx" in logged and "Traceback" in logged
    assert "TypeError" in logged and "buggy_reader" in logged
    # and the next file reads
    assert run_isolated(len, b"abcd", name="x") == 4


def test_a_file_the_reader_cannot_read_is_damaged_even_when_it_says_typeerror(where: str) -> None:
    with pytest.raises(ValidationError) as caught:
        run_isolated(openpyxl_reader, _damaged_style(), name="坏样式.xlsx")
    assert "文件“坏样式.xlsx”已损坏" in caught.value.zh
    assert "damaged" in caught.value.en and "TypeError" in caught.value.en
    assert caught.value.status_code == 422


def test_a_truncated_zip_is_damaged(where: str) -> None:
    data = _workbook()
    with pytest.raises(ValidationError) as caught:
        run_isolated(openpyxl_reader, data[: len(data) // 2], name="半个.xlsx")
    assert "文件“半个.xlsx”已损坏" in caught.value.zh and "BadZipFile" in caught.value.en
    assert run_isolated(openpyxl_reader, data, name="好.xlsx") == 1


def test_an_upload_hitting_a_reader_bug_answers_500_in_words_and_the_server_lives_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Through the questionnaire upload page (in-process reading, so the bug can be planted)."""
    monkeypatch.setenv("GAODI_PARSE_MEMORY_MB", "0")
    reset_settings()
    monkeypatch.setattr(excel, "parse_form", buggy_reader)
    site = make_site(tmp_path)
    try:
        client = site.client()
        client.headers["X-CSRF-Token"] = login(client, site.world.users["admin"], PASSWORD)
        e1 = site.world.ids["e1"]
        blank = client.get(f"/smart/enterprises/{e1}/form.xlsx").content
        token = csrf_of(client.get(f"/smart/enterprises/{e1}/assess").text)

        def stored() -> int:
            with session_scope(site.engine) as s:
                return s.scalar(select(func.count()).select_from(Assessment)) or 0

        before = stored()
        answer = client.post(
            f"/smart/enterprises/{e1}/upload",
            data={"csrf_token": token},
            files={"file": ("问卷.xlsx", fill(blank, ITEMS, SCENARIOS), "application/x")},
            follow_redirects=False,
        )
        assert answer.status_code == 500
        assert "读取文件“问卷.xlsx”时程序内部出错" in answer.text and "文件未保存" in answer.text
        assert "已损坏" not in answer.text
        assert stored() == before
        assert client.get(f"/smart/enterprises/{e1}").status_code == 200
    finally:
        site.engine.dispose()
        monkeypatch.delenv("GAODI_PARSE_MEMORY_MB")
        reset_settings()
