"""Views as of a day, rebuilt from the workflows' histories, and the one clock.

A hand-made history (times are Changsha time; the clock is frozen at each step in UTC):

* project 甲: signed 2023-02-01, planned start 2023-04-01 / production 2023-08-01; started on
  2023-05-10 (recorded 05-11), producing on 2023-09-01 (recorded 09-02);
* project 乙: signed 2023-08-15, planned start 2023-09-01, never started;
* challenge: published 2023-02-01 (deadline 03-31), one application 03-01, closed 04-01
  (review), awarded 05-01 with a milestone due 09-30 (never done), started 05-10;
* appeal A1 (其他, 7 working days): received Wed 2023-03-01 10:00, assigned 03-02, started
  03-03, resolved 03-10, confirmed 03-12 (satisfaction 5);
* appeal A3 (其他): received Mon 2023-04-03, never handled (hand-over limit 3 working days: due
  Thu 04-06, level 2 after Tue 04-11);
* appeal A2: received 2023-12-05.

The answers below are worked out by hand from these dates and the rules files' limits.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.config import reset_settings
from gaodi.core import clock
from gaodi.core.errors import NotFoundError
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_factory, session_scope
from gaodi.projects import (
    appeal_queries,
    appeals,
    challenge_queries,
    challenges,
    projects,
    service,
)
from gaodi.projects.schemas import (
    AppealFilter,
    AppealIn,
    ApplicationIn,
    ChallengeFilter,
    ChallengeIn,
    ProjectFilter,
    ProjectIn,
)
from gaodi.reports import sections_act
from gaodi.reports.lang import Lang
from tests.projects.conftest import World, build_world

runner = CliRunner()


def cst(y: int, m: int, d: int, hour: int = 10) -> datetime:
    """A Changsha wall-clock time as naive UTC."""
    return datetime(y, m, d, hour - 8)


@dataclass(frozen=True)
class Story:
    jia: int
    yi: int
    challenge: int
    a1: int
    a2: int
    a3: int


def tell(session: Session, w: World) -> Story:
    """Play the history above through the services, moving the frozen clock."""
    admin = w.admin
    with clock.frozen(cst(2023, 2, 1)):
        jia = projects.create_project(
            session,
            admin,
            ProjectIn(
                name="甲项目",
                chain_id=w.chain_a,
                park_id=w.park_1,
                investor_name="甲",
                total_investment=1000,
                signed_on=date(2023, 2, 1),
                planned_start_on=date(2023, 4, 1),
                planned_producing_on=date(2023, 8, 1),
            ),
        )
        ch = challenges.create_challenge(
            session,
            admin,
            ChallengeIn(
                title="高端轴承",
                problem="寿命不足",
                chain_id=w.chain_a,
                budget=500,
                deadline=date(2023, 3, 31),
            ),
        )
    expert = Principal("expert", "viewer")
    with clock.frozen(cst(2023, 3, 1)):
        a1 = appeals.submit(
            session, admin, AppealIn(enterprise_id=w.e1, category="其他", title="A1", text="x")
        )
        application = challenges.apply(
            session, admin, ch.id, ApplicationIn(applicant_name="企业一", proposal="方案")
        )
        challenges.add_reviewer(session, admin, ch.id, "expert", "专家")
    with clock.frozen(cst(2023, 3, 2)):
        appeals.assign(session, admin, a1.id)
    with clock.frozen(cst(2023, 3, 3)):
        appeals.start(session, admin, a1.id)
    with clock.frozen(cst(2023, 3, 10)):
        appeals.resolve(session, admin, a1.id, "已协调解决")
    with clock.frozen(cst(2023, 3, 12)):
        appeals.confirm(session, admin, a1.id, 5)
    with clock.frozen(cst(2023, 4, 1)):
        challenges.close(session, admin, ch.id)
    with clock.frozen(cst(2023, 4, 3)):
        a3 = appeals.submit(
            session, admin, AppealIn(enterprise_id=w.e1, category="其他", title="A3", text="x")
        )
    with clock.frozen(cst(2023, 4, 20)):
        challenges.declare(session, expert, ch.id, application.id, False)
        challenges.score(session, expert, ch.id, application.id, 88)
    with clock.frozen(cst(2023, 5, 1)):
        challenges.award(session, admin, ch.id, application.id, "评分第一")
        challenges.add_milestone(session, admin, ch.id, "样机", date(2023, 9, 30))
    with clock.frozen(cst(2023, 5, 10)):
        challenges.start(session, admin, ch.id)
    with clock.frozen(cst(2023, 5, 11)):
        projects.advance(session, admin, jia.id, "started", date(2023, 5, 10))
    with clock.frozen(cst(2023, 8, 15)):
        yi = projects.create_project(
            session,
            admin,
            ProjectIn(
                name="乙项目",
                chain_id=w.chain_b,
                park_id=w.park_2,
                investor_name="乙",
                total_investment=500,
                signed_on=date(2023, 8, 15),
                planned_start_on=date(2023, 9, 1),
            ),
        )
    with clock.frozen(cst(2023, 9, 2)):
        projects.advance(session, admin, jia.id, "producing", date(2023, 9, 1))
    with clock.frozen(cst(2023, 12, 5)):
        a2 = appeals.submit(
            session, admin, AppealIn(enterprise_id=w.e2, category="其他", title="A2", text="x")
        )
    session.flush()
    return Story(jia.id, yi.id, ch.id, a1.id, a2.id, a3.id)


@pytest.fixture
def story(lite_session: Session, lite_world: World) -> Iterator[Story]:
    s = tell(lite_session, lite_world)
    lite_session.commit()
    yield s


# ---------------------------------------------------------------------------- the core


def test_state_at_and_the_end_of_a_day() -> None:
    from gaodi.core import asof

    steps = [asof.Step(cst(2023, 3, 1), "received"), asof.Step(cst(2023, 3, 2, 23), "assigned")]
    assert asof.state_at(steps, date(2023, 2, 28)) is None
    assert asof.state_at(steps, date(2023, 3, 1)) == "received"
    # 23:00 in Changsha on 03-02 is 15:00 UTC: still that day in the city
    assert asof.state_at(steps, date(2023, 3, 2)) == "assigned"
    assert asof.existed_at(cst(2023, 3, 1), date(2023, 3, 1))
    assert not asof.existed_at(cst(2023, 3, 2), date(2023, 3, 1))
    assert asof.existed_at(date(2023, 3, 1), date(2023, 3, 1)) and asof.existed_at(None, date.min)
    assert clock.end_of_day(date(2023, 3, 1)) == datetime(2023, 3, 1, 15, 59, 59, 999999)


# ---------------------------------------------------------------------------- the service


def test_projects_before_between_and_after(lite_session: Session, story: Story) -> None:
    s = lite_session

    def stages(day: date) -> dict[int, str]:
        return {r.id: r.stage for r in projects.list_projects(s, SYSTEM, None, day)}

    assert stages(date(2023, 1, 31)) == {}
    assert stages(date(2023, 2, 1)) == {story.jia: "signed"}
    assert stages(date(2023, 5, 9)) == {story.jia: "signed"}
    assert stages(date(2023, 5, 10)) == {story.jia: "started"}
    assert stages(date(2023, 10, 31)) == {story.jia: "producing", story.yi: "signed"}
    # lateness is judged on the day: 甲 planned to start 04-01, had not on 04-30 (29 days)
    row = projects.list_projects(s, SYSTEM, None, date(2023, 4, 30))[0]
    assert [(d.stage, d.days_late) for d in row.delays] == [("started", 29)]
    # on 06-30 it had started and production (08-01) was not due: on schedule
    assert not projects.list_projects(s, SYSTEM, None, date(2023, 6, 30))[0].delayed
    # 乙 planned to start 09-01: 60 days late on 10-31
    late = {r.id: r.delays for r in projects.list_projects(s, SYSTEM, None, date(2023, 10, 31))}
    assert [(d.stage, d.days_late) for d in late[story.yi]] == [("started", 60)]
    assert not late[story.jia]
    # the stage filter reads the stage of the day
    flt = ProjectFilter(stage="started")
    assert [r.id for r in projects.list_projects(s, SYSTEM, flt, date(2023, 6, 30))] == [story.jia]
    assert projects.list_projects(s, SYSTEM, flt, date(2023, 12, 31)) == []
    detail = projects.project_detail(s, SYSTEM, story.jia, date(2023, 6, 30))
    assert detail.project.stage == "started"
    assert [e.action for e in detail.events] == ["create", "start"]
    assert {st.stage: st.actual_on for st in detail.stages}["producing"] is None
    with pytest.raises(NotFoundError) as exc:
        projects.project_detail(s, SYSTEM, story.yi, date(2023, 8, 14))
    assert "2023-08-14" in exc.value.en and "尚未签约" in exc.value.zh


def test_challenge_status_by_day(lite_session: Session, story: Story) -> None:
    s = lite_session

    def status(day: date) -> list[str]:
        return [r.status for r in challenge_queries.list_challenges(s, SYSTEM, None, day)]

    assert status(date(2023, 1, 31)) == []
    assert status(date(2023, 3, 1)) == ["published"]
    assert status(date(2023, 4, 15)) == ["review"]
    assert status(date(2023, 5, 5)) == ["awarded"]
    assert status(date(2023, 6, 30)) == ["executing"]
    row = challenge_queries.list_challenges(s, SYSTEM, None, date(2023, 2, 1))
    assert row[0].applications == 0 and row[0].days_to_deadline == 58  # deadline 03-31
    row = challenge_queries.list_challenges(s, SYSTEM, None, date(2023, 4, 15))
    assert row[0].applications == 1 and row[0].awardee is None
    assert challenge_queries.list_challenges(s, SYSTEM, None, date(2023, 6, 30))[0].awardee
    open_ = ChallengeFilter(status="open")
    assert len(challenge_queries.list_challenges(s, SYSTEM, open_, date(2023, 6, 30))) == 1
    review = ChallengeFilter(status="review")
    assert challenge_queries.list_challenges(s, SYSTEM, review, date(2023, 6, 30)) == []


def test_appeals_by_day(lite_session: Session, story: Story) -> None:
    s = lite_session

    def rows(day: date) -> dict[int, object]:
        return {r.id: r for r in appeal_queries.list_appeals(s, SYSTEM, None, day)}

    assert rows(date(2023, 2, 28)) == {}
    on_0301 = rows(date(2023, 3, 1))
    a1 = on_0301[story.a1]
    # received, the hand-over limit (3 working days from Wed 03-01) ran to Mon 03-06
    assert (a1.status, a1.due_on, a1.department) == ("received", date(2023, 3, 6), None)  # type: ignore[attr-defined]
    a1 = rows(date(2023, 3, 5))[story.a1]
    # assigned 03-02 to 其他's department, 7 working days: Mon 03-13
    assert (a1.status, a1.due_on, a1.department) == (  # type: ignore[attr-defined]
        "in_progress",
        date(2023, 3, 13),
        "市工业和信息化局",
    )
    assert rows(date(2023, 3, 11))[story.a1].status == "resolved"  # type: ignore[attr-defined]
    on_0630 = rows(date(2023, 6, 30))
    assert set(on_0630) == {story.a1, story.a3}  # A2 came in December
    assert on_0630[story.a1].status == "confirmed"  # type: ignore[attr-defined]
    assert on_0630[story.a1].satisfaction == 5  # type: ignore[attr-defined]
    # A3: due Thu 04-06, level 1 from 04-07, level 2 after Tue 04-11
    assert rows(date(2023, 4, 6))[story.a3].level == 0  # type: ignore[attr-defined]
    a3 = rows(date(2023, 4, 7))[story.a3]
    assert (a3.level, a3.overdue_days) == (1, 1)  # type: ignore[attr-defined]
    assert rows(date(2023, 4, 12))[story.a3].level == 2  # type: ignore[attr-defined]
    # filters on the state of the day, with counts and pages agreeing
    flt = AppealFilter(status="confirmed")
    assert appeal_queries.count_appeals(s, SYSTEM, flt, date(2023, 3, 11)) == 0
    assert appeal_queries.count_appeals(s, SYSTEM, flt, date(2023, 3, 12)) == 1
    overdue = AppealFilter(overdue=True)
    # on 03-07 A1 was within its limit (to 03-13); its first limit (to 03-06) no longer ran
    assert appeal_queries.count_appeals(s, SYSTEM, overdue, date(2023, 3, 7)) == 0
    assert appeal_queries.count_appeals(s, SYSTEM, overdue, date(2023, 4, 7)) == 1
    stats = appeal_queries.appeal_stats(s, SYSTEM, None, date(2023, 3, 11))
    assert stats.total == 1 and stats.by_status["resolved"] == 1
    # resolved 03-10 10:00, received 03-01 10:00: 9 days
    assert stats.overall.median_days == 9.0
    detail = appeal_queries.appeal_detail(s, SYSTEM, story.a1, date(2023, 3, 5))
    assert [e.action for e in detail.events] == ["submit", "assign", "start"]
    assert detail.resolved_at is None and detail.confirmed_at is None
    with pytest.raises(NotFoundError):
        appeal_queries.appeal_detail(s, SYSTEM, story.a2, date(2023, 6, 30))


def test_act_summary_moves_with_the_day(lite_session: Session, story: Story) -> None:
    s = lite_session
    before = service.act_summary(s, SYSTEM, date(2023, 1, 31))
    assert (before.projects_total, before.challenges_open, before.appeals_open) == (0, 0, 0)
    assert sum(before.appeals_by_status.values()) == 0  # type: ignore[union-attr]
    june = service.act_summary(s, SYSTEM, date(2023, 6, 30))
    assert june.projects_total == 1 and june.projects_by_stage == {
        "signed": 0,
        "started": 1,
        "producing": 0,
        "full_output": 0,
    }
    assert june.challenges_by_status["executing"] == 1  # type: ignore[index]
    # A1 confirmed; A3 received and past twice its limit; A2 not yet received
    assert june.appeals_by_status == {
        "received": 1,
        "assigned": 0,
        "in_progress": 0,
        "resolved": 0,
        "reopened": 0,
        "confirmed": 1,
    }
    assert (june.appeals_open, june.appeals_overdue, june.appeals_escalated) == (1, 1, 1)
    end = service.act_summary(s, SYSTEM, date(2023, 12, 31))
    assert end.projects_total == 2 and end.appeals_by_status["received"] == 2  # type: ignore[index]
    assert end.projects_by_stage["producing"] == 1  # type: ignore[index]


def test_the_june_report_section_is_as_of_june(lite_session: Session, story: Story) -> None:
    """The monthly report's section gets the period's end (monthly.py) and counts that day."""
    blocks = sections_act.act_blocks(lite_session, SYSTEM, date(2023, 6, 30), Lang("zh"))
    text = blocks[0].text  # type: ignore[attr-defined]
    assert "截至2023年6月30日" in text and "重大项目1个" in text
    assert "企业诉求在办1件" in text  # A3 only: A2 (December) is not counted


# ---------------------------------------------------------------------------- the CLI, API, page


def test_cli_as_of(sqlite_db: Engine) -> None:
    with session_factory(sqlite_db)() as s:
        story = tell(s, build_world(s))
        s.commit()
    out = runner.invoke(app, ["projects", "summary", "--as-of", "2023-06-30"])
    assert out.exit_code == 0, out.output
    june = json.loads(out.output)
    assert june["as_of"] == "2023-06-30" and june["projects_total"] == 1
    assert june["appeals_by_status"]["received"] == 1  # A3; A2 is December's
    out = runner.invoke(app, ["projects", "summary", "--as-of", "2021-03-31"])
    assert json.loads(out.output)["projects_total"] == 0
    out = runner.invoke(app, ["projects", "list", "--as-of", "2023-10-31", "--json"])
    rows = {r["id"]: r for r in json.loads(out.output)}
    assert rows[story.jia]["stage"] == "producing" and rows[story.yi]["stage"] == "signed"
    assert rows[story.yi]["delays"][0]["days_late"] == 60
    out = runner.invoke(app, ["projects", "list", "--as-of", "2023-04-30", "--json"])
    assert [(r["id"], r["stage"]) for r in json.loads(out.output)] == [(story.jia, "signed")]
    out = runner.invoke(app, ["projects", "summary", "--as-of", "2023-02-30"])
    assert out.exit_code == 2 and "YYYY-MM-DD" in out.output and "Traceback" not in out.output


def test_gaodi_today_is_the_default_everywhere(
    sqlite_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with session_factory(sqlite_db)() as s:
        story = tell(s, build_world(s))
        s.commit()
    monkeypatch.setenv("GAODI_TODAY", "2023-06-30")
    reset_settings()
    assert clock.today() == date(2023, 6, 30) and clock.local_date(clock.now()) == date(2023, 6, 30)
    out = runner.invoke(app, ["projects", "summary"])
    assert out.exit_code == 0, out.output
    summary = json.loads(out.output)
    assert summary["as_of"] == "2023-06-30" and summary["projects_total"] == 1
    out = runner.invoke(app, ["projects", "list", "--json"])
    assert [r["stage"] for r in json.loads(out.output)] == ["started"]
    monkeypatch.setenv("GAODI_TODAY", "2023-10-31")
    reset_settings()
    out = runner.invoke(app, ["projects", "list", "--json"])
    rows = {r["id"]: r for r in json.loads(out.output)}
    assert rows[story.yi]["delays"][0]["days_late"] == 60


@pytest.fixture
def site(tmp_path: Path) -> Iterator[object]:
    from tests.web.conftest import make_site

    site = make_site(tmp_path)
    w = site.world.ids
    with clock.frozen(cst(2023, 2, 1)), session_scope(site.engine, actor="seed") as s:
        projects.create_project(
            s,
            SYSTEM,
            ProjectIn(
                name="甲链项目",
                chain_id=w["chain_a"],
                park_id=w["park_a"],
                investor_name="投资方甲",
                total_investment=1000,
                signed_on=date(2023, 1, 5),
                planned_start_on=date(2023, 3, 31),
            ),
        )
    yield site
    site.engine.dispose()


def test_a_page_and_its_json_twin_follow_gaodi_today(
    site: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.web.helpers import login
    from tests.web.seed import PASSWORD

    monkeypatch.setenv("GAODI_TODAY", "2023-04-30")
    reset_settings()
    client = site.client()  # type: ignore[attr-defined]
    login(client, site.world.users["admin"], PASSWORD)  # type: ignore[attr-defined]
    html = client.get("/projects").text
    assert 'name="as_of_day" value="2023-04-30"' in html
    data = client.get("/api/v1/projects").json()
    assert data["as_of"]["day"] == "2023-04-30"
    assert [d["days_late"] for d in data["rows"][0]["delays"]] == [30]  # planned 03-31
    assert client.get("/api/v1/act/summary").json()["as_of"] == "2023-04-30"
    # an explicit day still wins; before the signing there was nothing
    assert client.get("/api/v1/projects?as_of_day=2023-01-04").json()["rows"] == []


# ---------------------------------------------------------------------------- submissions


def test_submission_status_by_day(db: Engine) -> None:
    """tests/plans' small plan: output 2023-03 (approved) and 2023-06 (rev 1 and 2) were
    reported 2023-07-03 10:00; the checker approves 2023-06 on 2023-07-10 17:00."""
    from gaodi.plans import submission
    from tests.plans.conftest import ADMIN, CHECKER, build_small
    from tests.sessions import acting_session

    with acting_session(db) as session:
        ids = build_small(session)
        session.commit()
        with clock.frozen(datetime(2023, 7, 10, 9, 0)):
            submission.approve(session, CHECKER, f"{ids.output}:city:0:2023-06", "核对无误")
            session.commit()

            def rows(day: date | None) -> dict[str, tuple[str, bool]]:
                return {
                    r.period: (r.status, r.overdue)
                    for r in submission.submission_rows(session, ADMIN, as_of=day)
                    if r.indicator_code == "output" and r.scope == "city"
                }

            # 07-02: June had ended (owed, due 07-05) but nothing was reported yet; March's
            # deadline (04-05) had passed
            on_0702 = rows(date(2023, 7, 2))
            assert on_0702["2023-06"] == ("expected", False)
            assert on_0702["2023-03"] == ("expected", True)
            assert rows(date(2023, 5, 31)).keys() == {"2023-02", "2023-03", "2023-04"}
            assert rows(date(2023, 7, 9))["2023-06"] == ("submitted", False)
            assert rows(date(2023, 7, 9))["2023-03"] == ("approved", False)
            assert rows(date(2023, 7, 10))["2023-06"] == ("approved", False)
            assert rows(None)["2023-06"] == ("approved", False)
            tasks = submission.tasks(session, ADMIN, as_of=date(2023, 7, 9))
            assert tasks.today == "2023-07-09"
            assert f"{ids.output}:city:0:2023-06" in {r.key for r in tasks.to_review}
            later = submission.tasks(session, ADMIN)
            assert f"{ids.output}:city:0:2023-06" not in {r.key for r in later.to_review}


# ---------------------------------------------------------------------------- the demo


def test_the_demo_lives_on_its_own_day(demo_db: Engine) -> None:
    """No wall clock: the demo's lists judge lateness on the demo's day (2024-01-15), and a
    past day rebuilds a smaller, earlier city."""
    assert clock.today() == date(2024, 1, 15)
    out = runner.invoke(app, ["projects", "list", "--json"])
    assert out.exit_code == 0, out.output
    late = [d["days_late"] for r in json.loads(out.output) for d in r["delays"] if d["days_late"]]
    # the demo's projects were signed from 2020-07 on: nothing can be 971 days late on its day
    assert late and max(late) < (date(2024, 1, 15) - date(2020, 7, 1)).days
    summaries = {}
    for day in ("2021-03-31", "2023-12-31"):
        out = runner.invoke(app, ["projects", "summary", "--as-of", day])
        summaries[day] = json.loads(out.output)
    early, end = summaries["2021-03-31"], summaries["2023-12-31"]
    assert 0 < early["projects_total"] < end["projects_total"]
    assert sum(early["appeals_by_status"].values()) < sum(end["appeals_by_status"].values())
    assert early["appeals_by_status"]["confirmed"] < end["appeals_by_status"]["confirmed"]
    assert early["projects_by_stage"]["full_output"] <= end["projects_by_stage"]["full_output"]
    assert early["projects_by_stage"] != end["projects_by_stage"]
