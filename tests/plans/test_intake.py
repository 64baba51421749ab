"""Plausibility checks, unit checks, confirmation with a reason, and user rules on submission.

The small plan (conftest): output running totals 2022-06 40, 2023-02 20, 03 30, 06 54; firms
2023-05 12; growth 2023-05 6.0; the clock is frozen at 2023-07-10.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gaodi.audit.models import AuditEvent
from gaodi.core.errors import ValidationError
from gaodi.plans import intake, service
from gaodi.plans.intake import PlausibilityFlagged
from gaodi.plans.models import Observation
from gaodi.plans.schemas import ObservationIn

from .conftest import ADMIN, ANALYST


def flags(session, indicator: str, period: str, value: float, **kw) -> list[str]:  # type: ignore[no-untyped-def]
    rows = [ObservationIn(indicator=indicator, period=period, value=value, **kw)]
    found = intake.check_rows(session, ANALYST, rows)
    return [f.check for _, fs in found for f in fs]


def test_clean_value_passes(small) -> None:  # type: ignore[no-untyped-def]
    session, _ = small
    assert flags(session, "output", "2023-04", 40) == []  # 30 <= 40 <= 54


def test_cumulative_falling_within_the_year(small) -> None:  # type: ignore[no-untyped-def]
    session, _ = small
    assert flags(session, "output", "2023-04", 25) == ["cumulative_decrease"]  # below 30 (03)
    assert flags(session, "output", "2023-04", 60) == ["cumulative_decrease"]  # above 54 (06)


def test_jump_band(small) -> None:  # type: ignore[no-untyped-def]
    session, _ = small
    # running total vs the same month last year (40): band ±50%
    assert flags(session, "output", "2023-06", 59) == []  # +47.5%
    assert flags(session, "output", "2023-06", 61) == ["jump"]  # +52.5%
    # a count vs the previous month (12): band ±30%
    assert flags(session, "firms", "2023-06", 15) == []  # +25%
    assert flags(session, "firms", "2023-06", 16) == ["jump"]  # +33.3%
    # a growth rate vs the previous period (6.0 %): band 10 pp
    assert flags(session, "va_growth", "2023-06", 15.5) == []  # 9.5 pp
    assert flags(session, "va_growth", "2023-06", 17) == ["jump"]  # 11 pp


def test_future_period(small) -> None:  # type: ignore[no-untyped-def]
    session, _ = small
    assert flags(session, "firms", "2023-07", 12) == ["future_period"]  # July not ended
    assert flags(session, "firms", "2023-08", 12) == ["future_period"]


def test_unit_errors(small) -> None:  # type: ignore[no-untyped-def]
    session, _ = small
    assert flags(session, "firms", "2023-06", 12.5) == ["unit"]  # half a firm
    assert flags(session, "output", "2023-04", -3) == ["unit", "cumulative_decrease"]
    assert flags(session, "va_growth", "2023-06", -120) == ["unit", "jump"]
    assert flags(session, "firms", "2023-06", 12, kind="cumulative") == ["kind"]


def test_errors_cannot_be_confirmed(small) -> None:  # type: ignore[no-untyped-def]
    session, _ = small
    with pytest.raises(PlausibilityFlagged) as exc:
        service.add_observation(
            session,
            ANALYST,
            ObservationIn(indicator="firms", period="2023-06", value=12.5),
            confirm=True,
            reason="确认",
        )
    assert "whole" in exc.value.en and exc.value.context["field"] == "value"


def test_warning_needs_confirmation_with_a_reason(small) -> None:  # type: ignore[no-untyped-def]
    session, _ = small
    data = ObservationIn(indicator="output", period="2023-04", value=25)
    n = session.scalar(select(func.count()).select_from(Observation))
    with pytest.raises(PlausibilityFlagged) as exc:
        service.add_observation(session, ANALYST, data)
    assert "年内累计值不应下降" in exc.value.zh and "cannot fall" in exc.value.en
    assert exc.value.context["flags"][0]["check"] == "cumulative_decrease"
    with pytest.raises(ValidationError) as exc2:
        service.add_observation(session, ANALYST, data, confirm=True, reason="  ")
    assert exc2.value.context["field"] == "reason"
    assert session.scalar(select(func.count()).select_from(Observation)) == n  # nothing written
    result = service.add_observation(
        session, ANALYST, data, confirm=True, reason="3月数据含一次性订单，4月已冲回"
    )
    assert result.confirmed and [f.check for f in result.flags] == ["cumulative_decrease"]
    assert "3月数据含一次性订单" in (result.observation.comment or "")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "confirm_flags")).one()
    assert event.note == "3月数据含一次性订单，4月已冲回" and event.actor == "ana"


def test_user_rule_parts_within_whole(small) -> None:  # type: ignore[no-untyped-def]
    session, ids = small
    intake.add_rule(session, ADMIN, "园区产值之和不超过全市", "sum(output@park) <= output@city")
    ok = ObservationIn(
        indicator="output", period="2023-06", value=30, scope="park", scope_id=ids.park1
    )
    service.add_observation(session, ANALYST, ok)  # 30 <= 54
    second = ObservationIn(
        indicator="output", period="2023-06", value=30, scope="park", scope_id=ids.park2
    )
    with pytest.raises(PlausibilityFlagged) as exc:
        service.add_observation(session, ANALYST, second)  # 30 + 30 = 60 > 54
    assert "sum(output@park) = 60 <= output@city = 54" in exc.value.en
    assert "园区产值之和不超过全市" in exc.value.zh
    # an error-severity rule refuses outright
    intake.add_rule(session, ADMIN, "上限", "output@city <= 100", severity="error")
    with pytest.raises(PlausibilityFlagged) as exc3:
        service.add_observation(
            session,
            ANALYST,
            ObservationIn(indicator="output", period="2023-05", value=120),
            confirm=True,
            reason="x",
        )
    assert "refused" in exc3.value.en


def test_rule_with_unknown_indicator_is_refused(small) -> None:  # type: ignore[no-untyped-def]
    session, _ = small
    with pytest.raises(ValidationError) as exc:
        intake.add_rule(session, ADMIN, "x", "nosuch@city <= output@city")
    assert "nosuch" in exc.value.en


def test_bulk_is_all_or_nothing(small) -> None:  # type: ignore[no-untyped-def]
    session, _ = small
    n = session.scalar(select(func.count()).select_from(Observation))
    rows = [
        ObservationIn(indicator="output", period="2023-04", value=40),
        ObservationIn(indicator="firms", period="2023-04", value=1.5),
        ObservationIn(indicator="missing", period="2023-04", value=1),
    ]
    with pytest.raises(PlausibilityFlagged) as exc:
        intake.add_observations(session, ANALYST, rows)
    assert [r["row"] for r in exc.value.context["rows"]] == [2, 3]
    assert session.scalar(select(func.count()).select_from(Observation)) == n
    written = intake.add_observations(session, ANALYST, rows[:1])
    assert written[0].observation.revision == 1


def test_the_import_batch_refuses_locked_and_implausible_rows(small) -> None:  # type: ignore[no-untyped-def]
    """The Excel import's batch: the form's checks plus the approval lock, confirmation by the
    row's comment, nothing written when a row is refused."""
    session, _ = small
    rows = [
        intake.ObservationRow("output", "2023-04", 40.0, "cumulative"),  # clean
        intake.ObservationRow("output", "2023-03", 31.0, "cumulative"),  # 2023-03 approved
        intake.ObservationRow("firms", "2023-06", 12.5, "current"),  # half a firm
        intake.ObservationRow("output", "2023-05", 25.0, comment="口径调整"),  # below 30: confirmed
    ]
    batch = intake.prepare_observations(
        session, ANALYST, rows, confirm_in_comment=True, skip_unchanged=True
    )
    assert [(r.index, r.check, [f.check for f in r.flags]) for r in batch.refusals] == [
        (1, "locked", ["locked"]),
        (2, "flags", ["unit"]),
    ]
    assert batch.accepted == [0, 3]
    assert (
        batch.values[1]["comment"]
        == "口径调整 [已确认 confirmed: 累计值下降 / running total falls]"
    )
    n = session.scalar(select(func.count()).select_from(Observation))
    with pytest.raises(PlausibilityFlagged):
        intake.write_observations(session, ANALYST, batch, history=False)
    assert session.scalar(select(func.count()).select_from(Observation)) == n
