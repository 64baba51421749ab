"""Benchmark: gaodi's economic complexity against Harvard Growth Lab's ``ecomplexity``.

Same generated inputs (regions x industries: 60x200, 300x1000 and, with ``--large``,
1000x5000), same results checked (to 1e-8), speed and peak memory compared:

* **in-process**: a long table already in memory to every result in memory: ``gaodi``'s
  ``complexity_table`` (regions, industries, cells and the full proximity table) against
  ``ecomplexity.ecomplexity`` + ``ecomplexity.proximity`` on a pandas frame. Each side runs in
  a fresh child Python; time is the call only, memory is the call's tracemalloc peak (numpy
  and Python objects; Polars' own buffers are invisible to it) and the child's peak RSS
  (which includes the input frame and the imports).
* **whole process**: CSV in, CSV out (regions.csv, industries.csv, cells.csv, proximity.csv):
  ``gaodi regions complexity`` against a small script that reads the CSV with pandas, runs
  ``ecomplexity`` and ``proximity`` and writes the same four files with pandas. Wall time and
  peak RSS of the child process (``resource.getrusage(RUSAGE_CHILDREN)`` in a fresh launcher).

Run: ``.venv/bin/python benchmarks/complexity.py [--large]``. ecomplexity at 1000x5000 takes
minutes and several GiB.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np
import polars as pl

SIZES = [(60, 200), (300, 1000)]
LARGE = (1000, 5000)
HERE = Path(__file__).resolve().parent
GAODI = Path(sys.executable).with_name("gaodi")

LAUNCHER = textwrap.dedent("""
    import json, resource, subprocess, sys, time
    t = time.perf_counter()
    r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"rc": r.returncode, "wall": wall, "maxrss_kib": rss,
                      "stderr": r.stderr.decode()[-2000:]}))
""")

ECOMPLEXITY_CLI = textwrap.dedent("""
    # CSV in, CSV out with ecomplexity 0.5 (the baseline of benchmarks/complexity.py).
    import sys, warnings
    from pathlib import Path
    import pandas as pd
    from ecomplexity import ecomplexity, proximity
    warnings.simplefilter("ignore")
    src, out = sys.argv[1], Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    df = pd.read_csv(src, dtype={"region": str, "industry": str})
    df["year"] = 0
    cols = {"time": "year", "loc": "region", "prod": "industry", "val": "value"}
    r = ecomplexity(df, cols, verbose=False, check_logsupermodularity=False)
    r.groupby("region", sort=True)[["diversity", "eci", "coi"]].first().reset_index().to_csv(
        out / "regions.csv", index=False)
    r.groupby("industry", sort=True)[["ubiquity", "pci"]].first().reset_index().to_csv(
        out / "industries.csv", index=False)
    r[["region", "industry", "rca", "mcp", "density", "cog"]].to_csv(out / "cells.csv",
                                                                     index=False)
    p = proximity(df, cols)
    p[["industry_1", "industry_2", "proximity"]].to_csv(out / "proximity.csv", index=False)
""")

IN_PROCESS = textwrap.dedent("""
    import json, resource, sys, time, tracemalloc, warnings
    import numpy as np
    which, path = sys.argv[1], sys.argv[2]
    x = np.load(path)
    c, p = x.shape
    regs = np.array([f"r{i:04d}" for i in range(c)])
    inds = np.array([f"p{i:05d}" for i in range(p)])
    warnings.simplefilter("ignore")
    if which == "gaodi":
        import polars as pl
        from gaodi.analytics.complexity import complexity_table
        df = pl.DataFrame({"region": np.repeat(regs, p), "industry": np.tile(inds, c),
                           "value": x.ravel()})
        del x
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        t = time.perf_counter()
        out = complexity_table(df)
        wall = time.perf_counter() - t
    else:
        import pandas as pd
        from ecomplexity import ecomplexity, proximity
        df = pd.DataFrame({"year": 0, "region": np.repeat(regs, p),
                           "industry": np.tile(inds, c), "value": x.ravel()})
        del x
        cols = {"time": "year", "loc": "region", "prod": "industry", "val": "value"}
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        t = time.perf_counter()
        import contextlib, io
        with contextlib.redirect_stdout(io.StringIO()):
            out = (ecomplexity(df, cols, verbose=False, check_logsupermodularity=False),
                   proximity(df, cols))
        wall = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"wall": wall, "tracemalloc_peak": peak, "maxrss_kib": rss,
                      "maxrss_before_kib": rss0}))
""")


def generate(c: int, p: int, seed: int) -> np.ndarray:
    """Log-normal values, about 30 % of pairs zero, rounded to 3 decimals."""
    rng = np.random.default_rng(seed)
    return np.round(rng.lognormal(0.0, 2.0, size=(c, p)) * (rng.random((c, p)) < 0.7), 3)


def write_csv(x: np.ndarray, path: Path) -> None:
    c, p = x.shape
    pl.DataFrame(
        {
            "region": np.repeat([f"r{i:04d}" for i in range(c)], p),
            "industry": np.tile([f"p{i:05d}" for i in range(p)], c),
            "value": x.ravel(),
        }
    ).write_csv(path)


def child(script: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def whole_process(cmd: list[str]) -> dict:
    res = child(LAUNCHER, *cmd)
    if res["rc"] != 0:
        raise RuntimeError(res["stderr"])
    return res


def compare_outputs(ours: Path, theirs: Path) -> float:
    """Largest absolute difference over every value of the four files."""
    worst = 0.0
    keys = {
        "regions.csv": ["region"],
        "industries.csv": ["industry"],
        "cells.csv": ["region", "industry"],
        "proximity.csv": ["industry_1", "industry_2"],
    }
    for name, on in keys.items():
        a = pl.read_csv(ours / name, schema_overrides=dict.fromkeys(on, pl.String))
        b = pl.read_csv(theirs / name, schema_overrides=dict.fromkeys(on, pl.String))
        if a.height != b.height:
            raise AssertionError(f"{name}: {a.height} rows against {b.height}")
        j = a.join(b, on=on, suffix="_ref")
        if j.height != a.height:
            raise AssertionError(f"{name}: keys differ")
        for col in a.columns:
            if col in on:
                continue
            diff = float((j[col].cast(pl.Float64) - j[f"{col}_ref"].cast(pl.Float64)).abs().max())
            worst = max(worst, diff)
    return worst


def run(sizes: list[tuple[int, int]], seed: int) -> list[dict]:
    rows = []
    for c, p in sizes:
        work = Path(tempfile.mkdtemp(prefix=f"gaodi-bench-{c}x{p}-"))
        try:
            x = generate(c, p, seed)
            np.save(work / "x.npy", x)
            write_csv(x, work / "in.csv")
            print(f"{c}x{p}: in-process gaodi ...", flush=True)
            ig = child(IN_PROCESS, "gaodi", str(work / "x.npy"))
            print(f"{c}x{p}: in-process ecomplexity ...", flush=True)
            ie = child(IN_PROCESS, "ecomplexity", str(work / "x.npy"))
            print(f"{c}x{p}: whole process gaodi ...", flush=True)
            pg = whole_process(
                [
                    str(GAODI),
                    "regions",
                    "complexity",
                    str(work / "in.csv"),
                    "--out",
                    str(work / "gaodi"),
                ]
            )
            script = work / "ecomplexity_cli.py"
            script.write_text(ECOMPLEXITY_CLI, encoding="utf-8")
            print(f"{c}x{p}: whole process ecomplexity ...", flush=True)
            pe = whole_process(
                [sys.executable, str(script), str(work / "in.csv"), str(work / "ecx")]
            )
            diff = compare_outputs(work / "gaodi", work / "ecx")
            if diff > 1e-8:
                raise AssertionError(f"{c}x{p}: results differ by {diff}")
            rows.append(
                {
                    "size": f"{c}x{p}",
                    "rows": c * p,
                    "ig": ig,
                    "ie": ie,
                    "pg": pg,
                    "pe": pe,
                    "diff": diff,
                }
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return rows


def print_table(rows: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="gaodi vs ecomplexity 0.5 (same inputs; results agree to max |diff|)")
    for col in (
        "size",
        "in-proc time g / e",
        "speed×",
        "tracemalloc peak g / e",
        "mem×",
        "in-proc max RSS g / e",
        "mem×",
        "process time g / e",
        "speed×",
        "process max RSS g / e",
        "mem×",
        "max |diff|",
    ):
        table.add_column(col, justify="right")
    mib = 1024 * 1024
    for r in rows:
        ig, ie, pg, pe = r["ig"], r["ie"], r["pg"], r["pe"]
        table.add_row(
            r["size"],
            f"{ig['wall']:.2f} / {ie['wall']:.2f} s",
            f"{ie['wall'] / ig['wall']:.1f}",
            f"{ig['tracemalloc_peak'] / mib:.0f} / {ie['tracemalloc_peak'] / mib:.0f} MiB",
            f"{ie['tracemalloc_peak'] / ig['tracemalloc_peak']:.1f}",
            f"{ig['maxrss_kib'] / 1024:.0f} / {ie['maxrss_kib'] / 1024:.0f} MiB",
            f"{ie['maxrss_kib'] / ig['maxrss_kib']:.1f}",
            f"{pg['wall']:.2f} / {pe['wall']:.2f} s",
            f"{pe['wall'] / pg['wall']:.1f}",
            f"{pg['maxrss_kib'] / 1024:.0f} / {pe['maxrss_kib'] / 1024:.0f} MiB",
            f"{pe['maxrss_kib'] / pg['maxrss_kib']:.1f}",
            f"{r['diff']:.1e}",
        )
    Console(width=200).print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also run 1000x5000 (slow)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the raw measurements here")
    parser.add_argument("--from-json", type=Path, help="print the table of an earlier run")
    args = parser.parse_args()
    if args.from_json:
        print_table(json.loads(args.from_json.read_text(encoding="utf-8")))
        return
    sizes = SIZES + ([LARGE] if args.large else [])
    rows = run(sizes, args.seed)
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
