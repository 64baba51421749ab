"""The 亩均 workbook's 说明 sheet says when the evaluation was computed in the city's time with
its zone named; it wrote the stored naive UTC time under 计算时间（UTC）, beside the city's
dates (01:30 for 09:30 in the city)."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from gaodi.core import clock
from gaodi.parks import service
from tests.parks.test_views import client  # noqa: F401  (the hand-made city, signed in)

AT = datetime(2023, 6, 30, 1, 30, 5)  # naive UTC: 09:30:05 on 30 June in the city


@pytest.mark.parametrize(
    ("lang", "label", "zone"),
    [("zh", "计算时间", "（北京时间）"), ("en", "Computed at", " (Beijing time)")],
)
def test_the_workbook_says_when_in_city_time(
    client: tuple[TestClient, dict[str, int]],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    label: str,
    zone: str,
) -> None:
    monkeypatch.setattr(service, "computed_at", lambda: AT.isoformat())  # the real moment
    c, _ids = client
    c.cookies.set("gaodi_lang", lang)
    response = c.get("/parks.xlsx", params={"year": 2023, "scheme": "default"})
    assert response.status_code == 200
    about = load_workbook(io.BytesIO(response.content)).worksheets[0]
    lines = {str(a): b for a, b in about.iter_rows(values_only=True) if a}
    said = next(v for k, v in lines.items() if k.startswith(label))
    assert said == f"{clock.local(AT):%Y-%m-%d %H:%M:%S}{zone}" == f"2023-06-30 09:30:05{zone}"
