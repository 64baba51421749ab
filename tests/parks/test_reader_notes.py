"""The 亩均 method notes a reader sees: every shipped scheme explains itself in Chinese and in
English (the files' ``notes`` are the maintainers' English reasoning and stay off the pages)."""

from __future__ import annotations

import re

from gaodi.analytics.rulefiles import list_per_mu_rules, load_per_mu_rules

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_scheme_has_reader_notes_in_both_languages() -> None:
    for scheme in list_per_mu_rules():
        rules = load_per_mu_rules(scheme)
        assert rules.reader_notes, scheme
        for zh, en in rules.reader_notes:
            assert CJK.search(zh) and not re.search(r"[A-Za-z]{4,}", zh.replace("COD", "")), zh
            assert re.search(r"[A-Za-z]{4,}", en), en
        # the maintainers' notes are plain strings (a YAML slip once made one a mapping)
        assert all(isinstance(n, str) and not n.startswith("{") for n in rules.notes), scheme


def test_the_default_scheme_states_its_classes_and_coverage() -> None:
    zh = "".join(z for z, _en in load_per_mu_rules("default").reader_notes)
    assert "前20%为A类" in zh and "末5%为D类" in zh and "3亩" in zh
