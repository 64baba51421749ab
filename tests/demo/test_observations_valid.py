"""Every value the demo stores passes the checks a value entered by hand must pass (the unit
and plausibility checks of gaodi.plans.checks that the form, the CLI, the API and the Excel
import run through gaodi.plans.intake): the demo never shows what its own checks refuse,
such as 348.9493 智能化改造项目数 (a count in 个)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.core import clock
from gaodi.db import session_scope
from gaodi.plans.checks import plausibility_flags, unit_flags
from gaodi.plans.inference import rule_file
from gaodi.plans.models import Indicator, Observation


def test_every_demo_observation_passes_the_entry_checks(demo_db: Engine) -> None:
    refused: list[str] = []
    counts = set(rule_file("plausibility.yaml")["units"]["count"])
    seen_count_units = set()
    with session_scope(demo_db) as s, clock.frozen(datetime(2024, 1, 15, 2, 0)):
        indicators = {i.id: i for i in s.scalars(select(Indicator))}
        for o in s.scalars(select(Observation)):
            ind = indicators[o.indicator_id]
            if ind.unit in counts:
                seen_count_units.add(ind.code)
            # the value alone: the checks against other periods only warn; errors refuse
            flags = unit_flags(ind, o.kind, o.value) + plausibility_flags(
                ind, o.kind, o.period, o.value, {}
            )
            errors = [f for f in flags if f.severity == "error"]
            if errors:
                refused.append(
                    f"{ind.code} {o.period} r{o.revision} = {o.value}: {errors[0].message_en}"
                )
    assert "smart_upgrade_projects" in seen_count_units  # the cumulative count is covered
    assert not refused, "\n".join(refused[:20])


def test_counted_indicators_are_whole_numbers(demo_db: Engine) -> None:
    counts = set(rule_file("plausibility.yaml")["units"]["count"])
    with session_scope(demo_db) as s:
        rows = s.execute(
            select(Indicator.code, Observation.value)
            .join(Observation, Observation.indicator_id == Indicator.id)
            .where(Indicator.unit.in_(sorted(counts)))
        ).all()
    assert rows
    assert [(c, v) for c, v in rows if not float(v).is_integer()] == []
