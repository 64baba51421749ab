"""Small explicit state machines: states and allowed transitions as data.

Each transition names the states it leaves from, the state it enters and the *actors* who may
fire it. Actors are roles relative to the object: ``office`` (the chain or park office whose
scope holds the object), ``enterprise`` (the appeal's own enterprise), ``admin``. The services
work out which actors a principal is for a given object and call :meth:`Machine.authorize`
before changing anything, then :func:`record` to write the event row and the audit entry.

An illegal transition raises :class:`ConflictError` naming the current state and the allowed
transitions from it; nothing is changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from gaodi.audit import service as audit
from gaodi.core.errors import ConflictError, PermissionDenied, ValidationError
from gaodi.core.permissions import Principal


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

    def check(self, name: str, current: str) -> Transition:
        """The transition ``name`` if it may leave ``current``; ConflictError otherwise."""
        t = self.transition(name)
        if current in t.sources:
            return t
        here = self.state(current)
        options = self.allowed_from(current)
        zh_opts = "、".join(f"{o.zh}（{o.name}）" for o in options) or "无（已是终态）"
        en_opts = ", ".join(o.name for o in options) or "none (final state)"
        final_zh = "（终态）" if here.terminal else ""
        final_en = " (a final state)" if here.terminal else ""
        raise ConflictError(
            f"{self.kind_zh}当前状态为“{here.zh}”{final_zh}，不能执行“{t.zh}”。"
            f"当前允许的操作：{zh_opts}。",
            f"The {self.kind} is '{here.key}'{final_en}; '{t.name}' is not allowed from it. "
            f"Allowed now: {en_opts}.",
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
        """Check state, actor and comment for ``name``; raise before anything is changed."""
        t = self.check(name, current)
        if not actors.intersection(t.actors):
            raise PermissionDenied(
                f"用户“{principal.username}”不能对此{self.kind_zh}执行“{t.zh}”（需由"
                f"{'、'.join(ACTOR_LABELS[a][0] for a in t.actors)}执行）。",
                f"User '{principal.username}' may not '{t.name}' this {self.kind} "
                f"(allowed: {', '.join(ACTOR_LABELS[a][1] for a in t.actors)}).",
            )
        if t.needs_comment and not (comment or "").strip():
            raise ValidationError(
                f"“{t.zh}”需要填写说明。", f"'{t.name}' needs a comment explaining it."
            )
        return t

    def available(self, current: str, actors: set[str]) -> list[Transition]:
        """Transitions the given actors may fire from ``current`` (for forms and buttons)."""
        return [t for t in self.allowed_from(current) if actors.intersection(t.actors)]


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
    audit.record(
        session,
        obj.__tablename__,
        f"{machine.kind}.{action}",
        entity_id=str(obj.id),
        before={"status": from_status},
        after=after,
        note=comment,
        actor=principal.username,
    )
