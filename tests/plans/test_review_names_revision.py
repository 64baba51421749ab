"""A review decides on the figure the reviewer saw: approve and return name the revision the
page showed, and a value resubmitted while the page was open is refused (409) in words, in the
web form and the JSON API. The history of the submission says its steps and states in words.

The demo city (tests/plans/test_views.py ``web``): "ana" reports, "checker" reviews.
"""

from __future__ import annotations

import re

from tests.plans.test_views import web  # noqa: F401  (the fixture)
from tests.web.helpers import csrf_of, post_form

VALUE = {"indicator": "industrial_investment", "period": "2023-12"}
CONFIRMED = {"confirm": True, "reason": "测试确认"}


def _submit(client, value: float) -> int:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/plans/observations", json={**VALUE, "value": value, **CONFIRMED})
    assert r.status_code == 201, r.text
    return int(r.json()["observation"]["revision"])


def _key(checker) -> str:  # type: ignore[no-untyped-def]
    tasks = checker.get("/api/v1/plans/submissions").json()
    return next(
        x["key"]
        for x in tasks["to_review"]
        if x["indicator_code"] == VALUE["indicator"] and x["period"] == VALUE["period"]
    )


def _shown_revision(html: str, action: str) -> int:
    form = re.search(rf'action="/plans/submissions/[^"]+/{action}"[^>]*>.*?</form>', html, re.S)
    assert form is not None, action
    found = re.search(r'name="revision" value="(\d+)"', form.group(0))
    assert found is not None, f"the {action} form names no revision"
    return int(found.group(1))


def test_a_review_of_a_revision_replaced_meanwhile_is_refused(web) -> None:  # type: ignore[no-untyped-def] # noqa: F811
    _, c = web
    ana, checker = c["ana"], c["checker"]
    seen = _submit(ana, 10)
    key = _key(checker)
    page = checker.get(f"/plans/submissions/{key}").text
    assert _shown_revision(page, "approve") == seen
    assert _shown_revision(page, "return") == seen
    csrf = csrf_of(page)
    newer = _submit(ana, 500)  # resubmitted while the reviewer's page is open
    assert newer == seen + 1

    # the form: 409, the new revision and value named, nothing approved; the page leads back
    # to the submission it came from (it offered only the overview), never to another site
    here = f"http://testserver/plans/submissions/{key}"
    r = post_form(checker, f"/plans/submissions/{key}/approve", {"revision": str(seen)}, csrf,
                  headers={"Referer": here})  # fmt: skip
    assert r.status_code == 409
    assert f"第 {newer} 版" in r.text and "500" in r.text and "请重新审核" in r.text
    assert f'href="/plans/submissions/{key}" data-testid="error-back"' in r.text
    r = post_form(checker, f"/plans/submissions/{key}/approve", {"revision": str(seen)}, csrf,
                  headers={"Referer": "https://evil.example/plans"})  # fmt: skip
    assert r.status_code == 409 and 'data-testid="error-back"' not in r.text
    r = post_form(
        checker,
        f"/plans/submissions/{key}/return",
        {"revision": str(seen), "comment": "请核实"},
        csrf,
    )
    assert r.status_code == 409 and "请重新审核" in r.text
    assert checker.get(f"/api/v1/plans/submissions/{key}").json()["row"]["status"] == "submitted"

    # the JSON API: the same refusal, in English when asked; a review naming no revision is
    # refused in words
    url = f"/api/v1/plans/submissions/{key}/approve"
    r = checker.post(url, json={"revision": seen})
    assert r.status_code == 409 and f"第 {newer} 版" in r.json()["message_zh"]
    r = checker.post(url, json={"revision": seen}, headers={"Accept-Language": "en"})
    assert r.status_code == 409
    assert f"revision {newer}" in r.json()["message"] and "review it again" in r.json()["message"]
    assert not re.search(r"[\u4e00-\u9fff]", r.json()["message"]), r.json()["message"]  # 亿元
    r = checker.post(url, json={})
    assert r.status_code == 422 and "版次" in r.json()["message_zh"]
    r = post_form(checker, f"/plans/submissions/{key}/approve", {}, csrf)
    assert r.status_code == 422 and "版次" in r.text
    assert checker.get(f"/api/v1/plans/submissions/{key}").json()["row"]["status"] == "submitted"

    # the page shown again names the new revision, and approving it works
    page = checker.get(f"/plans/submissions/{key}").text
    assert _shown_revision(page, "approve") == newer
    r = post_form(checker, f"/plans/submissions/{key}/approve", {"revision": str(newer)}, csrf)
    assert r.status_code == 303
    row = checker.get(f"/api/v1/plans/submissions/{key}").json()["row"]
    assert row["status"] == "approved" and row["revision"] == newer


def test_the_history_says_steps_and_states_in_words(web) -> None:  # type: ignore[no-untyped-def] # noqa: F811
    _, c = web
    ana, checker = c["ana"], c["checker"]
    revision = _submit(ana, 10)
    key = _key(checker)
    r = checker.post(f"/api/v1/plans/submissions/{key}/approve", json={"revision": revision})
    assert r.status_code == 200
    html = checker.get(f"/plans/submissions/{key}").text
    events = html[html.index('data-testid="events"') :]
    events = events[: events.index("</table>")]
    cells = [re.sub(r"<[^>]+>", "", x).strip() for x in re.findall(r"<td[^>]*>.*?</td>", events)]
    assert "报送" in cells and "审核通过" in cells
    assert "已报送待审核 → 已审核" in cells
    for code in ("submit", "approve", "submitted", "approved"):
        assert code not in cells and not any(code in x.split() for x in cells), code
    en = checker.get(f"/plans/submissions/{key}", headers={"Accept-Language": "en"}).text
    en = en[en.index('data-testid="events"') :]
    en = en[: en.index("</table>")]
    assert ">Approve<" in en and "submitted → approved" in en


def test_a_revision_that_is_no_whole_number_within_a_column_is_refused_in_words(web) -> None:  # type: ignore[no-untyped-def] # noqa: F811
    """ "²" passes str.isdigit but not int() (it was a 500), and 10¹¹ no INTEGER column holds:
    both are refused as the form's error, in words, and nothing is approved."""
    _, c = web
    _submit(c["ana"], 12)
    checker = c["checker"]
    key = _key(checker)
    csrf = csrf_of(checker.get(f"/plans/submissions/{key}").text)
    for typed in ("²", "１", "99999999999"):
        r = post_form(checker, f"/plans/submissions/{key}/approve", {"revision": typed}, csrf)
        assert r.status_code == 422, (typed, r.status_code)
        assert "版次须为整数" in r.text, typed
    assert checker.get(f"/api/v1/plans/submissions/{key}").json()["row"]["status"] == "submitted"
