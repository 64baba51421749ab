"""The mapping reasons, now worded from the words catalog, read as they always did."""

from __future__ import annotations

import polars as pl

from gaodi.analytics.chain_text import mapping_reasons, money_en, money_zh


def test_mapping_reasons_word_for_word() -> None:
    codes = pl.Series(["3841", None])
    df = pl.DataFrame(
        {
            "_ci": [0, None, 0],
            "code_level": [4, 0, 2],
            "keyword_hits": [2, 1, 0],
            "keywords": [["锂电池", "正极"], ["a"], []],
        },
        schema_overrides={"code_level": pl.Int8, "_ci": pl.UInt32},
    )
    # confidence = 1 − (1 − c_code)(1 − c_kw), c_kw = 1 − (1 − 0.4)^hits: 0.4 and 0.64
    out = mapping_reasons(df, codes, {4: 0.9, 2: 0.5, 0: 0.0}, 0.4)
    assert out["reason_zh"].to_list() == [
        "行业代码3841与环节代码3841一致（4位小类）；经营范围/产品命中关键词2个：锂电池、正极；"
        "置信度0.96＝1−(1−0.90)×(1−0.64)",
        "无行业代码；经营范围/产品命中关键词1个：a；置信度0.40＝1−(1−0.00)×(1−0.40)",
        "行业代码3841属于环节代码38（2位大类）；经营范围/产品未命中关键词；"
        "置信度0.50＝1−(1−0.50)×(1−0.00)",
    ]
    assert out["reason_en"][0] == (
        "industry code 3841 matches link code 3841 (4-digit class); 2 keyword(s) found in "
        "scope/products: 锂电池, 正极; confidence 0.96 = 1−(1−0.90)×(1−0.64)"
    )


def test_money_words() -> None:
    assert money_zh(123456.0) == "12.35亿元"  # 123456 万元 = 12.3456 亿元
    assert money_en(123456.0) == "CNY 1,234.6 million"  # = 1234.56 million yuan
