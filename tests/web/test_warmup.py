"""The warm-up after a data change (gaodi.core.warmup) and the city frames it fills.

- The eligibility report and the ranking now narrow the whole city's frame (kept per data
  version) to the viewer: for every kind of viewer the answers are, row for row, the ones the
  old way gives (the frame read for the viewer's own enterprises, each rule set evaluated on
  it) — compared on the small demo, exact decimals included (the JSON of the reports).
- A warm pass fills the caches with what a cold request computes, once per data version; it
  stops on shutdown; a failing warm is logged and the others still run; a declared warm that
  does not exist stops the start-up.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from gaodi import features
from gaodi.analytics.rulefiles import load_rule_set
from gaodi.analytics.ruleset import evaluate_frame
from gaodi.analytics.ruleset_frame import group_ids
from gaodi.audit import service as audit
from gaodi.chains.models import Chain
from gaodi.config import Settings
from gaodi.core.features import Feature
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.core.warmup import Warmer
from gaodi.db import session_factory, session_scope
from gaodi.enterprises import records, service
from gaodi.enterprises.models import Enterprise
from gaodi.parks import service as parks
from gaodi.parks.models import Park
from gaodi.web.app import create_app


def _clear() -> None:
    service.CITY_TIERS.clear()
    service.CITY_RANKS.clear()
    parks.EVALUATIONS.clear()


def _principals(s: Session) -> dict[str, Principal]:
    park_ids = sorted(s.scalars(select(Park.id)))[:2]
    chain_ids = sorted(s.scalars(select(Chain.id)))[:1]
    firm_ids = sorted(s.scalars(select(Enterprise.id)))[:3]
    return {
        "admin": SYSTEM,
        "analyst": Principal("ana", "analyst"),
        "park office": Principal("po", "park_office", park_ids=frozenset(park_ids)),
        "chain office": Principal("co", "chain_office", chain_ids=frozenset(chain_ids)),
        "enterprise": Principal("ent", "enterprise", enterprise_ids=frozenset(firm_ids)),
    }


class _Old:
    """The frames as they were computed before the city frames: read for the viewer's own
    enterprises (``records.tier_frame(session, ids, year)``), each rule set evaluated on that
    frame, the ranking figures read for the ranked ids (``rank_frame_for(session, ids, year)``).
    Markers stand for the city frames and ``_narrowed`` computes the old frame from them."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def tiers(self, session: Session, year: int) -> service.CityTiers:
        every = records.tier_frame(session, None, year)["enterprise_id"].to_list()
        ident = service._identity(session, every)  # by chunks of ids, as a scoped read did
        evaluated: dict[str, Any] = {lv: ("eval", lv, year) for lv in service.levels()}
        return service.CityTiers(year, ("tiers", year), ident, evaluated)  # type: ignore[arg-type]

    def ranks(self, session: Session, year: int) -> Any:
        return ("rank", year)

    def narrowed(self, marker: Any, ids: Any) -> Any:
        s = self.session
        if marker[0] == "tiers":
            return records.tier_frame(s, ids, marker[1])
        if marker[0] == "eval":
            frame = records.tier_frame(s, ids, marker[2])
            rs = load_rule_set(marker[1])
            # the SME tiers' size test, as the city frame asks for it (the summary's 不适用)
            size = ("sme_size",) if "sme_size" in group_ids(rs) else ()
            return evaluate_frame(rs, frame, id_column="enterprise_id", detail=False, groups=size)
        return service.rank_frame_for(s, ids, marker[1])


def _answers(s: Session, who: Principal) -> list[str]:
    out = [service.eligibility(s, who).model_dump_json()]
    for lv in service.levels():
        out.append(service.eligibility(s, who, level=lv, limit=None).model_dump_json())
        out.append(service.eligibility(s, who, level=lv, near_only=True).model_dump_json())
    for method in ("topsis", "entropy", "entropy_topsis"):
        out.append(service.rank(s, who, method=method, top=50).model_dump_json())
    chain = s.scalar(select(Chain.id).order_by(Chain.id))
    if who.role != "enterprise":
        out.append(service.rank(s, who, chain=chain, top=50).model_dump_json())
    return out


def test_narrowed_city_frames_give_the_old_answers(
    demo_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with session_scope(demo_db) as s:
        whos = _principals(s)
        new = {}
        for name, who in whos.items():
            _clear()
            new[name] = _answers(s, who)
        _clear()
        old = _Old(s)
        monkeypatch.setattr(service, "city_tiers", old.tiers)
        monkeypatch.setattr(service, "city_rank_frame", old.ranks)
        monkeypatch.setattr(service, "_narrowed", old.narrowed)
        for name, who in whos.items():
            assert _answers(s, who) == new[name], name
    # the comparison had something to compare: rows, near ones with their missed criteria
    admin = service.EligibilityReport.model_validate_json(new["admin"][2])
    assert any(r.qualifies for r in admin.rows) or any(r.nearly_qualifies for r in admin.rows)
    assert '"missed":[{' in "".join(new["admin"])
    scoped = service.EligibilityReport.model_validate_json(new["park office"][0])
    assert 0 < scoped.levels[0].evaluated < admin.levels[0].evaluated


def test_a_scoped_report_holds_only_its_enterprises(demo_db: Engine) -> None:
    """The city frame is computed whole (the warm-up fills it as the system): a park office's
    report read from it names and counts only the park office's enterprises."""
    with session_scope(demo_db) as s:
        office = _principals(s)["park office"]
        mine = set(s.scalars(select(Enterprise.id).where(Enterprise.park_id.in_(office.park_ids))))
        service.warm_city(s)  # the whole city, as the warm-up computes it
        computed = service.CITY_TIERS.computed
        year = service.eligibility(s, office).year
        assert year is not None
        with_years = set(records.tier_frame(s, sorted(mine), year)["enterprise_id"].to_list())
        for lv in service.levels():
            report = service.eligibility(s, office, level=lv, limit=None)
            assert {r.enterprise_id for r in report.rows} <= mine
            assert report.levels[0].evaluated == len(with_years)
        ranked = service.rank(s, office, top=10_000)
        assert ranked.population == len(with_years)
        assert {r.enterprise_id for r in ranked.rows} <= mine
        assert service.CITY_TIERS.computed == computed  # read from the warmed frame


def _version(s: Session) -> int:
    return audit.data_version(s)


def _write(engine: Engine) -> int:
    """One audited write (an enterprise renamed); the new data version."""
    with session_scope(engine) as s:
        firm = s.scalars(select(Enterprise).order_by(Enterprise.id)).first()
        assert firm is not None
        firm.name = firm.name + "（改）"
    with session_scope(engine) as s:
        return _version(s)


def test_warm_pass_equals_cold_and_runs_once_per_version(demo_db: Engine) -> None:
    _clear()
    with session_scope(demo_db) as s:
        cold = _answers(s, SYSTEM)[:3]
        cold_parks = parks.compute(s, SYSTEM)
    _clear()
    warmer = Warmer(
        session_factory(demo_db), _version, features.warms(), poll_seconds=0.05, max_defer=1
    )
    warmer.start()
    try:
        with session_scope(demo_db) as s:
            first = _version(s)
        assert warmer.wait_for(first, 120)
        assert warmer.errors == []
        computed = (service.CITY_TIERS.computed, parks.EVALUATIONS.computed)
        with session_scope(demo_db) as s:
            assert _answers(s, SYSTEM)[:3] == cold
            warm_parks = parks.compute(s, SYSTEM)
        assert (service.CITY_TIERS.computed, parks.EVALUATIONS.computed) == computed
        assert warm_parks.evaluated.equals(cold_parks.evaluated)
        assert warm_parks.excluded.equals(cold_parks.excluded)
        assert warm_parks.reasons == cold_parks.reasons
        time.sleep(0.3)  # several polls of an unchanged version: no second pass
        assert warmer.passes == [first]
        second = _write(demo_db)
        assert second > first
        assert warmer.wait_for(second, 120)
        assert warmer.passes == [first, second]
        assert warmer.run_once() is False  # the version is warmed
        # the renamed firm is in the warmed frame's identities
        with session_scope(demo_db) as s:
            firm = s.scalars(select(Enterprise).order_by(Enterprise.id)).first()
            assert firm is not None
            year = service.eligibility(s, SYSTEM).year
            assert year is not None
            assert service.city_tiers(s, year).ident[firm.id][1] == firm.name
    finally:
        warmer.stop()
    assert not warmer.running


def test_stops_on_shutdown_and_logs_errors(
    demo_db: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    started = threading.Event()
    release = threading.Event()
    ran: list[str] = []

    def slow(s: Session) -> None:
        ran.append("slow")
        started.set()
        release.wait(10)

    def broken(s: Session) -> None:
        ran.append("broken")
        raise RuntimeError("boom")

    def after(s: Session) -> None:
        ran.append("after")

    warmer = Warmer(
        session_factory(demo_db),
        _version,
        [("broken", broken), ("after", after)],
        poll_seconds=0.05,
    )
    with caplog.at_level("ERROR", logger="gaodi.warmup"):
        assert warmer.run_once() is True
    assert ran == ["broken", "after"]  # the error did not stop the pass
    assert warmer.errors[0][0] == "broken" and "boom" in warmer.errors[0][1]
    assert "warm-up broken failed" in caplog.text

    ran.clear()
    warmer = Warmer(
        session_factory(demo_db), _version, [("slow", slow), ("after", after)], poll_seconds=0.05
    )
    warmer.start()
    assert started.wait(10)
    stopper = threading.Thread(target=warmer.stop)
    stopper.start()
    time.sleep(0.1)
    release.set()
    stopper.join(10)
    assert not warmer.running
    assert ran == ["slow"]  # asked to stop: the next warm did not start
    assert warmer.passes == []  # nor is the version counted as warmed


def test_yields_to_requests_under_way(demo_db: Engine) -> None:
    ran: list[float] = []
    warmer = Warmer(
        session_factory(demo_db), _version, [("w", lambda s: ran.append(time.monotonic()))]
    )
    warmer.enter()  # a request under way
    done = threading.Thread(target=warmer.run_once)
    begun = time.monotonic()
    done.start()
    time.sleep(0.3)
    assert ran == []  # waiting for the request
    warmer.leave()
    done.join(10)
    assert ran and ran[0] - begun >= 0.3


def test_the_app_warms_only_when_asked_and_stops_with_it(demo_db: Engine, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="test-secret-key-0123456789")  # type: ignore[call-arg]
    quiet = create_app(demo_db, settings)
    with TestClient(quiet) as client:
        assert client.get("/healthz").status_code == 200
        assert not quiet.state.warmer.running  # off unless asked (tests, benchmarks)
    app = create_app(demo_db, settings, warm=True)
    with TestClient(app) as client:
        warmer: Warmer = app.state.warmer
        assert warmer.running
        with session_scope(demo_db) as s:
            assert warmer.wait_for(_version(s), 120)
        assert client.get("/healthz").status_code == 200
    assert not warmer.running  # the app's shutdown stopped it


def test_a_declared_warm_that_does_not_exist_stops_the_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = (Feature("parks", warm=("gaodi.parks.warm:nothing_here",)),)
    monkeypatch.setattr(features, "declarations", lambda: fake)
    with pytest.raises(features.FeatureMissing, match="nothing_here"):
        features.warms()
    fake = (Feature("parks", warm=("gaodi.parks.no_such_module:warm",)),)
    monkeypatch.setattr(features, "declarations", lambda: fake)
    with pytest.raises(features.FeatureMissing, match="no_such_module"):
        features.warms()


def test_json_lists_decode_as_json_loads_each_row_its_own() -> None:
    from gaodi.engine.rows import json_lists

    texts = ['["专精特新", "高新技术企业"]', None, "null", "[]", '["专精特新", "高新技术企业"]']
    out = json_lists(texts)
    assert out == [json.loads(t) if t is not None else None for t in texts]
    assert out[0] is not out[4]  # one row's list changed leaves the other's alone
    out[0].append("x")  # type: ignore[union-attr]
    assert out[4] == ["专精特新", "高新技术企业"]


def test_excluded_rows_kept_for_roles_with_no_scope_only(demo_db: Engine) -> None:
    """The excluded firms of the 亩均 evaluation: the rows kept for roles with no scope are the
    ones built from the evaluation's frame; a park office's are only its parks' firms."""
    _clear()
    parks.EXCLUDED.clear()
    with session_scope(demo_db) as s:
        whos = _principals(s)
        state = parks.compute(s, SYSTEM)
        assert state.excluded.height > 0
        expected = [r.model_dump() for r in parks._excluded_rows(s, state.excluded)]
        admin = parks.excluded_enterprises(s, SYSTEM, state=state)
        assert [r.model_dump() for r in admin] == expected
        built = parks.EXCLUDED.computed
        analyst = parks.excluded_enterprises(s, whos["analyst"], state=state)
        assert [r.model_dump() for r in analyst] == expected
        assert parks.EXCLUDED.computed == built  # shared by the roles with no scope
        analyst.clear()  # a caller's list is its own
        assert len(parks.excluded_enterprises(s, SYSTEM, state=state)) == len(expected)
        office = whos["park office"]
        mine = set(s.scalars(select(Enterprise.id).where(Enterprise.park_id.in_(office.park_ids))))
        scoped = parks.excluded_enterprises(s, office, state=state)
        assert {r.id for r in scoped} == {r["id"] for r in expected} & mine
        assert parks.EXCLUDED.computed == built  # not read from, nor added to, the kept rows
