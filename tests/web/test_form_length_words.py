"""A form's "too long" says the limit as the API does, with the thousands separator
("最多 2,000 个字符", the form printed "2000"); a bound that may be a year stays bare. The
import's "文本过长" likewise."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field

from gaodi.exchange.convert import convert_column
from gaodi.exchange.schema import Column
from gaodi.ui.web.auth import ANONYMOUS
from gaodi.ui.web.context import FormInvalid, PageContext


class Note(BaseModel):
    comment: str | None = Field(None, max_length=2000)
    year: int | None = Field(None, ge=1900, le=2100)


def _errors(lang: str, form: dict[str, str]) -> dict[str, str]:
    ctx = PageContext(request=None, db=None, identity=ANONYMOUS, lang=lang, form=form)  # type: ignore[arg-type]
    with pytest.raises(FormInvalid) as exc:
        ctx.parse_form(Note)
    return exc.value.errors


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_form_says_the_length_limit_with_the_thousands_separator(lang: str) -> None:
    said = _errors(lang, {"comment": "长" * 2001})["comment"]
    assert "2,000" in said and "2000" not in said
    # a year's bound is a year, not a quantity
    said = _errors(lang, {"year": "1800"})["year"]
    assert "1900" in said and "1,900" not in said


def test_the_import_says_the_length_limit_with_the_thousands_separator() -> None:
    col = Column(key="note", zh="说明", en="Note", max_length=2000)
    _, problems = convert_column(col, ["长" * 2001])
    ((_, zh, en),) = problems
    assert "2,001 个字符，最多 2,000 个" in zh and "2,001 characters, at most 2,000" in en
