"""The tier records' 工业 test is the one definition (gaodi.analytics.above_scale.is_industrial).

records.py kept its own copy (门类 of the full code in B/C/D), which said "unknown" for a code
missing from the GB/T 4754 table, while the overview, the 亩均 segments and the chains judge
it by its 大类 (the first two digits decide the 门类). 3398 is not in the table; its 大类 33
金属制品业 is in 门类 C, so the firm below is 工业 with 6500 万元 >= 2000 万元: 规上 by the
shared definition, and its 规上 tier must say the same (before: undetermined).
"""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from gaodi.analytics.above_scale import is_above_scale, is_industrial
from gaodi.core.errors import ValidationError
from gaodi.core.permissions import SYSTEM
from gaodi.core.reference import industry_section
from gaodi.db import session_scope
from gaodi.enterprises import service
from gaodi.models import Enterprise, IndustryCode
from tests.chains.conftest import World

ABSENT = "3398"


def test_a_code_outside_the_table_is_judged_by_its_division(db: Engine, world: World) -> None:
    with pytest.raises(ValidationError):
        industry_section(ABSENT)  # not in the GB/T 4754 table
    assert is_industrial(ABSENT) is True and is_above_scale(ABSENT, 6500.0)
    with session_scope(db, actor="test") as s:
        s.add(IndustryCode(code=ABSENT, name="未列入国标的代码", level="class"))
        s.flush()
        ent = s.get(Enterprise, world.ids["E3"])  # 液压阀测试公司, main revenue 6500 万元
        assert ent is not None
        ent.industry_code = ABSENT
    with session_scope(db) as s:
        tiers = {t.level: t for t in service.profile(s, SYSTEM, world.ids["E3"]).tiers}
    above = tiers["above_scale"]
    assert above.determined and above.qualifies
    crit = {c.metric: c for c in above.criteria}
    assert crit["is_industrial"].actual is True
