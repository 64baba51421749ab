"""The 缺链/弱链/强链 reasons state figures a reader can check: a link at 0.0002% of the chain
and the threshold it is held to are not both printed as 0.0%, and the judgement itself is
made in exact decimals (a link exactly at the threshold is not below it).

Hand-made chains; every figure worked out in the comments.
"""

from __future__ import annotations

import re
from decimal import Decimal

import polars as pl

from gaodi.analytics.chains import DiagnosisParams, diagnose_chain


def _chain(outputs: dict[str, float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "link_id": list(outputs),
            "parent_id": [None] * len(outputs),
            "segment": ["mid"] * len(outputs),
            "name": [f"环节{k}" for k in outputs],
        }
    )


def _facts(outputs: dict[str, float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "enterprise_id": list(range(1, len(outputs) + 1)),
            "link_id": list(outputs),
            "output": list(outputs.values()),
            "above_scale": [True] * len(outputs),
        }
    )


def _shown(reason: str) -> list[Decimal]:
    """The percentages of the share comparison, as printed."""
    part = re.search(
        r"链内产值占比([\d.]+)%，低于链中位数环节占比([\d.]+)%的50%（([\d.]+)%）", reason
    )
    assert part is not None, reason
    return [Decimal(x) for x in part.groups()]


def test_a_tiny_share_and_its_threshold_are_told_apart() -> None:
    # chain output 1,000,071 万元; shares a 0.0001%, b 0.0030%, c 0.0040%, d 99.99%.
    # Median of the four: (b + c) / 2 = 0.0035%; threshold 50% of it: 0.0017%; a is below.
    outputs = {"a": 1.0, "b": 30.0, "c": 40.0, "d": 1_000_000.0}
    d = diagnose_chain(_chain(outputs), _facts(outputs)).link("a")
    assert d.status == "weak"
    share, bench, threshold = _shown(d.reason_zh)
    assert "0.0%" not in d.reason_zh
    assert share > 0 and bench > 0 and threshold > 0
    assert share < threshold  # the reader sees what was judged
    # each printed figure is the exact one, rounded to the digits printed
    total = Decimal(1_000_071)
    exact = [
        100 * Decimal(1) / total,
        100 * Decimal(35) / total,
        100 * Decimal("17.5") / total,
    ]
    for printed, value in zip((share, bench, threshold), exact, strict=True):
        assert abs(printed - value) <= Decimal(5) * Decimal(10) ** (printed.as_tuple().exponent - 1)
    assert re.search(r"^1 local enterprise.*\b[\d.]+% of chain output, below 50% of", d.reason_en)
    assert "0.0% of chain output" not in d.reason_en


def test_a_share_just_below_the_threshold_shows_the_difference() -> None:
    # outputs 999, 2000, 7001 of 10,000: shares 9.99%, 20.00%, 70.01%, median 20%, threshold
    # 10%: a (9.99%) is below, which one decimal would print as "10.0% below … (10.0%)".
    outputs = {"a": 999.0, "b": 2000.0, "c": 7001.0}
    d = diagnose_chain(_chain(outputs), _facts(outputs)).link("a")
    share, _bench, threshold = _shown(d.reason_zh)
    assert d.status == "weak" and share < threshold
    assert (share, threshold) == (Decimal("9.99"), Decimal("10.00"))


def test_a_link_exactly_at_the_threshold_is_not_below_it() -> None:
    # outputs 1, 10, 89 of 100: shares 1%, 10%, 89%; median 10%; weak factor 10%: the
    # threshold is 10% x 10% = 1%, and a (1%) is at it, not below. As floats
    # 0.1 * (10 / 100) = 0.010000000000000002 > 1 / 100, which called a weak.
    outputs = {"a": 1.0, "b": 10.0, "c": 89.0}
    d = diagnose_chain(_chain(outputs), _facts(outputs), DiagnosisParams(weak_factor=0.1))
    a = d.link("a")
    assert a.status == "strong", a.reason_zh
    assert "链内产值占比1.0%，不低于链中位数环节占比10.0%的10%（1.0%）" in a.reason_zh


def test_a_low_concentration_is_not_printed_as_hhi_zero() -> None:
    # 200 enterprises of equal output on one link: HHI = 200 x (1/200)^2 = 0.005, top-1 0.5%
    links = _chain({"a": 0.0})
    facts = pl.DataFrame(
        {
            "enterprise_id": list(range(1, 201)),
            "link_id": ["a"] * 200,
            "output": [10.0] * 200,
            "above_scale": [True] * 200,
        }
    )
    d = diagnose_chain(links, facts).link("a")
    assert d.risk_level == "low"
    assert "HHI＝0.0050（200家企业）" in d.risk_reason_zh
    assert "HHI＝0.00（" not in d.risk_reason_zh and "HHI = 0.0050" in d.risk_reason_en
