"""Map an enterprise registry of any size onto a city's chains and links.

The heavy part runs on the chosen engine: one scan of the registry keeps the rows that could
match any link at all — an industry code under one of the links' codes (by 2-, 3- or 4-digit
prefix) or a business scope containing one of their keywords (case folded). That is a small
fraction of a national registry. The candidates are then collected and scored by
:func:`gaodi.analytics.mapping.map_enterprises`, the very rule a city's own mapping uses, so a
firm gets the same links, confidence and reason here as it would in the city's database.

The prefilter is a superset of what the rule can match (it ignores exclude keywords and the
threshold, and folds case more widely than the rule's ASCII folding), so no match is lost; the
tests check the result row for row against the rule run on the whole registry.
"""

from __future__ import annotations

from typing import Any

import narwhals as nw
import polars as pl

from gaodi.analytics.mapping import MappingWeights, map_enterprises
from gaodi.engine.backends import Backend, collect, require_columns

#: Registry columns: name -> meaning (named in the error when one is missing).
REGISTRY_COLUMNS = {
    "uscc": "统一社会信用代码 USCC",
    "name": "企业名称 name",
    "region_code": "区县代码 GB/T 2260",
    "industry_code": "行业代码 GB/T 4754",
    "scope_text": "经营范围 business scope",
}


def _codes(links: pl.DataFrame, width: int) -> list[str]:
    codes = links.select(pl.col("industry_codes").explode().drop_nulls())["industry_codes"]
    return sorted({c for c in codes.to_list() if len(c) == width})


def _keywords(links: pl.DataFrame) -> list[str]:
    words = links.select(pl.col("keywords").explode().drop_nulls())["keywords"]
    return sorted({w.strip().lower() for w in words.to_list() if w and w.strip()})


#: The metacharacters Rust regex, RE2 and Java share; each is literal after a backslash. (Other
#: punctuation stays bare: ``\\<`` would be a word boundary in Rust regex.)
_META = frozenset("\\.^$|?*+()[]{}")


def _escape(word: str) -> str:
    r"""``word`` as a literal in a regular expression every engine reads the same way.

    Examples
    --------
    >>> _escape("c++ (铝)")
    'c\\+\\+ \\(铝\\)'
    """
    return "".join("\\" + ch if ch in _META else ch for ch in word)


def _any(tests: list[Any]) -> Any:
    """``tests[0] | tests[1] | …`` as a balanced tree: a city's links bring hundreds of keywords,
    and a left-deep chain of that many ORs overflows Spark's plan analyser."""
    if len(tests) == 1:
        return tests[0].fill_null(False)
    mid = len(tests) // 2
    return _any(tests[:mid]) | _any(tests[mid:])


def could_match(links: pl.DataFrame) -> Any:
    """The engine-side test a registry row passes when it could match one of ``links`` (its
    industry code's prefix, a keyword in its business scope); ``None`` if no link has a rule."""
    code = nw.col("industry_code").cast(nw.String)
    text = nw.col("scope_text").cast(nw.String).fill_null("").str.to_lowercase()
    tests: list[Any] = []
    for width in (2, 3, 4):
        wanted = _codes(links, width)
        if wanted:
            tests.append(code.str.slice(0, width).is_in(wanted))
    words = _keywords(links)
    if words:
        # One alternation of escaped literals, not hundreds of substring tests: Polars (Rust
        # regex) and DuckDB (RE2) turn it into a multi-pattern search, one pass over the text.
        tests.append(text.str.contains("|".join(_escape(w) for w in words)))
    return _any(tests) if tests else None


def candidates(registry: nw.LazyFrame[Any], links: pl.DataFrame) -> nw.LazyFrame[Any]:
    """The registry rows that could match a link (the engine's scan)."""
    require_columns(registry, REGISTRY_COLUMNS, "企业名录 registry")
    keep = could_match(links)
    if keep is None:
        return registry.filter(nw.lit(False))
    return registry.select(
        nw.col("uscc").cast(nw.String),
        nw.col("region_code").cast(nw.String),
        nw.col("industry_code").cast(nw.String),
        nw.col("scope_text").cast(nw.String),
    ).filter(keep)


def map_registry(
    registry: nw.LazyFrame[Any],
    links: pl.DataFrame,
    backend: Backend,
    *,
    weights: MappingWeights | None = None,
    threshold: float = 0.5,
) -> pl.DataFrame:
    """Assignments of registry firms to links: the rule's columns plus ``uscc``, ``region_code``.

    ``links`` has ``link_id``, ``industry_codes``, ``keywords`` and ``exclude_keywords`` (as
    :func:`~gaodi.analytics.mapping.links_frame` builds it) and may carry more columns (chain
    and link codes), which are joined onto the result.
    """
    del backend  # the registry frame already lives on its engine
    rule_links = links.select("link_id", "industry_codes", "keywords", "exclude_keywords")
    found = collect(candidates(registry, links))
    if found.height == 0:
        return pl.DataFrame(
            schema={"uscc": pl.String, "region_code": pl.String, "link_id": links["link_id"].dtype,
                    "confidence": pl.Float64, "reason_zh": pl.String, "reason_en": pl.String}
        )  # fmt: skip
    # A registry may list a firm twice (re-registrations): the rule needs one row per id.
    found = found.unique("uscc", keep="first", maintain_order=True).with_columns(
        pl.when(pl.col("industry_code").str.contains(r"^\d{4}$"))
        .then(pl.col("industry_code"))
        .alias("industry_code")
    )
    matched = map_enterprises(
        rule_links,
        found.rename({"uscc": "enterprise_id"}),
        weights=weights,
        threshold=threshold,
        text_columns=["scope_text"],
    ).rename({"enterprise_id": "uscc"})
    extra = [c for c in links.columns if c not in rule_links.columns]
    out = matched.join(found.select("uscc", "region_code"), on="uscc", how="left")
    if extra:
        out = out.join(links.select("link_id", *extra), on="link_id", how="left")
    return out


def region_link_counts(assignments: pl.DataFrame) -> pl.DataFrame:
    """Enterprises per (region, chain, link): the chain's national map."""
    return (
        assignments.group_by("region_code", "chain_code", "link_code")
        .agg(pl.col("uscc").n_unique().alias("enterprises"))
        .sort("region_code", "chain_code", "link_code")
    )
