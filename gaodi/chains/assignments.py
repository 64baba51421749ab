"""One write path for manual enterprise–link assignments: the batch use case every entry point
calls.

An assignment made on the chain page, posted to the JSON API, approved from a chain office's
proposal or read from the Excel sheet ``enterprise_links`` goes through
:func:`prepare_assignments` (check every row in the principal's scope, reading the chains,
links, enterprises and current rows once per batch) and :func:`write_assignments` (close the
pairs' current rows and open the manual ones, all or nothing). A manual row wins over the rule
and re-mapping never touches it (:mod:`gaodi.chains.remap`); history is kept: a change closes
the current row and opens a new one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from gaodi.chains.models import Chain, EnterpriseLink, Link
from gaodi.core.batching import CHUNK, Refusal, chunks, fetch_in
from gaodi.core.errors import (
    ConflictError,
    GaodiError,
    NotFoundError,
    PermissionDenied,
    ValidationError,
)
from gaodi.core.permissions import Principal, can
from gaodi.enterprises import loaders as enterprise_loaders

#: rows per INSERT (SQLite binds at most 32,766 values)
WRITE_CHUNK = 5000


@dataclass(frozen=True)
class AssignmentRow:
    """One manual assignment: the enterprise (by USCC, or by id when the caller has it), the
    chain and link by code, and what the row says."""

    chain: str | None
    link: str | None
    uscc: str | None = None
    enterprise_id: int | None = None
    source: str = "manual"  # a "rule" row can only repeat the current one (the sheet's export)
    confidence: float | None = 1.0
    excluded: bool = False
    note: str | None = None
    must_be_on: bool = False  # taking it off: refused unless the enterprise is on the link now


@dataclass
class AssignmentBatch:
    """A checked batch: the rows to close, the rows to open (``opened``: their row index) and
    the counts; any refusal (its column: ``uscc``, ``chain_code``, ``link_code``, ``source``,
    ``enterprise``) means nothing is written."""

    rows: Sequence[AssignmentRow]
    now: datetime
    close_ids: list[int] = field(default_factory=list)
    closing: list[EnterpriseLink] = field(default_factory=list)  # the rows of close_ids
    values: list[dict[str, Any]] = field(default_factory=list)
    opened: list[int] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _enterprises(
    session: Session, principal: Principal, rows: Sequence[AssignmentRow]
) -> tuple[dict[str, int], dict[int, str]]:
    """USCC -> id and id -> name of the named enterprises the principal may read and edit (a
    row naming any other one is refused like a missing one)."""
    found = enterprise_loaders.referable(
        session,
        principal,
        usccs=[r.uscc for r in rows],
        ids=[r.enterprise_id for r in rows],
        actions=("read", "edit"),
        chunk=CHUNK,
    )
    return {u: eid for eid, u, _ in found if u}, {eid: name for eid, _, name in found}


def _unknown_enterprise(principal: Principal, uscc: str) -> NotFoundError:
    if principal.is_scoped:  # one answer for a missing enterprise and one outside the scope
        return NotFoundError(
            f"找不到企业（统一社会信用代码 {uscc}），或它不在你的管辖范围内。",
            f"No enterprise with USCC {uscc} in your scope.",
            field="uscc",
        )
    return NotFoundError(
        f"企业（统一社会信用代码 {uscc}）不在系统中；请先导入企业。",
        f"No enterprise with USCC {uscc}; import the enterprise first.",
        field="uscc",
    )


def forbidden_chain(code: str) -> NotFoundError:
    """A chain the principal may not change, or one that does not exist: the same words, so a
    refusal never confirms that a chain outside the scope exists."""
    return NotFoundError(
        f"您的管理范围内没有产业链“{code}”（或无权修改）。",
        f"No chain '{code}' in your scope (or not yours to change).",
        field="chain_code",
    )


RULE_ROW = ValidationError(
    "来源为“规则”的行由映射规则生成，不能导入；请改为“人工”或删除该行"
    "（导出时可用 --source manual 只导出人工行）。",
    "Rule rows come from the mapping and cannot be imported; change the source to manual or "
    "remove the row (export with --source manual to leave rule rows out).",
    field="source",
)


def reattached_exclusion(name: str, link: str) -> PermissionDenied:
    """A chain office attaching by hand a firm taken off the link by hand: the attachment
    would undo the exclusion (and show the office the firm's figures again) as releasing it
    would, so it is the bureau's too (:func:`gaodi.chains.editing.released_exclusion`); the
    office proposes the firm, and the bureau's approval attaches it."""
    return PermissionDenied(
        f"企业“{name}”是被人工移出环节“{link}”的；重新挂到本环节须由工信局管理员操作。"
        "要加入该企业，请在环节页“提议”，经审核后加入。",
        f"'{name}' was taken off link '{link}' by hand; putting it back is for an "
        "administrator of the bureau. To add the firm, propose it on the link page for "
        "approval.",
        field="enterprise",
    )


def prepare_assignments(
    session: Session,
    principal: Principal,
    rows: Sequence[AssignmentRow],
    *,
    now: datetime,
    skip: Iterable[int] = (),
    keep_unchanged: bool = True,
    action: str = "edit",
) -> AssignmentBatch:
    """Check every row; nothing is written. ``skip``: rows already refused by the caller (their
    references are still checked, so every bad cell is reported at once). ``keep_unchanged``:
    a row equal to the pair's current manual row changes nothing (the import, and the form: a
    repeat is answered "already assigned by hand" before it gets here); without it the pair gets
    a new row anyway (a new decision, a new history entry). ``action``: the
    right asked of each row's chain (``approve``: the bureau approving a chain office's
    proposal, :func:`gaodi.chains.proposals.decide`)."""
    batch = AssignmentBatch(rows, now)
    skipped = set(skip)
    ents, names = _enterprises(session, principal, rows)
    chains = dict(session.execute(select(Chain.code, Chain.id)).all())
    named = {chains[r.chain] for r in rows if r.chain in chains}
    links: dict[tuple[int, str], tuple[int, str]] = {
        (cid, code): (lid, name)
        for lid, cid, code, name in fetch_in(
            session, select(Link.id, Link.chain_id, Link.code, Link.name), Link.chain_id, named
        )
    }
    current: dict[tuple[int, int], list[Any]] = {}
    query = select(EnterpriseLink).where(EnterpriseLink.valid_to.is_(None))
    ids = set(ents.values()) | {r.enterprise_id for r in rows if r.enterprise_id in names}
    for (row,) in fetch_in(session, query, EnterpriseLink.enterprise_id, ids):
        current.setdefault((row.enterprise_id, row.link_id), []).append(row)
    for i, r in enumerate(rows):
        refused = len(batch.refusals)
        eid = r.enterprise_id if r.enterprise_id in names else ents.get(r.uscc or "")
        if eid is None and r.uscc is not None:
            batch.refusals.append(Refusal(i, "uscc", _unknown_enterprise(principal, r.uscc)))
        cid = chains.get(r.chain or "")
        lid, link_name = links.get((cid, r.link or ""), (None, ""))  # type: ignore[arg-type]
        if r.chain is not None and cid is None and principal.is_scoped:
            batch.refusals.append(Refusal(i, "chain_code", forbidden_chain(r.chain)))
        elif r.chain is not None and cid is None:
            zh, en = f"产业链“{r.chain}”不存在。", f"Chain '{r.chain}' does not exist."
            error: GaodiError = NotFoundError(zh, en, field="chain_code")
            batch.refusals.append(Refusal(i, "chain_code", error))
        elif cid is not None and not can(principal, action, Chain(id=cid)):
            batch.refusals.append(Refusal(i, "chain_code", forbidden_chain(r.chain or "")))
        elif cid is not None and r.link is not None and lid is None:
            error = NotFoundError(
                f"环节“{r.link}”不在产业链“{r.chain}”中。",
                f"Link '{r.link}' is not in chain '{r.chain}'.",
                field="link_code",
            )
            batch.refusals.append(Refusal(i, "link_code", error))
        if i in skipped or len(batch.refusals) > refused or eid is None or lid is None:
            continue
        pair = current.get((eid, lid), [])
        latest = max(pair, key=lambda x: (x.valid_from, x.id)) if pair else None
        same = latest is not None and (
            latest.source == r.source
            and latest.confidence == r.confidence
            and latest.excluded == r.excluded
            and latest.reason == r.note
        )
        if r.source == "rule":
            if same:
                batch.unchanged += 1
            else:
                batch.refusals.append(Refusal(i, "source", RULE_ROW))
            continue
        if r.must_be_on and not any(not x.excluded for x in pair):
            error = ConflictError(
                f"企业“{names[eid]}”当前不在环节“{link_name}”上。",
                f"'{names[eid]}' is not on link '{link_name}' now.",
                field="enterprise",
            )
            batch.refusals.append(Refusal(i, "enterprise", error))
            continue
        if same and keep_unchanged:
            batch.unchanged += 1
            continue
        if (
            not r.excluded
            and latest is not None
            and latest.source == "manual"
            and latest.excluded
            and not can(principal, "approve", Chain(id=cid))
        ):
            error = reattached_exclusion(names[eid], link_name)
            batch.refusals.append(Refusal(i, "uscc" if r.uscc else "enterprise", error))
            continue
        if pair:
            batch.updated += 1
            batch.close_ids.extend(x.id for x in pair)
            batch.closing.extend(pair)
        else:
            batch.created += 1
        batch.opened.append(i)
        batch.values.append(
            {
                "enterprise_id": eid,
                "link_id": lid,
                "source": "manual",
                "confidence": r.confidence,
                "excluded": r.excluded,
                "reason": r.note,
                "valid_from": now,
                "valid_to": None,
                "created_by": principal.username,
            }
        )
    return batch


def write_assignments(
    session: Session, batch: AssignmentBatch, *, history: bool = True
) -> list[EnterpriseLink]:
    """Close the pairs' current rows and open the new ones (refused if any row was refused).

    ``history``: through the ORM, so the audit log records each closed and opened row, which
    are returned. Without it (the Excel import, which records one audit event for the whole
    file) a few statements write the batch and nothing is returned."""
    if batch.refusals:
        raise batch.refusals[0].error
    table, now = EnterpriseLink.__table__, batch.now
    if not history:
        for chunk in chunks(batch.close_ids):
            session.connection().execute(
                update(table).where(table.c.id.in_(list(chunk))).values(valid_to=now)
            )
        for chunk in chunks(batch.values, WRITE_CHUNK):
            session.connection().execute(insert(table), list(chunk))
        return []
    for row in batch.closing:  # loaded by the check, in this session
        row.valid_to = now
    written = [EnterpriseLink(**values) for values in batch.values]
    session.add_all(written)
    session.flush()
    return written
