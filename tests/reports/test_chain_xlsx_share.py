"""The chain export writes a tiny share as a number whose percentage format shows two
significant digits, as the chain page writes it (0.0026%, not 0.0%; audit D, bug 6)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.chains.test_chain_page_counts import _admin, site  # noqa: F401


def test_the_chain_export_shows_a_tiny_share_with_its_digits(site) -> None:  # noqa: F811
    w = site.world
    client = _admin(site)
    share = next(
        r["output_share"]
        for r in client.get(f"/api/v1/chains/{w.ids['chain_a']}").json()["diagnosis"]["links"]
        if r["id"] == w.ids["a1_1"]
    )
    wb = load_workbook(io.BytesIO(client.get(f"/export/xlsx/chains/{w.ids['chain_a']}").content))
    ws = wb["环节诊断"]
    head = [c.value for c in ws[1]]
    col = head.index("产值占比")
    cell = next(row[col] for row in ws.iter_rows(min_row=2) if "子环节" in str(row[0].value))
    assert isinstance(cell.value, float) and abs(cell.value - share) < 1e-12
    assert cell.number_format == "0.0000%"  # 0.0025%: two significant digits, not 0.0%
