"""The words catalog: templates render the expected zh and en; flaws fail at load or call;
every code the code base uses is in the catalog and every catalog code is used."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polars as pl
import pytest

import gaodi
from gaodi.core import words
from gaodi.core.errors import DataError, ValidationError

GAODI = Path(gaodi.__file__).resolve().parent


def test_say_renders_named_parameters_in_both_languages() -> None:
    zh, en = words.both("per_mu.below_land", mu="1.5", threshold="3")
    assert zh == "用地1.5亩，低于评价门槛3亩，不参加亩均评价"
    assert en == "uses 1.5 mu, below the 3-mu threshold: not evaluated"
    assert words.say("per_mu.below_land", "zh-CN", mu="2", threshold="3").startswith("用地2亩")
    assert words.say("common.missing_column", "en", column="land_mu") == "Missing column land_mu."


def test_zh_and_en_may_name_different_parameters_but_a_call_gives_all() -> None:
    # zh words the scheme's Chinese label, en its indicator id: the call must give both.
    zh, _en = words.both("per_mu.no_average", scheme="s", indicator="tax_per_mu")
    assert zh == "方案“s”中没有企业有“tax_per_mu”的数据，无法取平均分。"
    with pytest.raises(KeyError, match="label_zh"):
        words.both("per_mu.no_benchmark", scheme="s", indicator="tax_per_mu")


def test_unknown_code_or_missing_or_extra_parameter_fails_loudly() -> None:
    with pytest.raises(KeyError, match=r"per_mu\.nope"):
        words.say("per_mu.nope", "zh")
    with pytest.raises(KeyError, match="threshold"):
        words.say("per_mu.below_land", "zh", mu="1")
    with pytest.raises(KeyError, match="typo"):
        words.say("per_mu.no_land", "zh", typo="x")


def test_error_carries_both_messages_and_the_code() -> None:
    err = words.error("common.missing_column", column="tax")
    assert isinstance(err, ValidationError)
    assert (err.zh, err.en) == ("数据缺少列 tax。", "Missing column tax.")
    assert err.words_code == "common.missing_column"  # type: ignore[attr-defined]
    assert "context" not in err.to_dict("zh")  # the JSON of an error is as it was
    assert isinstance(
        words.error("per_mu.no_average", DataError, scheme="a", indicator="b"), DataError
    )


def test_expr_words_each_row_like_say() -> None:
    df = pl.DataFrame({"mu": ["1.5", "2"]})
    out = df.select(words.expr("per_mu.below_land", "en", mu=pl.col("mu"), threshold=3))
    assert out.to_series().to_list() == [
        words.say("per_mu.below_land", "en", mu="1.5", threshold="3"),
        words.say("per_mu.below_land", "en", mu="2", threshold="3"),
    ]


def test_listing_uses_the_enumeration_comma_and_marks_more() -> None:
    assert words.listing(["a", "b"]) == "a、b"
    assert words.listing(["a", "b"], 2, 7) == "a、b …"
    assert words.listing(["a", "b"], 2, 2) == "a、b"


@pytest.mark.parametrize(
    ("text", "flaw"),
    [
        ('[x]\nzh = "中"\n', "exactly the keys zh and en"),
        ('[x]\nzh = "中"\nen = " "\n', "non-empty"),
        ('[x]\nzh = "{a:>3}"\nen = "{a}"\n', "plain name"),
        ('[x]\nzh = "{0}"\nen = "{0}"\n', "plain name"),
        ('[x]\nzh = "{a"\nen = "a"\n', "expected"),
    ],
)
def test_a_flawed_catalog_fails_at_load(tmp_path: Path, text: str, flaw: str) -> None:
    (tmp_path / "t.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=flaw):
        words.load_catalog(tmp_path)


def test_shipped_catalog_loads_and_braces_render() -> None:
    cat = words.catalog()
    assert cat, "the shipped catalog is empty"
    for code, t in cat.items():
        params = {p: f"<{p}>" for p in t.params}
        for lang in ("zh", "en"):
            text = words.say(code, lang, **params)
            assert "{" not in text and "}" not in text, (code, lang, text)


def _string_constants() -> set[str]:
    found: set[str] = set()
    for path in GAODI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


def test_every_code_used_is_in_the_catalog_and_every_catalog_code_is_used() -> None:
    cat = words.catalog()
    topics = sorted({code.split(".")[0] for code in cat})
    shape = re.compile(rf"^(?:{'|'.join(topics)})\.[a-z][a-z0-9_]*$")
    used = {s for s in _string_constants() if shape.match(s)}
    # a file name such as "per_mu.yaml" has the shape of a code but is no code
    used = {s for s in used if s.rsplit(".", 1)[1] not in {"yaml", "yml", "toml", "csv", "py"}}
    assert sorted(used - set(cat)) == []
    assert sorted(set(cat) - used) == []
