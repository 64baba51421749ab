"""Enterprise appeals, read side: the list (with escalation), one appeal, statistics.

Statistics (per category, per department and overall):

* ``median_days`` / ``p90_days``: days (calendar, fractional) from receipt to resolution of the
  appeals resolved (status resolved or confirmed), the 50th and 90th percentiles by linear
  interpolation between order statistics (numpy's default, Hyndman & Fan type 7);
* ``overdue_share``: (appeals open and past their due date on the as-of day + appeals resolved
  after their due date) / all appeals of the group.

Every view is as of a day (default: the city's today), rebuilt from each appeal's history
(:mod:`gaodi.core.asof`, :func:`appeal_at`): an appeal received later does not exist yet; its
status is the last transition by the end of the day; its time limit runs from the last receipt,
assignment or reopening by then. When nothing happened after the day (the usual case: today)
the stored columns are that state already and the lists filter in SQL.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, and_, func, not_, select
from sqlalchemy.orm import Session

from gaodi.core import asof, clock
from gaodi.core.errors import NotFoundError
from gaodi.core.permissions import Principal, restrict
from gaodi.core.selects import AnySelect
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.projects import common, states
from gaodi.projects.appeals import (
    HISTORY,
    MACHINE,
    actors,
    escalation_level,
    handover_due_on,
    handover_late_days,
    limit_dates,
)
from gaodi.projects.models import Appeal, AppealAttachment, AppealEvent
from gaodi.projects.rules import AppealRules, appeal_rules, days_between
from gaodi.projects.schemas import (
    AppealDetail,
    AppealFilter,
    AppealRow,
    AppealStats,
    AttachmentOut,
    StatRow,
)

#: The group of appeals not handed to a department (a key of the statistics and of the list's
#: department filter, so it stays one word; pages and files show UNASSIGNED_EN in English).
UNASSIGNED = "（未交办）"
UNASSIGNED_EN = "(not assigned)"


@dataclass(frozen=True)
class AppealAt:
    """An appeal as it stood on a day (what the lists, statistics and reports read)."""

    appeal: Appeal
    status: str
    department: str | None
    limit_start_on: date | None
    due_on: date | None
    escalate_on: date | None
    time_limit: int | None
    assigned_at: datetime | None
    resolved_at: datetime | None
    confirmed_at: datetime | None
    resolution: str | None
    satisfaction: int | None
    reopen_count: int

    @property
    def id(self) -> int:
        return self.appeal.id

    @property
    def received_at(self) -> datetime:
        return self.appeal.received_at

    @property
    def limit_unit(self) -> str | None:
        return self.appeal.limit_unit

    @classmethod
    def current(cls, a: Appeal) -> AppealAt:
        return cls(
            a,
            a.status,
            a.department,
            a.limit_start_on,
            a.due_on,
            a.escalate_on,
            a.time_limit,
            a.assigned_at,
            a.resolved_at,
            a.confirmed_at,
            a.resolution,
            a.satisfaction,
            a.reopen_count or 0,
        )


LIMIT_STARTS = ("submit", "assign", "reopen")
HANDOVERS = ("assign", "reassign")  # the steps that name the department


def department_histories(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """appeal id -> the departments it was handed to, oldest first (one per assign or reassign
    step).

    The workflow's event rows record the step, not the department; the audit entry written with
    each step (``appeal.assign`` / ``appeal.reassign``, ``after.department``, append-only) does.
    The k-th hand-over entry of an appeal is its k-th hand-over step (both written in the same
    transaction, in order), so no timestamps need to match.
    """
    from gaodi.audit import loaders as audit_loaders

    out: dict[int, list[str]] = defaultdict(list)
    keys = [str(i) for i in ids]
    actions = [f"appeal.{a}" for a in HANDOVERS]
    for entity_id, _actor, after in audit_loaders.entries(
        session, Appeal.__tablename__, keys, actions
    ):
        department = (after or {}).get("department")
        if entity_id is not None and isinstance(department, str):
            out[int(entity_id)].append(department)
    return dict(out)


def _department_then(
    appeal: Appeal, events: list[Any], seen: list[Any], handed: list[str] | None
) -> str | None:
    """The department on the day: the one named by the last hand-over step by then (from
    :func:`department_histories`); the stored one when no hand-over came later, or when the
    audit trail does not cover every step (data loaded without the workflow)."""
    done = [e for e in seen if e.action in HANDOVERS]
    if not done:
        return None
    steps = [e for e in events if e.action in HANDOVERS]
    if len(done) == len(steps) or handed is None or len(handed) != len(steps):
        return appeal.department
    return handed[len(done) - 1]


def appeal_at(
    appeal: Appeal,
    events: list[Any],
    day: date,
    rules: AppealRules | None = None,
    departments: list[str] | None = None,
) -> AppealAt | None:
    """``appeal`` on ``day`` from its history (``events``, oldest first), or None when it had
    not been received yet.

    The time limit in force is the one started by the last receipt (the hand-over limit),
    assignment or reopening (the category's limit) by then; it is the stored one when that
    start is still the latest. The department is the one it had been handed to by then
    (``departments``: :func:`department_histories`), so a reassignment after the day leaves
    the day's statistics with the department that held the appeal.
    """
    if not asof.existed_at(appeal.received_at, day):
        return None
    if not events or asof.at_or_before(events[-1].at, day):
        return AppealAt.current(appeal)  # nothing happened after the day
    seen = asof.history_at(events, day)
    rules = rules or appeal_rules()
    status = asof.state_at(seen, day, initial="received") or "received"
    starts = [e for e in events if e.action in LIMIT_STARTS]
    start = next((e for e in reversed(seen) if e.action in LIMIT_STARTS), None)
    due, esc, begun = appeal.due_on, appeal.escalate_on, appeal.limit_start_on
    limit = appeal.time_limit
    if start is not None and (not starts or start is not starts[-1]):
        begun = clock.local_date(start.at)
        if start.action == "submit":
            limit = rules.assignment_limit
        else:
            limit = appeal.time_limit if appeal.assigned_at else None
            limit = limit or rules.category(appeal.category).time_limit
        due, esc = limit_dates(begun, limit, rules)
    assign = next((e for e in seen if e.action == "assign"), None)
    department = _department_then(appeal, events, seen, departments)
    resolve = next((e for e in reversed(seen) if e.action == "resolve"), None)
    confirm = next((e for e in reversed(seen) if e.action == "confirm"), None)
    settled = status in ("resolved", "confirmed")
    return AppealAt(
        appeal,
        status,
        department if assign is not None else None,
        begun,
        due,
        esc,
        limit,
        assign.at if assign is not None else None,
        resolve.at if settled and resolve is not None else None,
        confirm.at if status == "confirmed" and confirm is not None else None,
        appeal.resolution if settled else None,
        appeal.satisfaction if status == "confirmed" else None,
        sum(1 for e in seen if e.action == "reopen"),
    )


def settled_by(session: Session, day: date) -> bool:
    """True when no appeal event happened after ``day``: the stored columns are the state on
    ``day`` (the lists then filter and page in SQL)."""
    last = session.scalar(select(func.max(AppealEvent.at)))
    return last is None or asof.at_or_before(last, day)


def appeals_at(session: Session, appeals: Sequence[Appeal], day: date) -> list[AppealAt]:
    """:func:`appeal_at` of each appeal (those received by ``day``)."""
    rules = appeal_rules()
    histories = HISTORY.histories(session, [a.id for a in appeals])
    moved = [
        a.id
        for a in appeals
        if sum(1 for e in histories.get(a.id, []) if e.action in HANDOVERS) > 1
    ]
    handed = department_histories(session, moved) if moved else {}
    out = []
    for a in appeals:
        found = appeal_at(a, histories.get(a.id, []), day, rules, handed.get(a.id))
        if found is not None:
            out.append(found)
    return out


def _matches(a: AppealAt, flt: AppealFilter | None, day: date) -> bool:
    """The state-dependent filters, on the state of ``day`` (see :func:`_query`)."""
    if flt is None:
        return True
    if flt.status == "open" and a.status == "confirmed":
        return False
    if flt.status and flt.status != "open" and a.status != flt.status:
        return False
    if flt.department:
        wanted = None if flt.department == UNASSIGNED else flt.department
        if a.department != wanted:
            return False
    running = a.status in states.APPEAL_RUNNING
    overdue = running and a.due_on is not None and a.due_on < day
    if flt.overdue is not None and overdue != flt.overdue:
        return False
    if flt.level is not None and flt.level >= 1:
        if flt.level >= 2:
            return running and a.escalate_on is not None and a.escalate_on < day
        return overdue
    return True


def _overdue_clause(as_of: date) -> ColumnElement[bool]:
    return and_(Appeal.status.in_(states.APPEAL_RUNNING), Appeal.due_on < as_of)


def _query(
    principal: Principal, flt: AppealFilter | None, as_of: date, settled: bool = True
) -> AnySelect:
    """The appeals matching ``flt``; when not ``settled`` (events after the day), only the
    filters that do not depend on the state, the rest is :func:`_matches`'s."""
    query = restrict(select(Appeal), principal, "read")
    if not settled:
        query = query.where(Appeal.received_at <= clock.end_of_day(as_of))
        if flt is not None:
            if flt.status and flt.status != "open":
                MACHINE.state(flt.status)
            flt = flt.model_copy(
                update={"status": None, "department": None, "overdue": None, "level": None}
            )
    if flt is None:
        return query
    if flt.status:
        if flt.status == "open":
            query = query.where(Appeal.status != "confirmed")
        else:
            MACHINE.state(flt.status)
            query = query.where(Appeal.status == flt.status)
    if flt.category:
        appeal_rules().category(flt.category)
        query = query.where(Appeal.category == flt.category)
    if flt.department:
        if flt.department == UNASSIGNED:
            query = query.where(Appeal.department.is_(None))
        else:
            query = query.where(Appeal.department == flt.department)
    if flt.enterprise_id is not None:
        query = query.where(Appeal.enterprise_id == flt.enterprise_id)
    if flt.chain_id is not None:
        query = query.where(Appeal.chain_id == flt.chain_id)
    if flt.park_id is not None:
        query = query.where(Appeal.enterprise_id.in_(enterprise_loaders.ids_in_park(flt.park_id)))
    if flt.year is not None:
        query = query.where(
            Appeal.received_at >= date(flt.year, 1, 1),
            Appeal.received_at < date(flt.year + 1, 1, 1),
        )
    if flt.overdue is True:
        query = query.where(_overdue_clause(as_of))
    elif flt.overdue is False:
        query = query.where(not_(_overdue_clause(as_of)))
    if flt.level is not None and flt.level >= 1:
        if flt.level >= 2:
            query = query.where(
                Appeal.status.in_(states.APPEAL_RUNNING), Appeal.escalate_on < as_of
            )
        else:
            query = query.where(_overdue_clause(as_of))
    if flt.q:
        query = query.where(Appeal.title.icontains(flt.q.strip(), autoescape=True))
    return query


def _rows(session: Session, appeals: Sequence[AppealAt], as_of: date, lang: str) -> list[AppealRow]:
    rules = appeal_rules()
    ent_ids = sorted({a.appeal.enterprise_id for a in appeals})
    ents = enterprise_loaders.names_and_parks(session, ent_ids)
    parks = common.park_names(session)
    chains = common.chain_names(session)
    out = []
    for a in appeals:
        name, park = ents.get(a.appeal.enterprise_id, (str(a.appeal.enterprise_id), None))
        level = escalation_level(a, as_of)
        st = MACHINE.state(a.status)
        overdue = (
            days_between(a.due_on, as_of, a.limit_unit or rules.unit)
            if a.due_on is not None and a.status in states.APPEAL_RUNNING
            else 0
        )
        out.append(
            AppealRow(
                id=a.id,
                title=a.appeal.title,
                category=a.appeal.category,
                category_en=rules.category_en(a.appeal.category),
                enterprise_id=a.appeal.enterprise_id,
                enterprise_name=name,
                park_name=parks.get(park) if park else None,
                chain_name=chains.get(a.appeal.chain_id) if a.appeal.chain_id else None,
                department=a.department,
                status=a.status,
                status_zh=st.zh,
                status_en=st.en,
                received_at=a.received_at,
                due_on=a.due_on,
                overdue_days=overdue,
                level=level,
                level_label=rules.level_label(level, lang) if level else "",
                satisfaction=a.satisfaction,
                is_demo=a.appeal.is_demo,
            )
        )
    return out


def list_appeals(
    session: Session,
    principal: Principal,
    flt: AppealFilter | None = None,
    as_of: date | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    lang: str = "zh",
) -> list[AppealRow]:
    """Appeals ``principal`` may see as they stood on ``as_of`` (default: the city's today),
    newest first, with overdue days and escalation level."""
    day = common.as_of_date(as_of)
    settled = settled_by(session, day)
    query = _query(principal, flt, day, settled).order_by(
        Appeal.received_at.desc(), Appeal.id.desc()
    )
    if settled:
        if limit is not None:
            query = query.limit(limit).offset(offset)
        found = [AppealAt.current(a) for a in session.scalars(query)]
    else:
        found = appeals_at(session, list(session.scalars(query)), day)
        found = [a for a in found if _matches(a, flt, day)]
        found = found[offset : None if limit is None else offset + limit]
    return _rows(session, found, day, lang)


def count_appeals(
    session: Session,
    principal: Principal,
    flt: AppealFilter | None = None,
    as_of: date | None = None,
) -> int:
    day = common.as_of_date(as_of)
    if not settled_by(session, day):
        found = appeals_at(session, list(session.scalars(_query(principal, flt, day, False))), day)
        return sum(1 for a in found if _matches(a, flt, day))
    sub = _query(principal, flt, day).subquery()
    return int(session.scalar(select(func.count()).select_from(sub)) or 0)


def appeal_detail(
    session: Session,
    principal: Principal,
    appeal_id: int,
    as_of: date | None = None,
    lang: str = "zh",
) -> AppealDetail:
    day = common.as_of_date(as_of)
    appeal = common.load(session, Appeal, appeal_id, principal, "appeal")
    rules = appeal_rules()
    found = appeals_at(session, [appeal], day)
    if not found:
        raise NotFoundError(
            f"诉求 {appeal_id} 在 {day} 尚未受理。",
            f"Appeal {appeal_id} had not been received on {day}.",
        )
    then = found[0]
    files = [
        AttachmentOut(
            id=f.id,
            filename=f.filename,
            content_type=f.content_type,
            size=f.size,
            sha256=f.sha256,
            uploaded_by=f.uploaded_by,
            uploaded_at=f.uploaded_at,
        )
        for f in session.scalars(
            select(AppealAttachment)
            .where(AppealAttachment.appeal_id == appeal.id)
            .order_by(AppealAttachment.id)
        )
    ]
    events = [e for e in HISTORY.events(session, appeal.id) if asof.at_or_before(e.at, day)]
    transitions = MACHINE.offered(appeal.status, actors(principal, appeal))
    return AppealDetail(
        appeal=_rows(session, [then], day, lang)[0],
        text=appeal.text,
        resolution=then.resolution,
        time_limit=then.time_limit,
        limit_unit=appeal.limit_unit,
        rules_version=appeal.rules_version,
        limit_start_on=then.limit_start_on,
        escalate_on=then.escalate_on,
        assigned_at=then.assigned_at,
        handover_due_on=handover_due_on(appeal.received_at, rules),
        handover_late_days=handover_late_days(appeal.received_at, then.assigned_at, rules),
        resolved_at=then.resolved_at,
        confirmed_at=then.confirmed_at,
        reopen_count=then.reopen_count,
        attachments=files,
        events=events,
        transitions=transitions,
        departments=list(rules.departments),
        default_department=rules.category(appeal.category).department,
        as_of=day,
    )


# ---------------------------------------------------------------------------- statistics


def resolve_days(appeal: Appeal | AppealAt) -> float | None:
    """Days from receipt to resolution (None while unresolved)."""
    if appeal.status not in ("resolved", "confirmed") or appeal.resolved_at is None:
        return None
    return (appeal.resolved_at - appeal.received_at).total_seconds() / 86400.0


def _handed_over_late(a: AppealAt, rules: AppealRules) -> bool:
    return (handover_late_days(a.received_at, a.assigned_at, rules) or 0) > 0


def _stat(key: str, appeals: list[AppealAt], as_of: date, rules: AppealRules) -> StatRow:
    days = [d for d in (resolve_days(a) for a in appeals) if d is not None]
    open_ = [a for a in appeals if a.status in states.APPEAL_RUNNING]
    overdue = {a.id for a in open_ if a.due_on is not None and as_of > a.due_on}
    resolved = [a for a in appeals if resolve_days(a) is not None]
    handover_late = {a.id for a in appeals if _handed_over_late(a, rules)}
    # resolved late: after the handling's due date, or handed over late (assigning restarts
    # the limit, so a hand-over days past its limit must not let the appeal count as on time)
    late = {
        a.id
        for a in resolved
        if a.id in handover_late
        or (
            a.due_on is not None
            and a.resolved_at is not None
            and clock.local_date(a.resolved_at) > a.due_on
        )
    }
    sats = [a.satisfaction for a in appeals if a.satisfaction is not None]
    n = len(appeals)
    return StatRow(
        key=key,
        count=n,
        open=len(open_),
        overdue_now=len(overdue),
        resolved=len(resolved),
        resolved_late=len(late),
        handover_late=len(handover_late),
        overdue_share=round(len(overdue | late | handover_late) / n, 4) if n else None,
        median_days=round(float(np.percentile(days, 50)), 2) if days else None,
        p90_days=round(float(np.percentile(days, 90)), 2) if days else None,
        mean_satisfaction=round(sum(sats) / len(sats), 2) if sats else None,
    )


def appeal_stats(
    session: Session,
    principal: Principal,
    flt: AppealFilter | None = None,
    as_of: date | None = None,
) -> AppealStats:
    """Counts, overdue share and time to resolve by category and department."""
    day = common.as_of_date(as_of)
    rules = appeal_rules()
    settled = settled_by(session, day)
    rows = list(session.scalars(_query(principal, flt, day, settled).order_by(Appeal.id)))
    if settled:
        appeals = [AppealAt.current(a) for a in rows]
    else:
        appeals = [a for a in appeals_at(session, rows, day) if _matches(a, flt, day)]
    by_cat: dict[str, list[AppealAt]] = defaultdict(list)
    by_dep: dict[str, list[AppealAt]] = defaultdict(list)
    for a in appeals:
        by_cat[a.appeal.category].append(a)
        by_dep[a.department or UNASSIGNED].append(a)
    cat_order = [c for c in rules.categories if c in by_cat] + sorted(
        c for c in by_cat if c not in rules.categories
    )
    levels = Counter(escalation_level(a, day) for a in appeals)
    return AppealStats(
        as_of=day,
        total=len(appeals),
        by_status={s.key: sum(1 for a in appeals if a.status == s.key) for s in MACHINE.states},
        by_level={lv: levels.get(lv, 0) for lv in (0, 1, 2)},
        by_category=[_stat(c, by_cat[c], day, rules) for c in cat_order],
        by_department=[
            _stat(d, by_dep[d], day, rules)
            for d in sorted(by_dep, key=lambda k: (-len(by_dep[k]), k))
        ],
        overall=_stat("all", appeals, day, rules),
        satisfaction={
            s: sum(1 for a in appeals if a.satisfaction == s)
            for s in range(rules.satisfaction_min, rules.satisfaction_max + 1)
        },
        rules_version=rules.version,
    )
