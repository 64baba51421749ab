"""Import handlers of major projects, their annual plans and their monthly investment.

Projects are written through the projects' one write path (:mod:`gaodi.projects.batch`), the
batch use case the form, the JSON API and the CLI call with one row: it keeps each project's
history (the ``project_event`` rows its page shows) and the audit entries of every row, so a
project imported from Excel has the same history as one registered in the browser. A new
project is registered at the stage its actual dates reach, with one history step per stage;
monthly investment records a correction's previous amount; annual plans of existing projects
are set or replaced.

The check stage reads the file's cells (references by code, duplicates, stage dates) and then
asks the batch's ``prepare_*`` about every row at once (scope, links, transitions), so that
every problem is a bad cell and the write stage, which runs only when no cell is bad, does not
fail half-way. Neither stage asks the database per row.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pydantic
from sqlalchemy import select

from gaodi.chains.models import Chain, Link
from gaodi.core import clock
from gaodi.core.errors import ValidationError
from gaodi.core.text_safety import has_visible
from gaodi.exchange.handlers import Handler, in_scope, park_lookup, unknown_park
from gaodi.exchange.importer import Changes, Context, classify, row_values
from gaodi.exchange.validate import Table, duplicate_rows
from gaodi.projects import batch, projects, states
from gaodi.projects.models import Project, ProjectProgress, ProjectStage, ProjectYearPlan
from gaodi.projects.schemas import ProjectIn

#: stage -> (column of its planned date, column of its actual date)
STAGE_COLUMNS: dict[str, tuple[str | None, str]] = {
    "signed": (None, "signed_on"),
    "started": ("planned_start_on", "started_on"),
    "producing": ("planned_producing_on", "producing_on"),
    "full_output": ("planned_full_output_on", "full_output_on"),
}
#: sheet columns copied to project columns as they are (name and investor are the key)
PROJECT_FIELDS = {k: k for k in ("investor_uscc", "total_investment", "description", "is_demo")}
#: ProjectIn field -> sheet column (to place a pydantic error)
PROJECT_IN_COLUMNS = {
    "name": "name",
    "investor_name": "investor_name",
    "investor_uscc": "investor_uscc",
    "total_investment": "total_investment",
    "signed_on": "signed_on",
    "planned_start_on": "planned_start_on",
    "planned_producing_on": "planned_producing_on",
    "planned_full_output_on": "planned_full_output_on",
    "description": "description",
}
Key = tuple[str, str]  # (project name, investor)


def project_keys(ctx: Context) -> dict[Key, list[int]]:
    """(name, investor) -> ids of the projects in the database."""
    rows = ctx.session.execute(select(Project.id, Project.name, Project.investor_name))
    out: dict[Key, list[int]] = {}
    for pid, name, investor in rows:
        out.setdefault((name, investor), []).append(pid)
    return out


def _key_text(key: Key) -> str:
    return f"{key[0]}（{key[1]}）"


def resolve_project(
    ctx: Context, t: Table, i: int, key: Key, ids: list[int], editable: set[int]
) -> int | None:
    """The id of the database project ``key`` the principal may change; an error otherwise.

    A project outside a scoped importer's chains and parks is one it cannot see: it gets the
    missing project's words, and is not counted when telling namesakes apart."""
    if ctx.principal.is_scoped:
        ids = [pid for pid in ids if pid in editable]
    if not ids:
        ctx.fail(
            t,
            i,
            "project",
            f"重大项目“{key[0]}”（投资方：{key[1]}）不在系统中；请先导入项目，或核对项目名称和投资方。",
            f"No major project '{key[0]}' by investor '{key[1]}'; import the project first or "
            "check its name and investor.",
        )
        return None
    if len(ids) > 1:
        ctx.fail(
            t,
            i,
            "project",
            f"系统中有 {len(ids)} 个项目名为“{key[0]}”、投资方为“{key[1]}”，无法确定是哪一个。",
            f"{len(ids)} projects are named '{key[0]}' with investor '{key[1]}'; cannot tell "
            "which one is meant.",
        )
        return None
    return ids[0]


class ProjectsHandler(Handler):
    """Projects and their annual plans; plans may name projects new in the same file."""

    def check(self) -> None:
        ctx = self.ctx
        self.today = clock.today()
        self.db_keys = project_keys(ctx)
        self.file_keys: set[Key] = set()
        if "projects" in self.tables:
            t = self.tables["projects"]
            names, investors = t.col("name"), t.col("investor_name")
            self.file_keys = {
                (n, v) for n, v in zip(names, investors, strict=True) if None not in (n, v)
            }
            self._check_projects(t)
        if "project_year_plans" in self.tables:
            self._check_year_plans(self.tables["project_year_plans"])

    # ---- projects ---------------------------------------------------------------------------

    def _existing(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        """Project id -> its columns and stage dates (``planned:<stage>``, ``actual:<stage>``)."""
        ctx = self.ctx
        cols = ("chain_id", "link_id", "park_id", "stage", *PROJECT_FIELDS.values())
        query = select(Project.id, *(getattr(Project, c) for c in cols))
        out = {r.id: r._asdict() for r in ctx.fetch_in(query, Project.id, ids)}
        stages = select(
            ProjectStage.project_id,
            ProjectStage.stage,
            ProjectStage.planned_on,
            ProjectStage.actual_on,
        )
        for pid, stage, planned, actual in ctx.fetch_in(stages, ProjectStage.project_id, ids):
            out[pid][f"planned:{stage}"] = planned
            out[pid][f"actual:{stage}"] = actual
        for row in out.values():
            for stage in states.STAGES:
                row.setdefault(f"planned:{stage}", None)
                row.setdefault(f"actual:{stage}", None)
        return out

    def _check_projects(self, t: Table) -> None:
        ctx = self.ctx
        changes = self.changes["projects"] = Changes(Project)
        duplicate_rows(t, ["name", "investor_name"], ctx.errors)
        # the chains the importer reads: one outside its scope is a missing one
        chains: dict[str, int] = dict(
            ctx.session.execute(in_scope(select(Chain.code, Chain.id), ctx, Chain, "read")).all()
        )
        links = {
            (cid, code): lid
            for lid, cid, code in ctx.session.execute(select(Link.id, Link.chain_id, Link.code))
        }
        link_chain = {lid: cid for (cid, _), lid in links.items()}
        parks = park_lookup(ctx) if t.has("park") else {}
        wanted = {ids[0] for k in self.file_keys if len(ids := self.db_keys.get(k, [])) == 1}
        existing = self._existing(sorted(wanted))
        editable = ctx.editable(Project, existing)
        rows: list[tuple[int, Key, dict[str, Any] | None, tuple | None]] = []
        for i in range(len(t)):
            key = (t.columns["name"][i], t.columns["investor_name"][i])
            ids = self.db_keys.get(key, []) if None not in key else []
            old = existing.get(ids[0]) if len(ids) == 1 else None
            if len(ids) > 1:
                ctx.fail(
                    t,
                    i,
                    "name",
                    f"系统中有 {len(ids)} 个同名且同投资方的项目，无法确定更新哪一个。",
                    f"{len(ids)} projects have this name and investor; cannot tell which to "
                    "update.",
                )
            if old is not None and ctx.mode == "insert":
                classify(ctx, t, i, changes, {}, {}, old, f"项目 {_key_text(key)}")
                continue  # refused as already present: its other cells do not matter
            rows.append(
                (i, key, old, self._references(t, i, chains, links, link_chain, parks, old))
            )
        # the service's rule, asked of every row at once: a chain office registers its chains'
        # projects, a park office its parks' projects
        targets = [(i, refs[0], refs[2]) for i, _, _, refs in rows if refs is not None]
        scope = batch.scope_refusals(ctx.session, ctx.principal, [x[1:] for x in targets])
        for k, (name, exc) in scope.items():
            ctx.fail(t, targets[k][0], "park" if name == "park" else "chain_code", exc.zh, exc.en)
        self.project_rows: list[tuple[int, batch.ProjectWrite]] = []
        for i, key, old, refs in rows:
            dates = self._dates(t, i, old)
            if i in t.bad or refs is None or dates is None:
                continue
            cid, lid, pid = refs
            planned, actual = dates
            ins, upd = row_values(
                t,
                i,
                PROJECT_FIELDS,
                {
                    "chain_code": ("chain_id", cid),
                    "link_code": ("link_id", lid),
                    "park": ("park_id", pid),
                },
            )
            for stage, (p_col, a_col) in STAGE_COLUMNS.items():
                if p_col is not None and t.has(p_col):
                    upd[f"planned:{stage}"] = planned[stage]
                if t.has(a_col):
                    upd[f"actual:{stage}"] = actual[stage]
            if old is None:
                data = self._project_in(t, i, key, cid, lid, pid, planned)
                if data is None:
                    continue
                ins = {"key": key, "data": data, "actual": actual, "is_demo": ins["is_demo"]}
            classify(ctx, t, i, changes, ins, upd, old, f"项目 {_key_text(key)}", editable)
            if old is None and changes.inserts and changes.inserts[-1] is ins:
                self.project_rows.append((i, _new_write(ins)))
            elif old is not None and old["id"] in changes.updates and i not in t.bad:
                self.project_rows.append((i, _change_write(old["id"], changes.updates[old["id"]])))
        self._prepare_projects(t)

    def _prepare_projects(self, t: Table) -> None:
        """The batch use case's own checks of the rows to write (a cell for each refusal)."""
        ctx = self.ctx
        rows = [w for _, w in self.project_rows]
        self.project_batch = batch.prepare_projects(ctx.session, ctx.principal, rows)
        for r in self.project_batch.refusals:
            i = self.project_rows[r.index][0]
            ctx.fail(t, i, _project_column(r.field), r.error.zh, r.error.en)

    def _references(
        self,
        t: Table,
        i: int,
        chains: dict[str, int],
        links: dict[tuple[int, str], int],
        link_chain: dict[int, int],
        parks: dict[str, int],
        old: dict[str, Any] | None,
    ) -> tuple[int, int | None, int | None] | None:
        """(chain id, link id, park id) of row ``i`` as they will be; None after an error."""
        ctx = self.ctx
        chain, link, park = (t.col(k)[i] for k in ("chain_code", "link_code", "park"))
        cid = chains.get(chain) if chain is not None else None
        if chain is not None and cid is None and ctx.principal.is_scoped:
            ctx.fail(t, i, "chain_code", *projects.CHAIN_NOT_FOUND)
        elif chain is not None and cid is None:
            ctx.fail(
                t, i, "chain_code", f"产业链“{chain}”不存在。", f"Chain '{chain}' does not exist."
            )
        if t.has("link_code") or old is None:
            lid = links.get((cid, link)) if cid is not None and link is not None else None
            if cid is not None and link is not None and lid is None:
                ctx.fail(
                    t,
                    i,
                    "link_code",
                    f"环节“{link}”不在产业链“{chain}”中。",
                    f"Link '{link}' is not in chain '{chain}'.",
                )
        else:  # the link stays: it must belong to the (new) chain
            lid = old["link_id"]
            if cid is not None and lid is not None and link_chain.get(lid) != cid:
                ctx.fail(
                    t,
                    i,
                    "chain_code",
                    "项目的环节不属于该产业链；请同时填写“环节代码”列。",
                    "The project's link is not in this chain; give the link code column too.",
                )
        pid: int | None = None
        if park is not None:
            pid = parks.get(park)
            if pid is None:
                unknown_park(ctx, t, i, "park", park, parks)
        elif old is not None and not t.has("park"):
            pid = old["park_id"]
        if cid is None or i in t.bad:
            return None
        return cid, lid, pid

    def _dates(
        self, t: Table, i: int, old: dict[str, Any] | None
    ) -> tuple[dict[str, date | None], dict[str, date | None]] | None:
        """(planned, actual) dates by stage as they will be; None after an error."""
        ctx = self.ctx
        planned: dict[str, date | None] = {}
        actual: dict[str, date | None] = {}
        recorded = False
        for stage, (p_col, a_col) in STAGE_COLUMNS.items():
            if p_col is None:
                planned[stage] = old["planned:signed"] if old else t.columns["signed_on"][i]
            elif t.has(p_col) or old is None:
                planned[stage] = t.col(p_col)[i]
            else:
                planned[stage] = old[f"planned:{stage}"]
            before = old[f"actual:{stage}"] if old else None
            actual[stage] = t.col(a_col)[i] if t.has(a_col) else before
            if before is not None and actual[stage] != before and ctx.mode == "upsert":
                zh, en = projects.STAGE_LABELS[stage]
                ctx.fail(
                    t,
                    i,
                    a_col,
                    f"项目已记录{zh}日期 {before}；导入不能修改或清除已记录的阶段日期。",
                    f"The project's {en} date is recorded as {before}; an import cannot change "
                    "or clear a recorded stage date.",
                )
                recorded = True
        for p in projects.date_problems(planned, actual, self.today):
            p_col, a_col = STAGE_COLUMNS[p.stage]
            ctx.fail(t, i, a_col if p.kind == "actual" else p_col or a_col, p.zh, p.en)
        if recorded or i in t.bad:
            return None
        reached = projects.reached_stage(actual)
        stage = t.col("stage")[i]
        if stage is not None and stage != reached:
            zh, en = projects.STAGE_LABELS[stage]
            order = states.STAGES.index
            if order(stage) > order(reached):
                ctx.fail(
                    t,
                    i,
                    "stage",
                    f"阶段为“{zh}”，但没有{zh}的实际日期。",
                    f"The stage is '{en}' but there is no actual {en} date.",
                )
            else:
                rzh, ren = projects.STAGE_LABELS[reached]
                ctx.fail(
                    t,
                    i,
                    "stage",
                    f"阶段为“{zh}”，但已填写{rzh}的实际日期（{actual[reached]}）。",
                    f"The stage is '{en}' but an actual {ren} date ({actual[reached]}) is given.",
                )
            return None
        return planned, actual

    def _project_in(
        self,
        t: Table,
        i: int,
        key: Key,
        cid: int,
        lid: int | None,
        pid: int | None,
        planned: dict[str, date | None],
    ) -> ProjectIn | None:
        """The service's input for a new project (year plans are added when writing)."""
        total = t.columns["total_investment"][i]
        if total is not None and total <= 0:
            self.ctx.fail(
                t,
                i,
                "total_investment",
                "总投资须大于 0。",
                "The total investment must be more than 0.",
            )
            return None
        try:
            return ProjectIn(
                name=key[0],
                investor_name=key[1],
                chain_id=cid,
                link_id=lid,
                park_id=pid,
                investor_uscc=t.col("investor_uscc")[i],
                total_investment=total,
                signed_on=t.columns["signed_on"][i],
                planned_start_on=planned["started"],
                planned_producing_on=planned["producing"],
                planned_full_output_on=planned["full_output"],
                description=t.col("description")[i],
            )
        except pydantic.ValidationError as exc:
            for err in exc.errors():
                column = PROJECT_IN_COLUMNS.get(str(err["loc"][0]), "name")
                self.ctx.fail(
                    t, i, column, f"不符合要求：{err['msg']}。", f"Not accepted: {err['msg']}."
                )
            return None

    # ---- annual plans -----------------------------------------------------------------------

    def _check_year_plans(self, t: Table) -> None:
        ctx = self.ctx
        changes = self.changes["project_year_plans"] = Changes(ProjectYearPlan)
        duplicate_rows(t, ["project", "investor_name", "year"], ctx.errors)
        keys = list(zip(t.col("project"), t.col("investor_name"), strict=True))
        in_db = {ids[0] for k in keys if len(ids := self.db_keys.get(k, [])) == 1}
        editable = ctx.editable(Project, in_db)
        query = select(
            ProjectYearPlan.id, ProjectYearPlan.project_id, ProjectYearPlan.year,
            ProjectYearPlan.amount,
        )  # fmt: skip
        existing = {
            (r.project_id, r.year): r._asdict()
            for r in ctx.fetch_in(query, ProjectYearPlan.project_id, in_db)
        }
        #: plan id -> (project id, year): where an update is written
        self.plan_keys = {r["id"]: key for key, r in existing.items()}
        #: (sheet row, annual plan of a project already stored)
        self.plan_rows: list[tuple[int, batch.YearPlanWrite]] = []
        for i in range(len(t)):
            key = keys[i]
            if None in key:
                continue
            ids = self.db_keys.get(key, [])
            pid: int | None = None
            if key not in self.file_keys or ids:
                pid = resolve_project(ctx, t, i, key, ids, editable)
                if pid is None:
                    continue
            if i in t.bad:
                continue
            year, amount = t.columns["year"][i], t.columns["amount"][i]
            ins = {"key": key, "project_id": pid, "year": year, "amount": amount}
            old = existing.get((pid, year)) if pid is not None else None
            classify(
                ctx, t, i, changes, ins, {"amount": amount}, old, f"{_key_text(key)} {year} 年"
            )
            written = (old is None and changes.inserts and changes.inserts[-1] is ins) or (
                old is not None and old["id"] in changes.updates
            )
            note = t.columns["note"][i] if "note" in t.columns else None
            if pid is not None and written:
                self.plan_rows.append((i, batch.YearPlanWrite(pid, year, amount, note)))
            elif old is not None and old["amount"] == amount and has_visible(note):
                # the export has no 备注 for a year: one typed on an unchanged year is a reason
                # for no correction, and goes nowhere
                _note_not_saved(ctx, t, i)
        self.plan_rows.sort(key=lambda r: (r[1].project_id, r[1].year))
        rows = [w for _, w in self.plan_rows]
        self.plan_batch = batch.prepare_year_plans(ctx.session, ctx.principal, rows)
        for r in self.plan_batch.refusals:
            column = r.field if r.field in ("amount", "year", "note") else "project"
            ctx.fail(t, self.plan_rows[r.index][0], column, r.error.zh, r.error.en)

    # ---- writing ----------------------------------------------------------------------------

    def write(self) -> None:
        s, p = self.ctx.session, self.ctx.principal
        new_plans: dict[Key, dict[int, float]] = {}  # annual plans of projects new in the file
        plans = self.changes.get("project_year_plans")
        for row in plans.inserts if plans is not None else []:
            if row["project_id"] is None:
                new_plans.setdefault(row["key"], {})[row["year"]] = row["amount"]
        if "projects" in self.changes:
            found = self.project_batch
            # a new project's annual plans go in with it (they change none of its checks)
            found.rows = [
                dataclasses.replace(w, data=w.data.model_copy(update={"year_plans": plans_of}))
                if w.data is not None and (plans_of := new_plans.get(_data_key(w.data)))
                else w
                for w in found.rows
            ]
            batch.write_projects(s, p, found)
        if plans is not None:
            batch.write_year_plans(s, p, self.plan_batch)


def _note_not_saved(ctx: Context, t: Table, i: int) -> None:
    """Tell the import's report that row ``i``'s 备注 was not kept: its amount is the one on
    record, and a note is stored only as the reason of a correction (the API refuses the same
    case in words; the report said nothing and the file and the database then disagreed)."""
    row = t.row_numbers[i]
    ctx.notes.append(
        (
            f"“{t.sheet_name}”第 {row} 行：金额未变，备注未保存：更正原因只随数值更正保存。",
            f"'{t.sheet_name}' row {row}: the amount is unchanged, so its note (备注) was not "
            "saved: a reason is kept only with a corrected figure.",
        )
    )


def _data_key(data: ProjectIn) -> Key:
    return (data.name, data.investor_name)


def _new_write(ins: dict[str, Any]) -> batch.ProjectWrite:
    """A new project of the sheet as the batch use case takes it."""
    actual = {k: v for k, v in ins["actual"].items() if k != "signed" and v is not None}
    return batch.ProjectWrite(data=ins["data"], actual=actual, is_demo=ins["is_demo"])


def _change_write(pid: int, diff: dict[str, Any]) -> batch.ProjectWrite:
    """A stored project's changed cells as the batch use case takes them."""
    return batch.ProjectWrite(
        project_id=pid,
        values={k: v for k, v in diff.items() if ":" not in k},
        planned={k[8:]: v for k, v in diff.items() if k.startswith("planned:")},
        actual={k[7:]: v for k, v in diff.items() if k.startswith("actual:") and v is not None},
    )


def _project_column(name: str) -> str:
    """The sheet column of a field the batch use case refused."""
    if ":" in name:
        kind, stage = name.split(":", 1)
        planned, actual = STAGE_COLUMNS[stage]
        return (planned or actual) if kind == "planned" else actual
    columns = {"chain": "chain_code", "link": "link_code"}
    return columns.get(name, name if name in ("park", "investor_uscc") else "name")


class ProjectProgressHandler(Handler):
    """Monthly investment: a new month is reported, a reported one corrected (upsert only). A
    row with the amount on record is unchanged (its 备注 is not written: it is the reason of a
    correction, and there is none); a correction's 备注 is its reason."""

    def check(self) -> None:
        ctx, t = self.ctx, self.tables["project_progress"]
        changes = self.changes["project_progress"] = Changes(ProjectProgress)
        duplicate_rows(t, ["project", "investor_name", "period"], ctx.errors)
        db_keys = project_keys(ctx)
        keys = list(zip(t.col("project"), t.col("investor_name"), strict=True))
        in_db = {ids[0] for k in keys if len(ids := db_keys.get(k, [])) == 1}
        editable = ctx.editable(Project, in_db)
        query = select(
            ProjectProgress.id, ProjectProgress.project_id, ProjectProgress.period,
            ProjectProgress.amount, ProjectProgress.note,
        )  # fmt: skip
        existing = {
            (r.project_id, r.period): r._asdict()
            for r in ctx.fetch_in(query, ProjectProgress.project_id, in_db)
        }
        #: (sheet row, month to report or correct)
        self.rows: list[tuple[int, batch.ProgressWrite]] = []
        for i in range(len(t)):
            key = keys[i]
            pid = None
            if None not in key:
                pid = resolve_project(ctx, t, i, key, db_keys.get(key, []), editable)
            period, amount = t.columns["period"][i], t.columns["amount"][i]
            if period is not None and amount is not None:
                try:
                    projects.check_progress(period, amount)
                except ValidationError as exc:
                    ctx.fail(t, i, "period" if amount >= 0 else "amount", exc.zh, exc.en)
            if i in t.bad or pid is None:
                continue
            ins, upd = row_values(
                t, i, {"period": "period", "amount": "amount", "note": "note"}, {}
            )
            ins["project_id"] = pid
            upd.pop("period")
            old = existing.get((pid, period))
            if old is not None and upd.get("amount", old["amount"]) == old["amount"]:
                # the amount on record: nothing to correct, so the row is unchanged whatever its
                # 备注 (a blank cell would erase the reason of the month's last correction)
                typed = upd.pop("note", None)
                if has_visible(typed) and (typed or "").strip() != (old["note"] or "").strip():
                    _note_not_saved(ctx, t, i)
            classify(ctx, t, i, changes, ins, upd, old, f"{_key_text(key)} {period}")
            if old is None or old["id"] in changes.updates:
                note = upd.get("note", old["note"] if old else None)
                amount = upd.get("amount", old["amount"] if old else None)
                # the amount column is required: a row without one was refused above
                self.rows.append((i, batch.ProgressWrite(pid, period, amount, note)))  # type: ignore[arg-type]
        # in the order of the projects' history: by project, then month
        self.rows.sort(key=lambda r: (r[1].project_id, r[1].period))
        rows = [w for _, w in self.rows]
        self.batch = batch.prepare_progress(ctx.session, ctx.principal, rows)
        for r in self.batch.refusals:
            column = "project" if r.field == "project" else r.field
            ctx.fail(t, self.rows[r.index][0], column, r.error.zh, r.error.en)

    def write(self) -> None:
        batch.write_progress(self.ctx.session, self.ctx.principal, self.batch)
