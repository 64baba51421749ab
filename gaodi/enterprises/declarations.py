"""Declarations (申报) of tier facts: the enterprise fills in and submits, an office reviews.

States and steps (data, checked before anything changes)::

    draft ──submit──▶ submitted ──approve──▶ approved (final; the facts are stored)
      ▲                   │
      └──── returned ◀─return (with a reason)

``save`` (the enterprise edits its values) and ``attach`` (a file) keep the state and are
allowed in draft and returned. Who may do what:

* the enterprise user of the declaration's own enterprise (role ``enterprise``, right
  ``submit`` in the ``declaration`` domain): create, save, attach, submit;
* an office that may ``approve`` declarations and reads the enterprise (a park office for the
  enterprises in its parks) and the administrator: return, approve (and attach).

Every step writes a :class:`TierDeclarationEvent` (who, when, from and to which status, the
reason, field -> [before, after]); the audited rows add the audit log's before and after.
Approval stores the declared values as tier facts with the source ``self_declared`` (a value
equal to a stored one keeps the stored fact and its source, so a certified fact is not
downgraded by the same value declared again).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gaodi.core import clock
from gaodi.core.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from gaodi.core.permissions import Principal, allowed, check_scope, require, restrict
from gaodi.core.text_safety import has_visible
from gaodi.enterprises import evidence, facts, tier_lists
from gaodi.enterprises.models import (
    Enterprise,
    TierDeclaration,
    TierDeclarationEvent,
    TierEvidence,
)

STATES: dict[str, tuple[str, str]] = {
    "draft": ("草稿", "draft"),
    "submitted": ("已提交待审核", "submitted"),
    "returned": ("已退回", "returned"),
    "approved": ("已通过", "approved"),
}
OPEN = ("draft", "submitted", "returned")
NOT_FOUND = ("找不到该申报（或无权查看）。", "No such declaration (or not yours to see).")
#: Declared science awards ride in the declaration's ``facts`` under this key (a list of
#: award dicts); approval adds them to the enterprise's award list (source self_declared).
AWARDS_KEY = "_awards"


@dataclass(frozen=True)
class Step:
    name: str
    sources: tuple[str, ...]
    target: str | None  # None: the state stays
    actors: tuple[str, ...]
    zh: str
    en: str
    needs_comment: bool = False


STEPS: dict[str, Step] = {
    s.name: s
    for s in (
        Step("save", ("draft", "returned"), None, ("enterprise", "admin"), "保存", "save"),
        Step(
            "attach", ("draft", "returned", "submitted"), None,
            ("enterprise", "office", "admin"), "上传证明材料", "attach evidence",
        ),
        Step(
            "submit", ("draft", "returned"), "submitted", ("enterprise", "admin"), "提交",
            "submit",
        ),
        Step(
            "return", ("submitted",), "returned", ("office", "admin"), "退回", "return",
            needs_comment=True,
        ),
        Step("approve", ("submitted",), "approved", ("office", "admin"), "审核通过", "approve"),
    )
}  # fmt: skip
ACTOR_LABELS = {
    "enterprise": ("申报企业", "the declaring enterprise"),
    "office": ("园区或工信局", "its park office or the bureau"),
    "admin": ("管理员", "an administrator"),
}


def state_label(status: str, lang: str = "zh") -> str:
    zh, en = STATES.get(status, (status, status))
    return zh if lang.startswith("zh") else en


def actors(principal: Principal, decl: TierDeclaration) -> set[str]:
    """The principal's roles towards ``decl`` (its row scope was checked when it was loaded)."""
    out: set[str] = set()
    if principal.is_admin:
        out.add("admin")
    if (
        principal.role == "enterprise"
        and allowed(principal, "submit", "declaration")
        and decl.enterprise_id in principal.enterprise_ids
    ):
        out.add("enterprise")
    if principal.role in ("park_office", "chain_office") and allowed(
        principal, "approve", "declaration"
    ):
        out.add("office")
    return out


def available(principal: Principal, decl: TierDeclaration) -> list[Step]:
    mine = actors(principal, decl)
    return [s for s in STEPS.values() if decl.status in s.sources and mine & set(s.actors)]


def load(session: Session, principal: Principal, declaration_id: int) -> TierDeclaration:
    """The declaration if the principal may read it; the same 404 for a missing one."""
    found = session.scalars(
        restrict(select(TierDeclaration).where(TierDeclaration.id == declaration_id), principal)
    ).first()
    if found is None:
        raise NotFoundError(*NOT_FOUND)
    return found


def _decided(decl: TierDeclaration) -> tuple[str, str]:
    """Who decided a declaration that is approved or returned, and when (zh, en), for the
    refusal of a second review: two reviewers at once, or a double-click, run one after the
    other, and the later is told whose decision stands; else empty."""
    if decl.status not in ("approved", "returned") or not decl.reviewed_by:
        return "", ""
    step = STEPS["approve" if decl.status == "approved" else "return"]
    when = (
        f"（{clock.local(decl.reviewed_at).strftime('%Y-%m-%d %H:%M')}）"
        if decl.reviewed_at
        else ""
    )
    when_en = f" ({when[1:-1]})" if when else ""
    past = "approved" if step.name == "approve" else "returned"
    return (
        f"该申报已被 {decl.reviewed_by} {step.zh}{when}。",
        f"The declaration was already {past} by {decl.reviewed_by}{when_en}. ",
    )


def authorize(
    principal: Principal, decl: TierDeclaration, name: str, comment: str | None = None
) -> Step:
    """Check the step's state, actor and reason; raise before anything is changed."""
    step = STEPS.get(name)
    if step is None:
        raise ValidationError(
            f"未知操作“{name}”，可选：{'、'.join(STEPS)}。",
            f"Unknown step '{name}'; choose one of {', '.join(STEPS)}.",
            field="action",
        )
    if decl.status not in step.sources:
        # in words, never codes, and only the steps this user may take now
        now = available(principal, decl)
        final = not any(decl.status in s.sources for s in STEPS.values())
        none_zh, none_en = (
            ("无（已是终态）", "nothing (a final state)") if final else ("无", "nothing")
        )
        done_zh, done_en = _decided(decl) if name in REVIEWS else ("", "")
        raise ConflictError(
            f"{done_zh}申报当前为“{state_label(decl.status)}”，不能“{step.zh}”。"
            f"当前允许：{'、'.join(s.zh for s in now) or none_zh}。",
            f"{done_en}The declaration is {state_label(decl.status, 'en')}: “{step.en}” cannot "
            f"be done from there. Allowed now: {', '.join(f'“{s.en}”' for s in now) or none_en}.",
        )
    if not actors(principal, decl) & set(step.actors):
        who_zh = "、".join(ACTOR_LABELS[a][0] for a in step.actors)
        who_en = " or ".join(ACTOR_LABELS[a][1] for a in step.actors)
        raise PermissionDenied(
            f"用户“{principal.username}”不能对此申报执行“{step.zh}”（需由{who_zh}执行）。",
            f"User '{principal.username}' may not take the step “{step.en}” on this "
            f"declaration (it is for {who_en}).",
        )
    if step.needs_comment and not has_visible(comment):
        raise ValidationError(
            f"“{step.zh}”须写明原因。", f"“{step.en}” needs a reason.", field="comment"
        )
    return step


#: the steps that decide on the declared values: they name the version the reviewer was shown
REVIEWS = ("return", "approve")


def version(session: Session, decl: TierDeclaration) -> int:
    """The declaration's version: the number of its latest step (every change of its values,
    files or state writes one). A review names the version its page showed."""
    found = session.scalar(
        select(func.max(TierDeclarationEvent.id)).where(
            TierDeclarationEvent.declaration_id == decl.id
        )
    )
    return int(found or 0)


def _shown(value: Any, lang: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    return str(value)


def _change_words(name: str, before: Any, after: Any, lang: str) -> str:
    try:
        f = facts.fact_field(name)
        label = f.label_zh if lang == "zh" else f.label_en
    except ValidationError:  # an award ("award"), not a fact
        award = name.split(" ")[0] == "award"
        label = ("科技奖励" if lang == "zh" else "award") if award else name
    return f"{label} {_shown(before, lang)} → {_shown(after, lang)}"


def _step_words(e: TierDeclarationEvent, lang: str) -> str:
    step = STEPS.get(e.action)
    if step is not None:
        label = step.zh if lang == "zh" else step.en
    else:
        label = ("新建" if lang == "zh" else "created") if e.action == "create" else e.action
    changes = [
        _change_words(k, v[0], v[1], lang) for k, v in (e.changes or {}).items() if len(v) == 2
    ]
    if e.action in ("attach", "return") and e.comment:  # the file's name, the reason
        changes = [e.comment]
    detail = ("，" if lang == "zh" else ", ").join(changes)
    if lang == "zh":
        return f"{e.actor} {label}（{detail}）" if detail else f"{e.actor} {label}"
    return f"{e.actor}: {label} ({detail})" if detail else f"{e.actor}: {label}"


def check_seen(
    session: Session,
    decl: TierDeclaration,
    step: Step,
    seen: int | None,
    required: bool = False,
) -> None:
    """Refuse a review of a version other than the current one (or of none, when required):
    the values, files or state changed after the reviewer's page was shown (returned, changed
    and submitted again), so an approval would store values the reviewer never saw."""
    if step.name not in REVIEWS:
        return
    if seen is None:
        if required:
            raise ValidationError(
                f"“{step.zh}”须注明所审核的申报版本：请重新打开申报页面后再审核。",
                f"To {step.en} it, name the version of the declaration you reviewed: open the "
                "declaration's page again and review it there.",
                field="version",
            )
        return
    current = version(session, decl)
    if seen == current:
        return
    since = list(
        session.scalars(
            select(TierDeclarationEvent)
            .where(
                TierDeclarationEvent.declaration_id == decl.id,
                TierDeclarationEvent.id > seen,
            )
            .order_by(TierDeclarationEvent.id)
        )
    )[-8:]  # the latest steps: enough to say what changed, not the whole history
    zh = "；".join(_step_words(e, "zh") for e in since) or "版本不符"
    en = "; ".join(_step_words(e, "en") for e in since) or "another version"
    raise ConflictError(
        f"申报已被修改（{zh}），请重新审核后再“{step.zh}”。",
        f"The declaration has changed since your page was shown ({en}): review it again "
        f"before you {step.en} it.",
        status="stale",
        version=current,
    )


def _event(
    session: Session,
    principal: Principal,
    decl: TierDeclaration,
    action: str,
    before: str | None,
    comment: str | None = None,
    changes: dict[str, Any] | None = None,
) -> None:
    session.add(
        TierDeclarationEvent(
            declaration_id=decl.id,
            at=clock.now(),
            actor=principal.username,
            action=action,
            from_status=before,
            to_status=decl.status,
            comment=(comment or "").strip() or None,
            changes=changes or {},
        )
    )
    session.flush()


def create(
    session: Session, principal: Principal, enterprise_id: int, year: int, note: str | None = None
) -> TierDeclaration:
    """Open a declaration for the enterprise and year, pre-filled with the stored facts.

    One open declaration per enterprise and year: a second is refused naming the first."""
    require(principal, "submit", "declaration")
    check_scope(
        session, principal, Enterprise, enterprise_id, "submit", domain_right=False,
        not_found=facts.ENTERPRISE_NOT_FOUND,
    )  # fmt: skip
    facts.check_year(year)
    if principal.role not in ("enterprise", "admin"):
        raise PermissionDenied(
            "只有企业用户（或管理员）可以为企业申报。",
            "Only the enterprise's user (or an administrator) may declare for it.",
        )
    _refuse_second(session, enterprise_id, year)
    stored = facts.facts_of(session, [enterprise_id], year).get(enterprise_id, {})
    decl = TierDeclaration(
        enterprise_id=enterprise_id,
        year=year,
        status="draft",
        facts={k: v.value for k, v in stored.items()},
        note=(note or "").strip() or None,
        created_by=principal.username,
        created_at=clock.now(),
    )
    try:
        # a savepoint: another request may have opened one since the check above, and the
        # partial unique index (uq_tier_declaration_open) refuses this one; the caller's
        # transaction goes on and gets the same refusal in words
        with session.begin_nested():
            session.add(decl)
            session.flush()
    except IntegrityError:
        _refuse_second(session, enterprise_id, year)
        raise
    _event(session, principal, decl, "create", None)
    return decl


def _refuse_second(session: Session, enterprise_id: int, year: int) -> None:
    """One open declaration per enterprise and year: a second is refused naming the first."""
    existing = session.scalar(
        select(TierDeclaration.id).where(
            TierDeclaration.enterprise_id == enterprise_id,
            TierDeclaration.year == year,
            TierDeclaration.status.in_(OPEN),
        )
    )
    if existing is not None:
        raise ConflictError(
            f"该企业 {year} 年已有未完成的申报（编号 {existing}），请在其中修改。",
            f"The enterprise already has an open declaration for {year} (#{existing}).",
            declaration_id=existing,
        )


def save(
    session: Session, principal: Principal, declaration_id: int, raw: dict[str, Any]
) -> TierDeclaration:
    """The enterprise's values (every field of ``raw``; a blank removes the value)."""
    decl = load(session, principal, declaration_id)
    authorize(principal, decl, "save")
    names = {f.name for f in facts.fact_fields()}
    parsed = facts.parse_values(raw, [k for k in raw if k in names])
    values = dict(decl.facts or {})
    changes: dict[str, list[Any]] = {}
    for name, value in parsed.items():
        shown = facts.display(facts.fact_field(name), value)
        if values.get(name) != shown:
            changes[name] = [values.get(name), shown]
        if shown is None:
            values.pop(name, None)
        else:
            values[name] = shown
    if changes:
        decl.facts = values
        _event(session, principal, decl, "save", decl.status, changes=changes)
    return decl


def act(
    session: Session,
    principal: Principal,
    declaration_id: int,
    name: str,
    comment: str | None = None,
    seen: int | None = None,
    *,
    seen_required: bool = False,
) -> TierDeclaration:
    """Submit, return (with a reason) or approve; approval stores the declared facts.

    ``seen``: the version (:func:`version`) the reviewer's page showed; a return or an approval
    of a declaration changed since is refused (409) naming what changed. ``seen_required``: a
    review naming no version is refused (the web form, whose page always names it)."""
    decl = load(session, principal, declaration_id)
    step = authorize(principal, decl, name, comment)
    check_seen(session, decl, step, seen, seen_required)
    if step.target is None:
        raise ValidationError(
            f"“{step.zh}”不是审核步骤。", f"'{name}' is not a workflow step.", field="action"
        )
    before = decl.status
    changes: dict[str, Any] = {}
    if name == "submit" and not decl.facts:
        raise ValidationError(
            "申报中还没有填写任何要素。", "The declaration holds no values yet.", field="action"
        )
    if name == "approve":
        stored = facts.facts_of(session, [decl.enterprise_id], decl.year).get(
            decl.enterprise_id, {}
        )
        new: dict[str, float | None] = {}
        for field, shown in (decl.facts or {}).items():
            if field == AWARDS_KEY:
                continue
            f = facts.fact_field(field)
            value = facts.parse_value(f, shown)
            old = stored.get(field)
            if old is None or old.value != facts.display(f, value):
                new[field] = value
        changes = facts.apply_facts(
            session, decl.enterprise_id, decl.year, new, "self_declared", principal.username,
            declaration_id=decl.id,
        )  # fmt: skip
        changes.update(_approve_awards(session, principal, decl))
        decl.reviewed_by, decl.reviewed_at, decl.return_reason = (
            principal.username,
            clock.now(),
            None,
        )
    elif name == "return":
        decl.reviewed_by, decl.reviewed_at = principal.username, clock.now()
        decl.return_reason = (comment or "").strip()
    elif name == "submit":
        decl.submitted_at = clock.now()
    decl.status = step.target
    _event(session, principal, decl, name, before, comment, changes)
    return decl


def attach(
    session: Session,
    principal: Principal,
    declaration_id: int,
    filename: str,
    content: bytes,
    field: str | None = None,
) -> TierEvidence:
    decl = load(session, principal, declaration_id)
    authorize(principal, decl, "attach")
    if field:
        facts.fact_field(field)
    row = evidence.store(
        session, principal, decl.enterprise_id, decl.year, filename, content,
        field=field or None, declaration_id=decl.id,
    )  # fmt: skip
    _event(session, principal, decl, "attach", decl.status, row.filename)
    return row


def declared_awards(decl: TierDeclaration) -> list[tier_lists.Award]:
    """The awards declared in ``decl`` (source self_declared)."""
    return [
        tier_lists.parse_award({**a, "source": "self_declared"})
        for a in (decl.facts or {}).get(AWARDS_KEY, [])
    ]


def save_award(
    session: Session, principal: Principal, declaration_id: int, raw: dict[str, Any]
) -> TierDeclaration:
    """Add a science award to the declaration (checked as the facts page checks it); it joins
    the enterprise's award list when the declaration is approved."""
    decl = load(session, principal, declaration_id)
    authorize(principal, decl, "save")
    award = tier_lists.parse_award({**raw, "source": "self_declared"})
    values = dict(decl.facts or {})
    listed = list(values.get(AWARDS_KEY, []))
    entry = {
        "year": award.year, "name": award.name, "level": award.level, "grade": award.grade,
        "unit_rank": award.unit_rank,
    }  # fmt: skip
    if entry in listed:
        raise ValidationError(
            "该奖励已在申报中。", "The award is already in the declaration.", field="name"
        )
    values[AWARDS_KEY] = [*listed, entry]
    decl.facts = values
    _event(session, principal, decl, "save", decl.status, changes={"award": [None, award.words()]})
    return decl


def _approve_awards(
    session: Session, principal: Principal, decl: TierDeclaration
) -> dict[str, list[Any]]:
    """Add the declared awards to the enterprise's list (one already listed with the same year,
    name and level is kept as it is, with its source)."""
    from gaodi.enterprises.models import TierAward

    have = {
        (a.year, a.name, a.level)
        for a in session.scalars(
            select(TierAward).where(TierAward.enterprise_id == decl.enterprise_id)
        )
    }
    out: dict[str, list[Any]] = {}
    for k, a in enumerate(declared_awards(decl)):
        if (a.year, a.name, a.level) in have:
            continue
        session.add(
            TierAward(
                enterprise_id=decl.enterprise_id, year=a.year, name=a.name, level=a.level,
                grade=a.grade, unit_rank=a.unit_rank, source="self_declared",
                updated_by=principal.username, updated_at=clock.now(),
            )
        )  # fmt: skip
        out[f"award {k + 1}"] = [None, a.words()]
    session.flush()
    return out
