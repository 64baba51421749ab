"""The reduction engine: heavy queries written once in Narwhals, run on Polars, DuckDB or Spark.

A city's own data fits in memory; the national enterprise registry (tens of millions of firms)
and province- or nation-wide panels do not. The reductions here are written against Narwhals'
lazy API, so one definition runs

* on **Polars** (the embedded default: lazy scans, streaming collection, bounded memory),
* on **DuckDB** (an embedded SQL engine; out-of-core aggregation),
* on **PySpark** (any Spark cluster; a local session in tests) when ``pyspark`` is installed.

The backend is chosen by ``--engine`` or the ``GAODI_ENGINE`` setting. Results are collected
into Polars DataFrames for the pure analytics (:mod:`gaodi.analytics`) and for writing.
"""

from __future__ import annotations

from gaodi.engine.backends import BACKENDS, Backend, backend_of, collect, scan

__all__ = ["BACKENDS", "Backend", "backend_of", "collect", "scan"]
