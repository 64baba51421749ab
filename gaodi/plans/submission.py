"""The data-submission cycle: who owes which figure by when, and its review.

Each series an adopted plan follows (an indicator at a scope: the city, a park, a chain) is
owed by its owner — the indicator's department for city figures, the park's or chain's office
for theirs — once per period of the indicator's frequency, by the ``deadline_day`` of the month
after the period. Each period moves through a small state machine (data, below)::

    expected --submit--> submitted --approve--> approved (locked) --unlock (admin)--> returned
                          submitted --return---> returned --submit--> submitted (new revision)

A period with no :class:`~gaodi.plans.models.Submission` row is *expected*, or takes the
status of its latest observation (data from imports or the demo builder). Every transition
writes a :class:`SubmissionEvent`, an audit entry, and keeps the observation's status in step.
An illegal transition raises :class:`ConflictError` and changes nothing. Deadlines and overdue
flags ask :mod:`gaodi.core.clock` (the city's today), which tests freeze.

The lists can be read as of a past day (``as_of``): the periods owed by then, each period's
status rebuilt from its history (:mod:`gaodi.core.asof`): the last transition by the end of the
day, else the latest value reported by then, else *expected*.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from gaodi.audit import service as audit
from gaodi.core import asof, clock
from gaodi.core.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from gaodi.core.periods import month_index, month_of, parse_period
from gaodi.core.permissions import Principal, can, require, restrict
from gaodi.core.text_safety import MAX_REASON, has_visible, too_long
from gaodi.core.units import unit_words
from gaodi.core.workflow import Machine, State, Transition
from gaodi.plans.models import (
    Indicator,
    Observation,
    Plan,
    Submission,
    SubmissionEvent,
    Target,
)
from gaodi.plans.outputs import obs_out
from gaodi.plans.schemas import (
    Completeness,
    CompletenessCell,
    OwnerTasks,
    SubmissionDetail,
    SubmissionEventOut,
    SubmissionRow,
    Tasks,
)

STATUSES = ("expected", "submitted", "approved", "returned")


#: The cycle as a core :class:`~gaodi.core.workflow.Machine` (states, transitions, labels as
#: data). Its actors are what the principal holds for the period's scope: ``submitter`` (the
#: plan domain's ``submit`` permission), ``reviewer`` (``approve``), ``admin``. The authorisation
#: itself stays in :func:`check_transition`: it asks :func:`~gaodi.core.permissions.can` on the
#: period's observation and refuses approving one's own figure, which the generic
#: ``Machine.authorize`` (actors relative to an object's office) does not know; its messages
#: name the period.
SUBMISSION = Machine(
    kind="submission",
    kind_zh="报送",
    states=(
        State("expected", "待报送", "expected"),
        State("submitted", "已报送待审核", "submitted"),
        State("approved", "已审核（锁定）", "approved (locked)"),
        State("returned", "已退回", "returned"),
    ),
    transitions=(
        Transition(
            "submit",
            ("expected", "submitted", "returned"),
            "submitted",
            ("submitter",),
            "报送",
            "submit",
        ),
        Transition("approve", ("submitted",), "approved", ("reviewer",), "审核通过", "approve"),
        Transition(
            "return",
            ("submitted",),
            "returned",
            ("reviewer",),
            "退回",
            "return",
            needs_comment=True,
        ),
        Transition(
            "unlock", ("approved",), "returned", ("admin",), "解锁", "unlock", needs_comment=True
        ),
    ),
)
#: actor -> the plan-domain permission it stands for
ACTOR_PERMISSION = {"submitter": "submit", "reviewer": "approve"}
TRANSITIONS: dict[str, Transition] = {t.name: t for t in SUBMISSION.transitions}
PAST = {"submit": "submitted", "approve": "approved", "return": "returned", "unlock": "unlocked"}
STATUS_CHOICES = SUBMISSION.labels
STATUS_LABELS = STATUS_CHOICES.as_dict()  # code -> (zh, en), as readers of this module expect


# ---------------------------------------------------------------------------- keys and dates
@dataclass(frozen=True)
class Key:
    indicator_id: int
    scope: str
    scope_id: int
    period: str

    def __str__(self) -> str:
        return f"{self.indicator_id}:{self.scope}:{self.scope_id}:{self.period}"

    @property
    def series(self) -> str:
        return f"{self.indicator_id}|{self.scope}|{self.scope_id}"


def parse_key(text: str) -> Key:
    try:
        ind, scope, scope_id, period = text.split(":")
        key = Key(int(ind), scope, int(scope_id), str(parse_period(period)))
    except (ValueError, ValidationError):
        raise ValidationError(
            f"无效的报送编号“{text}”（应为 指标:范围:范围编号:期间）。",
            f"Invalid submission key {text!r} (expected indicator:scope:scope_id:period).",
        ) from None
    if key.scope not in ("city", "chain", "park"):
        raise ValidationError(f"未知范围“{key.scope}”。", f"Unknown scope {key.scope!r}.")
    return key


@lru_cache(maxsize=4096)
def due_date(period: str, deadline_day: int) -> date:
    """The deadline: day ``deadline_day`` of the month after the period (clamped to the
    month's length).

    >>> due_date("2023-06", 5), due_date("2023-Q4", 10), due_date("2023", 31)
    (datetime.date(2023, 7, 5), datetime.date(2024, 1, 10), datetime.date(2024, 1, 31))
    """
    year, month = month_of(parse_period(period).last_month + 1)
    return date(year, month, min(max(deadline_day, 1), calendar.monthrange(year, month)[1]))


def expected_periods(
    frequency: str, first_year: int, last_year: int, today: date, skip_january: bool
) -> list[str]:
    """Periods owed by ``today``: those of the frequency in ``[first_year, last_year]`` that
    have ended. Running totals and their growth skip January (1–2月 are reported together).

    >>> expected_periods("monthly", 2023, 2023, date(2023, 4, 2), True)
    ['2023-02', '2023-03']
    >>> expected_periods("quarterly", 2023, 2023, date(2023, 7, 1), False)
    ['2023-Q1', '2023-Q2']
    """
    current = month_index(today.year, today.month)
    out: list[str] = []
    for year in range(first_year, last_year + 1):
        if frequency == "yearly":
            candidates = [(str(year), 12)]
        elif frequency == "quarterly":
            candidates = [(f"{year}-Q{q}", 3 * q) for q in range(1, 5)]
        else:
            candidates = [(f"{year}-{m:02d}", m) for m in range(2 if skip_january else 1, 13)]
        out += [p for p, last in candidates if month_index(year, last) < current]
    return out


# ---------------------------------------------------------------------------- duties
@dataclass(frozen=True)
class Duty:
    indicator: Indicator
    scope: str
    scope_id: int
    owner: str
    first_year: int
    last_year: int

    @property
    def series(self) -> str:
        return f"{self.indicator.id}|{self.scope}|{self.scope_id}"

    @property
    def skip_january(self) -> bool:
        return self.indicator.frequency == "monthly" and (
            self.indicator.aggregation == "cumulative" or self.indicator.kind == "growth"
        )


def _scope_names(session: Session, scope: str, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    if scope == "park":
        from gaodi.parks import loaders as park_loaders

        return {pid: f"{name}管委会" for pid, name in park_loaders.names(session, ids).items()}
    from gaodi.chains import loaders as chain_loaders

    return {
        cid: office or f"{name}链办"
        for cid, (name, office) in chain_loaders.names_and_offices(session, ids).items()
    }


def scope_words(scope: str, scope_id: int) -> tuple[str, str]:
    """A scope the user may not report for, in words (zh, en). A park or chain outside the
    user's scope is named by its number, never its name: the refusal must read the same
    whether or not such a park or chain exists (an office learns nothing outside its own)."""
    if scope == "city":
        return "全市", "the city"
    zh, en = ("园区", "park") if scope == "park" else ("产业链", "chain")
    return f"{zh}（编号 {scope_id}）", f"{en} no. {scope_id}"


def duties(session: Session, principal: Principal) -> list[Duty]:
    """The series owed under adopted plans, limited to what the principal may see."""
    rows = session.execute(
        select(Target, Plan.period_start, Plan.period_end)
        .join(Plan, Plan.id == Target.plan_id)
        .where(Plan.status == "adopted", Target.indicator_id.is_not(None))
        .where(Target.scope.in_(["city", "chain", "park"]))
    ).all()
    spans: dict[tuple[int, str, int], tuple[int, int]] = {}
    for target, start, end in rows:
        if target.indicator_id is None:  # refused by the query; for the type checker
            continue
        key = (target.indicator_id, target.scope, target.scope_id)
        lo, hi = spans.get(key, (start, end))
        spans[key] = (min(lo, start), max(hi, end, target.year))
    indicators = {
        i.id: i
        for i in session.scalars(select(Indicator).where(Indicator.id.in_({k[0] for k in spans})))
    }
    names = {
        scope: _scope_names(session, scope, {k[2] for k in spans if k[1] == scope})
        for scope in ("park", "chain")
    }
    out: list[Duty] = []
    for (ind_id, scope, scope_id), (lo, hi) in sorted(spans.items()):
        if not can(principal, "read", Submission(scope=scope, scope_id=scope_id)):
            continue
        ind = indicators[ind_id]
        if scope == "city":
            owner = ind.owner or "未指定 (no owner)"
        else:
            owner = names[scope].get(scope_id, f"{scope} #{scope_id}")
        out.append(Duty(ind, scope, scope_id, owner, lo, hi))
    return out


# ---------------------------------------------------------------------------- state
@dataclass
class _State:
    status: str
    row: Submission | None
    latest: Observation | None


@dataclass(frozen=True)
class SubmissionAt:
    """A submission row as it stood on a past day (what :func:`_row` reads of it)."""

    status: str
    locked: bool
    submitted_by: str | None
    submitted_at: datetime | None
    reviewed_by: str | None
    review_comment: str | None


def _sub_at(sub: Submission, events: list[Any], obs: Observation | None, day: date) -> Any:
    """``sub`` on ``day``: its last transition by then; before its first one, the status the
    period had then (the first event's source when a value had been reported by then, else
    *expected*)."""
    if not events or asof.at_or_before(events[-1].at, day):
        return sub
    seen = asof.history_at(events, day)
    if not seen:
        before = events[0].from_status if obs is not None else None
        status = before if before in STATUSES else "expected"
        return SubmissionAt(
            status=status,
            locked=status == "approved",
            submitted_by=obs.submitted_by if obs else None,
            submitted_at=obs.submitted_at if obs else None,
            reviewed_by=None,
            review_comment=None,
        )
    status = seen[-1].to_status or "expected"
    submit = next((e for e in reversed(seen) if e.action == "submit"), None)
    review = next((e for e in reversed(seen) if e.action != "submit"), None)
    return SubmissionAt(
        status=status,
        locked=status == "approved",
        submitted_by=submit.actor if submit else (obs.submitted_by if obs else None),
        submitted_at=submit.at if submit else (obs.submitted_at if obs else None),
        reviewed_by=review.actor if review else None,
        review_comment=review.comment if review else None,
    )


def _states(
    session: Session, principal: Principal, indicator_ids: set[int], day: date | None = None
) -> tuple[dict[str, Any], dict[str, Observation]]:
    """Each period's submission row and latest value; on ``day`` when given (the rows then,
    the values reported by its end)."""
    subs: dict[str, Any] = {
        str(Key(s.indicator_id, s.scope, s.scope_id, s.period)): s
        for s in session.scalars(
            restrict(select(Submission), principal).where(
                Submission.indicator_id.in_(indicator_ids)
            )
        )
    }
    obs_query = restrict(select(Observation), principal).where(
        Observation.indicator_id.in_(indicator_ids)
    )
    if day is not None:
        obs_query = obs_query.where(Observation.submitted_at <= clock.end_of_day(day))
    latest: dict[str, Observation] = {}
    for o in session.scalars(obs_query):
        k = str(Key(o.indicator_id, o.scope, o.scope_id, o.period))
        seen = latest.get(k)
        if seen is None or (o.revision, o.id) > (seen.revision, seen.id):
            latest[k] = o
    if day is not None:
        events: dict[int, list[SubmissionEvent]] = defaultdict(list)
        ids = [s.id for s in subs.values()]
        for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
            for e in session.scalars(
                select(SubmissionEvent)
                .where(SubmissionEvent.submission_id.in_(chunk))
                .order_by(SubmissionEvent.at, SubmissionEvent.id)
            ):
                events[e.submission_id].append(e)
        subs = {k: _sub_at(s, events[s.id], latest.get(k), day) for k, s in subs.items()}
    return subs, latest


def _status(sub: Submission | SubmissionAt | None, obs: Observation | None) -> str:
    if sub is not None:
        return sub.status
    if obs is not None and obs.status in STATUSES:
        return obs.status
    return "expected"


def _row(
    duty: Duty,
    period: str,
    sub: Submission | SubmissionAt | None,
    obs: Observation | None,
    today: date,
) -> SubmissionRow:
    status = _status(sub, obs)
    due = due_date(period, duty.indicator.deadline_day)
    submitted_at = (
        sub.submitted_at if sub and sub.submitted_at else (obs.submitted_at if obs else None)
    )
    late = submitted_at is not None and clock.local_date(submitted_at) > due
    return SubmissionRow(
        key=str(Key(duty.indicator.id, duty.scope, duty.scope_id, period)),
        indicator_id=duty.indicator.id,
        indicator_code=duty.indicator.code,
        indicator_name=duty.indicator.name,
        unit=duty.indicator.unit,
        owner=duty.owner,
        scope=duty.scope,
        scope_id=duty.scope_id,
        period=period,
        due=due.isoformat(),
        status=status,  # type: ignore[arg-type]
        overdue=status in ("expected", "returned") and today > due,
        late=late and status != "expected",
        locked=bool(sub.locked) if sub else status == "approved",
        value=obs.value if obs else None,
        revision=obs.revision if obs else 0,
        submitted_by=(
            sub.submitted_by if sub and sub.submitted_by else (obs.submitted_by if obs else None)
        ),
        submitted_at=submitted_at,
        reviewed_by=sub.reviewed_by if sub else None,
        review_comment=sub.review_comment if sub else None,
    )


def submission_rows(
    session: Session,
    principal: Principal,
    *,
    owner: str | None = None,
    year: int | None = None,
    as_of: date | None = None,
) -> list[SubmissionRow]:
    """Every owed (series, period) up to ``as_of`` (default: the city's today), with its
    status then and its overdue flag judged on that day."""
    require(principal, "read", "plan")
    today = as_of or clock.today()
    found = [d for d in duties(session, principal) if owner is None or d.owner == owner]
    subs, latest = _states(session, principal, {d.indicator.id for d in found}, as_of)
    out: list[SubmissionRow] = []
    for duty in found:
        first = duty.first_year if year is None else max(duty.first_year, year)
        last = duty.last_year if year is None else min(duty.last_year, year)
        for period in expected_periods(
            duty.indicator.frequency, first, last, today, duty.skip_january
        ):
            k = str(Key(duty.indicator.id, duty.scope, duty.scope_id, period))
            out.append(_row(duty, period, subs.get(k), latest.get(k), today))
    return out


def tasks(
    session: Session, principal: Principal, owner: str | None = None, as_of: date | None = None
) -> Tasks:
    """Open items per owner (expected or returned: what to report, overdue first) and, for
    approvers, the submissions waiting for review; on ``as_of`` (default: the city's today)."""
    today = as_of or clock.today()
    rows = submission_rows(session, principal, owner=owner, as_of=as_of)
    by_owner: dict[str, list[SubmissionRow]] = defaultdict(list)
    for r in rows:
        if r.status in ("expected", "returned"):
            by_owner[r.owner].append(r)
    owners = [
        OwnerTasks(
            owner=name,
            rows=sorted(items, key=lambda r: (not r.overdue, r.due, r.indicator_code)),
            overdue=sum(r.overdue for r in items),
        )
        for name, items in sorted(by_owner.items())
    ]
    from gaodi.core.permissions import allowed

    review = (
        [r for r in rows if r.status == "submitted"]
        if allowed(principal, "approve", "plan")
        else []
    )
    return Tasks(
        today=today.isoformat(),
        owners=owners,
        to_review=sorted(review, key=lambda r: (r.due, r.indicator_code)),
    )


def completeness(session: Session, principal: Principal, year: int | None = None) -> Completeness:
    """Who has submitted what: counts per owner and period (expected/submitted/approved/
    returned, and how many are overdue). ``year`` defaults to the latest year with duties."""
    rows = submission_rows(session, principal)
    if year is None and rows:
        year = max(parse_period(r.period).year for r in rows)
    rows = [r for r in rows if year is None or parse_period(r.period).year == year]
    periods = sorted({r.period for r in rows}, key=lambda p: (parse_period(p).last_month, -len(p)))
    owners = sorted({r.owner for r in rows})
    cells: dict[str, dict[str, CompletenessCell]] = {o: {} for o in owners}
    for r in rows:
        cell = cells[r.owner].setdefault(
            r.period, CompletenessCell(expected=0, submitted=0, approved=0, returned=0, overdue=0)
        )
        setattr(cell, r.status, getattr(cell, r.status) + 1)
        cell.overdue += int(r.overdue)
    return Completeness(
        today=clock.today().isoformat(), periods=periods, owners=owners, cells=cells
    )


# ---------------------------------------------------------------------------- transitions
def _indicator(session: Session, principal: Principal, indicator_id: int) -> Indicator:
    ind = session.scalars(
        restrict(select(Indicator).where(Indicator.id == indicator_id), principal)
    ).one_or_none()
    if ind is None:
        raise NotFoundError(f"没有编号为 {indicator_id} 的指标。", f"No indicator {indicator_id}.")
    return ind


def _latest_obs(session: Session, key: Key) -> Observation | None:
    return session.scalars(
        select(Observation)
        .where(
            Observation.indicator_id == key.indicator_id,
            Observation.scope == key.scope,
            Observation.scope_id == key.scope_id,
            Observation.period == key.period,
        )
        .order_by(Observation.revision.desc(), Observation.id.desc())
        .limit(1)
    ).first()


def current_state(session: Session, key: Key) -> tuple[str, Submission | None, Observation | None]:
    sub = session.scalars(
        select(Submission).where(
            Submission.indicator_id == key.indicator_id,
            Submission.scope == key.scope,
            Submission.scope_id == key.scope_id,
            Submission.period == key.period,
        )
    ).one_or_none()
    obs = _latest_obs(session, key)
    return _status(sub, obs), sub, obs


def check_transition(
    session: Session,
    principal: Principal,
    key: Key,
    name: str,
    comment: str | None,
    revision: int | None = None,
    *,
    revision_required: bool = False,
) -> tuple[Transition, str, Submission | None, Observation | None]:
    """Authorise ``name`` on ``key`` and check it is legal now; raises, changing nothing.

    ``revision``: the revision of the value the reviewer was shown. A review decides on a
    figure, so approving or returning while a newer revision has arrived since is refused
    (409): the reviewer must look at the new figure first. ``revision_required``: a review
    that names no revision is refused (the web form and the JSON API, where a page may have
    been open for a while)."""
    t = TRANSITIONS.get(name)
    if t is None:
        raise ValidationError(f"未知操作“{name}”。", f"Unknown transition {name!r}.")
    admin_only = t.actors == ("admin",)
    if admin_only and not principal.is_admin:
        raise PermissionDenied(
            f"只有管理员可以{t.zh}已审核的数据。",
            f"Only an administrator may {t.en} approved data.",
        )
    permission = "admin" if admin_only else ACTOR_PERMISSION[t.actors[0]]
    if not admin_only:
        require(principal, permission, "plan")
    _indicator(session, principal, key.indicator_id)
    if not can(principal, permission, Observation(scope=key.scope, scope_id=key.scope_id)):
        raise PermissionDenied(
            f"无权对{scope_words(key.scope, key.scope_id)[0]}的数据执行“{t.zh}”。",
            f"You may not {t.en} figures of {scope_words(key.scope, key.scope_id)[1]}.",
        )
    status, sub, obs = current_state(session, key)
    if status not in t.sources:
        if name in REVIEWS and sub is not None:
            decided = _decided(session, key, t, status, sub, principal)
            if decided is not None:
                raise decided
        raise illegal(key, t, status, principal)
    if t.needs_comment and not has_visible(comment):
        raise ValidationError(
            f"“{t.zh}”须填写理由。", f"A reason is required to {t.en}.", field="comment"
        )
    # the comment is printed on the submission's page and in its history: a paragraph or two,
    # the one limit of every reason (a 100,000-character comment made a 300 KB page)
    long = too_long(comment, MAX_REASON)
    if long is not None:
        raise ValidationError(*long, field="comment")
    if name in REVIEWS:
        _check_seen(session, key, t, obs, revision, revision_required)
    own = obs is not None and obs.submitted_by == principal.username
    if name == "approve" and not principal.is_admin and own:
        raise PermissionDenied(
            "不能审核自己报送的数据（须由他人审核）。",
            "You cannot approve your own submission: another person must review it.",
        )
    return t, status, sub, obs


#: the transitions that decide on a figure: they name the revision the reviewer saw
REVIEWS = ("approve", "return")


def _decided(
    session: Session,
    key: Key,
    t: Transition,
    status: str,
    sub: Submission,
    principal: Principal,
) -> ConflictError | None:
    """The refusal of a review of a figure someone has decided on since the page was shown (two
    reviewers at once, a double-click): who took which step, and when, then what is allowed now.
    Writes are serialised, so the later request reads the earlier one's step here; without this
    it was only told the state, and the two reviewers were each told that they had decided."""
    last = session.scalars(
        select(SubmissionEvent)
        .where(SubmissionEvent.submission_id == sub.id)
        .order_by(SubmissionEvent.id.desc())
        .limit(1)
    ).first()
    if last is None or last.action == "submit" or last.action not in TRANSITIONS:
        return None
    done = TRANSITIONS[last.action]
    when = clock.local(last.at).strftime("%Y-%m-%d %H:%M")
    now = illegal(key, t, status, principal)
    return ConflictError(
        f"该报送已被 {last.actor} {done.zh}（{when}）。{now.zh}",
        f"This submission was already {PAST[done.name]} by {last.actor} ({when}). {now.en}",
        status=status,
        actor=last.actor,
        action=last.action,
    )


def _figure(value: float) -> str:
    """A value as the submission page prints it: thousands separated, no trailing zeros."""
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _check_seen(
    session: Session,
    key: Key,
    t: Transition,
    obs: Observation | None,
    revision: int | None,
    required: bool,
) -> None:
    """Refuse a review of a revision other than the current one (or of none, when required)."""
    if revision is None:
        if required:
            raise ValidationError(
                f"“{t.zh}”须注明所审核的版次（页面上显示的版次）。",
                f"To {t.en}, name the revision you reviewed (the one the page shows).",
                field="revision",
            )
        return
    current = obs.revision if obs is not None else 0
    if revision == current:
        return
    unit = ""
    if obs is not None:
        ind = session.get(Indicator, key.indicator_id)
        unit = ind.unit if ind is not None else ""
    value = _figure(obs.value) if obs is not None else "—"
    raise ConflictError(
        f"你审核的是第 {revision} 版，数值已被更新为第 {current} 版（{value} {unit}），"
        f"请重新审核后再“{t.zh}”。",
        f"You reviewed revision {revision}, but the value has since been updated to revision "
        f"{current} ({value} {unit_words(unit, 'en')}): review it again before you {t.en} it.",
        status="stale",
        revision=current,
    )


def _may(principal: Principal, key: Key, t: Transition) -> bool:
    """Whether ``principal`` holds the right transition ``t`` needs on ``key``'s figures (the
    test :func:`check_transition` makes, without the database)."""
    if t.actors == ("admin",):
        return principal.is_admin
    permission = ACTOR_PERMISSION[t.actors[0]]
    return can(principal, permission, Observation(scope=key.scope, scope_id=key.scope_id))


def illegal(
    key: Key, t: Transition, status: str, principal: Principal | None = None
) -> ConflictError:
    """The refusal of transition ``t`` on ``key`` from ``status``, with what is allowed now
    (to ``principal`` when given: a reviewer is not offered the administrator's unlock)."""
    every = SUBMISSION.allowed_from(status)
    allowed = every if principal is None else [x for x in every if _may(principal, key, x)]
    # what only others may do is still the way forward (an approved figure: ask for an unlock)
    others = [x for x in every if x not in allowed]

    def by_admin(x: Transition) -> bool:
        return x.actors == ("admin",)

    zh_others = "".join(
        f"；“{x.zh}”须由{'管理员' if by_admin(x) else '有权限的用户'}执行" for x in others
    )
    en_others = "".join(
        f"; “{x.en}” is for {'an administrator' if by_admin(x) else 'a user with that right'}"
        for x in others
    )
    return ConflictError(
        f"{key.period} 的报送当前为“{STATUS_CHOICES.label(status)}”，不能“{t.zh}”"
        f"（可执行：{'、'.join(x.zh for x in allowed) or '无'}{zh_others}）。",
        f"The {key.period} submission is {STATUS_CHOICES.label(status, 'en')}: it cannot be "
        f"{PAST[t.name]} (allowed: {', '.join(x.en for x in allowed) or 'none'}{en_others}).",
        status=status,
    )


def apply_transition(
    session: Session,
    principal: Principal,
    key: Key,
    t: Transition,
    status: str,
    sub: Submission | None,
    obs: Observation | None,
    comment: str | None,
) -> Submission:
    """Write the transition (after :func:`check_transition`)."""
    now = clock.now()
    if sub is None:
        sub = Submission(
            indicator_id=key.indicator_id,
            scope=key.scope,
            scope_id=key.scope_id,
            period=key.period,
            status=status,
            revision=obs.revision if obs else 0,
            submitted_by=obs.submitted_by if obs else None,
            submitted_at=obs.submitted_at if obs else None,
            locked=status == "approved",
        )
        session.add(sub)
    target = t.target
    assert target is not None  # every submission transition moves the period's state
    sub.status = target
    if t.name == "submit":
        assert obs is not None
        sub.revision = obs.revision
        sub.submitted_by = principal.username
        sub.submitted_at = now
        sub.locked = False
    elif t.name == "approve":
        sub.reviewed_by, sub.reviewed_at, sub.locked = principal.username, now, True
        sub.review_comment = comment or sub.review_comment
    else:  # return / unlock
        sub.reviewed_by, sub.reviewed_at, sub.locked = principal.username, now, False
        sub.review_comment = comment
    # the state and the lock are written together, every time, even a column that keeps the
    # value it was read with: an UPDATE of only what changed left "returned" beside another
    # request's locked=1 (a returned figure shown locked)
    flag_modified(sub, "status")
    flag_modified(sub, "locked")
    if obs is not None:
        obs.status = target
    session.flush()
    session.add(
        SubmissionEvent(
            submission_id=sub.id,
            at=now,
            actor=principal.username,
            action=t.name,
            from_status=status,
            to_status=target,
            revision=obs.revision if obs else 0,
            comment=comment,
        )
    )
    audit.record(
        session,
        "submission",
        t.name,
        entity_id=str(key),
        before={"status": status},
        after={"status": target, "revision": obs.revision if obs else 0},
        note=comment,
        actor=principal.username,
    )
    session.flush()
    return sub


def transition(
    session: Session,
    principal: Principal,
    key: str | Key,
    name: str,
    comment: str | None = None,
    revision: int | None = None,
    *,
    revision_required: bool = False,
) -> SubmissionRow:
    """Approve, return or unlock a submission (``submit`` happens through
    :func:`gaodi.plans.intake.add_observation`, which writes the value first). ``revision``:
    the revision the reviewer saw (see :func:`check_transition`)."""
    k = parse_key(key) if isinstance(key, str) else key
    if name == "submit":
        raise ValidationError(
            "报送须同时提交数值（使用填报功能）。", "Submitting needs a value: use data entry."
        )
    t, status, sub, obs = check_transition(
        session, principal, k, name, comment, revision, revision_required=revision_required
    )
    apply_transition(session, principal, k, t, status, sub, obs, comment)
    return detail(session, principal, str(k)).row


def approve(
    session: Session,
    principal: Principal,
    key: str,
    comment: str | None = None,
    revision: int | None = None,
) -> SubmissionRow:
    return transition(session, principal, key, "approve", comment, revision)


def return_submission(
    session: Session, principal: Principal, key: str, comment: str, revision: int | None = None
) -> SubmissionRow:
    return transition(session, principal, key, "return", comment, revision)


def unlock(session: Session, principal: Principal, key: str, reason: str) -> SubmissionRow:
    return transition(session, principal, key, "unlock", reason)


def detail(session: Session, principal: Principal, key: str) -> SubmissionDetail:
    """One submission: its row, its events, every revision of the value, and the checks the
    latest value passes or fails now."""
    # intake imports this module at load time (keys, transitions): bind late
    from gaodi.plans.intake import check_value

    k = parse_key(key)
    ind = _indicator(session, principal, k.indicator_id)
    if not can(principal, "read", Submission(scope=k.scope, scope_id=k.scope_id)):
        raise NotFoundError("没有这条报送记录。", "No such submission.")
    _, sub, obs = current_state(session, k)
    owner = ind.owner or "未指定 (no owner)"
    if k.scope != "city":
        owner = _scope_names(session, k.scope, {k.scope_id}).get(k.scope_id, owner)
    duty = Duty(ind, k.scope, k.scope_id, owner, 0, 0)
    row = _row(duty, k.period, sub, obs, clock.today())
    events = []
    if sub is not None:
        events = [
            SubmissionEventOut(
                at=e.at,
                actor=e.actor,
                action=e.action,
                from_status=e.from_status,
                to_status=e.to_status,
                revision=e.revision,
                comment=e.comment,
            )
            for e in session.scalars(
                select(SubmissionEvent)
                .where(SubmissionEvent.submission_id == sub.id)
                .order_by(SubmissionEvent.id)
            )
        ]
    history = session.scalars(
        restrict(select(Observation), principal)
        .where(
            Observation.indicator_id == k.indicator_id,
            Observation.scope == k.scope,
            Observation.scope_id == k.scope_id,
            Observation.period == k.period,
        )
        .order_by(Observation.kind, Observation.revision.desc())
    ).all()
    checks = (
        check_value(
            session, ind, k.scope, k.scope_id, k.period, obs.value, obs.kind, exclude_id=obs.id
        )
        if obs is not None
        else []
    )
    return SubmissionDetail(
        row=row,
        events=events,
        observations=[obs_out(o, ind.code) for o in history],
        checks=checks,
    )


# ---------------------------------------------------------------------------- the board's flags
def _status_on(sub: Submission, events: list[Any], reported: bool, day: date) -> str:
    """The status :func:`_sub_at` gives ``sub`` on ``day`` (``reported``: a value of its period
    had been reported by the end of ``day``)."""
    if not events or asof.at_or_before(events[-1].at, day):
        return sub.status
    seen = asof.history_at(events, day)
    if not seen:
        before = events[0].from_status if reported else None
        return before if before in STATUSES else "expected"
    return seen[-1].to_status or "expected"


def overdue_from(
    session: Session,
    principal: Principal,
    indicator_ids: set[int],
    reported: dict[tuple[int, str, int, str], str],
    as_of: date | None = None,
) -> dict[str, list[str]]:
    """Series key (``indicator|scope|scope_id``) -> overdue periods, for the board's flags: the
    rule of :func:`submission_rows` (status expected or returned, today past the due date) for
    the series of ``indicator_ids``, from the observations the
    caller has already read: ``reported`` maps (indicator, scope, scope id, period) to the
    status of its latest value (by revision, then id) among those reported by the end of
    ``as_of`` (default: all). The board reads its observations once, for its values and these
    flags. On a past day each submission's status is rebuilt from its history, as
    :func:`submission_rows` does."""
    if as_of is not None:
        require(principal, "read", "plan")
    today = as_of or clock.today()
    found = [d for d in duties(session, principal) if d.indicator.id in indicator_ids]
    status = {k: s if s in STATUSES else "expected" for k, s in reported.items()}
    subs = session.scalars(
        restrict(select(Submission), principal).where(Submission.indicator_id.in_(indicator_ids))
    ).all()
    events: dict[int, list[SubmissionEvent]] = defaultdict(list)
    if as_of is not None:
        ids = [s.id for s in subs]
        for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
            for e in session.scalars(
                select(SubmissionEvent)
                .where(SubmissionEvent.submission_id.in_(chunk))
                .order_by(SubmissionEvent.at, SubmissionEvent.id)
            ):
                events[e.submission_id].append(e)
    for sub in subs:
        k = (sub.indicator_id, sub.scope, sub.scope_id, sub.period)
        if as_of is None:
            status[k] = sub.status
        else:
            status[k] = _status_on(sub, events[sub.id], k in reported, as_of)
    out: dict[str, list[str]] = defaultdict(list)
    for d in found:
        for period in expected_periods(
            d.indicator.frequency, d.first_year, d.last_year, today, d.skip_january
        ):
            state = status.get((d.indicator.id, d.scope, d.scope_id, period), "expected")
            if state in ("expected", "returned") and today > due_date(
                period, d.indicator.deadline_day
            ):
                out[d.series].append(period)
    return dict(out)


__all__ = [
    "STATUSES",
    "TRANSITIONS",
    "Key",
    "approve",
    "completeness",
    "detail",
    "due_date",
    "duties",
    "expected_periods",
    "overdue_from",
    "parse_key",
    "return_submission",
    "scope_words",
    "submission_rows",
    "tasks",
    "transition",
    "unlock",
]
