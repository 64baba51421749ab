"""揭榜挂帅 challenges, read side: the list, one challenge's page, milestone states.

Every view is as of a day (default: the city's today) and rebuilt from the challenge's history
(:mod:`gaodi.core.asof`): a challenge published later does not exist yet, its status is the
last transition by the end of the day, applications count when submitted by then, milestones
are done when done by then, and the review panel is the one of that day (reviewers who had
joined and not yet left, their declarations and scores as they stood), with the reviewers who
had left by then listed apart, when and why. The award's reason is the one the award step gave
if it had happened by then, milestones are those added by then, and what the review lacked is
that day's. A past day is for reading: it offers no steps (they act on today's challenge).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gaodi.audit import loaders as audit_loaders
from gaodi.core import asof, clock
from gaodi.core.errors import NotFoundError
from gaodi.core.permissions import Principal, restrict
from gaodi.projects import common, states
from gaodi.projects.challenges import (
    HISTORY,
    MACHINE,
    actors,
    left_panel,
    missing_reviews,
    panel_history,
    review_state,
    standings,
)
from gaodi.projects.models import (
    Challenge,
    ChallengeApplication,
    ChallengeDeclaration,
    ChallengeMilestone,
    ChallengeReviewer,
    ChallengeScore,
)
from gaodi.projects.schemas import (
    ApplicationOut,
    ChallengeDetail,
    ChallengeFilter,
    ChallengeRow,
    DeclarationOut,
    MilestoneOut,
    ReviewerOut,
    ScoreOut,
)

# ---------------------------------------------------------------------------- reading

#: Statuses in which a challenge has an awardee.
AWARDED = ("awarded", "executing", "accepted", "failed")


@dataclass(frozen=True)
class _Milestone:
    """What :func:`milestone_state` reads of a milestone, as it stood on a day."""

    due_on: date
    done_on: date | None


def milestone_state(m: ChallengeMilestone | _Milestone, as_of: date) -> tuple[str, int | None]:
    """done / done_late / overdue / pending on ``as_of``, and days overdue (or late) where
    relevant (a milestone done after ``as_of`` was not done yet)."""
    if m.done_on is not None and m.done_on <= as_of:
        late = (m.done_on - m.due_on).days
        return ("done_late", late) if late > 0 else ("done", None)
    if as_of > m.due_on:
        return "overdue", (as_of - m.due_on).days
    return "pending", None


@dataclass(frozen=True)
class ChallengeAt:
    """A challenge on a day: its status then, from its history."""

    challenge: Challenge
    status: str
    events: list[Any]


def challenges_at(session: Session, challenges: list[Challenge], day: date) -> list[ChallengeAt]:
    """The challenges that existed on ``day`` (first event, else creation, by its end), each
    with its status then."""
    histories = HISTORY.histories(session, [c.id for c in challenges])
    out = []
    for c in challenges:
        events = histories.get(c.id, [])
        created = events[0].at if events else c.created_at
        if not asof.existed_at(created, day):
            continue
        seen = asof.history_at(events, day)
        status = asof.state_at(seen, day, initial="published") if events else c.status
        out.append(ChallengeAt(c, status or "published", seen))
    return out


def _visible_applications(session: Session, principal: Principal, ids: list[int]) -> set[int]:
    """The applications to challenges ``ids`` the principal may read (see projects.scopes)."""
    query = select(ChallengeApplication.id).where(ChallengeApplication.challenge_id.in_(ids))
    return set(session.scalars(restrict(query, principal, "read")))


def _rows(
    session: Session, principal: Principal, found: list[ChallengeAt], as_of: date
) -> list[ChallengeRow]:
    challenges = [f.challenge for f in found]
    status_at = {f.challenge.id: f.status for f in found}
    ids = [c.id for c in challenges] or [-1]
    visible = _visible_applications(session, principal, ids)
    apps: dict[int, int] = dict(
        session.execute(  # type: ignore[arg-type]
            select(ChallengeApplication.challenge_id, func.count())
            .where(
                ChallengeApplication.challenge_id.in_(ids),
                ChallengeApplication.submitted_at <= clock.end_of_day(as_of),
            )
            .group_by(ChallengeApplication.challenge_id)
        ).all()
    )
    awardees = {
        cid: name
        for aid, cid, name in session.execute(
            select(
                ChallengeApplication.id,
                ChallengeApplication.challenge_id,
                ChallengeApplication.applicant_name,
            ).where(
                ChallengeApplication.challenge_id.in_(ids),
                ChallengeApplication.status == "awarded",
            )
        )
        if aid in visible and status_at.get(cid) in AWARDED
    }
    ms = _milestones_at(session, ids, as_of)
    chains = common.chain_names(session)
    links = common.link_names(session, {c.link_id for c in challenges if c.link_id})
    out = []
    for c in challenges:
        status = status_at[c.id]
        st = MACHINE.state(status)
        overdue = sum(
            1 for m in ms[c.id] if status in ("awarded", "executing") and m.state == "overdue"
        )
        out.append(
            ChallengeRow(
                id=c.id,
                title=c.title,
                chain_id=c.chain_id,
                chain_name=chains.get(c.chain_id, str(c.chain_id)),
                link_name=links.get(c.link_id) if c.link_id else None,
                budget=c.budget,
                deadline=c.deadline,
                status=status,
                status_zh=st.zh,
                status_en=st.en,
                is_open=status in states.OPEN_CHALLENGE,
                applications=apps.get(c.id, 0),
                days_to_deadline=(c.deadline - as_of).days if status == "published" else None,
                milestones=len(ms[c.id]),
                milestones_overdue=overdue,
                awardee=awardees.get(c.id),
                is_demo=c.is_demo,
            )
        )
    return out


def list_challenges(
    session: Session,
    principal: Principal,
    flt: ChallengeFilter | None = None,
    as_of: date | None = None,
) -> list[ChallengeRow]:
    """Challenges ``principal`` may see as they stood on ``as_of`` (default: the city's today);
    ``status`` filters on the status then (``open``: any of the open ones)."""
    day = common.as_of_date(as_of)
    query = restrict(select(Challenge), principal, "read").order_by(
        Challenge.deadline.desc(), Challenge.id
    )
    if flt is not None:
        if flt.status and flt.status != "open":
            MACHINE.state(flt.status)
        if flt.chain_id is not None:
            query = query.where(Challenge.chain_id == flt.chain_id)
        if flt.q:
            query = query.where(Challenge.title.icontains(flt.q.strip(), autoescape=True))
    found = challenges_at(session, list(session.scalars(query)), day)
    if flt is not None and flt.status:
        wanted = states.OPEN_CHALLENGE if flt.status == "open" else (flt.status,)
        found = [f for f in found if f.status in wanted]
    return _rows(session, principal, found, day)


def challenge_detail(
    session: Session,
    principal: Principal,
    challenge_id: int,
    as_of: date | None = None,
    today: date | None = None,
) -> ChallengeDetail:
    """One challenge as it stood on ``as_of`` (default: ``today``, else the city's today). A
    day before ``today`` shows only what was true then and offers no steps."""
    today = today or clock.today()
    day = common.as_of_date(as_of or today)
    past = day < today
    challenge = common.load(session, Challenge, challenge_id, principal, "challenge")
    then = challenges_at(session, [challenge], day)
    if not then:
        raise NotFoundError(
            f"榜单 {challenge_id} 在 {day} 尚未发布。",
            f"Challenge {challenge_id} had not been published on {day}.",
        )
    who = actors(session, principal, challenge)
    see_scores = bool(who & {"office", "admin"})
    apps, reviewers, decls, scores = review_state(session, challenge.id, day)
    visible = _visible_applications(session, principal, [challenge.id])
    apps = [a for a in apps if a.id in visible and asof.at_or_before(a.submitted_at, day)]
    decls = {k: d for k, d in decls.items() if k[1] in visible}
    scores = {k: s for k, s in scores.items() if k[1] in visible}
    ranks = {
        aid: (i + 1 if mean is not None else None, mean, n)
        for i, (aid, mean, n) in enumerate(standings(session, challenge.id, day))
    }
    names = {r.id: r.name for r in reviewers}
    applications = []
    for a in apps:
        rank, mean, n = ranks[a.id]
        details = [
            ScoreOut(reviewer=names[rid], score=s.score, comment=s.comment)
            for (rid, aid), s in sorted(scores.items())
            if aid == a.id
        ]
        applications.append(
            ApplicationOut(
                id=a.id,
                applicant_name=a.applicant_name,
                applicant_uscc=a.applicant_uscc,
                proposal=a.proposal,
                requested_budget=a.requested_budget,
                status=a.status if then[0].status in AWARDED else "submitted",
                submitted_at=a.submitted_at,
                mean_score=round(mean, 2) if mean is not None else None,
                scores=n,
                rank=rank,
                conflicts=sum(
                    1 for (_r, aid), d in decls.items() if aid == a.id and d.has_conflict
                ),
                score_details=details if see_scores else [],
            )
        )
    reviewer_rows = [_reviewer_out(r, decls, scores) for r in reviewers]
    former = [r for r in panel_history(session, challenge.id) if left_panel(r, day)]
    former_rows = [_reviewer_out(r, *_withdrawn(session, r, visible), removed=True) for r in former]
    milestones = _milestones_at(session, [challenge.id], day)[challenge.id]
    events = [e for e in HISTORY.events(session, challenge.id) if asof.at_or_before(e.at, day)]
    status = then[0].status
    if past:
        # a past day is for reading: a step acts on today's challenge, not on that day's
        transitions = []
        missing = missing_reviews(session, challenge.id, day=day) if status == "review" else []
        reason = _award_reason_at(challenge, then[0])
    else:
        transitions = MACHINE.offered(challenge.status, who)
        missing = missing_reviews(session, challenge.id) if challenge.status == "review" else []
        reason = challenge.award_reason
    return ChallengeDetail(
        challenge=_rows(session, principal, then, day)[0],
        problem=challenge.problem,
        requirements=challenge.requirements,
        published_on=challenge.published_on,
        award_reason=reason,
        applications=applications,
        reviewers=reviewer_rows,
        former_reviewers=former_rows,
        milestones=milestones,
        events=events,
        transitions=transitions,
        review_complete=status == "review" and not missing,
        review_missing=missing,
        as_of=day,
    )


def _award_reason_at(challenge: Challenge, then: ChallengeAt) -> str | None:
    """The reason the award step gave, if the award had happened by the day (its history's last
    award step then); a challenge with no history (none was kept) has today's reason once its
    status then is an awarded one."""
    if not then.events:
        return challenge.award_reason if then.status in AWARDED else None
    awards = [e for e in then.events if e.action == "award"]
    return awards[-1].comment if awards else None


def _milestones_at(
    session: Session, challenge_ids: list[int], day: date
) -> dict[int, list[MilestoneOut]]:
    """The milestones of challenges ``challenge_ids`` as they stood on ``day``.

    A milestone counts once added by the end of the day: the challenge's history has one
    ``add_milestone`` step per milestone, in the order they were added (none is ever deleted),
    so the k-th milestone was added by the k-th step; one with no step (no history kept) was
    there from the start. It is done if its completion was recorded by then (the audit log's
    update that set that ``done_on``; a completion recorded later, even dated earlier, was not
    known on that day, nor the note it added), and in any case not before its ``done_on``."""
    rows = list(
        session.scalars(
            select(ChallengeMilestone)
            .where(ChallengeMilestone.challenge_id.in_(challenge_ids or [-1]))
            .order_by(ChallengeMilestone.sort_order, ChallengeMilestone.id)
        )
    )
    histories = HISTORY.histories(session, sorted({m.challenge_id for m in rows}))
    added: dict[int, Any] = {}
    for cid, events in histories.items():
        steps = [e.at for e in events if e.action == "add_milestone"]
        mine = sorted(m.id for m in rows if m.challenge_id == cid)
        added.update(zip(mine, steps, strict=False))
    completed: dict[int, Any] = {}
    done = {str(m.id): m.done_on.isoformat() for m in rows if m.done_on is not None}
    for e in audit_loaders.entity_events(
        session, "challenge_milestone", "update", entity_ids=list(done)
    ):
        key = e.entity_id or ""
        if key in done and (e.after or {}).get("done_on") == done[key]:
            completed[int(key)] = e
    out: dict[int, list[MilestoneOut]] = defaultdict(list)
    for m in rows:
        if m.id in added and not asof.at_or_before(added[m.id], day):
            continue
        done_on, note = m.done_on, m.note
        recorded = completed.get(m.id)
        if recorded is not None and not asof.at_or_before(recorded.at, day):
            done_on, note = None, (recorded.before or {}).get("note", note)
        elif done_on is not None and done_on > day:
            done_on = None
        state, days = milestone_state(_Milestone(m.due_on, done_on), day)
        out[m.challenge_id].append(
            MilestoneOut(
                id=m.id,
                title=m.title,
                due_on=m.due_on,
                done_on=done_on,
                state=state,
                days_overdue=days,
                note=note,
            )
        )
    return out


def _reviewer_out(
    r: ChallengeReviewer,
    decls: dict[tuple[int, int], ChallengeDeclaration],
    scores: dict[tuple[int, int], ChallengeScore],
    removed: bool = False,
) -> ReviewerOut:
    """A reviewer's row; ``removed``: one who had left the panel by the day, with when and why
    (only then: a past day's view does not know of a later removal)."""
    return ReviewerOut(
        id=r.id,
        username=r.username,
        name=r.name,
        affiliation=r.affiliation,
        declarations=[
            DeclarationOut(
                application_id=aid,
                has_conflict=d.has_conflict,
                statement=d.statement,
                declared_at=d.declared_at,
            )
            for (rid, aid), d in sorted(decls.items())
            if rid == r.id
        ],
        scored=sorted(aid for (rid, aid) in scores if rid == r.id),
        added_at=r.added_at,
        removed_at=r.removed_at if removed else None,
        removal_reason=r.removal_reason if removed else None,
    )


def _withdrawn(
    session: Session, r: ChallengeReviewer, visible: set[int]
) -> tuple[dict[tuple[int, int], ChallengeDeclaration], dict[tuple[int, int], ChallengeScore]]:
    """What a removed reviewer had declared and scored (no longer counted), of the applications
    the principal may read."""
    decls = session.scalars(
        select(ChallengeDeclaration).where(ChallengeDeclaration.reviewer_id == r.id)
    )
    scores = session.scalars(select(ChallengeScore).where(ChallengeScore.reviewer_id == r.id))
    return (
        {(r.id, d.application_id): d for d in decls if d.application_id in visible},
        {(r.id, s.application_id): s for s in scores if s.application_id in visible},
    )
