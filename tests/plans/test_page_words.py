"""The plans pages speak the page's language (audit E #6, #10): on an English page an indicator's
stored Chinese unit is said in English words ("100m yuan", "firms") and asides take ASCII
brackets; the review screen says an indicator's attributes in words ("point-in-time · higher is
better", not the codes "point · higher"), the demo's note in the page's language, and never
leaves a bare indicator code on a Chinese page (it is labelled 指标代码)."""

from __future__ import annotations

import html
import re

from tests.plans.test_views import web  # noqa: F401  (the fixture)

AS_OF = "2023-06"
HAN = re.compile(r"[\u4e00-\u9fff]")


def _text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_english_review_screen_says_attributes_in_words(web) -> None:  # noqa: F811
    _, c = web
    c["ana"].cookies.set("gaodi_lang", "en")
    text = _text(c["ana"].get("/plans/drafts/1").text)
    assert "point-in-time" in text and "higher is better" in text
    assert " · higher · " not in text and "point · " not in text
    assert "Demo target" in text and "示例目标" not in text
    # a target line: "≥ 100 firms (2023)", not "≥ 100 家（2023）"
    assert re.search(r"≥ [\d,]+ firms \(20\d\d\)", text), text[:2000]
    assert "家（" not in text and "亿元（" not in text


def test_chinese_review_screen_labels_the_indicator_code(web) -> None:  # noqa: F811
    _, c = web
    c["ana"].cookies.set("gaodi_lang", "zh")
    page = c["ana"].get("/plans/drafts/1").text
    codes = re.findall(r"(.{0,40})<code[^>]*>([a-z0-9_]+)</code>", page)
    assert codes
    assert all("指标代码" in before for before, _code in codes), codes[:3]
    text = _text(page)
    assert "示例目标" in text and "越高越好" in text and "家（2023）" in text  # Chinese as stored


def test_english_board_and_target_pages_say_units_in_english(web) -> None:  # noqa: F811
    _, c = web
    c["ana"].cookies.set("gaodi_lang", "en")
    board = c["ana"].get(f"/plans?as_of={AS_OF}")
    assert board.status_code == 200
    table = board.text.split('data-testid="board-table"', 1)[1].split("</table>", 1)[0]
    units = [
        _text(u).split(" · ")[-1]
        for u in re.findall(r'<div class="muted small">(.*?)</div>', table)
    ]
    assert units and "100m yuan" in units
    assert not any(HAN.search(u) for u in units if u not in ("%",)), units
    twin = c["ana"].get(f"/api/v1/plans/board?as_of={AS_OF}").json()
    row = next(r for a in twin["actions"] for r in a["rows"] if r["unit"] == "亿元")
    target = _text(c["ana"].get(f"/plans/targets/{row['target_id']}?as_of={AS_OF}").text)
    assert re.search(r"Target \S+ [\d,.]+ 100m yuan", target)
    assert "亿元" not in target.split("Target", 1)[1][:80]
    assert "Actual (" in target and "Actual（" not in target
    c["ana"].cookies.set("gaodi_lang", "zh")
    assert "亿元" in _text(c["ana"].get(f"/plans/targets/{row['target_id']}?as_of={AS_OF}").text)
