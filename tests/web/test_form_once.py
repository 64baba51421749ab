"""A form is saved once per rendering: every form rendered with the CSRF token carries a
one-time key (``_once``), and the same rendering sent again — a double-click, Back and send
again, copies at the same moment — writes nothing and answers as the first submission did: the
page it went to, with a note in words (fifth audit M, finding 8: ten 揭榜 applications, ten
企业诉求 and six identical self-assessments from one click). A 422 keeps nothing, so the
corrected form is saved; another user's key tells its sender nothing of where it went.
"""

from __future__ import annotations

import html
import re
import shutil
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from gaodi.core import clock
from gaodi.core.permissions import SYSTEM
from gaodi.db import make_engine, session_scope
from gaodi.projects import challenges
from gaodi.projects.models import Appeal, ChallengeApplication
from gaodi.projects.schemas import ChallengeIn
from gaodi.smart.models import Assessment
from tests.browser.harness import serve
from tests.smart.test_service import ITEMS, SCENARIOS
from tests.smart.test_views import _form_data
from tests.web.conftest import Site, make_site
from tests.web.helpers import csrf_of, login
from tests.web.seed import PASSWORD, seed

NOW = datetime(2023, 6, 1, 2, 0)  # the city's today 2023-06-01, 10:00 Beijing time
AGAIN_ZH = "此表单已于 10:00 提交，未重复保存。"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    clock.set_source(lambda: NOW)
    site = make_site(tmp_path_factory.mktemp("form-once"))
    with session_scope(site.engine, actor="test") as s:
        site.world.ids["open_challenge"] = _open_challenge(s, site.world.ids["chain_a"])
    yield site
    site.engine.dispose()
    clock.set_source(None)


def _open_challenge(s: object, chain_id: int) -> int:
    c = challenges.create_challenge(
        s,  # type: ignore[arg-type]
        SYSTEM,
        ChallengeIn(
            title="高端液压阀攻关",
            problem="国产化",
            chain_id=chain_id,
            link_id=None,
            budget=300.0,
            deadline=date(2023, 6, 30),
        ),
    )
    return c.id


def _client(site: Site, role: str) -> TestClient:
    client = site.client()
    login(client, site.world.users[role], PASSWORD)
    return client


def _form(page: str, marker: str) -> dict[str, str]:
    """The hidden fields (CSRF token, one-time key …) of the form whose opening tag holds
    ``marker``, as the browser would send them."""
    start = page.index(marker)
    start = page.rindex("<form", 0, start)
    body = page[start : page.index("</form>", start)]
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body)
    }


def _count(site: Site, model: type) -> int:
    with session_scope(site.engine) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _flashes(page: str) -> list[tuple[str, str]]:
    found = re.findall(r'class="flash flash-(\w+)"[^>]*>(.*?)</div>', page, re.S)
    return [(kind, " ".join(words.split())) for kind, words in found]


def _appeal(site: Site, **changes: str) -> dict[str, str]:
    return {
        "enterprise_uscc": site.world.uscc["e1"],
        "category": "审批",
        "title": "用电报装排队过长",
        "text": "报装排队已两个月。",
        **changes,
    }


def test_every_rendered_form_has_its_own_key(site: Site) -> None:
    client = _client(site, "admin")
    page = client.get(f"/challenges/{site.world.ids['open_challenge']}").text
    keys = re.findall(r'name="_once" value="([0-9a-f]+)"', page)
    assert len(keys) >= 2 and len(set(keys)) == len(keys)  # one per form
    assert all(len(k) == 32 for k in keys)  # 128 bits
    again = client.get(f"/challenges/{site.world.ids['open_challenge']}").text
    assert not set(keys) & set(re.findall(r'name="_once" value="([0-9a-f]+)"', again))


def test_an_appeal_sent_twice_is_saved_once(site: Site) -> None:
    client = _client(site, "admin")
    hidden = _form(client.get("/appeals").text, 'data-testid="submit-appeal"')
    assert "_once" in hidden
    before = _count(site, Appeal)
    first = client.post("/appeals", data=_appeal(site) | hidden, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"].startswith("/appeals/")
    again = client.post("/appeals", data=_appeal(site) | hidden, follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"] == first.headers["location"]
    shown = client.get(again.headers["location"]).text
    assert ("info", AGAIN_ZH) in _flashes(shown)
    assert _count(site, Appeal) == before + 1
    # in English too
    third = client.post(
        "/appeals",
        data=_appeal(site) | hidden,
        headers={"Accept-Language": "en"},
        follow_redirects=True,
    )
    assert "This form was already submitted at 10:00; it was not saved again." in third.text
    assert _count(site, Appeal) == before + 1


def test_a_challenge_application_sent_twice_is_saved_once(site: Site) -> None:
    client = _client(site, "admin")
    cid = site.world.ids["open_challenge"]
    hidden = _form(client.get(f"/challenges/{cid}").text, 'data-testid="step-apply"')
    assert hidden["action"] == "apply" and "_once" in hidden
    data = {"applicant_name": "麓谷洲丰结构件新材料有限公司", "proposal": "方案"} | hidden
    before = _count(site, ChallengeApplication)
    first = client.post(f"/challenges/{cid}/act", data=data, follow_redirects=False)
    assert first.status_code == 303
    assert ("success", "已保存。") in _flashes(client.get(first.headers["location"]).text)
    again = client.post(f"/challenges/{cid}/act", data=data, follow_redirects=True)
    assert again.status_code == 200
    assert _flashes(again.text) == [("info", AGAIN_ZH)]  # not the service's refusal
    assert _count(site, ChallengeApplication) == before + 1


def test_a_self_assessment_sent_twice_is_saved_once(site: Site) -> None:
    client = _client(site, "admin")
    e4 = site.world.ids["e4"]
    url = f"/smart/enterprises/{e4}/assess"
    hidden = _form(client.get(url).text, f'action="{url}"')
    data = _form_data(ITEMS, SCENARIOS, hidden["csrf_token"]) | hidden
    data["assessed_on"] = "2023-05-20"  # on or before the city's today
    before = _count(site, Assessment)
    first = client.post(url, data=data, follow_redirects=False)
    assert first.status_code == 303
    again = client.post(url, data=data, follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"] == first.headers["location"]
    assert ("info", AGAIN_ZH) in _flashes(client.get(again.headers["location"]).text)
    assert _count(site, Assessment) == before + 1


def test_a_reviewer_and_a_user_added_twice_are_added_once_and_never_a_500(site: Site) -> None:
    """Double-clicks that were a 500 (the database's unique key): "add reviewer" and "create
    user" sent twice from one rendering answer the first time's page, in words."""
    client = _client(site, "admin")
    cid = site.world.ids["open_challenge"]
    hidden = _form(client.get(f"/challenges/{cid}").text, 'data-testid="step-add-reviewer"')
    data = {"username": site.world.users["analyst"], "name": "专家甲"} | hidden
    responses = [client.post(f"/challenges/{cid}/act", data=data) for _ in range(2)]
    assert [r.status_code for r in responses] == [200, 200]
    assert _flashes(responses[1].text) == [("info", AGAIN_ZH)]
    assert responses[1].text.count("专家甲") == responses[0].text.count("专家甲")

    hidden = _form(client.get("/admin/users").text, 'data-testid="create-user-form"')
    data = {"username": "zhang.wei", "role": "viewer", "password": "Zhang-wei-2024"} | hidden
    first = client.post("/admin/users", data=data, follow_redirects=False)
    again = client.post("/admin/users", data=data, follow_redirects=False)
    assert (first.status_code, again.status_code) == (303, 303)
    assert again.headers["location"] == first.headers["location"]
    assert ("info", AGAIN_ZH) in _flashes(client.get(again.headers["location"]).text)


def test_a_refused_form_corrected_is_saved_with_the_same_key(site: Site) -> None:
    client = _client(site, "admin")
    hidden = _form(client.get("/appeals").text, 'data-testid="submit-appeal"')
    before = _count(site, Appeal)
    refused = client.post(
        "/appeals", data=_appeal(site, title="", text="缺少技工") | hidden, follow_redirects=False
    )
    assert refused.status_code == 422 and "此项必填" in refused.text
    corrected = client.post(
        "/appeals", data=_appeal(site, title="技工短缺", text="缺少技工") | hidden,
        follow_redirects=False,
    )  # fmt: skip
    assert corrected.status_code == 303
    assert _count(site, Appeal) == before + 1
    assert ("success", "已于") not in _flashes(client.get(corrected.headers["location"]).text)


def test_another_users_key_tells_nothing_of_where_it_went(site: Site) -> None:
    admin = _client(site, "admin")
    hidden = _form(admin.get("/appeals").text, 'data-testid="submit-appeal"')
    first = admin.post(
        "/appeals", data=_appeal(site, title="招工难") | hidden, follow_redirects=False
    )
    assert first.status_code == 303
    other = _client(site, "enterprise")
    own = _form(other.get("/appeals").text, 'data-testid="submit-appeal"')
    before = _count(site, Appeal)
    data = {
        "enterprise_id": str(site.world.ids["e1"]),
        "category": "审批",
        "title": "招工难",
        "text": "缺人",
        "csrf_token": own["csrf_token"],
        "_once": hidden["_once"],  # the admin's key
    }
    sent = other.post("/appeals", data=data, follow_redirects=False)
    assert sent.status_code == 303
    assert sent.headers["location"] != first.headers["location"]
    page = other.get(sent.headers["location"]).text
    assert not any("已于" in words for _kind, words in _flashes(page))
    assert _count(site, Appeal) == before + 1  # saved as the form it is


def test_a_page_shared_by_several_viewers_gives_each_request_its_own_key(site: Site) -> None:
    """A rendering served to every viewer of a scope cannot hold one viewer's key (two would
    send the same one): each request's copy gets keys of its own, so the shared page's forms
    (the chain page's add-link form) are saved once like any other."""
    from gaodi.ui.web import rendered

    client = _client(site, "admin")
    keys = []
    for _ in range(2):
        page = client.get(f"/chains/{site.world.ids['chain_a']}").text
        assert 'data-testid="add-link-form"' in page and rendered.ONCE_MARK not in page
        form = page[page.index('data-testid="add-link-form"') :]
        found = re.search(r'name="_once" value="([0-9a-f]{32})"', form[: form.index("</form>")])
        assert found is not None
        keys.append(found.group(1))
    assert keys[0] != keys[1]


def test_copies_sent_at_once_save_one_and_none_is_a_500(
    tmp_path: Path, migrated_sqlite: Path
) -> None:
    """Six copies of one rendered appeal form at the same moment (a live server, a barrier):
    one appeal, every copy led to it, no 500."""
    shutil.copyfile(migrated_sqlite, tmp_path / "city.sqlite")
    engine: Engine = make_engine(f"sqlite:///{tmp_path / 'city.sqlite'}")
    try:
        world = seed(engine)
        with serve(engine, tmp_path, world, PASSWORD) as server:
            with httpx.Client(base_url=server.url, timeout=30) as client:
                token = csrf_of(client.get("/login").text)
                signed_in = client.post(
                    "/login",
                    data={
                        "username": world.users["admin"],
                        "password": PASSWORD,
                        "csrf_token": token,
                        "next": "/",
                    },
                )
                assert signed_in.status_code in (200, 303), signed_in.text[:300]
                hidden = _form(client.get("/appeals").text, 'data-testid="submit-appeal"')
                cookies = dict(client.cookies)
            data = {
                "enterprise_uscc": world.uscc["e1"],
                "category": "审批",
                "title": "用电报装排队过长",
                "text": "报装排队已两个月。",
            } | hidden
            with session_scope(engine) as s:
                before = int(s.scalar(select(func.count()).select_from(Appeal)) or 0)
            barrier = threading.Barrier(6)

            def post(_: int) -> httpx.Response:
                with httpx.Client(base_url=server.url, timeout=30, cookies=cookies) as c:
                    barrier.wait()
                    return c.post("/appeals", data=data)

            with ThreadPoolExecutor(6) as pool:
                responses = list(pool.map(post, range(6)))
        assert [r.status_code for r in responses] == [303] * 6, [r.text[:300] for r in responses]
        assert len({r.headers["location"] for r in responses}) == 1
        with session_scope(engine) as s:
            assert int(s.scalar(select(func.count()).select_from(Appeal)) or 0) == before + 1
    finally:
        engine.dispose()


def test_keys_older_than_seven_days_are_pruned_on_write(site: Site) -> None:
    client = _client(site, "admin")
    old = _form(client.get("/appeals").text, 'data-testid="submit-appeal"')
    assert client.post("/appeals", data=_appeal(site, title="旧") | old).status_code == 200
    later = NOW + timedelta(days=8)
    clock.set_source(lambda: later)
    try:
        fresh = _form(client.get("/appeals").text, 'data-testid="submit-appeal"')
        client.post("/appeals", data=_appeal(site, title="新") | fresh)
        with session_scope(site.engine) as s:
            kept = list(s.scalars(select(_table().c.at)))
        assert kept == [later]  # the new one; the one from eight days before is gone
    finally:
        clock.set_source(lambda: NOW)


def _table():  # type: ignore[no-untyped-def]
    from gaodi.accounts.models import FormSubmission

    return FormSubmission.__table__


def test_saved_once_on_both_databases(site: Site, tmp_path: Path, backend_url: str) -> None:
    """The key's check and record on SQLite and PostgreSQL: one appeal, the repeat told so
    (``site``: the module's clock and password hashing)."""
    own = make_site(tmp_path, url=backend_url)
    try:
        client = _client(own, "admin")
        hidden = _form(client.get("/appeals").text, 'data-testid="submit-appeal"')
        before = _count(own, Appeal)
        first = client.post("/appeals", data=_appeal(own) | hidden, follow_redirects=False)
        again = client.post("/appeals", data=_appeal(own) | hidden, follow_redirects=False)
        assert (first.status_code, again.status_code) == (303, 303)
        assert again.headers["location"] == first.headers["location"]
        assert ("info", AGAIN_ZH) in _flashes(client.get(again.headers["location"]).text)
        assert _count(own, Appeal) == before + 1
    finally:
        own.engine.dispose()


def test_the_same_rendering_sent_with_something_changed_is_a_new_submission(site: Site) -> None:
    """Back, correct a box, send: not a repeat (what was typed differs), so it is saved and
    checked like any other; sent once more unchanged, it is the repeat."""
    client = _client(site, "admin")
    hidden = _form(client.get("/appeals").text, 'data-testid="submit-appeal"')
    before = _count(site, Appeal)
    first = client.post("/appeals", data=_appeal(site, title="供电排队") | hidden)
    corrected = client.post("/appeals", data=_appeal(site, title="供电排队过长") | hidden)
    assert first.status_code == corrected.status_code == 200
    assert _count(site, Appeal) == before + 2
    again = client.post("/appeals", data=_appeal(site, title="供电排队过长") | hidden)
    assert again.status_code == 200 and _count(site, Appeal) == before + 2
    assert any("已于" in words for _kind, words in _flashes(again.text))
