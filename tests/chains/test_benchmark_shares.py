"""Peer and national benchmark shares do not depend on the order a set of industry codes is
walked: that order changes with each process's string hashing (PYTHONHASHSEED), and plain float
sums in another order differed in the last digit — enough to move a share on a weak/strong line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction

from gaodi.chains.benchmarks import link_shares

# 0.1 + 0.2 + 0.3 is 0.6000000000000001 in that order and 0.6 in another
OUTPUT = {f"C{i:02d}": v for i, v in enumerate([0.1, 0.2, 0.3, 1e-3, 7.7, 0.07, 123.456])}
GROUPS = {1: set(OUTPUT), 2: {"C00", "C01", "C02"}, 3: {"C02", "C05"}, 4: set()}


def _exact(codes: set[str]) -> float:
    """The correctly rounded sum (the definition, by rationals)."""
    return float(sum((Fraction(OUTPUT[c]) for c in codes), Fraction(0)))


def test_each_share_is_the_exact_sum_over_the_exact_total() -> None:
    got = link_shares(OUTPUT, GROUPS)
    assert got is not None
    total = _exact(set(OUTPUT))
    assert got == {lid: _exact(gs) / total for lid, gs in GROUPS.items() if gs}
    assert 4 not in got  # a link with no industry has no share


def test_the_shares_are_the_same_under_every_hash_seed() -> None:
    script = (
        "import json; from tests.chains.test_benchmark_shares import OUTPUT, GROUPS;"
        "from gaodi.chains.benchmarks import link_shares;"
        "print(json.dumps({k: v.hex() for k, v in link_shares(OUTPUT, GROUPS).items()}))"
    )
    seen = set()
    for seed in range(8):
        env = {**os.environ, "PYTHONHASHSEED": str(seed)}
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
        )
        seen.add(done.stdout.strip())
    assert len(seen) == 1, seen
    here = link_shares(OUTPUT, GROUPS)
    assert here is not None
    assert json.loads(seen.pop()) == {str(k): v.hex() for k, v in here.items()}


def test_no_output_in_the_chains_industries_is_none() -> None:
    assert link_shares({"C00": 0.0}, {1: {"C00"}}) is None
    assert link_shares({}, {}) is None
