"""A park's focus share (output in its declared industries over its output) is compared with
the rule's 50 % line on the figures as written, so a park exactly at half is focused.

By hand: a provincial park (一主一特) declares 工程机械 (GB/T 4754 351) and nothing special;
two 工程机械 firms of 71819.40 and 5872.23 万元 (77691.63 together) beside a food firm (1311)
of 77691.63: focus share 77691.63 / 155383.26 = 1/2, on the line, not below it (as floats the
pair summed to 77691.62999999999 and the share read 0.49999999999999994: "below 50 %").
"""

from __future__ import annotations

import polars as pl

from gaodi.parks.models import Park
from gaodi.parks.standing import positioning


def _members(outputs: list[tuple[str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "enterprise_id": list(range(1, len(outputs) + 1)),
            "industry_code": [code for code, _ in outputs],
            "output": [value for _, value in outputs],
        }
    )


PARK = Park(name="甲园区", level="provincial", main_industries=["工程机械"], special_industries=[])


def test_a_park_exactly_at_half_is_focused() -> None:
    got = positioning(
        PARK, _members([("3511", 71819.40), ("3512", 5872.23), ("1311", 77691.63)]), {}
    )
    assert got.focus_share == 0.5
    assert got.main_share == 0.5
    assert got.focused is True


def test_a_park_a_hair_below_half_is_not_focused() -> None:
    # 0.01 万元 less in the industry: 77691.62 / 155383.25 < 1/2 (2 x 77691.62 < 155383.25)
    got = positioning(
        PARK, _members([("3511", 71819.39), ("3512", 5872.23), ("1311", 77691.63)]), {}
    )
    assert got.focus_share is not None and got.focus_share < 0.5
    assert got.focused is False


def test_the_share_does_not_depend_on_the_order_of_the_firms() -> None:
    rows = [("3511", 71819.40), ("1311", 77691.63), ("3512", 5872.23)]
    for order in ([0, 1, 2], [2, 1, 0], [1, 2, 0]):
        got = positioning(PARK, _members([rows[i] for i in order]), {})
        assert (got.focus_share, got.focused) == (0.5, True)
