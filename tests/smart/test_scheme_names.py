"""A self-assessment scheme is named by the id of a packaged rule file, never by a path.

Fifth audit, K5: the scheme id of ``POST /api/v1/smart/assessments`` (and of
``GET /api/v1/smart/schemes/{id}``, the Excel form and ``gaodi smart form --scheme``) was joined
into ``rules/digital/{id}.yaml``: a 300-character id answered 500 (the file name too long for
the file system), and ``../../…/tmp/x`` opened any YAML file on the server: a file shaped like a
scheme was scored as one, and the answer told whether such a file existed. Only the packaged
schemes' ids are taken now; any other is "没有名为“…”的评测方案。", the words of a missing one.
"""

from __future__ import annotations

import os
import shutil
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from gaodi.analytics import digital
from gaodi.cli import app
from gaodi.core.errors import GaodiError
from gaodi.db import session_scope
from gaodi.smart.models import Assessment
from tests.smart.test_service import ITEMS, SCENARIOS
from tests.smart.test_views import client_for, site  # noqa: F401  (the module's city)
from tests.web.conftest import Site

RULES = Path(str(resources.files("gaodi.analytics").joinpath("rules/digital")))


def _stored(site: Site) -> int:  # noqa: F811
    with session_scope(site.engine) as s:
        return s.scalar(select(func.count()).select_from(Assessment)) or 0


@pytest.fixture
def outside(tmp_path: Path) -> str:
    """The id that reaches, from the rules folder, a copy of the 2024 scheme kept elsewhere on
    the machine (a file a user must not be able to have read as a scheme)."""
    shutil.copy(RULES / "miit_sme_digital_2024.yaml", tmp_path / "planted.yaml")
    return os.path.relpath(tmp_path / "planted", RULES)


def _refused(answer: dict[str, str], name: str) -> None:
    assert answer["message_zh"] == f"没有名为“{name}”的评测方案。"
    assert answer["message_en"] == f"No assessment scheme named '{name}'."


def test_a_path_as_scheme_id_is_an_unknown_scheme_and_nothing_is_read(
    site: Site,  # noqa: F811
    outside: str,
) -> None:
    client = client_for(site, "admin")
    body = {"uscc": site.world.uscc["e2"], "items": ITEMS, "scenarios": SCENARIOS}
    before = _stored(site)
    for name in (outside, "miit_sme_digital_2024/../miit_sme_digital_2024", "nonexistent"):
        r = client.post("/api/v1/smart/assessments", json=body | {"scheme": name})
        assert r.status_code == 422, r.text
        _refused(r.json(), name)  # the same words whether a file is there or not
    assert _stored(site) == before
    # the packaged scheme is still taken by its id
    ok = client.post("/api/v1/smart/assessments", json=body | {"scheme": "miit_sme_digital_2024"})
    assert ok.status_code == 201, ok.text
    assert _stored(site) == before + 1


def test_an_over_long_scheme_id_is_refused_in_words(site: Site) -> None:  # noqa: F811
    name = "长" * 300  # past any file system's name limit
    client = client_for(site, "admin")
    body = {"uscc": site.world.uscc["e2"], "items": ITEMS, "scenarios": SCENARIOS}
    before = _stored(site)
    r = client.post("/api/v1/smart/assessments", json=body | {"scheme": name})
    assert r.status_code == 422, r.text
    _refused(r.json(), name)
    assert _stored(site) == before
    office = client_for(site, "chain_office")
    got = office.get(f"/api/v1/smart/schemes/{'x' * 300}")
    assert got.status_code == 422, got.text
    _refused(got.json(), "x" * 300)
    assert office.get("/api/v1/smart/schemes/miit_sme_digital_2024").status_code == 200


def test_read_rule_takes_only_packaged_names(outside: str) -> None:
    assert digital.packaged_rules() == {p.stem for p in RULES.glob("*.yaml")}
    for name in (outside, "../digital/miit_sme_digital_2022", "长" * 300, ""):
        with pytest.raises(GaodiError) as refused:
            digital.read_rule(name)
        assert refused.value.zh == f"没有名为“{name}”的评测方案。"
    assert digital.read_rule("gbt39116_2020")  # the maturity model reads its file by name


def test_the_cli_form_refuses_a_path_as_scheme(outside: str, tmp_path: Path) -> None:
    out = tmp_path / "form.xlsx"
    result = CliRunner().invoke(
        app, ["smart", "form", str(out), "--scheme", outside], env={"COLUMNS": "300"}
    )
    assert result.exit_code != 0
    assert "Traceback" not in result.output and not out.exists()
    said = " ".join(result.output.split())
    assert "没有名为" in said or "No assessment scheme named" in said
