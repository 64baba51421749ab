"""The questionnaire's explanation sheet speaks one language (audit H §11): the Chinese form's
说明 sheet printed the rule file's English notes ("缺失：official annex text (items, options,
points, level rules) of the 2024 edition") and English halves of the level caveats. The Chinese
sheet is now Chinese throughout (the notes from gaodi/smart/rules/form_notes.yaml); the English
one (the web download for an English reader) is English."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from importlib import resources

from openpyxl import load_workbook

from gaodi.analytics import digital
from gaodi.core.rulefile import read_yaml
from gaodi.smart import excel, service

# what a Chinese line may still hold in Latin letters: the command and file names it quotes
COMMAND = re.compile(r"gaodi smart assess|--file|\.xlsx|[A-Z]{2,}")


def _lines(data: bytes, sheet: str) -> list[str]:
    ws = load_workbook(io.BytesIO(data))[sheet]
    return [str(r[0]) for r in ws.iter_rows(values_only=True) if r[0]]


def test_the_chinese_sheet_has_no_english_words() -> None:
    lines = _lines(excel.build_form(service.scheme()), "说明")
    missing = [t for t in lines if t.startswith("缺失：")]
    assert len(missing) == len(service.scheme().missing) == 2
    assert any("官方附件原文" in t for t in missing)
    for text in lines:
        assert not re.search(r"[A-Za-z]{3,}", COMMAND.sub("", text)), text
    assert any("判定规则未经官方原文核对" in t for t in lines)


def test_the_english_sheet_is_english() -> None:
    data = excel.build_form(service.scheme(), lang="en")
    assert "说明" not in load_workbook(io.BytesIO(data)).sheetnames
    lines = _lines(data, "About")
    s = service.scheme()
    assert [t for t in lines if t.startswith("Missing: ")] == [f"Missing: {m}" for m in s.missing]
    assert "Level 2 rule not verified against the official text." in lines
    assert not any("缺失" in t or "核对" in t for t in lines)


def test_every_missing_note_of_a_scorable_scheme_has_its_chinese_line() -> None:
    notes = read_yaml(resources.files("gaodi.smart").joinpath("rules/form_notes.yaml"))
    rules = resources.files("gaodi.analytics").joinpath("rules/digital")
    schemes = [digital.load_scheme(p.name[:-5]) for p in rules.iterdir() if p.name[:5] == "miit_"]
    scorable = [s for s in schemes if s.scorable]
    assert scorable  # the forms exist for these only
    for s in scorable:
        assert set(s.missing) == set(notes["missing_zh"][s.id]), s.id


def test_a_note_the_rule_file_adds_later_shows_a_chinese_pointer() -> None:
    s = replace(service.scheme(), missing=(*service.scheme().missing, "a new gap"))
    lines = _lines(excel.build_form(s), "说明")
    assert lines[-1].startswith("缺失：规则文件 miit_sme_digital_2024.yaml")
    assert "a new gap" not in lines[-1]
