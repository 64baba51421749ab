"""Peer-city and national link shares for the 弱链 benchmark, from the region x industry panel.

The panel (``PanelValue``, measure ``output``) is by GB/T 4754 中类 (3-digit group). A link covers
the groups of its codes (a 4-digit code its group, a 3-digit code itself, a 2-digit code every
group under it) and of its sub-links; its share in a region is the output of the groups it
covers over the output of the groups any link of the chain covers. "National" sums every
region of the panel except the home city. Links without codes get no share (their reason says
so). See docs/methods/chains.md §2.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl
from sqlalchemy.orm import Session

from gaodi.analytics.chains import Benchmark
from gaodi.chains.models import Link
from gaodi.core.errors import DataError, ValidationError
from gaodi.core.reference import region_lookup
from gaodi.regions import loaders as region_loaders


def _groups_of(codes: Sequence[str], all_groups: set[str]) -> set[str]:
    out: set[str] = set()
    for code in codes:
        if len(code) >= 3:
            out.add(code[:3])
        elif len(code) == 2:
            out.update(g for g in all_groups if g.startswith(code))
    return out


def link_groups(links: Sequence[Link], all_groups: set[str]) -> dict[int, set[str]]:
    """Each link's groups, including those of its descendants."""
    own = {lk.id: _groups_of(list(lk.industry_codes or []), all_groups) for lk in links}
    children: dict[int, list[int]] = {}
    for lk in links:
        if lk.parent_id is not None:
            children.setdefault(lk.parent_id, []).append(lk.id)

    def collect(lid: int, seen: frozenset[int]) -> set[str]:
        out = set(own.get(lid, set()))
        for child in children.get(lid, []):
            if child not in seen:
                out |= collect(child, seen | {child})
        return out

    return {lk.id: collect(lk.id, frozenset({lk.id})) for lk in links}


def link_shares(
    output: Mapping[str, float], groups: Mapping[int, set[str]]
) -> dict[int, float] | None:
    """Each link's share of the benchmark region's output in the chain's industries:
    :math:`s_l = \\sum_{g \\in G_l} y_g / \\sum_{g \\in \\cup_l G_l} y_g` (``groups`` from
    :func:`link_groups`; a link with no group has no share). None when that total is not positive.

    The sums are ``math.fsum`` (correctly rounded): a set of industry codes is walked in an order
    that changes with each process's string hashing, and a plain float sum in another order can
    differ in its last digit — enough to move a share that sits on a weak/strong line.

    Examples
    --------
    >>> link_shares({"a": 0.1, "b": 0.2, "c": 0.3}, {1: {"a", "b", "c"}, 2: {"c"}, 3: set()})
    {1: 1.0, 2: 0.5}
    """
    union = set().union(*groups.values()) if groups else set()
    total = math.fsum(output.get(g, 0.0) for g in union)
    if total <= 0:
        return None
    return {
        lid: math.fsum(output.get(g, 0.0) for g in gs) / total for lid, gs in groups.items() if gs
    }


def panel_output(
    session: Session, region: str | None, year: int | None, exclude: str | None
) -> tuple[dict[str, float], int | None]:
    """Output by 3-digit group for ``region`` (or every region but ``exclude``) in the latest
    panel year not after ``year``."""
    return region_loaders.panel_output(session, region, year, exclude)


def benchmark(
    session: Session,
    links: Sequence[Link],
    kind: str,
    *,
    year: int | None,
    peer: str | None,
    home: str | None,
) -> Benchmark:
    """The :class:`Benchmark` of ``kind`` for the chain's links."""
    if kind == "median":
        return Benchmark()
    if kind not in ("peer", "national"):
        raise ValidationError(
            f"对标方式须为 median、peer 或 national，收到“{kind}”。",
            f"The benchmark must be median, peer or national; got '{kind}'.",
        )
    region = peer if kind == "peer" else None
    if kind == "peer" and not region:
        raise ValidationError("对标城市未指定。", "No peer city given.")
    output, used = panel_output(session, region, year, home)
    if not output:
        where_zh = f"对标城市{region}" if region else "全国"
        raise DataError(
            f"{where_zh}在区域产业面板中没有产值数据，无法对标。",
            f"The region x industry panel has no output for {region or 'the nation'}; "
            "cannot benchmark.",
        )
    shares = link_shares(output, link_groups(links, set(output)))
    if shares is None:
        raise DataError(
            "对标地区在本链涉及的行业中产值为0，无法计算环节占比。",
            "The benchmark region has no output in the industries of this chain's links.",
        )
    if kind == "peer":
        row = region_lookup(str(region))
        name = row.name if row else str(region)
        return Benchmark(
            "peer", shares, label_zh=f"{name}（{used}年）", label_en=f"{name} ({used})"
        )
    return Benchmark(
        "national", shares, label_zh=f"全国（{used}年）", label_en=f"national ({used})"
    )


def shares_frame(bench: Benchmark) -> pl.DataFrame:
    """The benchmark shares as a frame (for the CLI's JSON and tests)."""
    items: list[tuple[Any, float]] = sorted(bench.shares.items())
    return pl.DataFrame(
        {"link_id": [k for k, _ in items], "share": [v for _, v in items]},
        schema={"link_id": pl.Int64, "share": pl.Float64},
    )
