"""The district map of an ended year counts each firm in the district, with the tags and in the
park, it had when the year ended: a firm tagged, untagged or moved today changed last year's
map (its 专精特新 count, its firms per district, a park's filter). On the hand-built city of
tests/regions/test_map_service.py: F1 (芙蓉区, park 1, 专精特新) and F2 in 芙蓉区, F3 (小巨人)
and F4 in 岳麓区, figures for 2023."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.enterprises.models import Enterprise
from gaodi.regions.map_service import industry_map

from .test_map_service import FURONG, YUELU, _by_code, build


def _counts(engine: Engine, **kw: object) -> dict[str, tuple[int, int]]:
    with session_scope(engine) as s:
        m = industry_map(s, SYSTEM, measure="srdi", year=2023, **kw)  # type: ignore[arg-type]
        d = _by_code(m)
        return {c: (d[c].enterprises, d[c].srdi) for c in (FURONG, YUELU)}


def test_a_firm_moved_and_untagged_today_keeps_last_years_map(db: Engine) -> None:
    ids = build(db)
    before = _counts(db)
    # by hand: 芙蓉区 F1 (专精特新) and F2; 岳麓区 F3 (小巨人) and F4
    assert before == {FURONG: (2, 1), YUELU: (2, 1)}
    assert _counts(db, park=ids["P1"]) == {FURONG: (2, 1), YUELU: (0, 0)}
    with session_scope(db, actor="test") as s:  # today (after 2023): F1 leaves, untagged
        f1 = s.scalars(select(Enterprise).where(Enterprise.name.like("%F1%"))).one()
        f1.region_code, f1.park_id, f1.tags = YUELU, ids["P2"], []
    # the old code: 芙蓉区 (1, 0), 岳麓区 (3, 1), and park 1 lost F1
    assert _counts(db) == before
    assert _counts(db, park=ids["P1"]) == {FURONG: (2, 1), YUELU: (0, 0)}
    assert _counts(db, park=ids["P2"]) == {FURONG: (0, 0), YUELU: (2, 1)}
