"""A link's dependency risk is decided on the exact HHI and top-1 share of its outputs, so a
link sitting exactly on a line (HHI 0.1, HHI 0.18) gets the class the rule gives it whatever
the outputs are, and the reason shows the HHI as the reader computes it.

By hand: ten equal firms have shares 1/10, HHI = 10 x (1/10)^2 = 0.1 exactly, top-1 10%:
neither "HHI > 0.1" nor "top-1 > 25%", so 低. Shares .3/.2/.1 x 5 give HHI = 0.09 + 0.04 +
5 x 0.01 = 0.18 exactly and top-1 30%: not "HHI > 0.18", but top-1 > 25%, so 中.
"""

from __future__ import annotations

import polars as pl
import pytest

from gaodi.analytics.chains import concentration_level, diagnose_chain, hhi

LINKS = pl.DataFrame(
    {
        "link_id": [1, 2],
        "parent_id": [None, None],
        "segment": ["up", "down"],
        "name": ["零部件", "整机"],
        "key_link": [False, False],
    }
)


def _link_one(outputs: list[float]):
    n = len(outputs)
    facts = pl.DataFrame(
        {
            "enterprise_id": list(range(1, n + 2)),
            "link_id": [1] * n + [2],
            "output": [*outputs, 500.0],
            "above_scale": [True] * (n + 1),
        }
    )
    return diagnose_chain(LINKS, facts).link(1)


@pytest.mark.parametrize("each", [50.0, 7.0, 0.1, 3.3])
def test_ten_equal_firms_are_low_whatever_their_output(each: float) -> None:
    d = _link_one([each] * 10)
    assert d.risk_level == "low"
    assert d.hhi == 0.1
    assert "HHI＝0.10（10家企业），依赖风险低" in d.risk_reason_zh
    assert "HHI = 0.10 (10 enterprises): low dependency risk" in d.risk_reason_en
    assert "0.1000000000" not in d.risk_reason_zh


@pytest.mark.parametrize("scale", [1.0, 0.01, 7.0])
def test_hhi_exactly_on_the_high_line_is_not_high(scale: float) -> None:
    d = _link_one([v * scale for v in (30, 20, 10, 10, 10, 10, 10)])
    assert d.risk_level == "moderate"
    assert "HHI＝0.18（7家企业），依赖风险中" in d.risk_reason_zh


def test_hhi_just_above_a_line_is_shown_apart_from_it() -> None:
    # 9 firms at 10 and one at 10.001: HHI a hair above 0.1, so 中, and the reason must
    # not print it as 0.10 next to "HHI > 0.1 为中".
    d = _link_one([10.0] * 9 + [10.001])
    assert d.risk_level == "moderate"
    shown = d.risk_reason_zh.split("HHI＝")[1].split("（")[0]
    assert shown != "0.10" and float(shown) > 0.1


def test_public_functions_are_exact_at_the_lines() -> None:
    assert hhi([7.0] * 10) == 0.1
    assert concentration_level(0.1, 0.1) == "low"
    assert concentration_level(0.18, 0.1) == "moderate"
    assert concentration_level(0.1, 0.5) == "high"


def test_an_hhi_near_one_of_several_firms_does_not_read_as_one() -> None:
    # one firm with nearly everything and nine tiny ones: HHI 0.998 (by hand: (991/1000)^2 +
    # 9 x (1/1000)^2 = 0.982081 + 0.000009), shown "1.00" beside "10家企业" before, which
    # only a single firm can have
    d = _link_one([991.0] + [1.0] * 9)
    shown = d.risk_reason_zh.split("HHI＝")[1].split("（")[0]
    assert d.hhi == pytest.approx(0.98209) and shown == "0.98", shown
    d = _link_one(
        [99_910.0] + [10.0] * 9
    )  # HHI 0.9991² + 9 x 0.0001² = 0.9982009: 1.00 in two decimals
    shown = d.risk_reason_zh.split("HHI＝")[1].split("（")[0]
    assert shown == "0.998", shown
