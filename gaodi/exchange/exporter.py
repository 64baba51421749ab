"""Export: the same columns as the template, filtered by what the principal may read.

Every query starts from :func:`gaodi.core.permissions.restrict`, so a chain office exports only
its chain's enterprises, exactly as it sees them on its pages. Rows come out as the values the
importer produces (:mod:`~gaodi.exchange.convert` writes them back), so export -> import into an
empty database -> export gives the same file content.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from gaodi.chains.members import chain_enterprise_ids
from gaodi.chains.models import Chain, EnterpriseLink, Link
from gaodi.chains.rules import LINK_COLUMNS
from gaodi.clusters.models import Cluster
from gaodi.core import clock
from gaodi.core.dbint import row_id_text
from gaodi.core.errors import ValidationError
from gaodi.core.permissions import Principal, restrict
from gaodi.core.selects import AnySelect
from gaodi.core.text_safety import csv_cell
from gaodi.enterprises.facts import display, fact_fields
from gaodi.enterprises.models import (
    Enterprise,
    EnterpriseYear,
    IndustryMargin,
    TierAward,
    TierFact,
    TierHonour,
)
from gaodi.exchange.convert import to_cell, to_text
from gaodi.exchange.handlers import YEAR_FIGURES
from gaodi.exchange.handlers_projects import STAGE_COLUMNS
from gaodi.exchange.schema import SheetSpec
from gaodi.parks.models import Park
from gaodi.plans.models import Action, Indicator, Observation, Plan, Target, latest_revisions
from gaodi.projects.models import Project, ProjectProgress, ProjectStage, ProjectYearPlan

PROJECT_SHEETS = ("projects", "project_year_plans", "project_progress")
#: filters an export understands, and the entities (sheets) each applies to
FILTERS: dict[str, tuple[str, ...]] = {
    "chain": (
        "enterprises",
        "enterprise_years",
        "tier_facts",
        "tier_awards",
        "tier_honours",
        "chains",
        "links",
        "enterprise_links",
        "targets",
        "observations",
        *PROJECT_SHEETS,
    ),
    "park": (
        "enterprises",
        "enterprise_years",
        "tier_facts",
        "tier_awards",
        "tier_honours",
        "parks",
        "targets",
        "observations",
        *PROJECT_SHEETS,
    ),
    "year": ("enterprise_years", "tier_facts", "targets", "observations", *PROJECT_SHEETS[1:]),
    "indicator": ("indicators", "targets", "observations"),
    "plan": ("plans", "actions", "targets"),
    "source": ("enterprise_links",),
}


@dataclass
class SheetRows:
    """Rows of one sheet (dicts keyed by column key) and how many are demo rows."""

    spec: SheetSpec
    rows: list[dict[str, Any]] = field(default_factory=list)
    demo: int = 0


class Exporter:
    def __init__(self, session: Session, principal: Principal, filters: dict[str, Any]) -> None:
        self.session = session
        self.p = principal
        self.f = {k: v for k, v in filters.items() if v not in (None, "")}

    def q(self, model: type, *columns: Any) -> AnySelect:
        return restrict(select(model), self.p, "read").with_only_columns(*columns)

    def all(self, query: AnySelect) -> list[Any]:
        return list(self.session.execute(query).all())

    def chain_id(self) -> int | None:
        code = self.f.get("chain")
        if code is None:
            return None
        cid = self.session.execute(select(Chain.id).where(Chain.code == code)).scalar()
        if cid is None:
            raise ValidationError(f"产业链“{code}”不存在。", f"Chain '{code}' does not exist.")
        return int(cid)

    def park_id(self) -> int | None:
        name = self.f.get("park")
        if name is None:
            return None
        pid = self.session.execute(select(Park.id).where(Park.name == name)).scalar()
        if pid is None:
            raise ValidationError(f"园区“{name}”不存在。", f"Park '{name}' does not exist.")
        return int(pid)

    def enterprise_where(self, query: AnySelect) -> AnySelect:
        cid, pid = self.chain_id(), self.park_id()
        if cid is not None:
            query = query.where(Enterprise.id.in_(chain_enterprise_ids(frozenset({cid}))))
        if pid is not None:
            query = query.where(Enterprise.park_id == pid)
        return query

    # ---- sheets -----------------------------------------------------------------------------

    def enterprises(self, spec: SheetSpec) -> SheetRows:
        parks = dict(self.session.execute(select(Park.id, Park.name)).all())
        cols = [c for c in spec.keys if c != "park"]
        query = self.q(Enterprise, *(getattr(Enterprise, c) for c in cols), Enterprise.park_id)
        out = SheetRows(spec)
        for r in self.all(self.enterprise_where(query).order_by(Enterprise.id)):
            row = dict(zip(cols, r[:-1], strict=True))
            row["park"] = parks.get(r[-1])
            out.rows.append(row)
            out.demo += bool(row["is_demo"])
        return out

    def enterprise_years(self, spec: SheetSpec) -> SheetRows:
        fields = ("year", *YEAR_FIGURES)
        query = self.q(
            EnterpriseYear,
            Enterprise.uscc,
            Enterprise.is_demo,
            *(getattr(EnterpriseYear, c) for c in fields),
        )
        query = query.join_from(
            EnterpriseYear, Enterprise, EnterpriseYear.enterprise_id == Enterprise.id
        )
        if "year" in self.f:
            query = query.where(EnterpriseYear.year == int(self.f["year"]))
        out = SheetRows(spec)
        for r in self.all(
            self.enterprise_where(query).order_by(Enterprise.id, EnterpriseYear.year)
        ):
            out.rows.append({"uscc": r[0], **dict(zip(fields, r[2:], strict=True))})
            out.demo += bool(r[1])
        return out

    def tier_facts(self, spec: SheetSpec) -> SheetRows:
        """One row per enterprise, year and source (a fact has one source), as imported."""
        kinds = {f.name: f for f in fact_fields()}
        query = self.q(
            TierFact,
            Enterprise.uscc,
            Enterprise.is_demo,
            TierFact.year,
            TierFact.source,
            TierFact.field,
            TierFact.value,
        ).join_from(TierFact, Enterprise, TierFact.enterprise_id == Enterprise.id)
        if "year" in self.f:
            query = query.where(TierFact.year == int(self.f["year"]))
        query = self.enterprise_where(query).order_by(
            Enterprise.id, TierFact.year, TierFact.source, TierFact.id
        )
        rows: dict[tuple[str, int, str], dict[str, Any]] = {}
        demo: dict[tuple[str, int, str], bool] = {}
        for uscc, is_demo, year, source, name, value in self.all(query):
            f = kinds.get(name)
            if f is None:
                continue
            key = (uscc, year, source)
            row = rows.setdefault(key, {"uscc": uscc, "year": year, "source": source})
            row[name] = display(f, value)
            demo[key] = bool(is_demo)
        return SheetRows(spec, list(rows.values()), sum(demo.values()))

    def _enterprise_list(self, spec: SheetSpec, model: Any, order: Any) -> SheetRows:
        """One row per award or honour, as imported."""
        keys = [k for k in spec.keys if k != "uscc"]
        query = self.q(
            model, Enterprise.uscc, Enterprise.is_demo, *(getattr(model, k) for k in keys)
        ).join_from(model, Enterprise, model.enterprise_id == Enterprise.id)
        out = SheetRows(spec)
        for r in self.all(self.enterprise_where(query).order_by(Enterprise.id, order, model.id)):
            out.rows.append({"uscc": r[0], **dict(zip(keys, r[2:], strict=True))})
            out.demo += bool(r[1])
        return out

    def tier_awards(self, spec: SheetSpec) -> SheetRows:
        return self._enterprise_list(spec, TierAward, TierAward.year)

    def tier_honours(self, spec: SheetSpec) -> SheetRows:
        return self._enterprise_list(spec, TierHonour, TierHonour.valid_from)

    def industry_margins(self, spec: SheetSpec) -> SheetRows:
        query = self.q(IndustryMargin, *(getattr(IndustryMargin, c) for c in spec.keys))
        return self._simple(spec, query.order_by(IndustryMargin.industry_code, IndustryMargin.year))

    def parks(self, spec: SheetSpec) -> SheetRows:
        query = self.q(Park, *(getattr(Park, c) for c in spec.keys))
        pid = self.park_id()
        if pid is not None:
            query = query.where(Park.id == pid)
        return self._simple(spec, query.order_by(Park.id))

    def chains(self, spec: SheetSpec) -> SheetRows:
        query = self.q(Chain, *(getattr(Chain, c) for c in spec.keys))
        cid = self.chain_id()
        if cid is not None:
            query = query.where(Chain.id == cid)
        return self._simple(spec, query.order_by(Chain.id))

    def links(self, spec: SheetSpec) -> SheetRows:
        parent = aliased(Link)
        cols = LINK_COLUMNS  # what the import writes back
        query = self.q(
            Link, Chain.code, parent.code, Chain.is_demo, *(getattr(Link, c) for c in cols)
        )
        query = query.join_from(Link, Chain, Link.chain_id == Chain.id).outerjoin(
            parent, Link.parent_id == parent.id
        )
        cid = self.chain_id()
        if cid is not None:
            query = query.where(Link.chain_id == cid)
        out = SheetRows(spec)
        for r in self.all(query.order_by(Chain.id, Link.id)):
            out.rows.append(
                {"chain_code": r[0], "parent_code": r[1], **dict(zip(cols, r[3:], strict=True))}
            )
            out.demo += bool(r[2])
        return out

    def enterprise_links(self, spec: SheetSpec) -> SheetRows:
        query = self.q(
            EnterpriseLink,
            Enterprise.uscc,
            Chain.code,
            Link.code,
            EnterpriseLink.source,
            EnterpriseLink.confidence,
            EnterpriseLink.excluded,
            EnterpriseLink.reason,
            Enterprise.is_demo,
        )
        query = (
            query.join_from(
                EnterpriseLink, Enterprise, EnterpriseLink.enterprise_id == Enterprise.id
            )
            .join(Link, EnterpriseLink.link_id == Link.id)
            .join(Chain, Link.chain_id == Chain.id)
            .where(EnterpriseLink.valid_to.is_(None))
        )
        cid = self.chain_id()
        if cid is not None:
            query = query.where(Chain.id == cid)
        source = self.f.get("source", "all")
        if source not in ("all", "manual", "rule"):
            raise ValidationError(
                f"来源筛选“{source}”无效：应为 all、manual 或 rule。",
                f"Source filter '{source}' must be all, manual or rule.",
            )
        if source != "all":
            query = query.where(EnterpriseLink.source == source)
        keys = ("uscc", "chain_code", "link_code", "source", "confidence", "excluded", "note")
        out = SheetRows(spec)
        for r in self.all(query.order_by(Enterprise.uscc, Chain.code, Link.code)):
            out.rows.append(dict(zip(keys, r[:-1], strict=True)))
            out.demo += bool(r[-1])
        return out

    def indicators(self, spec: SheetSpec) -> SheetRows:
        query = self.q(Indicator, *(getattr(Indicator, c) for c in spec.keys))
        if "indicator" in self.f:
            query = query.where(Indicator.code == self.f["indicator"])
        return self._simple(spec, query.order_by(Indicator.id))

    def plan_filter(self, query: AnySelect) -> AnySelect:
        plan = self.f.get("plan")
        if plan is None:
            return query
        cond = Plan.title == str(plan)
        row_id = row_id_text(str(plan))
        if row_id is not None:
            cond = cond | (Plan.id == row_id)
        return query.where(cond)

    def plans(self, spec: SheetSpec) -> SheetRows:
        query = self.q(Plan, *(getattr(Plan, c) for c in spec.keys))
        return self._simple(spec, self.plan_filter(query).order_by(Plan.id))

    def actions(self, spec: SheetSpec) -> SheetRows:
        cols = ("number", "title", "text", "sort_order")
        query = self.q(Action, Plan.title, Plan.is_demo, *(getattr(Action, c) for c in cols))
        query = query.join_from(Action, Plan, Action.plan_id == Plan.id)
        out = SheetRows(spec)
        for r in self.all(self.plan_filter(query).order_by(Plan.id, Action.sort_order, Action.id)):
            out.rows.append({"plan": r[0], **dict(zip(cols, r[2:], strict=True))})
            out.demo += bool(r[1])
        return out

    def scope_names(self) -> dict[str, dict[int, str]]:
        s = self.session
        return {
            "chain": dict(s.execute(select(Chain.id, Chain.code)).all()),
            "park": dict(s.execute(select(Park.id, Park.name)).all()),
            "cluster": dict(s.execute(select(Cluster.id, Cluster.name)).all()),
        }

    def scope_where(self, query: AnySelect, model: Any) -> AnySelect:
        cid, pid = self.chain_id(), self.park_id()
        if cid is not None:
            query = query.where(and_(model.scope == "chain", model.scope_id == cid))
        if pid is not None:
            query = query.where(and_(model.scope == "park", model.scope_id == pid))
        if "indicator" in self.f:
            query = query.where(Indicator.code == self.f["indicator"])
        return query

    def _scope_ref(self, names: dict[str, dict[int, str]], scope: str, scope_id: int) -> str | None:
        if scope == "city":
            return None
        if scope == "enterprise":
            return self.session.execute(
                select(Enterprise.uscc).where(Enterprise.id == scope_id)
            ).scalar()
        return names.get(scope, {}).get(scope_id)

    def targets(self, spec: SheetSpec) -> SheetRows:
        cols = (
            "indicator_name",
            "value",
            "value_max",
            "unit",
            "year",
            "comparator",
            "baseline",
            "baseline_year",
            "scope",
            "quote",
            "note",
            "path",
        )
        query = self.q(
            Target,
            Plan.title,
            Action.number,
            Indicator.code,
            Indicator.is_demo,
            Target.scope_id,
            *(getattr(Target, c) for c in cols),
        )
        query = (
            query.join_from(Target, Plan, Target.plan_id == Plan.id)
            .outerjoin(Action, Target.action_id == Action.id)
            .outerjoin(Indicator, Target.indicator_id == Indicator.id)
        )
        if "year" in self.f:
            query = query.where(Target.year == int(self.f["year"]))
        query = self.scope_where(self.plan_filter(query), Target)
        names = self.scope_names()
        out = SheetRows(spec)
        for r in self.all(query.order_by(Target.id)):
            row = {
                "plan": r[0],
                "action": r[1],
                "indicator": r[2],
                **dict(zip(cols, r[5:], strict=True)),
            }
            row["scope_ref"] = self._scope_ref(names, row["scope"], r[4])
            out.rows.append(row)
            out.demo += bool(r[3])
        return out

    def observations(self, spec: SheetSpec) -> SheetRows:
        cols = ("period", "value", "kind", "comment", "source", "is_demo")
        query = self.q(
            Observation,
            Indicator.code,
            Observation.scope,
            Observation.scope_id,
            *(getattr(Observation, c) for c in cols),
        )
        query = latest_revisions(
            query.join_from(Observation, Indicator, Observation.indicator_id == Indicator.id)
        )
        if "year" in self.f:
            query = query.where(Observation.period.like(f"{int(self.f['year'])}%"))
        query = self.scope_where(query, Observation)
        names = self.scope_names()
        out = SheetRows(spec)
        order = (
            Indicator.id,
            Observation.scope,
            Observation.scope_id,
            Observation.period,
            Observation.kind,
        )
        for r in self.all(query.order_by(*order)):
            row = {"indicator": r[0], "scope": r[1], **dict(zip(cols, r[3:], strict=True))}
            row["scope_ref"] = self._scope_ref(names, r[1], r[2])
            out.rows.append(row)
            out.demo += bool(row["is_demo"])
        return out

    # ---- major projects ---------------------------------------------------------------------

    def project_where(self, query: AnySelect) -> AnySelect:
        cid, pid = self.chain_id(), self.park_id()
        if cid is not None:
            query = query.where(Project.chain_id == cid)
        if pid is not None:
            query = query.where(Project.park_id == pid)
        return query

    def projects(self, spec: SheetSpec) -> SheetRows:
        cols = ("name", "investor_name", "investor_uscc", "total_investment", "stage")
        query = self.q(
            Project,
            Project.id,
            Chain.code,
            Link.code,
            Park.name,
            Project.description,
            Project.is_demo,
            *(getattr(Project, c) for c in cols),
        )
        query = (
            query.join_from(Project, Chain, Project.chain_id == Chain.id)
            .outerjoin(Link, Project.link_id == Link.id)
            .outerjoin(Park, Project.park_id == Park.id)
        )
        dates: dict[int, dict[str, Any]] = {}
        stages = self.q(
            ProjectStage,
            ProjectStage.project_id,
            ProjectStage.stage,
            ProjectStage.planned_on,
            ProjectStage.actual_on,
        ).join_from(ProjectStage, Project, ProjectStage.project_id == Project.id)
        for project_id, stage, planned, actual in self.all(self.project_where(stages)):
            p_col, a_col = STAGE_COLUMNS[stage]
            row = dates.setdefault(project_id, {})
            row[a_col] = actual
            if p_col is not None:
                row[p_col] = planned
        out = SheetRows(spec)
        for r in self.all(self.project_where(query).order_by(Project.id)):
            row = {"chain_code": r[1], "link_code": r[2], "park": r[3], "description": r[4]}
            row["is_demo"] = r[5]
            row.update(zip(cols, r[6:], strict=True))
            row.update(dates.get(r[0], {}))
            out.rows.append(row)
            out.demo += bool(row["is_demo"])
        return out

    def _project_children(
        self, spec: SheetSpec, model: Any, cols: tuple[str, ...], order: Any
    ) -> SheetRows:
        query = self.q(
            model,
            Project.name,
            Project.investor_name,
            Project.is_demo,
            *(getattr(model, c) for c in cols),
        ).join_from(model, Project, model.project_id == Project.id)
        if "year" in self.f:
            year = int(self.f["year"])
            query = query.where(
                model.year == year if model is ProjectYearPlan else model.period.like(f"{year}-%")
            )
        out = SheetRows(spec)
        for r in self.all(self.project_where(query).order_by(Project.id, order)):
            out.rows.append(
                {"project": r[0], "investor_name": r[1], **dict(zip(cols, r[3:], strict=True))}
            )
            out.demo += bool(r[2])
        return out

    def project_year_plans(self, spec: SheetSpec) -> SheetRows:
        return self._project_children(
            spec, ProjectYearPlan, ("year", "amount"), ProjectYearPlan.year
        )

    def project_progress(self, spec: SheetSpec) -> SheetRows:
        return self._project_children(
            spec, ProjectProgress, ("period", "amount", "note"), ProjectProgress.period
        )

    def _simple(self, spec: SheetSpec, query: AnySelect) -> SheetRows:
        out = SheetRows(spec)
        for r in self.all(query):
            row = dict(zip(spec.keys, r, strict=True))
            out.rows.append(row)
            out.demo += bool(row.get("is_demo"))
        return out

    def sheet(self, spec: SheetSpec) -> SheetRows:
        fn: Callable[[SheetSpec], SheetRows] = getattr(self, spec.key)
        return fn(spec)


def cells(spec: SheetSpec, rows: Sequence[dict[str, Any]]) -> Iterator[list[Any]]:
    """xlsx cell values of ``rows`` in column order, a row at a time (the sheet streams them:
    a list of them all held a second copy of 300,000 firms)."""
    cols = spec.columns
    return ([to_cell(c, r.get(c.key)) for c in cols] for r in rows)


def write_csv(path: Path, spec: SheetSpec, rows: Sequence[dict[str, Any]]) -> None:
    """CSV in UTF-8 with a byte-order mark (so Excel shows Chinese correctly), CRLF lines."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow([c.csv_header for c in spec.columns])
        for r in rows:
            writer.writerow([csv_cell(to_text(c, r.get(c.key))) for c in spec.columns])


def now_text(zh: bool = True) -> str:
    """When an export is generated, on the city's clock (:func:`gaodi.core.clock.now`: the
    city's today, so a file never claims to be made after the data's own day) in the city's
    time zone, named as the reports name it: ``2024-01-15 21:31:00（北京时间）``."""
    at = clock.local(clock.now()).replace(microsecond=0).isoformat(sep=" ")
    zone = clock.zone_label(zh)
    return f"{at}（{zone}）" if zh else f"{at} ({zone})"
