"""The three workflows as data: project stages, 揭榜挂帅 challenges, enterprise appeals.

A transition whose ``target`` is ``None`` is an action that keeps the state (applying to a
challenge, scoring, attaching a file): it is still allowed only from the listed states.
"""

from __future__ import annotations

from gaodi.core.workflow import Machine, State, Transition

OFFICE = ("office", "admin")

# ---------------------------------------------------------------------------- projects

STAGES = ("signed", "started", "producing", "full_output")

PROJECT = Machine(
    kind="project",
    kind_zh="项目",
    kind_en="project",
    states=(
        State("signed", "签约", "signed"),
        State("started", "开工", "started"),
        State("producing", "投产", "producing"),
        State("full_output", "达效", "at full output", terminal=True),
    ),
    transitions=(
        Transition("start", ("signed",), "started", OFFICE, "开工", "start construction"),
        Transition("produce", ("started",), "producing", OFFICE, "投产", "start production"),
        Transition(
            "reach_full_output", ("producing",), "full_output", OFFICE, "达效", "reach full output"
        ),
        Transition(
            "report_progress",
            ("signed", "started", "producing", "full_output"),
            None,
            OFFICE,
            "填报完成投资",
            "report investment",
        ),
    ),
)

#: stage -> the transition that enters it
ENTER_STAGE = {"started": "start", "producing": "produce", "full_output": "reach_full_output"}

# ---------------------------------------------------------------------------- challenges

CHALLENGE = Machine(
    kind="challenge",
    kind_zh="榜单",
    kind_en="challenge",
    states=(
        State("published", "已发榜（征集中）", "published (open for applications)"),
        State("review", "评审中", "under review"),
        State("awarded", "已揭榜", "awarded"),
        State("executing", "攻关中", "in progress (milestones)"),
        State("accepted", "已验收", "accepted", terminal=True),
        State("failed", "验收未通过", "failed", terminal=True),
        State("cancelled", "已撤榜", "cancelled", terminal=True),
    ),
    transitions=(
        Transition(
            "apply",
            ("published",),
            None,
            ("office", "admin", "enterprise"),
            "提交揭榜申请",
            "submit an application",
        ),
        Transition(
            "add_reviewer",
            ("published", "review"),
            None,
            OFFICE,
            "添加评审专家",
            "add a reviewer",
        ),
        Transition(
            "remove_reviewer",
            ("published", "review"),
            None,
            OFFICE,
            "移出评审专家",
            "remove a reviewer",
            needs_comment=True,
        ),
        Transition(
            "close", ("published",), "review", OFFICE, "截止征集，进入评审", "close applications"
        ),
        Transition(
            "declare",
            ("review",),
            None,
            ("reviewer",),
            "利益冲突声明",
            "declare conflicts of interest",
        ),
        Transition(
            "score",
            ("review",),
            None,
            ("reviewer",),
            "评分",
            "score an application",
        ),
        Transition("award", ("review",), "awarded", OFFICE, "确定揭榜方", "award the challenge"),
        Transition(
            "add_milestone",
            ("awarded", "executing"),
            None,
            OFFICE,
            "设置攻关节点",
            "add a milestone",
        ),
        Transition("start", ("awarded",), "executing", OFFICE, "启动攻关", "start the work"),
        Transition(
            "complete_milestone",
            ("executing",),
            None,
            OFFICE,
            "节点完成",
            "complete a milestone",
        ),
        Transition(
            "accept", ("executing",), "accepted", OFFICE, "验收通过", "pass the acceptance check"
        ),
        Transition(
            "fail",
            ("executing",),
            "failed",
            OFFICE,
            "验收不通过",
            "fail the acceptance check",
            needs_comment=True,
        ),
        Transition(
            "cancel",
            ("published", "review"),
            "cancelled",
            OFFICE,
            "撤榜",
            "cancel the challenge",
            needs_comment=True,
        ),
    ),
)

OPEN_CHALLENGE = ("published", "review", "awarded", "executing")

# ---------------------------------------------------------------------------- appeals

APPEAL = Machine(
    kind="appeal",
    kind_zh="诉求",
    kind_en="appeal",
    states=(
        State("received", "已受理", "received"),
        State("assigned", "已交办", "assigned"),
        State("in_progress", "办理中", "in progress"),
        State("resolved", "已办结（待企业确认）", "resolved (awaiting confirmation)"),
        State("reopened", "企业退回重办", "reopened"),
        State("confirmed", "企业已确认", "confirmed", terminal=True),
    ),
    transitions=(
        Transition("assign", ("received",), "assigned", OFFICE, "交办", "assign"),
        Transition(
            "reassign",
            ("assigned",),
            "assigned",
            OFFICE,
            "改派",
            "reassign",
            needs_comment=True,
        ),
        Transition(
            "start", ("assigned", "reopened"), "in_progress", OFFICE, "开始办理", "start handling"
        ),
        Transition(
            "resolve",
            ("in_progress",),
            "resolved",
            OFFICE,
            "办结",
            "resolve",
            needs_comment=True,
        ),
        Transition(
            "confirm",
            ("resolved",),
            "confirmed",
            ("enterprise", "admin"),
            "确认办结",
            "confirm the resolution",
        ),
        Transition(
            "reopen",
            ("resolved",),
            "reopened",
            ("enterprise", "admin"),
            "不满意，退回重办",
            "reject the resolution",
            needs_comment=True,
        ),
        Transition(
            "attach",
            ("received", "assigned", "in_progress", "resolved", "reopened"),
            None,
            ("office", "enterprise", "admin"),
            "上传附件",
            "attach a file",
        ),
    ),
)

#: Statuses in which the clock runs against the appeal's time limit.
APPEAL_RUNNING = ("received", "assigned", "in_progress", "reopened")
