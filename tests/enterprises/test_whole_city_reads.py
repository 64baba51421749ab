"""A caller with no scope (the whole city) has the tier lists, honours and identities read whole,
in one query each, instead of by chunks of ids (``every=True``): the answers are the ones the
chunked reads give, for the enterprises asked and no others."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.core import clock
from gaodi.db import session_scope
from gaodi.enterprises import records, service, tier_lists
from gaodi.enterprises.models import Enterprise

from .test_tier_lists import TODAY, _import, _python


def test_whole_reads_give_the_chunked_answers(db: Engine, tmp_path: Path) -> None:
    with clock.frozen(TODAY):
        _import(db, tmp_path)
        _python(db)
        with session_scope(db) as s:
            ids = sorted(s.scalars(select(Enterprise.id)))
            assert len(ids) == 6
            chunked = tier_lists.derived_of(s, ids, 2023)
            whole = tier_lists.derived_of(s, ids, 2023, every=True)
            assert whole == chunked
            assert chunked  # awards, honours and margins gave values to compare
            assert "profit_above_industry" in next(iter(chunked.values()))
            some = ids[:2]  # read whole, answered only for those asked
            assert tier_lists.derived_of(s, some, 2023, every=True) == {
                k: v for k, v in chunked.items() if k in some
            }
            assert service._identity(s, ids, every=True) == service._identity(s, ids)
            assert service._identity(s, some, every=True) == service._identity(s, some)
            # the whole city's frame (every enterprise: no ids sent) is the listed one's
            city = records.tier_frame(s, None, 2023).sort("enterprise_id")
            listed = records.tier_frame(s, ids, 2023).sort("enterprise_id")
            assert city.columns == listed.columns
            assert city.to_dicts() == listed.to_dicts()
