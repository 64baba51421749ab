"""Where a park stands: tier progress toward 千亿/3000亿 and the positioning check, built from
frames the parks service loaded (rules in :mod:`gaodi.parks.tiers`)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import polars as pl

from gaodi.analytics.exact import as_written, exact_sum
from gaodi.parks import tiers
from gaodi.parks.models import Park
from gaodi.parks.schemas import IndustryShare, Positioning, TierProgress, TierTarget


def positioning(
    park: Park,
    members: pl.DataFrame,
    chains: dict[str, set[int]],
) -> Positioning:
    rules = tiers.positioning_rules()
    fn = rules.functions.get(park.level)
    # summed as written, not as floats: the focus share is compared with its line exactly
    # (firms of 71819.40 and 5872.23 万元 beside one of 77691.63: half, not 0.49999999999999994)
    total = (
        exact_sum(members["output"].fill_null(0.0).to_numpy()) if members.height else Fraction(0)
    )

    def belongs(name: str) -> pl.Expr:
        """The enterprise is on one of the industry's chains or under one of its codes."""
        spec = rules.industries.get(name)
        if spec is None:
            return pl.lit(False)
        chained = sorted(set().union(*[chains.get(c, set()) for c in spec.chains]))
        code = pl.col("industry_code").fill_null("")
        by_code = [code.str.starts_with(prefix) for prefix in spec.codes]
        return pl.any_horizontal(pl.col("enterprise_id").is_in(chained), *by_code)

    def exact_share(names: list[str]) -> Fraction | None:
        if total <= 0 or not names:
            return None
        mask = pl.any_horizontal(*[belongs(n) for n in names])
        return exact_sum(members.filter(mask)["output"].fill_null(0.0).to_numpy()) / total

    def share(names: list[str]) -> float | None:
        exact = exact_share(names)
        return None if exact is None else float(exact)

    main = list(park.main_industries or [])
    special = list(park.special_industries or [])
    industries = [
        IndustryShare(name=n, kind=kind, share=share([n]), mapped=n in rules.industries)
        for kind, names in (("main", main), ("special", special))
        for n in names
    ]
    focus = exact_share(main + special)
    conforms = None if fn is None else (len(main) == fn["main"] and len(special) == fn["special"])
    return Positioning(
        function_zh=fn["label_zh"] if fn else None,
        function_en=fn["label_en"] if fn else None,
        expected_main=int(fn["main"]) if fn else None,
        expected_special=int(fn["special"]) if fn else None,
        declared_main=len(main),
        declared_special=len(special),
        conforms_count=conforms,
        industries=industries,
        main_share=share(main),
        special_share=share(special),
        focus_share=None if focus is None else float(focus),
        min_share=rules.min_share,
        focused=None if focus is None else focus >= as_written(rules.min_share),
    )


def exact_outputs(frame: pl.DataFrame) -> dict[int, float]:
    """park id -> its firms' output of the frame's year in 亿元, summed as written
    (:func:`gaodi.analytics.exact.exact_sum`) and only then made a float: a park at exactly a
    tier's threshold is at it. The database's SUM of binary floats made 6,227,329.06 +
    3,380,959.56 + 215,316.29 + 176,395.09 万元 999.9999999999998 亿元, short of 千亿."""
    held = frame.filter(pl.col("park_id").is_not_null() & pl.col("output").is_not_null())
    out: dict[int, float] = {}
    for (pid,), part in held.partition_by("park_id", as_dict=True).items():
        outputs = part["output"].to_numpy()
        if np.isfinite(outputs).all():  # else the park keeps the database's sum
            out[int(pid)] = float(exact_sum(outputs) / 10_000)
    return out


def tier_rows(
    series: dict[int, float], year: int
) -> tuple[float | None, int | None, list[TierProgress]]:
    g, t0 = tiers.growth_rate(series, year)
    value = series.get(year)
    rows = []
    for t in tiers.tier_rules().tiers:
        status, n = tiers.years_to_reach(value, t.threshold, g)
        rows.append(
            TierProgress(
                key=t.key,
                label_zh=t.label_zh,
                label_en=t.label_en,
                threshold=t.threshold,
                progress=None if value is None else value / t.threshold,
                status=status,  # type: ignore[arg-type]
                years=n if status == "years" else None,
                reach_year=tiers.reach_year(year, n) if status in ("years", "reached") else None,
            )
        )
    return g, t0, rows


def target(t: tiers.Tier, count: int) -> TierTarget:
    return TierTarget(
        key=t.key,
        label_zh=t.label_zh,
        label_en=t.label_en,
        threshold=t.threshold,
        target_count=t.target_count,
        target_year=t.target_year,
        quote=t.quote,
        count=count,
        met=count >= t.target_count,
    )
