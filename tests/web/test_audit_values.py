"""The audit page says a change's before/after values as a reader does.

The diff of an update printed Python's words on a Chinese page (``reviewed_by: None →
demo-analyst``, ``locked: False → True``) and a moment as UTC ISO text
(``reviewed_at: None → 2024-01-15T09:06:08.259387``) under a header saying 北京时间. Nothing is
now —, a yes/no is 是/否 (yes/no), a moment is the city's wall time like the When column.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from gaodi.audit.models import AuditEvent
from gaodi.db import session_scope
from tests.web.conftest import Site
from tests.web.helpers import login
from tests.web.seed import PASSWORD


def _changes(page: str) -> list[str]:
    """The lines of the Change column, as the reader sees them."""
    cells = re.findall(r'<td class="change">(.*?)</td>', page, re.S)
    lines = re.findall(r"<div>(.*?)</div>", " ".join(cells), re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", x)).split()) for x in lines]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", ["审核人 : — → dana", "锁定 : 否 → 是", "审核时间 : — → "
                "2024-01-15 17:06:08", "备注 : =HYPERLINK(\"x\") → —", "金额 : 38000 → 5",
                "语言 : — → English"]),
        ("en", ["Reviewed by : — → dana", "Locked : no → yes", "Reviewed at : — → "
                "2024-01-15 17:06:08", "Note : =HYPERLINK(\"x\") → —", "Amount : 38000 → 5",
                "Language : — → English"]),
    ],
)  # fmt: skip
def test_an_update_says_nothing_yes_no_and_moments_in_words(
    site: Site, lang: str, expected: list[str]
) -> None:
    with session_scope(site.engine) as s:
        s.add(
            AuditEvent(
                at=dt.datetime(2024, 1, 15, 9, 6, 8), actor="dana", entity="submission",
                action="update", entity_id="3",
                before={"reviewed_by": None, "locked": False, "reviewed_at": None,
                        "note": '=HYPERLINK("x")', "amount": 38000.0},
                after={"reviewed_by": "dana", "locked": True,
                       "reviewed_at": "2024-01-15T09:06:08.259387", "note": None, "amount": 5,
                       "language": "en"},
            )
        )  # fmt: skip
    client = site.client()
    login(client, "t-admin", PASSWORD)
    client.cookies.set("gaodi_lang", lang)
    page = client.get("/admin/audit", params={"actor": "dana"}).text
    assert _changes(page) == expected
    words = " ".join(_changes(page))
    assert not re.search(r"\b(None|True|False)\b", words) and "T09:06" not in words
