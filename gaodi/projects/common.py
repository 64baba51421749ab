"""What the three services share: loading a row the principal may see, actors, names, dates."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.chains import loaders as chain_loaders
from gaodi.core import asof, clock
from gaodi.core.choices import Choices
from gaodi.core.errors import NotFoundError, ValidationError
from gaodi.core.permissions import WORKFLOW_ACTORS, Principal, allowed, restrict
from gaodi.parks import loaders as park_loaders

T = TypeVar("T")

LABELS = Choices(
    ("project", "项目", "project"),
    ("challenge", "榜单", "challenge"),
    ("appeal", "诉求", "appeal"),
    ("application", "揭榜申请", "application"),
    ("milestone", "攻关节点", "milestone"),
    ("reviewer", "评审专家", "reviewer"),
    ("attachment", "附件", "attachment"),
)


def load(session: Session, model: type[T], ident: int, principal: Principal, what: str) -> T:
    """The row ``ident`` of ``model`` if ``principal`` may read it; NotFoundError otherwise."""
    query = restrict(select(model).where(model.id == ident), principal, "read")  # type: ignore[attr-defined]
    obj = session.scalars(query).first()
    if obj is None:
        zh, en = LABELS.label(what), LABELS.label(what, "en")
        raise NotFoundError(
            f"找不到{zh} {ident}（或无权查看）。", f"No {en} {ident} (or not visible)."
        )
    return obj


def office_actors(principal: Principal, domain: str) -> set[str]:
    """``office`` for a scoped office allowed to edit ``domain`` (row scope checked by load)."""
    actor = WORKFLOW_ACTORS.get(principal.role)
    if actor == "admin":
        return {"admin"}
    if actor == "office" and allowed(principal, "edit", domain):
        return {"office"}
    return set()


def as_of_date(as_of: date | datetime | None) -> date:
    """The day a view is judged on (default: the city's today, :mod:`gaodi.core.clock`)."""
    return asof.as_of_day(as_of)


def future_problem(
    day: date, what_zh: str, what_en: str, today: date | None = None
) -> tuple[str, str] | None:
    """(zh, en) when ``day`` is later than ``today`` (default: the clock's today), else None."""
    today = today or clock.today()
    if day > today:
        return (
            f"{what_zh}（{day}）不能晚于今天（{today}）。",
            f"{what_en} ({day}) cannot be later than today ({today}).",
        )
    return None


def check_amount(amount: float, what_zh: str, what_en: str) -> None:
    """Refuse an amount (万元) that is inf or nan, negative or above the cap: the CLI and the
    services take floats no form has checked."""
    from gaodi.projects.schemas import MAX_AMOUNT

    if not math.isfinite(amount):
        raise ValidationError(
            f"{what_zh}须为有限的数值，收到 {amount}。",
            f"{what_en} must be a finite number, not {amount}.",
            field="amount",
        )
    if amount < 0:
        raise ValidationError(
            f"{what_zh}不能为负数。", f"{what_en} cannot be negative.", field="amount"
        )
    if amount > MAX_AMOUNT:
        raise ValidationError(
            f"{what_zh}不能大于 {MAX_AMOUNT:,} 万元。",
            f"{what_en} cannot be above {MAX_AMOUNT:,} (10k yuan).",
            field="amount",
        )


def not_future(day: date, what_zh: str, what_en: str) -> None:
    problem = future_problem(day, what_zh, what_en)
    if problem is not None:
        raise ValidationError(*problem)


def chain_names(session: Session) -> dict[int, str]:
    return chain_loaders.chain_names(session)


def park_names(session: Session) -> dict[int, str]:
    return park_loaders.park_labels(session)


def link_names(session: Session, ids: set[int]) -> dict[int, str]:
    return chain_loaders.link_names(session, ids)


def check_link(session: Session, chain_id: int, link_id: int | None) -> None:
    if not chain_loaders.chain_exists(session, chain_id):
        raise ValidationError(
            f"产业链 {chain_id} 不存在。", f"Chain {chain_id} does not exist.", field="chain_id"
        )
    if link_id is None:
        return
    found = chain_loaders.link_chain(session, link_id)
    if found != chain_id:
        raise link_error(session, link_id, chain_id, found, field="link_id")


def link_error(
    session: Session, link_id: int, chain_id: int | None, found: int | None, **context: Any
) -> ValidationError:
    """The refusal of link ``link_id`` (of chain ``found``; None: no such link) for a row of
    chain ``chain_id``, naming the link and the chains as the user knows them."""
    if found is None:
        return ValidationError(f"找不到环节 {link_id}。", f"There is no link {link_id}.", **context)
    chains = chain_loaders.chain_names(session)
    link = chain_loaders.link_names(session, [link_id]).get(link_id, str(link_id))
    its = chains.get(found, str(found))
    chosen = chains.get(chain_id, str(chain_id)) if chain_id is not None else "—"
    return ValidationError(
        f"环节“{link}”不属于所选的产业链“{chosen}”，它属于产业链“{its}”。",
        f"The link '{link}' does not belong to the chosen chain '{chosen}' but to '{its}'.",
        **context,
    )


def label(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang.startswith("zh") else pair[1]


def jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value
