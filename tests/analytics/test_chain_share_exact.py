"""A link's share of the chain is summed from the firms' outputs as written, so a link exactly
on the weak line (share = weak factor x benchmark) is not below it because a float sum fell a
hair short, and the figures do not depend on the order the firms come in.

By hand: link 甲 holds two firms of 71819.40 and 5872.23 万元 (77691.63), 乙 one of 155383.26
(2 x 77691.63), 丙 one of 388458.15 (5 x 77691.63); the chain is 621533.04 = 8 x 77691.63, so
the shares are 1/8, 2/8 and 5/8 = 12.5 %, 25 % and 62.5 %. The median share of the three is
25 %, the weak line half of it, 12.5 %: 甲 is on the line, not below it, so not weak (as floats
71819.40 + 5872.23 is 77691.62999999999 and 甲 read 12.5000000000 % "below" 12.5000000000 %).
With a peer city's shares {甲: 0.8}, firms of 0.1 and 0.7 against one of 1.2: 甲's share
0.8 / 2.0 = 40 % against 50 % of 80 % = 40 %, on the line again.
"""

from __future__ import annotations

from fractions import Fraction

import polars as pl
import pytest

from gaodi.analytics.chains import Benchmark, DiagnosisParams, diagnose_chain

LINKS = pl.DataFrame(
    {
        "link_id": ["a", "b", "c"],
        "parent_id": [None, None, None],
        "segment": ["up", "mid", "down"],
        "name": ["甲", "乙", "丙"],
    }
)
NO_LEADER_RULE = DiagnosisParams(key_link_needs_leader=False)


def _facts(rows: list[tuple[int, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "enterprise_id": [r[0] for r in rows],
            "link_id": [r[1] for r in rows],
            "output": [r[2] for r in rows],
            "above_scale": [True] * len(rows),
        }
    )


ROWS = [(1, "a", 71819.40), (2, "a", 5872.23), (3, "b", 155383.26), (4, "c", 388458.15)]


def test_a_link_exactly_on_the_median_line_is_not_weak() -> None:
    d = diagnose_chain(LINKS, _facts(ROWS), NO_LEADER_RULE)
    a = d.link("a")
    assert a.status == "strong"
    assert a.output == 77691.63
    assert a.output_share == 0.125
    assert a.threshold_share == 0.125
    assert d.chain_output == 621533.04
    assert "链内产值占比12.5%，不低于链中位数环节占比25.0%的50%（12.5%）" in a.reason_zh
    assert "12.5000000000" not in a.reason_zh


def test_a_link_exactly_on_a_peer_line_is_not_weak() -> None:
    links = LINKS.head(2)
    facts = _facts([(1, "a", 0.1), (2, "a", 0.7), (3, "b", 1.2)])
    peer = Benchmark(kind="peer", shares={"a": 0.8, "b": 0.6}, label_zh="对标城市")
    a = diagnose_chain(links, facts, DiagnosisParams(benchmark=peer, key_link_needs_leader=False))
    a = a.link("a")
    assert (a.status, a.output, a.output_share, a.threshold_share) == ("strong", 0.8, 0.4, 0.4)


@pytest.mark.parametrize("order", [[0, 1, 2, 3], [3, 2, 1, 0], [1, 3, 0, 2]])
def test_the_figures_do_not_depend_on_the_order_of_the_firms(order: list[int]) -> None:
    d = diagnose_chain(LINKS, _facts([ROWS[i] for i in order]), NO_LEADER_RULE)
    got = [(x.link_id, x.status, x.output, x.output_share) for x in d.links]
    assert got == [
        ("a", "strong", 77691.63, 0.125),
        ("b", "strong", 155383.26, 0.25),
        ("c", "strong", 388458.15, 0.625),
    ]


def test_a_share_just_below_the_line_is_still_weak() -> None:
    # 0.01 万元 less on 甲 (71819.39): the median is still 乙's share and the line half of
    # it, so 甲 is below when 2 x 77691.62 = 155383.24 < 155383.26, 乙's output
    rows = [(1, "a", 71819.39), *ROWS[1:]]
    assert 2 * Fraction("77691.62") < Fraction("155383.26")
    a = diagnose_chain(LINKS, _facts(rows), NO_LEADER_RULE).link("a")
    assert a.status == "weak"
    assert "低于链中位数环节占比" in a.reason_zh
