"""Synthetic 揭榜挂帅 challenges and enterprise appeals for the demo (see :mod:`.demo`).

Each case is simulated as a timeline of workflow steps; the timeline is cut at the demo's
"today", so recent cases are still open and a few old ones are stuck (overdue, escalated).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from gaodi.projects import demo_text
from gaodi.projects.appeals import limit_dates
from gaodi.projects.models import (
    Appeal,
    AppealEvent,
    Challenge,
    ChallengeApplication,
    ChallengeDeclaration,
    ChallengeEvent,
    ChallengeMilestone,
    ChallengeReviewer,
    ChallengeScore,
)
from gaodi.projects.rules import add_days, appeal_rules

if TYPE_CHECKING:
    from gaodi.projects.demo import Ids, World

MODELS: list[type] = [
    Challenge,
    ChallengeApplication,
    ChallengeReviewer,
    ChallengeDeclaration,
    ChallengeScore,
    ChallengeMilestone,
    ChallengeEvent,
    Appeal,
    AppealEvent,
]
Rows = dict[type, list[dict[str, Any]]]

#: Demo accounts (gaodi user demo-accounts) who sit on the open review panels, so a review can
#: be walked through in the browser and none waits for good on an expert with no account.
WALK_REVIEWERS = (
    ("demo-analyst", "示例分析员（评审专家）"),
    ("demo-viewer", "示例只读用户（评审专家）"),
)

# ---------------------------------------------------------------------------- challenges

PLAN = (
    ["published"] * 3
    + ["review"] * 2
    + ["awarded"] * 2
    + ["executing"] * 7
    + ["accepted"] * 4
    + ["failed", "cancelled"]
)


def _now() -> tuple[date, datetime]:
    from gaodi.projects.demo import DEMO_NOW, DEMO_TODAY

    return DEMO_TODAY, DEMO_NOW


def _cst(day: date, hour: int) -> datetime:
    from gaodi.projects.demo import cst

    return cst(day, hour)


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def challenges(world: World, rng: random.Random, n: int, ids: Ids, rows: Rows) -> None:
    today, _now_at = _now()
    plan = (PLAN * (n // len(PLAN) + 1))[:n]
    chain_ids = [c for c, _name in world.chains if world.links.get(c)]
    weights = [world.chain_weight(c) for c in chain_ids]
    names = dict(world.chains)
    used: set[int] = set()
    walk = {"published": False, "review": False, "executing": False, "accepted": False}
    for status in plan:
        first = status in walk and not walk[status]
        if first:
            walk[status] = True
        cid = chain_ids[0] if first else rng.choices(chain_ids, weights=weights, k=1)[0]
        _challenge(
            world,
            rng,
            ids,
            rows,
            cid,
            names[cid],
            status,
            today,
            walk_review=status == "review",
            used=used,
        )


def _windows(status: str, today: date) -> tuple[date, date]:
    return {
        "published": (date(2023, 11, 10), date(2023, 12, 20)),
        "review": (date(2023, 9, 20), date(2023, 10, 25)),
        "awarded": (date(2023, 6, 1), date(2023, 8, 15)),
        "executing": (date(2021, 6, 1), date(2023, 3, 31)),
        "accepted": (date(2021, 3, 1), date(2022, 2, 28)),
        "failed": (date(2021, 3, 1), date(2022, 2, 28)),
        "cancelled": (date(2022, 3, 1), date(2022, 10, 31)),
    }.get(status, (today, today))


def _challenge(
    world: World,
    rng: random.Random,
    ids: Ids,
    rows: Rows,
    cid: int,
    chain_name: str,
    status: str,
    today: date,
    walk_review: bool,
    used: set[int],
) -> None:
    links = world.links[cid]
    free = [lk for lk in links if lk[0] not in used] or links
    lid, lname, _key = free[rng.randrange(len(free))]
    used.add(lid)
    ident = ids.take(Challenge)
    lo, hi = _windows(status, today)
    published = _day(rng, lo, hi)
    deadline = published + timedelta(days=rng.randint(45, 60))
    budget = float(rng.choice([200, 300, 500, 800, 1000, 1500, 2000, 3000]))
    events: list[tuple[datetime, str, str | None, str | None, str | None]] = [
        (_cst(published, 10), "publish", None, "published", None)
    ]
    state = "published"

    def step(day: date, action: str, to: str | None = None, comment: str | None = None) -> None:
        nonlocal state
        before = state
        if to is not None:
            state = to
        events.append((_cst(day, 15), action, before, state, comment))

    members = list(world.chain_members.get(cid, []))
    rng.shuffle(members)
    n_apps = (
        0
        if status == "cancelled"
        else rng.randint(1, 2)
        if status == "published"
        else (rng.randint(2, 5))
    )
    apps = []
    for eid, ename, uscc in members[:n_apps]:
        aid = ids.take(ChallengeApplication)
        sub = _day(rng, published + timedelta(days=5), min(deadline, today) - timedelta(days=1))
        apps.append([aid, rng.uniform(60, 90)])
        rows[ChallengeApplication].append(
            {
                "id": aid,
                "challenge_id": ident,
                "applicant_name": ename,
                "applicant_uscc": uscc,
                "enterprise_id": eid,
                "proposal": rng.choice(demo_text.PROPOSALS),
                "requested_budget": round(budget * rng.uniform(0.7, 1.0), -1),
                "status": "submitted",
                "submitted_by": "demo",
                "submitted_at": _cst(sub, 14),
            }
        )
        step(sub, "apply")
    if status == "cancelled":
        step(deadline + timedelta(days=3), "cancel", "cancelled", "无单位揭榜，撤榜（示例）")
    elif status != "published":
        closed = deadline + timedelta(days=1)
        step(closed, "close", "review")
        # the panel is formed as applications close (the close step's moment)
        panel = _panel(rng, ids, rows, ident, walk_review, _cst(closed, 15))
        complete = status != "review"
        for rid, username in panel:
            for app in apps:
                if not complete and (username.startswith("demo-") or rng.random() < 0.4):
                    continue
                conflict = rng.random() < 0.08 and complete is True and len(panel) > 2
                when = _cst(closed + timedelta(days=rng.randint(2, 10)), 16)
                rows[ChallengeDeclaration].append(
                    {
                        "id": ids.take(ChallengeDeclaration),
                        "reviewer_id": rid,
                        "application_id": app[0],
                        "has_conflict": conflict,
                        "statement": "曾与申请单位有合作关系（示例）" if conflict else None,
                        "declared_at": when,
                    }
                )
                if not conflict:
                    score = round(min(100.0, max(40.0, rng.gauss(app[1], 6))) * 2) / 2
                    rows[ChallengeScore].append(
                        {
                            "id": ids.take(ChallengeScore),
                            "reviewer_id": rid,
                            "application_id": app[0],
                            "score": score,
                            "comment": None,
                            "scored_at": when + timedelta(hours=1),
                        }
                    )
                    app.append(score)
        if complete and apps:
            _award(rng, ident, apps, rows, step, closed, today, status, ids)
    rows[Challenge].append(
        {
            "id": ident,
            "title": rng.choice(demo_text.CHALLENGE_TITLES).format(link=lname),
            "problem": rng.choice(demo_text.CHALLENGE_PROBLEMS).format(
                chain=chain_name, link=lname
            ),
            "chain_id": cid,
            "link_id": lid,
            "requirements": rng.choice(demo_text.CHALLENGE_REQUIREMENTS),
            "budget": budget,
            "deadline": deadline,
            "status": state,
            "published_on": published,
            "award_reason": None,
            "is_demo": True,
            "created_at": events[0][0],
            "updated_at": events[-1][0],
        }
    )
    for at, action, frm, to, comment in events:
        rows[ChallengeEvent].append(
            {
                "id": ids.take(ChallengeEvent),
                "challenge_id": ident,
                "at": at,
                "actor": "demo",
                "action": action,
                "from_status": frm,
                "to_status": to,
                "comment": comment,
            }
        )


def _panel(
    rng: random.Random, ids: Ids, rows: Rows, ident: int, walk_review: bool, joined: datetime
) -> list[tuple[int, str]]:
    experts = list(enumerate(demo_text.REVIEWERS))
    rng.shuffle(experts)
    chosen = [(f"expert-{i + 1:02d}", name, aff) for i, (name, aff) in experts[: rng.randint(3, 4)]]
    if walk_review:
        # only accounts `gaodi user demo-accounts` creates: a reviewer with no account could
        # never declare or score, and the review walked through could never reach its award
        chosen = [(u, name, "示例账号") for u, name in WALK_REVIEWERS]
    out = []
    for username, name, aff in chosen:
        rid = ids.take(ChallengeReviewer)
        rows[ChallengeReviewer].append(
            {
                "id": rid,
                "challenge_id": ident,
                "username": username,
                "name": name,
                "affiliation": aff,
                "added_at": joined,
                "removed_at": None,
                "removal_reason": None,
            }
        )
        out.append((rid, username))
    return out


def _award(
    rng: random.Random,
    ident: int,
    apps: list[list[Any]],
    rows: Rows,
    step: Any,
    closed: date,
    today: date,
    status: str,
    ids: Ids,
) -> None:
    means = [(sum(a[2:]) / len(a[2:]) if a[2:] else 0.0, -a[0]) for a in apps]
    best = apps[means.index(max(means))][0]
    for r in rows[ChallengeApplication]:
        if r["challenge_id"] == ident:
            r["status"] = "awarded" if r["id"] == best else "not_awarded"
    awarded = closed + timedelta(days=rng.randint(20, 40))
    step(awarded, "award", "awarded")
    if status == "awarded":
        return
    began = awarded + timedelta(days=rng.randint(7, 20))
    titles = demo_text.MILESTONES[: rng.randint(3, 5)]
    due = began
    last_done = began
    undone = False
    for k, title in enumerate(titles):
        due = due + timedelta(days=rng.randint(90, 150))
        done = None
        if status in ("accepted",) or (status == "failed" and k < len(titles) - 1):
            done = due + timedelta(days=rng.randint(-20, 25))
        elif status == "executing" and due <= today and rng.random() < 0.75:
            done = min(today, due + timedelta(days=rng.randint(-20, 30)))
        if done is not None:
            done = max(done, began + timedelta(days=1))
            last_done = max(last_done, done)
        else:
            undone = True
        rows[ChallengeMilestone].append(
            {
                "id": ids.take(ChallengeMilestone),
                "challenge_id": ident,
                "title": title,
                "due_on": due,
                "done_on": done,
                "note": None,
                "sort_order": k,
            }
        )
        step(awarded + timedelta(days=2), "add_milestone", None, title)
    step(began, "start", "executing")
    if status == "accepted":
        step(
            min(today, last_done + timedelta(days=rng.randint(10, 30))),
            "accept",
            "accepted",
            "通过验收（示例）",
        )
    elif status == "failed" and undone:
        step(
            min(today, due + timedelta(days=30)), "fail", "failed", "关键指标未达到榜单要求（示例）"
        )


# ---------------------------------------------------------------------------- appeals


def _working_time(rng: random.Random, day: date) -> datetime:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return _cst(day, rng.randint(9, 16)) + timedelta(minutes=rng.randint(0, 59))


def appeals(world: World, rng: random.Random, n: int, ids: Ids, rows: Rows) -> None:
    """~n appeals received from 2021-01 to 2023-12, simulated to the demo's today."""
    _today, now = _now()
    rules = appeal_rules()
    cats = list(demo_text.APPEALS)
    cat_w = [demo_text.APPEALS[c][0] for c in cats]
    received = sorted(
        _working_time(rng, _day(rng, date(2021, 1, 4), date(2023, 12, 29))) for _ in range(n)
    )
    ents = world.enterprises
    first_ent = ents[0][0]
    first_park = world.parks[0] if world.parks else None
    in_first_park = [e for e, p in ents if p == first_park][:40] or [first_ent]
    first_chain = world.chains[0][0]
    on_first_chain = [e for e, _n, _u in world.chain_members.get(first_chain, [])][:40]
    # The newest cases go to the demo accounts' scopes so each role has work to do.
    forced = {
        n - 1: (first_ent, "received"),
        n - 2: (first_ent, "resolved"),
        n - 3: (first_ent, "in_progress"),
        n - 4: (in_first_park[0], "received"),
        n - 5: (in_first_park[-1], "resolved"),
    }
    if on_first_chain:
        forced[n - 6] = (on_first_chain[0], "received")
    for k, at in enumerate(received):
        eid, force = forced.get(k, (None, None))
        if eid is None:
            eid = ents[rng.randrange(len(ents))][0]
        if force is not None:
            at = (
                min(at, now - timedelta(days=2))
                if force != "received"
                else now - timedelta(hours=20 + k % 5)
            )
        cat = rng.choices(cats, weights=cat_w, k=1)[0]
        _appeal(rng, rules, ids, rows, eid, world.enterprise_chain.get(eid), cat, at, now, force)


def _appeal(
    rng: random.Random,
    rules: Any,
    ids: Ids,
    rows: Rows,
    eid: int,
    cid: int | None,
    cat: str,
    received: datetime,
    now: datetime,
    force: str | None,
) -> None:
    unit = rules.unit
    title, body = rng.choice(demo_text.APPEALS[cat][1])
    ident = ids.take(Appeal)
    default = rules.category(cat).department
    dep = default if rng.random() < 0.88 else rng.choice(rules.departments)
    limit = rules.category(cat).time_limit
    # A few recent cases stall (no answer): they are the overdue and escalated ones.
    stuck = received >= datetime(2023, 7, 1) and rng.random() < 0.06
    steps: list[tuple[datetime, str, str, str | None]] = []  # (at, action, to, comment)
    rday = (received + timedelta(hours=8)).date()
    lag = rng.choices([0, 1, 2, 4, 6], weights=[60, 20, 10, 6, 4], k=1)[0]
    assigned = (
        _working_time(rng, add_days(rday, lag, unit)) if lag else received + timedelta(hours=1)
    )
    steps.append((assigned, "assign", "assigned", None))
    begun = _working_time(
        rng, add_days((assigned + timedelta(hours=8)).date(), rng.randint(0, 2), unit)
    )
    begun = max(begun, assigned + timedelta(hours=1))
    steps.append((begun, "start", "in_progress", None))
    d = 10_000 if stuck else max(1, round(limit * rng.lognormvariate(-0.3, 0.55)))
    solved = _working_time(rng, add_days((assigned + timedelta(hours=8)).date(), d, unit))
    solved = max(solved, begun + timedelta(hours=2))
    resolution = rng.choice(demo_text.APPEALS[cat][2]) + "（示例）"
    steps.append((solved, "resolve", "resolved", resolution))
    if rng.random() < 0.07:
        back = solved + timedelta(days=rng.randint(1, 5))
        steps.append((back, "reopen", "reopened", rng.choice(demo_text.REOPEN_REASONS)))
        again = _working_time(rng, add_days((back + timedelta(hours=8)).date(), 1, unit))
        steps.append((again, "start", "in_progress", None))
        d2 = max(1, round(limit * rng.lognormvariate(-0.5, 0.5)))
        solved = _working_time(rng, add_days((back + timedelta(hours=8)).date(), d2, unit))
        solved = max(solved, again + timedelta(hours=2))
        steps.append((solved, "resolve", "resolved", resolution))
    confirm_at = solved + timedelta(days=rng.randint(1, 7), hours=rng.randint(0, 5))
    if force == "received":
        steps = []
    elif force == "in_progress":
        steps = steps[:2]
    elif force == "resolved":
        steps = steps[:3]
        if steps[-1][0] > now:
            span = now - received
            steps = [
                (received + span * f, a, t, c)
                for (_at, a, t, c), f in zip(steps, (0.2, 0.4, 0.8), strict=True)
            ]
    # Cut the timeline at the demo's now.
    steps = [s for s in steps if s[0] <= now]
    state = steps[-1][2] if steps else "received"
    last_resolve = next((s for s in reversed(steps) if s[1] == "resolve"), None)
    due_late = False
    satisfaction = None
    confirmed_at = None
    # The time limit in force: from receipt, the last assignment or the last reopening.
    start_ev = next((s for s in reversed(steps) if s[1] in ("assign", "reopen")), None)
    if start_ev is None:
        lim, start_day = rules.assignment_limit, rday
    else:
        lim, start_day = limit, (start_ev[0] + timedelta(hours=8)).date()
    due, esc = limit_dates(start_day, lim, rules)
    if last_resolve is not None:
        due_late = (last_resolve[0] + timedelta(hours=8)).date() > due
    if state == "resolved" and force is None and confirm_at <= now:
        weights = [1, 2, 5, 35, 57] if not due_late else [5, 15, 30, 35, 15]
        satisfaction = rng.choices([1, 2, 3, 4, 5], weights=weights, k=1)[0]
        confirmed_at = confirm_at
        steps.append(
            (confirm_at, "confirm", "confirmed", rng.choice(demo_text.CONFIRM_COMMENTS) or None)
        )
        state = "confirmed"
    assigned_at = next((s[0] for s in steps if s[1] == "assign"), None)
    rows[Appeal].append(
        {
            "id": ident,
            "enterprise_id": eid,
            "chain_id": cid,
            "category": cat,
            "title": title,
            "text": body + "（示例）",
            "status": state,
            "department": dep if assigned_at is not None else None,
            "received_at": received,
            "assigned_at": assigned_at,
            "resolved_at": last_resolve[0]
            if state in ("resolved", "confirmed") and last_resolve
            else None,
            "confirmed_at": confirmed_at,
            "time_limit": lim,
            "limit_unit": unit,
            "rules_version": rules.version,
            "limit_start_on": start_day,
            "due_on": due,
            "escalate_on": esc,
            "resolution": last_resolve[3]
            if last_resolve and state in ("resolved", "confirmed")
            else None,
            "satisfaction": satisfaction,
            "reopen_count": sum(1 for s in steps if s[1] == "reopen"),
            "submitted_by": "demo",
            "is_demo": True,
            "created_at": received,
            "updated_at": steps[-1][0] if steps else received,
        }
    )
    prev = None
    for at, action, to, comment in [(received, "submit", "received", None), *steps]:
        rows[AppealEvent].append(
            {
                "id": ids.take(AppealEvent),
                "appeal_id": ident,
                "at": at,
                "actor": "demo",
                "action": action,
                "from_status": prev,
                "to_status": to,
                "comment": comment,
            }
        )
        prev = to
