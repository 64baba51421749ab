"""The same questionnaire submitted twice for one enterprise, scheme and day, by any path.

The Excel import refused an identical repeat of the day's record, but the web form and the JSON
API stored a second, identical assessment each time. The service now refuses it on every path:
the form comes back (422) with the words next to its date, the API answers 409 with them, in the
reader's language, naming the record repeated; nothing is stored. Different answers for that
day are a correction and are stored after the earlier record (which :func:`superseded` names,
and the form's page says so).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gaodi.core import clock
from gaodi.core.errors import ConflictError
from gaodi.db import session_scope
from gaodi.smart import service
from gaodi.smart.models import Assessment
from tests.smart.conftest import World
from tests.smart.test_service import ITEMS, SCENARIOS
from tests.smart.test_views import _form_data, client_for, site  # noqa: F401  (the module's city)
from tests.web.conftest import Site
from tests.web.helpers import csrf_of

WEAKER = dict(ITEMS) | {"b_info_systems": "A"}  # 5 points less: 46.925


def _stored(site: Site) -> int:  # noqa: F811
    with session_scope(site.engine) as s:
        return s.scalar(select(func.count()).select_from(Assessment)) or 0


def test_the_service_refuses_an_identical_repeat_and_stores_a_correction(
    session: Session, world: World
) -> None:
    ent = service.enterprise(session, world.admin, enterprise_id=world.ids["e2"])
    day = date(2023, 12, 1)
    with clock.frozen(date(2024, 3, 1)):
        first = service.record_assessment(
            session, world.admin, ent, ITEMS, SCENARIOS, assessed_on=day, source="api"
        )
        # the same answers, even written differently (one option as a list, a level as text)
        same = dict(ITEMS) | {"b_info_systems": [ITEMS["b_info_systems"]]}
        scen = {k: str(v) for k, v in SCENARIOS.items()}
        with pytest.raises(ConflictError) as err:
            service.record_assessment(
                session, world.admin, ent, same, scen, assessed_on=day, assessor="王五"
            )
        assert err.value.status_code == 409 and err.value.context["field"] == "assessed_on"
        assert f"#{first.id}" in err.value.zh and "已有一份答案完全相同的评估" in err.value.zh
        assert "未重复保存" in err.value.zh and "导入" not in err.value.zh
        assert f"#{first.id}" in err.value.en and "identical assessment" in err.value.en
        assert "import" not in err.value.en
        assert [a.id for a in service.history(session, world.admin, ent.id)] == [first.id]
        corrected = service.record_assessment(
            session, world.admin, ent, WEAKER, SCENARIOS, assessed_on=day
        )
        assert service.superseded(session, world.admin, corrected).id == first.id
        assert service.latest(session, world.admin, ent.id).id == corrected.id


def test_the_web_form_sent_twice_is_refused_next_to_its_date(site: Site) -> None:  # noqa: F811
    client = client_for(site, "admin")
    e4 = site.world.ids["e4"]
    token = csrf_of(client.get(f"/smart/enterprises/{e4}/assess").text)
    data = _form_data(ITEMS, SCENARIOS, token) | {"assessed_on": "2023-11-20"}
    first = client.post(f"/smart/enterprises/{e4}/assess", data=data, follow_redirects=False)
    assert first.status_code == 303
    first_id = int(first.headers["location"].split("assessment_id=")[1])
    before = _stored(site)

    again = client.post(f"/smart/enterprises/{e4}/assess", data=data, follow_redirects=False)
    assert again.status_code == 422
    assert 'data-testid="error-assessed_on"' in again.text
    assert "已有一份答案完全相同的评估" in again.text and f"#{first_id}" in again.text
    assert "identical assessment" not in again.text
    assert _stored(site) == before

    client.cookies.set("gaodi_lang", "en")
    english = client.post(f"/smart/enterprises/{e4}/assess", data=data, follow_redirects=False)
    assert english.status_code == 422
    assert "An identical assessment" in english.text and f"#{first_id}" in english.text
    assert "已有一份答案完全相同的评估" not in english.text
    assert _stored(site) == before

    # different answers for that day are a correction: stored, and said so
    client.cookies.set("gaodi_lang", "zh")
    fixed = _form_data(WEAKER, SCENARIOS, token) | {"assessed_on": "2023-11-20"}
    corrected = client.post(f"/smart/enterprises/{e4}/assess", data=fixed, follow_redirects=False)
    assert corrected.status_code == 303
    assert _stored(site) == before + 1
    page = client.get(corrected.headers["location"]).text
    assert f"本次更正同日的自评记录 #{first_id}" in page and "46.925" in page


def test_the_api_call_repeated_answers_409_and_stores_nothing(site: Site) -> None:  # noqa: F811
    client = client_for(site, "admin")
    w = site.world
    body = {
        "uscc": w.uscc["e3"],
        "items": ITEMS,
        "scenarios": SCENARIOS,
        "assessed_on": "2023-10-09",
    }
    created = client.post("/api/v1/smart/assessments", json=body)
    assert created.status_code == 201
    before = _stored(site)

    again = client.post("/api/v1/smart/assessments", json=body)
    assert again.status_code == 409
    answer = again.json()
    assert answer["error"] == "conflict"
    assert "已有一份答案完全相同的评估" in answer["message"]
    assert f"#{created.json()['id']}" in answer["message"]
    assert _stored(site) == before

    client.cookies.set("gaodi_lang", "en")
    english = client.post("/api/v1/smart/assessments", json=body).json()
    assert english["message"].startswith("An identical assessment")

    corrected = client.post("/api/v1/smart/assessments", json=body | {"items": WEAKER})
    assert corrected.status_code == 201 and corrected.json()["total"] == pytest.approx(46.925)
    assert _stored(site) == before + 1


def test_the_same_maturity_ratings_again_are_refused_too(session: Session, world: World) -> None:
    ent = service.enterprise(session, world.admin, enterprise_id=world.ids["e1"])
    ratings = [
        {"level": 1, "subdomain": "data", "rating": 1.0},
        {"level": 1, "subdomain": "network", "rating": "大部分满足"},
    ]
    with clock.frozen(date(2024, 3, 1)):
        first = service.record_maturity(session, world.admin, ent, ratings)
        # the same ratings in another order, one spelled as its number
        again = [{"level": 1, "subdomain": "network", "rating": 0.8}, ratings[0]]
        with pytest.raises(ConflictError) as err:
            service.record_maturity(session, world.admin, ent, again)
        assert f"#{first.id}" in err.value.zh and "已有一份答案完全相同的评估" in err.value.zh
        changed = [{"level": 1, "subdomain": "network", "rating": 1.0}, ratings[0]]
        assert service.record_maturity(session, world.admin, ent, changed).id > first.id
