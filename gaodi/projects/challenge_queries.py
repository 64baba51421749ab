"""揭榜挂帅 challenges, read side: the list, one challenge's page, milestone states."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gaodi.core.permissions import Principal, restrict
from gaodi.projects import common, states
from gaodi.projects.challenges import (
    HISTORY,
    MACHINE,
    actors,
    missing_reviews,
    review_state,
    standings,
)
from gaodi.projects.models import (
    Challenge,
    ChallengeApplication,
    ChallengeMilestone,
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


def milestone_state(m: ChallengeMilestone, as_of: date) -> tuple[str, int | None]:
    """done / done_late / overdue / pending, and days overdue (or late) where relevant."""
    if m.done_on is not None:
        late = (m.done_on - m.due_on).days
        return ("done_late", late) if late > 0 else ("done", None)
    if as_of > m.due_on:
        return "overdue", (as_of - m.due_on).days
    return "pending", None


def _visible_applications(session: Session, principal: Principal, ids: list[int]) -> set[int]:
    """The applications to challenges ``ids`` the principal may read (see projects.scopes)."""
    query = select(ChallengeApplication.id).where(ChallengeApplication.challenge_id.in_(ids))
    return set(session.scalars(restrict(query, principal, "read")))


def _rows(
    session: Session, principal: Principal, challenges: list[Challenge], as_of: date
) -> list[ChallengeRow]:
    ids = [c.id for c in challenges] or [-1]
    visible = _visible_applications(session, principal, ids)
    apps: dict[int, int] = dict(
        session.execute(  # type: ignore[arg-type]
            select(ChallengeApplication.challenge_id, func.count())
            .where(ChallengeApplication.challenge_id.in_(ids))
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
        if aid in visible
    }
    ms: dict[int, list[ChallengeMilestone]] = defaultdict(list)
    for m in session.scalars(
        select(ChallengeMilestone).where(ChallengeMilestone.challenge_id.in_(ids))
    ):
        ms[m.challenge_id].append(m)
    chains = common.chain_names(session)
    links = common.link_names(session, {c.link_id for c in challenges if c.link_id})
    out = []
    for c in challenges:
        st = MACHINE.state(c.status)
        overdue = sum(
            1
            for m in ms[c.id]
            if c.status in ("awarded", "executing") and milestone_state(m, as_of)[0] == "overdue"
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
                status=c.status,
                status_zh=st.zh,
                status_en=st.en,
                is_open=c.status in states.OPEN_CHALLENGE,
                applications=apps.get(c.id, 0),
                days_to_deadline=(c.deadline - as_of).days if c.status == "published" else None,
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
    day = common.as_of_date(as_of)
    query = restrict(select(Challenge), principal, "read").order_by(
        Challenge.deadline.desc(), Challenge.id
    )
    if flt is not None:
        if flt.status:
            if flt.status == "open":
                query = query.where(Challenge.status.in_(states.OPEN_CHALLENGE))
            else:
                MACHINE.state(flt.status)
                query = query.where(Challenge.status == flt.status)
        if flt.chain_id is not None:
            query = query.where(Challenge.chain_id == flt.chain_id)
        if flt.q:
            query = query.where(Challenge.title.contains(flt.q.strip()))
    return _rows(session, principal, list(session.scalars(query)), day)


def challenge_detail(
    session: Session, principal: Principal, challenge_id: int, as_of: date | None = None
) -> ChallengeDetail:
    day = common.as_of_date(as_of)
    challenge = common.load(session, Challenge, challenge_id, principal, "challenge")
    who = actors(session, principal, challenge)
    see_scores = bool(who & {"office", "admin"})
    apps, reviewers, decls, scores = review_state(session, challenge.id)
    visible = _visible_applications(session, principal, [challenge.id])
    apps = [a for a in apps if a.id in visible]
    decls = {k: d for k, d in decls.items() if k[1] in visible}
    scores = {k: s for k, s in scores.items() if k[1] in visible}
    ranks = {
        aid: (i + 1 if mean is not None else None, mean, n)
        for i, (aid, mean, n) in enumerate(standings(session, challenge.id))
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
                status=a.status,
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
    reviewer_rows = [
        ReviewerOut(
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
        )
        for r in reviewers
    ]
    milestones = []
    for m in session.scalars(
        select(ChallengeMilestone)
        .where(ChallengeMilestone.challenge_id == challenge.id)
        .order_by(ChallengeMilestone.sort_order, ChallengeMilestone.id)
    ):
        state, days = milestone_state(m, day)
        milestones.append(
            MilestoneOut(
                id=m.id,
                title=m.title,
                due_on=m.due_on,
                done_on=m.done_on,
                state=state,
                days_overdue=days,
                note=m.note,
            )
        )
    events = HISTORY.events(session, challenge.id)
    transitions = MACHINE.offered(challenge.status, who)
    missing = missing_reviews(session, challenge.id) if challenge.status == "review" else []
    return ChallengeDetail(
        challenge=_rows(session, principal, [challenge], day)[0],
        problem=challenge.problem,
        requirements=challenge.requirements,
        published_on=challenge.published_on,
        award_reason=challenge.award_reason,
        applications=applications,
        reviewers=reviewer_rows,
        milestones=milestones,
        events=events,
        transitions=transitions,
        review_complete=challenge.status == "review" and not missing,
        review_missing=missing,
        as_of=day,
    )
