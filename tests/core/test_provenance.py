"""Provenance: citations parsed from free text and from name/address columns, in words."""

from __future__ import annotations

from types import SimpleNamespace

from gaodi.core.provenance import Provenance, provenance_of


def test_from_text() -> None:
    assert Provenance.from_text(None) == Provenance(None)
    assert Provenance.from_text("  ") == Provenance(None)
    assert Provenance.from_text("《市十四五规划》") == Provenance("《市十四五规划》")
    assert Provenance.from_text("省工信厅公示：https://gxt.example.gov.cn/x.html") == Provenance(
        "省工信厅公示", "https://gxt.example.gov.cn/x.html"
    )
    assert Provenance.from_text("https://a.example/b") == Provenance(None, "https://a.example/b")
    # the words that only led to the address go with it (chains.yaml: "…(2021—2023年), via …")
    assert Provenance.from_text("三年行动计划(2021—2023年), via https://a.example/p") == Provenance(
        "三年行动计划(2021—2023年)", "https://a.example/p"
    )
    assert Provenance.from_text("市政府公告，详见 https://a.example/q") == Provenance(
        "市政府公告", "https://a.example/q"
    )
    assert Provenance.from_text("指导意见 https://a.example/r").name == "指导意见"
    assert Provenance.from_text("Oversee https://a.example/r").name == "Oversee"


def test_describe() -> None:
    full = Provenance("统计年鉴 2023", "https://tjj.example/nj")
    assert full.describe() == "来源：统计年鉴 2023（https://tjj.example/nj）"
    assert full.describe("en") == "Source: 统计年鉴 2023 (https://tjj.example/nj)"
    assert Provenance(None, "https://a.example").describe("en") == "Source: https://a.example"
    assert Provenance("示例数据").describe("zh-CN") == "来源：示例数据"
    assert Provenance(None).describe() == "来源：未注明"
    assert not Provenance(None) and Provenance("x")


def test_provenance_of_both_shapes() -> None:
    margin = SimpleNamespace(source_name=" 行业利润率 ", source_url="")
    assert provenance_of(margin) == Provenance("行业利润率")
    chain = SimpleNamespace(source="链长制通知 https://gov.example/n")
    assert provenance_of(chain) == Provenance("链长制通知", "https://gov.example/n")
    assert provenance_of(SimpleNamespace()) == Provenance(None)


def test_bilingual_parts_read_in_the_readers_language() -> None:
    park = Provenance.from_text(
        "http://a.example/p.html；面积为示例数据 (area is synthetic)；级别待核实 (level uncertain)"
    )
    assert park.url == "http://a.example/p.html"
    assert park.describe("zh") == "来源：面积为示例数据；级别待核实（http://a.example/p.html）"
    assert (
        park.describe("en")
        == "Source: area is synthetic; level uncertain (http://a.example/p.html)"
    )
    plain = Provenance("大数据(含地理信息)")  # Chinese in the brackets: not a translation
    assert plain.describe("en") == "Source: 大数据(含地理信息)"


def test_brackets_around_the_address_go_with_it() -> None:
    assert Provenance.from_text("统计年鉴（https://a.example/n）") == Provenance(
        "统计年鉴", "https://a.example/n"
    )
    assert Provenance.from_text("Yearbook (https://a.example/n), table 3") == Provenance(
        "Yearbook, table 3", "https://a.example/n"
    )
