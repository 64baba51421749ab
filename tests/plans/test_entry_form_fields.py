"""The data-entry form (/plans/entry) on the seeded web world (tests/web/seed.py: the chain office
reports for chain A 测试链甲, the park office for park A 甲园区测试), in Chinese and English.

- A chain or park office chooses its chain or park by name (its only one pre-selected), never a
  raw id, and the form as it comes is accepted; the server still refuses another office's scope.
- Errors stand under their fields (aria-invalid, aria-describedby) and the summary names the
  field of each; the pages have a heading of their own and no header cell without words.
- A count's English refusal names its unit in English words.
"""

from __future__ import annotations

import re
from datetime import datetime
from html.parser import HTMLParser
from typing import Any

from sqlalchemy import select

from gaodi.core import clock
from gaodi.db import session_scope
from gaodi.plans.checks import unit_flags
from gaodi.plans.models import Indicator, Observation
from tests.web.helpers import login, post_form
from tests.web.live import form_values, page_text
from tests.web.seed import PASSWORD

#: the city's today in these tests: the December 2023 figures are due, none is in the future
TODAY = datetime(2024, 1, 15, 2, 0)


class _Elements(HTMLParser):
    """Every element's attributes by id, the options of each select, the header cells' words."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, dict[str, str]] = {}
        self.options: dict[str, list[tuple[str, str, bool]]] = {}
        self.h1: list[str] = []
        self.th: list[str] = []
        self._select: str | None = None
        self._option: dict[str, str] | None = None
        self._text: list[str] | None = None
        self._into: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.by_id[a["id"]] = {"tag": tag, **a}
        if tag == "select":
            self._select = a.get("id", "")
            self.options[self._select] = []
        elif tag == "option":
            self._option, self._text = a, []
        elif tag in ("h1", "th"):
            self._text, self._into = [], self.h1 if tag == "h1" else self.th

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._option is not None and self._select is not None:
            words = "".join(self._text or []).strip()
            o = self._option
            self.options[self._select].append((o.get("value", ""), words, "selected" in o))
            self._option, self._text = None, None
        elif tag == "select":
            self._select = None
        elif tag in ("h1", "th") and self._into is not None:
            self._into.append("".join(self._text or []).strip())
            self._text, self._into = None, None


def _parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


def _signed_in(site: Any, role: str) -> tuple[Any, str]:
    client = site.client()
    return client, login(client, site.world.users[role], PASSWORD)


def _stored(site: Any, scope: str, scope_id: int) -> list[tuple[str, float]]:
    with session_scope(site.engine) as s:
        rows = s.execute(
            select(Observation.period, Observation.value).where(
                Observation.scope == scope, Observation.scope_id == scope_id
            )
        ).all()
    return sorted((p, v) for p, v in rows)


# ---------------------------------------------------------------------------- the scope choice
def test_an_office_chooses_its_chain_or_park_by_name(site: Any) -> None:
    ids = site.world.ids
    for role, kind, own, label_zh, label_en in (
        ("chain_office", "chain", (ids["chain_a"], "测试链甲"), "产业链", "Chain"),
        ("park_office", "park", (ids["park_a"], "甲园区测试"), "园区", "Park"),
    ):
        client, _ = _signed_in(site, role)
        html = client.get("/plans/entry").text
        page = _parse(html)
        # one choice, by name, already chosen: the office's own chain or park
        assert page.options["entry_form-scope"] == [(kind, label_zh, True)]
        assert page.options["entry_form-scope_id"] == [(str(own[0]), own[1], True)]
        assert re.search(rf'<label for="entry_form-scope_id">{label_zh}\b', html)
        assert "范围编号" not in html and "全市为 0" not in html
        english = client.get("/plans/entry", headers={"Accept-Language": "en"}).text
        assert re.search(rf'<label for="entry_form-scope_id">{label_en}\b', english)
        assert "Scope id" not in english
    # the city's figures need no choice: no chain or park field for an administrator
    client, _ = _signed_in(site, "admin")
    page = _parse(client.get("/plans/entry").text)
    assert page.options["entry_form-scope"] == [("city", "全市", True)]
    assert "entry_form-scope_id" not in page.by_id


def test_an_office_reports_from_the_forms_defaults(site: Any) -> None:
    ids = site.world.ids
    with clock.frozen(TODAY):
        for role, scope, own in (
            ("chain_office", "chain", ids["chain_a"]),
            ("park_office", "park", ids["park_a"]),
        ):
            client, _ = _signed_in(site, role)
            sent = form_values(client.get("/plans/entry").text, "/plans/entry")
            assert (sent["scope"], sent["scope_id"]) == (scope, str(own))
            # only what the user types: the indicator, the period and the value
            sent.update(indicator="T_OUTPUT", period="2023-11", value="5")
            r = client.post("/plans/entry", data=sent, follow_redirects=False)
            assert r.status_code == 303, page_text(r.text)[:600]
            assert _stored(site, scope, own) == [("2023-11", 5.0)]


def test_the_server_still_checks_the_scope(site: Any) -> None:
    ids = site.world.ids
    with clock.frozen(TODAY):
        client, csrf = _signed_in(site, "chain_office")
        form = {"indicator": "T_OUTPUT", "period": "2023-11", "value": "5", "scope": "chain"}
        # no chain chosen (a form sent without it): asked for, beside the field
        r = post_form(client, "/plans/entry", form, csrf)
        assert r.status_code == 422
        page = _parse(r.text)
        assert page.by_id["entry_form-scope_id-error"]["tag"] == "p"
        assert "请选择一条产业链。" in page_text(r.text)
        # another office's chain (B, which the chain office does not report for): refused
        r = post_form(client, "/plans/entry", {**form, "scope_id": str(ids["chain_b"])}, csrf)
        assert r.status_code == 422 and "你只能填报本单位范围（产业链“测试链甲”）" in r.text
        assert _stored(site, "chain", ids["chain_b"]) == [("2023-12", 9.0)]  # the seed's only


# ---------------------------------------------------------------------------- errors by field
def test_each_error_stands_under_its_field_and_the_summary_names_it(site: Any) -> None:
    client, csrf = _signed_in(site, "admin")
    form = {"indicator": "T_OUTPUT", "period": "2023-13", "value": "12,3x", "scope": "city"}
    r = post_form(client, "/plans/entry", form, csrf)
    assert r.status_code == 422
    page = _parse(r.text)
    for name, message in (("period", "格式不正确。"), ("value", "请输入数字。")):
        field = page.by_id[f"entry_form-{name}"]
        assert field["aria-invalid"] == "true"
        error_id = field["aria-describedby"]
        assert page.by_id[error_id]["tag"] == "p"
        # the message is the text of the element the field points to
        shown = re.search(rf'id="{error_id}"[^>]*>([^<]*)<', r.text)
        assert shown and shown.group(1) == message
    summary = re.findall(r'<li data-field="(\w+)"><a href="#([\w-]+)">([^<]*)</a>', r.text)
    assert summary == [
        ("period", "entry_form-period", "期间：格式不正确。"),
        ("value", "entry_form-value", "数值：请输入数字。"),
    ]
    # the typed values come back, so nothing has to be typed again
    assert page.by_id["entry_form-period"]["value"] == "2023-13"
    assert page.by_id["entry_form-value"]["value"] == "12,3x"


def test_the_plans_pages_have_a_heading_and_named_header_cells(site: Any) -> None:
    client, _ = _signed_in(site, "admin")
    assert _parse(client.get("/plans/entry").text).h1 == ["数据填报"]
    listing = _parse(client.get("/plans/list").text)
    assert listing.h1 == ["计划与审核"]
    assert listing.th == ["#", "标题", "期间", "状态", "目标", "查看"]
    english = _parse(client.get("/plans/list", headers={"Accept-Language": "en"}).text)
    assert english.h1 == ["Plans"] and english.th[-1] == "Open"


def test_a_count_is_refused_with_its_unit_in_english_words() -> None:
    firms = Indicator(code="f", name="标杆企业数", unit="家", aggregation="point", kind="count")
    (flag,) = unit_flags(firms, "current", -99999)
    assert flag.message_en == "A count of firms must be a whole non-negative number; got -99,999."
    assert flag.message_zh == "单位为“家”的计数须为非负整数，收到 -99,999。"
    # a unit without English words is left out of the English sentence, not quoted in Chinese
    seats = Indicator(code="s", name="座席数", unit="座", aggregation="point", kind="count")
    (flag,) = unit_flags(seats, "current", 2.5)
    assert flag.message_en == "A count must be a whole non-negative number; got 2.5."
