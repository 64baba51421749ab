"""The footer names the running release in the page's language: a development version as
such, never PEP 440's ``.dev0`` (a developer's word on a Chinese page)."""

from __future__ import annotations

import pytest
from packaging.version import Version

import gaodi
from tests.web.conftest import Site
from tests.web.helpers import login
from tests.web.seed import PASSWORD


@pytest.mark.parametrize(
    ("lang", "words"), [("zh", "（开发版）"), ("en", " (development version)")]
)
def test_the_footer_says_the_release_in_words(site: Site, lang: str, words: str) -> None:
    running = Version(gaodi.__version__)
    client = site.client()
    login(client, site.world.users["admin"], PASSWORD)
    client.cookies.set("gaodi_lang", lang)
    page = client.get("/").text
    expected = f"v{running.base_version}" + (words if running.is_devrelease else "")
    assert expected in page
    assert ".dev" not in page.split("<footer", 1)[1]
