"""A flagged value refused on the command line says how to confirm it there (run again with
--confirm --reason), not the web form's 请勾选“确认”; the web and the API keep their words."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.config import reset_settings
from gaodi.core.permissions import Principal
from gaodi.db import session_scope
from gaodi.plans import service
from gaodi.plans.checks import PlausibilityFlagged
from gaodi.plans.schemas import ObservationIn
from gaodi.smart.demo import INDICATOR, YEARS

runner = CliRunner()
#: A past year whose value jumps beyond the ±60 % band on the year before: a warning a reason
#: confirms (a year that has not ended is refused outright, plausibility rules 1.1). The demo's
#: 2022 share of firms at digital level 2 rolls up to 29.1 % against 17.4 % in 2021 (+67 %), and
#: 1 % in its last year would fall by 97 %.
JUMP_SMART, JUMP_PLAN = str(YEARS[1]), str(YEARS[-1])


def refused(args: list[str]) -> str:
    result = runner.invoke(app, args, env={"COLUMNS": "300"})
    assert result.exit_code == 2, result.output
    return " ".join(result.output.split())


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "observe", INDICATOR["code"], JUMP_PLAN, "1"],
        ["smart", "observe", INDICATOR["code"], "--period", JUMP_SMART],
    ],
    ids=["plan observe", "smart observe"],
)
def test_the_command_line_names_its_options(
    demo_db: Engine, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = refused(args)
    assert "数值需要确认" in out and "变化" in out
    assert '请加 --confirm --reason "理由" 重新运行' in out
    assert 'run the command again with --confirm --reason "why it is right"' in out
    assert "勾选" not in out and "confirm it and give a reason" not in out
    monkeypatch.setenv("GAODI_LANGUAGE", "en")
    reset_settings()
    english = refused(args)
    assert "--confirm --reason" in english and "需要确认" not in english
    # the options named are the command's own, and with them the value is taken
    done = runner.invoke(app, [*args, "--confirm", "--reason", "预计值"])
    assert done.exit_code == 0, done.output


def test_the_web_keeps_its_check_box_wording(demo_db: Engine) -> None:
    data = ObservationIn(indicator=INDICATOR["code"], period=JUMP_PLAN, value=1, scope="city")
    with session_scope(demo_db) as session, pytest.raises(PlausibilityFlagged) as caught:
        service.add_observation(session, Principal(username="t", role="admin"), data)
    assert "请勾选“确认”并填写理由" in caught.value.zh
    assert "If it is right, confirm it and give a reason." in caught.value.en
    assert "--confirm" not in caught.value.zh + caught.value.en
