"""Projects, 揭榜挂帅 challenges and enterprise appeals in the monthly report.

The digest is :func:`gaodi.projects.service.act_summary` (what the overview shows); the lists
are the projects, challenges and appeals pages' own queries (:func:`list_projects` with
``delayed``, :func:`list_challenges` with ``open``, :func:`list_appeals` with ``overdue``).
A part the principal may not read is left out; without the projects feature the whole section
is left out.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from gaodi.core.permissions import Principal, allowed
from gaodi.reports.lang import Lang
from gaodi.reports.model import Block, Column, Heading, Paragraph, Table

DOC_ROWS = 10  # rows a Word report lists; the Excel report has every row


def act_blocks(session: Session, principal: Principal, day: dt.date, tr: Lang) -> list[Block]:
    """The section's blocks (empty when nothing is readable)."""
    try:
        from gaodi.projects import service
        from gaodi.projects.schemas import AppealFilter, ChallengeFilter, ProjectFilter
    except ModuleNotFoundError:
        return []
    s = service.act_summary(session, principal, day)
    parts_zh: list[str] = []
    parts_en: list[str] = []
    if s.projects_total is not None:
        parts_zh.append(f"重大项目{s.projects_total}个，其中进度滞后于计划{s.projects_behind}个")
        parts_en.append(f"{s.projects_total} major projects, {s.projects_behind} behind plan")
    if s.challenges_open is not None:
        parts_zh.append(
            f"揭榜挂帅榜单在办{s.challenges_open}项，攻关节点逾期{s.milestones_overdue}个"
        )
        parts_en.append(
            f"{s.challenges_open} challenges open with {s.milestones_overdue} milestones overdue"
        )
    if s.appeals_open is not None:
        parts_zh.append(
            f"企业诉求在办{s.appeals_open}件，其中超过办理时限{s.appeals_overdue}件、"
            f"已升级督办{s.appeals_escalated}件"
        )
        parts_en.append(
            f"{s.appeals_open} enterprise appeals open, {s.appeals_overdue} past "
            f"their time limit and {s.appeals_escalated} escalated"
        )
    if not parts_zh:
        return []
    blocks: list[Block] = [
        Paragraph(
            tr(
                f"截至{tr.date(day)}，" + "；".join(parts_zh) + "。",
                f"As of {tr.date(day)}: " + "; ".join(parts_en) + ".",
            )
        )
    ]
    if s.projects_total is not None and allowed(principal, "read", "project"):
        behind = service.list_projects(session, principal, ProjectFilter(delayed=True), day)
        if behind:
            blocks.append(Heading(2, tr("进度滞后的重大项目", "Projects behind plan")))
            rows = [
                [
                    p.name,
                    p.chain_name,
                    p.park_name or "—",
                    tr(p.stage_zh, p.stage_en),
                    p.total_investment,
                    p.completed_total,
                    (p.delays[0].reason_zh if tr.zh else p.delays[0].reason_en) if p.delays else "",
                ]
                for p in behind
            ]
            columns = [
                Column(tr("项目", "Project"), width=2.4),
                Column(tr("产业链", "Chain"), width=1.2),
                Column(tr("园区", "Park"), width=1.4),
                Column(tr("阶段", "Stage"), width=0.8),
                Column(
                    tr("总投资", "Investment"), unit=tr("万元", "10k yuan"), fmt="int", width=1.1
                ),
                Column(
                    tr("累计完成", "Completed"), unit=tr("万元", "10k yuan"), fmt="int", width=1.1
                ),
                Column(tr("滞后原因", "Why behind"), width=3.2),
            ]
            blocks.append(
                Table(
                    columns,
                    rows,
                    caption=tr("进度滞后的重大项目", "Projects behind plan"),
                    sheet=tr("滞后项目", "Projects behind"),
                    doc_limit=DOC_ROWS,
                )
            )
    if s.challenges_open is not None and allowed(principal, "read", "challenge"):
        open_ = service.list_challenges(session, principal, ChallengeFilter(status="open"), day)
        if open_:
            blocks.append(Heading(2, tr("在办揭榜挂帅榜单", "Open challenges")))
            rows = [
                [
                    c.title,
                    c.chain_name,
                    tr(c.status_zh, c.status_en),
                    c.deadline,
                    c.applications,
                    c.milestones_overdue,
                ]
                for c in open_
            ]
            columns = [
                Column(tr("榜单", "Challenge"), width=3.4),
                Column(tr("产业链", "Chain"), width=1.3),
                Column(tr("状态", "Status"), width=1.0),
                Column(tr("截止日期", "Deadline"), fmt="date", width=1.2),
                Column(tr("申请数", "Applications"), fmt="int", width=0.9),
                Column(tr("逾期节点", "Milestones overdue"), fmt="int", width=0.9),
            ]
            blocks.append(
                Table(
                    columns,
                    rows,
                    caption=tr("在办揭榜挂帅榜单", "Open challenges"),
                    sheet=tr("揭榜挂帅", "Challenges"),
                    doc_limit=DOC_ROWS,
                )
            )
    if s.appeals_open is not None and allowed(principal, "read", "appeal"):
        late = service.list_appeals(
            session, principal, AppealFilter(overdue=True), day, lang=tr.code
        )
        if late:
            blocks.append(Heading(2, tr("超时未办结的企业诉求", "Appeals past their time limit")))
            rows = [
                [
                    a.title,
                    a.enterprise_name,
                    # the category as the appeals page names it in the report's language
                    tr(a.category, a.category_en or a.category),
                    a.department or "—",
                    tr(a.status_zh, a.status_en),
                    a.due_on,
                    a.overdue_days,
                ]
                for a in late
            ]
            columns = [
                Column(tr("诉求", "Appeal"), width=2.6),
                Column(tr("企业", "Enterprise"), width=2.0),
                Column(tr("类别", "Category"), width=1.0),
                Column(tr("承办部门", "Department"), width=1.4),
                Column(tr("状态", "Status"), width=0.9),
                Column(tr("办理时限", "Due"), fmt="date", width=1.1),
                Column(tr("超时", "Overdue"), unit=tr("天", "days"), fmt="int", width=0.8),
            ]
            blocks.append(
                Table(
                    columns,
                    rows,
                    caption=tr("超时未办结的企业诉求", "Appeals past their time limit"),
                    sheet=tr("超时诉求", "Appeals overdue"),
                    doc_limit=DOC_ROWS,
                )
            )
    return blocks
