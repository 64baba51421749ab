"""``gaodi regions`` through the root app: contracts of the output files and clear errors."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
from typer.testing import CliRunner

from gaodi.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["regions", *args])


def write_long(path: Path, x: np.ndarray, regions: list[str], industries: list[str]) -> None:
    c, p = x.shape
    pl.DataFrame(
        {"region": np.repeat(regions, p), "industry": np.tile(industries, c), "value": x.ravel()}
    ).write_csv(path)


def generated(c: int, p: int, seed: int) -> tuple[np.ndarray, list[str], list[str]]:
    rng = np.random.default_rng(seed)
    x = np.round(rng.lognormal(0.0, 2.0, size=(c, p)) * (rng.random((c, p)) < 0.7), 3)
    return x, [f"r{i:03d}" for i in range(c)], [f"p{i:04d}" for i in range(p)]


# --------------------------------------------------------------------------- complexity
def test_complexity_outputs_match_ecomplexity(tmp_path: Path) -> None:
    import ecomplexity

    x, regs, inds = generated(30, 40, seed=6)
    write_long(tmp_path / "in.csv", x, regs, inds)
    result = run("complexity", str(tmp_path / "in.csv"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    regions = pl.read_csv(out / "regions.csv")
    industries = pl.read_csv(out / "industries.csv")
    cells = pl.read_csv(out / "cells.csv", schema_overrides={"region": pl.String})
    prox = pl.read_csv(out / "proximity.csv")
    assert regions.columns == ["region", "diversity", "eci", "coi"]
    assert industries.columns == ["industry", "ubiquity", "pci"]
    assert cells.columns == ["region", "industry", "rca", "mcp", "density", "cog"]
    assert prox.columns == ["industry_1", "industry_2", "proximity"]
    assert cells.height == 30 * 40 and cells.select("region", "industry").is_unique().all()
    assert prox.height == 40 * 40
    assert (
        prox.filter(pl.col("industry_1") == pl.col("industry_2"))["proximity"].to_list()
        == [1.0] * 40
    )

    df = pd.DataFrame(
        {
            "year": 2020,
            "region": np.repeat(regs, 40),
            "industry": np.tile(inds, 30),
            "value": x.ravel(),
        }
    )
    cols = {"time": "year", "loc": "region", "prod": "industry", "val": "value"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ecomplexity.ecomplexity(df, cols, verbose=False, check_logsupermodularity=False)
        ref_prox = ecomplexity.proximity(df, cols)
    ref = pl.from_pandas(
        ref[
            [
                "region",
                "industry",
                "rca",
                "mcp",
                "density",
                "cog",
                "eci",
                "coi",
                "pci",
                "diversity",
                "ubiquity",
            ]
        ]
    )
    joined = cells.join(ref, on=["region", "industry"], suffix="_ref")
    assert joined.height == 1200
    for col in ("rca", "mcp", "density", "cog"):
        np.testing.assert_allclose(
            joined[col].to_numpy(), joined[f"{col}_ref"].to_numpy(), atol=1e-8, err_msg=col
        )
    by_region = regions.join(ref.group_by("region").first(), on="region", suffix="_ref")
    for col in ("eci", "coi", "diversity"):
        np.testing.assert_allclose(
            by_region[col].to_numpy(), by_region[f"{col}_ref"].to_numpy(), atol=1e-8, err_msg=col
        )
    by_ind = industries.join(ref.group_by("industry").first(), on="industry", suffix="_ref")
    np.testing.assert_allclose(by_ind["pci"].to_numpy(), by_ind["pci_ref"].to_numpy(), atol=1e-8)
    rp = pl.from_pandas(ref_prox[["industry_1", "industry_2", "proximity"]])
    pj = prox.join(rp, on=["industry_1", "industry_2"], suffix="_ref")
    np.testing.assert_allclose(
        pj["proximity"].to_numpy(), pj["proximity_ref"].to_numpy(), atol=1e-12
    )


def test_complexity_zero_total_region_needs_drop_empty(tmp_path: Path) -> None:
    x, regs, inds = generated(20, 30, seed=6)
    x[4] = 0.0
    write_long(tmp_path / "in.csv", x, regs, inds)
    result = run("complexity", str(tmp_path / "in.csv"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "zero total" in result.output and "r004" in result.output
    assert "Traceback" not in result.output
    result = run(
        "complexity", str(tmp_path / "in.csv"), "--out", str(tmp_path / "o"), "--drop-empty"
    )
    assert result.exit_code == 0, result.output
    assert "r004" in result.output  # reported as dropped
    assert pl.read_csv(tmp_path / "o" / "regions.csv").height == 19


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("region,industry\na,x\n", "misses column(s): value"),
        ("region,industry,value\na,x,1\nb,x,abc\n", "line 3, column value: 'abc' is not a number"),
        ("region,industry,value\na,x,1\nb,y,-2\n", "line 3: value -2.0 is not a non-negative"),
        ("", "is empty"),
        ("region,industry,value\n", "no data rows"),
        ("region,industry,value\na,x,1\na,x,2\nb,y,1\n", "appears 2 times"),
        ("region,industry,value\na,x,1\n,y,2\n", "line 3: column region is empty"),
    ],
)
def test_complexity_bad_input(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "in.csv").write_text(content, encoding="utf-8")
    result = run("complexity", str(tmp_path / "in.csv"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_file(tmp_path: Path) -> None:
    result = run("complexity", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "File not found" in result.output


# --------------------------------------------------------------------------- specialise
def test_specialise_hand_computed(tmp_path: Path) -> None:
    # 2020: city x 20, y 30, z 50; rest 80, 70, 50 -> LQ city = 0.6, 0.9, 1.5 (0.2 / (1/3)...)
    # 2022: city 24, 45, 50; rest 96, 70, 65 -> CAGR city x = sqrt(24/20) - 1 = 0.095445
    rows = []
    for year, city, rest in (
        (2020, [20, 30, 50], [80, 70, 50]),
        (2022, [24, 45, 50], [96, 70, 65]),
    ):
        for ind, a, b in zip("xyz", city, rest, strict=True):
            rows += [("city", ind, year, a), ("rest", ind, year, b)]
    pl.DataFrame(rows, schema=["region", "industry", "year", "value"], orient="row").write_csv(
        tmp_path / "in.csv"
    )
    result = run("specialise", str(tmp_path / "in.csv"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    out = tmp_path / "o"
    for name in (
        "specialisation",
        "shift_share",
        "shift_share_dynamic",
        "concentration",
        "localisation",
        "cagr",
    ):
        assert (out / f"{name}.csv").exists(), name
    spec = pl.read_csv(out / "specialisation.csv").filter(
        (pl.col("year") == 2020) & (pl.col("region") == "city")
    )
    assert spec["lq"].to_list() == pytest.approx([0.6, 0.9, 1.5])
    cagr = pl.read_csv(out / "cagr.csv").filter(pl.col("region") == "city")
    assert cagr["cagr"][0] == pytest.approx(1.2**0.5 - 1)
    ss = pl.read_csv(out / "shift_share.csv").filter(
        (pl.col("region") == "city") & (pl.col("industry") == "y")
    )
    # G = 350/300 - 1 = 1/6; G_y = 115/100 - 1 = 0.15: CE = 45 - 30 * 1.15 = 10.5
    assert ss["competitive"][0] == pytest.approx(10.5)
    conc = pl.read_csv(out / "concentration.csv").filter(pl.col("year") == 2020)
    assert conc["hhi"].to_list() == pytest.approx([0.38, 0.345])


def test_specialise_one_region_names_it_and_writes_nothing(tmp_path: Path) -> None:
    """With one region the Krugman index has no "rest of the regions" (audit D, bug 9): the
    error names the region, not an array position, and --out holds no file afterwards, so the
    corrected run needs no --force."""
    src = tmp_path / "one.csv"
    src.write_text("region,industry,year,value\n长沙,x,2020,10\n长沙,y,2020,5\n", encoding="utf-8")
    out = tmp_path / "o"
    result = run("specialise", str(src), "--out", str(out))
    assert result.exit_code != 0
    text = " ".join(result.output.split())
    assert "长沙" in text and "至少提供两个地区" in text and "give at least two regions" in text
    assert "位置" not in text and "position" not in text
    assert not out.exists() or not any(out.iterdir())
    src.write_text(
        "region,industry,year,value\n长沙,x,2020,10\n长沙,y,2020,5\n株洲,x,2020,1\n株洲,y,2020,4\n",
        encoding="utf-8",
    )
    again = run("specialise", str(src), "--out", str(out))
    assert again.exit_code == 0, again.output
    assert (out / "specialisation.csv").exists() and (out / "concentration.csv").exists()


def test_outputs_write_zero_not_negative_zero(tmp_path: Path) -> None:
    """B's industry z grows from 0 to 5: its industry-mix term is 0 x (g_z - G) = 0 exactly;
    and in a complexity result the COG of many cells is exactly 0. The CSV files say 0.0, never
    -0.0 (audit D, bug 9)."""
    rows = [
        ("A", "x", 2020, 10), ("A", "y", 2020, 20), ("A", "z", 2020, 30),
        ("B", "x", 2020, 40), ("B", "y", 2020, 10), ("B", "z", 2020, 0),
        ("A", "x", 2023, 15), ("A", "y", 2023, 25), ("A", "z", 2023, 20),
        ("B", "x", 2023, 50), ("B", "y", 2023, 5), ("B", "z", 2023, 5),
    ]  # fmt: skip
    pl.DataFrame(rows, schema=["region", "industry", "year", "value"], orient="row").write_csv(
        tmp_path / "in.csv"
    )
    result = run("specialise", str(tmp_path / "in.csv"), "--out", str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    text = (tmp_path / "s" / "shift_share.csv").read_text(encoding="utf-8")
    bz = next(line for line in text.splitlines() if line.startswith("B,z,"))
    assert bz.split(",")[8] == "0.0"  # industry_mix
    # a 6 x 7 matrix whose exactly-zero COGs numpy computes as -0.0 (audit D's example)
    x = np.array(
        [
            [243.0, 27.0, 54.0, 72.0, 54.0, 240.0, 52.2],
            [58.0, 4.0, 10.0, 33.0, 43.0, 62.0, 9.6],
            [27.0, 16.0, 69.0, 73.0, 4.0, 12.0, 9.0],
            [39.0, 88.0, 52.0, 42.0, 43.0, 66.0, 11.8],
            [18.0, 74.0, 75.0, 95.0, 78.0, 29.0, 6.4],
            [260.0, 260.0, 276.0, 87.0, 29.0, 93.0, 0.2],
        ]
    )
    write_long(tmp_path / "cx.csv", x, [f"r{i}" for i in range(6)], [f"p{j}" for j in range(7)])
    result = run("complexity", str(tmp_path / "cx.csv"), "--out", str(tmp_path / "c"))
    assert result.exit_code == 0, result.output
    for folder in ("s", "c"):
        for path in (tmp_path / folder).glob("*.csv"):
            cells = path.read_text(encoding="utf-8").replace("\n", ",").split(",")
            assert "-0.0" not in cells and "-0" not in cells, path.name
    cog = pl.read_csv(tmp_path / "c" / "cells.csv")["cog"]
    assert (cog == 0).any()  # there are zero COGs to write


def test_specialise_bad_year(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_text("region,industry,year,value\na,x,20x0,1\n", encoding="utf-8")
    result = run("specialise", str(tmp_path / "in.csv"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "column year" in result.output


# --------------------------------------------------------------------------- linkages
def test_linkages_miller_blair(tmp_path: Path) -> None:
    # Miller & Blair (2009), section 2.3: Z = [[150, 500], [200, 100]], f = [350, 1700].
    (tmp_path / "z.csv").write_text(
        "row_sector,col_sector,value\n1,1,150\n1,2,500\n2,1,200\n2,2,100\n", encoding="utf-8"
    )
    (tmp_path / "y.csv").write_text("sector,value\n1,350\n2,1700\n", encoding="utf-8")
    result = run(
        "linkages",
        "--flows",
        str(tmp_path / "z.csv"),
        "--final-demand",
        str(tmp_path / "y.csv"),
        "--out",
        str(tmp_path / "o"),
    )
    assert result.exit_code == 0, result.output
    lin = pl.read_csv(tmp_path / "o" / "linkages.csv", schema_overrides={"sector": pl.String})
    assert lin.columns == [
        "sector",
        "output_multiplier",
        "backward_linkage",
        "forward_linkage",
        "key_sector",
    ]
    # Output multipliers 1.15/0.7575 = 1.5182 and 1.10/0.7575 = 1.4521
    assert lin["output_multiplier"].to_list() == pytest.approx([1.15 / 0.7575, 1.10 / 0.7575])
    assert lin["key_sector"].to_list() == ["key", "weak"]
    leontief = pl.read_csv(tmp_path / "o" / "L.csv")
    assert leontief.columns == ["row_sector", "col_sector", "value"]
    assert leontief["value"].to_list() == pytest.approx(
        [0.95 / 0.7575, 0.25 / 0.7575, 0.2 / 0.7575, 0.85 / 0.7575]
    )
    for name in ("A", "B", "G"):
        assert (tmp_path / "o" / f"{name}.csv").exists()


def test_linkages_multiregional_pymrio(tmp_path: Path) -> None:
    import pymrio

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mrio = pymrio.load_test()
    zdf, ydf = mrio.Z.copy(), mrio.Y.copy()
    zdf.index.names = ydf.index.names = ["row_region", "row_sector"]
    zdf.columns.names = ["col_region", "col_sector"]
    ydf.columns.names = ["col_region", "category"]
    zdf.stack(level=[0, 1], future_stack=True).rename("value").reset_index().to_csv(
        tmp_path / "z.csv", index=False
    )
    ydf.stack(level=[0, 1], future_stack=True).rename("value").reset_index().to_csv(
        tmp_path / "y.csv", index=False
    )
    result = run(
        "linkages",
        "--flows",
        str(tmp_path / "z.csv"),
        "--final-demand",
        str(tmp_path / "y.csv"),
        "--out",
        str(tmp_path / "o"),
    )
    assert result.exit_code == 0, result.output
    lin = pl.read_csv(tmp_path / "o" / "linkages.csv")
    assert lin.columns[:2] == ["region", "sector"] and lin.height == 48
    x = pymrio.calc_x(mrio.Z, mrio.Y).to_numpy().ravel()
    leontief = pymrio.calc_L(pymrio.calc_A(mrio.Z, x).to_numpy())
    np.testing.assert_allclose(lin["output_multiplier"].to_numpy(), leontief.sum(axis=0), rtol=1e-9)
    big_l = pl.read_csv(tmp_path / "o" / "L.csv")
    assert big_l.columns == ["row_region", "row_sector", "col_region", "col_sector", "value"]


def test_linkages_singular_table_is_a_clear_error(tmp_path: Path) -> None:
    # Sector 2 only buys from itself and has no final demand: a_22 = 1, I - A is singular.
    (tmp_path / "z.csv").write_text(
        "row_sector,col_sector,value\n1,1,0\n1,2,0\n2,1,0\n2,2,5\n", encoding="utf-8"
    )
    (tmp_path / "y.csv").write_text("sector,value\n1,1\n2,0\n", encoding="utf-8")
    result = run(
        "linkages",
        "--flows",
        str(tmp_path / "z.csv"),
        "--final-demand",
        str(tmp_path / "y.csv"),
        "--out",
        str(tmp_path / "o"),
    )
    assert result.exit_code == 2 and "singular" in result.output


def test_complexity_reads_gb18030_csv_from_chinese_excel(tmp_path: Path) -> None:
    # Excel on Chinese Windows saves CSV in GBK/GB18030: the labels must survive.
    x, _regs, inds = generated(20, 30, seed=6)
    regs = ["长沙"] + [f"城市{i}" for i in range(1, 20)]
    c, p = x.shape
    text = "region,industry,value\n" + "".join(
        f"{regs[i]},{inds[j]},{x[i, j]}\n" for i in range(c) for j in range(p)
    )
    (tmp_path / "gbk.csv").write_bytes(text.encode("gb18030"))
    result = run("complexity", str(tmp_path / "gbk.csv"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert "长沙" in pl.read_csv(tmp_path / "o" / "regions.csv")["region"].to_list()


def test_undecodable_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_bytes(b"region,industry,value\n\xff\xfe,x,1\n")
    result = run("complexity", str(tmp_path / "bad.csv"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "GB18030" in result.output
    assert "Traceback" not in result.output


def test_complexity_year_column(tmp_path: Path) -> None:
    x, regs, inds = generated(20, 30, seed=6)
    c, p = x.shape
    one = pl.DataFrame(
        {"region": np.repeat(regs, p), "industry": np.tile(inds, c), "value": x.ravel()}
    )
    both = pl.concat(
        [
            one.with_columns(pl.lit(2022).alias("year")),
            one.with_columns(pl.lit(2023).alias("year"), pl.col("value") * 2),
        ]
    )
    both.write_csv(tmp_path / "in.csv")
    result = run("complexity", str(tmp_path / "in.csv"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "--year" in result.output
    result = run(
        "complexity", str(tmp_path / "in.csv"), "--out", str(tmp_path / "o"), "--year", "2023"
    )
    assert result.exit_code == 0, result.output
    # Doubling every value leaves RCA, and so everything else, unchanged.
    one.write_csv(tmp_path / "one.csv")
    assert run("complexity", str(tmp_path / "one.csv"), "--out", str(tmp_path / "p")).exit_code == 0
    a = pl.read_csv(tmp_path / "o" / "regions.csv")["eci"].to_numpy()
    b = pl.read_csv(tmp_path / "p" / "regions.csv")["eci"].to_numpy()
    np.testing.assert_allclose(a, b, atol=1e-12)
    result = run(
        "complexity", str(tmp_path / "in.csv"), "--out", str(tmp_path / "q"), "--year", "2030"
    )
    assert result.exit_code == 2 and "no rows for 2030" in result.output
