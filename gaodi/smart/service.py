"""Self-assessment use cases: check answers, score them by the published rules, store the result
by date, and build the result (score by dimension, level, gap to the next level item by item,
providers that can help).

Scoring and level determination are :mod:`gaodi.analytics.digital` (MIIT) and
:mod:`gaodi.analytics.digital_maturity` (GB/T 39116); nothing is computed here twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.analytics import digital, digital_maturity
from gaodi.core import clock
from gaodi.core.errors import ConflictError, NotFoundError, ValidationError
from gaodi.core.permissions import Principal, require, restrict
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.parks import loaders as park_loaders
from gaodi.smart.models import Assessment
from gaodi.smart.schemas import (
    DEFAULT_SCHEME,
    MATURITY_SCHEME,
    AssessmentResult,
    AssessmentSummary,
    DimensionScore,
    EnterpriseRef,
    GapMove,
    HistoryPoint,
    ItemAnswer,
    MaturityBlocker,
    MaturityLevelScore,
    ScenarioRating,
    ScenarioShortfall,
)
from gaodi.smart.scopes import DOMAIN

SCENARIO_LEVELS = (0, 1, 2, 3, 4)
EARLIEST = dt.date(2000, 1, 1)


@lru_cache(maxsize=8)
def scheme(scheme_id: str = DEFAULT_SCHEME) -> digital.Scheme:
    """A packaged MIIT scheme (cached; the rule files are package data)."""
    if scheme_id == MATURITY_SCHEME:
        raise ValidationError(
            "GB/T 39116 成熟度评估按要求逐条评分，不使用问卷。",
            "GB/T 39116 maturity is rated requirement by requirement, not by questionnaire.",
        )
    return digital.load_scheme(scheme_id)


@lru_cache(maxsize=1)
def maturity_model() -> digital_maturity.MaturityModel:
    return digital_maturity.load_maturity_model()


def scorable_scheme(scheme_id: str) -> digital.Scheme:
    s = scheme(scheme_id)
    if not s.scorable:
        raise ValidationError(
            f"方案《{s.title_zh}》缺少题目原文，无法用于自评；请使用 {DEFAULT_SCHEME}。",
            f"Scheme '{s.id}' has no item table and cannot be used for self-assessment; "
            f"use {DEFAULT_SCHEME}.",
            field="scheme",
        )
    return s


def subdomain_names() -> dict[str, str]:
    return {k: v[0] for k, v in maturity_model().subdomains.items()}


def subdomain_names_en() -> dict[str, str]:
    return {k: v[1] for k, v in maturity_model().subdomains.items()}


# ---------------------------------------------------------------------------- enterprises
class EnterpriseRecord(Protocol):
    """What this feature reads of an enterprise row (the enterprises feature's loaders return
    it; this feature does not import that feature's models)."""

    @property
    def id(self) -> int: ...
    @property
    def uscc(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def industry_code(self) -> str | None: ...
    @property
    def park_id(self) -> int | None: ...
    @property
    def is_demo(self) -> bool: ...


def enterprise(
    session: Session,
    principal: Principal,
    *,
    enterprise_id: int | None = None,
    uscc: str | None = None,
    action: str = "read",
) -> EnterpriseRecord:
    """An enterprise the principal may see (404 otherwise) and may ``action`` assessments of."""
    require(principal, action, DOMAIN)
    if enterprise_id is None and uscc is None:
        raise ValidationError("须指定企业。", "An enterprise is required.", field="uscc")
    ent = enterprise_loaders.readable_enterprise(
        session, principal, enterprise_id=enterprise_id, uscc=uscc
    )
    if ent is None:
        ref = uscc if uscc is not None else enterprise_id
        raise NotFoundError(
            f"找不到企业“{ref}”（或无权查看）。",
            f"No enterprise '{ref}' (or it is outside your scope).",
            field="uscc",
        )
    return ent


def enterprise_ref(session: Session, ent: EnterpriseRecord) -> EnterpriseRef:
    return EnterpriseRef(
        id=ent.id,
        uscc=ent.uscc,
        name=ent.name,
        industry_code=ent.industry_code,
        park=park_loaders.park_name(session, ent.park_id),
        is_demo=ent.is_demo,
    )


# ---------------------------------------------------------------------------- answers
@dataclass(frozen=True)
class Problem:
    """Why one item or scenario of a questionnaire cannot be accepted."""

    key: str  # item code, or "scenario:<code>"
    zh: str
    en: str


class AnswersInvalid(ValidationError):
    """At least one item or scenario is unanswered or invalid; nothing was stored."""

    code = "answers_invalid"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        first = self.problems[0]
        super().__init__(
            f"问卷有 {len(self.problems)} 处未答或无效（首处：{first.zh}），未保存。",
            f"The questionnaire has {len(self.problems)} unanswered or invalid answer(s) "
            f"(first: {first.en}); nothing was saved.",
            problems=[{"key": p.key, "zh": p.zh, "en": p.en} for p in self.problems],
        )


def _as_choice(raw: Any) -> str | list[str] | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = raw.strip()
        return raw or None
    values = [str(v).strip() for v in raw if str(v).strip()]
    return values or None


def check_answers(
    s: digital.Scheme, items: Mapping[str, Any], scenarios: Mapping[str, Any]
) -> tuple[dict[str, list[str]], dict[str, int], list[Problem]]:
    """Every problem of a questionnaire at once (unanswered, unknown option, …), in order.

    Each item is checked with :func:`gaodi.analytics.digital.validate_answers` on its own, so
    the messages are the analytics' own; the cleaned answers come back with the problems.
    """
    problems: list[Problem] = []
    known = {it.code for it in s.items}
    for code in sorted(set(items) - known):
        problems.append(Problem(code, f"未知题目“{code}”。", f"Unknown item '{code}'."))
    clean: dict[str, list[str]] = {}
    for it in s.items:
        raw = _as_choice(items.get(it.code))
        if raw is None:
            problems.append(
                Problem(
                    it.code,
                    f"题目“{it.title_zh}”未作答。",
                    f"Item '{it.code}' ({it.title_zh}) is unanswered.",
                )
            )
            continue
        try:
            resp = digital.validate_answers(s, {it.code: raw}, complete=False)
        except ValidationError as exc:
            problems.append(Problem(it.code, exc.zh, exc.en))
            continue
        clean[it.code] = sorted(resp.choices[it.code])
    scen: dict[str, int] = {}
    known_scen = {sc.code for sc in s.scenarios}
    for code in sorted(set(scenarios) - known_scen):
        problems.append(
            Problem(f"scenario:{code}", f"未知场景“{code}”。", f"Unknown scenario '{code}'.")
        )
    for sc in s.scenarios:
        raw_level = scenarios.get(sc.code)
        if raw_level is None or (isinstance(raw_level, str) and not raw_level.strip()):
            problems.append(
                Problem(
                    f"scenario:{sc.code}",
                    f"场景“{sc.name_zh}”未评定等级。",
                    f"Scenario '{sc.code}' ({sc.name_zh}) has no level.",
                )
            )
            continue
        try:
            level = int(str(raw_level).strip())
            digital.validate_answers(s, {}, {sc.code: level}, complete=False)
        except (ValueError, ValidationError):
            problems.append(
                Problem(
                    f"scenario:{sc.code}",
                    f"场景“{sc.name_zh}”的等级须为0至4的整数。",
                    f"Scenario '{sc.code}' level must be an integer 0..4.",
                )
            )
            continue
        scen[sc.code] = level
    return clean, scen, problems


def _assessed_on(value: dt.date | None) -> dt.date:
    today = clock.today()
    day = value or today
    if day > today or day < EARLIEST:
        raise ValidationError(
            f"评测日期 {day} 无效：须在 {EARLIEST} 至今天之间。",
            f"Assessment date {day} is invalid: it must be between {EARLIEST} and today.",
            field="assessed_on",
        )
    return day


def record_assessment(
    session: Session,
    principal: Principal,
    ent: EnterpriseRecord,
    items: Mapping[str, Any],
    scenarios: Mapping[str, Any],
    *,
    scheme_id: str = DEFAULT_SCHEME,
    assessed_on: dt.date | None = None,
    assessor: str | None = None,
    source: str = "web",
    comment: str | None = None,
) -> Assessment:
    """Score a complete questionnaire and store it as a new assessment (never overwriting one).

    Raises :class:`AnswersInvalid` listing every problem when any item or scenario is missing
    or invalid, and :class:`ConflictError` when the answers repeat the day's record
    (:func:`refuse_repeat`); nothing is written then.
    """
    require(principal, "edit", DOMAIN)
    s = scorable_scheme(scheme_id)
    day = _assessed_on(assessed_on)
    clean, scen, problems = check_answers(s, items, scenarios)
    if problems:
        raise AnswersInvalid(problems)
    # every path (form, API, import) stored a second identical record of the day otherwise
    refuse_repeat(session, principal, ent, s.id, day, {"items": clean, "scenarios": scen})
    result = digital.score_response(s, clean, scen)
    row = Assessment(
        enterprise_id=ent.id,
        scheme_id=s.id,
        scheme_version=s.version,
        assessed_on=day,
        answers={"items": clean, "scenarios": scen},
        scores={
            "by_dimension": dict(result.by_dimension),
            "item_points": dict(result.item_points),
        },
        total=result.total,
        level=result.level,
        level_name=result.level_name_zh,
        caveats=list(result.caveats),
        assessor=(assessor or "").strip() or None,
        source=source,
        comment=(comment or "").strip() or None,
        created_by=principal.username,
        created_at=clock.now(),
        is_demo=ent.is_demo,
    )
    session.add(row)
    session.flush()
    return row


def same_day(
    session: Session, principal: Principal, enterprise_id: int, scheme_id: str, day: dt.date
) -> list[Assessment]:
    """The enterprise's assessments of one scheme on one day, in the order they were stored
    (the last one is the day's record: a later one is a correction of the earlier)."""
    return [
        a for a in history(session, principal, enterprise_id, scheme_id) if a.assessed_on == day
    ]


def refuse_repeat(
    session: Session,
    principal: Principal,
    ent: EnterpriseRecord,
    scheme_id: str,
    assessed_on: dt.date,
    answers: Mapping[str, Any],
) -> None:
    """Refuse a questionnaire whose enterprise, scheme, date and answers equal the day's record
    (:class:`ConflictError`, ``field="assessed_on"``, naming that record).

    ``answers`` are the cleaned answers as stored (a questionnaire's, :func:`check_answers`;
    GB/T 39116 ratings, :func:`record_maturity`, compared in any order). An assessment is a
    dated record. The same answers submitted again for the same day — the same file imported
    twice, a form sent twice, an API call repeated — are almost always a mistake, and each
    stored a second, identical record; :func:`record_assessment` refuses them on every path
    with the id of the record they repeat, in words that fit a form, a call and an import
    alike. A questionnaire for the same day with *different* answers is a correction: it is
    stored as the day's newer record and supersedes the earlier one, which stays in the
    history (records are never overwritten; the history, the roll-ups and "latest" already
    take the later of two same-day records, see :func:`history` and :func:`superseded`).
    """
    rows = same_day(session, principal, ent.id, scheme_id, assessed_on)
    if not rows:
        return
    row = rows[-1]
    if _canonical(row.answers or {}) != _canonical(answers):
        return
    total = "—" if row.total is None else format(row.total, "g")
    level_en = "no level attained" if not row.level else f"level {row.level}"
    raise ConflictError(
        f"该企业（{ent.uscc}）{assessed_on} 已有一份答案完全相同的评估（#{row.id}，{total} 分，"
        f"{row.level_name}），未重复保存。如需更正，请修改答案后再提交；"
        "如是新的一次评测，请填写本次的评测日期。",
        f"An identical assessment of enterprise {ent.uscc} on {assessed_on} already exists "
        f"(#{row.id}, {total} points, {level_en}); nothing was saved again. To correct "
        "it, change the answers and submit again; for a new assessment, enter its own date.",
        field="assessed_on",
        existing=row.id,
    )


def _canonical(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers as compared for a repeat: a questionnaire's items and scenarios as stored, GB/T
    39116 ratings in any order (the same requirements rated the same are the same ratings)."""
    out = dict(answers)
    if "ratings" in out:
        out["ratings"] = sorted(
            out["ratings"], key=lambda r: (r["level"], r["subdomain"], r["rating"])
        )
    return out


def superseded(session: Session, principal: Principal, row: Assessment) -> Assessment | None:
    """The record of the same enterprise, scheme and day that ``row`` corrects (stored just
    before it), if any: said when a corrected form is imported, so nobody wonders which counts."""
    rows = same_day(session, principal, row.enterprise_id, row.scheme_id, row.assessed_on)
    earlier = [a for a in rows if a.id < row.id]
    return earlier[-1] if earlier else None


def record_maturity(
    session: Session,
    principal: Principal,
    ent: EnterpriseRecord,
    ratings: Sequence[Mapping[str, Any]],
    *,
    assessed_on: dt.date | None = None,
    assessor: str | None = None,
    source: str = "api",
    comment: str | None = None,
) -> Assessment:
    """Evaluate GB/T 39116 requirement ratings (GB/T 39117 scoring) and store the result; the
    same ratings again for the day's record are refused (:func:`refuse_repeat`)."""
    require(principal, "edit", DOMAIN)
    day = _assessed_on(assessed_on)
    model = maturity_model()
    rows = []
    for n, r in enumerate(ratings, start=1):
        raw = r.get("rating")
        value = model.rating_scale.get(str(raw).strip()) if isinstance(raw, str) else raw
        try:
            if value is None:
                raise ValueError(raw)
            rows.append(
                {"level": int(r["level"]), "subdomain": str(r["subdomain"]), "rating": float(value)}
            )
        except (KeyError, TypeError, ValueError):
            raise ValidationError(
                f"第 {n} 条评分无效（须有等级、能力子域和满足程度）。",
                f"Rating {n} is invalid (level, sub-domain and rating are needed).",
                field="ratings",
            ) from None
    if not rows:
        raise ValidationError("没有任何评分。", "No ratings were given.", field="ratings")
    # the same ratings again for the day's record: refused as a questionnaire's repeat is
    refuse_repeat(session, principal, ent, MATURITY_SCHEME, day, {"ratings": rows})
    frame = pl.DataFrame(rows, strict=False)
    res = digital_maturity.evaluate_maturity(model, frame)
    clean = [
        {"level": int(a), "subdomain": str(b), "rating": float(c)}
        for a, b, c in res.subdomain_scores.select("level", "subdomain", "score").iter_rows()
    ]
    row = Assessment(
        enterprise_id=ent.id,
        scheme_id=MATURITY_SCHEME,
        scheme_version="2020",
        assessed_on=day,
        answers={"ratings": rows},
        scores={
            "level_scores": {str(k): v for k, v in res.level_scores.items()},
            "subdomain_scores": clean,
            "next_level": res.next_level,
            "shortfall": res.shortfall,
        },
        total=res.level_scores.get(res.attained_level) if res.attained_level else None,
        level=res.attained_level,
        level_name=model.levels.get(res.attained_level, digital.NO_LEVEL_ZH),
        caveats=[
            "GB/T 39117 第6章评分规则（满足程度 0/0.5/0.8/1、0.8 通过线、等权）未经标准原文核对 "
            "(GB/T 39117 clause 6 scoring not verified against the standard's text)."
        ],
        assessor=(assessor or "").strip() or None,
        source=source,
        comment=(comment or "").strip() or None,
        created_by=principal.username,
        created_at=clock.now(),
        is_demo=ent.is_demo,
    )
    session.add(row)
    session.flush()
    return row


# ---------------------------------------------------------------------------- reading
def get_assessment(session: Session, principal: Principal, assessment_id: int) -> Assessment:
    row = session.scalars(
        restrict(select(Assessment), principal).where(Assessment.id == assessment_id)
    ).first()
    if row is None:
        raise NotFoundError(
            f"找不到评测记录 {assessment_id}（或无权查看）。",
            f"No assessment {assessment_id} (or it is outside your scope).",
        )
    return row


def history(
    session: Session, principal: Principal, enterprise_id: int, scheme_id: str | None = None
) -> list[Assessment]:
    """An enterprise's assessments, oldest first (same day: in the order they were stored)."""
    query = restrict(select(Assessment), principal).where(Assessment.enterprise_id == enterprise_id)
    if scheme_id:
        query = query.where(Assessment.scheme_id == scheme_id)
    return list(session.scalars(query.order_by(Assessment.assessed_on, Assessment.id)))


def summary(row: Assessment, ent: EnterpriseRecord) -> AssessmentSummary:
    return AssessmentSummary(
        id=row.id,
        enterprise_id=ent.id,
        uscc=ent.uscc,
        enterprise_name=ent.name,
        scheme_id=row.scheme_id,
        scheme_version=row.scheme_version,
        assessed_on=row.assessed_on,
        total=row.total,
        level=row.level,
        level_name=row.level_name,
        source=row.source,
        assessor=row.assessor,
        is_demo=row.is_demo,
    )


def _points(p: HistoryPoint | Assessment) -> HistoryPoint:
    assert isinstance(p, Assessment)
    return HistoryPoint(
        id=p.id,
        assessed_on=p.assessed_on,
        scheme_id=p.scheme_id,
        total=p.total,
        level=p.level,
        level_name=p.level_name,
    )


def miit_gap(row: Assessment) -> tuple[digital.Scheme, digital.LevelGap]:
    s = scheme(row.scheme_id)
    answers = dict(row.answers.get("items") or {})
    scen = {k: int(v) for k, v in (row.answers.get("scenarios") or {}).items()}
    return s, digital.gap_to_next_level(s, answers, scen)


def maturity_result(row: Assessment) -> digital_maturity.MaturityResult:
    frame = pl.DataFrame(row.answers.get("ratings") or [], strict=False)
    return digital_maturity.evaluate_maturity(maturity_model(), frame)


def needs(row: Assessment) -> dict[str, float]:
    """Capability needs (GB/T 39116 sub-domain -> weight) from an assessment's gap."""
    if row.scheme_id == MATURITY_SCHEME:
        return digital_maturity.maturity_needs(maturity_result(row))
    s, gap = miit_gap(row)
    return digital.capability_needs(s, gap)


def _miit_parts(row: Assessment, lang: str = "zh") -> dict[str, Any]:
    s, gap = miit_gap(row)
    # dimensions are named in the reader's language (the rule file's name_en on English pages),
    # as the providers' reasons are; the questionnaire's items and options exist in Chinese only
    english = not lang.startswith("zh")
    dims = {code: s.dimension_name(code, english=english) for code, _, _ in s.dimensions}
    by_dim = row.scores.get("by_dimension") or {}
    pts = row.scores.get("item_points") or {}
    dimensions = [
        DimensionScore(
            code=code,
            name=dims[code],
            score=float(by_dim.get(code, 0.0)),
            max=float(sum(i.max_points for i in s.items if i.dimension == code)),
        )
        for code, _, scored in s.dimensions
        if scored
    ]
    items = row.answers.get("items") or {}
    answers = []
    for it in s.items:
        chosen = list(items.get(it.code) or [])
        labels = {o.code: o.label_zh for o in it.options}
        answers.append(
            ItemAnswer(
                item=it.code,
                dimension=it.dimension,
                title=it.title_zh,
                chosen=chosen,
                chosen_labels=[labels.get(c, c) for c in chosen],
                points=float(pts.get(it.code, 0.0)),
                max_points=it.max_points,
            )
        )
    scen = row.answers.get("scenarios") or {}
    scenarios = []
    for sc in s.scenarios:
        lv = int(scen.get(sc.code, 0))
        desc = sc.levels_zh[lv - 1] if 1 <= lv <= len(sc.levels_zh) else None
        scenarios.append(
            ScenarioRating(
                code=sc.code, name=sc.name_zh, binding=sc.binding, level=lv, description=desc
            )
        )
    planned = {m.item for m in gap.plan}
    moves = []
    for m in gap.moves:
        item = s.item(m.item)
        labels = {o.code: o.label_zh for o in item.options}
        have = set(items.get(m.item) or [])
        moves.append(
            GapMove(
                item=m.item,
                title=m.title_zh,
                kind=item.kind,
                add_labels=[labels[c] for c in m.target_options if c not in have],
                dimension=m.dimension,
                dimension_name=dims.get(m.dimension, m.dimension),
                current_points=m.current_points,
                target=list(m.target_options),
                target_labels=[labels[c] for c in m.target_options],
                target_points=m.target_points,
                gain=m.gain,
                in_plan=m.item in planned,
            )
        )
    sf = gap.scenario_shortfall
    names = {sc.code: sc.name_zh for sc in s.scenarios}
    shortfall = (
        ScenarioShortfall(
            target_level=sf.target_level,
            need_total=sf.need_total,
            need_binding=sf.need_binding,
            candidates=[names[c] for c in sf.candidates],
        )
        if sf is not None
        else None
    )
    return {
        "scheme_title": s.title_zh,
        "scheme_title_en": s.title_en,
        "document_number": s.document_number,
        "kind": "miit",
        "max_level": max(lv.code for lv in s.levels),
        "dimensions": dimensions,
        "answers": answers,
        "scenarios": scenarios,
        "next_level": gap.next_level,
        "next_level_name": s.level_name(gap.next_level) if gap.next_level else None,
        "points_needed": gap.points_needed,
        "moves": moves,
        "scenario_shortfall": shortfall,
    }


def _maturity_parts(row: Assessment) -> dict[str, Any]:
    model = maturity_model()
    res = maturity_result(row)
    levels = [
        MaturityLevelScore(level=k, name=model.levels[k], score=v, attained=k <= res.attained_level)
        for k, v in sorted(res.level_scores.items())
    ]
    blockers = [
        MaturityBlocker(subdomain=a, name=b, score=float(c), gain_if_full=float(d))
        for a, b, c, d in res.blockers.iter_rows()
    ]
    return {
        "scheme_title": "GB/T 39116-2020 智能制造能力成熟度模型（GB/T 39117-2020 评估方法）",
        "scheme_title_en": (
            "GB/T 39116-2020 Maturity model of intelligent manufacturing capability"
            " (GB/T 39117-2020 assessment method)"
        ),
        "document_number": "GB/T 39116-2020",
        "kind": "maturity",
        "max_level": max(model.levels),
        "dimensions": [],
        "answers": [],
        "scenarios": [],
        "next_level": res.next_level,
        "next_level_name": model.levels.get(res.next_level) if res.next_level else None,
        "points_needed": res.shortfall or 0.0,
        "moves": [],
        "scenario_shortfall": None,
        "maturity_levels": levels,
        "maturity_blockers": blockers,
    }


def result(
    session: Session,
    principal: Principal,
    row: Assessment,
    *,
    providers: int = 8,
    lang: str = "zh",
) -> AssessmentResult:
    """Everything the result page shows for one assessment (read through ``restrict``); the
    dimensions and the providers' reasons in ``lang``."""
    from gaodi.smart import registry

    ent = enterprise(session, principal, enterprise_id=row.enterprise_id)
    parts = _maturity_parts(row) if row.scheme_id == MATURITY_SCHEME else _miit_parts(row, lang)
    past = history(session, principal, ent.id, row.scheme_id)
    matches = registry.match_providers(session, principal, row, ent, limit=providers, lang=lang)
    return AssessmentResult(
        enterprise=enterprise_ref(session, ent),
        assessment=summary(row, ent),
        caveats=list(row.caveats or []),
        history=[_points(p) for p in past],
        providers=matches,
        **parts,
    )


def latest(session: Session, principal: Principal, enterprise_id: int) -> Assessment | None:
    """The enterprise's newest assessment of the default scheme, else of any scheme."""
    rows = history(session, principal, enterprise_id)
    preferred = [r for r in rows if r.scheme_id == DEFAULT_SCHEME]
    pick = preferred or rows
    return pick[-1] if pick else None
