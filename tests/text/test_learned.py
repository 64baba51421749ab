"""The learned second opinion (gaodi/text/learned.py): the plain trees read exactly as LightGBM
scores them, the shipped model is what the trainer makes from the tuning texts, a target it
judges unlikely is set aside with its reason in words, and nothing of a held-out text is read
to train it."""

from __future__ import annotations

import importlib.util
import json
import math
import re
import sys
from pathlib import Path

import pytest

from gaodi.text.evaluate import split_of
from gaodi.text.extract import extract_plan
from gaodi.text.learned import SET_ASIDE_BELOW, Forest, Judgement, describe, forest

ROOT = Path(__file__).resolve().parents[2]
# the trainer is a script of benchmarks/, not a module of the package: loaded from its file
_spec = importlib.util.spec_from_file_location(
    "train_target_model", ROOT / "benchmarks" / "train_target_model.py"
)
assert _spec is not None and _spec.loader is not None
trainer = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = trainer  # its dataclasses look their module up by name
_spec.loader.exec_module(trainer)

FIRST_RUNS = ROOT / "tests" / "data" / "extraction_corpus" / "first-runs.json"

# A plan whose last paragraph tells last year's results (去年…增长8.8%): by the corpus's counting
# rules (tests/data/extraction_corpus/README.md) results are never targets. The rules take two of
# them (chongqing-2020c, a tuning text, has the paragraph); the targets above are the plan's.
TEXT = (
    "某市制造业提质行动计划(2024—2026年)\n"
    "1 实施园区提效行动\n"
    "到2026年,打造5个千亿级园区,新材料产业产值达到3000亿元。\n"
    "据市经信委介绍,去年,重庆工业经济实现较好发展。规模工业增加值增长6.2%,较上年提高5.7个百分点;"
    "工业投资增长8.8%,高于全国平均4.5个百分点;战略性新兴制造业增加值增长11.6%。\n"
)
RESULTS = {"工业投资增长8.8%", "战略性新兴制造业增加值增长11.6%"}


def test_plain_trees_score_as_lightgbm_does() -> None:
    """The reader of the plain form gives LightGBM's own probabilities (its predict_proba, the
    reference), and the path contributions add up to the log-odds."""
    names = sorted(n for n in json.loads(FIRST_RUNS.read_text("utf-8")) if split_of(n) == "tuning")
    data = trainer.examples(names[:40])
    model, vec = trainer._fit(data)
    plain = Forest(trainer.export(model, vec))
    expected = model.predict_proba(vec.transform([e.features for e in data]))[:, 1]
    batch = plain.probabilities([e.features for e in data])  # all rows through all trees
    for example, p, q in zip(data, expected, batch, strict=True):
        raw, bias, contrib = plain.explain(example.features)  # one row, with contributions
        assert 1 / (1 + math.exp(-raw)) == pytest.approx(p, abs=1e-9)
        assert q == pytest.approx(p, abs=1e-9)
        assert bias + sum(contrib.values()) == pytest.approx(raw, abs=1e-9)
    assert 0.05 < expected.mean() < 0.5  # a real mix of targets and not: the test can fail


def test_the_shipped_model_is_what_the_trainer_makes_from_tuning_texts() -> None:
    """Retrained from the tuning texts (all of them, as ``--write`` does), the model scores every
    example as the shipped file does: the file holds nothing learned elsewhere. Change a cue
    pattern of the rules and this fails until the model is retrained."""
    data = trainer.examples()
    assert {split_of(e.text) for e in data} == {"tuning"}
    model, vec = trainer._fit(data)
    fresh = Forest(trainer.export(model, vec))
    shipped = forest()
    assert shipped.meta["texts"] == len({e.text for e in data})
    assert shipped.meta["examples"] == len(data)
    for example in data[::7]:
        assert shipped.explain(example.features)[0] == pytest.approx(
            fresh.explain(example.features)[0], abs=1e-6
        )


def test_the_trainer_refuses_a_held_out_text() -> None:
    held_out = next(
        p.stem
        for p in sorted((ROOT / "tests" / "data" / "extraction_corpus").glob("*.txt"))
        if split_of(p.stem) == "held-out"
    )
    with pytest.raises(SystemExit, match="held-out"):
        trainer.examples([held_out])


def test_first_runs_hold_tuning_texts_only() -> None:
    first = json.loads(FIRST_RUNS.read_text("utf-8"))
    assert first and all(split_of(n) == "tuning" for n in first)


def test_results_the_rules_take_are_set_aside_with_reasons() -> None:
    rules = extract_plan(TEXT, second_opinion=False)
    assert {t.quote for t in rules.targets} >= RESULTS  # the rules' own reading
    assert all(t.confidence is None for t in rules.targets) and not rules.set_aside

    judged = extract_plan(TEXT)
    assert {t.quote for t in judged.targets} == {"打造5个千亿级园区", "新材料产业产值达到3000亿元"}
    assert all(t.confidence is not None and t.confidence >= 0.5 for t in judged.targets)
    assert {s.target.quote for s in judged.set_aside} == RESULTS
    for s in judged.set_aside:
        assert s.target.confidence is not None and s.target.confidence < SET_ASIDE_BELOW
        assert s.reason.startswith(f"模型判断为目标的概率 {s.target.confidence:.2f}，主要因为：")
        assert s.reason_en.startswith("The model's probability that this is a target: ")
        # reasons in words: no feature code ("cue:PAST_MARKERS", "anchor=past/near") shows
        assert not re.search(r"[A-Za-z_]{3,}", s.reason), s.reason
        assert not re.search(r"[:=][A-Za-z]|[A-Z]{3,}_", s.reason_en), s.reason_en
    # kept in the JSON a reviewer loads: the set-aside targets survive a round trip
    again = type(judged).model_validate_json(judged.model_dump_json())
    assert [s.target.quote for s in again.set_aside] == [s.target.quote for s in judged.set_aside]


@pytest.mark.parametrize(
    ("probability", "set_aside"),
    [(0.194999, True), (0.195, False), (0.2, False), (0.19, True), (0.9, False)],
)
def test_the_threshold_is_compared_as_shown(probability: float, set_aside: bool) -> None:
    """0.195 shows as 0.20 (round half to even of the binary value 0.19500000000000000666) and
    is kept: what is shown and what is decided agree; 0.2 itself is on the line, kept."""
    judged = Judgement(probability, ())
    assert judged.set_aside is set_aside
    assert (judged.shown < SET_ASIDE_BELOW) is set_aside


def test_every_feature_of_the_model_has_words() -> None:
    for feature in forest().features:
        zh, en = describe(feature, "zh"), describe(feature, "en")
        assert zh != feature and en != feature
        # text copied from a plan may hold Latin letters ("GDP"); a code may not
        assert not re.search(r"[a-z]+_[a-z]+|=|\b(?:cue|near|next|rest|anchor)\b", zh), zh


def test_an_extraction_saved_before_the_model_still_loads() -> None:
    """JSON written before ``confidence`` and ``set_aside`` existed validates unchanged."""
    old = extract_plan(TEXT, second_opinion=False).model_dump()
    del old["set_aside"]
    for t in old["targets"]:
        del t["confidence"]
    loaded = type(extract_plan(TEXT)).model_validate(old)
    assert loaded.set_aside == [] and all(t.confidence is None for t in loaded.targets)
