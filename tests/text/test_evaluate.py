"""The evaluation's matching rule and counts, on a case worked by hand."""

from __future__ import annotations

from gaodi.text.evaluate import indicator_matches, match_targets, score_actions, score_targets

TEXT = "到2023年,实现新材料产业产值2500亿元,打造1个3000亿级园区、5个千亿级园区。"


def _t(indicator: str, value: float, quote: str, **kw: object) -> dict:
    base = {"indicator": indicator, "value": value, "value_max": None, "unit": "个", "year": 2023,
            "comparator": "=", "action": "7", "quote": quote}  # fmt: skip
    return {**base, **kw}


GOLD = [
    _t("新材料产业产值", 2500, "实现新材料产业产值2500亿元", unit="亿元"),
    _t("3000亿级园区数量", 1, "打造1个3000亿级园区、5个千亿级园区"),
    _t("千亿级园区数量", 5, "打造1个3000亿级园区、5个千亿级园区"),
]


def test_hand_worked_scores() -> None:
    pred = [
        _t(
            "新材料产业产值", 2500, "实现新材料产业产值2500亿元", unit="亿元", year=None
        ),  # year wrong
        _t("园区数量", 3000, "打造1个3000亿级园区、5个千亿级园区", unit="亿"),  # invented
        _t("千亿级园区数量", 5, "打造1个3000亿级园区、5个千亿级园区"),
    ]
    # pairs: gold0-pred0 (same quote, same value); gold2-pred2; pred1 (3000) pairs with gold1
    # only if value or indicator agree: "园区数量" is contained in "3000亿级园区数量", so it does
    pairs = match_targets(TEXT, GOLD, pred)
    assert pairs == [(0, 0), (1, 1), (2, 2)]
    s = score_targets([(TEXT, GOLD, pred)])
    # target level: 3 matched of 3 predicted and 3 expected
    assert (s["target"].precision, s["target"].recall) == (1.0, 1.0)
    # value: pair (1,1) has 1 != 3000, so 2 of 3 correct: P = R = 2/3
    assert abs(s["value"].precision - 2 / 3) < 1e-12 and abs(s["value"].recall - 2 / 3) < 1e-12
    # year: pred0 has None, so 2 of 3
    assert s["year"].correct == 2
    # unit: pred1 "亿" != "个": 2 of 3
    assert s["unit"].correct == 2


def test_missed_and_invented_cost_every_field() -> None:
    pred = [GOLD[0], _t("工业增加值", 1.3, "实现新材料产业产值2500亿元", unit="万亿元")]
    s = score_targets([(TEXT, GOLD, pred)])
    # 1 match; 2 predicted, 3 expected: P = 1/2, R = 1/3 for the target and for each field
    assert (s["target"].correct, s["target"].predicted, s["target"].expected) == (1, 2, 3)
    assert s["unit"].precision == 0.5 and abs(s["unit"].recall - 1 / 3) < 1e-12


def test_indicator_similarity() -> None:
    # 规上 abbreviates 规模以上: ratio 2·8/(10+8) = 0.89 >= 0.8
    assert indicator_matches("规模以上工业企业数量", "规上工业企业数量")
    assert not indicator_matches("规模以上工业企业数量", "高新技术企业数量")
    assert indicator_matches("“链主”企业数量", "链主企业数量")  # punctuation ignored
    assert indicator_matches("制造业增加值占全市生产总值的比重", "制造业增加值占全市生产总值比重")
    assert indicator_matches("聚焦突破类新签约项目数量", "聚焦突破类新签约数量")  # ratio 0.91


def test_actions_score() -> None:
    gold = [
        {"number": "1", "title": "实施智能制造赋能行动"},
        {"number": "2", "title": "实施绿色行动"},
    ]
    pred = [{"number": "1", "title": "实施智能制造赋能行动"}, {"number": "3", "title": "其他"}]
    s = score_actions([(gold, pred)])
    assert (s.correct, s.predicted, s.expected) == (1, 2, 2)


def test_units_compare_in_simplified_characters() -> None:
    # an annotator writes the unit off a traditional page ("億元"); the extractor reads "亿元"
    from gaodi.text.evaluate import field_correct

    gold = {"unit": "億元"}
    assert field_correct("unit", gold, {"unit": "亿元"})
    assert not field_correct("unit", gold, {"unit": "万元"})
    assert not field_correct("unit", gold, {"unit": None})
