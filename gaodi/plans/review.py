"""原文对照审核: a draft plan's text beside its extracted targets (issue #13, part 3).

The page shows the plan's source text with each target's quote highlighted and the targets
beside it. A reviewer corrects a target inline (value, unit, comparator, year, indicator),
rejects one, or adds a target the extractor missed by selecting its words in the text. Every
such step goes through :mod:`gaodi.plans.service` (scope and draft checks) and so lands in the
append-only audit log; :func:`review_stats` reads the log back and counts them, which is the
extraction's real-world precision on this plan. No table is added: the log is the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal, TypeVar

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.audit import loaders as audit_loaders
from gaodi.audit import service as audit
from gaodi.core.errors import NotFoundError, ValidationError
from gaodi.core.permissions import Principal
from gaodi.core.text_safety import VisibleText
from gaodi.plans import editing, service
from gaodi.plans.inference import propose
from gaodi.plans.matching import IndicatorIndex
from gaodi.plans.models import Action, Indicator, Target
from gaodi.plans.schemas import PlanOut, TargetOut, TargetUpdate
from gaodi.text.bands import BandKey, band_index
from gaodi.text.bands import measured as measured_bands
from gaodi.text.schema import JudgedTarget, SetAsideTarget, SuggestedTarget
from gaodi.text.targets import read_clause
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.pages import Access, form, page, route_extra

router = APIRouter()
J = TypeVar("J", bound=JudgedTarget)
STATIC = Path(__file__).resolve().parent / "static"
REVIEW_ENTITY = "plan_review"  # explicit audit events of this screen (the additions)
# a change to any of these is a correction of what the extractor read
CORRECTED_FIELDS = frozenset(
    {"indicator_name", "indicator_id", "value", "value_max", "unit", "year", "comparator"}
)


def _review_js() -> FileResponse:
    return FileResponse(STATIC / "review.js", media_type="text/javascript")


router.add_api_route(
    "/plans/static/review.js",
    _review_js,
    methods=["GET"],
    include_in_schema=False,
    openapi_extra=route_extra(Access(public=True)),
)


# ---------------------------------------------------------------------------- pure parts
class Segment(BaseModel):
    """A run of the source text; ``targets`` are the ids of the targets quoting it,
    ``suggested`` the places (from 1) in the page's list of the suggestions quoting it."""

    text: str
    targets: list[int] = Field(default_factory=list)
    suggested: list[int] = Field(default_factory=list)


def segments(
    text: str, quotes: list[tuple[int, str | None]], suggested: list[str] | None = None
) -> tuple[list[Segment], list[int]]:
    """Split ``text`` where target quotes (and the quotes of ``suggested``, numbered from 1)
    start and end; also the ids whose quote is not in it.

    A quote is placed at its first occurrence not already taken by the same words of an earlier
    target (a plan that states the same clause twice has two places for it).

    >>> segs, lost = segments("到2023年,打造5个园区。", [(7, "打造5个园区"), (8, "不在文中")])
    >>> [(s.text, s.targets) for s in segs], lost
    ([('到2023年,', []), ('打造5个园区', [7]), ('。', [])], [8])
    >>> segs, _ = segments("打造5个园区,建成2个平台。", [(7, "打造5个园区")], ["建成2个平台"])
    >>> [(s.text, s.targets, s.suggested) for s in segs]
    [('打造5个园区', [7], []), (',', [], []), ('建成2个平台', [], [1]), ('。', [], [])]
    """
    spans: list[tuple[int, int, int]] = []
    marks: list[tuple[int, int, int]] = []  # (start, end, place) of each suggestion
    lost: list[int] = []
    used: dict[str, int] = {}
    for place, hint in enumerate(suggested or [], start=1):
        start = text.find(hint)
        if hint and start >= 0:
            marks.append((start, start + len(hint), place))
    for target_id, quote in quotes:
        if not quote:
            lost.append(target_id)
            continue
        start = text.find(quote, used.get(quote, 0))
        if start < 0:
            start = text.find(quote)
        if start < 0:
            lost.append(target_id)
            continue
        used[quote] = start + 1
        spans.append((start, start + len(quote), target_id))
    cuts = sorted({0, len(text)} | {p for s in (*spans, *marks) for p in s[:2]})
    out: list[Segment] = []
    for a, b in pairwise(cuts):
        ids = sorted(t for s, e, t in spans if s <= a and b <= e)
        places = sorted(t for s, e, t in marks if s <= a and b <= e)
        if out and (out[-1].targets, out[-1].suggested) == (ids, places):
            out[-1].text += text[a:b]
        else:
            out.append(Segment(text=text[a:b], targets=ids, suggested=places))
    return out, lost


# ---------------------------------------------------------------------------- the record
class ReviewStats(BaseModel):
    """What the reviewers did to the extraction of one plan, read from the audit log."""

    extracted: int = Field(description="Targets the extractor created (still there or not).")
    kept: int = Field(description="Extracted targets no reviewer changed or rejected.")
    corrected: int = Field(description="Extracted targets with a corrected field.")
    rejected: int = Field(description="Extracted targets a reviewer deleted (or merged away).")
    added: int = Field(description="Targets a reviewer added from the text.")
    restored: int = Field(
        0, description="Of those added: targets the model had set aside, restored by a reviewer."
    )
    adopted: int = Field(
        0, description="Of those added: numbers the model had suggested, adopted by a reviewer."
    )
    precision: float | None = Field(
        description="(extracted − rejected) / extracted: the share of extracted targets that "
        "were real targets; null before anything was extracted."
    )
    exact: float | None = Field(description="kept / extracted: right as extracted.")
    recall: float | None = Field(
        description="(extracted − rejected) / (extracted − rejected + added): the share of the "
        "real targets the extractor found, as far as reviewers have added the missed ones."
    )


def _additions(session: Session, plan_id: int) -> list[dict[str, Any]]:
    """What the audit log recorded of each target a reviewer added to the plan (``add_target``:
    its id, quote, source and the value as listed)."""
    return [
        e.after or {}
        for e in audit_loaders.entity_events(
            session, REVIEW_ENTITY, "add", entity_ids=[str(plan_id)]
        )
    ]


def review_stats(session: Session, plan_id: int) -> ReviewStats:
    """Count corrections, rejections and additions of a plan's targets from the audit log."""
    current = set(session.scalars(select(Target.id).where(Target.plan_id == plan_id)))
    deleted = {
        int(e.entity_id)
        for e in audit_loaders.entity_events(session, "target", "delete")
        if e.entity_id and (e.before or {}).get("plan_id") == plan_id
    }
    source = {int(a["target"]): a.get("source", "text") for a in _additions(session, plan_id)}
    added = set(source)
    extracted = (current | deleted) - added
    changed: set[int] = set()
    ids = [str(i) for i in extracted & current]
    if ids:
        for e in audit_loaders.entity_events(session, "target", "update", entity_ids=ids):
            if CORRECTED_FIELDS & set(e.after or {}):
                changed.add(int(e.entity_id or 0))
    rejected = extracted & deleted
    n, r, a = len(extracted), len(rejected), len(added - deleted)
    found = n - r
    kept_sources = [source[t] for t in added - deleted]
    return ReviewStats(
        extracted=n,
        kept=n - r - len(changed),
        corrected=len(changed),
        rejected=r,
        added=a,
        restored=kept_sources.count("set_aside"),
        adopted=kept_sources.count("suggestion"),
        precision=found / n if n else None,
        exact=(n - r - len(changed)) / n if n else None,
        recall=found / (found + a) if found + a else None,
    )


class AddTarget(BaseModel):
    """A missed target, added from words selected in the plan's text."""

    # "nan" and "inf" parse as floats: refused with the field's reason, never stored
    model_config = ConfigDict(allow_inf_nan=False)
    quote: str = Field(min_length=1, max_length=2000)
    indicator_name: VisibleText = Field(min_length=1, max_length=200)
    value: float | None = None
    value_max: float | None = None
    unit: str | None = Field(None, max_length=32)
    year: int | None = Field(None, ge=1949, le=2100)
    comparator: Literal[">=", "<=", "="] | None = None
    action_number: str | None = None
    # where the reviewer took it from: words selected in the text, a target the model set
    # aside, or a number it suggested (counted apart in the review's figures); for the last
    # two, the value as listed (the reviewer may mend it: the listing still counts as taken)
    source: Literal["text", "set_aside", "suggestion"] = "text"
    listed_value: float | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _blank(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("source", mode="before")
    @classmethod
    def _text_by_default(cls, value: object) -> object:
        return "text" if value is None else value


def add_target(session: Session, principal: Principal, plan_id: int, data: AddTarget) -> TargetOut:
    """Add a target the extractor missed. Its quote must be words of the plan's text; what the
    reviewer leaves blank is read from the quote (value, unit, comparator) or the plan (year)."""
    plan = service._plan(session, principal, plan_id, "edit")
    service._draft(plan)
    quote = data.quote.strip()
    if not plan.source_text or quote not in plan.source_text:
        raise ValidationError(
            "所选文字不在计划原文中：请在原文中选择目标所在的句子。",
            "The selected words are not in the plan's text: select the target's clause in the "
            "text.",
            field="quote",
        )
    read = read_clause(quote)
    value = data.value if data.value is not None else (read.value if read else None)
    if value is None:
        raise ValidationError(
            "所选文字中没有数值，请填写目标值。",
            "The selected words hold no number: enter the target value.",
            field="value",
        )
    from_quote = data.value is None and read is not None
    value_max = (
        data.value_max
        if data.value_max is not None
        else (read.value_max if from_quote and read else None)
    )
    unit = data.unit or (read.unit if read else None) or "-"
    comparator = data.comparator or (read.comparator if read else "=")
    year = data.year or plan.period_end
    row = {
        "indicator_name": data.indicator_name,
        "value": value,
        "value_max": value_max,
        "unit": unit,
        "year": year,
        "comparator": comparator,
    }
    for problem in editing.target_problems(row):  # the targets' one rule set (and words)
        raise problem
    action_id = None
    if data.action_number:
        action_id = session.scalar(
            select(Action.id).where(Action.plan_id == plan.id, Action.number == data.action_number)
        )
        if action_id is None:
            raise editing.unknown_action(data.action_number, field="action_number")
    indicator = IndicatorIndex(session, principal).find(data.indicator_name, unit).indicator
    if indicator is None:
        p = propose(data.indicator_name, unit, comparator, quote)
        taken = set(session.scalars(select(Indicator.code)))
        indicator = Indicator(
            code=service._unique_code(session, p.code, taken),
            name=p.name,
            unit=p.unit,
            aggregation=p.aggregation,
            direction=p.direction,
            kind=p.kind,
            owner=p.owner,
            frequency=p.frequency,
            deadline_day=5,
            description=f"审核时从计划“{plan.title}”原文补充 {service.extracted_mark(plan.id)}",
        )
        session.add(indicator)
        session.flush()
    target = Target(
        plan_id=plan.id,
        action_id=action_id,
        indicator_id=indicator.id,
        indicator_name=data.indicator_name,
        value=float(value),
        value_max=None if value_max is None else float(value_max),
        unit=unit,
        year=year,
        comparator=comparator,
        quote=quote,
        size_class=read.size_class if read else None,
        annual=bool(read.annual) if read else False,
    )
    session.add(target)
    session.flush()
    audit.record(
        session,
        REVIEW_ENTITY,
        "add",
        entity_id=str(plan.id),
        after={
            "target": target.id,
            "quote": quote,
            "source": data.source,
            "listed_value": data.listed_value,
        },
        note="审核补充漏提目标 (a target the extraction missed, added by a reviewer)",
    )
    action = session.get(Action, action_id) if action_id else None
    from gaodi.plans.outputs import target_out

    return target_out(target, indicator, action)


# ---------------------------------------------------------------------------- the page
class TargetReading(BaseModel):
    """What the extractor reads from a target's quote beyond the stored columns."""

    size_class: str | None = Field(
        None, description="The class of what a count counts ('千亿级' in '2个千亿级集群')."
    )
    annual: bool = Field(False, description="The value holds for each year (年均/每年).")


def target_readings(targets: list[TargetOut]) -> dict[str, TargetReading]:
    """Size class and 年均 mark of each target: as stored when the plan was loaded (migration
    0011); for a target stored before that, read again from its quote by the same rules.
    Keyed by the target id as text (a JSON object key).
    """
    out: dict[str, TargetReading] = {}
    for t in targets:
        if t.size_class or t.annual:
            out[str(t.id)] = TargetReading(size_class=t.size_class, annual=t.annual)
            continue
        read = read_clause(t.quote, value=t.value) if t.quote else None
        if read is not None and (read.size_class or read.annual):
            out[str(t.id)] = TargetReading(size_class=read.size_class, annual=read.annual)
    return out


@dataclass(frozen=True)
class _SecondOpinion:
    confidence: dict[tuple[str, float], float]  # by (quote, value) of each target extracted
    set_aside: tuple[SetAsideTarget, ...]
    suggested: tuple[SuggestedTarget, ...]


@lru_cache(maxsize=8)
def _second_opinion_of(text: str) -> _SecondOpinion:
    """The model's confidence in each target extracted from ``text`` (by quote and value), what
    it set aside and what it suggested: one extraction per text, not per page view (a text
    does not change in review)."""
    from gaodi.text.extract import extract_plan

    try:
        found = extract_plan(text)
    except ValidationError:
        return _SecondOpinion({}, (), ())  # an empty text: nothing extracted
    confidence = {
        (t.quote, float(t.value)): t.confidence for t in found.targets if t.confidence is not None
    }
    return _SecondOpinion(confidence, tuple(found.set_aside), tuple(found.suggested))


def taken_from_lists(session: Session, plan_id: int) -> set[tuple[str, float]]:
    """(quote, value as listed) of each target a reviewer restored or adopted from the model's
    lists, read from the audit log: taken once, whatever the reviewer mended."""
    return {
        (str(a["quote"]), float(a["listed_value"]))
        for a in _additions(session, plan_id)
        if a.get("listed_value") is not None
    }


def _not_held(
    judged: tuple[J, ...], targets: list[TargetOut], taken: set[tuple[str, float]]
) -> list[J]:
    held = {(t.quote, float(t.value)) for t in targets if t.quote and t.value is not None}
    return [j for j in judged if (j.target.quote, float(j.target.value)) not in held | taken]


def set_aside_candidates(
    text: str, targets: list[TargetOut], taken: set[tuple[str, float]] | None = None
) -> list[SetAsideTarget]:
    """What the extraction of ``text`` set aside (:mod:`gaodi.text.learned`), less what the plan
    already holds (a target with the same quote and value: restored, or added by hand) and
    what was ``taken`` from the list (``taken_from_lists``)."""
    return _not_held(_second_opinion_of(text).set_aside, targets, taken or set())


def suggestions(
    text: str, targets: list[TargetOut], taken: set[tuple[str, float]] | None = None
) -> list[SuggestedTarget]:
    """The numbers of ``text`` the rules passed over that the model suggests as targets, less
    what the plan already holds (adopted, or added by hand) and what was ``taken``."""
    return _not_held(_second_opinion_of(text).suggested, targets, taken or set())


def confidences(text: str, targets: list[TargetOut]) -> dict[str, float]:
    """The model's confidence in each target of the plan that the extraction of ``text`` reads
    with the same quote and value (a corrected value or an added target has none), by id."""
    known = _second_opinion_of(text).confidence
    return {
        str(t.id): known[(t.quote, float(t.value))]
        for t in targets
        if t.quote and t.value is not None and (t.quote, float(t.value)) in known
    }


class ConfidenceBand(BaseModel):
    """A band of the model's confidence in a target, how often a target in it was right on
    texts nobody tuned on (:mod:`gaodi.text.bands`), and how many of this plan's targets are
    in it."""

    key: BandKey
    label: str = Field(description='The band as shown, e.g. "0.50–0.80".')
    precision: Decimal = Field(
        description="Of the targets the extraction gave in this band on the held-out texts "
        "of the corpus, the share that were annotated targets."
    )
    measured_targets: int = Field(description="How many targets that share is of.")
    here: int = Field(description="This plan's targets in the band.")


def confidence_bands(confidence: dict[str, float]) -> tuple[list[ConfidenceBand], list[int]]:
    """The bands with this plan's counts, and the targets to check first: those below the
    surest band, least sure first (by the value shown; ties by id)."""
    shipped = measured_bands()
    here = [0 for _ in shipped.bands]
    for c in confidence.values():
        here[band_index(c)] += 1
    out = [
        ConfidenceBand(key=b.key, label=b.label(), precision=b.precision,
                       measured_targets=b.targets, here=n)
        for b, n in zip(shipped.bands, here, strict=True)
    ]  # fmt: skip
    top = len(shipped.bands) - 1
    # by the value as shown (two decimals), then by id: 0.4999 and 0.5 are both "0.50"
    first = sorted(
        (Decimal(f"{c:.2f}"), int(i)) for i, c in confidence.items() if band_index(c) < top
    )
    return out, [i for _, i in first]


class TextReview(BaseModel):
    plan: PlanOut
    has_text: bool
    segments: list[Segment]
    unplaced: list[int] = Field(description="Targets whose quote is not found in the text.")
    stats: ReviewStats
    readings: dict[str, TargetReading] = Field(
        default_factory=dict,
        description="By target id: the size class and 年均 mark read from its quote (targets "
        "with neither are left out).",
    )
    confidence: dict[str, float] = Field(
        default_factory=dict,
        description="By target id: the learned model's probability that it is a target, for "
        "the targets as extracted (gaodi.text.learned).",
    )
    band: dict[str, BandKey] = Field(
        default_factory=dict,
        description="By target id (those with a confidence): its band of the model's confidence.",
    )
    bands: list[ConfidenceBand] = Field(
        default_factory=list,
        description="The bands of the model's confidence, how often a target in each was right "
        "on texts nobody tuned on, and how many of this plan's targets are in each.",
    )
    bands_texts: int = Field(0, description="On how many held-out texts the bands were measured.")
    check_first: list[int] = Field(
        default_factory=list,
        description="Ids of the targets below the surest band, least sure first.",
    )
    set_aside: list[SetAsideTarget] = Field(
        default_factory=list,
        description="Targets the rules read from the text that the learned model set aside, "
        "with its reason; a draft's reviewer can restore each (it is then added as a target).",
    )
    suggested: list[SuggestedTarget] = Field(
        default_factory=list,
        description="Numbers of the text the rules passed over that the learned model "
        "suggests as targets, each read as one, with its reason; a draft's reviewer can adopt "
        "each (it is then added as a target).",
    )


@page(
    router,
    "/plans/drafts/{plan_id}/text",
    api="/plans/drafts/{plan_id}/text",
    template="plans/text_review.html",
    domain="plan",
)
def text_review_page(ctx: PageContext, plan_id: int) -> TextReview:
    """The plan's text beside its targets, each quote highlighted, and the review's counts."""
    assert ctx.principal is not None
    plan = service._plan(ctx.session, ctx.principal, plan_id)
    out = service.plan_out(ctx.session, plan, ctx.principal, ctx.lang)
    text = plan.source_text or ""
    # (a draft's: once adopted, what the model set aside or suggests is no longer to be added)
    draft = bool(text.strip()) and plan.status == "draft"
    taken = taken_from_lists(ctx.session, plan.id) if draft else set()
    suggested = suggestions(text, out.targets, taken) if draft else []
    segs, lost = segments(
        text, [(t.id, t.quote) for t in out.targets], [x.target.quote for x in suggested]
    )
    confidence = confidences(text, out.targets) if text.strip() else {}
    bands, check_first = confidence_bands(confidence)
    return TextReview(
        plan=out,
        has_text=bool(text),
        segments=segs,
        unplaced=lost,
        stats=review_stats(ctx.session, plan.id),
        readings=target_readings(out.targets),
        confidence=confidence,
        band={i: bands[band_index(c)].key for i, c in confidence.items()},
        bands=bands if confidence else [],
        bands_texts=measured_bands().texts,
        check_first=check_first,
        set_aside=set_aside_candidates(text, out.targets, taken) if draft else [],
        suggested=suggested,
    )


class CorrectForm(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    indicator_name: VisibleText = Field(min_length=1, max_length=200)
    value: float
    value_max: float | None = None
    unit: str = Field(min_length=1, max_length=32)
    year: int = Field(ge=1949, le=2100)
    comparator: Literal[">=", "<=", "="]
    # the indicator match: link the target to this existing indicator instead
    indicator_code: str | None = Field(None, pattern=r"^[a-z_][a-z0-9_]{0,63}$")

    @field_validator("value_max", "indicator_code", mode="before")
    @classmethod
    def _blank(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


def _own(ctx: PageContext, plan_id: int, target_id: int) -> None:
    assert ctx.principal is not None
    if service._target(ctx.session, ctx.principal, target_id, "read").plan_id != plan_id:
        raise NotFoundError(
            f"计划 {plan_id} 中没有目标 {target_id}。", f"Plan {plan_id} has no target {target_id}."
        )


@form(
    router,
    "/plans/drafts/{plan_id}/text/targets/{target_id}",
    domain="plan",
    action="edit",
    page=text_review_page,
)
def correct_form(ctx: PageContext, plan_id: int, target_id: int) -> Response:
    """Correct a target's indicator, value, unit, comparator or year inline."""
    assert ctx.principal is not None
    _own(ctx, plan_id, target_id)
    data = ctx.parse_form(CorrectForm)
    changes = data.model_dump(exclude_none=True)
    if data.value_max is None:
        changes["value_max"] = None  # a blank upper end clears it
    service.update_target(ctx.session, ctx.principal, target_id, TargetUpdate(**changes))
    ctx.flash(ctx._("Target #%(id)s corrected.", id=target_id))
    return ctx.redirect(f"/plans/drafts/{plan_id}/text#t-{target_id}")


@form(
    router,
    "/plans/drafts/{plan_id}/text/targets/{target_id}/reject",
    domain="plan",
    action="edit",
    page=text_review_page,
)
def reject_form(ctx: PageContext, plan_id: int, target_id: int) -> Response:
    """Reject an extracted target: it is not a target of the plan."""
    assert ctx.principal is not None
    _own(ctx, plan_id, target_id)
    service.delete_target(ctx.session, ctx.principal, target_id)
    ctx.flash(ctx._("Target #%(id)s rejected.", id=target_id))
    return ctx.redirect(f"/plans/drafts/{plan_id}/text")


@form(
    router,
    "/plans/drafts/{plan_id}/text/add",
    domain="plan",
    action="edit",
    page=text_review_page,
)
def add_form(ctx: PageContext, plan_id: int) -> Response:
    """Add a missed target from the words selected in the text."""
    assert ctx.principal is not None
    data = ctx.parse_form(AddTarget)
    # a refused quote or value names its field: the page comes back with the reason beside it
    target = add_target(ctx.session, ctx.principal, plan_id, data)
    ctx.flash(ctx._("Target #%(id)s added from the text.", id=target.id))
    return ctx.redirect(f"/plans/drafts/{plan_id}/text#t-{target.id}")
