"""Two identical sectors get the same key-sector class (verification of audit I): their linkage
indices are exactly average (1), and the inverse's rounding noise (0.9999999999999999 against
1.0000000000000002) made one "weak" and the other "forward-oriented"."""

from __future__ import annotations

import pytest

from gaodi.analytics.io import io_model


@pytest.mark.parametrize(("flows", "final"), [
    ([[10.0, 20.0], [20.0, 10.0]], [70.0, 70.0]),
    ([[0.0, 9.99], [9.99, 0.0]], [0.01, 0.01]),
])  # fmt: skip
def test_identical_sectors_share_their_class(flows: list[list[float]], final: list[float]) -> None:
    model = io_model(flows, final)
    # symmetric table: each sector's indices are the average exactly (by hand: equal columns)
    assert model.backward_linkage.tolist() == pytest.approx([1.0, 1.0], abs=1e-12)
    assert model.forward_linkage.tolist() == pytest.approx([1.0, 1.0], abs=1e-12)
    assert model.key_sector == ["weak", "weak"], model.key_sector
