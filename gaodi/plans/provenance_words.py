"""The board's provenance parameters in words: it stores codes (``forecast_method`` ``linear``,
``statuses_used`` ``submitted/approved``); every file and page a person reads says what they
mean — the monthly report, the page's table download and ``gaodi plan status --format xlsx``.

``tr`` is the caller's way of choosing between a Chinese and an English text
(:class:`gaodi.reports.lang.Lang`, or :data:`ZH` / :data:`EN`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Tr = Callable[[str, str], str]

FORECAST_METHODS = {
    "linear": ("线性趋势", "linear trend"),
    "compound": ("复合增长", "compound growth"),
}
STATUS_WORDS = {"submitted": ("已报送", "submitted"), "approved": ("已审核", "approved")}


def ZH(zh: str, en: str) -> str:
    return zh


def EN(zh: str, en: str) -> str:
    return en


def method_words(params: Mapping[str, Any], tr: Tr) -> str:
    """``linear`` as ``线性趋势`` / ``linear trend``.

    >>> method_words({"forecast_method": "linear"}, ZH)
    '线性趋势'
    """
    code = str(params.get("forecast_method") or "—")
    return tr(*FORECAST_METHODS.get(code, (code, code)))


def statuses_words(params: Mapping[str, Any], tr: Tr) -> str:
    """``submitted/approved`` as ``计入已报送和已审核的数据`` / ``counting submitted and approved
    values``.

    >>> statuses_words({"statuses_used": "submitted/approved"}, EN)
    'counting submitted and approved values'
    """
    codes = [c for c in str(params.get("statuses_used") or "").split("/") if c]
    words = [tr(*STATUS_WORDS.get(c, (c, c))) for c in codes]
    if not words:
        return tr("全部数据", "all values")
    return tr(f"计入{'和'.join(words)}的数据", f"counting {' and '.join(words)} values")


def forecast_words(params: Mapping[str, Any], tr: Tr) -> str:
    """The forecast's method, interval, draws and seed in one phrase.

    >>> forecast_words({"forecast_method": "linear", "forecast_level": 0.8,
    ...                 "forecast_n_boot": 500, "forecast_seed": 7}, ZH)
    '线性趋势，80%区间，自助法500次，随机种子7'
    """
    level = float(params.get("forecast_level") or 0)
    n_boot, seed = params.get("forecast_n_boot"), params.get("forecast_seed")
    method = method_words(params, tr)
    return tr(
        f"{method}，{level:.0%}区间，自助法{n_boot}次，随机种子{seed}",
        f"{method}, {level:.0%} interval, {n_boot} bootstrap draws, seed {seed}",
    )


def used_words(n_observations: int, n_unapproved: int, params: Mapping[str, Any], tr: Tr) -> str:
    """How many values the board judged with, which statuses it counted, how many unapproved.

    >>> used_words(12, 3, {"statuses_used": "submitted/approved"}, ZH)
    '已报送数据12条（计入已报送和已审核的数据，其中未审核3条）'
    """
    counted = statuses_words(params, tr)
    return tr(
        f"已报送数据{n_observations}条（{counted}，其中未审核{n_unapproved}条）",
        f"{n_observations} reported values ({counted}; {n_unapproved} not yet approved)",
    )
