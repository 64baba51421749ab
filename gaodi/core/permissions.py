"""Permissions, enforced where data is queried.

Two questions, answered in one place:

1. May this role do this action in this domain at all? (:func:`allowed`, a role x domain table)
2. Which rows may it see or change? (:func:`restrict`, row filters registered per model)

Pages, the JSON API, exports and the CLI all go through :func:`restrict`, so they cannot
disagree. Feature packages register the row filter of each model they own with
:func:`register_scope`; a model with no filter is visible to anyone allowed in its domain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import false, select
from sqlalchemy.orm import Session, object_session

from gaodi.core.errors import NotFoundError, PermissionDenied
from gaodi.core.selects import AnySelect

ACTIONS = ("read", "edit", "submit", "approve", "admin")

#: role -> domain -> actions. "*" is every domain not named. Scoped roles (chain_office,
#: park_office, enterprise) are further limited row by row by :func:`restrict`.
ROLE_MATRIX: dict[str, dict[str, frozenset[str]]] = {
    "admin": {"*": frozenset(ACTIONS)},
    "analyst": {
        "*": frozenset({"read"}),
        # approve: a chain office's proposal of an enterprise for its link (chains.proposals)
        "chain": frozenset({"read", "approve"}),
        "plan": frozenset({"read", "edit", "submit", "approve"}),
        "report": frozenset({"read", "edit"}),
        "region": frozenset({"read", "edit"}),
        "audit": frozenset(),
        "admin": frozenset(),
    },
    "chain_office": {
        "*": frozenset({"read"}),
        "chain": frozenset({"read", "edit"}),
        "enterprise": frozenset({"read", "edit"}),
        "project": frozenset({"read", "edit"}),
        "appeal": frozenset({"read", "edit"}),
        "challenge": frozenset({"read", "edit"}),
        "plan": frozenset({"read", "submit"}),
        "report": frozenset({"read"}),
        "audit": frozenset(),
        "admin": frozenset(),
    },
    "park_office": {
        "*": frozenset({"read"}),
        "park": frozenset({"read", "edit"}),
        "enterprise": frozenset({"read", "edit"}),
        "project": frozenset({"read", "edit"}),
        "appeal": frozenset({"read", "edit"}),
        "plan": frozenset({"read", "submit"}),
        # review (return or approve) the 申报 of the enterprises in its parks
        "declaration": frozenset({"read", "approve"}),
        "assessment": frozenset({"read", "edit"}),
        "report": frozenset({"read"}),
        "audit": frozenset(),
        "admin": frozenset(),
    },
    "viewer": {"*": frozenset({"read"}), "audit": frozenset(), "admin": frozenset()},
    "enterprise": {
        "*": frozenset(),
        "enterprise": frozenset({"read"}),
        "assessment": frozenset({"read", "edit"}),
        "appeal": frozenset({"read", "edit"}),
        # fill in and submit its own tier facts (申报); the bureau approves them
        "declaration": frozenset({"read", "submit"}),
        "overview": frozenset({"read"}),
    },
}

#: The part each role plays in the case workflows (``gaodi/projects/states.py``): the state
#: machines name actors, not roles. Which rows an actor acts on is its row scope (:func:`can`).
WORKFLOW_ACTORS: dict[str, str] = {
    "admin": "admin",
    "chain_office": "office",
    "park_office": "office",
    "enterprise": "enterprise",
}

ROLE_LABELS = {
    "admin": ("管理员", "Administrator"),
    "analyst": ("分析员", "Analyst"),
    "chain_office": ("链办", "Chain office"),
    "park_office": ("园区", "Park office"),
    "viewer": ("只读用户", "Viewer"),
    "enterprise": ("企业用户", "Enterprise user"),
}


@dataclass(frozen=True)
class Principal:
    """Who is acting: a user's role and scopes, detached from any session."""

    username: str
    role: str
    chain_ids: frozenset[int] = field(default_factory=frozenset)
    park_ids: frozenset[int] = field(default_factory=frozenset)
    enterprise_ids: frozenset[int] = field(default_factory=frozenset)
    user_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_scoped(self) -> bool:
        return self.role in ("chain_office", "park_office", "enterprise")

    @classmethod
    def from_user(cls, user: Any) -> Principal:
        return cls(
            username=user.username,
            role=user.role,
            chain_ids=frozenset(user.scope_ids("chain")),
            park_ids=frozenset(user.scope_ids("park")),
            enterprise_ids=frozenset(user.scope_ids("enterprise")),
            user_id=user.id,
        )


#: The CLI's principal: the operator of the machine, with the database in hand.
SYSTEM = Principal(username="system", role="admin")


def allowed(principal: Principal, action: str, domain: str) -> bool:
    matrix = ROLE_MATRIX.get(principal.role, {})
    actions = matrix.get(domain, matrix.get("*", frozenset()))
    return action in actions


def require(principal: Principal, action: str, domain: str) -> None:
    if not allowed(principal, action, domain):
        raise denied(principal, action, domain)


#: What each action is called in a sentence ("您没有提交…的权限"), zh and en.
ACTION_LABELS: dict[str, tuple[str, str]] = {
    "read": ("查看", "view"),
    "edit": ("编辑", "edit"),
    "submit": ("提交", "submit"),
    "approve": ("审核", "approve"),
    "admin": ("管理", "administer"),
}
#: What each permission domain is called in a sentence. A domain named in the ROLE_MATRIX or in
#: a feature's register_scope must have its words here (tests/core/test_permission_words.py).
DOMAIN_LABELS: dict[str, tuple[str, str]] = {
    "admin": ("用户与系统设置", "users and system settings"),
    "appeal": ("企业诉求", "enterprise appeals"),
    "assessment": ("智能制造评估", "smart-manufacturing assessments"),
    "audit": ("审计日志", "the audit log"),
    "chain": ("产业链", "industrial chains"),
    "challenge": ("揭榜挂帅榜单", "challenge lists"),
    "cluster": ("产业集群", "industrial clusters"),
    "declaration": ("梯度培育申报", "tier declarations"),
    "enterprise": ("企业信息", "enterprise records"),
    "messages": ("消息", "messages"),
    "overview": ("总览", "the overview"),
    "park": ("园区", "parks"),
    "plan": ("行动计划与指标填报", "plans and indicator submissions"),
    "project": ("项目", "projects"),
    "region": ("区域分析", "regional analysis"),
    "report": ("报告", "reports"),
}


def denied(principal: Principal, action: str, domain: str) -> PermissionDenied:
    """The 403 in words: which action on what, and the user's role, never the codes."""
    act_zh, act_en = ACTION_LABELS.get(action, ("操作", "act on"))
    dom_zh, dom_en = DOMAIN_LABELS.get(domain, ("此类数据", "this kind of data"))
    role_zh, role_en = ROLE_LABELS.get(principal.role, ("当前角色", "this role"))
    return PermissionDenied(
        f"您没有{act_zh}{dom_zh}的权限（当前角色：{role_zh}）。",
        f"You do not have permission to {act_en} {dom_en} (your role: {role_en}).",
    )


ScopeFn = Callable[[Principal, str], Any]
_SCOPES: dict[type, tuple[str, ScopeFn | None]] = {}

# any select, of one column or many (Select is generic over its row tuple)
Q = TypeVar("Q", bound=AnySelect)
M = TypeVar("M")


def register_scope(model: type, domain: str, scope: ScopeFn | None = None) -> None:
    """Declare ``model``'s domain and, for scoped roles, its row filter.

    ``scope(principal, action)`` returns a SQL expression selecting the rows the principal may
    act on, or ``None`` for "all rows". It is only called for scoped roles.
    """
    _SCOPES[model] = (domain, scope)


def _registered(model: object) -> tuple[str, ScopeFn | None] | None:
    """``model``'s (domain, scope); a miss loads the composition root once (the features' scopes
    register when their models load, as before a session opens) before it counts as a miss."""
    found = _SCOPES.get(model)  # type: ignore[call-overload]
    if found is None and isinstance(model, type):
        from gaodi.db import load_models

        load_models()
        found = _SCOPES.get(model)
    return found


def domain_of(model: type) -> str:
    found = _registered(model)
    if found is None:
        raise KeyError(f"{model.__name__} has no registered permission domain")
    return found[0]


def restrict(query: Q, principal: Principal, action: str = "read") -> Q:
    """Limit ``query`` (a ``select`` of one registered model) to what ``principal`` may do.

    Raises :class:`PermissionDenied` when the role may not do ``action`` in the model's domain
    at all; otherwise adds the model's row filter for scoped roles.
    """
    entity = query.column_descriptions[0].get("entity")
    found = _registered(entity) if entity is not None else None
    if found is None:
        raise KeyError(f"restrict() needs a select of a registered model, got {entity!r}")
    domain, scope = found
    require(principal, action, domain)
    if not principal.is_scoped or scope is None:
        return query
    clause = scope(principal, action)
    if clause is None:
        return query
    return query.where(clause)


#: What a write answers about a row outside the principal's scope: exactly what a missing id gets.
NOT_FOUND = ("找不到该记录（或无权查看）。", "No such record (or not yours to see).")


def scope_clause(principal: Principal, model: type, action: str = "read") -> Any:
    """The row filter of ``model`` for ``principal`` and ``action`` (``None``: every row).

    Unlike :func:`restrict` it does not ask for the role's right in ``model``'s domain: it answers
    "is this row in the principal's scope", which is what a write asks of the rows it *refers
    to* (the enterprise an appeal is about, the park a new enterprise is put in)."""
    found = _registered(model)
    if found is None:
        raise KeyError(f"{model.__name__} has no registered permission domain")
    scope = found[1]
    if not principal.is_scoped or scope is None:
        return None
    return scope(principal, action)


def _in_scope(query: AnySelect, principal: Principal, model: type, action: str) -> AnySelect:
    # a write needs the row inside both scopes: what the principal reads and what it may change
    for each in dict.fromkeys(("read", action)):
        clause = scope_clause(principal, model, each)
        if clause is not None:
            query = query.where(clause)
    return query


def check_scope(
    session: Session,
    principal: Principal,
    model: type[M],
    ident: Any,
    action: str = "edit",
    *,
    domain_right: bool = True,
    not_found: tuple[str, str] = NOT_FOUND,
) -> M:
    """The row ``ident`` of ``model`` if ``principal`` may read it and do ``action`` to it.

    The one check every write makes of the rows it changes (``domain_right=True``: the role must
    hold ``action`` in the model's domain, else :class:`PermissionDenied`) and of the rows it
    refers to (``domain_right=False``: only the row scope, read and ``action``). A row outside
    the scope raises :class:`NotFoundError` with ``not_found``, the message a missing id gets,
    so a refusal never confirms that the row exists.
    """
    if domain_right:
        require(principal, action, domain_of(model))
    if ident is None:
        raise NotFoundError(*not_found)
    id_column = model.id  # type: ignore[attr-defined]
    query = _in_scope(select(model).where(id_column == ident), principal, model, action)
    found = session.scalars(query).first()
    if found is None:
        raise NotFoundError(*not_found)
    return found


def can(principal: Principal, action: str, obj: Any) -> bool:
    """May ``principal`` do ``action`` to the row ``obj``? The one permission question of writes.

    Its domain right (:data:`ROLE_MATRIX`) and its row scope, as :func:`restrict` decides them:
    a persisted row is looked up in its session through the model's registered scope; a row not
    written yet (the observation about to be submitted, say) is judged by its own column values
    against the same scope expression, evaluated in Python. A scope that cannot be evaluated
    without the database (a subquery) denies a row not written yet rather than guess.
    """
    model = type(obj)
    if not allowed(principal, action, domain_of(model)):
        return False
    if not principal.is_scoped:
        return True
    session = object_session(obj)
    if session is None or obj.id is None:
        return _new_row_in_scope(principal, model, action, obj)
    id_column = model.id  # type: ignore[attr-defined]
    query = _in_scope(select(id_column).where(id_column == obj.id), principal, model, action)
    return session.scalar(query) is not None


def _new_row_in_scope(principal: Principal, model: type, action: str, obj: Any) -> bool:
    from sqlalchemy.orm.evaluator import UnevaluatableError, _EvaluatorCompiler

    compiler = _EvaluatorCompiler(model)
    for each in dict.fromkeys(("read", action)):
        clause = scope_clause(principal, model, each)
        if clause is None:
            continue
        try:
            test = compiler.process(clause)
        except UnevaluatableError:
            return False
        if test(obj) is not True:
            return False
    return True


def nothing() -> Any:
    """A filter that selects no row (a scoped user with no scope of this kind)."""
    return false()


#: The machine's operator (the CLI without ``--user``) as a document names it: the OS account
#: (``cli:root``) is the server's business, not the reader's.
OPERATOR_LABEL = ("系统管理员（命令行）", "Administrator (command line)")


def principal_label(principal: Principal | None, zh: bool) -> str:
    """Who made a document, as it names them: the user with their role (「demo-chain（链办）」),
    or, for the CLI's own operator, 「系统管理员（命令行）」.

    >>> principal_label(Principal("cli:root", "admin"), True)
    '系统管理员（命令行）'
    >>> principal_label(Principal("cli:root", "admin"), False)
    'Administrator (command line)'
    """
    if principal is None:
        return "—"
    if principal.user_id is None and principal.username.startswith("cli:"):
        return OPERATOR_LABEL[0] if zh else OPERATOR_LABEL[1]
    role = ROLE_LABELS.get(principal.role, (principal.role, principal.role))
    return f"{principal.username}（{role[0]}）" if zh else f"{principal.username} ({role[1]})"
