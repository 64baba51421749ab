"""Multi-criteria scoring: entropy weights (熵权法), TOPSIS and a weighted sum.

Pure functions on a decision matrix ``X`` (m alternatives × n criteria, rows are
alternatives) and a tuple of :class:`Criterion` (name, direction, optional weight).
:func:`rank_frame` applies them to a Polars DataFrame and returns scores and ranks.

Degenerate inputs give a documented result or a :class:`~gaodi.core.errors.DataError`,
never NaN:

* a **constant column** (every alternative has the same value, including an all-zero
  column) carries no information: its entropy is 1 and its entropy weight 0; in TOPSIS
  it adds nothing to either distance; in the weighted sum every alternative scores 1 on it
  (all equal the best observed value);
* a **single alternative** cannot be weighted by entropy (k = 1/ln 1 is undefined) and
  cannot be placed between an ideal and an anti-ideal: both raise ``DataError``; the
  weighted sum still scores it (1 on every criterion);
* **all columns constant**: entropy weights (Σd = 0) and TOPSIS (D⁺ + D⁻ = 0 for every
  alternative) raise ``DataError``;
* missing or non-finite values raise ``DataError`` (fill or drop them first);
* **ties** share a rank: competition ranking (1, 2, 2, 4) on the score rounded to 12
  decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from gaodi.core import words
from gaodi.core.errors import DataError

Direction = Literal["benefit", "cost"]
FloatArray = npt.NDArray[np.float64]

__all__ = [
    "Criterion",
    "TopsisResult",
    "competition_rank",
    "entropy_weights",
    "minmax_normalise",
    "rank_frame",
    "topsis",
    "weighted_sum",
]


@dataclass(frozen=True)
class Criterion:
    """One column of the decision matrix.

    ``direction`` is ``"benefit"`` (more is better) or ``"cost"`` (less is better).
    ``weight`` is a non-negative number; weights are rescaled to sum to 1. Leave it
    ``None`` to have the weight computed by the entropy method.
    """

    name: str
    direction: Direction = "benefit"
    weight: float | None = None
    label_zh: str = ""
    label_en: str = ""

    def __post_init__(self) -> None:
        if self.direction not in ("benefit", "cost"):
            raise words.error("scoring.bad_direction", name=self.name)
        if self.weight is not None and not (np.isfinite(self.weight) and self.weight >= 0):
            raise words.error("scoring.bad_weight", name=self.name)


@dataclass(frozen=True)
class TopsisResult:
    """Intermediate and final quantities of TOPSIS, one entry per alternative/criterion."""

    closeness: FloatArray
    d_plus: FloatArray
    d_minus: FloatArray
    ideal: FloatArray
    anti_ideal: FloatArray
    weights: FloatArray


def _matrix(x: npt.ArrayLike, n_criteria: int | None = None) -> FloatArray:
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise words.error("scoring.matrix_not_numeric", DataError) from exc
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise words.error("scoring.matrix_shape", DataError)
    if n_criteria is not None and arr.shape[1] != n_criteria:
        raise words.error("scoring.matrix_columns", columns=arr.shape[1], criteria=n_criteria)
    if not np.all(np.isfinite(arr)):
        rows, cols = np.nonzero(~np.isfinite(arr))
        raise words.error(
            "scoring.matrix_not_finite", DataError, row=rows[0] + 1, column=cols[0] + 1
        )
    return arr


def _directions(directions: Sequence[Direction] | None, n: int) -> npt.NDArray[np.bool_]:
    """True where the criterion is a benefit criterion."""
    if directions is None:
        return np.ones(n, dtype=bool)
    if len(directions) != n:
        raise words.error("scoring.direction_count", given=len(directions), columns=n)
    for d in directions:
        if d not in ("benefit", "cost"):
            raise words.error("scoring.unknown_direction", direction=d)
    return np.array([d == "benefit" for d in directions], dtype=bool)


def _weights(weights: npt.ArrayLike, n: int) -> FloatArray:
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (n,):
        raise words.error("scoring.weight_count", n=n, shape=w.shape)
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise words.error("scoring.weights_not_finite")
    total = w.sum()
    if total <= 0:
        raise words.error("scoring.weights_zero_sum")
    return w / total


def minmax_normalise(x: npt.ArrayLike, directions: Sequence[Direction] | None = None) -> FloatArray:
    """Min-max normalise each column to [0, 1], reversing cost criteria.

    Parameters
    ----------
    x : array_like, shape (m, n)
        Decision matrix, rows are alternatives.
    directions : sequence of {"benefit", "cost"}, optional
        One per column; all benefit when omitted.

    Returns
    -------
    numpy.ndarray
        The normalised matrix. A constant column becomes all ones (every alternative
        equals the best observed value).

    Notes
    -----
    Benefit: r_ij = (x_ij − min_i x_ij) / (max_i x_ij − min_i x_ij);
    cost: r_ij = (max_i x_ij − x_ij) / (max_i x_ij − min_i x_ij).

    References
    ----------
    .. [1] Hwang, C.-L., Yoon, K. (1981). *Multiple Attribute Decision Making: Methods
       and Applications*. Springer, §3 (linear scale transformation).

    Examples
    --------
    >>> minmax_normalise([[1, 10], [3, 20], [2, 30]], ["benefit", "cost"]).tolist()
    [[0.0, 1.0], [1.0, 0.5], [0.5, 0.0]]
    """
    arr = _matrix(x)
    benefit = _directions(directions, arr.shape[1])
    lo = arr.min(axis=0)
    hi = arr.max(axis=0)
    span = hi - lo
    safe = np.where(span > 0, span, 1.0)
    r = np.where(benefit, (arr - lo) / safe, (hi - arr) / safe)
    return np.where(span > 0, r, 1.0)


def entropy_weights(
    x: npt.ArrayLike,
    directions: Sequence[Direction] | None = None,
    normalisation: Literal["minmax", "sum"] = "minmax",
) -> FloatArray:
    """Objective criterion weights by the entropy method (熵权法).

    Parameters
    ----------
    x : array_like, shape (m, n)
        Decision matrix, m >= 2 alternatives.
    directions : sequence of {"benefit", "cost"}, optional
        Used by ``"minmax"`` normalisation (cost columns are reversed).
    normalisation : {"minmax", "sum"}
        ``"minmax"`` (the usual Chinese 熵权法): min-max normalise first, then take
        shares. ``"sum"`` (Zeleny; Hwang & Yoon; Xu 2004): shares of the raw,
        non-negative values; directions are ignored because entropy only measures
        dispersion.

    Returns
    -------
    numpy.ndarray
        Weights w_j >= 0 with Σ w_j = 1. A constant (or all-zero) column gets 0.

    Raises
    ------
    DataError
        Fewer than two alternatives; every column constant; negative values with
        ``"sum"``; missing values.

    Notes
    -----
    With r_ij the normalised value, p_ij = r_ij / Σ_i r_ij,
    e_j = −k Σ_i p_ij ln p_ij with k = 1/ln m and 0·ln 0 = 0,
    d_j = 1 − e_j, w_j = d_j / Σ_j d_j. A column whose r_ij are all equal (or all 0)
    has e_j = 1 by definition, hence d_j = 0.

    References
    ----------
    .. [1] Hwang, C.-L., Yoon, K. (1981). *Multiple Attribute Decision Making: Methods
       and Applications*. Springer, §2.3.2 (entropy method).
    .. [2] Xu, X. (2004). A note on the subjective and objective integrated approach to
       determine attribute weights. *EJOR* 156(2), 530–532.
    .. [3] Zavadskas, E. K., Podvezko, V. (2016). Integrated determination of objective
       criteria weights in MCDM. *IJITDM* 15(2), 267–283.

    Examples
    --------
    >>> entropy_weights([[1, 5], [2, 5], [3, 5]]).tolist()
    [1.0, 0.0]
    """
    arr = _matrix(x)
    m = arr.shape[0]
    if m < 2:
        raise words.error("scoring.entropy_one_alternative", DataError)
    if normalisation == "minmax":
        r = minmax_normalise(arr, directions)
        # A constant column normalises to all ones: uniform shares, entropy 1.
    elif normalisation == "sum":
        if np.any(arr < 0):
            raise words.error("scoring.entropy_negative_shares", DataError)
        r = arr
    else:
        raise words.error("scoring.unknown_normalisation", normalisation=normalisation)
    col_sum = r.sum(axis=0)
    informative = (col_sum > 0) & (r.max(axis=0) > r.min(axis=0))
    p = r / np.where(col_sum > 0, col_sum, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = np.where(informative, -plogp.sum(axis=0) / np.log(m), 1.0)
    d = np.clip(1.0 - e, 0.0, None)
    total = d.sum()
    if total <= 0:
        raise words.error("scoring.entropy_constant", DataError)
    return d / total


def topsis(
    x: npt.ArrayLike,
    weights: npt.ArrayLike,
    directions: Sequence[Direction] | None = None,
) -> TopsisResult:
    """TOPSIS relative closeness to the ideal solution.

    Parameters
    ----------
    x : array_like, shape (m, n)
        Decision matrix.
    weights : array_like, shape (n,)
        Non-negative; rescaled to sum to 1.
    directions : sequence of {"benefit", "cost"}, optional
        All benefit when omitted.

    Returns
    -------
    TopsisResult
        ``closeness`` C_i in [0, 1] plus D⁺, D⁻, the ideal and anti-ideal points and
        the weights used.

    Raises
    ------
    DataError
        When no criterion separates the alternatives (every weighted column constant,
        including the single-alternative case): D⁺ + D⁻ = 0 and C is undefined.

    Notes
    -----
    Vector normalisation r_ij = x_ij / sqrt(Σ_i x_ij²) (an all-zero column stays 0);
    v_ij = w_j r_ij; ideal A⁺_j = max_i v_ij for benefit, min_i for cost; anti-ideal
    A⁻_j the opposite; D⁺_i = ||v_i − A⁺||₂, D⁻_i = ||v_i − A⁻||₂;
    C_i = D⁻_i / (D⁺_i + D⁻_i).

    References
    ----------
    .. [1] Hwang, C.-L., Yoon, K. (1981). *Multiple Attribute Decision Making: Methods
       and Applications*. Springer, §2.3.4 (TOPSIS).
    .. [2] Tzeng, G.-H., Huang, J.-J. (2011). *Multiple Attribute Decision Making:
       Methods and Applications*. CRC Press (worked TOPSIS example used in the tests).

    Examples
    --------
    >>> r = topsis([[1, 0], [0, 1]], [1, 1])
    >>> r.closeness.tolist()
    [0.5, 0.5]
    >>> topsis([[3, 4], [0, 0]], [1, 1]).closeness.tolist()
    [1.0, 0.0]
    """
    arr = _matrix(x)
    n = arr.shape[1]
    w = _weights(weights, n)
    benefit = _directions(directions, n)
    norm = np.sqrt((arr**2).sum(axis=0))
    r = arr / np.where(norm > 0, norm, 1.0)
    v = r * w
    vmax = v.max(axis=0)
    vmin = v.min(axis=0)
    ideal = np.where(benefit, vmax, vmin)
    anti = np.where(benefit, vmin, vmax)
    d_plus = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - anti) ** 2).sum(axis=1))
    denom = d_plus + d_minus
    if np.any(denom <= 0):
        raise words.error("scoring.topsis_undefined", DataError)
    closeness = d_minus / denom
    return TopsisResult(
        closeness=closeness,
        d_plus=d_plus,
        d_minus=d_minus,
        ideal=ideal,
        anti_ideal=anti,
        weights=w,
    )


def weighted_sum(
    x: npt.ArrayLike,
    weights: npt.ArrayLike,
    directions: Sequence[Direction] | None = None,
) -> FloatArray:
    """Simple additive weighting on min-max normalised values.

    Parameters
    ----------
    x : array_like, shape (m, n)
        Decision matrix.
    weights : array_like, shape (n,)
        Non-negative; rescaled to sum to 1.
    directions : sequence of {"benefit", "cost"}, optional
        All benefit when omitted.

    Returns
    -------
    numpy.ndarray
        S_i in [0, 1]. A constant column scores 1 for everyone; a single alternative
        scores 1.

    Notes
    -----
    S_i = Σ_j w_j r_ij with r_ij from :func:`minmax_normalise`.

    References
    ----------
    .. [1] Hwang, C.-L., Yoon, K. (1981). *Multiple Attribute Decision Making: Methods
       and Applications*. Springer, §2.3.1 (simple additive weighting).

    Examples
    --------
    >>> weighted_sum([[1, 10], [3, 20], [2, 30]], [3, 1], ["benefit", "cost"]).tolist()
    [0.25, 0.875, 0.375]
    """
    arr = _matrix(x)
    w = _weights(weights, arr.shape[1])
    return minmax_normalise(arr, directions) @ w


def competition_rank(scores: npt.ArrayLike, decimals: int = 12) -> npt.NDArray[np.int64]:
    """Rank scores high-to-low; ties share the best rank (1, 2, 2, 4).

    A missing score (NaN) ranks last: below every score that is there, all missing scores
    tied at the rank after the last present one, so no rank exceeds the number of scores
    (``[0.3, nan, 0.2]`` ranks ``[1, 3, 2]``, not ``[1, 4, 3]``).

    Examples
    --------
    >>> competition_rank([0.5, 0.9, 0.5, 0.1]).tolist()
    [2, 1, 2, 4]
    >>> competition_rank([0.3, float("nan"), 0.2, float("nan")]).tolist()
    [1, 3, 2, 3]
    """
    s = np.round(np.asarray(scores, dtype=np.float64), decimals)
    missing = np.isnan(s)
    # NaN sorts last but counts as a score, so it pushed every rank after it one down
    descending = np.sort(s[~missing])[::-1]
    # rank - 1 = how many scores are strictly greater = first position of s in `descending`
    pos = np.searchsorted(-descending, -s, side="left")
    pos[missing] = descending.size
    return (pos + 1).astype(np.int64)


def rank_frame(
    frame: pl.DataFrame,
    criteria: Sequence[Criterion],
    *,
    id_column: str,
    method: Literal["topsis", "weighted_sum"] = "topsis",
    weighting: Literal["given", "entropy"] = "given",
    normalisation: Literal["minmax", "sum"] = "minmax",
    distances: bool = False,
) -> tuple[pl.DataFrame, dict[str, float]]:
    """Score and rank the rows of a DataFrame on configurable criteria.

    Parameters
    ----------
    frame : polars.DataFrame
        One row per alternative (e.g. enterprise), one column per criterion.
    criteria : sequence of Criterion
        Column names, directions and (for ``weighting="given"``) weights.
    id_column : str
        Identifier column kept in the output.
    method : {"topsis", "weighted_sum"}
    weighting : {"given", "entropy"}
        Use the criteria's weights, or compute entropy weights from the data.
    normalisation : {"minmax", "sum"}
        Passed to :func:`entropy_weights`.
    distances : bool
        With ``method="topsis"``, add ``d_plus`` and ``d_minus`` (distances to the ideal
        and anti-ideal points) so a reader can check C = D⁻ / (D⁺ + D⁻).

    Returns
    -------
    (polars.DataFrame, dict)
        ``id_column, score, rank`` (and ``d_plus, d_minus``) sorted by rank then id, and the
        weights used.

    Notes
    -----
    See :func:`topsis`, :func:`weighted_sum` and :func:`entropy_weights`.

    References
    ----------
    .. [1] Hwang, C.-L., Yoon, K. (1981). *Multiple Attribute Decision Making*. Springer.

    Examples
    --------
    >>> df = pl.DataFrame({"id": ["a", "b"], "out": [1.0, 3.0], "debt": [0.5, 0.7]})
    >>> crit = [Criterion("out", "benefit", 1), Criterion("debt", "cost", 1)]
    >>> out, w = rank_frame(df, crit, id_column="id", method="weighted_sum")
    >>> out.rows()
    [('a', 0.5, 1), ('b', 0.5, 1)]
    """
    if not criteria:
        raise words.error("scoring.no_criteria")
    names = [c.name for c in criteria]
    absent = [c for c in [id_column, *names] if c not in frame.columns]
    if absent:
        raise words.error("scoring.missing_columns", columns=", ".join(absent))
    x = frame.select(pl.col(names).cast(pl.Float64)).to_numpy()
    directions: list[Direction] = [c.direction for c in criteria]
    if weighting == "entropy":
        w = entropy_weights(x, directions, normalisation)
    elif weighting == "given":
        if any(c.weight is None for c in criteria):
            missing = [c.name for c in criteria if c.weight is None]
            raise words.error("scoring.no_weight_given", names=", ".join(missing))
        w = _weights([float(c.weight or 0.0) for c in criteria], len(criteria))
    else:
        raise words.error("scoring.unknown_weighting", weighting=weighting)
    extra: dict[str, FloatArray] = {}
    if method == "topsis":
        res = topsis(x, w, directions)
        score = res.closeness
        if distances:
            extra = {"d_plus": res.d_plus, "d_minus": res.d_minus}
    elif method == "weighted_sum":
        score = weighted_sum(x, w, directions)
    else:
        raise words.error("scoring.unknown_method", method=method)
    out = pl.DataFrame(
        {
            id_column: frame.get_column(id_column),
            "score": score,
            "rank": competition_rank(score),
            **extra,
        }
    ).sort(["rank", id_column])
    return out, dict(zip(names, (float(v) for v in w), strict=True))
