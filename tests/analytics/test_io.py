"""Input-output linkages: Miller & Blair's worked example and pymrio's bundled test MRIO."""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pymrio
import pytest

from gaodi.analytics.io import classify_key_sectors, io_model, linkages_tables
from gaodi.core.errors import DataError

# Miller, R. E. & Blair, P. D. (2009). Input-Output Analysis, 2nd ed., section 2.3 (Table 2.3):
# two sectors, Z = [[150, 500], [200, 100]], final demand f = [350, 1700], x = [1000, 2000].
Z_MB = [[150.0, 500.0], [200.0, 100.0]]
F_MB = [350.0, 1700.0]


def test_miller_blair_two_sector_example() -> None:
    m = io_model(Z_MB, F_MB)
    # x = Z 1 + f = [150 + 500 + 350, 200 + 100 + 1700] = [1000, 2000]
    np.testing.assert_allclose(m.x, [1000, 2000])
    # A = Z / x_j: [[150/1000, 500/2000], [200/1000, 100/2000]] = [[0.15, 0.25], [0.2, 0.05]]
    np.testing.assert_allclose(m.A, [[0.15, 0.25], [0.2, 0.05]])
    # I - A = [[0.85, -0.25], [-0.2, 0.95]], det = 0.8075 - 0.05 = 0.7575;
    # L = [[0.95, 0.25], [0.2, 0.85]] / 0.7575 = [[1.2541, 0.3300], [0.2640, 1.1221]]
    # (the book prints L = [[1.254, 0.330], [0.264, 1.122]])
    np.testing.assert_allclose(m.L, np.array([[0.95, 0.25], [0.2, 0.85]]) / 0.7575)
    # Output multipliers (M&B section 6.2.1): 1.518 and 1.452 = column sums of L
    np.testing.assert_allclose(m.output_multiplier, [1.15 / 0.7575, 1.10 / 0.7575])
    # B = Z / x_i: [[0.15, 0.5], [0.1, 0.05]]; G = (I - B)^-1 = [[0.95, 0.5], [0.1, 0.85]] / 0.7575
    np.testing.assert_allclose(m.B, [[0.15, 0.5], [0.1, 0.05]])
    np.testing.assert_allclose(m.G, np.array([[0.95, 0.5], [0.1, 0.85]]) / 0.7575)
    # Linkages: sum(L) = 2.25 / 0.7575; BL = 2 * [1.15, 1.10] / 2.25 = [1.0222, 0.9778]
    # sum(G) = 2.4 / 0.7575; FL = 2 * [1.45, 0.95] / 2.4 = [1.2083, 0.7917]
    np.testing.assert_allclose(m.backward_linkage, [2 * 1.15 / 2.25, 2 * 1.10 / 2.25])
    np.testing.assert_allclose(m.forward_linkage, [2 * 1.45 / 2.4, 2 * 0.95 / 2.4])
    assert m.key_sector == ["key", "weak"]


def test_key_sector_classes() -> None:
    assert classify_key_sectors([1.1, 1.1, 0.9, 0.9, 1.0], [1.1, 0.9, 1.1, 0.9, 1.0]) == [
        "key",
        "backward-oriented",
        "forward-oriented",
        "weak",
        "weak",
    ]


def test_degenerate_tables_are_data_errors() -> None:
    with pytest.raises(DataError, match="zero or negative total output"):
        io_model([[0.0, 1.0], [0.0, 0.0]], [1.0, 0.0])
    with pytest.raises(DataError, match="singular"):
        # Sector 2 buys only from itself and sells nothing outside: a_22 = 1, I - A singular.
        io_model([[0.0, 0.0], [0.0, 5.0]], [1.0, 0.0])
    with pytest.raises(DataError, match="negative"):
        io_model([[-1.0, 1.0], [1.0, 1.0]], [5.0, 5.0])
    with pytest.raises(DataError, match="square"):
        io_model([[1.0, 2.0]], [1.0])


def test_negative_final_demand_entries_are_allowed() -> None:
    # Changes in inventories may be negative; only total output must stay positive.
    m = io_model(Z_MB, [[400.0, -50.0], [1700.0, 0.0]])
    np.testing.assert_allclose(m.x, [1000, 2000])


@pytest.fixture(scope="module")
def mrio():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pymrio.load_test()


def test_against_pymrio_test_system(mrio) -> None:
    z = mrio.Z.to_numpy()
    y = mrio.Y.to_numpy()
    x = pymrio.calc_x(mrio.Z, mrio.Y).to_numpy().ravel()
    a = pymrio.calc_A(mrio.Z, x).to_numpy()
    leontief = pymrio.calc_L(a)
    b = pymrio.calc_B(mrio.Z, x).to_numpy()
    ghosh = pymrio.calc_G(b)  # inverted directly, independent of our L-based shortcut
    m = io_model(z, y)
    np.testing.assert_allclose(m.x, x, rtol=1e-12)
    np.testing.assert_allclose(m.A, a, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(m.L, leontief, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(m.B, b, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(m.G, ghosh, rtol=1e-9, atol=1e-12)
    n = z.shape[0]
    np.testing.assert_allclose(m.backward_linkage, n * leontief.sum(0) / leontief.sum())
    np.testing.assert_allclose(m.forward_linkage, n * ghosh.sum(1) / ghosh.sum())


def test_multiregional_long_tables_against_pymrio(mrio) -> None:
    zdf, ydf = mrio.Z.copy(), mrio.Y.copy()
    zdf.index.names = ydf.index.names = ["row_region", "row_sector"]
    zdf.columns.names = ["col_region", "col_sector"]
    ydf.columns.names = ["col_region", "category"]
    zl = zdf.stack(level=[0, 1], future_stack=True).rename("value").reset_index()
    yl = ydf.stack(level=[0, 1], future_stack=True).rename("value").reset_index()
    out = linkages_tables(pl.from_pandas(zl), pl.from_pandas(yl))
    lin = out["linkages"]
    assert lin.columns == [
        "region",
        "sector",
        "output_multiplier",
        "backward_linkage",
        "forward_linkage",
        "key_sector",
    ]
    x = pymrio.calc_x(mrio.Z, mrio.Y).to_numpy().ravel()
    leontief = pymrio.calc_L(pymrio.calc_A(mrio.Z, x).to_numpy())
    # pymrio keeps the table's (region, sector) order, which is also first-appearance order.
    assert lin["region"].to_list() == list(mrio.Z.index.get_level_values(0))
    np.testing.assert_allclose(lin["output_multiplier"].to_numpy(), leontief.sum(axis=0))
    lmat = out["L"]
    assert lmat.columns == ["row_region", "row_sector", "col_region", "col_sector", "value"]
    assert lmat.height == 48 * 48
    first = lmat.row(1)
    assert first[:4] == ("reg1", "food", "reg1", "mining")
    assert first[4] == pytest.approx(leontief[0, 1])


def test_single_region_long_tables_and_errors() -> None:
    z = pl.DataFrame(
        {
            "row_sector": ["1", "1", "2", "2"],
            "col_sector": ["1", "2", "1", "2"],
            "value": [150.0, 500, 200, 100],
        }
    )
    y = pl.DataFrame({"sector": ["1", "2", "2"], "value": [350.0, 1000, 700]})
    out = linkages_tables(z, y)
    assert out["A"]["value"].to_list() == pytest.approx([0.15, 0.25, 0.2, 0.05])
    assert out["linkages"]["sector"].to_list() == ["1", "2"]
    with pytest.raises(DataError, match="misses column"):
        linkages_tables(z.drop("col_sector"), y)
    with pytest.raises(DataError, match="not in Z"):
        linkages_tables(z, pl.DataFrame({"sector": ["3"], "value": [1.0]}))
    with pytest.raises(DataError, match="duplicated"):
        linkages_tables(pl.concat([z, z.head(1)]), y)
