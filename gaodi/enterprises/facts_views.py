"""An enterprise's tier facts (梯度培育要素): the page, the office's form, the evidence files.

``GET /enterprises/{id}/facts`` (and its JSON twin) shows every fact of a year with its value,
source, who set it and its evidence, and the enterprise's declarations; an office that may edit
the enterprise (admin, its chain or park office: the ``enterprise`` domain's ``edit``) sets
facts with the form below it (CSRF-checked; a blank box clears a fact). Evidence downloads are
for whoever may read the enterprise.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from gaodi.core import clock
from gaodi.core.attachments import upload_policy
from gaodi.core.errors import ValidationError
from gaodi.core.moments import CityMoment
from gaodi.core.permissions import can
from gaodi.enterprises import declarations, evidence, facts, service, tier_lists
from gaodi.enterprises.models import (
    FACT_SOURCES,
    EnterpriseYear,
    TierAward,
    TierDeclaration,
    TierEvidence,
    TierHonour,
)
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.pages import Access, DbId, context_dependency, form, page, route_extra

router = APIRouter()
#: the facts form's hidden field prefix: the value a box showed when the page was loaded
SHOWN = "shown_"
EXAMPLE = {"path": {"enterprise_id": 1}}


def source_labels(ctx: PageContext) -> dict[str, str]:
    """Source key -> its label in the user's language."""
    zh = ctx.lang.startswith("zh")
    return {k: (v[0] if zh else v[1]) for k, v in facts.SOURCE_LABELS.items()}


class EvidenceRow(BaseModel):
    id: int
    filename: str
    field: str | None
    size: int
    uploaded_by: str | None
    uploaded_at: CityMoment
    declaration_id: int | None


class FactRow(BaseModel):
    name: str
    label: str
    unit: str
    kind: str
    value: Any = None
    source: str | None = None
    source_label: str | None = None
    updated_by: str | None = None
    declaration_id: int | None = None


class DeclarationRef(BaseModel):
    id: int
    year: int
    status: str
    status_label: str
    created_by: str | None
    submitted_at: CityMoment | None


class AwardRow(BaseModel):
    id: int
    text: str
    source_label: str


class HonourRow(BaseModel):
    id: int
    text: str
    in_force: bool
    source_label: str


class FactsPage(BaseModel):
    """An enterprise's tier facts of one year, their sources and evidence, its declarations."""

    enterprise_id: int
    name: str
    uscc: str
    year: int
    years: list[int]
    facts: list[FactRow]
    known: int
    evidence: list[EvidenceRow]
    declarations: list[DeclarationRef]
    can_edit: bool
    can_declare: bool
    sources: dict[str, str]
    awards: list[AwardRow] = []
    honours: list[HonourRow] = []
    award_levels: dict[str, str] = {}
    award_grades: dict[str, str] = {}
    honour_kinds: dict[str, str] = {}
    entered: dict[str, Any] = Field(
        default_factory=dict,
        description="After a refused facts form: the values the user had changed, by field.",
    )


def evidence_rows(rows: list[TierEvidence]) -> list[EvidenceRow]:
    return [
        EvidenceRow(
            id=r.id,
            filename=r.filename,
            field=r.field,
            size=r.size,
            uploaded_by=r.uploaded_by,
            uploaded_at=r.uploaded_at,
            declaration_id=r.declaration_id,
        )
        for r in rows
    ]


def default_year(ctx: PageContext, enterprise_id: int) -> int:
    """The enterprise's latest year of figures (the year its tiers are judged on), else the
    last completed year on the city's clock."""
    latest = ctx.session.scalar(
        select(func.max(EnterpriseYear.year)).where(EnterpriseYear.enterprise_id == enterprise_id)
    )
    return int(latest) if latest is not None else clock.today().year - 1


@page(
    router, "/enterprises/{enterprise_id}/facts", api="/enterprises/{enterprise_id}/facts",
    template="enterprises/facts.html", domain="enterprise", example=EXAMPLE,
)  # fmt: skip
def facts_page(
    ctx: PageContext,
    enterprise_id: int,
    year: Annotated[int | None, Query(ge=1949, le=2100)] = None,
) -> FactsPage:
    """An enterprise's tier facts of a year with their sources and evidence."""
    assert ctx.principal is not None
    e = service.get_enterprise(ctx.session, ctx.principal, enterprise_id)
    if year is not None:
        # a year the save would refuse is not offered as an empty, editable form
        facts.check_year(year)
    again = ctx.form_name == "facts_form"  # the form refused, shown again with its values
    year = year or (_form_year(ctx) if again else None) or default_year(ctx, e.id)
    stored = facts.facts_of(ctx.session, [e.id], year).get(e.id, {})
    labels = source_labels(ctx)
    zh = ctx.lang.startswith("zh")
    rows = []
    for f in facts.fact_fields():
        s = stored.get(f.name)
        rows.append(
            FactRow(
                name=f.name,
                label=f.label_zh if zh else f.label_en,
                unit=f.unit_text(ctx.lang),
                kind=f.kind,
                value=None if s is None else s.value,
                source=None if s is None else s.source,
                source_label=None if s is None else labels.get(s.source, s.source),
                updated_by=None if s is None else s.updated_by,
                declaration_id=None if s is None else s.declaration_id,
            )
        )
    ev = list(
        ctx.session.scalars(
            select(TierEvidence)
            .where(TierEvidence.enterprise_id == e.id, TierEvidence.year == year)
            .order_by(TierEvidence.id)
        )
    )
    decls: list[DeclarationRef] = []
    if ctx.can("read", "declaration"):
        for d in ctx.session.scalars(
            ctx.restrict(select(TierDeclaration))
            .where(TierDeclaration.enterprise_id == e.id)
            .order_by(TierDeclaration.id.desc())
        ):
            decls.append(
                DeclarationRef(
                    id=d.id,
                    year=d.year,
                    status=d.status,
                    status_label=declarations.state_label(d.status, ctx.lang),
                    created_by=d.created_by,
                    submitted_at=d.submitted_at,
                )
            )
    years = sorted(
        set(
            ctx.session.scalars(
                select(EnterpriseYear.year).where(EnterpriseYear.enterprise_id == e.id)
            )
        )
        | {year}
    )
    return FactsPage(
        entered=_entered(ctx) if again else {},
        enterprise_id=e.id,
        name=e.name,
        uscc=e.uscc,
        year=year,
        years=years,
        facts=rows,
        known=len(stored),
        evidence=evidence_rows(ev),
        declarations=decls,
        can_edit=can(ctx.principal, "edit", e),
        can_declare=ctx.principal.role in ("enterprise", "admin")
        and ctx.can("submit", "declaration"),
        sources={k: labels[k] for k in FACT_SOURCES},
        **list_rows(ctx, e.id, labels),
    )


def _form_year(ctx: PageContext) -> int | None:
    try:
        return int(str(ctx.value("year")).strip())
    except ValueError:
        return None


def _entered(ctx: PageContext) -> dict[str, Any]:
    """The boxes the user changed in a refused facts form (field -> the value as the box takes
    it), so the page shows them again beside the reason; every other box shows what is stored
    now (a box they left as it was is not theirs to put back)."""
    out: dict[str, Any] = {}
    for f in facts.fact_fields():
        raw = ctx.value(f.name, None)
        if raw is None or str(raw) == str(ctx.value(SHOWN + f.name, "")):
            continue
        try:
            out[f.name] = facts.display(f, facts.parse_value(f, raw))
        except ValidationError:
            out[f.name] = str(raw)  # the refused text, beside its reason
    return out


def list_rows(ctx: PageContext, enterprise_id: int, labels: dict[str, str]) -> dict[str, Any]:
    """The award and honour lists (the tier rules derive their yes/no inputs from them) and
    the choices of the forms that add to them."""
    i = 0 if ctx.lang.startswith("zh") else 1
    today = clock.today()
    awards = ctx.session.scalars(
        select(TierAward).where(TierAward.enterprise_id == enterprise_id).order_by(TierAward.year)
    )
    honours = ctx.session.scalars(
        select(TierHonour)
        .where(TierHonour.enterprise_id == enterprise_id)
        .order_by(TierHonour.valid_from)
    )
    lang = "zh" if i == 0 else "en"
    return {
        "awards": [
            AwardRow(
                id=a.id,
                text=tier_lists.Award(a.year, a.name, a.level, a.grade, a.unit_rank).words(lang),
                source_label=labels.get(a.source, a.source),
            )
            for a in awards
        ],
        "honours": [
            HonourRow(
                id=h.id,
                text=(hh := tier_lists.Honour(h.kind, h.valid_from, h.valid_to)).words(lang),
                in_force=hh.in_force(today),
                source_label=labels.get(h.source, h.source),
            )
            for h in honours
        ],
        "award_levels": {k: v[i] for k, v in tier_lists.AWARD_LEVELS.items()},
        "award_grades": {k: v[i] for k, v in tier_lists.AWARD_GRADES.items()},
        "honour_kinds": {k: v[i] for k, v in tier_lists.HONOUR_KINDS.items()},
    }


@form(
    router, "/enterprises/{enterprise_id}/facts", domain="enterprise", action="edit",
    page=facts_page, example={**EXAMPLE, "form": {"year": "2023", "source": "certified"}},
)  # fmt: skip
def facts_form(ctx: PageContext, enterprise_id: int) -> Response:
    """Set the enterprise's facts of a year (a blank box clears the fact), with the source and
    an optional evidence file."""
    assert ctx.principal is not None
    raw = {k: (v[-1] if isinstance(v, list) else v) for k, v in ctx.form.items()}
    try:
        year = int(str(raw.get("year") or "").strip())
    except ValueError:
        raise ValidationError("请填写年度。", "Give the year.", field="year") from None
    source = str(raw.get("source") or "").strip()
    names = {f.name for f in facts.fact_fields()}
    # the page carries what each box showed ("shown_<field>"): only the boxes the user changed
    # are saved, and one a colleague changed meanwhile is refused, not silently overwritten
    shown = {k[len(SHOWN) :]: v for k, v in raw.items() if k.startswith(SHOWN)}
    changes = facts.set_facts(
        ctx.session,
        ctx.principal,
        enterprise_id,
        year,
        {k: v for k, v in raw.items() if k in names},
        source,
        shown=shown or None,
    )
    upload = ctx.files.get("evidence")
    if upload is not None and upload.filename:
        field = str(raw.get("evidence_field") or "").strip() or None
        if field is not None and field not in names:
            raise ValidationError("证明材料对应的要素无效。", "Unknown fact.", field="evidence")
        try:
            evidence.store(
                ctx.session, ctx.principal, enterprise_id, year, upload.filename,
                upload.file.read(upload_policy().max_bytes + 1), field=field,
            )  # fmt: skip
        except ValidationError as exc:  # shown next to the file box, nothing saved
            raise ValidationError(exc.zh, exc.en, field="evidence") from None
    ctx.flash(ctx._("%(n)s facts changed.", n=len(changes)))
    return ctx.redirect(f"/enterprises/{enterprise_id}/facts?year={year}")


def download_evidence(
    evidence_id: DbId,
    ctx: PageContext = Depends(context_dependency(Access("enterprise", "read"))),
) -> Response:
    """An evidence file, for users who may read its enterprise."""
    assert ctx.principal is not None
    row, path = evidence.evidence_file(ctx.session, ctx.principal, evidence_id)
    return FileResponse(
        path,
        media_type=row.content_type,
        filename=row.filename,
        content_disposition_type="attachment",
    )


router.add_api_route(
    "/enterprises/evidence/{evidence_id}",
    download_evidence,
    methods=["GET"],
    include_in_schema=False,
    name="download_evidence",
    openapi_extra=route_extra(Access("enterprise", "read"), {"path": {"evidence_id": 1}}),
)


def _raw(ctx: PageContext) -> dict[str, Any]:
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in ctx.form.items()}


@form(
    router, "/enterprises/{enterprise_id}/awards", domain="enterprise", action="edit",
    page=facts_page,
    example={**EXAMPLE, "form": {"year": "2022", "name": "示例奖", "level": "provincial",
                                 "source": "certified"}},
)  # fmt: skip
def award_form(ctx: PageContext, enterprise_id: int) -> Response:
    """Add a science award (level, grade, place among the winning units, year) to the list."""
    assert ctx.principal is not None
    award = tier_lists.parse_award(_raw(ctx))
    tier_lists.add_award(ctx.session, ctx.principal, enterprise_id, award)
    ctx.flash(ctx._("Award added."))
    return ctx.redirect(f"/enterprises/{enterprise_id}/facts")


@form(
    router, "/enterprises/{enterprise_id}/honours", domain="enterprise", action="edit",
    page=facts_page,
    example={**EXAMPLE, "form": {"kind": "high_tech", "valid_from": "2022-01-01",
                                 "source": "certified"}},
)  # fmt: skip
def honour_form(ctx: PageContext, enterprise_id: int) -> Response:
    """Add an honour with its validity (valid-from, valid-to) to the list."""
    assert ctx.principal is not None
    honour = tier_lists.parse_honour(_raw(ctx))
    tier_lists.add_honour(ctx.session, ctx.principal, enterprise_id, honour)
    ctx.flash(ctx._("Honour added."))
    return ctx.redirect(f"/enterprises/{enterprise_id}/facts")


@form(
    router, "/enterprises/{enterprise_id}/awards/{award_id}/delete", domain="enterprise",
    action="edit", page=facts_page, example={"path": {"enterprise_id": 1, "award_id": 1}},
)  # fmt: skip
def award_delete_form(ctx: PageContext, enterprise_id: int, award_id: int) -> Response:
    """Remove an award from the list."""
    assert ctx.principal is not None
    tier_lists.remove_entry(ctx.session, ctx.principal, enterprise_id, TierAward, award_id)
    ctx.flash(ctx._("Award removed."))
    return ctx.redirect(f"/enterprises/{enterprise_id}/facts")


@form(
    router, "/enterprises/{enterprise_id}/honours/{honour_id}/delete", domain="enterprise",
    action="edit", page=facts_page, example={"path": {"enterprise_id": 1, "honour_id": 1}},
)  # fmt: skip
def honour_delete_form(ctx: PageContext, enterprise_id: int, honour_id: int) -> Response:
    """Remove an honour from the list."""
    assert ctx.principal is not None
    tier_lists.remove_entry(ctx.session, ctx.principal, enterprise_id, TierHonour, honour_id)
    ctx.flash(ctx._("Honour removed."))
    return ctx.redirect(f"/enterprises/{enterprise_id}/facts")
