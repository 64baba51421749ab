"""申报 pages: the declarations a user may see, one declaration (its values beside the stored
facts, evidence, history, the steps the user may take now), and the forms.

An enterprise user opens a declaration for a year, fills it in, attaches evidence and submits;
its park office (or the bureau's administrator) returns it with a reason or approves it. The
steps go through :mod:`gaodi.enterprises.declarations` (state, actor and scope checked there).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from gaodi.core.attachments import upload_policy
from gaodi.core.errors import ConflictError, PermissionDenied, ValidationError
from gaodi.core.moments import CityMoment
from gaodi.enterprises import declarations, facts, tier_lists
from gaodi.enterprises.facts_views import EvidenceRow, evidence_rows, source_labels
from gaodi.enterprises.models import Enterprise, TierDeclaration, TierDeclarationEvent, TierEvidence
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.i18n import N_
from gaodi.ui.web.nav import register_nav
from gaodi.ui.web.pages import form, page

router = APIRouter()
register_nav("declarations", N_("Declarations"), "/declarations", domain="declaration", order=45)
EXAMPLE = {"path": {"declaration_id": 1}}
Status = Literal["draft", "submitted", "returned", "approved", ""]


class DeclarationRow(BaseModel):
    id: int
    enterprise_id: int
    enterprise_name: str
    year: int
    status: str
    status_label: str
    created_by: str | None
    submitted_at: CityMoment | None
    reviewed_by: str | None


class Option(BaseModel):
    value: str
    label: str


class DeclarationsPage(BaseModel):
    """Declarations the user may see (newest first) and, for an enterprise user, the form to
    open one."""

    rows: list[DeclarationRow]
    status: str | None
    statuses: list[Option]
    can_create: bool
    own_enterprises: list[Option]


def _row(d: TierDeclaration, name: str, lang: str) -> DeclarationRow:
    return DeclarationRow(
        id=d.id,
        enterprise_id=d.enterprise_id,
        enterprise_name=name,
        year=d.year,
        status=d.status,
        status_label=declarations.state_label(d.status, lang),
        created_by=d.created_by,
        submitted_at=d.submitted_at,
        reviewed_by=d.reviewed_by,
    )


@page(
    router, "/declarations", api="/declarations", template="enterprises/declarations.html",
    domain="declaration",
)  # fmt: skip
def declarations_page(ctx: PageContext, status: Status | None = None) -> DeclarationsPage:
    """Tier-fact declarations (申报) the user may see, newest first."""
    assert ctx.principal is not None
    query = ctx.restrict(select(TierDeclaration, Enterprise.name)).join(
        Enterprise, Enterprise.id == TierDeclaration.enterprise_id
    )
    if status:
        query = query.where(TierDeclaration.status == status)
    rows = [
        _row(d, name, ctx.lang)
        for d, name in ctx.session.execute(query.order_by(TierDeclaration.id.desc()).limit(500))
    ]
    own: list[Option] = []
    if ctx.principal.role == "enterprise" and ctx.principal.enterprise_ids:
        ids = sorted(ctx.principal.enterprise_ids)
        own = [
            Option(value=str(i), label=n)
            for i, n in ctx.session.execute(
                select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_(ids))
            )
        ]
    return DeclarationsPage(
        rows=rows,
        status=status or None,
        statuses=[
            Option(value=k, label=declarations.state_label(k, ctx.lang))
            for k in declarations.STATES
        ],
        can_create=bool(own) and ctx.can("submit", "declaration"),
        own_enterprises=own,
    )


@form(
    router, "/declarations", domain="declaration", action="submit", page=declarations_page,
    example={"form": {"year": "2023"}},
)  # fmt: skip
def create_declaration_form(ctx: PageContext) -> Response:
    """Open a declaration for one of the user's enterprises and a year."""
    assert ctx.principal is not None
    raw = {k: (v[-1] if isinstance(v, list) else v) for k, v in ctx.form.items()}
    try:
        year = int(str(raw.get("year") or "").strip())
    except ValueError:
        raise ValidationError("请填写年度。", "Give the year.", field="year") from None
    ent = str(raw.get("enterprise_id") or "").strip()
    if not ent and len(ctx.principal.enterprise_ids) == 1:
        ent = str(next(iter(ctx.principal.enterprise_ids)))
    if not ent.isdigit():
        raise ValidationError("请选择企业。", "Choose the enterprise.", field="enterprise_id")
    try:
        decl = declarations.create(ctx.session, ctx.principal, int(ent), year)
    except ConflictError as exc:
        existing = exc.context.get("declaration_id")
        if existing is None:
            raise
        ctx.flash(exc.message(ctx.lang), "error")
        return ctx.redirect(f"/declarations/{existing}")
    ctx.flash(ctx._("Declaration #%(id)s opened.", id=decl.id))
    return ctx.redirect(f"/declarations/{decl.id}")


class DeclaredFact(BaseModel):
    name: str
    label: str
    unit: str
    kind: str
    declared: Any = None
    stored: Any = None
    stored_source: str | None = None


class EventRow(BaseModel):
    at: CityMoment
    actor: str
    action: str
    action_label: str
    from_status: str | None
    to_status: str | None
    comment: str | None
    changes: dict[str, Any]


class StepOption(BaseModel):
    name: str
    label: str
    needs_comment: bool


class DeclarationPage(BaseModel):
    """One declaration: each fact as declared beside the stored one, evidence, history, steps."""

    id: int
    enterprise_id: int
    enterprise_name: str
    year: int
    status: str
    status_label: str
    return_reason: str | None
    reviewed_by: str | None
    facts: list[DeclaredFact]
    evidence: list[EvidenceRow]
    events: list[EventRow]
    steps: list[StepOption] = Field(description="The steps the user may take now.")
    editable: bool
    version: int = Field(
        0,
        description="The declaration's version (its latest step): a return or an approval "
        "names it, and one of an older version is refused (409).",
    )
    awards: list[str] = Field(default=[], description="The science awards declared.")
    award_levels: dict[str, str] = {}
    award_grades: dict[str, str] = {}


@page(
    router, "/declarations/{declaration_id}", api="/declarations/{declaration_id}",
    template="enterprises/declaration.html", domain="declaration", example=EXAMPLE,
)  # fmt: skip
def declaration_page(ctx: PageContext, declaration_id: int) -> DeclarationPage:
    """One declaration: the values, evidence, history and the steps open to the user."""
    assert ctx.principal is not None
    d = declarations.load(ctx.session, ctx.principal, declaration_id)
    name = ctx.session.scalar(select(Enterprise.name).where(Enterprise.id == d.enterprise_id))
    stored = facts.facts_of(ctx.session, [d.enterprise_id], d.year).get(d.enterprise_id, {})
    labels = source_labels(ctx)
    zh = ctx.lang.startswith("zh")
    rows = []
    for f in facts.fact_fields():
        s = stored.get(f.name)
        rows.append(
            DeclaredFact(
                name=f.name,
                label=f.label_zh if zh else f.label_en,
                unit=f.unit_text(ctx.lang),
                kind=f.kind,
                declared=(d.facts or {}).get(f.name),
                stored=None if s is None else s.value,
                stored_source=None if s is None else labels.get(s.source, s.source),
            )
        )
    ev = list(
        ctx.session.scalars(
            select(TierEvidence)
            .where(TierEvidence.declaration_id == d.id)
            .order_by(TierEvidence.id)
        )
    )
    events = [
        EventRow(
            at=e.at,
            actor=e.actor,
            action=e.action,
            action_label=_step_label(e.action, ctx.lang),
            from_status=e.from_status,
            to_status=e.to_status,
            comment=e.comment,
            changes=e.changes or {},
        )
        for e in ctx.session.scalars(
            select(TierDeclarationEvent)
            .where(TierDeclarationEvent.declaration_id == d.id)
            .order_by(TierDeclarationEvent.id)
        )
    ]
    steps = declarations.available(ctx.principal, d)
    return DeclarationPage(
        id=d.id,
        enterprise_id=d.enterprise_id,
        enterprise_name=name or "",
        year=d.year,
        status=d.status,
        status_label=declarations.state_label(d.status, ctx.lang),
        return_reason=d.return_reason,
        reviewed_by=d.reviewed_by,
        facts=rows,
        evidence=evidence_rows(ev),
        events=events,
        steps=[
            StepOption(name=s.name, label=s.zh if zh else s.en, needs_comment=s.needs_comment)
            for s in steps
        ],
        editable=any(s.name == "save" for s in steps),
        version=declarations.version(ctx.session, d),
        awards=[a.words(ctx.lang) for a in declarations.declared_awards(d)],
        award_levels={k: v[0 if zh else 1] for k, v in tier_lists.AWARD_LEVELS.items()},
        award_grades={k: v[0 if zh else 1] for k, v in tier_lists.AWARD_GRADES.items()},
    )


def _step_label(name: str, lang: str) -> str:
    if name == "create":
        return "新建" if lang.startswith("zh") else "created"
    step = declarations.STEPS.get(name)
    if step is None:
        return name
    return step.zh if lang.startswith("zh") else step.en


@form(
    router, "/declarations/{declaration_id}/act", domain="declaration", action="read",
    page=declaration_page, example={**EXAMPLE, "form": {"action": "approve"}},
)  # fmt: skip
def declaration_step_form(ctx: PageContext, declaration_id: int) -> Response:
    """A step on a declaration: save the values, attach a file, submit, return or approve
    (the workflow decides who may take which)."""
    assert ctx.principal is not None
    principal = ctx.principal
    raw = {k: (v[-1] if isinstance(v, list) else v) for k, v in ctx.form.items()}
    action = str(raw.get("action") or "").strip()
    back = f"/declarations/{declaration_id}"
    try:
        if action == "save":
            names = {f.name for f in facts.fact_fields()}
            declarations.save(
                ctx.session, principal, declaration_id, {k: v for k, v in raw.items() if k in names}
            )
            done = ctx._("Saved.")
        elif action == "award":
            fields = ("year", "name", "level", "grade", "unit_rank")
            declarations.save_award(
                ctx.session, principal, declaration_id, {k: raw.get(k) for k in fields}
            )
            done = ctx._("Award added.")
        elif action == "attach":
            upload = ctx.files.get("file")
            if upload is None or not upload.filename:
                raise ValidationError("请选择文件。", "Choose a file.", field="file")
            try:
                declarations.attach(
                    ctx.session, principal, declaration_id, upload.filename,
                    upload.file.read(upload_policy().max_bytes + 1),
                    str(raw.get("field") or "").strip() or None,
                )  # fmt: skip
            except ValidationError as exc:  # shown next to the file box
                raise ValidationError(exc.zh, exc.en, field="file") from None
            done = ctx._("File attached.")
        else:
            # a review names the version its page showed (a hidden field): a declaration
            # returned, changed and submitted again meanwhile is not approved unseen
            seen = str(raw.get("version") or "").strip()
            if seen and not seen.isdigit():
                raise ValidationError(
                    "申报版本须为整数。", "The version must be a whole number.", field="version"
                )
            declarations.act(
                ctx.session, principal, declaration_id, action, str(raw.get("comment") or ""),
                int(seen) if seen else None,
                seen_required=action in declarations.REVIEWS,
            )  # fmt: skip
            done = ctx._("Saved.")
    except (ConflictError, PermissionDenied) as exc:
        ctx.session.rollback()
        ctx.flash(exc.message(ctx.lang), "error")
        return ctx.redirect(back)
    ctx.flash(done)
    return ctx.redirect(back)
