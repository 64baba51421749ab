"""Size class and 年均 mark of extracted targets on the text-review page (issue #13).

The target table has no column for them, so the page reads them again from each stored
quote with the extractor's own rules. Expected readings are written from the sentences below:
"5个千亿级园区" counts parks of class 千亿级; "年均增长8%" holds for each year; "3000亿元" and
"突破2200家" are neither."""

from __future__ import annotations

from pathlib import Path

from gaodi.core.permissions import Principal
from gaodi.db import session_scope
from gaodi.plans import review, service
from gaodi.text.extract import extract_plan
from gaodi.text.targets import read_clause

ADMIN = Principal(username="admin1", role="admin")

TEXT = (
    "某市制造业提质行动计划(2024—2026年)\n"
    "1 实施园区提效行动\n"
    "到2026年,打造5个千亿级园区,新材料产业产值达到3000亿元,年均增长8%。\n"
    "2 实施企业培育行动\n"
    "到2026年,规模以上工业企业力争突破2200家。\n"
)


def test_read_clause_gives_size_class_and_annual_of_the_asked_value() -> None:
    two = read_clause("打造2个千亿级产业集群")
    assert two is not None and (two.value, two.unit, two.size_class) == (2, "个", "千亿级")
    assert read_clause("培育3家百亿元级企业").size_class == "百亿元级"  # type: ignore[union-attr]
    both = "产值达到1000亿元,年均增长8%"
    level, rate = read_clause(both, value=1000), read_clause(both, value=8)
    assert level is not None and (level.unit, level.annual) == ("亿元", False)
    assert rate is not None and (rate.unit, rate.annual) == ("%", True)
    each = read_clause("每年新增10家规上企业")
    assert each is not None and each.annual and each.size_class is None
    # a value not in the clause: the first quantity, as before
    assert read_clause("打造2个千亿级产业集群", value=99).value == 2  # type: ignore[union-attr]


def test_extractor_and_review_reading_agree_on_the_same_sentences() -> None:
    targets = extract_plan(TEXT).targets
    got = {(t.value, t.unit): (t.size_class, t.annual) for t in targets}
    assert got == {
        (5, "个"): ("千亿级", False),
        (3000, "亿元"): (None, False),
        (8, "%"): (None, True),
        (2200, "家"): (None, False),
    }
    for t in targets:
        read = read_clause(t.quote, value=t.value)
        assert read is not None and (read.size_class, read.annual) == (t.size_class, t.annual)


def test_review_page_shows_size_class_and_each_year(tmp_path: Path) -> None:
    from tests.web.conftest import make_site
    from tests.web.helpers import login
    from tests.web.seed import PASSWORD

    site = make_site(tmp_path)
    try:
        with session_scope(site.engine, actor="t") as s:
            plan = service.load_plan(
                s, ADMIN, extract_plan(TEXT), source_name="t", source_text=TEXT
            )
            ids = {(t.value, t.unit): t.id for t in plan.targets}
            readings = review.target_readings(plan.targets)
        parks, rate = ids[(5.0, "个")], ids[(8.0, "%")]
        assert set(readings) == {str(parks), str(rate)}
        assert readings[str(parks)].size_class == "千亿级"
        assert readings[str(rate)].annual and readings[str(rate)].size_class is None
        client = site.client()
        login(client, site.world.users["analyst"], PASSWORD)
        api = client.get(f"/api/v1/plans/drafts/{plan.id}/text")
        assert api.status_code == 200
        assert api.json()["readings"] == {
            str(parks): {"size_class": "千亿级", "annual": False},
            str(rate): {"size_class": None, "annual": True},
        }
        html = client.get(f"/plans/drafts/{plan.id}/text").text
        assert f'data-testid="size-class-{parks}"' in html and ">千亿级</span>" in html
        assert f'data-testid="annual-{rate}"' in html
        assert html.count('data-testid="size-class-') == 1
        assert html.count('data-testid="annual-') == 1
    finally:
        site.engine.dispose()
