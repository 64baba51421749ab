""" "Nothing changed" is told as information by a flag the error carries, not by its English
words (a reworded sentence turned it back into an error, and any refusal ending so became
information); the stylesheet has the information style the page uses."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from gaodi.core.errors import ConflictError
from gaodi.projects import projects
from gaodi.projects.views import common

CSS = Path(common.__file__).parents[2] / "web" / "static" / "css" / "gaodi.css"


class _Ctx:
    """The little of a page context run_step uses: flashes, a redirect, a rollback."""

    lang = "zh"

    def __init__(self) -> None:
        self.flashed: list[tuple[str, str]] = []
        self.session = self

    def rollback(self) -> None:
        pass

    def flash(self, message: str, kind: str = "success") -> None:
        self.flashed.append((kind, message))

    def redirect(self, url: str) -> str:
        return url


def _flashed(error: ConflictError) -> list[tuple[str, str]]:
    ctx: Any = _Ctx()

    def step() -> None:
        raise error

    common.run_step(ctx, "/projects/1", step, "done")
    return ctx.flashed


def test_the_figure_on_record_is_information_by_its_flag() -> None:
    replay = projects.unchanged("2023年度计划投资", "The annual plan of 2023", 120)
    assert replay.context["unchanged"] is True
    assert _flashed(replay) == [
        ("info", "2023年度计划投资与已填报数值相同（120 万元），未作更改。")
    ]
    # the flag, not the words: reworded, still information; a refusal ending so, an error
    assert (
        _flashed(ConflictError("未作更改。", "Same figure, kept.", unchanged=True))[0][0] == "info"
    )
    refusal = ConflictError("已被他人修改。", "Changed by someone else; nothing changed.")
    assert _flashed(refusal)[0][0] == "error"


def test_the_stylesheet_has_an_information_style() -> None:
    css = CSS.read_text(encoding="utf-8")
    rule = re.search(r"\.flash-info\s*\{([^}]*)\}", css)
    assert rule is not None and "background" in rule.group(1) and "color" in rule.group(1)
