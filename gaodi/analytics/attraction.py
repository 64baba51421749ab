"""招商 candidates: rank enterprises of an external pool for a missing or weak chain link.

Fit combines five factors, each scaled to [0, 1]: link match (the confidence of
:func:`gaodi.analytics.mapping.map_enterprises`), scale (revenue), growth (revenue growth),
technology (invention patents and MIIT tiers such as 专精特新) and ties (supplier or customer
links to the chain's local enterprises). Every candidate comes with the factors that
contributed most to its score, in words with their numbers. Ranking is vectorised in Polars;
only the returned rows get their reasons written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from gaodi.analytics.chain_text import money_en, money_zh, pct
from gaodi.analytics.mapping import LinkRule, MappingWeights, links_frame, map_enterprises
from gaodi.core import words

__all__ = ["TAG_LEVELS", "TAG_NAMES", "AttractionWeights", "rank_candidates"]

# Technology level of an MIIT tier (the highest tier an enterprise holds counts). The tiers
# are those of 工信部企业〔2022〕63号 (创新型中小企业 -> 专精特新中小企业 -> 专精特新"小巨人")
# and 制造业单项冠军; the levels are Gaodi defaults, a parameter.
TAG_LEVELS: dict[str, float] = {
    "champion": 1.0,
    "little_giant": 1.0,
    "srdi": 0.6,
    "innovative_sme": 0.3,
}
TAG_NAMES: dict[str, tuple[str, str]] = {
    "champion": words.both("attraction.tag_champion"),
    "little_giant": words.both("attraction.tag_little_giant"),
    "srdi": words.both("attraction.tag_srdi"),
    "innovative_sme": words.both("attraction.tag_innovative_sme"),
    "listed": words.both("attraction.tag_listed"),
}
FACTORS = ("match", "scale", "growth", "technology", "ties")
#: Local partners named in a ties reason; more are counted (甲、乙、丙等5家).
TIES_NAMED = 3


@dataclass(frozen=True)
class AttractionWeights:
    """Weights of the five fit factors (non-negative, not all zero; normalised to sum 1)."""

    match: float = 0.30
    scale: float = 0.20
    growth: float = 0.15
    technology: float = 0.20
    ties: float = 0.15

    def __post_init__(self) -> None:
        values = [getattr(self, f) for f in FACTORS]
        if any(v < 0 for v in values) or sum(values) <= 0:
            raise words.error("attraction.bad_weights")

    def normalised(self) -> dict[str, float]:
        total = sum(getattr(self, f) for f in FACTORS)
        return {f: getattr(self, f) / total for f in FACTORS}


def _percentile(col: str) -> pl.Expr:
    """Mid-rank percentile among non-null values, (rank - 0.5) / n; null -> 0."""
    return ((pl.col(col).rank("average") - 0.5) / pl.col(col).count()).fill_null(0.0)


def _with_defaults(pool: pl.DataFrame) -> pl.DataFrame:
    required = ["id", "name", "industry_code"]
    missing = [c for c in required if c not in pool.columns]
    if missing:
        raise words.error("attraction.pool_missing_columns", columns=", ".join(missing))
    defaults: dict[str, pl.Expr] = {
        "city": pl.lit(None, dtype=pl.String),
        "revenue": pl.lit(None, dtype=pl.Float64),
        "revenue_growth": pl.lit(None, dtype=pl.Float64),
        "invention_patents": pl.lit(None, dtype=pl.Int64),
        "tags": pl.lit([], dtype=pl.List(pl.String)),
    }
    return pool.with_columns(
        *(expr.alias(c) for c, expr in defaults.items() if c not in pool.columns)
    )


def rank_candidates(
    pool: pl.DataFrame,
    link: LinkRule,
    *,
    local_enterprise_ids: Sequence[Any] = (),
    local_names: Mapping[Any, str] | None = None,
    home_city: str | None = None,
    weights: AttractionWeights | None = None,
    mapping_weights: MappingWeights | None = None,
    min_match: float = 0.5,
    tag_levels: Mapping[str, float] | None = None,
    patent_share: float = 0.6,
    ties_saturation: int = 3,
    top_n: int | None = 20,
) -> pl.DataFrame:
    """Rank pool enterprises for one link, best first, each with its reasons.

    Parameters
    ----------
    pool : pl.DataFrame
        ``id, name, industry_code`` (4-digit) and optionally ``city, scope_text, products,
        revenue`` (万元), ``revenue_growth`` (fraction), ``invention_patents``, ``tags``
        (list: champion, little_giant, srdi, innovative_sme, listed), ``supplies_to`` and
        ``buys_from`` (lists of enterprise ids it trades with).
    link : LinkRule
        The link's codes and keywords (as used to map local enterprises).
    local_enterprise_ids : sequence
        The chain's local enterprises: excluded from the ranking, and the ids that count
        as ties.
    local_names : mapping, optional
        The local enterprises' names by id, for the reasons: a ties reason names the first
        :data:`TIES_NAMED` partners and counts the rest. Without it the ids stand in; a
        partner missing from it (a name the reader may not see) is counted, not named.
    home_city : str, optional
        Pool enterprises in this city are excluded (they are not attracted, they are local).
    weights : AttractionWeights, optional
    mapping_weights : MappingWeights, optional
        Passed to the link match.
    min_match : float
        Only enterprises whose link-match confidence reaches this are ranked.
    tag_levels : mapping, optional
        Technology level of each tag; defaults to :data:`TAG_LEVELS`.
    patent_share : float
        Share of patents (the rest: tags) in the technology factor.
    ties_saturation : int
        Number of distinct local partners at which the ties factor reaches 1.
    top_n : int or None
        Rows returned (all if None).

    Returns
    -------
    pl.DataFrame
        ``rank, id, name, city, score``, the five factors ``f_match … f_ties``,
        ``confidence, revenue, revenue_growth, invention_patents, tags, local_ties,
        reason_zh, reason_en``.

    Notes
    -----
    Among the eligible enterprises (match confidence :math:`\\ge` ``min_match``, not local,
    not in the home city), with mid-rank percentiles :math:`P(x) = (\\mathrm{rank}(x)-0.5)/n`
    (missing values score 0):

    .. math::

        f_{match} = \\text{confidence},\\quad f_{scale} = P(\\text{revenue}),\\quad
        f_{growth} = P(\\text{revenue growth}),

        f_{tech} = a\\,P(\\text{patents}) + (1-a)\\max_{t \\in \\text{tags}} L_t,\\quad
        f_{ties} = \\min(1, k / K),

        \\text{score} = \\sum_j w_j f_j \\Big/ \\sum_j w_j,

    with :math:`a` = ``patent_share``, :math:`L_t` the tag levels, :math:`k` the number of
    distinct local enterprises it supplies or buys from and :math:`K` = ``ties_saturation``.
    Ties in score are broken by match confidence, then revenue, then id. The reason lists
    the three factors with the largest contributions :math:`w_j f_j / \\sum w`.

    References
    ----------
    Percentile ranks as in Hazen (1914); weighted-sum scoring as in the OECD/JRC
    *Handbook on Constructing Composite Indicators* (2008), §6. Tiers: 工信部企业〔2022〕63号.

    Examples
    --------
    >>> pool = pl.DataFrame({"id": ["P1", "P2"], "name": ["甲", "乙"],
    ...                      "industry_code": ["3444", "3444"],
    ...                      "scope_text": ["液压阀制造", "机械加工"],
    ...                      "revenue": [100.0, 50.0]})
    >>> rank_candidates(pool, LinkRule("h", ("3444",), ("液压阀",)))["id"].to_list()
    ['P1', 'P2']
    """
    w = (weights or AttractionWeights()).normalised()
    if not 0.0 <= patent_share <= 1.0 or ties_saturation < 1:
        raise words.error("attraction.bad_parameters")
    levels = dict(TAG_LEVELS if tag_levels is None else tag_levels)
    pool = _with_defaults(pool)
    local = list(dict.fromkeys(local_enterprise_ids))
    candidates = pool.filter(
        ~pl.col("id").is_in(pl.lit(pl.Series(local, dtype=pool["id"].dtype)).implode())
    )
    if home_city is not None:
        candidates = candidates.filter(pl.col("city").is_null() | (pl.col("city") != home_city))

    text_cols = [c for c in ("scope_text", "products") if c in candidates.columns]
    match = map_enterprises(
        links_frame([link]),
        candidates.select(pl.col("id").alias("enterprise_id"), "industry_code", *text_cols),
        weights=mapping_weights,
        threshold=min_match,
        text_columns=text_cols,
        reasons=False,
    ).select(
        pl.col("enterprise_id").alias("id"),
        "confidence",
        "code_level",
        "matched_code",
        "keywords",
    )
    df = candidates.join(match, on="id", how="inner")

    partner_cols = [c for c in ("supplies_to", "buys_from") if c in df.columns]
    if partner_cols and local:
        local_lit = pl.lit(pl.Series(local)).implode()
        partners = pl.concat_list([pl.col(c).fill_null([]) for c in partner_cols]).list.unique()
        df = df.with_columns(
            partners.list.eval(pl.element().filter(pl.element().is_in(local_lit)))
            .list.sort()
            .alias("local_ties")
        )
    else:
        df = df.with_columns(pl.lit([], dtype=pl.List(pool["id"].dtype)).alias("local_ties"))

    tag_level = (
        pl.col("tags")
        .fill_null([])
        .list.eval(pl.element().replace_strict(levels, default=0.0, return_dtype=pl.Float64))
        .list.max()
        .fill_null(0.0)
    )
    df = df.with_columns(
        pl.col("confidence").alias("f_match"),
        _percentile("revenue").alias("f_scale"),
        _percentile("revenue_growth").alias("f_growth"),
        (patent_share * _percentile("invention_patents") + (1 - patent_share) * tag_level).alias(
            "f_technology"
        ),
        (pl.col("local_ties").list.len() / ties_saturation).clip(upper_bound=1.0).alias("f_ties"),
    ).with_columns(pl.sum_horizontal(pl.col(f"f_{f}") * w[f] for f in FACTORS).alias("score"))
    df = df.sort(
        ["score", "confidence", "revenue", "id"],
        descending=[True, True, True, False],
        nulls_last=True,
    )
    if top_n is not None:
        df = df.head(top_n)
    df = df.with_row_index("rank", offset=1)
    reasons = [_reason(row, w, levels, local_names) for row in df.to_dicts()]
    return df.with_columns(
        pl.Series("reason_zh", [r[0] for r in reasons], dtype=pl.String),
        pl.Series("reason_en", [r[1] for r in reasons], dtype=pl.String),
    ).select(
        "rank",
        "id",
        "name",
        "city",
        "score",
        *(f"f_{f}" for f in FACTORS),
        "confidence",
        "revenue",
        "revenue_growth",
        "invention_patents",
        "tags",
        "local_ties",
        "reason_zh",
        "reason_en",
    )


def _phrase(
    factor: str,
    row: dict[str, Any],
    levels: Mapping[str, float],
    names: Mapping[Any, str] | None,
    lang: str,
) -> str:
    sep = "、" if lang == "zh" else ", "
    if factor == "match":
        level, code = row["code_level"], row["matched_code"]
        kws = row["keywords"] or []
        code_part = (
            words.say("attraction.code_under", lang, code=row["industry_code"], link_code=code)
            if level
            else words.say("attraction.code_no_match", lang)
        )
        kw_part = words.say("attraction.keywords_part", lang, keywords=sep.join(kws)) if kws else ""
        return words.say(
            "attraction.match",
            lang,
            confidence=f"{row['confidence']:.2f}",
            code=code_part,
            keywords=kw_part,
        )
    if factor == "scale":
        rev = row["revenue"]
        return words.say(
            "attraction.scale",
            lang,
            revenue=money_zh(rev) if lang == "zh" else money_en(rev),
            percentile=f"{row['f_scale']:.2f}",
        )
    if factor == "growth":
        return words.say(
            "attraction.growth",
            lang,
            growth=pct(row["revenue_growth"]),
            percentile=f"{row['f_growth']:.2f}",
        )
    if factor == "technology":
        tags = [t for t in (row["tags"] or []) if levels.get(t, 0.0) > 0 or t in TAG_NAMES]
        which = 0 if lang == "zh" else 1
        tag_names = sep.join(TAG_NAMES.get(t, (t, t))[which] for t in tags)
        n = row["invention_patents"]
        parts = [words.say("attraction.patents", lang, n=n)] if n is not None else []
        return ("，" if lang == "zh" else ", ").join(parts + ([tag_names] if tags else []))
    return _ties_phrase(row["local_ties"] or [], names, lang)


def _ties_phrase(ties: Sequence[Any], names: Mapping[Any, str] | None, lang: str) -> str:
    """``n`` partners, the first :data:`TIES_NAMED` by name (an id means nothing to a
    reader), the rest counted."""
    sep = "、" if lang == "zh" else ", "
    known = [str(x) for x in ties] if names is None else [names[x] for x in ties if x in names]
    shown = known[:TIES_NAMED]
    if not shown:
        return words.say("attraction.ties_unnamed", lang, n=len(ties))
    listed = sep.join(shown)
    if len(ties) > len(shown):
        listed = words.say("attraction.ties_more", lang, names=listed, n=len(ties),
                           more=len(ties) - len(shown))  # fmt: skip
    return words.say("attraction.ties", lang, n=len(ties), names=listed)


def _reason(
    row: dict[str, Any],
    w: Mapping[str, float],
    levels: Mapping[str, float],
    names: Mapping[Any, str] | None,
) -> tuple[str, str]:
    contrib = sorted(((w[f] * row[f"f_{f}"], f) for f in FACTORS), key=lambda x: -x[0])
    top = [f for c, f in contrib if c > 0][:3]
    zh, en = (
        words.say(
            "attraction.reason",
            lang,
            rank=row["rank"],
            city=words.say("attraction.city_part", lang, city=row["city"])
            if row.get("city")
            else "",
            score=f"{row['score']:.2f}",
            factors=("；" if lang == "zh" else "; ").join(
                _phrase(f, row, levels, names, lang) for f in top
            ),
        )
        for lang in ("zh", "en")
    )
    return zh, en
