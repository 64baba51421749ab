"""Chinese and Arabic numerals, magnitude words (万/亿/万亿) and units, as written in plans.

A plan writes "2500亿元", "1.5万亿元", "三千亿", "1—2个", "百分之三十", "30%", "5个千亿级园区".
This module reads such quantities and keeps the unit *as written*: the magnitude word stays in
the unit ("2500亿元" is 2500 in the unit "亿元"), so a target reads back exactly as the plan says
it. :func:`to_base` converts to the base unit when a computation needs it.

Pure Chinese numerals ("三千", "二十二", "一百零五") are converted by ``cn2an``; this module
only splits the trailing magnitude word (万, 亿, 万亿) off first, because ``cn2an`` turns
"三千亿" into 300000000000 and would lose the unit as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an
import opencc

from gaodi.core.errors import ValidationError

# Full-width forms that plans mix with ASCII; one character each, so offsets are preserved.
_WIDTH = str.maketrans(
    "０１２３４５６７８９％．＋／：（）～ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
    "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ",
    "0123456789%.+/:()~ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
)

CN_DIGITS = "零〇一二两三四五六七八九"
_CN_NUM_CHARS = CN_DIGITS + "十百千万亿"

# Units as plans write them, longest first so "个百分点" wins over "个", "千瓦时" over "千瓦".
COUNT_UNITS: tuple[str, ...] = (
    "个",
    "家",
    "项",
    "户",
    "座",
    "条",
    "名",
    "人",
    "台",
    "套",
    "辆",
    "件",
    "所",
    "款",
    "只",
    "艘",
    "架",
    "部",
    "支",
    "处",
    "栋",
    "间",
    "张",
    "株",
    "头",
    # cotton spindles, a textile plan's capacity ("新增棉纺100万锭")
    "锭",
)
MEASURE_UNITS: tuple[str, ...] = (
    "个百分点",
    "百分点",
    "人次",
    "美元",
    "元",
    "吨标准煤",
    "吨",
    "公斤",
    "千克",
    "斤",
    "千瓦时",
    "千瓦",
    "兆瓦",
    "吉瓦",
    "瓦",
    "平方公里",
    "平方米",
    "立方米",
    "公顷",
    "亩",
    "公里",
    "千米",
    "倍",
    "标箱",
    # battery and storage capacity, written in several cases ("60GWh", "60Gwh")
    "GWh",
    "Gwh",
    "GWH",
    "MWh",
    "kWh",
    "GW",
    "MW",
    "kW",
    "TEU",
    # electricity and gas as plans write them: "发电量达到640亿度", "天然气产量350亿方"
    "度",
    "方",
)
_PER_UNITS = ("万人", "人", "万元", "元", "亩", "年", "吨", "户", "平方米", "公顷", "千瓦时")

_ALL_UNITS = sorted(MEASURE_UNITS + COUNT_UNITS, key=len, reverse=True)
# units read only after 万 or 亿 ("640亿度" of electricity, "350亿方" of gas)
_MAGNITUDE_ONLY = frozenset({"度", "方"})
_MULTIPLIERS_ARABIC = ("万亿", "千亿", "百亿", "十亿", "千万", "百万", "十万", "亿", "万")
_MULTIPLIER_VALUE = {
    "万亿": 1e12,
    "千亿": 1e11,
    "百亿": 1e10,
    "十亿": 1e9,
    "亿": 1e8,
    "千万": 1e7,
    "百万": 1e6,
    "十万": 1e5,
    "万": 1e4,
    "千": 1e3,
    "": 1.0,
}
_RANGE_SEPARATORS = "—–-~～至到"
# characters that make "成" part of a word after a number ("3成员", "5成品", "一成不变")
_CHENG_WORDS = "为立本员果功熟品都效绩长交型套不"
_APPROX = ("多", "余")

_NUMBER_START = re.compile(r"\d|[零〇一二两三四五六七八九十百千]")
_ARABIC = re.compile(r"\d+(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?")
_CHINESE = re.compile(
    r"[零〇一二两三四五六七八九十百千][零〇一二两三四五六七八九十百千万亿]*(?:点[零〇一二三四五六七八九]+)?"
)


def normalize_width(text: str) -> str:
    """Map full-width digits, letters and ``％．＋／：（）～`` to ASCII, a year written in
    Chinese digits ("二〇二五年") to Arabic ones, and traditional characters to simplified
    ones, keeping the length.

    >>> normalize_width("２５００亿元，增长３０％")
    '2500亿元，增长30%'
    >>> normalize_width("到二〇二五年，展望二○三五年")
    '到2025年，展望2035年'
    >>> normalize_width("預計全年增長10%左右")
    '预计全年增长10%左右'
    """
    return _CHINESE_YEAR.sub(_arabic_year, to_simplified(text).translate(_WIDTH))


# Pages are reposted in traditional characters (預計，全年…增長10%); the cue words are written in
# simplified ones. OpenCC's t2s converts phrase by phrase (乾隆 stays, 乾燥 becomes 干燥).
_T2S = opencc.OpenCC("t2s")


def _traditional_chars() -> re.Pattern[str]:
    # the characters t2s changes on their own, found once (a few ms) so that the many short
    # strings already in simplified characters skip the converter
    chars = "".join(chr(i) for i in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000)))
    out = _T2S.convert(chars)
    changed = {a for a, b in zip(chars, out, strict=False) if a != b}
    return re.compile("[" + "".join(sorted(changed)) + "]")


_TRADITIONAL = _traditional_chars()


def to_simplified(text: str) -> str:
    """``text`` in simplified characters, of the same length (offsets into it are offsets into
    the original, so a quote is cut from the text as written).

    Text already simplified is returned as it is. Where a phrase would convert to a different
    length, the text is converted character by character instead.

    >>> to_simplified("規上工業產值超2000億")
    '规上工业产值超2000亿'
    """
    if text.isascii() or not _TRADITIONAL.search(text):
        return text
    out = _T2S.convert(text)
    if len(out) == len(text):
        return out
    return "".join(c if len(s := _T2S.convert(c)) != 1 else s for c in text)


# "二〇二五年", "二○二○年", "一九九八年": formal documents write years digit by digit
_CHINESE_YEAR = re.compile(r"(?:一九|二[〇○零])[〇○零一二三四五六七八九]{2}(?=\s*年)")
_YEAR_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")


def _arabic_year(m: re.Match[str]) -> str:
    return m.group().translate(_YEAR_DIGITS)


def chinese_to_number(numeral: str) -> float:
    """Value of a Chinese numeral such as "三千", "二十二", "一万五千", "百", "一点五".

    >>> chinese_to_number("三千"), chinese_to_number("二十二"), chinese_to_number("百")
    (3000.0, 22.0, 100.0)
    """
    s = numeral.replace("两", "二")
    if s and s[0] in "十百千万亿":
        s = "一" + s if s[0] != "十" else s
    try:
        return float(cn2an.cn2an(s, "normal"))
    except (ValueError, KeyError) as exc:
        raise ValidationError(
            f"无法识别的中文数字：{numeral}", f"Not a Chinese numeral: {numeral}"
        ) from exc


def _split_chinese_multiplier(numeral: str) -> tuple[str, str]:
    """Split "三千亿" into ("三千", "亿"); "一万五千" has no trailing magnitude word."""
    m = re.search(r"(万亿|亿|万)+$", numeral)
    if m is None or m.start() == 0:
        return numeral, ""
    return numeral[: m.start()], numeral[m.start() :]


def parse_number(text: str) -> float:
    """Value of a number with its magnitude word: "2500", "1.5万亿", "三千亿", "1,200".

    >>> parse_number("1.5万亿")
    1500000000000.0
    >>> parse_number("三千亿")
    300000000000.0
    """
    s = normalize_width(text.strip())
    m = _ARABIC.match(s)
    if m:
        rest = s[m.end() :]
        mult = next((w for w in _MULTIPLIERS_ARABIC if rest == w), "" if not rest else None)
        if mult is None:
            raise ValidationError(f"无法识别的数字：{text}", f"Not a number: {text}")
        return float(m.group().replace(",", "")) * _MULTIPLIER_VALUE[mult]
    m = _CHINESE.fullmatch(s)
    if m:
        numeral, mult = _split_chinese_multiplier(s)
        return chinese_to_number(numeral) * _MULTIPLIER_VALUE.get(mult, 1e12)
    raise ValidationError(f"无法识别的数字：{text}", f"Not a number: {text}")


@dataclass(frozen=True)
class Quantity:
    """One quantity found in a text, with its span.

    ``value``/``value_max`` are in ``unit`` *as written* ("2500亿元" gives 2500 and "亿元");
    ``kind`` is "count" (个, 家 …), "measure" (元, 吨 …), "percent", "scale" (a scale label
    such as "千亿级", not a quantity of anything) or "bare" (no unit).
    """

    value: float
    value_max: float | None
    unit: str | None
    start: int
    end: int
    raw: str
    kind: str
    multiplier: str = ""
    approx: str = ""
    chinese: bool = False

    @property
    def base_unit(self) -> str | None:
        """The unit without its magnitude word ("亿元" -> "元")."""
        if self.unit is None:
            return None
        return self.unit[len(self.multiplier) :] or None


def _read_number(s: str, i: int) -> tuple[float, int, bool] | None:
    m = _ARABIC.match(s, i)
    if m:
        return float(m.group().replace(",", "")), m.end(), False
    m = _CHINESE.match(s, i)
    if m is None:
        return None
    numeral, _ = _split_chinese_multiplier(m.group())
    if not numeral:
        return None
    try:
        value = chinese_to_number(numeral)
    except ValidationError:
        return None
    return value, m.start() + len(numeral), True


def _read_unit(s: str, i: int) -> tuple[str, int]:
    if s.startswith("台阶", i):
        # "跃上两千亿台阶": a level of money to reach (元 unsaid), not machines (台)
        return ("元", i) if i > 0 and s[i - 1] in "万亿" else ("", i)
    for unit in _ALL_UNITS:
        if s.startswith(unit, i):
            if unit in _MAGNITUDE_ONLY and not (i > 0 and s[i - 1] in "万亿"):
                continue  # "一度", "三方", "年度": words; "640亿度", "350亿方": energy
            j = i + len(unit)
            if j < len(s) and s[j] == "/":
                for per in _PER_UNITS:
                    if s.startswith(per, j + 1):
                        return unit + "/" + per, j + 1 + len(per)
            return unit, j
    return "", i


def _skip_web_space(s: str, j: int) -> int:
    """Past the spaces web pages put between an Arabic number and its unit ("新增 1 个 5000 亿级
    产业"), when a unit, multiplier or % follows them; else ``j`` unchanged."""
    k = j
    while k < len(s) and s[k] in " \t\u3000":
        k += 1
    if k == j or k >= len(s):
        return j
    if s[k] == "%" or any(s.startswith(w, k) for w in _MULTIPLIERS_ARABIC):
        return k
    return k if _read_unit(s, k)[0] else j


# two neighbouring digits written together are a rough count between them (概数): "两三个" is
# 2 to 3, "七八家" 7 to 8, "三五个" 3 to 5 — not 23, 78 or 35
_ROUGH_PAIRS = frozenset({"一二", "二三", "三四", "四五", "五六", "六七", "七八", "八九", "三五"})


def _quantity_at(s: str, i: int) -> Quantity | None:
    """Read the quantity that starts at ``s[i]`` (already width-normalised), if any."""
    first = _read_number(s, i)
    if first is None:
        return None
    value, j, chinese = first
    n = len(s)
    value_max: float | None = None
    if chinese and s[i:j].replace("两", "二") in _ROUGH_PAIRS:
        value, value_max = chinese_to_number(s[i]), chinese_to_number(s[i + 1])
    # range "1—2个", "3-5个", "8~10个": a separator and a second number of the same script
    if j < n and s[j] in _RANGE_SEPARATORS:
        second = _read_number(s, j + 1)
        if second is not None and second[2] == chinese and second[0] > value:
            value_max, j = second[0], second[1]
    # "6%-6.5%": a range whose low end repeats the percent sign
    if value_max is None and s.startswith("%", j) and j + 1 < n and s[j + 1] in _RANGE_SEPARATORS:
        second = _read_number(s, j + 2)
        same_sign = second is not None and s.startswith("%", second[1])
        if second is not None and same_sign and not second[2] and second[0] > value:
            value_max, j = second[0], second[1]
    # "之比达到2.3:1": a ratio to one, read as the first term ("23:53:24" and "10:30" are not)
    if (
        not chinese
        and value_max is None
        and s.startswith(":1", j)
        and not (j + 2 < n and (s[j + 2].isdigit() or s[j + 2] in ".:"))
        and "比" in s[max(0, i - 8) : i]
    ):
        return Quantity(value, None, ":1", i, j + 2, s[i : j + 2], "measure")
    if not chinese:
        j = _skip_web_space(s, j)
    approx = ""
    if j < n and s[j] in _APPROX:
        approx, j = s[j], j + 1
    mult = ""
    if s.startswith("个亿", j) and not re.match(r"元?(?:级|以上|及以上)", s[j + 2 : j + 6]):
        # "产值达到2个亿": the spoken "N个亿" is N 亿 (not "一个亿级项目", "6000个亿元以上项目":
        # things counted by their size)
        j += 1
    words = _MULTIPLIERS_ARABIC if not chinese else ("万亿", "亿", "万")
    for w in words:
        if s.startswith(w, j):
            mult, j = w, j + len(w)
            break
    if not approx and j < n and s[j] in _APPROX:
        approx, j = s[j], j + 1
    # "7成", "九成以上": tenths, read as a percentage ("成为", "成本" … are words)
    if (
        not mult
        and value_max is None
        and j < n
        and s[j] == "成"
        and not (j + 1 < n and s[j + 1] in _CHENG_WORDS)
    ):
        return Quantity(
            value * 10, None, "%", i, j + 1, s[i : j + 1], "percent", approx=approx, chinese=chinese
        )
    if j < n and s[j] == "%":
        return Quantity(
            value, value_max, "%", i, j + 1, s[i : j + 1], "percent", approx=approx, chinese=chinese
        )
    if j < n and s[j] == "‰":  # "人口自然增长率控制在3‰以内": per mille, kept as written
        return Quantity(
            value, value_max, "‰", i, j + 1, s[i : j + 1], "percent", approx=approx, chinese=chinese
        )
    unit, k = _read_unit(s, j)
    if k < n and s[k] == "级":
        return Quantity(
            value,
            value_max,
            (mult + unit) or None,
            i,
            k + 1,
            s[i : k + 1],
            "scale",
            multiplier=mult,
            chinese=chinese,
        )
    if unit == "元" and chinese and not mult:
        return None  # "三元材料", "一元化": words, not amounts of money
    if unit:
        base = unit.split("/")[0]
        kind = "count" if base in COUNT_UNITS and "/" not in unit else "measure"
        if base in ("个百分点", "百分点"):
            kind = "percent"
        return Quantity(
            value,
            value_max,
            mult + unit,
            i,
            k,
            s[i:k],
            kind,
            multiplier=mult,
            approx=approx,
            chinese=chinese,
        )
    if mult:
        return Quantity(
            value,
            value_max,
            mult,
            i,
            j,
            s[i:j],
            "bare",
            multiplier=mult,
            approx=approx,
            chinese=chinese,
        )
    if chinese:
        return None  # a Chinese numeral with no unit is a word ("一体化", "三高四新")
    return Quantity(value, value_max, None, i, j, s[i:j], "bare", approx=approx)


_FRACTION = re.compile(r"([二三四五六七八九十]+)分之([一二三四五六七八九十]+)")
_DOUBLING = re.compile(r"翻([一两二三])番")
_DOUBLINGS = {"一": 1, "二": 2, "两": 2, "三": 3}
# "四大产业集群", "十大产业链": a Chinese count with 大 in place of a classifier
# (not "十九大", "二十大": party congresses, which the scanner skips as one numeral word)
_BIG_COUNT = re.compile(r"([两三四五六七八九十])大(?=[\u4e00-\u9fff“\"0-9])")
# "打造5大千亿产业集群": the same count in Arabic digits (not "第5大", an ordinal, nor "党的20大",
# a congress: "20大精神", "20大以来")
# (nor "10大类", kinds rather than things)
_BIG_COUNT_ARABIC = re.compile(
    r"([1-9]\d?)大(?=[\u4e00-\u9fff“\"])(?!精神|报告|以来|召开|代表|会|类)"
)


def _doubling(s: str, i: int) -> Quantity | None:
    """ "翻一番" is twice the base, "翻两番" four times: a multiple in the unit 倍."""
    m = _DOUBLING.match(s, i)
    if m is None:
        return None
    value = float(2 ** _DOUBLINGS[m.group(1)])
    return Quantity(value, None, "倍", i, m.end(), m.group(), "measure", chinese=True)


_PERCENT_CN = re.compile(
    r"百分之([零〇一二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?|\d+(?:\.\d+)?)"
)


# "突破万亿元", "达到千亿元级规模": a magnitude word with no numeral before it is one of it,
# but only after a verb that sets a level (else "万亿元" is a word in a name or a class)
# ("规模达到万亿级。": the class as a level, when no noun it would class follows; "目标产值破万亿"
# at the end of a headline: 元 unsaid)
_BARE_MAGNITUDE = re.compile(
    r"(?:(?<=突破|达到|超过|迈上|跨上|站上)|(?<=[过超达破]))(万亿|千亿|百亿)"
    r"(?:元(级(?=水平|规模))?|级(?=水平|规模|[^\u4e00-\u9fff]|$)|(?<=破万亿|破千亿|破百亿)(?=[^\u4e00-\u9fff]|$))"
)
_BARE_MAGNITUDE_VALUE = {"万亿": (1.0, "万亿元"), "千亿": (1000.0, "亿元"), "百亿": (100.0, "亿元")}


def _bare_magnitudes(s: str) -> list[Quantity]:
    out = []
    for m in _BARE_MAGNITUDE.finditer(s):
        value, unit = _BARE_MAGNITUDE_VALUE[m.group(1)]
        out.append(
            Quantity(value, None, unit, m.start(), m.end(), m.group(), "measure", chinese=True)
        )
    return out


def scan_quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text`` with its span, left to right.

    Numbers glued to Latin letters ("5G", "C919") are names, not quantities; a Chinese
    numeral counts only with a unit or a magnitude word.

    >>> found = scan_quantities("打造1个3000亿级园区、5个千亿级园区")
    >>> [(q.raw, q.value, q.unit, q.kind) for q in found]  # doctest: +NORMALIZE_WHITESPACE
    [('1个', 1.0, '个', 'count'), ('3000亿级', 3000.0, '亿', 'scale'),
     ('5个', 5.0, '个', 'count'), ('千亿级', 1000.0, '亿', 'scale')]
    """
    s = normalize_width(text)
    out: list[Quantity] = []
    bare = _bare_magnitudes(s)
    i, n = 0, len(s)
    while i < n:
        m = _PERCENT_CN.search(s, i)
        d = _NUMBER_START.search(s, i)
        b = next((q for q in bare if q.start >= i), None)
        if b is not None and all(x is None or b.start <= x.start() for x in (m, d)):
            out.append(b)
            i = b.end
            continue
        if d is None and m is None:
            break
        if m is not None and (d is None or m.start() <= d.start()):
            raw = m.group(1)
            try:
                value = float(raw) if raw[0].isdigit() else chinese_to_number(raw)
            except ValidationError:  # "百分之三十百": not a numeral
                i = m.end()
                continue
            out.append(
                Quantity(
                    value,
                    None,
                    "%",
                    m.start(),
                    m.end(),
                    m.group(),
                    "percent",
                    chinese=not raw[0].isdigit(),
                )
            )
            i = m.end()
            continue
        assert d is not None
        start = d.start()
        if start > 0 and s[start - 1] == "翻" and (q := _doubling(s, start - 1)) is not None:
            out.append(q)
            i = q.end
            continue
        frac = _FRACTION.match(s, start)
        if frac is not None:  # "三分之一": a share, read as a percentage
            share = chinese_to_number(frac.group(2)) * 100 / chinese_to_number(frac.group(1))
            out.append(
                Quantity(share, None, "%", start, frac.end(), frac.group(), "percent", chinese=True)
            )
            i = frac.end()
            continue
        big = _BIG_COUNT.match(s, start)
        if big is not None and not (start > 0 and s[start - 1] in _CN_NUM_CHARS):
            value = chinese_to_number(big.group(1))
            out.append(
                Quantity(value, None, "个", start, big.end(), big.group(), "count", chinese=True)
            )
            i = big.end()
            continue
        big = _BIG_COUNT_ARABIC.match(s, start)
        if big is not None and not (
            start > 0 and (s[start - 1] in "第的" or s[start - 1].isdigit())
        ):
            value = float(big.group(1))
            out.append(Quantity(value, None, "个", start, big.end(), big.group(), "count"))
            i = big.end()
            continue
        if s[start].isdigit() and start > 0 and (s[start - 1].isascii() and s[start - 1].isalpha()):
            i = _ARABIC.match(s, start).end()  # type: ignore[union-attr]
            continue
        q = _quantity_at(s, start)
        if q is None:
            i = start + 1
            while i < n and s[i] in _CN_NUM_CHARS:
                i += 1
            continue
        if q.end < n and s[q.end].isascii() and s[q.end].isalpha() and q.unit is None:
            i = q.end
            continue
        if q.chinese and set(q.raw) & _ZERO and q.value == 0:
            i = q.end  # "零部件": 零 alone is a word, not a count of nothing
            continue
        out.append(q)
        i = q.end
    return out


_ZERO = frozenset("零〇")


def parse_quantity(text: str) -> Quantity:
    """The quantity at the start of ``text``: "2500亿元", "1—2个", "百分之三十", "5个千亿级园区".

    >>> q = parse_quantity("2500亿元")
    >>> q.value, q.unit
    (2500.0, '亿元')
    """
    found = scan_quantities(text)
    if not found or found[0].start != len(text) - len(text.lstrip()):
        raise ValidationError(f"找不到数量：{text}", f"No quantity at the start of: {text}")
    return found[0]


def scale_of(label: str) -> float:
    """The magnitude a scale label names: "千亿级" -> 1e11, "3000亿级" -> 3e11.

    >>> scale_of("千亿级"), scale_of("3000亿级")
    (100000000000.0, 300000000000.0)
    """
    s = normalize_width(label.strip()).removesuffix("级").removesuffix("元")
    try:
        return parse_number(s)
    except ValidationError:
        if s in _MULTIPLIER_VALUE and s:
            return _MULTIPLIER_VALUE[s]
        raise


def to_base(value: float, unit: str | None) -> tuple[float, str | None]:
    """Express ``value`` in ``unit`` without its magnitude word: (2500, "亿元") -> (2.5e11, "元").

    >>> to_base(2500, "亿元")
    (250000000000.0, '元')
    >>> to_base(1.5, "万家")
    (15000.0, '家')
    """
    if not unit:
        return value, unit
    for w in _MULTIPLIERS_ARABIC:
        if unit.startswith(w) and len(unit) > len(w):
            return value * _MULTIPLIER_VALUE[w], unit[len(w) :]
        if unit == w:
            return value * _MULTIPLIER_VALUE[w], None
    return value, unit
