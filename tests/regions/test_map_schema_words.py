"""The map API's documentation of a park's ``location_note`` says it is given in the page's
language, naming the words of each; it showed only the Chinese text, while an English reader's
JSON says "placed at the district's centre"."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.regions.test_map_views import clients  # noqa: F401  (the module's city and users)


def test_location_note_is_documented_as_answered(
    clients: tuple[TestClient, TestClient, dict],  # noqa: F811
) -> None:
    admin, _park, _ids = clients
    spec = admin.get("/api/v1/openapi.json").json()
    described = spec["components"]["schemas"]["MapPark"]["properties"]["location_note"]
    text = described["description"]
    assert "language" in text, text
    for lang in ("zh", "en"):  # each note the API answers is the one the documentation names
        admin.cookies.set("gaodi_lang", lang)
        notes = {p["location_note"] for p in admin.get("/api/v1/map").json()["parks"]}
        assert len(notes) == 1 and next(iter(notes)) in text, (lang, notes, text)
