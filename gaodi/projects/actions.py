"""One entry point per workflow for "do step X to object N": the HTML forms and the JSON API
both post an :class:`ActionIn` naming the step and its fields; :func:`perform` runs it.

Every step is a service function of :mod:`.projects`, :mod:`.challenges` or :mod:`.appeals`;
this module only maps names to them and checks that the fields a step needs are present.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

import pydantic
from pydantic import AfterValidator, Field
from sqlalchemy.orm import Session

from gaodi.core.dbint import DbInt, RowId
from gaodi.core.errors import ValidationError
from gaodi.core.permissions import Principal
from gaodi.core.text_safety import VisibleText, refuse_illegal, refuse_invisible
from gaodi.projects import appeals, challenges, projects
from gaodi.projects.schemas import (
    APPLICANT_NAME_MAX,
    MAX_AMOUNT,
    MILESTONE_TITLE_MAX,
    ApplicationIn,
    FormIn,
    label,
)

#: A reviewer's name: VisibleText capped at its column. The cap comes first, inside the optional
#: type: put on the union (``Field(max_length=…)`` of ``str | None``) it is checked apart as
#: "too_long", and the forms and the API lose the words "at most 100 characters".
ReviewerName = Annotated[
    str,
    Field(max_length=challenges.REVIEWER_NAME_MAX),
    AfterValidator(refuse_illegal),
    AfterValidator(refuse_invisible),
]
#: An applicant's name and a milestone's title, capped (the same way) at the length of the
#: model and the column they are written to: over it, the step's own model (ApplicationIn) or
#: the database refused them after the request was taken, a 500.
ApplicantName = Annotated[
    str,
    Field(max_length=APPLICANT_NAME_MAX),
    AfterValidator(refuse_illegal),
    AfterValidator(refuse_invisible),
]
MilestoneTitle = Annotated[
    str,
    Field(max_length=MILESTONE_TITLE_MAX),
    AfterValidator(refuse_illegal),
    AfterValidator(refuse_invisible),
]


class ActionIn(FormIn):
    """A workflow step and its fields (only those the step uses are read)."""

    action: str = Field(description="The step, e.g. advance, assign, score, confirm.")
    comment: str | None = Field(
        None,
        max_length=projects.MAX_REASON,
        description=f"The step's comment or a correction's reason, at most "
        f"{projects.MAX_REASON:,} characters.",
        json_schema_extra=label("Comment"),
    )
    # projects
    stage: str | None = Field(None, json_schema_extra=label("Stage"))
    on: date | None = Field(None, description="Date of a stage or of a milestone's completion.")
    period: str | None = Field(None, json_schema_extra=label("Month"))
    amount: float | None = Field(None, le=MAX_AMOUNT, description="万元")
    year: int | None = Field(None, ge=1900, le=2100, json_schema_extra=label("annual|Year"))
    # challenges
    application_id: RowId | None = Field(None, json_schema_extra=label("challenge|Application"))
    # a name, title or proposal the step records must show (not "\u200b"): VisibleText
    applicant_name: ApplicantName | None = Field(None, json_schema_extra=label("Applicant"))
    applicant_uscc: str | None = Field(None, json_schema_extra=label("USCC"))
    enterprise_id: RowId | None = None
    proposal: VisibleText | None = Field(None, json_schema_extra=label("long|Proposal"))
    requested_budget: float | None = Field(
        None,
        ge=0,
        le=MAX_AMOUNT,
        description="万元",
        json_schema_extra=label("Requested (10k yuan)"),
    )
    username: str | None = Field(None, json_schema_extra=label("Account name"))
    name: ReviewerName | None = Field(None, json_schema_extra=label("person|Name"))
    affiliation: str | None = Field(
        None, max_length=challenges.REVIEWER_AFFILIATION_MAX, json_schema_extra=label("Affiliation")
    )
    has_conflict: bool | None = Field(None, json_schema_extra=label("Conflict of interest?"))
    score: float | None = Field(None, json_schema_extra=label("Score (0–100)"))
    title: MilestoneTitle | None = Field(None, json_schema_extra=label("milestone|Title"))
    due_on: date | None = Field(None, json_schema_extra=label("Due on"))
    milestone_id: RowId | None = Field(None, json_schema_extra=label("Milestone"))
    # appeals
    department: str | None = None
    satisfaction: DbInt | None = None


def _need(data: ActionIn, *names: str) -> None:
    missing = [n for n in names if getattr(data, n) is None]
    if missing:
        raise ValidationError(
            f"缺少字段：{'、'.join(missing)}。",
            f"Missing field(s): {', '.join(missing)}.",
            field=missing[0],
            missing=missing,
        )


Step = Callable[[Session, Principal, int, ActionIn], Any]


def _p_advance(s: Session, p: Principal, ident: int, d: ActionIn) -> Any:
    _need(d, "stage", "on")
    return projects.advance(s, p, ident, d.stage or "", d.on or date.min, d.comment)


def _p_progress(s: Session, p: Principal, ident: int, d: ActionIn) -> Any:
    _need(d, "period", "amount")
    return projects.report_progress(s, p, ident, d.period or "", d.amount or 0.0, d.comment)


def _p_plan(s: Session, p: Principal, ident: int, d: ActionIn) -> Any:
    _need(d, "year", "amount")
    return projects.set_year_plan(s, p, ident, d.year or 0, d.amount or 0.0, d.comment)


def _c_apply(s: Session, p: Principal, ident: int, d: ActionIn) -> Any:
    _need(d, "applicant_name", "proposal")
    data = ApplicationIn(
        applicant_name=d.applicant_name or "",
        applicant_uscc=d.applicant_uscc,
        enterprise_id=d.enterprise_id,
        proposal=d.proposal or "",
        requested_budget=d.requested_budget,
    )
    return challenges.apply(s, p, ident, data)


def _c_reviewer(s: Session, p: Principal, ident: int, d: ActionIn) -> Any:
    _need(d, "username", "name")
    return challenges.add_reviewer(s, p, ident, d.username or "", d.name or "", d.affiliation)


def _c_declare(s: Session, p: Principal, ident: int, d: ActionIn) -> Any:
    _need(d, "application_id", "has_conflict")
    return challenges.declare(s, p, ident, d.application_id or 0, bool(d.has_conflict), d.comment)


def _c_score(s: Session, p: Principal, ident: int, d: ActionIn) -> Any:
    _need(d, "application_id", "score")
    return challenges.score(s, p, ident, d.application_id or 0, d.score or 0.0, d.comment)


def _c_milestone(s: Session, p: Principal, ident: int, d: ActionIn) -> Any:
    _need(d, "title", "due_on")
    return challenges.add_milestone(s, p, ident, d.title or "", d.due_on or date.min, d.comment)


def _c_done(s: Session, p: Principal, ident: int, d: ActionIn) -> Any:
    _need(d, "milestone_id", "on")
    return challenges.complete_milestone(
        s, p, ident, d.milestone_id or 0, d.on or date.min, d.comment
    )


PROJECT_STEPS: dict[str, Step] = {
    "advance": _p_advance,
    "report_progress": _p_progress,
    "set_year_plan": _p_plan,
}

CHALLENGE_STEPS: dict[str, Step] = {
    "apply": _c_apply,
    "add_reviewer": _c_reviewer,
    "close": lambda s, p, i, d: challenges.close(s, p, i, d.comment),
    "declare": _c_declare,
    "score": _c_score,
    "award": lambda s, p, i, d: challenges.award(s, p, i, d.application_id, d.comment),
    "add_milestone": _c_milestone,
    "start": lambda s, p, i, d: challenges.start(s, p, i, d.comment),
    "complete_milestone": _c_done,
    "accept": lambda s, p, i, d: challenges.accept(s, p, i, d.comment),
    "fail": lambda s, p, i, d: challenges.fail(s, p, i, d.comment or ""),
    "cancel": lambda s, p, i, d: challenges.cancel(s, p, i, d.comment or ""),
}


def _a_reassign(s: Session, p: Principal, ident: int, d: ActionIn) -> Any:
    _need(d, "department")
    return appeals.reassign(s, p, ident, d.department or "", d.comment or "")


def _a_confirm(s: Session, p: Principal, ident: int, d: ActionIn) -> Any:
    _need(d, "satisfaction")
    return appeals.confirm(s, p, ident, d.satisfaction or 0, d.comment)


APPEAL_STEPS: dict[str, Step] = {
    "assign": lambda s, p, i, d: appeals.assign(s, p, i, d.department, d.comment),
    "reassign": _a_reassign,
    "start": lambda s, p, i, d: appeals.start(s, p, i, d.comment),
    "resolve": lambda s, p, i, d: appeals.resolve(s, p, i, d.comment or ""),
    "confirm": _a_confirm,
    "reopen": lambda s, p, i, d: appeals.reopen(s, p, i, d.comment or ""),
}

STEPS = {"project": PROJECT_STEPS, "challenge": CHALLENGE_STEPS, "appeal": APPEAL_STEPS}


def perform(session: Session, principal: Principal, kind: str, ident: int, data: ActionIn) -> Any:
    """Run step ``data.action`` of workflow ``kind`` on object ``ident``."""
    steps = STEPS[kind]
    step = steps.get(data.action)
    if step is None:
        raise ValidationError(
            f"未知操作“{data.action}”，可选：{'、'.join(steps)}。",
            f"Unknown step '{data.action}'; choose one of: {', '.join(steps)}.",
            field="action",
        )
    try:
        return step(session, principal, ident, data)
    except pydantic.ValidationError as exc:  # a model the step builds refused a posted field
        refusal = _refused(exc)
        if refusal is None:
            raise  # not a posted field: a bug, logged as one
        raise refusal from None


def _refused(exc: pydantic.ValidationError) -> ValidationError | None:
    """The app's 422 for a posted field a step's own model (e.g. :class:`ApplicationIn`)
    refused after the request was taken, naming the field as its form does (申请单位) in the
    words of the request's own 422, not a 500; None when the field is not one of ActionIn's."""
    from gaodi.ui.web.i18n import Translator

    err = exc.errors()[0]
    field = str(err["loc"][0]) if err.get("loc") else ""
    info = ActionIn.model_fields.get(field)
    if info is None:
        return None
    extra = info.json_schema_extra
    msgid = extra.get("x-label") if isinstance(extra, dict) else None
    limit = (err.get("ctx") or {}).get("max_length")
    said: dict[str, str] = {}
    for lang in ("zh", "en"):
        _ = Translator(lang)
        name = _(msgid) if isinstance(msgid, str) else _("Parameter “%(name)s”", name=field)
        if err["type"] == "string_too_long" and isinstance(limit, int):
            said[lang] = _(
                "%(name)s is too long: at most %(n)s characters.", name=name, n=f"{limit:,}"
            )
        else:
            said[lang] = _("%(name)s is not valid.", name=name)
    return ValidationError(said["zh"], said["en"], field=field)
