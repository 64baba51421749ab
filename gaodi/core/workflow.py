"""Small explicit state machines: states and allowed transitions as data (one for every
workflow: projects, challenges, appeals, plan submissions).

Each transition names the states it leaves from, the state it enters and the *actors* who may
fire it. Actors are roles relative to the object: ``office`` (the chain or park office whose
scope holds the object), ``enterprise`` (the appeal's own enterprise), ``admin``. The services
work out which actors a principal is for a given object and call :meth:`Machine.authorize`
before changing anything, then write the event row and the audit entry through the object
kind's :class:`History` (``opened``, ``fire``; :func:`record` where the status is not simply
the transition's target).

An illegal transition raises :class:`ConflictError` naming the current state and the allowed
transitions from it; nothing is changed.

Core knows no feature: the object kind hands its event model and the column pointing at the
object to :class:`History`, and the audit writer (``gaodi.audit.service.record``, which lives
above core) as ``audit``. :meth:`History.state_as_of` rebuilds an object's state on a past day
from those rows (the rules are :mod:`gaodi.core.asof`'s).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.core import asof, clock
from gaodi.core.choices import Choice, Choices
from gaodi.core.errors import ConflictError, PermissionDenied, ValidationError
from gaodi.core.moments import CityMoment
from gaodi.core.permissions import Principal
from gaodi.core.text_safety import has_visible


class EventRow(BaseModel):
    """One history row as pages and the API show it."""

    at: CityMoment
    actor: str
    action: str
    from_status: str | None
    to_status: str | None
    comment: str | None


class TransitionOut(BaseModel):
    """A transition offered to a principal (a button, an API option)."""

    name: str
    label_zh: str
    label_en: str
    target: str | None
    needs_comment: bool


#: How a history hands an audit entry up (``gaodi.audit.service.record``'s signature).
AuditWriter = Callable[..., Any]

#: Every machine by its kind, as features define them: the audit log names a workflow entry
#: ("project.start") by its words without knowing the features.
MACHINES: dict[str, Machine] = {}


def action_words(code: str, lang: str = "zh") -> str | None:
    """A workflow audit action (``<kind>.<transition>``) in words ("项目：开工"), or None when
    ``code`` is not one.

    >>> m = Machine("demo_kind", "演示", (State("a", "甲", "A"),), (Transition("go", ("a",),
    ...     None, ("admin",), "推进", "advance"),), kind_en="demo")
    >>> action_words("demo_kind.go"), action_words("demo_kind.go", "en"), action_words("login")
    ('演示：推进', 'demo: advance', None)
    >>> del MACHINES["demo_kind"]
    """
    kind, _, name = code.partition(".")
    machine = MACHINES.get(kind)
    if machine is None or not name:
        return None
    t = next((t for t in machine.transitions if t.name == name), None)
    if t is None:
        return None
    if lang.startswith("zh"):
        return f"{machine.kind_zh}：{t.zh}"
    return f"{machine.kind_en or machine.kind}: {t.en}"


@dataclass(frozen=True)
class State:
    key: str
    zh: str
    en: str
    terminal: bool = False

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang.startswith("zh") else self.en


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str | None  # None: an action that keeps the state
    actors: tuple[str, ...]
    zh: str
    en: str
    needs_comment: bool = False

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang.startswith("zh") else self.en


@dataclass(frozen=True)
class Machine:
    kind: str
    kind_zh: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    kind_en: str = ""

    def __post_init__(self) -> None:
        MACHINES[self.kind] = self

    @property
    def labels(self) -> Choices:
        """The states as a code list (key, zh, en): for files, reports and label tables."""
        return Choices(*(Choice(s.key, s.zh, s.en) for s in self.states))

    def state(self, key: str) -> State:
        for s in self.states:
            if s.key == key:
                return s
        raise ValidationError(
            f"未知状态“{key}”，可选：{'、'.join(s.key for s in self.states)}。",
            f"Unknown state '{key}'; choose one of: {', '.join(s.key for s in self.states)}.",
        )

    def transition(self, name: str) -> Transition:
        for t in self.transitions:
            if t.name == name:
                return t
        raise ValidationError(
            f"未知操作“{name}”。可选：{'、'.join(t.name for t in self.transitions)}。",
            f"Unknown transition '{name}'; choose one of: "
            f"{', '.join(t.name for t in self.transitions)}.",
        )

    def allowed_from(self, current: str) -> list[Transition]:
        return [t for t in self.transitions if current in t.sources]

    def check(self, name: str, current: str, actors: set[str] | None = None) -> Transition:
        """The transition ``name`` if it may leave ``current``; ConflictError otherwise.

        The refusal names the state and the steps in words, never codes, and lists what may be
        done now: the steps ``actors`` may take (all of them when ``actors`` is None), so a
        chain office is not offered a reviewer's scoring.
        """
        t = self.transition(name)
        if current in t.sources:
            return t
        here = self.state(current)
        options = self.allowed_from(current) if actors is None else self.available(current, actors)
        if options:
            zh_opts = "、".join(o.zh for o in options)
            en_opts = ", ".join(f"“{o.en}”" for o in options)
        elif here.terminal:
            zh_opts, en_opts = "无（已是终态）", "nothing (a final state)"
        else:
            zh_opts, en_opts = "无", "nothing"
        final_zh = "（终态）" if here.terminal else ""
        final_en = " (a final state)" if here.terminal else ""
        raise ConflictError(
            f"{self.kind_zh}当前状态为“{here.zh}”{final_zh}，不能执行“{t.zh}”。"
            f"当前允许的操作：{zh_opts}。",
            f"The {self.kind_en or self.kind} is {here.en}{final_en}: “{t.en}” cannot be done "
            f"from there. Allowed now: {en_opts}.",
            current=current,
            transition=name,
            allowed=[o.name for o in options],
        )

    def authorize(
        self,
        name: str,
        current: str,
        principal: Principal,
        actors: set[str],
        comment: str | None = None,
    ) -> Transition:
        """Check state, actor and comment for ``name``; raise before anything is changed.

        A required comment counts as missing when it shows nothing (spaces and format
        characters only: :func:`~gaodi.core.text_safety.has_visible`).
        """
        t = self.check(name, current, actors)
        if not actors.intersection(t.actors):
            raise PermissionDenied(
                f"用户“{principal.username}”不能对此{self.kind_zh}执行“{t.zh}”（需由"
                f"{'、'.join(ACTOR_LABELS[a][0] for a in t.actors)}执行）。",
                f"User '{principal.username}' may not take the step “{t.en}” on this "
                f"{self.kind_en or self.kind} (it is for "
                f"{' or '.join(ACTOR_LABELS[a][1] for a in t.actors)}).",
            )
        if t.needs_comment and not has_visible(comment):
            raise ValidationError(
                f"“{t.zh}”需要填写说明。",
                f"“{t.en}” needs a comment explaining it.",
            )
        return t

    def available(self, current: str, actors: set[str]) -> list[Transition]:
        """Transitions the given actors may fire from ``current`` (for forms and buttons)."""
        return [t for t in self.allowed_from(current) if actors.intersection(t.actors)]

    def offered(self, current: str, actors: set[str]) -> list[TransitionOut]:
        """:meth:`available`, as the detail pages and the API show them."""
        return [
            TransitionOut(
                name=t.name,
                label_zh=t.zh,
                label_en=t.en,
                target=t.target,
                needs_comment=t.needs_comment,
            )
            for t in self.available(current, actors)
        ]


ACTOR_LABELS = {
    "office": ("主管链办或园区", "the responsible chain or park office"),
    "enterprise": ("诉求企业", "the appealing enterprise"),
    "admin": ("管理员", "an administrator"),
    "reviewer": ("评审专家", "a reviewer"),
}


def record(
    session: Session,
    machine: Machine,
    obj: Any,
    event_model: type,
    parent_key: str,
    *,
    audit: AuditWriter,
    action: str,
    from_status: str | None,
    to_status: str | None,
    principal: Principal,
    at: datetime,
    comment: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Write the history row and the audit entry of one transition (or workflow action)."""
    session.add(
        event_model(
            **{parent_key: obj.id},
            at=at,
            actor=principal.username,
            action=action,
            from_status=from_status,
            to_status=to_status,
            comment=comment,
        )
    )
    after: dict[str, Any] = {"status": to_status}
    if details:
        after.update(details)
    audit(
        session,
        obj.__tablename__,
        f"{machine.kind}.{action}",
        entity_id=str(obj.id),
        before={"status": from_status},
        after=after,
        note=comment,
        actor=principal.username,
    )


@dataclass(frozen=True)
class History:
    """Where the objects of one machine keep their history: the event model, the column
    that points at the object (``appeal_id``...) and the audit writer."""

    machine: Machine
    event_model: type
    parent_key: str
    audit: AuditWriter

    def record(self, session: Session, obj: Any, **event: Any) -> None:
        """:func:`record` for this kind of object."""
        record(
            session,
            self.machine,
            obj,
            self.event_model,
            self.parent_key,
            audit=self.audit,
            **event,
        )

    def opened(
        self, session: Session, obj: Any, action: str, state: str, principal: Principal
    ) -> None:
        """Record the creation of ``obj`` (a new row, flushed) entering ``state``."""
        self.record(
            session,
            obj,
            action=action,
            from_status=None,
            to_status=state,
            principal=principal,
            at=clock.now(),
        )
        session.flush()

    def fire(
        self,
        session: Session,
        principal: Principal,
        obj: Any,
        t: Transition,
        comment: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Apply the authorized transition ``t`` to ``obj.status`` (an action keeps it) and
        record it."""
        before = obj.status
        if t.target is not None:
            obj.status = t.target
        self.record(
            session,
            obj,
            action=t.name,
            from_status=before,
            to_status=obj.status,
            principal=principal,
            at=clock.now(),
            comment=comment,
            details=details,
        )
        session.flush()

    def histories(self, session: Session, ids: list[int]) -> dict[int, list[Any]]:
        """The event rows of objects ``ids``, oldest first, by object (for views as of a day:
        :mod:`gaodi.core.asof`)."""
        model: Any = self.event_model
        parent = getattr(model, self.parent_key)
        out: dict[int, list[Any]] = {i: [] for i in ids}
        for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
            for e in session.scalars(
                select(model).where(parent.in_(chunk)).order_by(model.at, model.id)
            ):
                out[getattr(e, self.parent_key)].append(e)
        return out

    def events(self, session: Session, obj_id: int) -> list[EventRow]:
        """The history of object ``obj_id``, oldest first."""
        model: Any = self.event_model
        return [
            EventRow(
                at=e.at,
                actor=e.actor,
                action=e.action,
                from_status=e.from_status,
                to_status=e.to_status,
                comment=e.comment,
            )
            for e in session.scalars(
                select(model)
                .where(getattr(model, self.parent_key) == obj_id)
                .order_by(model.at, model.id)
            )
        ]

    def state_as_of(self, session: Session, obj: Any, day: date) -> str | None:
        """The state of ``obj`` on ``day`` rebuilt from its history: the target of the last
        transition at or before the end of ``day`` in the city (a transition on the day counts,
        a later one does not); None if it did not exist yet."""
        return state_as_of(session, self, obj, day)


def state_as_of(session: Session, history: History, obj: Any, day: date) -> str | None:
    """:meth:`History.state_as_of` (rules: :func:`gaodi.core.asof.state_at`)."""
    return asof.state_at(history.histories(session, [obj.id])[obj.id], day)
