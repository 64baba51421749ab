"""Enterprise appeals, read side: the list (with escalation), one appeal, statistics.

Statistics (per category, per department and overall):

* ``median_days`` / ``p90_days``: days (calendar, fractional) from receipt to resolution of the
  appeals resolved (status resolved or confirmed), the 50th and 90th percentiles by linear
  interpolation between order statistics (numpy's default, Hyndman & Fan type 7);
* ``overdue_share``: (appeals open and past their due date on the as-of day + appeals resolved
  after their due date) / all appeals of the group.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Select, and_, func, not_, select
from sqlalchemy.orm import Session

from gaodi.core.permissions import Principal, restrict
from gaodi.enterprises.models import Enterprise
from gaodi.projects import common, states
from gaodi.projects.appeals import HISTORY, MACHINE, actors, escalation_level
from gaodi.projects.models import Appeal, AppealAttachment
from gaodi.projects.rules import appeal_rules, days_between
from gaodi.projects.schemas import (
    AppealDetail,
    AppealFilter,
    AppealRow,
    AppealStats,
    AttachmentOut,
    StatRow,
)

UNASSIGNED = "（未交办）"


def _overdue_clause(as_of: date) -> ColumnElement[bool]:
    return and_(Appeal.status.in_(states.APPEAL_RUNNING), Appeal.due_on < as_of)


def _query(principal: Principal, flt: AppealFilter | None, as_of: date) -> Select[Any]:
    query = restrict(select(Appeal), principal, "read")
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
        query = query.where(
            Appeal.enterprise_id.in_(select(Enterprise.id).where(Enterprise.park_id == flt.park_id))
        )
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
        query = query.where(Appeal.title.contains(flt.q.strip()))
    return query


def _rows(session: Session, appeals: Sequence[Appeal], as_of: date, lang: str) -> list[AppealRow]:
    rules = appeal_rules()
    ent_ids = sorted({a.enterprise_id for a in appeals})
    ents: dict[int, tuple[str, int | None]] = {}
    for chunk in (ent_ids[i : i + 500] for i in range(0, len(ent_ids), 500)):
        for eid, name, park in session.execute(
            select(Enterprise.id, Enterprise.name, Enterprise.park_id).where(
                Enterprise.id.in_(chunk)
            )
        ):
            ents[eid] = (name, park)
    parks = common.park_names(session)
    chains = common.chain_names(session)
    out = []
    for a in appeals:
        name, park = ents.get(a.enterprise_id, (str(a.enterprise_id), None))
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
                title=a.title,
                category=a.category,
                enterprise_id=a.enterprise_id,
                enterprise_name=name,
                park_name=parks.get(park) if park else None,
                chain_name=chains.get(a.chain_id) if a.chain_id else None,
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
                is_demo=a.is_demo,
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
    """Appeals ``principal`` may see, newest first, with overdue days and escalation level."""
    day = common.as_of_date(as_of)
    query = _query(principal, flt, day).order_by(Appeal.received_at.desc(), Appeal.id.desc())
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return _rows(session, list(session.scalars(query)), day, lang)


def count_appeals(
    session: Session,
    principal: Principal,
    flt: AppealFilter | None = None,
    as_of: date | None = None,
) -> int:
    day = common.as_of_date(as_of)
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
    events = HISTORY.events(session, appeal.id)
    transitions = MACHINE.offered(appeal.status, actors(principal, appeal))
    return AppealDetail(
        appeal=_rows(session, [appeal], day, lang)[0],
        text=appeal.text,
        resolution=appeal.resolution,
        time_limit=appeal.time_limit,
        limit_unit=appeal.limit_unit,
        rules_version=appeal.rules_version,
        limit_start_on=appeal.limit_start_on,
        escalate_on=appeal.escalate_on,
        assigned_at=appeal.assigned_at,
        resolved_at=appeal.resolved_at,
        confirmed_at=appeal.confirmed_at,
        reopen_count=appeal.reopen_count,
        attachments=files,
        events=events,
        transitions=transitions,
        departments=list(rules.departments),
        default_department=rules.category(appeal.category).department,
        as_of=day,
    )


# ---------------------------------------------------------------------------- statistics


def resolve_days(appeal: Appeal) -> float | None:
    """Days from receipt to resolution (None while unresolved)."""
    if appeal.status not in ("resolved", "confirmed") or appeal.resolved_at is None:
        return None
    return (appeal.resolved_at - appeal.received_at).total_seconds() / 86400.0


def _stat(key: str, appeals: list[Appeal], as_of: date) -> StatRow:
    days = [d for d in (resolve_days(a) for a in appeals) if d is not None]
    open_ = [a for a in appeals if a.status in states.APPEAL_RUNNING]
    overdue_now = sum(1 for a in open_ if a.due_on is not None and as_of > a.due_on)
    resolved = [a for a in appeals if resolve_days(a) is not None]
    late = sum(
        1
        for a in resolved
        if a.due_on is not None and a.resolved_at is not None and a.resolved_at.date() > a.due_on
    )
    sats = [a.satisfaction for a in appeals if a.satisfaction is not None]
    n = len(appeals)
    return StatRow(
        key=key,
        count=n,
        open=len(open_),
        overdue_now=overdue_now,
        resolved=len(resolved),
        resolved_late=late,
        overdue_share=round((overdue_now + late) / n, 4) if n else None,
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
    appeals = list(session.scalars(_query(principal, flt, day).order_by(Appeal.id)))
    by_cat: dict[str, list[Appeal]] = defaultdict(list)
    by_dep: dict[str, list[Appeal]] = defaultdict(list)
    for a in appeals:
        by_cat[a.category].append(a)
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
        by_category=[_stat(c, by_cat[c], day) for c in cat_order],
        by_department=[
            _stat(d, by_dep[d], day) for d in sorted(by_dep, key=lambda k: (-len(by_dep[k]), k))
        ],
        overall=_stat("all", appeals, day),
        satisfaction={
            s: sum(1 for a in appeals if a.satisfaction == s)
            for s in range(rules.satisfaction_min, rules.satisfaction_max + 1)
        },
        rules_version=rules.version,
    )
