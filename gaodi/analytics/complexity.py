"""Economic complexity with exactly the conventions of Harvard Growth Lab's ``ecomplexity``.

Every quantity here reproduces the Python package ``ecomplexity`` 0.5.x
(``ecomplexity.ecomplexity(data, cols, presence_test="rca")`` and
``ecomplexity.proximity``), to floating-point accuracy, on one year of a region x industry
table. The conventions (each restated in the function docstrings):

* **RCA** (Balassa): ``RCA_cp = (X_cp / X_c) / (X_p / X)``, computed in float64 in the same
  operation order as ``ecomplexity`` so that ties at the threshold fall the same way.
* **Presence** ``M_cp = 1`` if ``RCA_cp >= 1`` (the threshold is inclusive).
* **Diversity** ``k_c0 = sum_p M_cp``; **ubiquity** ``k_p0 = sum_c M_cp``.
* **ECI / PCI**: the eigenvector of ``M_pp = U^-1 M^T D^-1 M`` for its *second largest*
  eigenvalue gives ``K_p``; ``K_c = D^-1 M K_p``. The sign is chosen so that ECI correlates
  positively with diversity. Both are standardised with ECI's mean and *population* standard
  deviation: ``ECI = (K_c - mean(K_c)) / std(K_c)``, ``PCI = (K_p - mean(K_c)) / std(K_c)``.
* **Proximity** ``phi_pp' = min(P(M_p | M_p'), P(M_p' | M_p)) = C_pp' / max(k_p0, k_p'0)`` with
  ``C = M^T M``; the diagonal is 1.
* **Density** ``w_cp = sum_p' M_cp' phi_pp' / sum_p' phi_pp'``; the sums include ``p' = p``.
* **COI** ``sum_p w_cp (1 - M_cp) K_p`` with the *unstandardised* signed eigenvector ``K_p``,
  then standardised with its own mean and population standard deviation.
* **COG** ``(1 - M_cp) sum_p' (1 - M_cp') phi_pp' K_p' / sum_p'' phi_p'p''``, divided by
  ``std(K_c)`` (not centred).

Where ``ecomplexity`` would return NaN (a region or industry with zero total, a region with no
``M = 1``, an industry no region specialises in, a network that splits into disconnected
blocks, a repeated second eigenvalue, diversity equal everywhere so the sign is undefined, a
constant COI), these functions raise :class:`~gaodi.core.errors.DataError` instead. Regions and
industries whose total is zero can be dropped explicitly (``drop_empty=True``), which is what
``ecomplexity`` does silently.

The linear algebra differs from ``ecomplexity`` (which calls ``numpy.linalg.eig`` on the dense
``P x P`` matrix ``M_pp`` and multiplies integer matrices): the second eigenvector is taken from
the symmetric matrix ``D^-1/2 M U^-1 M^T D^-1/2`` (or its product-side twin, whichever is
smaller) with LAPACK's ``syevr`` restricted to the top three eigenvalues, and the co-occurrence
counts ``M^T M`` are exact integer products computed in single precision. Results agree with
``ecomplexity`` to about ``1e-12`` on well-conditioned data (tests check ``1e-8``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
import scipy.linalg
import scipy.sparse
from numpy.typing import NDArray
from scipy.sparse.csgraph import connected_components

from gaodi.analytics.regional_tables import INPUT_TABLE, as_polars
from gaodi.core import words
from gaodi.core.errors import DataError

__all__ = [
    "Complexity",
    "ComplexityTables",
    "complexity",
    "complexity_table",
    "density",
    "drop_empty",
    "presence",
    "proximity",
    "rca",
    "to_matrix",
]

FloatArray = NDArray[np.float64]

#: Below this gap between the second and third eigenvalue the ECI eigenvector is not unique.
EIGEN_GAP_TOLERANCE = 1e-9
#: Below this |corr(diversity, K_c)| the sign of ECI is decided by rounding noise: an error.
SIGN_CORRELATION_TOLERANCE = 1e-10
#: 1 - lambda_2 below this means the network is split into blocks (lambda = 1 repeated).
DISCONNECTED_TOLERANCE = 1e-10


# --------------------------------------------------------------------------- validation
def _check_matrix(x: Any) -> FloatArray:
    arr = np.ascontiguousarray(x, dtype=np.float64)
    if arr.ndim != 2:
        raise words.error("complexity.not_two_dimensional", DataError)
    if arr.shape[0] < 2 or arr.shape[1] < 2:
        raise words.error(
            "complexity.too_small", DataError, regions=arr.shape[0], industries=arr.shape[1]
        )
    if not np.isfinite(arr).all():
        raise words.error("complexity.not_finite", DataError)
    if (arr < 0).any():
        raise words.error("complexity.negative", DataError)
    return arr


def _empty_positions(arr: FloatArray) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    return np.flatnonzero(arr.sum(axis=1) == 0), np.flatnonzero(arr.sum(axis=0) == 0)


def _labels(labels: Any, n: int, mismatch: str) -> list[str]:
    """``labels`` as text, or 0..n-1; ``mismatch`` is the code raised on a wrong count."""
    if labels is None:
        return [str(i) for i in range(n)]
    out = [str(v) for v in labels]
    if len(out) != n:
        raise words.error(mismatch, DataError)
    return out


def drop_empty(
    x: Any, regions: Any = None, industries: Any = None
) -> tuple[FloatArray, list[str], list[str], list[str], list[str]]:
    """Drop regions and industries whose total is zero, as ``ecomplexity`` does.

    Returns
    -------
    tuple
        ``(matrix, kept_regions, kept_industries, dropped_regions, dropped_industries)``.

    Examples
    --------
    >>> m, r, i, dr, di = drop_empty([[1, 0, 2], [0, 0, 0], [3, 0, 1]], ["a", "b", "c"],
    ...                              ["x", "y", "z"])
    >>> m.tolist(), r, i, dr, di
    ([[1.0, 2.0], [3.0, 1.0]], ['a', 'c'], ['x', 'z'], ['b'], ['y'])
    """
    arr = np.ascontiguousarray(x, dtype=np.float64)
    reg = _labels(regions, arr.shape[0], "complexity.region_labels_mismatch")
    ind = _labels(industries, arr.shape[1], "complexity.industry_labels_mismatch")
    keep_r = arr.sum(axis=1) != 0
    keep_p = arr.sum(axis=0) != 0
    out = np.ascontiguousarray(arr[keep_r][:, keep_p])
    return (
        out,
        [r for r, k in zip(reg, keep_r, strict=True) if k],
        [p for p, k in zip(ind, keep_p, strict=True) if k],
        [r for r, k in zip(reg, keep_r, strict=True) if not k],
        [p for p, k in zip(ind, keep_p, strict=True) if not k],
    )


# --------------------------------------------------------------------------- building blocks
def rca(x: Any) -> FloatArray:
    """Balassa revealed comparative advantage of every region in every industry.

    Parameters
    ----------
    x : array_like, shape (C, P)
        Non-negative values (exports, output, employment) of region ``c`` in industry ``p``.
        Every region and every industry must have a positive total.

    Returns
    -------
    numpy.ndarray, shape (C, P)

    Notes
    -----
    ``RCA_cp = (X_cp / sum_p X_cp) / (sum_c X_cp / sum_cp X_cp)``. The float operations follow
    ``ecomplexity`` 0.5 (``ComplexityData.calculate_rca``) in order: row shares first, then the
    industry's world share with the world total taken as the sum of industry totals, so that
    ties at ``RCA = 1`` are decided identically.

    References
    ----------
    Balassa, B. (1965). Trade liberalisation and "revealed" comparative advantage.
    *The Manchester School*, 33(2), 99-123.

    Examples
    --------
    >>> rca([[1, 1], [3, 1]]).round(4).tolist()
    [[0.75, 1.5], [1.125, 0.75]]
    """
    arr = _check_matrix(x)
    empty_r, empty_p = _empty_positions(arr)
    if empty_r.size or empty_p.size:
        raise words.error(
            "complexity.zero_totals",
            DataError,
            context={"empty_regions": empty_r.tolist(), "empty_industries": empty_p.tolist()},
        )
    return _rca_unchecked(arr)


def _rca_unchecked(arr: FloatArray) -> FloatArray:
    num = arr / np.sum(arr, axis=1)[:, np.newaxis]
    loc_total = np.sum(arr, axis=0)[np.newaxis, :]
    world_total = np.sum(loc_total, axis=1)[:, np.newaxis]
    out: FloatArray = num / (loc_total / world_total)
    return out


def presence(rca_matrix: Any, threshold: float = 1.0) -> FloatArray:
    """Binary presence ``M_cp = 1 if RCA_cp >= threshold else 0`` (threshold inclusive).

    Examples
    --------
    >>> presence([[0.5, 1.0], [2.0, 0.99]]).tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    return (np.asarray(rca_matrix, dtype=np.float64) >= threshold).astype(np.float64)


def proximity(m: Any) -> FloatArray:
    """Industry proximity: the smaller of the two conditional probabilities of co-presence.

    Parameters
    ----------
    m : array_like of 0/1, shape (C, P)
        Presence matrix ``M``. Every industry must be present somewhere (``k_p0 > 0``).

    Returns
    -------
    numpy.ndarray, shape (P, P)
        Symmetric; the diagonal is 1.

    Notes
    -----
    ``phi_pp' = min(C_pp' / k_p'0, C_pp' / k_p0) = C_pp' / max(k_p0, k_p'0)`` with
    ``C = M^T M`` (``ecomplexity.calc_proximity.calc_discrete_proximity``, symmetric form).
    The division by the larger ubiquity is the same correctly rounded float operation as the
    minimum of the two quotients, so results are bitwise those of ``ecomplexity``.

    References
    ----------
    Hidalgo, C. A., Klinger, B., Barabási, A.-L., & Hausmann, R. (2007). The product space
    conditions the development of nations. *Science*, 317(5837), 482-487.

    Examples
    --------
    >>> proximity([[1, 1, 0], [1, 0, 1], [1, 1, 1]]).round(4).tolist()
    [[1.0, 0.6667, 0.6667], [0.6667, 1.0, 0.5], [0.6667, 0.5, 1.0]]
    """
    mm = np.ascontiguousarray(m, dtype=np.float64)
    ubiquity = mm.sum(axis=0)
    if (ubiquity == 0).any():
        raise words.error(
            "complexity.proximity_undefined",
            DataError,
            context={"industries": np.flatnonzero(ubiquity == 0).tolist()},
        )
    return _proximity_unchecked(mm, ubiquity)


def _proximity_unchecked(mm: FloatArray, ubiquity: FloatArray) -> FloatArray:
    # Co-occurrence counts are integers <= C: exact in float32 while C < 2**24.
    if mm.shape[0] < 2**24:
        m32 = mm.astype(np.float32)
        co = (m32.T @ m32).astype(np.float64)
        del m32
    else:  # pragma: no cover - more than 16 million regions
        co = mm.T @ mm
    step = max(1, 4_000_000 // max(1, co.shape[1]))
    for start in range(0, co.shape[0], step):
        stop = min(start + step, co.shape[0])
        co[start:stop] /= np.maximum(ubiquity[start:stop, np.newaxis], ubiquity[np.newaxis, :])
    return co


def density(m: Any, phi: Any) -> FloatArray:
    """Density of the industries around ``p`` that region ``c`` already has.

    Notes
    -----
    ``w_cp = sum_p' M_cp' phi_pp' / sum_p' phi_pp'`` where both sums run over every industry,
    ``p`` itself included (``ecomplexity.calc_density.calc_density`` with ``knn=None``).
    Distance is ``1 - w_cp``.

    References
    ----------
    Hidalgo et al. (2007), *Science* 317(5837); Hausmann, R., Hidalgo, C. A. et al. (2014).
    *The Atlas of Economic Complexity*. MIT Press.

    Examples
    --------
    >>> m = [[1, 1, 0], [1, 0, 1], [1, 1, 1]]
    >>> density(m, proximity(m)).round(4).tolist()
    [[0.7143, 0.7692, 0.5385], [0.7143, 0.5385, 0.7692], [1.0, 1.0, 1.0]]
    """
    phi_arr = np.asarray(phi, dtype=np.float64)
    out: FloatArray = (np.asarray(m, dtype=np.float64) @ phi_arr) / phi_arr.sum(axis=1)
    return out


# --------------------------------------------------------------------------- full computation
@dataclass(frozen=True)
class Complexity:
    """Every complexity measure for one year; arrays are indexed like ``regions`` and
    ``industries`` (sorted labels when built from a table)."""

    regions: list[str]
    industries: list[str]
    rca: FloatArray
    mcp: FloatArray
    diversity: FloatArray
    ubiquity: FloatArray
    eci: FloatArray
    pci: FloatArray
    proximity: FloatArray
    density: FloatArray
    coi: FloatArray
    cog: FloatArray
    eigenvalues: FloatArray
    dropped_regions: list[str] = field(default_factory=list)
    dropped_industries: list[str] = field(default_factory=list)

    @property
    def distance(self) -> FloatArray:
        """``1 - density``."""
        out: FloatArray = 1.0 - self.density
        return out


def _check_network(mm: FloatArray, regions: list[str], industries: list[str]) -> None:
    diversity = mm.sum(axis=1)
    ubiquity = mm.sum(axis=0)
    if (diversity == 0).any():
        bad = [regions[i] for i in np.flatnonzero(diversity == 0)]
        raise words.error(
            "complexity.zero_diversity",
            DataError,
            context={"regions": bad},
            names=", ".join(bad[:10]),
        )
    if (ubiquity == 0).any():
        bad = [industries[i] for i in np.flatnonzero(ubiquity == 0)]
        raise words.error(
            "complexity.zero_ubiquity",
            DataError,
            context={"industries": bad},
            names=", ".join(bad[:10]),
        )


def _raise_disconnected(mm: FloatArray, regions: list[str], industries: list[str]) -> None:
    """Name the blocks of a region-industry network that is not connected (error path)."""
    c = mm.shape[0]
    sp = scipy.sparse.csr_matrix(mm)
    graph = scipy.sparse.bmat([[None, sp], [sp.T, None]])
    n_blocks, labels = connected_components(graph, directed=False)
    if n_blocks == 1:
        raise words.error("complexity.nearly_split", DataError)
    sizes = np.bincount(labels)
    small = [b for b in np.argsort(sizes) if b != np.argmax(sizes)][:5]
    blocks = [
        [regions[i] for i in np.flatnonzero(labels[:c] == b)][:5]
        + [industries[j] for j in np.flatnonzero(labels[c:] == b)][:5]
        for b in small
    ]
    shown = "; ".join(", ".join(b) for b in blocks)
    raise words.error(
        "complexity.split",
        DataError,
        context={"blocks": blocks},
        n=n_blocks,
        shown=shown,
    )


def _eci_pci(
    mm: FloatArray,
    diversity: FloatArray,
    ubiquity: FloatArray,
    regions: list[str],
    industries: list[str],
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Signed, unstandardised ``(K_c, K_p, top eigenvalues)``."""
    c, p = mm.shape
    sd, su = np.sqrt(diversity), np.sqrt(ubiquity)
    if c <= p:
        b = mm / su[np.newaxis, :]
        gram = b @ b.T
        gram /= sd[:, np.newaxis]
        gram /= sd[np.newaxis, :]
    else:
        b = mm / sd[:, np.newaxis]
        gram = b.T @ b
        gram /= su[:, np.newaxis]
        gram /= su[np.newaxis, :]
    del b
    n = gram.shape[0]
    lo = max(0, n - 3)
    vals, vecs = scipy.linalg.eigh(
        gram, subset_by_index=[lo, n - 1], overwrite_a=True, check_finite=False
    )
    lam2 = vals[-2]
    # The top eigenvalue is 1; it is repeated exactly when the bipartite graph of M is not
    # connected (one eigenvalue 1 per block).
    if vals[-1] - lam2 < DISCONNECTED_TOLERANCE:
        _raise_disconnected(mm, regions, industries)
    if vals.size >= 3 and lam2 - vals[-3] < EIGEN_GAP_TOLERANCE:
        raise words.error(
            "complexity.repeated_eigenvalue", DataError, context={"eigenvalues": vals.tolist()}
        )
    if lam2 <= 0:
        raise words.error("complexity.zero_eigenvalue", DataError)
    v = vecs[:, -2]
    if c <= p:
        kc = v / sd
        kp = (mm.T @ kc) / ubiquity / lam2
    else:
        kp = v / su
        kc = (mm @ kp) / diversity
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.corrcoef(diversity, kc)[0, 1]
    sign = np.sign(corr)
    if not np.isfinite(corr) or abs(corr) < SIGN_CORRELATION_TOLERANCE:
        raise words.error(
            "complexity.sign_undefined", DataError, context={"correlation": float(corr)}
        )
    return sign * kc, sign * kp, vals[::-1].copy()


def complexity(
    x: Any,
    regions: Any = None,
    industries: Any = None,
    *,
    threshold: float = 1.0,
    drop_empty_rows: bool = False,
) -> Complexity:
    """Economic complexity of one region x industry matrix, as ``ecomplexity`` computes it.

    Parameters
    ----------
    x : array_like, shape (C, P)
        Non-negative values (output, employment, exports) for one year.
    regions, industries : sequence of str, optional
        Labels of the rows and columns (default ``"0", "1", ...``).
    threshold : float
        ``M_cp = 1`` when ``RCA_cp >= threshold`` (``ecomplexity``'s ``rca_mcp_threshold``).
    drop_empty_rows : bool
        If True, regions and industries whose total is zero are left out (and listed in
        ``dropped_regions`` / ``dropped_industries``), as ``ecomplexity`` does. If False
        (default) they raise :class:`DataError`.

    Returns
    -------
    Complexity

    Raises
    ------
    DataError
        Negative or non-finite values; zero totals (unless dropped); a region with no
        ``M = 1`` or an industry with none; a disconnected region-industry network; a
        repeated second eigenvalue; equal diversity everywhere; a constant COI.

    Notes
    -----
    With ``D = diag(k_c0)`` and ``U = diag(k_p0)``:

    * ``K_p`` is the eigenvector of ``M_pp = U^-1 M^T D^-1 M`` for its second largest
      eigenvalue ``lambda_2`` and ``K_c = D^-1 M K_p`` (equivalently the eigenvector of
      ``M_cc = D^-1 M U^-1 M^T``). Its sign makes ``corr(K_c, k_c0) > 0``.
    * ``ECI = (K_c - <K_c>) / sigma(K_c)`` and ``PCI = (K_p - <K_c>) / sigma(K_c)`` with the
      population standard deviation (``numpy.std``, ``ddof=0``).
    * ``w_cp = sum_p' M_cp' phi_pp' / sum_p' phi_pp'`` (``p' = p`` included).
    * ``COI_c = z(sum_p w_cp (1 - M_cp) K_p)`` where ``z`` standardises over regions
      (population std).
    * ``COG_cp = (1 - M_cp) sum_p' (1 - M_cp') phi_pp' K_p' / sum_p'' phi_p'p''`` divided by
      ``sigma(K_c)``.

    ``K_p`` in COI and COG is the signed eigenvector before standardisation; because both are
    rescaled afterwards, the results do not depend on the eigenvector's norm.

    References
    ----------
    Hidalgo, C. A., & Hausmann, R. (2009). The building blocks of economic complexity.
    *PNAS*, 106(26), 10570-10575. Hausmann, R., Hidalgo, C. A., Bustos, S., Coscia, M.,
    Simoes, A., & Yildirim, M. A. (2014). *The Atlas of Economic Complexity*. MIT Press.
    Growth Lab, ``ecomplexity`` 0.5.3 (https://github.com/cid-harvard/py-ecomplexity).

    Examples
    --------
    A chain-shaped 4 x 4 table: ``M`` links a-{r,s}, b-{q,r}, c-{p,q}, d-{p}.

    >>> x = [[5, 5, 5, 5], [6, 6, 6, 1], [7, 7, 1, 1], [9, 1, 1, 1]]
    >>> r = complexity(x, ["a", "b", "c", "d"], ["p", "q", "r", "s"])
    >>> r.mcp.astype(int).tolist()
    [[0, 0, 1, 1], [0, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]]
    >>> r.eci.round(4).tolist()
    [1.3874, 0.4699, -0.6741, -1.1832]
    >>> r.pci.round(4).tolist()
    [-1.1832, -0.1649, 1.1048, 1.6699]
    """
    arr = _check_matrix(x)
    reg = _labels(regions, arr.shape[0], "complexity.region_labels_mismatch")
    ind = _labels(industries, arr.shape[1], "complexity.industry_labels_mismatch")
    dropped_r: list[str] = []
    dropped_p: list[str] = []
    empty_r, empty_p = _empty_positions(arr)
    if empty_r.size or empty_p.size:
        if not drop_empty_rows:
            names_r = [reg[i] for i in empty_r]
            names_p = [ind[i] for i in empty_p]
            raise words.error(
                "complexity.zero_totals_named",
                DataError,
                context={"regions": names_r, "industries": names_p},
                names=", ".join((names_r + names_p)[:10]),
            )
        arr, reg, ind, dropped_r, dropped_p = drop_empty(arr, reg, ind)
        arr = _check_matrix(arr)
    rca_m = _rca_unchecked(arr)
    mm = presence(rca_m, threshold)
    _check_network(mm, reg, ind)
    diversity = mm.sum(axis=1)
    ubiquity = mm.sum(axis=0)
    kc, kp, eigenvalues = _eci_pci(mm, diversity, ubiquity, reg, ind)
    phi = _proximity_unchecked(mm, ubiquity)
    phi_rowsum = phi.sum(axis=1)
    dens = mm @ phi
    dens /= phi_rowsum[np.newaxis, :]
    absent = 1.0 - mm
    coi_raw = (dens * absent) @ kp
    cog = (absent * (kp / phi_rowsum)[np.newaxis, :]) @ phi
    cog *= absent
    mean_c, std_c = kc.mean(), kc.std()
    std_coi = coi_raw.std()
    if std_c == 0 or not np.isfinite(std_c):
        raise words.error("complexity.eci_constant", DataError)
    if std_coi == 0 or not np.isfinite(std_coi):
        raise words.error("complexity.coi_constant", DataError)
    cog /= std_c
    return Complexity(
        regions=reg,
        industries=ind,
        rca=rca_m,
        mcp=mm,
        diversity=diversity,
        ubiquity=ubiquity,
        eci=(kc - mean_c) / std_c,
        pci=(kp - mean_c) / std_c,
        proximity=phi,
        density=dens,
        coi=(coi_raw - coi_raw.mean()) / std_coi,
        cog=cog,
        eigenvalues=eigenvalues,
        dropped_regions=dropped_r,
        dropped_industries=dropped_p,
    )


# --------------------------------------------------------------------------- tables
def to_matrix(
    data: pl.DataFrame | Any,
    *,
    region: str = "region",
    industry: str = "industry",
    value: str = "value",
) -> tuple[FloatArray, list[str], list[str]]:
    """Pivot a long table to a dense ``regions x industries`` matrix; missing pairs are 0.

    Labels are read as text and sorted (code-point order, like ``ecomplexity``/pandas).

    Raises
    ------
    DataError
        Missing columns, null labels, non-numeric, missing, negative or non-finite values,
        or the same (region, industry) pair twice.

    Examples
    --------
    >>> df = pl.DataFrame({"region": ["b", "a", "b"], "industry": ["x", "x", "y"],
    ...                    "value": [1.0, 2.0, 3.0]})
    >>> m, r, i = to_matrix(df)
    >>> m.tolist(), r, i
    ([[2.0, 0.0], [1.0, 3.0]], ['a', 'b'], ['x', 'y'])
    """
    data = as_polars(data, INPUT_TABLE)  # an analyst's pandas frame too
    missing = [c for c in (region, industry, value) if c not in data.columns]
    if missing:
        raise words.error(
            "complexity.missing_columns",
            DataError,
            context={"columns": missing},
            columns=", ".join(missing),
        )
    if data.height == 0:
        raise words.error("complexity.empty_table", DataError)
    try:
        frame = data.select(
            pl.col(region).cast(pl.String),
            pl.col(industry).cast(pl.String),
            pl.col(value).cast(pl.Float64),
        )
    except pl.exceptions.PolarsError as exc:
        raise words.error("complexity.non_numeric", DataError, column=value) from exc
    for col in (region, industry, value):
        nulls = frame[col].null_count()
        if nulls:
            raise words.error(
                "complexity.nulls", DataError, context={"column": col}, column=col, n=nulls
            )
    vals = frame[value].to_numpy()
    if not np.isfinite(vals).all():
        raise words.error("complexity.column_not_finite", DataError, column=value)
    if (vals < 0).any():
        raise words.error("complexity.column_negative", DataError, column=value)
    reg = frame[region].unique().sort()
    ind = frame[industry].unique().sort()
    ri = frame[region].cast(pl.Enum(reg)).to_physical().to_numpy().astype(np.int64)
    pi = frame[industry].cast(pl.Enum(ind)).to_physical().to_numpy().astype(np.int64)
    n_r, n_p = reg.len(), ind.len()
    flat = ri * n_p + pi
    counts = np.bincount(flat, minlength=n_r * n_p)
    if counts.max() > 1:
        k = int(np.argmax(counts))
        raise words.error(
            "complexity.duplicate_pair",
            DataError,
            region=reg[k // n_p],
            industry=ind[k % n_p],
            n=counts[k],
        )
    matrix = np.bincount(flat, weights=vals, minlength=n_r * n_p).astype(np.float64)
    return matrix.reshape(n_r, n_p), [str(v) for v in reg], [str(v) for v in ind]


@dataclass(frozen=True)
class ComplexityTables:
    """Long-form results (Polars) of :func:`complexity_table`."""

    regions: pl.DataFrame
    industries: pl.DataFrame
    cells: pl.DataFrame
    proximity: pl.DataFrame
    dropped_regions: list[str]
    dropped_industries: list[str]


def _frames(res: Complexity) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    c, p = len(res.regions), len(res.industries)
    reg = pl.Series(res.regions, dtype=pl.String)
    ind = pl.Series(res.industries, dtype=pl.String)
    regions = pl.DataFrame(
        {"region": reg, "diversity": res.diversity.astype(np.int64), "eci": res.eci, "coi": res.coi}
    )
    industries = pl.DataFrame(
        {"industry": ind, "ubiquity": res.ubiquity.astype(np.int64), "pci": res.pci}
    )
    cells = pl.DataFrame(
        {
            "region": reg.gather(np.repeat(np.arange(c), p)),
            "industry": ind.gather(np.tile(np.arange(p), c)),
            "rca": res.rca.ravel(),
            "mcp": res.mcp.ravel().astype(np.int8),
            "density": res.density.ravel(),
            "cog": res.cog.ravel(),
        }
    )
    prox = pl.DataFrame(
        {
            "industry_1": ind.gather(np.repeat(np.arange(p), p)),
            "industry_2": ind.gather(np.tile(np.arange(p), p)),
            "proximity": res.proximity.ravel(),
        }
    )
    return regions, industries, cells, prox


def complexity_table(
    data: pl.DataFrame | Any,
    *,
    region: str = "region",
    industry: str = "industry",
    value: str = "value",
    year: str | None = None,
    threshold: float = 1.0,
    drop_empty_rows: bool = False,
) -> ComplexityTables:
    """:func:`complexity` on a long table, one year at a time when ``year`` is given.

    Returns Polars frames ``regions (region, diversity, eci, coi)``,
    ``industries (industry, ubiquity, pci)``, ``cells (region, industry, rca, mcp, density,
    cog)`` for every pair, and ``proximity (industry_1, industry_2, proximity)`` for every
    ordered pair (diagonal included); each gets a leading ``year`` column when ``year`` is
    set. Missing pairs count as 0.

    Notes
    -----
    The formulas of :func:`complexity`: ``RCA`` (Balassa), ``M = [RCA >= threshold]``,
    diversity and ubiquity the sums of ``M``, ECI and PCI the second eigenvectors of the
    method of reflections, standardised; density, COI and COG from the proximity
    ``phi_pp' = min(P(M_p | M_p'), P(M_p' | M_p))``.

    References
    ----------
    Hidalgo, C. A., & Hausmann, R. (2009). The building blocks of economic complexity.
    *PNAS*, 106(26), 10570-10575. Hausmann, R., Hidalgo, C. A. et al. (2014). *The Atlas of
    Economic Complexity*. MIT Press. Growth Lab, ``ecomplexity`` 0.5.3.

    Examples
    --------
    >>> df = pl.DataFrame({"region": list("aaaabbbbccccdddd"), "industry": list("pqrs") * 4,
    ...                    "value": [5.0, 5, 5, 5, 6, 6, 6, 1, 7, 7, 1, 1, 9, 1, 1, 1]})
    >>> t = complexity_table(df)
    >>> t.regions.columns, t.cells.height, t.proximity.height
    (['region', 'diversity', 'eci', 'coi'], 16, 16)
    """
    data = as_polars(data, INPUT_TABLE)
    if year is None:
        matrix, reg, ind = to_matrix(data, region=region, industry=industry, value=value)
        res = complexity(matrix, reg, ind, threshold=threshold, drop_empty_rows=drop_empty_rows)
        frames = _frames(res)
        return ComplexityTables(*frames, res.dropped_regions, res.dropped_industries)
    if year not in data.columns:
        raise words.error("complexity.missing_year_column", DataError, column=year)
    parts: list[tuple[pl.DataFrame, ...]] = []
    dropped_r: list[str] = []
    dropped_p: list[str] = []
    for (t,), group in data.sort(year).group_by(year, maintain_order=True):
        matrix, reg, ind = to_matrix(group, region=region, industry=industry, value=value)
        res = complexity(matrix, reg, ind, threshold=threshold, drop_empty_rows=drop_empty_rows)
        dropped_r += [f"{t}:{r}" for r in res.dropped_regions]
        dropped_p += [f"{t}:{p}" for p in res.dropped_industries]
        parts.append(tuple(f.select(pl.lit(t).alias(year), pl.all()) for f in _frames(res)))
    stacked = [pl.concat([p[i] for p in parts]) for i in range(4)]
    return ComplexityTables(
        regions=stacked[0],
        industries=stacked[1],
        cells=stacked[2],
        proximity=stacked[3],
        dropped_regions=dropped_r,
        dropped_industries=dropped_p,
    )
