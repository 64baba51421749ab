"""揭榜挂帅 audit fixes: who may sit on a review panel and how a stuck one is unstuck, duplicate
applicants (spaces, USCC, the linked enterprise), the award refusal in one language, milestone
dates before the work started, and closing applications before the published deadline."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.accounts.models import User, UserScope
from gaodi.core.errors import ConflictError, GaodiError, ValidationError
from gaodi.core.permissions import Principal
from gaodi.projects import challenges as ch
from gaodi.projects.models import Challenge, ChallengeEvent, ChallengeMilestone
from gaodi.projects.schemas import ApplicationIn, ChallengeIn
from tests.projects.conftest import World, uscc

R1 = Principal("expert1", "viewer")
R2 = Principal("expert2", "analyst")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _user(
    session: Session,
    name: str,
    role: str,
    active: bool = True,
    scope: tuple[str, int] | None = None,
) -> None:
    user = session.scalars(select(User).where(User.username == name)).first()
    if user is None:  # the shared world may already have the account
        user = User(username=name, role=role, password_hash="-")
        session.add(user)
    user.role, user.is_active = role, active
    user.scopes = [UserScope(kind=scope[0], ref_id=scope[1])] if scope is not None else []
    session.commit()


def _challenge(session: Session, w: World, deadline: date = date(2023, 6, 30)) -> int:
    c = ch.create_challenge(
        session,
        w.chain_office,
        ChallengeIn(
            title="高端液压阀国产化",
            problem="攻克高压比例阀",
            chain_id=w.chain_a,
            link_id=None,
            budget=500.0,
            deadline=deadline,
        ),
    )
    session.commit()
    return c.id


def _apply(session: Session, w: World, cid: int, name: str, **kw: object) -> int:
    a = ch.apply(
        session, w.chain_office, cid, ApplicationIn(applicant_name=name, proposal="方案", **kw)
    )
    session.commit()
    return a.id


def _message(exc: GaodiError, lang: str) -> str:
    return exc.message(lang)


# ---------------------------------------------------------------------------- reviewers


def test_a_reviewer_is_an_existing_active_independent_account(
    session: Session, world: World, frozen
) -> None:
    cid = _challenge(session, world)
    _apply(session, world, cid, "企业一", enterprise_id=world.e1)
    _user(session, "expert1", "viewer")
    _user(session, "retired", "viewer", active=False)
    _user(session, "office_a", "chain_office", scope=("chain", world.chain_a))
    _user(session, "office_b", "chain_office", scope=("chain", world.chain_b))
    _user(session, "root", "admin")
    _user(session, "ent_1", "enterprise", scope=("enterprise", world.e1))
    _user(session, "ent_2", "enterprise", scope=("enterprise", world.e2))
    refusals = {
        "zhang_san_typo": "找不到账号",
        "retired": "已停用",
        "office_a": "发榜、确定揭榜方的单位",
        "root": "发榜、确定揭榜方的单位",
        # an enterprise's account cannot open a challenge, so it could never review one (it
        # was taken, then refused every review step and held the award)
        "ent_1": "是企业账号",
        "ent_2": "是企业账号",
        # an office of another chain cannot open this chain's challenge either (it was taken,
        # answered "not found" at every review step and held the award; found in an audit)
        "office_b": "无权查看本榜单",
    }
    for username, words in refusals.items():
        with pytest.raises(ValidationError) as err:
            ch.add_reviewer(session, world.chain_office, cid, username, "某人")
        assert words in _message(err.value, "zh"), username
        assert err.value.context["field"] == "username"
        session.rollback()
    ch.add_reviewer(session, world.chain_office, cid, "expert1", "专家一")
    session.commit()
    # a panel member cannot then apply to the same challenge
    with pytest.raises(GaodiError) as refused:
        ch.apply(
            session,
            Principal("expert1", "admin"),
            cid,
            ApplicationIn(applicant_name="某所", proposal="x"),
        )
    assert "评审专家" in _message(refused.value, "zh")


def _stuck_review(session: Session, w: World, stuck: bool = True) -> tuple[int, int]:
    """A challenge in review whose second reviewer (when ``stuck``) never declares."""
    cid = _challenge(session, w)
    a1 = _apply(session, w, cid, "甲公司")
    _user(session, "expert1", "viewer")
    _user(session, "expert2", "analyst")
    ch.add_reviewer(session, w.chain_office, cid, "expert1", "专家一")
    if stuck:
        ch.add_reviewer(session, w.chain_office, cid, "expert2", "专家二")
    ch.close(session, w.chain_office, cid, "征集到足够方案，经局务会同意提前截止")
    ch.declare(session, R1, cid, a1, False)
    ch.score(session, R1, cid, a1, 80)
    session.commit()
    return cid, a1


def test_award_refusal_speaks_one_language(session: Session, world: World, frozen) -> None:
    cid, a1 = _stuck_review(session, world)
    with pytest.raises(ConflictError) as err:
        ch.award(session, world.chain_office, cid)
    zh, en = _message(err.value, "zh"), _message(err.value, "en")
    assert f"专家二：申请 {a1} 未作利益冲突声明" in zh
    assert not re.search(r"[A-Za-z]{3,}", zh), zh  # no English words in the Chinese message
    assert "no conflict-of-interest declaration for application" in en
    assert not CJK.search(en.replace("专家二", "")), en
    assert "移出评审组" in zh


def test_remove_reviewer_needs_a_reason_is_recorded_and_unsticks_the_award(
    session: Session, world: World, frozen
) -> None:
    cid, a1 = _stuck_review(session, world)
    with pytest.raises(GaodiError):
        ch.remove_reviewer(session, world.chain_office, cid, "expert2", "  ")
    session.rollback()
    with pytest.raises(ValidationError) as err:
        ch.remove_reviewer(session, world.chain_office, cid, "nobody", "理由")
    assert "不是本榜单的评审专家" in _message(err.value, "zh")
    session.rollback()
    ch.remove_reviewer(session, world.chain_office, cid, "expert2", "专家二长期出差，无法评审")
    session.commit()
    events = session.scalars(
        select(ChallengeEvent).where(
            ChallengeEvent.challenge_id == cid, ChallengeEvent.action == "remove_reviewer"
        )
    ).all()
    assert len(events) == 1 and "专家二长期出差，无法评审" in (events[0].comment or "")
    assert "专家二" in (events[0].comment or "")
    winner = ch.award(session, world.chain_office, cid)
    assert winner.id == a1


def test_remove_reviewer_is_a_step_of_the_act_form(session: Session, world: World, frozen) -> None:
    from gaodi.projects import actions
    from gaodi.projects.views import challenges as _views  # noqa: F401  (registers the step)

    cid, _a1 = _stuck_review(session, world)
    with pytest.raises(ValidationError) as err:
        actions.perform(
            session,
            world.chain_office,
            "challenge",
            cid,
            actions.ActionIn(action="remove_reviewer", comment="理由"),
        )
    assert err.value.context["field"] == "username"
    session.rollback()
    actions.perform(
        session,
        world.chain_office,
        "challenge",
        cid,
        actions.ActionIn(action="remove_reviewer", username="expert2", comment="无法评审"),
    )
    session.commit()
    assert ch.missing_reviews(session, cid) == []


# ---------------------------------------------------------------------------- applicants


def test_the_same_firm_cannot_apply_twice_by_spacing_its_name(
    session: Session, world: World, frozen
) -> None:
    cid = _challenge(session, world)
    first = _apply(session, world, cid, "麓谷宇江挖掘机械股份有限公司", applicant_uscc=uscc(9))
    for name in (
        "麓谷宇江挖掘机械股份有限公司\u3000",
        " 麓谷宇江挖掘机械股份有限公司",
        "麓谷宇江\u00a0挖掘机械股份有限公司",
        "麓谷宇江挖掘机械股份有限公司\u200b",
    ):
        with pytest.raises(ConflictError) as err:
            _apply(session, world, cid, name)
        assert f"申请 {first}" in _message(err.value, "zh")
        session.rollback()
    with pytest.raises(ConflictError):  # another name, same USCC
        _apply(session, world, cid, "宇江机械", applicant_uscc=uscc(9))
    session.rollback()


def test_name_and_uscc_must_match_the_linked_enterprise(
    session: Session, world: World, frozen
) -> None:
    cid = _challenge(session, world)
    with pytest.raises(ValidationError) as err:
        _apply(session, world, cid, "某某公司", enterprise_id=world.e1)
    assert "与所选企业“企业一”不一致" in _message(err.value, "zh")
    assert err.value.context["field"] == "applicant_name"
    session.rollback()
    with pytest.raises(ValidationError) as err:
        _apply(session, world, cid, "企业一", enterprise_id=world.e1, applicant_uscc=uscc(3))
    assert err.value.context["field"] == "applicant_uscc"
    session.rollback()
    aid = _apply(session, world, cid, "企业一 ", enterprise_id=world.e1)
    with pytest.raises(ConflictError):  # the same enterprise again, under its USCC this time
        _apply(session, world, cid, "企业一", enterprise_id=world.e1, applicant_uscc=uscc(1))
    session.rollback()
    assert aid


# ---------------------------------------------------------------------------- milestones


def test_a_milestone_cannot_be_done_before_the_work_started(
    session: Session, world: World, frozen
) -> None:
    cid, _a1 = _stuck_review(session, world, stuck=False)
    ch.award(session, world.chain_office, cid)
    m = ch.add_milestone(session, world.chain_office, cid, "中试", date(2023, 12, 31))
    session.commit()
    frozen(datetime(2023, 7, 3, 2, 0))
    ch.start(session, world.chain_office, cid)
    session.commit()
    frozen(datetime(2023, 8, 1, 2, 0))
    for early in (date(1990, 1, 1), date(2023, 7, 2)):
        with pytest.raises(ValidationError) as err:
            ch.complete_milestone(session, world.chain_office, cid, m.id, early)
        assert "早于攻关启动日期（2023-07-03）" in _message(err.value, "zh")
        session.rollback()
    ch.complete_milestone(session, world.chain_office, cid, m.id, date(2023, 7, 3))
    session.commit()
    assert session.get(ChallengeMilestone, m.id).done_on == date(2023, 7, 3)  # type: ignore[union-attr]


# ---------------------------------------------------------------------------- closing early


def test_closing_before_the_deadline_needs_a_reason_kept_in_the_history(
    session: Session, world: World, frozen
) -> None:
    cid = _challenge(session, world)  # deadline 2023-06-30; the clock says 2023-06-01
    _apply(session, world, cid, "甲公司")
    with pytest.raises(ValidationError) as err:
        ch.close(session, world.chain_office, cid)
    assert "申报截止日期（2023-06-30）未到" in _message(err.value, "zh")
    assert err.value.context["field"] == "comment"
    session.rollback()
    assert session.get(Challenge, cid).status == "published"  # type: ignore[union-attr]
    ch.close(session, world.chain_office, cid, "方案已足够，经局务会研究提前截止")
    session.commit()
    (event,) = session.scalars(
        select(ChallengeEvent).where(
            ChallengeEvent.challenge_id == cid, ChallengeEvent.action == "close"
        )
    ).all()
    assert event.comment == "方案已足够，经局务会研究提前截止"
    # after the deadline no reason is asked
    other = _challenge(session, world, deadline=date(2023, 6, 5))
    _apply(session, world, other, "乙公司")
    frozen(datetime(2023, 6, 6, 2, 0))
    ch.close(session, world.chain_office, other)
    session.commit()
    assert session.get(Challenge, other).status == "review"  # type: ignore[union-attr]
