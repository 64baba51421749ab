"""A chain's 专精特新 and 头羊 counts on a past day use the tags the firms had that day: tags
gained or lost through today's import (the enterprises' one write path) leave the June 2023
diagnosis as it was, and today's moves by exactly the firms changed. On a copy of the small demo
city (today 2024-01-15)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.chains import service
from gaodi.chains.models import EnterpriseLink, Link
from gaodi.core import clock
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.enterprises import batch
from gaodi.enterprises.models import Enterprise

DAY = dt.date(2023, 6, 30)
EDIT_AT = dt.datetime(2024, 1, 15, 3, 0)  # the city's today, 11:00 in Beijing


def _leaf_with_plain_firms(engine: Engine) -> tuple[int, int, list[tuple[str, list[str]]]]:
    """(chain id, link id, [(uscc, tags)] of two current firms) of the first leaf link with a
    firm without 专精特新/小巨人/头羊 tags and one tagged 专精特新 or 小巨人."""
    with session_scope(engine) as s:
        parents = set(s.scalars(select(Link.parent_id).where(Link.parent_id.is_not(None))))
        for link in s.scalars(select(Link).order_by(Link.chain_id, Link.id)):
            if link.id in parents:
                continue
            firms = s.execute(
                select(Enterprise.uscc, Enterprise.tags)
                .join(EnterpriseLink, EnterpriseLink.enterprise_id == Enterprise.id)
                .where(
                    EnterpriseLink.link_id == link.id,
                    EnterpriseLink.valid_to.is_(None),
                    EnterpriseLink.excluded.is_(False),
                )
                .order_by(Enterprise.id)
            ).all()
            tagged = [(u, list(t or [])) for u, t in firms]
            plain = [f for f in tagged if not {"srdi", "little_giant", "leader"} & set(f[1])]
            srdi = [f for f in tagged if {"srdi", "little_giant"} & set(f[1])]
            if plain and srdi:
                return link.chain_id, link.id, [plain[0], srdi[0]]
    raise AssertionError("the demo city has no such link")


def _link(engine: Engine, chain_id: int, link_id: int, on: dt.date | None) -> tuple[int, int]:
    """(srdi, leaders) of the link in the chain's diagnosis of 2022 on ``on``."""
    with session_scope(engine) as s:
        result = service.diagnose(s, SYSTEM, chain_id, year=2022, on=on)
    row = next(r for r in result.links if r.id == link_id)
    return row.srdi, row.leaders


def _import_tags(engine: Engine, tags: dict[str, list[str]]) -> None:
    rows = [batch.EnterpriseWrite(u, changes={"tags": t}) for u, t in tags.items()]
    with clock.frozen(EDIT_AT), session_scope(engine, actor="tester") as s:
        b = batch.prepare_enterprises(s, SYSTEM, rows, mode="upsert")
        assert b.updated == len(rows) and not b.refusals
        batch.write_enterprises(s, b)


def test_tags_changed_today_leave_a_past_days_chain_counts(demo_db: Engine) -> None:
    chain_id, link_id, firms = _leaf_with_plain_firms(demo_db)
    (gainer, gainer_tags), (second, second_tags) = firms[0], firms[1]
    srdi_then, leaders_then = _link(demo_db, chain_id, link_id, DAY)
    second_leader = "leader" in second_tags
    # today: the first firm becomes 头羊; the second (专精特新) loses every tag it had
    _import_tags(demo_db, {gainer: [*gainer_tags, "leader"], second: []})
    srdi_now, leaders_now = _link(demo_db, chain_id, link_id, None)
    assert srdi_now == srdi_then - 1
    assert leaders_now == leaders_then + 1 - second_leader
    # the day before the edit still counts the tags of that day
    assert _link(demo_db, chain_id, link_id, DAY) == (srdi_then, leaders_then)
    assert _link(demo_db, chain_id, link_id, dt.date(2024, 1, 14)) == (srdi_then, leaders_then)
