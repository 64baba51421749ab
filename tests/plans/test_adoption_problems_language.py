"""A draft's adoption problems in the page's language only.

The review page's "To fix before adoption" list and the refused adoption glued each problem's
Chinese and English into one sentence ("…有基期值但无基期年份。 Target #5: baseline without a
year."), on the Chinese page and the English one alike. Each problem is now said in the page's
language (its JSON twin: the request's).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.config import reset_settings
from tests.plans.test_views import web  # noqa: F401  (the demo city and its signed-in clients)
from tests.web.helpers import csrf_of, post_form

ZH = "有基期值但无基期年份"
EN = "baseline without a year"
PLAN_TEXT = "某市行动计划(2024—2026年)\n1 实施园区提效行动\n到2026年,打造5个千亿级园区。\n"


def _section(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">(.*?)</(?:section|div)>', html, re.S)
    assert found, f"no {testid} on the page"
    return found.group(1)


def _draft_with_a_problem(client) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    csrf = csrf_of(client.get("/plans/list").text)
    r = post_form(client, "/plans/load", {"text": PLAN_TEXT, "name": "测试"}, csrf)
    assert r.status_code == 303
    plan_id = int(r.headers["location"].rsplit("/", 1)[1])
    target = client.get(f"/api/v1/plans/drafts/{plan_id}").json()["targets"][0]
    form = {
        "indicator_name": target["indicator_name"],
        "value": "5",
        "unit": target["unit"],
        "year": "2026",
        "comparator": ">=",
        "baseline": "2",  # a baseline without its year: adoption must wait
    }
    r = post_form(client, f"/plans/drafts/{plan_id}/targets/{target['id']}/edit", form, csrf)
    assert r.status_code == 303
    return plan_id, target["id"]


@pytest.mark.parametrize(
    ("lang", "said", "other"),
    [("zh", ZH, EN), ("en", EN, ZH)],
)
def test_adoption_problems_are_said_in_the_pages_language(  # type: ignore[no-untyped-def]
    web,  # noqa: F811
    lang: str,
    said: str,
    other: str,
) -> None:
    _, c = web
    client = c["ana"]
    client.cookies.set("gaodi_lang", lang)
    plan_id, target_id = _draft_with_a_problem(client)

    review = client.get(f"/plans/drafts/{plan_id}")
    problems = _section(review.text, "problems")
    assert said in problems and f"#{target_id}" in problems
    assert other not in problems
    twin = client.get(f"/api/v1/plans/drafts/{plan_id}").json()
    assert len(twin["problems"]) == 1
    assert said in twin["problems"][0] and other not in twin["problems"][0]

    refused = post_form(client, f"/plans/drafts/{plan_id}/adopt", {}, csrf_of(review.text))
    assert refused.status_code == 422
    message = _section(refused.text, "form-errors")
    assert said in message and other not in message
    lead = "计划尚不能印发" if lang == "zh" else "The plan cannot be adopted yet"
    assert lead in message
    assert client.get(f"/api/v1/plans/drafts/{plan_id}").json()["status"] == "draft"


@pytest.mark.parametrize(("lang", "said", "other"), [("zh", ZH, EN), ("en", EN, ZH)])
def test_the_cli_shows_them_in_the_language_of_its_messages(
    sqlite_db: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, said: str,
    other: str,
) -> None:  # fmt: skip
    monkeypatch.setenv("GAODI_LANGUAGE", lang)
    reset_settings()
    text = tmp_path / "plan.txt"
    text.write_text(PLAN_TEXT, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["plan", "load", str(text)]).exit_code == 0
    # a baseline without its year: adoption must wait
    assert runner.invoke(app, ["plan", "target", "1", "--baseline", "2"]).exit_code == 0
    shown = runner.invoke(app, ["plan", "show", "1"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    [line] = [x for x in shown.output.splitlines() if "To fix" in x]
    assert said in line and other not in line
    reset_settings()
