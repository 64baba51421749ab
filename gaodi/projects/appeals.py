"""Enterprise appeals (诉求): receive, assign with a time limit, handle, resolve, confirm.

Time limits come from ``rules/appeal_time_limits.yaml``. A limit runs from a start day
(receipt: the hand-over limit; assignment or reopening: the category's limit); ``due_on`` is its
last day, ``escalate_on`` the last day of twice the limit. While the appeal is open the
escalation level on day ``d`` is 0 up to ``due_on``, 1 after it and 2 after ``escalate_on``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gaodi.audit import service as audit
from gaodi.chains import loaders as chain_loaders
from gaodi.core import attachments, clock
from gaodi.core.errors import ConflictError, ValidationError
from gaodi.core.permissions import WORKFLOW_ACTORS, Principal, can, require
from gaodi.core.workflow import History, Transition
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.projects import common, states
from gaodi.projects.models import Appeal, AppealAttachment, AppealEvent
from gaodi.projects.rules import AppealRules, add_days, appeal_rules, days_between
from gaodi.projects.schemas import AppealIn

MACHINE = states.APPEAL
ENTERPRISE_NOT_FOUND = ("找不到该企业（或无权查看）。", "No such enterprise (or not yours to see).")
CHAIN_NOT_FOUND = ("找不到该产业链（或无权查看）。", "No such chain (or not yours to see).")
HISTORY = History(MACHINE, AppealEvent, "appeal_id", audit.record)


def actors(principal: Principal, appeal: Appeal) -> set[str]:
    """Workflow actors of ``principal`` for ``appeal`` (its row scope was checked on load)."""
    out = common.office_actors(principal, "appeal")
    if WORKFLOW_ACTORS.get(principal.role) == "enterprise" and can(principal, "edit", appeal):
        out.add("enterprise")
    return out


def limit_dates(start: date, limit: int, rules: AppealRules) -> tuple[date, date]:
    """(due_on, escalate_on) of a limit of ``limit`` days starting on ``start``."""
    m1 = next((lv.multiple for lv in rules.levels if lv.level == 1), 1)
    m2 = next((lv.multiple for lv in rules.levels if lv.level == 2), 2)
    return add_days(start, m1 * limit, rules.unit), add_days(start, m2 * limit, rules.unit)


class _Deadlines(Protocol):
    """What the escalation reads: an appeal, or an appeal as it stood on a day."""

    @property
    def status(self) -> str: ...
    @property
    def due_on(self) -> date | None: ...
    @property
    def escalate_on(self) -> date | None: ...


def escalation_level(appeal: _Deadlines, as_of: date) -> int:
    """0 (within the limit), 1 (past the limit) or 2 (past twice the limit); 0 when closed."""
    if appeal.status not in states.APPEAL_RUNNING or appeal.due_on is None:
        return 0
    if appeal.escalate_on is not None and as_of > appeal.escalate_on:
        return 2
    return 1 if as_of > appeal.due_on else 0


def handover_due_on(received_at: datetime, rules: AppealRules) -> date:
    """The last day to hand the appeal over (交办), counted from its receipt."""
    return limit_dates(clock.local_date(received_at), rules.assignment_limit, rules)[0]


def handover_late_days(
    received_at: datetime, assigned_at: datetime | None, rules: AppealRules
) -> int | None:
    """Days (of the rules' unit) the hand-over came after its limit: 0 when on time, None while
    not handed over. Assigning starts a fresh limit for the handling, so this is the only trace
    of a late hand-over once the appeal is assigned."""
    if assigned_at is None:
        return None
    due = handover_due_on(received_at, rules)
    return days_between(due, clock.local_date(assigned_at), rules.unit)


def _start_limit(appeal: Appeal, limit: int, rules: AppealRules) -> None:
    start = clock.today()
    appeal.time_limit = limit
    appeal.limit_unit = rules.unit
    appeal.rules_version = rules.version
    appeal.limit_start_on = start
    appeal.due_on, appeal.escalate_on = limit_dates(start, limit, rules)


def _authorize(
    session: Session, principal: Principal, appeal_id: int, name: str, comment: str | None
) -> tuple[Appeal, Transition]:
    appeal = common.load(session, Appeal, appeal_id, principal, "appeal")
    return appeal, MACHINE.authorize(
        name, appeal.status, principal, actors(principal, appeal), comment
    )


def default_chain(session: Session, enterprise_id: int, principal: Principal) -> int | None:
    """The enterprise's chain: the lowest chain id among its current links (deterministic)
    that ``principal`` may file under (a chain office files under its own chain)."""
    return chain_loaders.default_chain(session, principal, enterprise_id, "edit")


def submit(session: Session, principal: Principal, data: AppealIn) -> Appeal:
    """Receive an appeal: from the enterprise itself, or entered by its office or an admin."""
    require(principal, "edit", "appeal")
    rules = appeal_rules()
    rules.category(data.category)
    # the enterprise must be one the principal reads and may act for (as a read of it would
    # answer, a missing one and one outside the scope get the same 404)
    enterprise = enterprise_loaders.enterprise_in_scope(
        session, principal, data.enterprise_id, "edit", not_found=ENTERPRISE_NOT_FOUND
    )
    if data.chain_id is not None:
        chain_loaders.chain_in_scope(
            session, principal, data.chain_id, "edit", not_found=CHAIN_NOT_FOUND
        )
    chain_id = (
        data.chain_id
        if data.chain_id is not None
        else default_chain(session, enterprise.id, principal)
    )
    _check_not_open_already(session, enterprise.id, data)
    appeal = Appeal(
        enterprise_id=enterprise.id,
        chain_id=chain_id,
        category=data.category,
        title=data.title.strip(),
        text=data.text,
        status="received",
        received_at=clock.now(),
        submitted_by=principal.username,
    )
    _start_limit(appeal, rules.assignment_limit, rules)
    session.add(appeal)
    session.flush()
    HISTORY.opened(session, appeal, "submit", "received", principal)
    return appeal


def _check_not_open_already(session: Session, enterprise_id: int, data: AppealIn) -> None:
    """One enterprise's same appeal (category, title and text alike) is received once while it
    is still open: Back and send again in a browser reloads the form with a new one-time key and
    refills its boxes, so the form's own check cannot tell it from a new appeal, and the copy
    would run its own deadline and count twice in the statistics. Once the first is confirmed,
    the same problem may rightly be raised again."""
    same = session.execute(
        select(Appeal.id, Appeal.received_at)
        .where(Appeal.enterprise_id == enterprise_id, Appeal.category == data.category)
        .where(Appeal.title == data.title.strip(), Appeal.text == data.text)
        .where(Appeal.status.in_((*states.APPEAL_RUNNING, "resolved")))
        .order_by(Appeal.id)
    ).first()
    if same is None:
        return
    day = clock.local_date(same.received_at).isoformat()
    raise ConflictError(
        f"该企业已有内容相同、尚未办结的诉求（编号 {same.id}，{day} 受理），未重复提交。",
        f"The enterprise already has the same appeal open (no. {same.id}, received on {day}); "
        "it was not submitted again.",
        appeal_id=same.id,
        field="title",
    )


def _department(rules: AppealRules, department: str | None, category: str) -> str:
    chosen = (department or "").strip() or rules.category(category).department
    if chosen not in rules.departments:
        raise ValidationError(
            f"“{chosen}”不在可交办部门名单中。",
            f"'{chosen}' is not in the list of departments appeals can be assigned to.",
        )
    return chosen


def assign(
    session: Session,
    principal: Principal,
    appeal_id: int,
    department: str | None = None,
    comment: str | None = None,
) -> Appeal:
    """Hand the appeal to a department (default: the category's); its time limit starts."""
    appeal, t = _authorize(session, principal, appeal_id, "assign", comment)
    rules = appeal_rules()
    chosen = _department(rules, department, appeal.category)
    appeal.department = chosen
    appeal.assigned_at = clock.now()
    _start_limit(appeal, rules.category(appeal.category).time_limit, rules)
    HISTORY.fire(
        session,
        principal,
        appeal,
        t,
        comment,
        {"department": chosen, "due_on": appeal.due_on, "time_limit": appeal.time_limit},
    )
    return appeal


def reassign(
    session: Session, principal: Principal, appeal_id: int, department: str, comment: str
) -> Appeal:
    """Give the appeal to another department; the time limit keeps running."""
    appeal, t = _authorize(session, principal, appeal_id, "reassign", comment)
    chosen = _department(appeal_rules(), department, appeal.category)
    if chosen == appeal.department:
        raise ConflictError(
            f"诉求已交办给“{chosen}”。", f"The appeal is already assigned to '{chosen}'."
        )
    before = appeal.department
    appeal.department = chosen
    HISTORY.fire(session, principal, appeal, t, comment, {"department": chosen, "previous": before})
    return appeal


def start(
    session: Session, principal: Principal, appeal_id: int, comment: str | None = None
) -> Appeal:
    appeal, t = _authorize(session, principal, appeal_id, "start", comment)
    HISTORY.fire(session, principal, appeal, t, comment)
    return appeal


def resolve(session: Session, principal: Principal, appeal_id: int, resolution: str) -> Appeal:
    """Record how the appeal was settled; the enterprise then confirms or reopens it."""
    appeal, t = _authorize(session, principal, appeal_id, "resolve", resolution)
    appeal.resolution = resolution.strip()
    appeal.resolved_at = clock.now()
    # a late hand-over makes the appeal late however fast it was handled afterwards
    handover = handover_late_days(appeal.received_at, appeal.assigned_at, appeal_rules()) or 0
    HISTORY.fire(
        session,
        principal,
        appeal,
        t,
        resolution,
        {
            "late": bool(appeal.due_on and clock.today() > appeal.due_on) or handover > 0,
            "handover_late_days": handover,
        },
    )
    return appeal


def confirm(
    session: Session,
    principal: Principal,
    appeal_id: int,
    satisfaction: int,
    comment: str | None = None,
) -> Appeal:
    """The enterprise accepts the resolution and rates it (1-5)."""
    appeal, t = _authorize(session, principal, appeal_id, "confirm", comment)
    rules = appeal_rules()
    if not rules.satisfaction_min <= int(satisfaction) <= rules.satisfaction_max:
        raise ValidationError(
            f"满意度应为 {rules.satisfaction_min}–{rules.satisfaction_max} 的整数。",
            f"Satisfaction must be an integer from {rules.satisfaction_min} to "
            f"{rules.satisfaction_max}.",
        )
    appeal.satisfaction = int(satisfaction)
    appeal.confirmed_at = clock.now()
    HISTORY.fire(session, principal, appeal, t, comment, {"satisfaction": appeal.satisfaction})
    return appeal


def reopen(session: Session, principal: Principal, appeal_id: int, reason: str) -> Appeal:
    """The enterprise rejects the resolution; the appeal goes back with a fresh time limit."""
    appeal, t = _authorize(session, principal, appeal_id, "reopen", reason)
    rules = appeal_rules()
    appeal.reopen_count = (appeal.reopen_count or 0) + 1
    appeal.resolved_at = None
    _start_limit(appeal, appeal.time_limit or rules.category(appeal.category).time_limit, rules)
    HISTORY.fire(session, principal, appeal, t, reason, {"due_on": appeal.due_on})
    return appeal


# ---------------------------------------------------------------------------- attachments


def attach(
    session: Session, principal: Principal, appeal_id: int, filename: str, content: bytes
) -> AppealAttachment:
    """Store a file with the appeal (size, type and executable checks from the rules file)."""
    appeal, t = _authorize(session, principal, appeal_id, "attach", None)
    rules = appeal_rules()
    name = attachments.safe_name(filename)
    content_type = attachments.check_file(name, content, rules.uploads)
    n = session.scalar(
        select(func.count())
        .select_from(AppealAttachment)
        .where(AppealAttachment.appeal_id == appeal.id)
    )
    if (n or 0) >= rules.max_files:
        raise ConflictError(
            f"每件诉求最多 {rules.max_files} 个附件。",
            f"An appeal may have at most {rules.max_files} attachments.",
        )
    ext = Path(name).suffix.lower()
    stored = f"{appeal.id}/{uuid.uuid4().hex}{ext}"
    row = AppealAttachment(
        appeal_id=appeal.id,
        filename=name,
        stored_name=stored,
        content_type=content_type,
        size=len(content),
        sha256=attachments.sha256(content),
        uploaded_by=principal.username,
        uploaded_at=clock.now(),
    )
    session.add(row)
    session.flush()
    attachments.write(stored, content)
    HISTORY.fire(session, principal, appeal, t, name, {"attachment": row.id, "size": row.size})
    return row


def attachment_file(
    session: Session, principal: Principal, attachment_id: int
) -> tuple[AppealAttachment, Path]:
    """An attachment the principal may read, and where its bytes are."""
    row = common.load(session, AppealAttachment, attachment_id, principal, "attachment")
    path = attachments.attachments_dir() / row.stored_name
    if not path.is_file():
        raise ConflictError(
            f"附件“{row.filename}”的文件已丢失。",
            f"The file of attachment '{row.filename}' is missing.",
        )
    return row, path
