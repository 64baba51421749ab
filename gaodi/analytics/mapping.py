"""Assign enterprises to chain links by rule: industry code and keyword evidence.

A link (环节) names GB/T 4754-2017 industry codes at any level (2-digit 大类, 3-digit 中类,
4-digit 小类), keywords to look for in an enterprise's business scope (经营范围) and products,
and optional exclude keywords. :func:`map_enterprises` scores every (enterprise, link) pair
that has any evidence and keeps those whose confidence reaches a threshold; an enterprise may
match several links. Everything is vectorised in Polars: codes are matched by joins on code
prefixes over the distinct 4-digit codes, keywords by one Aho-Corasick pass
(``str.extract_many``) over all texts with the union of every link's keywords.

Manual assignments win: the caller (the chains service) applies them after the rule, e.g.
with :func:`apply_manual`; a hand-made assignment is never overwritten by a re-run of the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from gaodi.analytics.chain_text import mapping_reasons
from gaodi.core import words

__all__ = [
    "AssignmentDiff",
    "LinkRule",
    "MappingWeights",
    "apply_manual",
    "diff_assignments",
    "links_frame",
    "map_enterprises",
]

_DEFAULT_TEXT_COLUMNS = ("scope_text", "products")


@dataclass(frozen=True)
class MappingWeights:
    """Evidence weights of the rule, each a probability-like value in [0, 1].

    ``code4``/``code3``/``code2``: the evidence of an industry-code match at the most
    specific level that matches; ``keyword``: the evidence of one distinct keyword hit.
    """

    code4: float = 0.7
    code3: float = 0.5
    code2: float = 0.3
    keyword: float = 0.4

    def __post_init__(self) -> None:
        for name in ("code4", "code3", "code2", "keyword"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise words.error("mapping.bad_weight", name=name, value=value)


@dataclass(frozen=True)
class LinkRule:
    """The matching rule of one link (a row of the frame :func:`map_enterprises` takes)."""

    link_id: Any
    industry_codes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    exclude_keywords: tuple[str, ...] = ()


def links_frame(rules: Sequence[LinkRule]) -> pl.DataFrame:
    """Build the links frame of :func:`map_enterprises` from :class:`LinkRule` objects.

    Examples
    --------
    >>> links_frame([LinkRule("L1", ("3841",), ("锂电池",))]).columns
    ['link_id', 'industry_codes', 'keywords', 'exclude_keywords']
    """
    return pl.DataFrame(
        {
            "link_id": [r.link_id for r in rules],
            "industry_codes": [list(r.industry_codes) for r in rules],
            "keywords": [list(r.keywords) for r in rules],
            "exclude_keywords": [list(r.exclude_keywords) for r in rules],
        },
        schema_overrides={
            "industry_codes": pl.List(pl.String),
            "keywords": pl.List(pl.String),
            "exclude_keywords": pl.List(pl.String),
        },
    )


# --------------------------------------------------------------------------- validation


def _require(df: pl.DataFrame, columns: Sequence[str], code: str) -> None:
    """Raise ``code`` (the table's ``*_missing_columns`` words) when a column is missing."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise words.error(code, columns=", ".join(missing))


def _list_col(df: pl.DataFrame, name: str) -> pl.Expr:
    if name in df.columns:
        return pl.col(name).cast(pl.List(pl.String)).fill_null([])
    return pl.lit([], dtype=pl.List(pl.String)).alias(name)


def _prepare_links(links: pl.DataFrame) -> pl.DataFrame:
    _require(links, ["link_id"], "mapping.links_missing_columns")
    if links["link_id"].is_duplicated().any():
        dup = links.filter(pl.col("link_id").is_duplicated())["link_id"].unique().to_list()[:5]
        raise words.error("mapping.duplicated_links", ids=dup)
    out = links.select(
        "link_id",
        _list_col(links, "industry_codes"),
        _list_col(links, "keywords"),
        _list_col(links, "exclude_keywords"),
    )
    codes = out.select(pl.col("industry_codes").explode().drop_nulls())["industry_codes"]
    bad = codes.filter(~codes.str.contains(r"^\d{2,4}$")).unique().to_list()
    if bad:
        raise words.error("mapping.bad_link_codes", codes=bad[:5])
    return out


def _prepare_enterprises(
    enterprises: pl.DataFrame, text_columns: Sequence[str] | None
) -> pl.DataFrame:
    _require(enterprises, ["enterprise_id", "industry_code"], "mapping.enterprises_missing_columns")
    if text_columns is None:
        text_columns = [c for c in _DEFAULT_TEXT_COLUMNS if c in enterprises.columns]
    else:
        _require(enterprises, text_columns, "mapping.enterprises_missing_columns")
    if enterprises["enterprise_id"].is_duplicated().any():
        raise words.error("mapping.duplicated_enterprises")
    codes = enterprises["industry_code"].cast(pl.String).drop_nulls()
    bad = codes.filter(~codes.str.contains(r"^\d{4}$")).unique().to_list()
    if bad:
        raise words.error("mapping.bad_enterprise_codes", codes=bad[:5])
    text = (
        pl.concat_str(
            [pl.col(c).cast(pl.String).fill_null("") for c in text_columns], separator=" "
        )
        if text_columns
        else pl.lit("")
    )
    return enterprises.select(
        "enterprise_id", pl.col("industry_code").cast(pl.String), text.alias("_text")
    )


# --------------------------------------------------------------------------- evidence
# Internally enterprises, links, distinct industry codes and distinct keywords are numbered
# (``_ei``, ``_li``, ``_ci``, ``_pi``: UInt32) and a pair is one UInt64
# ``_pair = _ei * n_links + _li``. Pairs are aggregated by sorting and a group-by over the
# sorted key, which on two cores is several times faster than hashing millions of (id, id)
# tuples. Ids are restored at the end, only for the pairs kept.


def _sorted(df: pl.DataFrame, column: str) -> pl.DataFrame:
    return df.sort(column).with_columns(pl.col(column).set_sorted())


def _code_table(links: pl.DataFrame, codes: pl.Series) -> pl.DataFrame:
    """(_ci, _li, code_level): for each distinct enterprise code, the links it matches and the
    most specific level at which it does. ``codes`` are the distinct 4-digit codes, ``_ci``
    their position."""
    link_codes = (
        links.select("_li", pl.col("industry_codes").alias("code"))
        .explode("code")
        .drop_nulls("code")
        .unique()
        .with_columns(pl.col("code").str.len_chars().cast(pl.Int8).alias("code_level"))
    )
    distinct = pl.DataFrame({"industry_code": codes}).with_row_index("_ci")
    parts = [
        distinct.with_columns(pl.col("industry_code").str.slice(0, level).alias("code")).join(
            link_codes.filter(pl.col("code_level") == level), on="code"
        )
        for level in (4, 3, 2)
    ]
    return pl.concat(parts).group_by("_ci", "_li").agg(pl.col("code_level").max())


def _keyword_table(links: pl.DataFrame, column: str) -> pl.DataFrame:
    """(_li, _pi, keyword, _key): each link's distinct keywords; ``_key`` lower-cased,
    ``_pi`` its index among the sorted distinct keys."""
    return (
        links.select("_li", pl.col(column).alias("keyword"))
        .explode("keyword")
        .drop_nulls("keyword")
        .with_columns(pl.col("keyword").str.strip_chars())
        .filter(pl.col("keyword").str.len_chars() > 0)
        .with_columns(pl.col("keyword").str.to_lowercase().alias("_key"))
        .unique(["_li", "_key"], keep="first", maintain_order=True)
        .with_columns((pl.col("_key").rank("dense") - 1).cast(pl.UInt32).alias("_pi"))
    )


def _keyword_hits(kw: pl.DataFrame, ents: pl.DataFrame, n_links: int) -> pl.DataFrame:
    """(_pair, _pi) for every distinct keyword of the table ``kw`` found, sorted by pair."""
    patterns = kw.select("_pi", "_key").unique().sort("_pi")["_key"]
    if patterns.len() == 0:
        return pl.DataFrame(schema={"_pair": pl.UInt64, "_pi": pl.UInt32})
    key = pl.col("_key")
    if patterns.str.contains("[a-z]").any():  # ASCII-insensitive hits: fold to the pattern
        key = key.str.to_lowercase()
    n_pat = patterns.len()
    found = (
        ents.select(
            "_ei",
            pl.col("_text")
            .str.extract_many(patterns.to_list(), ascii_case_insensitive=True, overlapping=True)
            .alias("_key"),
        )
        .explode("_key")
        .drop_nulls("_key")
        .select(
            (
                pl.col("_ei").cast(pl.UInt64) * n_pat
                + key.cast(pl.Enum(patterns.to_list())).to_physical()
            ).alias("_k")
        )
    )
    found = (
        _sorted(found, "_k")
        .unique(maintain_order=True)
        .select(
            (pl.col("_k") // n_pat).cast(pl.UInt32).alias("_ei"),
            (pl.col("_k") % n_pat).cast(pl.UInt32).alias("_pi"),
        )
    )
    hits = found.join(kw.select("_li", "_pi"), on="_pi").select(
        (pl.col("_ei").cast(pl.UInt64) * n_links + pl.col("_li")).alias("_pair"), "_pi"
    )
    return _sorted(hits, "_pair")


# --------------------------------------------------------------------------- public API


def map_enterprises(
    links: pl.DataFrame,
    enterprises: pl.DataFrame,
    *,
    weights: MappingWeights | None = None,
    threshold: float = 0.5,
    text_columns: Sequence[str] | None = None,
    reasons: bool = True,
) -> pl.DataFrame:
    """Candidate (enterprise, link) assignments with a confidence and the reason in words.

    Parameters
    ----------
    links : pl.DataFrame
        ``link_id`` (unique) and optionally ``industry_codes`` (list of 2-, 3- or 4-digit
        GB/T 4754-2017 codes), ``keywords`` and ``exclude_keywords`` (lists of strings).
    enterprises : pl.DataFrame
        ``enterprise_id`` (unique), ``industry_code`` (4-digit or null) and text columns.
    weights : MappingWeights, optional
        Evidence weights; defaults to ``MappingWeights()``.
    threshold : float
        Keep pairs whose confidence is at least this value (in (0, 1]).
    text_columns : sequence of str, optional
        Columns searched for keywords, joined by a space; by default whichever of
        ``scope_text`` and ``products`` exist.
    reasons : bool
        Build ``reason_zh``/``reason_en`` (about half the run time on a million pairs);
        without them the frame still holds every number the reasons state.

    Returns
    -------
    pl.DataFrame
        ``enterprise_id, link_id, confidence, code_level`` (4, 3, 2 or 0), ``matched_code``,
        ``keyword_hits`` (count of distinct keywords found), ``keywords`` (which ones),
        ``reason_zh, reason_en``; sorted by enterprise then link.

    Notes
    -----
    Code evidence is taken at the most specific matching level :math:`\\ell` of the
    enterprise's 4-digit code against the link's codes (exact 4-digit, 3-digit prefix,
    2-digit prefix): :math:`c_{code} = w_\\ell` (0 when nothing matches). Keyword evidence
    from :math:`k` distinct keywords found (ASCII case-insensitive substring search) is
    :math:`c_{kw} = 1-(1-w_{kw})^k`. They combine by noisy-OR, treating each piece of
    evidence as an independent chance that the enterprise belongs to the link:

    .. math:: \\text{confidence} = 1-(1-c_{code})(1-c_{kw}) \\in [0, 1].

    With the default weights an exact code alone gives 0.70, a 3-digit prefix 0.50, a
    2-digit prefix 0.30, one keyword 0.40, two keywords 0.64, an exact code and one keyword
    0.82. A pair whose text contains any exclude keyword of the link is dropped whatever
    its other evidence. Manual assignments win over the rule; the caller applies them.

    References
    ----------
    国家统计局, GB/T 4754-2017《国民经济行业分类》 (code hierarchy 门类/大类/中类/小类).
    Pearl, J. (1988), *Probabilistic Reasoning in Intelligent Systems*, §4.3 (noisy-OR).
    Aho, A. V. and Corasick, M. J. (1975), "Efficient string matching", CACM 18(6).

    Examples
    --------
    >>> links = links_frame([LinkRule("L1", ("3841",), ("锂电池", "正极"))])
    >>> ents = pl.DataFrame({"enterprise_id": [1, 2], "industry_code": ["3841", "3849"],
    ...                      "scope_text": ["锂电池正极材料生产", "电池销售"]})
    >>> m = map_enterprises(links, ents)
    >>> m.select("enterprise_id", "confidence", "code_level", "keyword_hits").to_dicts()
    [{'enterprise_id': 1, 'confidence': 0.892, 'code_level': 4, 'keyword_hits': 2}]
    """
    w = weights or MappingWeights()
    if not 0.0 < threshold <= 1.0:
        raise words.error("mapping.bad_threshold", threshold=threshold)
    lk = _prepare_links(links).with_row_index("_li")
    ents = _prepare_enterprises(enterprises, text_columns).with_row_index("_ei")
    n_links = max(lk.height, 1)
    c_of_level = {4: w.code4, 3: w.code3, 2: w.code2, 0: 0.0}

    # Code evidence through the small (distinct code x link) table.
    codes = ents["industry_code"].drop_nulls().unique().sort()
    ents = ents.with_columns(
        pl.col("industry_code").cast(pl.Enum(codes.to_list())).to_physical().alias("_ci")
    )
    by_code = _code_table(lk, codes).select(
        (pl.col("_ci").cast(pl.UInt64) * n_links + pl.col("_li")).alias("_cl"), "code_level"
    )
    ci_of_ei = ents["_ci"]

    # Keyword evidence: counts per pair, and the code level of those pairs.
    kw = _keyword_table(lk, "keywords")
    hits = _keyword_hits(kw, ents, n_links)
    by_kw = (
        hits.group_by("_pair", maintain_order=True)
        .agg(pl.len().cast(pl.UInt32).alias("keyword_hits"))
        .with_columns(
            (
                pl.lit(ci_of_ei)
                .gather((pl.col("_pair") // n_links).cast(pl.UInt32))
                .cast(pl.UInt64)
                * n_links
                + pl.col("_pair") % n_links
            ).alias("_cl")
        )
        .join(by_code, on="_cl", how="left")
        .drop("_cl")
    )
    # Pairs with code evidence alone strong enough to pass (no keyword needed).
    enough = [lv for lv, c in c_of_level.items() if lv > 0 and c >= threshold]
    code_only = (
        ents.select("_ei", "_ci")
        .drop_nulls("_ci")
        .join(
            by_code.filter(pl.col("code_level").is_in(enough)).select(
                (pl.col("_cl") // n_links).cast(pl.UInt32).alias("_ci"),
                (pl.col("_cl") % n_links).cast(pl.UInt32).alias("_li"),
                "code_level",
            ),
            on="_ci",
        )
        .select(
            (pl.col("_ei").cast(pl.UInt64) * n_links + pl.col("_li")).alias("_pair"),
            "code_level",
            pl.lit(0, dtype=pl.UInt32).alias("keyword_hits"),
        )
    )
    excluded = _keyword_hits(_keyword_table(lk, "exclude_keywords"), ents, n_links)["_pair"]

    cand = (
        _sorted(pl.concat([by_kw, code_only], how="diagonal_relaxed"), "_pair")
        .group_by("_pair", maintain_order=True)
        .agg(pl.col("code_level").max(), pl.col("keyword_hits").max())
        .filter(~pl.col("_pair").is_in(excluded.implode()))
        .with_columns(
            pl.col("code_level").fill_null(0).cast(pl.Int8),
            pl.col("keyword_hits").fill_null(0),
        )
        .with_columns(
            pl.col("code_level")
            .replace_strict(c_of_level, return_dtype=pl.Float64)
            .alias("_c_code"),
            (1.0 - (1.0 - w.keyword) ** pl.col("keyword_hits").cast(pl.Float64)).alias("_c_kw"),
        )
        .with_columns(
            (1.0 - (1.0 - pl.col("_c_code")) * (1.0 - pl.col("_c_kw")))
            .round(12)
            .alias("confidence")
        )
        .filter(pl.col("confidence") >= threshold)
    )
    # Which keywords, only for the pairs kept (far fewer than all hits).
    names = kw.unique("_pi", keep="first").sort("_pi")["keyword"]
    hit_words = (
        hits.filter(pl.col("_pair").is_in(cand["_pair"].implode()))
        .with_columns(pl.lit(names).gather(pl.col("_pi")).alias("keywords"))
        .group_by("_pair", maintain_order=True)
        .agg(pl.col("keywords").sort())
    )
    ei = (pl.col("_pair") // n_links).cast(pl.UInt32)
    li = (pl.col("_pair") % n_links).cast(pl.UInt32)
    cand = (
        cand.with_columns(pl.lit(ci_of_ei).gather(ei).alias("_ci"))
        .join(hit_words, on="_pair", how="left", maintain_order="left")
        .with_columns(
            pl.col("keywords").fill_null([]),
            pl.lit(ents["enterprise_id"]).gather(ei).alias("enterprise_id"),
            pl.lit(ents["industry_code"]).gather(ei).alias("industry_code"),
            pl.lit(lk["link_id"]).gather(li).alias("link_id"),
        )
        .with_columns(
            pl.when(pl.col("code_level") > 0)
            .then(pl.col("industry_code").str.slice(0, pl.col("code_level").cast(pl.Int64)))
            .alias("matched_code")
        )
    )
    columns = [
        "enterprise_id",
        "link_id",
        "confidence",
        "code_level",
        "matched_code",
        "keyword_hits",
        "keywords",
    ]
    if reasons:
        cand = mapping_reasons(cand, codes, c_of_level, w.keyword)
        columns += ["reason_zh", "reason_en"]
    return cand.select(columns).sort("enterprise_id", "link_id")


@dataclass(frozen=True)
class AssignmentDiff:
    """What changed between two runs of the rule.

    ``changes`` has one row per added, removed or changed (enterprise, link) pair:
    ``enterprise_id, link_id, change`` ("added" / "removed" / "changed"),
    ``confidence_old, confidence_new``.
    """

    changes: pl.DataFrame
    unchanged: int
    counts: dict[str, int] = field(default_factory=dict)

    def by_link(self) -> pl.DataFrame:
        """Counts of added, removed and changed pairs per link (for the CLI report)."""
        return (
            self.changes.group_by("link_id")
            .agg(
                (pl.col("change") == kind).sum().alias(kind)
                for kind in ("added", "removed", "changed")
            )
            .sort("link_id")
        )


def diff_assignments(
    old: pl.DataFrame, new: pl.DataFrame, *, tolerance: float = 0.005
) -> AssignmentDiff:
    """Compare two assignment tables (``enterprise_id, link_id, confidence``).

    A pair present only in ``new`` is *added*, only in ``old`` *removed*; present in both
    with confidences differing by more than ``tolerance`` it is *changed*.

    Examples
    --------
    >>> old = pl.DataFrame({"enterprise_id": [1, 2, 3], "link_id": ["A", "A", "B"],
    ...                     "confidence": [0.7, 0.5, 0.9]})
    >>> new = pl.DataFrame({"enterprise_id": [1, 3, 4], "link_id": ["A", "B", "B"],
    ...                     "confidence": [0.82, 0.9, 0.6]})
    >>> d = diff_assignments(old, new)
    >>> d.counts, d.unchanged
    ({'added': 1, 'removed': 1, 'changed': 1}, 1)
    """
    key = ["enterprise_id", "link_id"]
    for df, code in ((old, "mapping.old_missing_columns"), (new, "mapping.new_missing_columns")):
        _require(df, [*key, "confidence"], code)
    joined = old.select(*key, pl.col("confidence").alias("confidence_old")).join(
        new.select(*key, pl.col("confidence").alias("confidence_new")),
        on=key,
        how="full",
        coalesce=True,
    )
    change = (
        pl.when(pl.col("confidence_old").is_null())
        .then(pl.lit("added"))
        .when(pl.col("confidence_new").is_null())
        .then(pl.lit("removed"))
        .when((pl.col("confidence_new") - pl.col("confidence_old")).abs() > tolerance)
        .then(pl.lit("changed"))
        .otherwise(pl.lit(None, dtype=pl.String))
        .alias("change")
    )
    labelled = joined.with_columns(change)
    changes = (
        labelled.filter(pl.col("change").is_not_null())
        .select(*key, "change", "confidence_old", "confidence_new")
        .sort(key)
    )
    counts = {k: int((changes["change"] == k).sum()) for k in ("added", "removed", "changed")}
    return AssignmentDiff(changes, labelled.height - changes.height, counts)


def apply_manual(rule: pl.DataFrame, manual: pl.DataFrame) -> pl.DataFrame:
    """Overlay hand-made assignments on the rule's output: manual wins, pair by pair.

    ``manual`` has ``enterprise_id, link_id, include`` (bool). An included pair gets
    confidence 1.0 and ``source`` "manual" (replacing any rule row for that pair); an excluded
    pair is removed. Rule rows not touched by hand keep ``source`` "rule".

    Examples
    --------
    >>> rule = pl.DataFrame({"enterprise_id": [1, 2], "link_id": ["A", "A"],
    ...                      "confidence": [0.5, 0.7]})
    >>> manual = pl.DataFrame({"enterprise_id": [1, 3], "link_id": ["A", "A"],
    ...                        "include": [False, True]})
    >>> apply_manual(rule, manual).select("enterprise_id", "confidence", "source").rows()
    [(2, 0.7, 'rule'), (3, 1.0, 'manual')]
    """
    key = ["enterprise_id", "link_id"]
    _require(manual, [*key, "include"], "mapping.manual_missing_columns")
    kept = rule.join(manual.select(key), on=key, how="anti").with_columns(
        pl.lit("rule").alias("source")
    )
    added = manual.filter(pl.col("include")).select(
        pl.col("enterprise_id").cast(rule.schema["enterprise_id"]),
        pl.col("link_id").cast(rule.schema["link_id"]),
        pl.lit(1.0).alias("confidence"),
        pl.lit("manual").alias("source"),
    )
    if "reason_zh" in rule.columns:
        by_hand_zh, by_hand_en = words.both("mapping.manual")
        added = added.with_columns(
            pl.lit(by_hand_zh).alias("reason_zh"), pl.lit(by_hand_en).alias("reason_en")
        )
    return pl.concat([kept, added], how="diagonal_relaxed").sort(key)
