"""揭榜挂帅 challenges: publish, apply, review (declare conflicts, score), award, milestones.

Review rules: every reviewer declares, for every application, whether they have a conflict of
interest before scoring it; a reviewer with a declared conflict cannot score that application.
The award goes to the application with the highest mean score, or to another one with a stated
reason; it needs a complete review (a declaration for every reviewer × application and a score
for every pair without a conflict).

The panel has a history: a reviewer joins at ``added_at`` and, taken off the panel with a
reason, leaves at ``removed_at``; the row, its declarations and its scores are kept. The current
review (who may declare and score, what is missing, the means the award goes by) is the current
panel's; a past day's view is the panel of that day with its declarations and scores as they
stood (:func:`review_state`).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gaodi.accounts import service as accounts
from gaodi.audit import service as audit
from gaodi.chains import loaders as chain_loaders
from gaodi.core import asof, clock
from gaodi.core.codes import validate_uscc
from gaodi.core.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from gaodi.core.permissions import WORKFLOW_ACTORS, Principal, allowed, require, restrict
from gaodi.core.text_safety import has_visible, too_long
from gaodi.core.workflow import History, Transition
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.projects import common, states
from gaodi.projects.models import (
    Challenge,
    ChallengeApplication,
    ChallengeDeclaration,
    ChallengeEvent,
    ChallengeMilestone,
    ChallengeReviewer,
    ChallengeScore,
)
from gaodi.projects.schemas import (
    ApplicationIn,
    ChallengeIn,
)

MACHINE = states.CHALLENGE
HISTORY = History(MACHINE, ChallengeEvent, "challenge_id", audit.record)
SCORE_MIN, SCORE_MAX = 0.0, 100.0
CHAIN_NOT_FOUND = ("找不到该产业链（或无权查看）。", "No such chain (or not yours to see).")
ENTERPRISE_NOT_FOUND = ("找不到该企业（或无权查看）。", "No such enterprise (or not yours to see).")


def actors(session: Session, principal: Principal, challenge: Challenge) -> set[str]:
    """Which workflow actors ``principal`` is for ``challenge``."""
    out = common.office_actors(principal, "challenge")
    if WORKFLOW_ACTORS.get(principal.role) == "enterprise" and allowed(
        principal, "submit", "challenge"
    ):
        out.add("enterprise")
    if _reviewer(session, challenge.id, principal.username) is not None:
        out.add("reviewer")
    return out


def _membership(session: Session, challenge_id: int, username: str) -> ChallengeReviewer | None:
    """The account's place on the panel, current or ended (one per account and challenge)."""
    return session.scalars(
        select(ChallengeReviewer).where(
            ChallengeReviewer.challenge_id == challenge_id, ChallengeReviewer.username == username
        )
    ).first()


def _reviewer(session: Session, challenge_id: int, username: str) -> ChallengeReviewer | None:
    """The account's place on the current panel (a removed reviewer has none)."""
    found = _membership(session, challenge_id, username)
    return found if found is not None and found.removed_at is None else None


def _left(reviewer: ChallengeReviewer) -> tuple[str, str]:
    """When and why ``reviewer`` left the panel, in words (zh, en)."""
    assert reviewer.removed_at is not None
    at = f"{clock.local(reviewer.removed_at):%Y-%m-%d %H:%M}"
    why = (reviewer.removal_reason or "").strip()
    return (
        f"已于 {at} 被移出本榜单评审组" + (f"（理由：{why}）" if why else ""),
        f"was removed from this challenge's review panel on {at}"
        + (f" (reason: {why})" if why else ""),
    )


def _authorize_reviewer(
    session: Session, principal: Principal, challenge_id: int, name: str
) -> tuple[Challenge, Transition]:
    """A reviewer's step; a reviewer taken off the panel is told so, with when and why, rather
    than with the bare refusal anyone outside the panel gets."""
    try:
        return _authorize(session, principal, challenge_id, name, None)
    except PermissionDenied:
        gone = _membership(session, challenge_id, principal.username)
        if gone is None or gone.removed_at is None:
            raise
        zh, en = _left(gone)
        raise PermissionDenied(
            f"您{zh}，不能再作利益冲突声明或评分。",
            f"You {en}: you can no longer declare conflicts of interest or score.",
        ) from None


def _authorize(
    session: Session, principal: Principal, challenge_id: int, name: str, comment: str | None
) -> tuple[Challenge, Transition]:
    challenge = common.load(session, Challenge, challenge_id, principal, "challenge")
    who = actors(session, principal, challenge)
    return challenge, MACHINE.authorize(name, challenge.status, principal, who, comment)


def create_challenge(session: Session, principal: Principal, data: ChallengeIn) -> Challenge:
    """Publish a challenge (发榜)."""
    require(principal, "edit", "challenge")
    # the chain must be one the principal reads and may act on (a chain office: its own); a
    # missing chain and one outside the scope answer the same 404
    try:
        chain_loaders.chain_in_scope(
            session, principal, data.chain_id, "edit", not_found=CHAIN_NOT_FOUND
        )
    except NotFoundError as exc:
        exc.context["field"] = "chain_id"  # the form shows it beside the chain
        raise
    common.check_link(session, data.chain_id, data.link_id)
    today = clock.today()
    if data.deadline < today:
        raise ValidationError(
            f"申报截止日期（{data.deadline}）已过。",
            f"The application deadline ({data.deadline}) has passed.",
            field="deadline",
        )
    challenge = Challenge(
        title=data.title.strip(),
        problem=data.problem,
        chain_id=data.chain_id,
        link_id=data.link_id,
        requirements=data.requirements,
        budget=data.budget,
        deadline=data.deadline,
        status="published",
        published_on=today,
    )
    session.add(challenge)
    session.flush()
    HISTORY.opened(session, challenge, "publish", "published", principal)
    return challenge


def name_key(name: str) -> str:
    """A firm's name as compared for duplicates: full-width forms folded (NFKC), every kind of
    space removed (ASCII, ideographic U+3000, no-break U+00A0, zero-width) and case ignored, so
    "某某公司　" and " 某某公司" are the same applicant."""
    folded = unicodedata.normalize("NFKC", name)
    kept = (c for c in folded if not c.isspace() and unicodedata.category(c) != "Cf")
    return "".join(kept).casefold()


def apply(
    session: Session, principal: Principal, challenge_id: int, data: ApplicationIn
) -> ChallengeApplication:
    """File an application (揭榜) before the deadline."""
    challenge, t = _authorize(session, principal, challenge_id, "apply", None)
    who = actors(session, principal, challenge)
    if who == {"enterprise"} and data.enterprise_id not in principal.enterprise_ids:
        raise PermissionDenied(
            "企业用户只能以本企业名义揭榜。", "An enterprise user may only apply for itself."
        )
    if _reviewer(session, challenge.id, principal.username) is not None:
        raise PermissionDenied(
            "您是本榜单的评审专家，不能同时揭榜。",
            "You sit on this challenge's review panel and cannot apply to it.",
        )
    name = data.applicant_name.strip()
    if not has_visible(name):
        raise ValidationError("请填写揭榜单位名称。", "Give the applicant's name.")
    uscc = validate_uscc(data.applicant_uscc).code if data.applicant_uscc else None
    if data.enterprise_id is not None:
        # 揭榜 is open to any firm (outside the city too: name and USCC only), but linking the
        # application to a registered enterprise is a reference like any other: an office links
        # only firms it reads, and one outside its scope answers as a missing one
        firm = enterprise_loaders.enterprise_in_scope(
            session, principal, data.enterprise_id, "read", not_found=ENTERPRISE_NOT_FOUND
        )
        # the linked firm is who applies: a different name or USCC would file one firm's
        # application under another's registration
        if uscc is not None and firm.uscc and uscc != firm.uscc:
            raise ValidationError(
                f"统一社会信用代码（{uscc}）与所选企业“{firm.name}”的代码（{firm.uscc}）不一致。",
                f"The USCC ({uscc}) is not that of the chosen enterprise '{firm.name}' "
                f"({firm.uscc}).",
                field="applicant_uscc",
            )
        if name_key(name) != name_key(firm.name):
            raise ValidationError(
                f"揭榜单位名称“{name}”与所选企业“{firm.name}”不一致。",
                f"The applicant's name '{name}' is not that of the chosen enterprise "
                f"'{firm.name}'.",
                field="applicant_name",
            )
        uscc = uscc or firm.uscc or None
        _check_not_on_panel(session, challenge, firm.id)
    today = clock.today()
    if today > challenge.deadline:
        raise ConflictError(
            f"申报已于 {challenge.deadline} 截止。",
            f"Applications closed on {challenge.deadline}.",
        )
    existing = session.scalars(
        select(ChallengeApplication).where(ChallengeApplication.challenge_id == challenge.id)
    ).all()
    key = name_key(name)
    for other in existing:
        same_firm = data.enterprise_id is not None and other.enterprise_id == data.enterprise_id
        if (
            same_firm
            or (uscc and other.applicant_uscc == uscc)
            or name_key(other.applicant_name) == key
        ):
            raise ConflictError(
                f"“{other.applicant_name}”已提交过申请（申请 {other.id}）。",
                f"'{other.applicant_name}' has already applied (application {other.id}).",
            )
    app = ChallengeApplication(
        challenge_id=challenge.id,
        applicant_name=name,
        applicant_uscc=uscc,
        enterprise_id=data.enterprise_id,
        proposal=data.proposal,
        requested_budget=data.requested_budget,
        status="submitted",
        submitted_by=principal.username,
        submitted_at=clock.now(),
    )
    session.add(app)
    session.flush()
    HISTORY.fire(session, principal, challenge, t, details={"application": app.id})
    return app


#: A reviewer's name and affiliation, characters: the lengths of their columns
#: (``challenge_reviewer.name`` String(100), ``.affiliation`` String(200)).
REVIEWER_NAME_MAX = 100
REVIEWER_AFFILIATION_MAX = 200


def add_reviewer(
    session: Session,
    principal: Principal,
    challenge_id: int,
    username: str,
    name: str,
    affiliation: str | None = None,
) -> ChallengeReviewer:
    challenge, t = _authorize(session, principal, challenge_id, "add_reviewer", None)
    if not has_visible(username) or not has_visible(name):
        raise ValidationError(
            "请填写评审专家的账号和姓名。", "A reviewer needs a username and name."
        )
    # the columns hold 100 and 200 characters: PostgreSQL refuses a longer value at the flush
    # (a 500), SQLite kept it and the panel printed it three times on the challenge's page
    for text, limit, what, field in (
        (name.strip(), REVIEWER_NAME_MAX, ("评审专家姓名", "The reviewer's name"), "name"),
        (affiliation, REVIEWER_AFFILIATION_MAX, ("工作单位", "The affiliation"), "affiliation"),
    ):
        long = too_long(text, limit, what)
        if long is not None:
            raise ValidationError(*long, field=field)
    found = _membership(session, challenge.id, username.strip())
    if found is not None and found.removed_at is None:
        raise ConflictError(
            f"“{username}”已是本榜单的评审专家。", f"'{username}' is already a reviewer."
        )
    if found is not None:
        # one membership per account: declarations are final once made, and a rejoined
        # reviewer would declare afresh (a declared conflict undone) and score again
        zh, en = _left(found)
        raise ConflictError(
            f"“{username}”{zh}，不能再次加入：利益冲突声明一经作出不能更改。请另选评审专家。",
            f"'{username}' {en} and cannot rejoin it: conflict-of-interest declarations are "
            "final once made. Choose another reviewer.",
            field="username",
        )
    _check_reviewer_account(session, challenge, username.strip())
    reviewer = ChallengeReviewer(
        challenge_id=challenge.id,
        username=username.strip(),
        name=name.strip(),
        affiliation=affiliation,
        added_at=clock.now(),
    )
    session.add(reviewer)
    session.flush()
    HISTORY.fire(session, principal, challenge, t, details={"reviewer": username})
    return reviewer


def _check_reviewer_account(session: Session, challenge: Challenge, username: str) -> None:
    """A reviewer acts through an account: it must exist and be active (a panel member who can
    never log in leaves the review incomplete for good), and must be independent: neither the
    office that runs and awards the challenge nor a user of an applicant."""
    try:
        user = accounts.get_user(session, username)
    except NotFoundError:
        raise ValidationError(
            f"找不到账号“{username}”：评审专家须使用已开通的账号。",
            f"No account named '{username}': a reviewer needs an existing account.",
            field="username",
        ) from None
    if not user.is_active:
        raise ValidationError(
            f"账号“{username}”已停用，不能担任评审专家。",
            f"The account '{username}' is deactivated and cannot review.",
            field="username",
        )
    who = Principal.from_user(user)
    if not allowed(who, "read", "challenge"):
        # an enterprise's account cannot open the challenge pages, so it could never declare or
        # score, and the award would wait for it for good
        raise ValidationError(
            f"账号“{username}”是企业账号，无权查看揭榜挂帅榜单，不能担任评审专家。",
            f"'{username}' is an enterprise account: it cannot open the challenges, so it cannot "
            "review one.",
            field="username",
        )
    visible = restrict(select(Challenge.id).where(Challenge.id == challenge.id), who, "read")
    if session.scalar(visible) is None:
        # the same for an office scoped to other chains: every review step of this challenge
        # would answer it "not found"
        raise ValidationError(
            f"账号“{username}”无权查看本榜单（其范围不含本榜单所属产业链），不能担任评审专家。",
            f"'{username}' cannot open this challenge (its scope does not cover the challenge's "
            "chain), so it cannot review it.",
            field="username",
        )
    if common.office_actors(who, "challenge") and (
        who.is_admin or challenge.chain_id in who.chain_ids
    ):
        raise ValidationError(
            f"“{username}”是发榜、确定揭榜方的单位账号，不能担任本榜单的评审专家。",
            f"'{username}' belongs to the office that runs and awards this challenge and cannot "
            "review it.",
            field="username",
        )
    apps = session.scalars(
        select(ChallengeApplication).where(ChallengeApplication.challenge_id == challenge.id)
    ).all()
    if any(
        a.submitted_by == username
        or (a.enterprise_id is not None and a.enterprise_id in who.enterprise_ids)
        for a in apps
    ):
        raise ValidationError(
            f"“{username}”是揭榜申请方的账号，不能担任本榜单的评审专家。",
            f"'{username}' is an applicant's account and cannot review this challenge.",
            field="username",
        )


def _check_not_on_panel(session: Session, challenge: Challenge, enterprise_id: int) -> None:
    """An enterprise whose user sits on the panel would be reviewed by itself."""
    for r in session.scalars(
        select(ChallengeReviewer).where(
            ChallengeReviewer.challenge_id == challenge.id, ChallengeReviewer.removed_at.is_(None)
        )
    ):
        try:
            user = accounts.get_user(session, r.username)
        except NotFoundError:
            continue
        if enterprise_id in Principal.from_user(user).enterprise_ids:
            raise ConflictError(
                f"该企业的账号“{r.username}”是本榜单的评审专家，须先将其移出评审组才能揭榜。",
                f"The enterprise's account '{r.username}' sits on this challenge's review panel; "
                "remove it from the panel first.",
            )


def remove_reviewer(
    session: Session, principal: Principal, challenge_id: int, username: str, reason: str
) -> Challenge:
    """Take a reviewer off the panel, with a reason (kept in the history): a panel member who
    cannot or may not review would otherwise block the award for good. From then on their
    declarations and scores no longer count; the row keeps them, with when and why they left,
    so a day before the removal still shows the panel and its scores as they were."""
    challenge, t = _authorize(session, principal, challenge_id, "remove_reviewer", reason)
    reviewer = _membership(session, challenge.id, username.strip())
    if reviewer is None:
        raise ValidationError(
            f"“{username}”不是本榜单的评审专家。",
            f"'{username}' is not a reviewer of this challenge.",
            field="username",
        )
    if reviewer.removed_at is not None:
        zh, en = _left(reviewer)
        raise ConflictError(f"“{username}”{zh}。", f"'{username}' {en}.", field="username")
    decls = session.scalars(
        select(ChallengeDeclaration).where(ChallengeDeclaration.reviewer_id == reviewer.id)
    ).all()
    scores = session.scalars(
        select(ChallengeScore).where(ChallengeScore.reviewer_id == reviewer.id)
    ).all()
    reviewer.removed_at = clock.now()
    reviewer.removal_reason = reason.strip()
    session.flush()
    HISTORY.fire(
        session,
        principal,
        challenge,
        t,
        f"{reviewer.name}（{reviewer.username}）：{reason.strip()}",
        details={
            "reviewer": reviewer.username,
            "declarations": len(decls),
            "scores": {str(s.application_id): s.score for s in scores},
        },
    )
    return challenge


def close(
    session: Session, principal: Principal, challenge_id: int, comment: str | None = None
) -> Challenge:
    """Stop taking applications and start the review."""
    challenge, t = _authorize(session, principal, challenge_id, "close", comment)
    n = _count(session, ChallengeApplication, challenge.id)
    if n == 0:
        raise ConflictError(
            "尚无揭榜申请，不能进入评审（可延长截止日期或撤榜）。",
            "No applications yet: the review cannot start (extend the deadline or cancel).",
        )
    today = clock.today()
    if today <= challenge.deadline and not has_visible(comment):
        # the deadline was published: firms may still be preparing. Closing early can be right
        # (the programme changed, enough strong applications), so it is allowed, but as with
        # 撤榜 the office must say why, and the reason stays in the history for everyone to see
        raise ValidationError(
            f"申报截止日期（{challenge.deadline}）未到，提前截止征集须说明理由。",
            f"The published deadline ({challenge.deadline}) has not passed: give a reason for "
            "closing applications early.",
            field="comment",
        )
    HISTORY.fire(session, principal, challenge, t, comment)
    return challenge


def _count(session: Session, model: Any, challenge_id: int) -> int:
    query = select(func.count()).select_from(model).where(model.challenge_id == challenge_id)
    return int(session.scalar(query) or 0)


def _application(
    session: Session, challenge: Challenge, application_id: int
) -> ChallengeApplication:
    app = session.get(ChallengeApplication, application_id)
    if app is None or app.challenge_id != challenge.id:
        raise ValidationError(
            f"申请 {application_id} 不属于榜单 {challenge.id}。",
            f"Application {application_id} is not an application to challenge {challenge.id}.",
        )
    return app


def declare(
    session: Session,
    principal: Principal,
    challenge_id: int,
    application_id: int,
    has_conflict: bool,
    statement: str | None = None,
) -> ChallengeDeclaration:
    """A reviewer's conflict-of-interest declaration for one application (final once made)."""
    challenge, t = _authorize_reviewer(session, principal, challenge_id, "declare")
    app = _application(session, challenge, application_id)
    reviewer = _reviewer(session, challenge.id, principal.username)
    assert reviewer is not None  # authorize() required the reviewer actor
    found = session.scalars(
        select(ChallengeDeclaration).where(
            ChallengeDeclaration.reviewer_id == reviewer.id,
            ChallengeDeclaration.application_id == app.id,
        )
    ).first()
    if found is not None:
        raise ConflictError(
            "已就该申请作出利益冲突声明，不能更改。",
            "A declaration for this application has already been made; it cannot be changed.",
        )
    if has_conflict and not has_visible(statement):
        raise ValidationError("请说明利益冲突的情况。", "Describe the conflict of interest.")
    decl = ChallengeDeclaration(
        reviewer_id=reviewer.id,
        application_id=app.id,
        has_conflict=has_conflict,
        statement=statement,
        declared_at=clock.now(),
    )
    session.add(decl)
    session.flush()
    HISTORY.fire(
        session,
        principal,
        challenge,
        t,
        statement,
        details={"application": app.id, "has_conflict": has_conflict},
    )
    return decl


def score(
    session: Session,
    principal: Principal,
    challenge_id: int,
    application_id: int,
    value: float,
    comment: str | None = None,
) -> ChallengeScore:
    """A reviewer scores (or re-scores) one application, 0-100, after declaring no conflict."""
    challenge, t = _authorize_reviewer(session, principal, challenge_id, "score")
    app = _application(session, challenge, application_id)
    reviewer = _reviewer(session, challenge.id, principal.username)
    assert reviewer is not None
    decl = session.scalars(
        select(ChallengeDeclaration).where(
            ChallengeDeclaration.reviewer_id == reviewer.id,
            ChallengeDeclaration.application_id == app.id,
        )
    ).first()
    if decl is None:
        raise ConflictError(
            "评分前须先作出利益冲突声明。",
            "A conflict-of-interest declaration is required before scoring.",
        )
    if decl.has_conflict:
        raise PermissionDenied(
            "您已声明与该申请存在利益冲突，不能为其评分。",
            "You declared a conflict of interest with this application and cannot score it.",
        )
    if not SCORE_MIN <= value <= SCORE_MAX:
        raise ValidationError(
            f"评分应在 {SCORE_MIN:g}–{SCORE_MAX:g} 之间。",
            f"A score must lie between {SCORE_MIN:g} and {SCORE_MAX:g}.",
        )
    row = session.scalars(
        select(ChallengeScore).where(
            ChallengeScore.reviewer_id == reviewer.id, ChallengeScore.application_id == app.id
        )
    ).first()
    previous = row.score if row is not None else None
    if row is None:
        row = ChallengeScore(reviewer_id=reviewer.id, application_id=app.id, score=value)
        session.add(row)
    row.score = value
    row.comment = comment
    row.scored_at = clock.now()
    session.flush()
    HISTORY.fire(
        session,
        principal,
        challenge,
        t,
        comment,
        details={"application": app.id, "score": value, "previous": previous},
    )
    return row


# ---------------------------------------------------------------------------- review state


def review_state(
    session: Session, challenge_id: int, day: date | None = None
) -> tuple[
    list[ChallengeApplication],
    list[ChallengeReviewer],
    dict[tuple[int, int], ChallengeDeclaration],
    dict[tuple[int, int], ChallengeScore],
]:
    """The applications, the panel and its declarations and scores: the current ones, or (with
    ``day``) as they stood on that day: the reviewers who had joined by its end and not yet left,
    their declarations made by then and their scores as they were then. A reviewer removed
    later counts on that day exactly as they counted then."""
    apps = list(
        session.scalars(
            select(ChallengeApplication)
            .where(ChallengeApplication.challenge_id == challenge_id)
            .order_by(ChallengeApplication.id)
        )
    )
    reviewers = [r for r in panel_history(session, challenge_id) if on_panel(r, day)]
    rids = [r.id for r in reviewers] or [-1]
    decls = {
        (d.reviewer_id, d.application_id): d
        for d in session.scalars(
            select(ChallengeDeclaration).where(ChallengeDeclaration.reviewer_id.in_(rids))
        )
    }
    scores = {
        (s.reviewer_id, s.application_id): s
        for s in session.scalars(select(ChallengeScore).where(ChallengeScore.reviewer_id.in_(rids)))
    }
    if day is not None:
        decls = {k: d for k, d in decls.items() if asof.at_or_before(d.declared_at, day)}
        scores = _scores_at(session, challenge_id, reviewers, scores, day)
    return apps, reviewers, decls, scores


def panel_history(session: Session, challenge_id: int) -> list[ChallengeReviewer]:
    """Every reviewer the challenge's panel ever had, removed ones included, in joining order."""
    return list(
        session.scalars(
            select(ChallengeReviewer)
            .where(ChallengeReviewer.challenge_id == challenge_id)
            .order_by(ChallengeReviewer.id)
        )
    )


def on_panel(reviewer: ChallengeReviewer, day: date | None = None) -> bool:
    """Was ``reviewer`` on the panel on ``day`` (by its end, in the city); without a day: now.
    A reviewer with no joining time (none was kept) was on it from the start."""
    if day is None:
        return reviewer.removed_at is None
    return asof.existed_at(reviewer.added_at, day) and not asof.at_or_before(
        reviewer.removed_at, day
    )


def left_panel(reviewer: ChallengeReviewer, day: date | None = None) -> bool:
    """Had ``reviewer`` been taken off the panel by ``day`` (without a day: by now)?"""
    if reviewer.removed_at is None:
        return False
    return day is None or asof.at_or_before(reviewer.removed_at, day)


def _scores_at(
    session: Session,
    challenge_id: int,
    reviewers: list[ChallengeReviewer],
    scores: dict[tuple[int, int], ChallengeScore],
    day: date,
) -> dict[tuple[int, int], ChallengeScore]:
    """The scores as they stood on ``day``.

    A score given later did not exist yet; a score changed later had its earlier value. A
    score row keeps only its latest value, so the earlier ones come from the history: each
    ``score`` step of the challenge (its time) is matched, in order, to the audit entry written
    with it (``challenge.score``: application and value). When the two do not match one to one
    (data loaded without the workflow) a later score is simply left out.
    """
    from gaodi.audit import loaders as audit_loaders

    late = {k: s for k, s in scores.items() if not asof.at_or_before(s.scored_at, day)}
    kept = {k: s for k, s in scores.items() if k not in late}
    if not late:
        return kept
    steps = [
        e for e in HISTORY.histories(session, [challenge_id])[challenge_id] if e.action == "score"
    ]
    entries = [
        (e.actor, e.after)
        for e in audit_loaders.entries(
            session, Challenge.__tablename__, [str(challenge_id)], ["challenge.score"]
        )
    ]
    if len(steps) != len(entries):
        return kept
    by_name = {r.username: r.id for r in reviewers if r.username}
    then: dict[tuple[int, int], float] = {}
    for step, (actor, after) in zip(steps, entries, strict=True):
        rid, aid = by_name.get(actor), (after or {}).get("application")
        if rid is not None and aid is not None and asof.at_or_before(step.at, day):
            then[(rid, int(aid))] = float((after or {})["score"])
    for key, row in late.items():
        if key in then:  # an earlier value, detached so the stored row is never changed
            kept[key] = ChallengeScore(
                reviewer_id=row.reviewer_id,
                application_id=row.application_id,
                score=then[key],
                comment=None,
                scored_at=row.scored_at,
            )
    return kept


def missing_reviews(
    session: Session, challenge_id: int, lang: str = "zh", day: date | None = None
) -> list[str]:
    """What the review still lacks, in ``lang`` (zh or en): "reviewer: no conflict-of-interest
    declaration / no score for application N"; with ``day``, what it lacked on that day (that
    day's panel, the applications submitted and the declarations and scores made by then)."""
    apps, reviewers, decls, scores = review_state(session, challenge_id, day)
    if day is not None:
        apps = [a for a in apps if asof.at_or_before(a.submitted_at, day)]
    en = lang == "en"
    out = []
    if not reviewers:
        out.append("no reviewers yet" if en else "尚未指定评审专家")
    for r in reviewers:
        for a in apps:
            d = decls.get((r.id, a.id))
            if d is None:
                out.append(
                    f"{r.name}: no conflict-of-interest declaration for application {a.id}"
                    if en
                    else f"{r.name}：申请 {a.id} 未作利益冲突声明"
                )
            elif not d.has_conflict and (r.id, a.id) not in scores:
                out.append(
                    f"{r.name}: no score for application {a.id}"
                    if en
                    else f"{r.name}：申请 {a.id} 未评分"
                )
    return out


def standings(
    session: Session, challenge_id: int, day: date | None = None
) -> list[tuple[int, float | None, int]]:
    """(application id, mean score or None, number of scores), best first; unscored last; as
    the scores stood on ``day`` when given."""
    apps, _reviewers, _decls, scores = review_state(session, challenge_id, day)
    by_app: dict[int, list[float]] = defaultdict(list)
    for (_rid, aid), s in scores.items():
        by_app[aid].append(s.score)
    rows = [
        (a.id, (sum(by_app[a.id]) / len(by_app[a.id])) if by_app[a.id] else None, len(by_app[a.id]))
        for a in apps
    ]
    return sorted(rows, key=lambda r: (r[1] is None, -(r[1] or 0.0), r[0]))


def award(
    session: Session,
    principal: Principal,
    challenge_id: int,
    application_id: int | None = None,
    reason: str | None = None,
) -> ChallengeApplication:
    """Award the challenge to the best-scored application, or to ``application_id`` with a
    reason when it is not the (sole) best."""
    challenge, t = _authorize(session, principal, challenge_id, "award", reason)
    missing = missing_reviews(session, challenge.id)
    if missing:
        more = "等" if len(missing) > 5 else ""
        missing_en = missing_reviews(session, challenge.id, "en")
        raise ConflictError(
            f"评审尚未完成（缺 {len(missing)} 项），不能确定揭榜方："
            f"{'；'.join(missing[:5])}{more}。"
            "如有评审专家无法完成评审，可将其移出评审组（须说明理由）。",
            f"The review is incomplete ({len(missing)} item(s) missing); cannot award yet: "
            f"{'; '.join(missing_en[:5])}{', …' if len(missing) > 5 else ''}. A reviewer who "
            "cannot finish may be removed from the panel (with a reason).",
            missing=missing,
        )
    ranked = [r for r in standings(session, challenge.id) if r[1] is not None]
    if not ranked:
        raise ConflictError("没有任何已评分的申请。", "No application has been scored.")
    best_score = ranked[0][1]
    best = [r[0] for r in ranked if r[1] == best_score]
    if application_id is None:
        if len(best) > 1:
            raise ConflictError(
                f"申请 {'、'.join(map(str, best))} 并列最高分，请指定揭榜方并说明理由。",
                f"Applications {', '.join(map(str, best))} tie for the best score; choose one "
                "and give a reason.",
            )
        chosen = best[0]
    else:
        chosen = application_id
        _application(session, challenge, chosen)
        if (chosen not in best or len(best) > 1) and not has_visible(reason):
            raise ValidationError(
                "所选申请不是唯一最高分，须说明理由。",
                "The chosen application is not the sole best-scored one: give a reason.",
            )
    apps = session.scalars(
        select(ChallengeApplication).where(ChallengeApplication.challenge_id == challenge.id)
    ).all()
    winner = None
    for a in apps:
        a.status = "awarded" if a.id == chosen else "not_awarded"
        if a.id == chosen:
            winner = a
    assert winner is not None
    challenge.award_reason = reason
    HISTORY.fire(
        session, principal, challenge, t, reason, details={"application": chosen, "best": best}
    )
    return winner


def add_milestone(
    session: Session,
    principal: Principal,
    challenge_id: int,
    title: str,
    due_on: date,
    note: str | None = None,
) -> ChallengeMilestone:
    challenge, t = _authorize(session, principal, challenge_id, "add_milestone", None)
    if not has_visible(title):
        raise ValidationError("请填写节点名称。", "A milestone needs a title.")
    if challenge.published_on and due_on < challenge.published_on:
        raise ValidationError(
            f"节点截止日期（{due_on}）早于发榜日期（{challenge.published_on}）。",
            f"The due date ({due_on}) is before publication ({challenge.published_on}).",
        )
    # the same milestone twice (a form sent again, two office staff at once) would be work
    # that only completing every copy clears before 验收通过: refused, naming the one on record
    # (the write lock of web requests makes this check and the insert one step)
    key = name_key(title)
    for other in session.scalars(
        select(ChallengeMilestone).where(
            ChallengeMilestone.challenge_id == challenge.id, ChallengeMilestone.due_on == due_on
        )
    ):
        if name_key(other.title) == key:
            raise ConflictError(
                f"攻关节点“{other.title}”（计划完成 {other.due_on}）已设置（节点 {other.id}），"
                "未重复添加。",
                f"The milestone '{other.title}' (due {other.due_on}) is already set "
                f"(milestone {other.id}); it was not added again.",
            )
    n = _count(session, ChallengeMilestone, challenge.id)
    m = ChallengeMilestone(
        challenge_id=challenge.id, title=title.strip(), due_on=due_on, note=note, sort_order=n
    )
    session.add(m)
    session.flush()
    HISTORY.fire(
        session,
        principal,
        challenge,
        t,
        title,
        details={"milestone": m.id, "due_on": due_on.isoformat()},
    )
    return m


def start(
    session: Session, principal: Principal, challenge_id: int, comment: str | None = None
) -> Challenge:
    challenge, t = _authorize(session, principal, challenge_id, "start", comment)
    if _count(session, ChallengeMilestone, challenge.id) == 0:
        raise ConflictError(
            "请先设置至少一个攻关节点。", "Set at least one milestone before starting the work."
        )
    HISTORY.fire(session, principal, challenge, t, comment)
    return challenge


def _work_started_on(session: Session, challenge: Challenge) -> date | None:
    """The day the work started (the last 启动攻关 step), else the award's, else publication."""
    events = HISTORY.histories(session, [challenge.id])[challenge.id]
    for action in ("start", "award"):
        found = [e for e in events if e.action == action]
        if found:
            return clock.local_date(found[-1].at)
    return challenge.published_on


def complete_milestone(
    session: Session,
    principal: Principal,
    challenge_id: int,
    milestone_id: int,
    done_on: date,
    note: str | None = None,
) -> ChallengeMilestone:
    challenge, t = _authorize(session, principal, challenge_id, "complete_milestone", None)
    m = session.get(ChallengeMilestone, milestone_id)
    if m is None or m.challenge_id != challenge.id:
        raise ValidationError(
            f"节点 {milestone_id} 不属于榜单 {challenge.id}。",
            f"Milestone {milestone_id} does not belong to challenge {challenge.id}.",
        )
    if m.done_on is not None:
        raise ConflictError(
            f"节点“{m.title}”已于 {m.done_on} 完成。",
            f"Milestone '{m.title}' was done on {m.done_on}.",
        )
    common.not_future(done_on, "完成日期", "The completion date")
    begun = _work_started_on(session, challenge)
    if begun is not None and done_on < begun:
        raise ValidationError(
            f"完成日期（{done_on}）早于攻关启动日期（{begun}）：节点不能在攻关启动前完成。",
            f"The completion date ({done_on}) is before the work started ({begun}): a "
            "milestone cannot be done before the work began.",
            field="on",
        )
    m.done_on = done_on
    if note:
        m.note = note
    HISTORY.fire(
        session,
        principal,
        challenge,
        t,
        note,
        details={"milestone": m.id, "done_on": done_on.isoformat()},
    )
    return m


def accept(
    session: Session, principal: Principal, challenge_id: int, comment: str | None = None
) -> Challenge:
    challenge, t = _authorize(session, principal, challenge_id, "accept", comment)
    open_ = session.scalars(
        select(ChallengeMilestone).where(
            ChallengeMilestone.challenge_id == challenge.id, ChallengeMilestone.done_on.is_(None)
        )
    ).all()
    if open_:
        raise ConflictError(
            f"尚有 {len(open_)} 个攻关节点未完成，不能验收通过。",
            f"{len(open_)} milestone(s) are not done: the work cannot be accepted.",
        )
    HISTORY.fire(session, principal, challenge, t, comment)
    return challenge


def fail(session: Session, principal: Principal, challenge_id: int, comment: str) -> Challenge:
    challenge, t = _authorize(session, principal, challenge_id, "fail", comment)
    HISTORY.fire(session, principal, challenge, t, comment)
    return challenge


def cancel(session: Session, principal: Principal, challenge_id: int, comment: str) -> Challenge:
    challenge, t = _authorize(session, principal, challenge_id, "cancel", comment)
    HISTORY.fire(session, principal, challenge, t, comment)
    return challenge
