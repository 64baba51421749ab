"""One write path for chains and their links: the batch use cases every entry point calls.

A link added or changed on the chain page, posted to the JSON API, or read from the Excel
sheets ``chains`` and ``links`` (``gaodi import chains`` too) goes through
:func:`prepare_links` (and the sheet's chains through :func:`prepare_chains`): one set of
rules checks every row in the principal's scope (a chain office only its own chains, asked of
:func:`gaodi.core.permissions.can`), reading the chains once and the named chains' links once
per 500 chains, and collects every refusal (row index, column, the error a single call
raises). :func:`write_links` / :func:`write_chains` then write the whole batch in the caller's
transaction, refused if any row was refused. A form save is a batch of one.

The rules of a link: a name of 1 to 100 characters and a code of at most 32, unique in its
chain (a new link without one gets the chain's next free code, ``HM-05``); segment up, mid or
down, and a sub-link lies in its parent's segment (its sub-links follow when it moves); the
parent is a link of the same chain (stored or in the batch) and the parents form no cycle;
industry codes are GB/T 4754-2017 divisions, groups or classes; keywords, exclusions and
codes are split by :func:`gaodi.chains.rules.split_words`. Only the bureau (the chain domain's
``approve`` right) widens a link's matching rule (:func:`gaodi.chains.rules.widened`): a chain
office's wider rule would bring firms outside its chain onto it at the next mapping.

New rows are written with multi-row ``INSERT … RETURNING`` and their ``create`` audit entries
in one statement (:func:`gaodi.audit.service.record_created`); changes go through the ORM, so
the audit listener records each with before/after. The statements do not grow with the rows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from gaodi.audit import service as audit
from gaodi.chains.assignments import forbidden_chain
from gaodi.chains.models import Chain, Link
from gaodi.chains.rules import (
    CHAIN_COLUMNS,
    LINK_COLUMNS,
    SEGMENTS,
    LinkInput,
    Mode,
    chain_columns,
    clash,
    cycle,
    duplicate,
    link_columns,
    no_chain,
    not_in_chain,
    widened,
    wider_rule,
)
from gaodi.core.batching import Planned, chunks, classify, fetch_in
from gaodi.core.errors import ConflictError, NotFoundError, ValidationError
from gaodi.core.permissions import Principal, can, require, restrict
from gaodi.core.permissions import allowed as role_allows

#: rows per INSERT (SQLite binds at most 32,766 values)
WRITE_CHUNK = 2000


@dataclass(frozen=True)
class ChainWrite:
    """One chain by its code: ``values`` the columns of a new one, ``changes`` those to set on
    a stored one (the columns given)."""

    code: str | None
    values: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LinkWrite:
    """One link of the chain coded ``chain``.

    Keyed by ``(chain, code)`` (the import: a stored link is changed, else one is added), by
    ``link_id`` (the form's save of a stored link, whose code may change), or ``new`` (the
    form's add: a code the chain has is refused; no code, the chain's next free one).
    ``values``: the columns of a new link; ``changes``: those to set on a stored one (the
    columns given). ``parent``: the parent's code, or its id (the form); None: top level;
    it replaces the stored parent only with ``parent_given``."""

    chain: str | None
    code: str | None
    values: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)
    parent: str | int | None = None
    parent_given: bool = True
    link_id: int | None = None
    new: bool = False


@dataclass
class Batch(Planned):
    """A checked batch of chains or links. A refusal's column is the ``links`` sheet's
    (``chain_code``, ``code``, ``parent_code``, ``name``, ``segment``, ``industry_codes``, …;
    ``link`` for a stored link by id)."""

    #: the node of each row (a stored link's id, or ``-(i + 1)`` for a new one), links only
    nodes: dict[int, int] = field(default_factory=dict)
    #: chain code -> id of the chains the batch names that are stored
    chain_ids: dict[str, int] = field(default_factory=dict)


def form_row(chain: str, link: Link | None, data: LinkInput) -> LinkWrite:
    """The form's (and the JSON API's) input as a batch row: a new link of ``chain`` (``link``
    None) or a change of the stored ``link`` (an empty code, order or description keeps the
    stored one)."""
    values: dict[str, Any] = {
        "code": data.code,
        "name": data.name,
        "segment": data.segment,
        "industry_codes": data.industry_codes,
        "keywords": data.keywords,
        "exclude_keywords": data.exclude_keywords,
        "key_link": data.key_link,
        "sort_order": data.sort_order or 0,
        "description": data.description,
    }
    changes = dict(values)
    for key in ("code", "sort_order", "description"):
        if getattr(data, key) is None:
            del changes[key]
    return LinkWrite(
        chain,
        data.code if link is None else link.code,
        values,
        changes,
        data.parent_id,
        link_id=None if link is None else link.id,
        new=link is None,
    )


# --------------------------------------------------------------------------- chains


def prepare_chains(
    session: Session,
    principal: Principal,
    rows: Sequence[ChainWrite],
    *,
    mode: Mode = "upsert",
    skip: Iterable[int] = (),
) -> Batch:
    """Check every chain row (the stored chain by code, the principal's scope: a chain office
    changes its own chains and creates none; a name another chain has); nothing is written.
    ``skip``: rows the caller has already refused."""
    require(principal, "edit", "chain")
    skipped = set(skip)
    batch = Batch(rows)
    query = select(Chain.id, *(getattr(Chain, c) for c in CHAIN_COLUMNS))
    existing = {r.code: r._asdict() for r in session.execute(query).all()}
    batch.chain_ids = {code: r["id"] for code, r in existing.items()}
    name_owner = {r["name"]: code for code, r in existing.items()}
    seen: dict[str, int] = {}
    for i, r in enumerate(rows):
        if i in skipped or r.code is None:
            continue
        old = existing.get(r.code)
        # before the name check, so a refusal never names another chain's code
        if not can(principal, "edit", Chain(id=old["id"] if old else None)):
            batch.refuse(i, "code", forbidden_chain(r.code))
            continue
        if r.code in seen:
            batch.refuse(i, "code", duplicate(seen[r.code]))
            continue
        seen[r.code] = i
        try:
            cols = chain_columns(r.values if old is None else r.changes, new=old is None)
        except ValidationError as exc:
            batch.refuse(i, str(exc.context.get("field")), exc)
            continue
        owner = name_owner.get(cols.get("name"))  # type: ignore[arg-type]
        if owner is not None and owner != r.code:
            name = cols["name"]
            batch.refuse(
                i,
                "name",
                ConflictError(
                    f"产业链名称“{name}”已被代码为“{owner}”的产业链使用。",
                    f"Chain name '{name}' is already used by chain '{owner}'.",
                    field="name",
                ),
            )
            continue
        _classify(batch, i, mode, cols, old, f"产业链 {r.code}", "code")
    return batch


def _classify(
    batch: Batch,
    i: int,
    mode: str,
    cols: dict[str, Any],
    old: dict[str, Any] | None,
    key_text: str,
    column: str,
) -> None:
    """Row ``i`` creates, changes or leaves its row (:func:`gaodi.core.batching.classify`)."""
    found = classify(mode, cols, old, key_text)
    if found.kind == "insert":
        batch.inserts.append(cols)
        batch.created += 1
    elif found.kind == "refused":
        assert found.error is not None
        batch.refuse(i, column, found.error)
    elif found.kind == "update":
        assert old is not None
        batch.updates[old["id"]] = found.diff
        batch.updated += 1
    else:
        batch.unchanged += 1


class _Row:
    """A row as RETURNING gives it, for :func:`gaodi.audit.service.record_created`."""

    def __init__(self, mapping: dict[str, Any]) -> None:
        self._mapping = mapping


def _insert(session: Session, model: Any, values: list[dict[str, Any]]) -> list[Any]:
    """``values`` as new rows of ``model``, every column of each returned (in no particular
    order: asking SQLite for the order would cost one INSERT per row)."""
    table = model.__table__
    out: list[Any] = []
    for chunk in chunks(values, WRITE_CHUNK):
        out += session.connection().execute(insert(table).returning(*table.c), list(chunk)).all()
    return out


def _update(session: Session, model: Any, updates: dict[int, dict[str, Any]]) -> None:
    """The changes by id, through the ORM: one executemany per set of changed columns, and
    each row's audit entry with before/after."""
    for chunk in chunks(sorted(updates)):
        for obj in session.scalars(select(model).where(model.id.in_(list(chunk)))):
            for key, value in updates[obj.id].items():
                setattr(obj, key, value)
        session.flush()


def write_chains(session: Session, batch: Batch) -> None:
    """Write a checked chains batch in the caller's transaction (refused if any row was)."""
    if batch.refusals:
        raise batch.refusals[0].error
    rows = _insert(session, Chain, batch.inserts)
    audit.record_created(session, Chain, rows)
    _update(session, Chain, batch.updates)


# --------------------------------------------------------------------------- links

_MISSING = object()


@dataclass
class _Tree:
    """The links of the batch's chains once the batch is applied: nodes are stored links'
    ids and ``-(i + 1)`` for the new link of row ``i``."""

    node_of: dict[tuple[str, str], int] = field(default_factory=dict)  # (chain, code) -> node
    parent_of: dict[int, int | None] = field(default_factory=dict)
    segment_of: dict[int, str] = field(default_factory=dict)  # each node's own segment
    code_of: dict[int, str] = field(default_factory=dict)

    def cycles(self, node: int) -> bool:
        seen = {node}
        current = self.parent_of.get(node)
        while current is not None:
            if current in seen:
                return True
            seen.add(current)
            current = self.parent_of.get(current)
        return False

    def segment(self, node: int) -> str:
        """A sub-link lies in its parent's segment: the segment of its top-level link."""
        seen = {node}
        current = node
        while (up := self.parent_of.get(current)) is not None and up not in seen:
            seen.add(up)
            current = up
        return self.segment_of.get(current, "mid")


def _stored_links(session: Session, chain_ids: Collection[int]) -> dict[int, dict[str, Any]]:
    """The tree of the chains' stored links: id, chain, parent, code and segment of each (the
    other columns only of the links the rows name, :func:`_stored_columns`: a form's save in a
    chain of hundreds of links reads one link's lists, not all of them)."""
    query = select(Link.id, Link.chain_id, Link.parent_id, Link.code, Link.segment)
    return {
        lid: {"id": lid, "chain_id": cid, "parent_id": pid, "code": code, "segment": segment}
        for lid, cid, pid, code, segment in fetch_in(session, query, Link.chain_id, chain_ids)
    }


def _stored_columns(
    session: Session, stored: dict[int, dict[str, Any]], ids: Iterable[int]
) -> None:
    """Every column of the stored links ``ids`` into ``stored`` (to compare the rows with)."""
    query = select(Link.id, *(getattr(Link, c) for c in LINK_COLUMNS))
    for row in fetch_in(session, query, Link.id, ids):
        stored[row.id].update(row._asdict())


def _build_tree(
    rows: Sequence[LinkWrite], stored: dict[int, dict[str, Any]], batch: Batch
) -> tuple[_Tree, dict[int, Any]]:
    """The tree after the batch, each row's node (``batch.nodes``) and what each row's parent
    reference resolves to (row index -> node, or ``_MISSING``)."""
    tree = _Tree()
    counts: dict[str, int] = {}
    for lid, s in stored.items():
        tree.node_of[(s["chain"], s["code"])] = lid
        tree.parent_of[lid] = s["parent_id"]
        tree.segment_of[lid] = s["segment"]
        tree.code_of[lid] = s["code"]
        counts[s["chain"]] = counts.get(s["chain"], 0) + 1
    auto: list[int] = []
    for i, r in enumerate(rows):
        if r.chain is None:
            continue
        if r.link_id is not None:
            was = stored.get(r.link_id)
            if was is None or was["chain"] != r.chain:
                continue
            node, code = r.link_id, r.changes.get("code") or was["code"]
            tree.code_of[node] = code  # refused below if another link of the chain has it
            if code != was["code"] and (r.chain, code) not in tree.node_of:
                del tree.node_of[(r.chain, was["code"])]
                tree.node_of[(r.chain, code)] = node
        elif r.new:
            node = -(i + 1)
            code = (r.code or "").strip()
            if not code:
                auto.append(i)
            elif (r.chain, code) not in tree.node_of:
                tree.node_of[(r.chain, code)] = node
            tree.code_of[node] = code
        elif r.code is not None:
            node = tree.node_of.setdefault((r.chain, r.code), -(i + 1))
            tree.code_of[node] = r.code
        else:
            continue
        batch.nodes[i] = node
        given = r.values if node < 0 else r.changes
        if given.get("segment") in SEGMENTS:
            tree.segment_of[node] = given["segment"]
        elif node < 0:
            tree.segment_of[node] = "mid"
    for i in auto:  # after the codes rows give, so an automatic one takes none of them
        chain = rows[i].chain
        assert chain is not None
        n = counts.get(chain, 0) + 1
        while (chain, f"{chain}-{n:02d}") in tree.node_of:
            n += 1
        counts[chain] = n
        code = f"{chain}-{n:02d}"
        tree.node_of[(chain, code)] = -(i + 1)
        tree.code_of[-(i + 1)] = code
    parents: dict[int, Any] = {}
    for i, r in enumerate(rows):
        if i not in batch.nodes:
            continue
        node = batch.nodes[i]
        if not r.parent_given:
            tree.parent_of.setdefault(node, None)
            continue
        ref: Any = r.parent
        if ref is None or ref == "":
            found: Any = None
        elif isinstance(ref, int) and not isinstance(ref, bool):
            up = stored.get(ref)
            found = ref if up is not None and up["chain"] == r.chain else _MISSING
        else:
            found = tree.node_of.get((str(r.chain), str(ref)), _MISSING)
        parents[i] = found
        tree.parent_of[node] = None if found is _MISSING else found
    return tree, parents


def _parent_names(session: Session, principal: Principal, refs: Iterable[Any]) -> dict[int, str]:
    """Id -> code of the links given by id that ``principal`` may read (a refusal names the
    parent the user picked by its code, never a link outside the scope)."""
    ids = [r for r in refs if isinstance(r, int) and not isinstance(r, bool)]
    if not ids:
        return {}
    query: Any = restrict(select(Link.id, Link.code), principal, "read")  # type: ignore[type-var]
    return {lid: code for lid, code in fetch_in(session, query, Link.id, ids)}


def prepare_links(
    session: Session,
    principal: Principal,
    rows: Sequence[LinkWrite],
    *,
    mode: Mode = "upsert",
    skip: Iterable[int] = (),
    new_chains: Collection[str] | None = None,
) -> Batch:
    """Check every link row by the rules of a link (module docstring) in the principal's
    scope; nothing is written. ``skip``: rows the caller has already refused (their chain and
    parent are still checked, so every bad cell is reported at once). ``new_chains``: the
    codes of the chains the same import writes first (the ``chains`` sheet)."""
    require(principal, "edit", "chain")
    skipped = set(skip)
    batch = Batch(rows)
    chains = dict(session.execute(select(Chain.code, Chain.id)).all())
    batch.chain_ids = chains
    code_of_chain = {cid: code for code, cid in chains.items()}
    fresh = set(new_chains or ()) - set(chains)
    stored = _stored_links(session, {chains[r.chain] for r in rows if r.chain in chains})
    for s in stored.values():
        s["chain"] = code_of_chain[s["chain_id"]]
        s["parent"] = s["parent_id"]
    tree, parents = _build_tree(rows, stored, batch)
    _stored_columns(session, stored, (node for node in batch.nodes.values() if node > 0))
    unresolved = (rows[i].parent for i, p in parents.items() if p is _MISSING)
    parent_codes = _parent_names(session, principal, unresolved)
    allowed: dict[str, bool] = {}
    # a wider rule reaches firms outside the chain (its office then reads them): the bureau's,
    # who approves the office's proposals of single firms
    may_widen = role_allows(principal, "approve", "chain")
    first: dict[int, int] = {}  # node -> the first row naming it
    done: set[int] = set()  # the nodes of the rows written
    for i, r in enumerate(rows):
        if r.chain is None:
            if i not in skipped:
                error = ValidationError(
                    "须填写产业链代码。", "The chain code is required.", field="chain_code"
                )
                batch.refuse(i, "chain_code", error)
            continue
        cid = chains.get(r.chain)
        if r.chain not in allowed:
            allowed[r.chain] = can(principal, "edit", Chain(id=cid))
        if not allowed[r.chain]:  # before saying whether it exists
            batch.refuse(i, "chain_code", forbidden_chain(r.chain))
            continue
        if cid is None and r.chain not in fresh:
            batch.refuse(i, "chain_code", no_chain(r.chain, file=new_chains is not None))
            continue
        node = batch.nodes.get(i)
        if node is None:
            if r.link_id is not None:
                batch.refuse(
                    i,
                    "link",
                    NotFoundError(
                        f"本链没有环节 {r.link_id}。", f"The chain has no link {r.link_id}."
                    ),
                )
            continue
        if parents.get(i) is _MISSING:
            ref = (
                r.parent if not isinstance(r.parent, int) else parent_codes.get(r.parent, r.parent)
            )
            batch.refuse(i, "parent_code", not_in_chain(ref, r.chain))
            continue
        if tree.cycles(node):
            batch.refuse(i, "parent_code", cycle(tree.code_of.get(node, r.code)))
            continue
        if i in skipped:
            continue
        is_new = node < 0
        try:
            cols = link_columns(r.values if is_new else r.changes, new=is_new)
        except ValidationError as exc:
            batch.refuse(i, str(exc.context.get("field")), exc)
            continue
        wider = None if may_widen else widened(cols, None if is_new else stored[node])
        if wider is not None:
            batch.refuse(i, wider, wider_rule(wider))
            continue
        code = tree.code_of[node]
        if tree.node_of.get((r.chain, code)) != node:  # a code another link of the chain has
            batch.refuse(i, "code", clash(r.chain, code))
            continue
        if node in first:
            batch.refuse(i, "code", duplicate(first[node]))
            continue
        first[node] = i
        cols["segment"] = tree.segment(node)
        if r.parent_given or is_new:
            cols["parent"] = tree.parent_of.get(node)
        if is_new:
            cols["code"] = code
            batch.inserts.append({**cols, "chain": r.chain, "node": node})
            batch.created += 1
        else:
            if "code" in cols:
                cols["code"] = code
            old = stored[node]
            key_text = f"产业链 {r.chain} 环节 {old['code']}"
            _classify(batch, i, "upsert" if r.link_id else mode, cols, old, key_text, "chain_code")
        done.add(node)
    if not batch.refusals:  # sub-links follow a link that moves to another segment
        for lid, s in stored.items():
            segment = tree.segment(lid)
            if lid not in done and segment != s["segment"]:
                batch.updates[lid] = {"segment": segment}
    return batch


def write_links(session: Session, batch: Batch) -> list[int | None]:
    """Write a checked links batch in the caller's transaction (refused if any row was; the
    chains it names are written). Returns the id of each row's link (None: a row skipped)."""
    if batch.refusals:
        raise batch.refusals[0].error
    chain_ids = dict(batch.chain_ids)
    missing = {r["chain"] for r in batch.inserts} - set(chain_ids)
    query: Any = select(Chain.code, Chain.id)
    chain_ids.update({code: cid for code, cid in fetch_in(session, query, Chain.code, missing)})
    values = [
        {
            **{c: r.get(c) for c in LINK_COLUMNS},
            "chain_id": chain_ids[r["chain"]],
            "parent_id": r["parent"] if (r["parent"] or 0) > 0 else None,
        }
        for r in batch.inserts
    ]
    returned = _insert(session, Link, values)
    by_key = {(row.chain_id, row.code): row.id for row in returned}  # unique in the table
    ids = {
        r["node"]: by_key[(v["chain_id"], v["code"])]
        for r, v in zip(batch.inserts, values, strict=True)
    }

    def real(node: int | None) -> int | None:
        return node if node is None or node > 0 else ids[node]

    # a new link under a link new in the same batch: its parent's id is known only now
    late = {ids[r["node"]]: real(r["parent"]) for r in batch.inserts if (r["parent"] or 0) < 0}
    if late:
        table: Any = Link.__table__
        stmt = (
            update(table).where(table.c.id == bindparam("lid")).values(parent_id=bindparam("pid"))
        )
        session.connection().execute(stmt, [{"lid": k, "pid": v} for k, v in late.items()])
    created = [dict(row._mapping) for row in returned]
    for row in created:
        row["parent_id"] = late.get(row["id"], row["parent_id"])
    audit.record_created(session, Link, [_Row(row) for row in created])
    changes: dict[int, dict[str, Any]] = {}
    for lid, diff in batch.updates.items():
        changes[lid] = {k: v for k, v in diff.items() if k != "parent"}
        if "parent" in diff:
            changes[lid]["parent_id"] = real(diff["parent"])
    _update(session, Link, changes)
    return [real(batch.nodes.get(i)) if i in batch.nodes else None for i in range(len(batch.rows))]
