"""Roll-ups of the latest assessments: level distribution by chain, park, size class and
industry; the share of above-scale enterprises at or above a level; and that share written to a
plan indicator as an observation with provenance (source ``smart:rollup``, a new revision each
time, never an overwrite).

Every query goes through :func:`gaodi.core.permissions.restrict`, so a chain office's roll-up
counts only its chains' enterprises. The arithmetic is
:func:`gaodi.analytics.digital_rollup.level_distribution` and
:func:`~gaodi.analytics.digital_rollup.share_at_or_above`.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.analytics import above_scale as above_scale_words
from gaodi.analytics.above_scale import above_scale_expr, is_industrial_expr
from gaodi.analytics.digital_rollup import latest_assessments, level_distribution
from gaodi.chains import loaders as chain_loaders
from gaodi.core import clock
from gaodi.core.errors import DataError, ValidationError
from gaodi.core.periods import end_month, month_of
from gaodi.core.permissions import Principal, restrict
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.parks import loaders as park_loaders
from gaodi.plans import loaders as plan_loaders
from gaodi.plans.intake import add_observation, mark_demo
from gaodi.plans.schemas import ObservationIn
from gaodi.regions import loaders as region_loaders
from gaodi.smart import service
from gaodi.smart.models import Assessment
from gaodi.smart.schemas import (
    DEFAULT_SCHEME,
    GroupDistribution,
    LevelCount,
    LevelRollup,
    Population,
    RollupBy,
)
from gaodi.smart.sizeclass import UNKNOWN, load_size_rule, size_class_expr

SOURCE = "smart:rollup"
NO_CHAIN = "none"
NO_CHAIN_ZH = "未归入产业链"
NO_PARK_ZH = "园区外"
NO_INDUSTRY_ZH = "行业不详"
CITY = ("全部", "Whole city")
#: The roll-up's own groups in English (chain, park and industry names are data: as stored).
NO_CHAIN_EN = "Not in a chain"
NO_PARK_EN = "Outside any park"
NO_INDUSTRY_EN = "Industry unknown"
#: The size classes of the 2017 rule by code (its rule file names them in Chinese only).
SIZE_EN = {
    "large": "Large",
    "medium": "Medium",
    "small": "Small",
    "micro": "Micro",
    UNKNOWN: "Size unknown",
}


def _empty_frame() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "enterprise_id": pl.Int64,
            "assessment_id": pl.Int64,
            "assessed_on": pl.Date,
            "level": pl.Int64,
            "is_demo": pl.Boolean,
        }
    )


def assessment_frame(
    session: Session,
    principal: Principal,
    *,
    scheme_id: str = DEFAULT_SCHEME,
    as_of: dt.date | None = None,
) -> pl.DataFrame:
    """One row per enterprise: its latest assessment on or before ``as_of`` with the enterprise's
    park, industry division, size class, above-scale flag (figures of ``as_of``'s year, or the
    latest year before) and the readable chains it is on that day (a list)."""
    query = (
        restrict(select(Assessment), principal)
        .with_only_columns(
            Assessment.enterprise_id,
            Assessment.id,
            Assessment.assessed_on,
            Assessment.level,
            Assessment.is_demo,
        )
        .where(Assessment.scheme_id == scheme_id)
        .order_by(Assessment.id)
    )
    if as_of is not None:
        query = query.where(Assessment.assessed_on <= as_of)
    rows = session.execute(query).all()
    raw = (
        pl.DataFrame(
            [tuple(r) for r in rows],
            schema=list(_empty_frame().schema.items()),
            orient="row",
        )
        if rows
        else _empty_frame()
    )
    latest = latest_assessments(raw, as_of=as_of)
    ids = sorted(int(i) for i in latest["enterprise_id"])
    year = (as_of or clock.today()).year
    ents = _enterprise_attributes(session, principal, ids, year, as_of)
    out = latest.join(ents, on="enterprise_id", how="left")
    return out.sort("enterprise_id")


def _enterprise_attributes(
    session: Session, principal: Principal, ids: list[int], year: int, on: dt.date | None
) -> pl.DataFrame:
    frame = enterprise_loaders.attributes_frame(session, ids, year)
    # the park and industry of the as-of day (gaodi.enterprises.history): a firm moved to another
    # park since does not move that day's levels; a firm assessed then is counted even if its
    # row was written later (its first park)
    frame = enterprise_loaders.as_of(session, frame, on, keep_later=True)
    industrial = is_industrial_expr("industry_code").fill_null(False)
    frame = frame.with_columns(
        division=pl.col("industry_code").str.slice(0, 2),
        # the 2017 rule's 工业 rows classify industrial firms only; other sectors: unknown
        size_class=pl.when(industrial)
        .then(size_class_expr(load_size_rule(), "employees", "revenue"))
        .otherwise(pl.lit(UNKNOWN)),
        above_scale=above_scale_expr("industry_code"),
    )
    chains = readable_chains(session, principal)
    # the chains of the as-of day: an enterprise moved since does not move that day's levels
    links = chain_loaders.membership_frame(session, ids, chains, on)
    on_chains = links.sort("chain_id").group_by("enterprise_id").agg(chain_ids=pl.col("chain_id"))
    return frame.join(on_chains, on="enterprise_id", how="left").with_columns(
        pl.col("chain_ids").fill_null(pl.lit([], dtype=pl.List(pl.Int64)))
    )


def readable_chains(session: Session, principal: Principal) -> dict[int, str]:
    return chain_loaders.readable_chain_names(session, principal)


def _labels(
    session: Session, principal: Principal, by: RollupBy | None
) -> dict[str, tuple[str, str]]:
    """Group key -> its name in Chinese and in English. Names that are data (chains, parks,
    industry divisions) are stored in Chinese only and given as stored in both."""

    def stored(names: dict[str, str]) -> dict[str, tuple[str, str]]:
        return {k: (v, v) for k, v in names.items()}

    if by == "chain":
        chains = {str(k): v for k, v in readable_chains(session, principal).items()}
        return stored(chains) | {NO_CHAIN: (NO_CHAIN_ZH, NO_CHAIN_EN)}
    if by == "park":
        parks = {str(i): n for i, n in park_loaders.park_names(session).items()}
        return stored(parks) | {NO_CHAIN: (NO_PARK_ZH, NO_PARK_EN)}
    if by == "size":
        return {k: (v, SIZE_EN.get(k, k)) for k, v in load_size_rule().labels_zh.items()}
    if by == "industry":
        # a firm without an industry code is grouped under "unknown", named like the others
        divisions = stored(region_loaders.division_names(session))
        return divisions | {UNKNOWN: (NO_INDUSTRY_ZH, NO_INDUSTRY_EN)}
    return {}


def _group_column(frame: pl.DataFrame, by: RollupBy | None) -> pl.DataFrame:
    if by == "chain":
        return frame.with_columns(
            group=pl.when(pl.col("chain_ids").list.len() > 0)
            .then(pl.col("chain_ids").cast(pl.List(pl.String)))
            .otherwise(pl.lit([NO_CHAIN]))
        ).explode("group")
    if by == "park":
        return frame.with_columns(group=pl.col("park_id").cast(pl.String).fill_null(NO_CHAIN))
    if by == "size":
        return frame.with_columns(group=pl.col("size_class").fill_null(UNKNOWN))
    if by == "industry":
        return frame.with_columns(group=pl.col("division").fill_null(UNKNOWN))
    return frame.with_columns(group=pl.lit("city"))


def _distribution(
    frame: pl.DataFrame, key: str, label: tuple[str, str], level: int, names: dict[int, str]
) -> GroupDistribution:
    dist = level_distribution(frame, levels=list(names)) if frame.height else None
    counts = {
        int(lv): (int(n), float(sh))
        for lv, n, sh in (
            dist.select("level", "count", "share").iter_rows() if dist is not None else []
        )
    }
    above = frame.filter(pl.col("above_scale"))
    hit = int((above["level"] >= level).sum()) if above.height else 0
    return GroupDistribution(
        key=key,
        label=label[0],
        label_en=label[1],
        total=frame.height,
        levels=[
            LevelCount(
                level=lv,
                level_name=name,
                count=counts.get(lv, (0, 0.0))[0],
                share=counts.get(lv, (0, 0.0))[1],
            )
            for lv, name in names.items()
        ],
        above_scale=above.height,
        above_scale_at_or_above=hit,
        above_scale_share=round(hit / above.height, 6) if above.height else None,
    )


def level_rollup(
    session: Session,
    principal: Principal,
    *,
    by: RollupBy | None = None,
    scheme_id: str = DEFAULT_SCHEME,
    as_of: dt.date | None = None,
    level: int = 2,
) -> LevelRollup:
    """Level distribution city-wide and by group, with the above-scale share at or above
    ``level``. Groups are sorted by size, largest first, with "no chain / no park / unknown"
    last; a chain office sees its chains."""
    s = service.scorable_scheme(scheme_id)
    if level not in {lv.code for lv in s.levels}:
        raise ValidationError(
            f"等级 {level} 不存在。", f"Level {level} does not exist.", field="level"
        )
    day = as_of or clock.today()
    frame = assessment_frame(session, principal, scheme_id=scheme_id, as_of=day)
    names = {0: digital_no_level()} | {lv.code: lv.name_zh for lv in s.levels}
    grouped = _group_column(frame, by)
    labels = _labels(session, principal, by)
    groups = []
    if by is not None:
        for key in grouped["group"].unique().sort().to_list():
            part = grouped.filter(pl.col("group") == key)
            groups.append(_distribution(part, key, labels.get(key, (key, key)), level, names))
        groups.sort(key=lambda g: (g.key in (NO_CHAIN, UNKNOWN), -g.total, g.key))
    size = load_size_rule()
    return LevelRollup(
        scheme_id=s.id,
        scheme_title=s.title_zh,
        scheme_title_en=s.title_en,
        by=by,
        as_of=day,
        threshold_level=level,
        threshold_level_name=names[level],
        level_names=names,
        city=_distribution(frame, "city", CITY, level, names),
        groups=groups,
        assessed=frame.height,
        demo=bool(frame["is_demo"].any()) if frame.height else False,
        caveats=list(s.caveats),
        size_rule=f"{size.document_number}（工业：从业人员与营业收入须同时达到下限，否则下划一档）",
        above_scale_rule=above_scale_words.definition_zh(),
        size_rule_en=f"{size.document_number} (industry: a firm must reach both the employee "
        "and the revenue floor of a class, else it falls to the class below)",
        above_scale_rule_en=above_scale_words.definition_en(),
    )


def digital_no_level() -> str:
    from gaodi.analytics.digital import NO_LEVEL_ZH

    return NO_LEVEL_ZH


# ---------------------------------------------------------------------------- observations
def period_end(period: str) -> dt.date:
    """Last day of a period (YYYY, YYYY-Qn, YYYY-MM).

    Examples
    --------
    >>> period_end("2023"), period_end("2024-Q1"), period_end("2024-02")
    (datetime.date(2023, 12, 31), datetime.date(2024, 3, 31), datetime.date(2024, 2, 29))
    """
    year, month = month_of(end_month(period))
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def record_rollup_observation(
    session: Session,
    principal: Principal,
    *,
    indicator: str,
    period: str,
    level: int = 2,
    scope: str = "city",
    scope_id: int = 0,
    population: Population = "above_scale",
    scheme_id: str = DEFAULT_SCHEME,
    confirm: bool = False,
    reason: str | None = None,
) -> object:
    """Write the share (``%`` indicators: percent; count indicators: the count) of enterprises
    at or above ``level`` in a scope as the next revision of the indicator's value for
    ``period``, through the plans intake (plausibility checks, submission state, audit).

    The population is each enterprise's latest assessment on or before the period's last day;
    the observation's comment records the rule set, level, population, counts and as-of day, and
    it is flagged ``is_demo`` when any assessment counted is demo data.
    """
    ind = plan_loaders.indicator_by_code(session, indicator)
    if ind is None:
        raise ValidationError(
            f"没有代码为“{indicator}”的指标。", f"No indicator with code {indicator!r}.",
            field="indicator",
        )  # fmt: skip
    day = period_end(period)
    frame = assessment_frame(session, principal, scheme_id=scheme_id, as_of=day)
    if scope == "chain":
        frame = frame.filter(pl.col("chain_ids").list.contains(scope_id))
    elif scope == "park":
        frame = frame.filter(pl.col("park_id") == scope_id)
    elif scope != "city":
        raise ValidationError(f"不支持的范围“{scope}”。", f"Unsupported scope {scope!r}.")
    if population == "above_scale":
        frame = frame.filter(pl.col("above_scale"))
    if frame.is_empty():
        raise DataError(
            f"{day} 前该范围内没有符合条件的评测记录，无法计算。",
            f"No qualifying assessment in this scope on or before {day}; nothing to compute.",
        )
    n = frame.height
    hit = int((frame["level"] >= level).sum())
    share = hit / n
    unit = (ind.unit or "").strip()
    if "%" in unit or "％" in unit:
        value = round(100 * share, 4)
    elif unit in ("家", "个", "户"):
        value = float(hit)
    else:
        value = round(share, 6)
    s = service.scheme(scheme_id)
    who = "规上工业企业" if population == "above_scale" else "全部已评测企业"
    comment = (
        f"自评汇总（smart:rollup）：{s.title_zh}（{s.document_number}），{who}中达到"
        f"{s.level_name(level)}及以上 {hit}/{n} 家，截至 {day}（各企业截至该日最新一次评测）"
    )
    if s.caveats:
        comment += "；等级判定规则未经官方原文核对"
    data = ObservationIn(
        indicator=indicator,
        period=period,
        value=value,
        scope=scope,  # type: ignore[arg-type]
        scope_id=scope_id,
        source=SOURCE,
        comment=comment,
    )
    res = add_observation(session, principal, data, confirm=confirm, reason=reason, source=SOURCE)
    if bool(frame["is_demo"].any()):
        mark_demo(session, res.observation.id)
    return res
