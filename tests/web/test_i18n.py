"""Every UI string is translated in both catalogs; the language is chosen in the stated order."""

from __future__ import annotations

import pytest

from gaodi.ui.web.i18n import Translator, from_accept_language, negotiate
from gaodi.web import catalog
from tests.web.conftest import Site
from tests.web.helpers import csrf_of, login, post_form
from tests.web.seed import PASSWORD


def test_extraction_finds_the_strings_of_templates_and_views() -> None:
    messages = {singular for singular, _plural in catalog.extract_messages()}
    # one string from a template, one from a view (ctx._), one marked with N_ in a registry
    assert {"Sign in", "Enterprises by industrial chain", "Overview"} <= messages
    assert len(messages) > 100


def test_every_string_has_a_translation_in_both_catalogs() -> None:
    gaps = catalog.untranslated()
    assert gaps == {"zh": [], "en": []}, f"run `{catalog.UPDATE_COMMAND}` and translate: {gaps}"


def test_catalogs_hold_no_leftovers_and_no_fuzzy_entries() -> None:
    wanted = {singular for singular, _plural in catalog.extract_messages()}
    for lang in ("zh", "en"):
        entries = [m for m in catalog.load(lang) if m.id]
        ids = {m.id[0] if isinstance(m.id, tuple) else m.id for m in entries}
        assert ids == wanted, f"{lang}: stale {ids - wanted}, missing {wanted - ids}"
        assert not [m.id for m in entries if m.fuzzy]


def test_no_translation_shows_its_context_prefix() -> None:
    # "context|text" msgids (N_("submission step|Report")): a catalog that copied the msgid
    # put "submission step|Report" on the English page (verification of audit G)
    for lang in ("zh", "en"):
        shown = [
            m.id
            for m in catalog.load(lang)
            if isinstance(m.id, str) and "|" in m.id and "|" in (m.string or "")
        ]
        assert shown == [], (lang, shown)


def test_translations_keep_their_placeholders() -> None:
    import re

    placeholder = re.compile(r"%\((\w+)\)s")
    for message in catalog.load("zh"):
        if not message.id:
            continue
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        text = message.string[0] if isinstance(message.string, tuple) else message.string
        assert set(placeholder.findall(source)) == set(placeholder.findall(text)), source


def test_plural_forms() -> None:
    en, zh = Translator("en"), Translator("zh")
    assert en.ngettext("%(num)s user", "%(num)s users", 1) == "1 user"
    assert en.ngettext("%(num)s user", "%(num)s users", 2) == "2 users"
    assert zh.ngettext("%(num)s user", "%(num)s users", 2) == "共 2 个用户"
    assert zh("Overview") == "总览" and en("Overview") == "Overview"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("fr-FR,en;q=0.5,zh;q=0.8", "zh"),  # highest quality among supported wins
        ("de,fr", None),
        ("en;q=0", None),
        ("", None),
        ("zh-Hant-TW", "zh"),
        ("en;q=abc,zh;q=0.1", "zh"),  # a malformed quality counts as 0
    ],
)
def test_accept_language(header: str, expected: str | None) -> None:
    assert from_accept_language(header) == expected


def test_negotiation_order() -> None:
    assert negotiate("en", "zh", "zh-CN", "zh") == "en"  # user preference first
    assert negotiate(None, "en", "zh-CN", "zh") == "en"  # then the cookie
    assert negotiate(None, None, "en-GB", "zh") == "en"  # then the browser
    assert negotiate(None, None, None, "en") == "en"  # then the setting
    assert negotiate("xx", "yy", "de", "zh") == "zh"  # unknown values are skipped


def test_language_switch_sets_cookie_and_user_preference(site: Site) -> None:
    client = site.client()
    page = client.get("/login", headers={"Accept-Language": "zh-CN"})
    assert '<html lang="zh-CN">' in page.text and "登录" in page.text
    response = post_form(client, "/lang", {"lang": "en", "next": "/login"}, csrf_of(page.text))
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert "gaodi_lang=en" in response.headers["set-cookie"]
    english = client.get("/login", headers={"Accept-Language": "zh-CN"})
    assert '<html lang="en">' in english.text and "Sign in" in english.text
    # signed in, the switch is remembered on the account and wins over the cookie
    csrf = login(client, "t-viewer", PASSWORD)
    post_form(client, "/lang", {"lang": "zh", "next": "/"}, csrf)
    other_browser = site.client()
    other_browser.cookies.set("gaodi_lang", "en")
    login(other_browser, "t-viewer", PASSWORD)
    assert '<html lang="zh-CN">' in other_browser.get("/").text


def test_json_twin_follows_accept_language(shared_site: Site) -> None:
    client = shared_site.client()
    login(client, "t-admin", PASSWORD)
    zh = client.get("/api/v1/overview", headers={"Accept-Language": "zh-CN"}).json()
    en = client.get("/api/v1/overview", headers={"Accept-Language": "en"}).json()
    assert zh["counts"][0]["label"] == "企业" and en["counts"][0]["label"] == "Enterprises"
    assert [c["count"] for c in zh["counts"]] == [c["count"] for c in en["counts"]]
