"""CJK fonts for reports, found through matplotlib's font manager.

Each typographic role of a Chinese official document (GB/T 9704-2012 党政机关公文格式) names
the official font first and a free fallback from Debian's ``fonts-noto-cjk`` package:

=======  ==========================================  =====================
role     official (used when installed)              fallback
=======  ==========================================  =====================
title    方正小标宋简体 / 华文中宋 (2号, bold)        Noto Serif CJK SC Bold
body     仿宋_GB2312 / 仿宋 / FangSong (3号)         Noto Serif CJK SC
h1       黑体 / SimHei                                Noto Sans CJK SC
h2       楷体_GB2312 / 楷体 / KaiTi                   AR PL UKai CN, Noto Serif CJK SC
h3       the body font, bold                          Noto Serif CJK SC Bold
chart    Noto Sans CJK SC / 黑体                      (one of them)
=======  ==========================================  =====================

Two documents are written from these roles. The **Word file** a user downloads names the
official fonts of GB/T 9704-2012 §5.2.2, §7.3.1 and §7.3.3 (:func:`office_fonts`: 方正小标宋简体,
仿宋_GB2312, 黑体, 楷体_GB2312), with a substitute for each in the font table (``w:altName``
华文中宋, 仿宋, SimHei, 楷体, and the GB2312 character set, so Word on an office PC without the
``_GB2312`` fonts falls back to 仿宋/楷体 and then to 宋体). The Word file that LibreOffice turns
into the **server's PDF** names the fonts chosen here from what is installed, so the PDF embeds
them: the official ones when installed, else Noto Serif CJK SC for 小标宋/仿宋/楷体 and Noto
Sans CJK SC for 黑体.
Without any CJK font a report is refused with a clear message naming the
Debian package, never drawn with empty boxes (tofu).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from gaodi.core.errors import GaodiError

FONT_PACKAGE = "fonts-noto-cjk"
SANS_FALLBACK = "Noto Sans CJK SC"
SERIF_FALLBACK = "Noto Serif CJK SC"

OFFICIAL: dict[str, tuple[str, ...]] = {
    "title": ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong"),
    "body": ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong"),
    "h1": ("黑体", "SimHei", "STHeiti"),
    "h2": ("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "STKaiti"),
    "h3": ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong"),
    "chart": (SANS_FALLBACK, "黑体", "SimHei", "Source Han Sans SC", "WenQuanYi Zen Hei"),
}
FALLBACK: dict[str, tuple[str, ...]] = {
    "title": (SERIF_FALLBACK, SANS_FALLBACK),
    "body": (SERIF_FALLBACK, SANS_FALLBACK),
    "h1": (SANS_FALLBACK, SERIF_FALLBACK),
    "h2": ("AR PL UKai CN", SERIF_FALLBACK, SANS_FALLBACK),  # fonts-arphic-ukai: a real 楷体
    "h3": (SERIF_FALLBACK, SANS_FALLBACK),
    "chart": (SERIF_FALLBACK,),
}


#: The names a Word file gives each role (GB/T 9704-2012 §7.3.1 title 2号小标宋体; §5.2.2 body
#: 3号仿宋体; §7.3.3 一级标题 黑体, 二级标题 楷体, 三级标题 仿宋; §7.5 page numbers 4号宋体).
OFFICE: dict[str, str] = {
    "title": "方正小标宋简体",
    "body": "仿宋_GB2312",
    "h1": "黑体",
    "h2": "楷体_GB2312",
    "h3": "仿宋_GB2312",
}
OFFICE_PAGE_NUMBER = "宋体"
#: Word's font table for the office names: (substitute Word uses when the font is missing
#: (w:altName), family). All are GB2312 fonts (w:charset 86), so a PC without the substitute
#: still gets a Simplified Chinese font (宋体) rather than a Latin one.
OFFICE_TABLE: dict[str, tuple[str, str]] = {
    "方正小标宋简体": ("华文中宋", "roman"),
    "仿宋_GB2312": ("仿宋", "modern"),
    "黑体": ("SimHei", "modern"),
    "楷体_GB2312": ("楷体", "modern"),
    "宋体": ("SimSun", "auto"),
}


class ToolMissing(GaodiError):
    """A system package the report needs is not installed (fonts, LibreOffice)."""

    status_code = 503
    code = "tool_missing"


@dataclass(frozen=True)
class FontSet:
    title: str
    body: str
    h1: str
    h2: str
    h3: str
    chart: str
    chart_path: str
    official: bool  # whether the body font is the official 仿宋


def installed_fonts() -> dict[str, str]:
    """Family name -> file of every font matplotlib's font manager knows."""
    from matplotlib import font_manager

    out: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        out.setdefault(entry.name, entry.fname)
    return out


def _choose(role: str, fonts: dict[str, str]) -> str | None:
    for name in OFFICIAL[role] + FALLBACK[role]:
        if name in fonts:
            return name
    return None


@lru_cache(maxsize=1)
def font_set() -> FontSet:
    """The fonts of every role; raises :class:`ToolMissing` without a CJK font."""
    fonts = installed_fonts()
    chosen = {role: _choose(role, fonts) for role in OFFICIAL}
    if any(name is None for name in chosen.values()):
        raise ToolMissing(
            "找不到中文字体，无法生成报告。请安装 Debian 软件包 "
            f"{FONT_PACKAGE}（apt-get install {FONT_PACKAGE}）或官方仿宋、黑体、楷体字体后重试。",
            f"No CJK font found, so the report cannot be made. Install the Debian package "
            f"{FONT_PACKAGE} (apt-get install {FONT_PACKAGE}) or the official FangSong, "
            "SimHei and KaiTi fonts, then try again.",
        )
    names = {role: str(name) for role, name in chosen.items()}
    return FontSet(
        **names,
        chart_path=fonts[names["chart"]],
        official=names["body"] in OFFICIAL["body"],
    )


def office_fonts() -> FontSet:
    """The roles as a Word file for office PCs names them (:data:`OFFICE`); charts keep the
    installed font they are drawn with."""
    return replace(font_set(), **OFFICE, official=True)
