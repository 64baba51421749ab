"""One write path for reported values: the batch use case every entry point calls.

Every value — typed in the web form, given to ``gaodi plan observe``, posted to the JSON API,
or read from the Excel template by the exchange importer — goes through
:func:`prepare_observations` (validate every row, in the principal's scope, reading what the
checks need once per batch) and :func:`write_observations` (write all accepted rows at once).
The checks (:mod:`gaodi.plans.checks`) test each value against its indicator's unit, the
plausibility rule file (``gaodi/plans/rules/plausibility.yaml``), the active user rules and the
approval lock. An *error* refuses the value; a *warning* refuses it unless the user confirms
with a reason, which is kept in the observation's comment (and, from the form, in the audit
log). Nothing is silently accepted. Values are never overwritten: a correction is a new
revision.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from gaodi.audit import service as audit
from gaodi.core import clock
from gaodi.core.errors import ConflictError, GaodiError, NotFoundError, ValidationError
from gaodi.core.periods import parse_period
from gaodi.core.permissions import Principal, can, require, restrict
from gaodi.core.text_safety import has_visible
from gaodi.core.units import unit_words
from gaodi.plans import rulelang
from gaodi.plans.checks import (
    COUNTED,
    PlausibilityFlagged,
    _flag,
    _raise_flags,
    active_rules,
    check_value,
    check_words,
)
from gaodi.plans.inference import natural_kind
from gaodi.plans.models import Indicator, Observation, Submission, ValidationRule
from gaodi.plans.outputs import obs_out
from gaodi.plans.schemas import Flag, IntakeResult, ObservationIn
from gaodi.plans.submission import (
    TRANSITIONS,
    Key,
    _figure,
    _status,
    apply_transition,
    illegal,
    scope_words,
)

__all__ = ["PlausibilityFlagged", "check_value"]  # re-exported: callers import them from here

#: rows per IN (...) list and per INSERT statement (SQLite binds at most 32,766 values)
CHUNK = 500
WRITE_CHUNK = 5000


@dataclass(frozen=True)
class ObservationRow:
    """One value to submit, its scope already resolved to an id (0 for the city)."""

    indicator: str  # the indicator's code
    period: str
    value: float
    kind: str | None = None  # None: the indicator's natural kind
    scope: str = "city"
    scope_id: int = 0
    source: str | None = None
    comment: str | None = None
    is_demo: bool = False

    @classmethod
    def of(cls, data: ObservationIn, source: str) -> ObservationRow:
        return cls(
            indicator=data.indicator,
            period=data.period,
            value=float(data.value),
            kind=data.kind,
            scope=data.scope,
            scope_id=data.scope_id,
            source=data.source or source,
            comment=data.comment or None,
        )


@dataclass
class Refusal:
    """Why row ``index`` of a batch is refused.

    ``check`` names the rule (``value``, ``indicator``, ``scope``, ``duplicate``, ``locked``,
    ``flags``, ``reason``); ``error`` is what a single value entered in the form raises for it;
    ``flags`` the plausibility flags (with ``locked`` first when the period is approved);
    ``other`` the earlier row a duplicate repeats. Entry points word the refusal for their
    medium."""

    index: int
    check: str
    error: GaodiError
    flags: list[Flag] = field(default_factory=list)
    other: int | None = None


@dataclass
class ObservationBatch:
    """A validated batch: what will be written, and why any row is refused (then nothing is)."""

    rows: Sequence[ObservationRow]
    values: list[dict[str, Any]] = field(default_factory=list)  # one per accepted row
    accepted: list[int] = field(default_factory=list)  # the row index of each value
    flags: list[list[Flag]] = field(default_factory=list)  # the flags of each value
    confirmed: list[bool] = field(default_factory=list)  # each value's flags were confirmed
    states: list[tuple[str, Submission | None]] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    #: rows left alone as equal to the stored value (with ``same_figure``), each with the words
    #: that say so (:func:`unchanged`)
    kept: list[Refusal] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    reason: str | None = None


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Any:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _Known:
    """What the checks of a batch read from the database, each in one query (chunked)."""

    def __init__(self, session: Session, principal: Principal, codes: set[str]) -> None:
        self.indicators: dict[str, Indicator] = {}
        for chunk in _chunks(sorted(codes)):
            query = restrict(select(Indicator).where(Indicator.code.in_(chunk)), principal)
            self.indicators.update((i.code, i) for i in session.scalars(query))
        ids = sorted(i.id for i in self.indicators.values())
        # newest revision of each value; the counted series the plausibility checks compare to;
        # the newest revision of each period, whatever its kind (its status, without a
        # Submission row, is the period's)
        self.latest: dict[tuple[Any, ...], Any] = {}
        self.period_latest: dict[tuple[Any, ...], Any] = {}
        best: dict[tuple[Any, ...], tuple[int, float]] = {}
        columns = (
            Observation.id,
            Observation.indicator_id,
            Observation.scope,
            Observation.scope_id,
            Observation.period,
            Observation.kind,
            Observation.revision,
            Observation.value,
            Observation.status,
            Observation.comment,
            Observation.source,
        )
        self.submissions: dict[tuple[Any, ...], Submission] = {}
        for chunk in _chunks(ids):
            for o in session.execute(select(*columns).where(Observation.indicator_id.in_(chunk))):
                key = (o.indicator_id, o.scope, o.scope_id, o.period, o.kind)
                old = self.latest.get(key)
                if old is None or o.revision > old.revision:
                    self.latest[key] = o
                pkey = key[:4]
                old = self.period_latest.get(pkey)
                if old is None or (o.revision, o.id) > (old.revision, old.id):
                    self.period_latest[pkey] = o
                if o.status in COUNTED:
                    had = best.get(key)
                    if had is None or o.revision > had[0]:
                        best[key] = (o.revision, o.value)
            submissions = select(Submission).where(Submission.indicator_id.in_(chunk))
            for sub in session.scalars(submissions):
                self.submissions[(sub.indicator_id, sub.scope, sub.scope_id, sub.period)] = sub
        self.series: dict[tuple[Any, ...], dict[str, float]] = {}
        for (ind, scope, scope_id, period, kind), (_, value) in best.items():
            self.series.setdefault((ind, scope, scope_id, kind), {})[period] = value
        self.rules: list[ValidationRule] = active_rules(session) if ids else []

    def status(self, key: Key) -> tuple[str, Submission | None]:
        sub = self.submissions.get((key.indicator_id, key.scope, key.scope_id, key.period))
        obs = self.period_latest.get((key.indicator_id, key.scope, key.scope_id, key.period))
        return _status(sub, obs), sub  # type: ignore[arg-type]


def _unknown(code: str) -> NotFoundError:
    return NotFoundError(
        f"没有代码为“{code}”的指标。", f"No indicator with code {code!r}.", field="indicator"
    )


def _not_finite(value: float) -> ValidationError:
    return ValidationError(
        f"数值须为有限的数，收到 {value}。",
        f"The value must be a finite number, not {value}.",
        field="value",
    )


def _scope_missing(session: Session, scope: str, scope_id: int) -> ValidationError | None:
    """Why a value cannot be kept for a scope that does not exist (a park or chain id no row
    has, a city id other than 0), else None."""
    if scope == "city":
        if scope_id == 0:
            return None
        return ValidationError(
            f"全市数据的范围编号须为 0，收到 {scope_id}。",
            f"A city figure has scope id 0, not {scope_id}.",
            field="scope_id",
        )
    # read through the owning features' loaders (DESIGN.md, Layers), never their tables
    from gaodi.chains import loaders as chain_loaders
    from gaodi.parks import loaders as park_loaders

    if scope == "park":
        exists, zh, en = park_loaders.park_name(session, scope_id) is not None, "园区", "park"
    else:
        exists, zh, en = chain_loaders.chain_exists(session, scope_id), "产业链", "chain"
    if exists:
        return None
    return ValidationError(
        f"没有编号为 {scope_id} 的{zh}，数值未保存。",
        f"There is no {en} with id {scope_id}: the value was not saved.",
        field="scope_id",
    )


def _own_scopes(session: Session, principal: Principal) -> tuple[str, str]:
    """The parks and chains the user reports for, by name (zh, en), for the refusal to say
    what the user may report instead; empty when the user has none."""
    from gaodi.chains import loaders as chain_loaders
    from gaodi.parks import loaders as park_loaders

    parks = park_loaders.names(session, principal.park_ids) if principal.park_ids else {}
    chains = (
        chain_loaders.names_and_offices(session, principal.chain_ids) if principal.chain_ids else {}
    )
    named = [(f"园区“{n}”", f"park {n!r}") for _, n in sorted(parks.items())]
    named += [(f"产业链“{n}”", f"chain {n!r}") for _, (n, _o) in sorted(chains.items())]
    return "、".join(z for z, _ in named), ", ".join(e for _, e in named)


def _out_of_scope(
    session: Session, principal: Principal, scope: str, scope_id: int
) -> ValidationError:
    # a scope the user cannot report for is a wrong input of the form (422, next to the
    # field), not a hidden resource: offices may read city figures
    zh, en = scope_words(scope, scope_id)
    own_zh, own_en = _own_scopes(session, principal)
    return ValidationError(
        f"你只能填报本单位范围{f'（{own_zh}）' if own_zh else ''}的数据，不能填报{zh}的数据。",
        f"You can only report figures of your own office's scope"
        f"{f' ({own_en})' if own_en else ''}, not of {en}.",
        field="scope",
    )


def _locked(ind: Indicator, period: str) -> Flag:
    return _flag(
        "locked",
        "error",
        f"{ind.name} {period} 已审核锁定，须由管理员解锁后才能修改。",
        f"{ind.name} {period} is approved and locked: an administrator must unlock it "
        "before it can change.",
    )


#: the note :func:`prepare_observations` appends to a confirmed value's comment
_CONFIRMED_NOTE = re.compile(r"\s*【已确认 confirmed: .*\Z", re.S)


def _same_figure(old: Any, row: ObservationRow, status: str) -> bool:
    """Whether ``row`` only repeats the stored newest revision ``old`` (a form sent twice, Back
    and send again): the same value, and no comment other than the one on record (without the
    note a confirmed warning added to it). A returned period's figure is sent again on
    purpose (the owner stands by it), so it is never the same."""
    if old is None or "returned" in (status, old.status) or old.value != row.value:
        return False
    given = (row.comment or "").strip()
    stored = _CONFIRMED_NOTE.sub("", old.comment or "").strip()
    return not given or given == stored


def unchanged(ind: Indicator, period: str, old: Any) -> ConflictError:
    """A value sent again as it is on record: nothing was written, neither a revision nor a
    history step. The context flag ``unchanged`` tells a page to show it as information."""
    figure, unit = _figure(old.value), ind.unit or ""
    return ConflictError(
        f"{ind.name} {period} 已报送 {figure} {unit}（第 {old.revision} 版），数值未变化，"
        "未作更改。",
        f"{ind.name} {period} already holds {figure} {unit_words(unit, 'en')} (revision "
        f"{old.revision}): the value is unchanged, nothing was saved.",
        unchanged=True,
        revision=old.revision,
    )


def _unconfirmed(flags: list[Flag]) -> PlausibilityFlagged:
    """A row whose errors, or warnings without a reason in its comment, refuse it."""
    return PlausibilityFlagged(
        "数值未被接受：" + "；".join(f.message_zh for f in flags),
        "The value was refused: " + " ".join(f.message_en for f in flags),
        field="value",
        flags=[f.model_dump() for f in flags],
    )


def prepare_observations(
    session: Session,
    principal: Principal,
    rows: Sequence[ObservationRow],
    *,
    confirm: bool = False,
    reason: str | None = None,
    confirm_in_comment: bool = False,
    skip_unchanged: bool = False,
    same_figure: bool = False,
    now: datetime | None = None,
) -> ObservationBatch:
    """Validate every row of a batch without writing anything.

    Per row, in this order: the value is a finite number; the indicator exists (and the principal
    may read it); the principal may report for the scope, and it exists; the value is not a
    second one for the same key in the batch; it differs from the stored one
    (``skip_unchanged``: an equal value, not returned, is left alone); its period is not
    approved (locked); and its plausibility flags. A warning is accepted with ``confirm`` and a
    ``reason`` (the form: one reason for the batch), or with ``confirm_in_comment`` when the
    row's own comment gives it (the Excel template). ``same_figure``: a value equal to the
    stored one and bringing no new comment is left alone too (the single-value entry points:
    a form sent twice writes no second revision); each row left alone is in ``kept``.
    """
    require(principal, "submit", "plan")
    when = now or clock.now()
    batch = ObservationBatch(rows=rows, reason=reason)
    known = _Known(session, principal, {r.indicator for r in rows})
    submit = TRANSITIONS["submit"]
    seen: dict[tuple[Any, ...], int] = {}
    in_scope: dict[tuple[str, int], bool] = {}
    missing: dict[tuple[str, int], ValidationError | None] = {}
    for i, row in enumerate(rows):
        if not math.isfinite(row.value):
            # an Inf stored would make every board over its indicator refuse to read (the
            # board refuses non-finite figures), for every user; NaN fails NOT NULL as a 500
            err = _not_finite(row.value)
            flag = _flag("value", "error", err.zh, err.en)
            batch.refusals.append(Refusal(i, "value", err, [flag]))
            continue
        ind = known.indicators.get(row.indicator)
        if ind is None:
            batch.refusals.append(Refusal(i, "indicator", _unknown(row.indicator)))
            continue
        where = (row.scope, row.scope_id)
        if where not in in_scope:  # one question per scope of the batch, not per row
            in_scope[where] = can(
                principal, "submit", Observation(scope=where[0], scope_id=where[1])
            )
        if not in_scope[where]:
            refusal = _out_of_scope(session, principal, row.scope, row.scope_id)
            batch.refusals.append(Refusal(i, "scope", refusal))
            continue
        # asked only of a scope the principal may report for: an office learns nothing about
        # which ids exist outside its own
        if where not in missing:
            missing[where] = _scope_missing(session, row.scope, row.scope_id)
        absent = missing[where]
        if absent is not None:
            batch.refusals.append(Refusal(i, "scope", absent))
            continue
        kind = row.kind or natural_kind(ind.aggregation, ind.kind)
        period = str(parse_period(row.period))
        key = (ind.id, row.scope, row.scope_id, period, kind)
        if key in seen:
            n = seen[key] + 1
            batch.refusals.append(
                Refusal(
                    i,
                    "duplicate",
                    ValidationError(f"与第 {n} 行重复。", f"Duplicates row {n}.", field="period"),
                    other=seen[key],
                )
            )
            continue
        seen[key] = i
        old = known.latest.get(key)
        k = Key(ind.id, row.scope, row.scope_id, period)
        status, sub = known.status(k)
        if (
            skip_unchanged
            and old is not None
            and old.status != "returned"
            and (old.value, old.comment, old.source) == (row.value, row.comment, row.source)
        ) or (same_figure and _same_figure(old, row, status)):
            batch.unchanged += 1
            if same_figure:  # the words, for the single-value entry points only (not per row
                # of a large import)
                batch.kept.append(Refusal(i, "unchanged", unchanged(ind, period, old)))
            continue
        series = known.series.get((ind.id, row.scope, row.scope_id, kind), {})
        flags = check_value(
            session,
            ind,
            row.scope,
            row.scope_id,
            period,
            row.value,
            kind,
            series=series,
            active=known.rules,
        )
        if status not in submit.sources:
            flags.insert(0, _locked(ind, period))
            batch.refusals.append(
                Refusal(i, "locked", illegal(k, submit, status, principal), flags)
            )
            continue
        comment, confirmed = row.comment, False
        if flags and confirm_in_comment:
            errors = [f for f in flags if f.severity == "error"]
            if errors or not has_visible(comment):
                batch.refusals.append(Refusal(i, "flags", _unconfirmed(errors or flags), flags))
                continue
            zh, en = check_words(flags, known.rules)
            comment = f"{comment} [已确认 confirmed: {zh} / {en}]"
        elif flags:
            try:
                _raise_flags(flags, confirm, reason)
            except ValidationError as exc:
                check = "flags" if isinstance(exc, PlausibilityFlagged) else "reason"
                batch.refusals.append(Refusal(i, check, exc, flags))
                continue
            confirmed = True
            # the checks in words (the rule file's names), as the comment is read on the
            # submission page, not their codes
            zh, en = check_words(flags, known.rules)
            note = f"【已确认 confirmed: {reason}】（{zh} / {en}）"
            comment = f"{comment} {note}" if comment else note
        if old is None:
            batch.created += 1
        else:
            batch.updated += 1
        batch.accepted.append(i)
        batch.flags.append(flags)
        batch.confirmed.append(confirmed)
        batch.states.append((status, sub))
        batch.values.append(
            {
                "indicator_id": ind.id,
                "scope": row.scope,
                "scope_id": row.scope_id,
                "period": period,
                "value": row.value,
                "kind": kind,
                "revision": 1 if old is None else old.revision + 1,
                "status": "submitted",
                "submitted_by": principal.username,
                "submitted_at": when,
                "source": row.source,
                "comment": comment,
                "is_demo": row.is_demo,
            }
        )
    return batch


def write_observations(
    session: Session, principal: Principal, batch: ObservationBatch, *, history: bool = True
) -> list[Observation]:
    """Write every accepted value of a validated ``batch`` (refused if any row was refused).

    ``history``: each value is also the ``submit`` transition of its period (a Submission, its
    event and an audit entry; a confirmed warning's audit entry) and the written observations
    are returned. Without it (the Excel import, which records one audit event for the whole
    file) the values are inserted in a few statements and the periods take their status from
    their newest value."""
    if batch.refusals:
        raise refused(batch)
    if not history:
        table = Observation.__table__
        for chunk in _chunks(batch.values, WRITE_CHUNK):
            session.connection().execute(insert(table), list(chunk))
        return []
    written = [Observation(**values) for values in batch.values]
    session.add_all(written)
    session.flush()
    submit = TRANSITIONS["submit"]
    done: dict[Key, Submission] = {}  # two kinds of one period: one Submission, two events
    for i, obs, flags, confirmed, (status, sub) in zip(
        batch.accepted, written, batch.flags, batch.confirmed, batch.states, strict=True
    ):
        key = Key(obs.indicator_id, obs.scope, obs.scope_id, obs.period)
        if key in done:
            sub, status = done[key], done[key].status
        done[key] = apply_transition(
            session, principal, key, submit, status, sub, obs, batch.rows[i].comment
        )
        if confirmed:
            audit.record(
                session,
                "observation",
                "confirm_flags",
                entity_id=str(obs.id),
                after={"flags": [f.model_dump() for f in flags], "value": obs.value},
                note=batch.reason,
                actor=principal.username,
            )
    return written


def refused(batch: ObservationBatch) -> GaodiError:
    """The error of a refused batch: a single value's own error, else every refused row."""
    if len(batch.rows) == 1:
        return batch.refusals[0].error
    listed = []
    for r in batch.refusals:
        for f in r.flags or [_flag(r.check, "error", r.error.zh, r.error.en)]:
            if r.check == "flags" and f.severity == "warning" and batch.reason:
                continue  # a confirmed warning did not refuse the row: its error did
            listed.append((r.index, f))
    return PlausibilityFlagged(
        "导入被拒绝，未写入任何数据："
        + "；".join(f"第 {i + 1} 行：{f.message_zh}" for i, f in listed[:20]),
        "Import refused, nothing written: "
        + " ".join(f"Row {i + 1}: {f.message_en}" for i, f in listed[:20]),
        rows=[{"row": i + 1, **f.model_dump()} for i, f in listed],
    )


def add_observations(
    session: Session,
    principal: Principal,
    rows: Sequence[ObservationIn],
    *,
    confirm: bool = False,
    reason: str | None = None,
    source: str = "web",
    same_figure: bool = False,
) -> list[IntakeResult]:
    """Check every value, then submit all as the next revisions of their periods, or none.

    ``same_figure`` (the data-entry form and its JSON twin): a value equal to the one on record
    (with no new comment) is not written again: a form sent twice, or Back and send again, must
    not make a second revision of the same figure (a reviewer's open page would turn stale, and
    the submission's history would list it twice). When no value is new the answer is
    :func:`unchanged` (409, flagged ``unchanged``). Without it (a derived figure computed
    again, as the smart-manufacturing roll-up) every call is a new revision."""
    batch = prepare_observations(
        session,
        principal,
        [ObservationRow.of(r, source) for r in rows],
        confirm=confirm,
        reason=reason,
        same_figure=same_figure,
    )
    if batch.kept and not batch.accepted and not batch.refusals:
        raise batch.kept[0].error
    written = write_observations(session, principal, batch)
    codes = {
        r.indicator_id: rows[i].indicator for i, r in zip(batch.accepted, written, strict=True)
    }
    return [
        IntakeResult(observation=obs_out(obs, codes[obs.indicator_id]), flags=f, confirmed=c)
        for obs, f, c in zip(written, batch.flags, batch.confirmed, strict=True)
    ]


def add_observation(
    session: Session,
    principal: Principal,
    data: ObservationIn,
    *,
    confirm: bool = False,
    reason: str | None = None,
    source: str = "web",
    same_figure: bool = False,
) -> IntakeResult:
    """Check one value and submit it as the next revision of its period (a batch of one;
    ``same_figure``: the value on record sent again is refused as unchanged, see
    :func:`add_observations`)."""
    return add_observations(
        session,
        principal,
        [data],
        confirm=confirm,
        reason=reason,
        source=source,
        same_figure=same_figure,
    )[0]


def check_rows(
    session: Session, principal: Principal, rows: Sequence[ObservationIn]
) -> list[tuple[int, list[Flag]]]:
    """Flags of many rows without writing (a validation pass): ``(row index, flags)`` for every
    row with at least one flag. An unknown indicator is an error flag."""
    batch = prepare_observations(
        session, principal, [ObservationRow.of(r, "web") for r in rows], confirm=True, reason="-"
    )
    out = [(i, f) for i, f in zip(batch.accepted, batch.flags, strict=True) if f]
    for r in batch.refusals:
        flags = r.flags or [_flag(r.check, "error", r.error.zh, r.error.en)]
        out.append((r.index, flags))
    return sorted(out, key=lambda x: x[0])


# ---------------------------------------------------------------------------- user rules
def add_rule(
    session: Session,
    principal: Principal,
    name: str,
    expression: str,
    severity: str = "warning",
    description: str | None = None,
) -> ValidationRule:
    """Create a user rule after parsing it and checking every indicator code it names."""
    require(principal, "approve", "plan")
    parsed = rulelang.parse_rule(expression)
    known = set(session.scalars(select(Indicator.code).where(Indicator.code.in_(parsed.codes))))
    unknown = sorted(parsed.codes - known)
    if unknown:
        raise ValidationError(
            f"规则引用了不存在的指标：{', '.join(unknown)}。",
            f"The rule names unknown indicators: {', '.join(unknown)}.",
            field="expression",
        )
    if severity not in ("warning", "error"):
        raise ValidationError(
            "严重程度须为 warning 或 error。", "Severity: warning or error.", field="severity"
        )
    rule = ValidationRule(
        name=name,
        expression=expression.strip(),
        severity=severity,
        description=description,
        created_by=principal.username,
        created_at=clock.now(),
    )
    session.add(rule)
    session.flush()
    return rule


def list_rules(session: Session, principal: Principal) -> list[ValidationRule]:
    require(principal, "read", "plan")
    return list(session.scalars(select(ValidationRule).order_by(ValidationRule.id)))


def deactivate_rule(session: Session, principal: Principal, rule_id: int) -> ValidationRule:
    require(principal, "approve", "plan")
    rule = session.get(ValidationRule, rule_id)
    if rule is None:
        raise NotFoundError(f"没有编号为 {rule_id} 的规则。", f"No rule {rule_id}.")
    rule.active = False
    session.flush()
    return rule


def mark_demo(session: Session, observation_id: int) -> None:
    """Flag an observation just written from demo data as ``is_demo`` (示例数据): a feature
    that writes derived values through :func:`add_observation` knows whether its inputs were
    demo rows; the intake does not."""
    from sqlalchemy import update  # here: appended to a module other helpers edit too

    session.execute(
        update(Observation).where(Observation.id == observation_id).values(is_demo=True)
    )


def add_demo_indicators(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert indicators of a demo builder (each row's columns as given, ``is_demo`` set):
    the builder then feeds them through :func:`add_observation`."""
    session.execute(insert(Indicator), [{**r, "is_demo": True} for r in rows])
