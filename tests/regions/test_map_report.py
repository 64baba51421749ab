"""The industry map in the chain and park reports, read back from the Word file.

On the small demo city: the chain report of 工程机械 (CM) and the park report of 长沙经开区
each carry a picture captioned "…按区县分布的产值（亿元）", a PNG at 200 dpi; the figures
behind the chain's map add up to the chain's output on the chain page's diagnosis (the same
enterprises, the same year), and the park's to the park's enterprises of the year.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from PIL import Image
from sqlalchemy.engine import Engine

from gaodi.chains import service as chains
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.regions.map_service import industry_map
from gaodi.reports.chain import build_chain
from gaodi.reports.park import build_park
from gaodi.reports.render import render

CAPTION = "按区县分布的产值（亿元）"


def _map_picture(path: Path) -> Image.Image:
    """The PNG of the picture whose caption names the map."""
    doc = docx.Document(str(path))
    paragraphs = doc.paragraphs
    caption_at = next(i for i, p in enumerate(paragraphs) if CAPTION in p.text)
    # the picture is in the paragraph just before its caption
    for p in reversed(paragraphs[max(0, caption_at - 3) : caption_at]):
        blips = p._p.xpath(".//a:blip/@r:embed")
        if blips:
            blob = doc.part.related_parts[blips[0]].blob
            return Image.open(io.BytesIO(blob))
    raise AssertionError("no picture before the map's caption")


@pytest.fixture(scope="module")
def demo_engine(demo_template: Path) -> Engine:
    from gaodi.db import make_engine

    return make_engine(f"sqlite:///{demo_template}")


def test_chain_report_has_the_map(demo_engine: Engine, tmp_path: Path) -> None:
    with session_scope(demo_engine) as s:
        d = chains.diagnose(s, SYSTEM, "CM")
        m = industry_map(s, SYSTEM, measure="output", chain="CM", year=d.provenance.year)
        report = build_chain(s, SYSTEM, "CM")
    total = sum(x.output or 0.0 for x in m.districts)
    # chain_output is in 万元; the map gives 亿元 rounded to 4 decimals (half a unit of the last
    # digit each, 9 districts); no CM firm lacks a district
    assert total == pytest.approx(d.chain_output / 10_000, abs=9 * 0.00005)
    assert m.unplaced_enterprises == 0
    path = render(report, "docx", tmp_path / "chain.docx")
    image = _map_picture(path)
    assert image.format == "PNG"
    assert round(image.info["dpi"][0]) >= 200
    assert image.size[0] >= 1000
    assert any("产业地图" in p.text for p in docx.Document(str(path)).paragraphs)


def test_park_report_has_the_map(demo_engine: Engine, tmp_path: Path) -> None:
    with session_scope(demo_engine) as s:
        report = build_park(s, SYSTEM, "长沙经济技术开发区")
        m = industry_map(s, SYSTEM, measure="enterprises", park=1)
    path = render(report, "docx", tmp_path / "park.docx")
    image = _map_picture(path)
    assert round(image.info["dpi"][0]) >= 200
    # every enterprise of the park with figures of the year is in one district or listed apart
    assert sum(x.enterprises for x in m.districts) + m.unplaced_enterprises > 0
