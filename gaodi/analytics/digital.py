"""MIIT SME digital level: schemes, answer validation, scoring, gap to the next level.

Pure functions over the MIIT schemes kept as versioned data files in
``gaodi/analytics/rules/digital/`` (中小企业数字化水平评测指标 2022 and 2024). The only
reading done here is of those packaged rule files (:func:`read_rule`, :func:`load_scheme`);
every other function is pure. GB/T 39116/39117 maturity lives in
:mod:`gaodi.analytics.digital_maturity`; roll-ups and provider matching in
:mod:`gaodi.analytics.digital_rollup`.

Answers to a questionnaire are ``{item_code: option_code}`` for single-choice items and
``{item_code: [option_code, ...]}`` for multiple-choice items; scenario ratings (数字化经营 in
the 2024 edition) are ``{scenario_code: level 0..4}``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from gaodi.core import words
from gaodi.core.errors import DataError
from gaodi.core.rulefile import read_yaml

__all__ = [
    "DigitalScore",
    "Item",
    "Level",
    "LevelGap",
    "Move",
    "Option",
    "Response",
    "Scenario",
    "ScenarioShortfall",
    "Scheme",
    "attained_level",
    "capability_needs",
    "gap_to_next_level",
    "load_scheme",
    "read_rule",
    "scheme_from_dict",
    "score_response",
    "validate_answers",
]

_RULES = "rules/digital"
_EPS = 1e-9
NO_LEVEL_ZH = words.say("digital.no_level", "zh")


def _r(x: float) -> float:
    """Round a points sum to 6 decimals so 13 x 0.7 + 0.9 is 10.0, not 9.999999999999998."""
    return round(x, 6) + 0.0


# ----------------------------------------------------------------------------- schemes
@dataclass(frozen=True)
class Option:
    code: str
    label_zh: str
    points: float
    exclusive: bool = False


@dataclass(frozen=True)
class Item:
    code: str
    dimension: str
    title_zh: str
    kind: Literal["single", "multi"]
    options: tuple[Option, ...]
    capability: str | None = None
    source: str = ""

    @property
    def max_points(self) -> float:
        if self.kind == "single":
            return max(o.points for o in self.options)
        return _r(math.fsum(o.points for o in self.options if not o.exclusive))

    def points(self, chosen: frozenset[str]) -> float:
        return _r(math.fsum(o.points for o in self.options if o.code in chosen))


@dataclass(frozen=True)
class Level:
    code: int
    name_zh: str
    min_score: float
    scenario_level: int | None = None
    min_scenarios: int = 0
    min_binding: int = 0
    verified: bool = True


@dataclass(frozen=True)
class Scenario:
    code: str
    name_zh: str
    binding: bool
    capability: str | None
    levels_zh: tuple[str, ...]


@dataclass(frozen=True)
class Scheme:
    id: str
    version: str
    title_zh: str
    document_number: str
    dimensions: tuple[tuple[str, str, bool], ...]  # (code, name_zh, scored)
    items: tuple[Item, ...]
    levels: tuple[Level, ...]
    scenarios: tuple[Scenario, ...]
    scorable: bool
    missing: tuple[str, ...] = ()
    # The scheme's own documents are Chinese; the English title is a translation for English pages.
    title_en: str = ""
    # The same for the dimensions: (code, name_en) from the rule file's name_en, where given.
    dimension_names_en: tuple[tuple[str, str], ...] = ()

    def item(self, code: str) -> Item:
        for it in self.items:
            if it.code == code:
                return it
        raise words.error(
            "digital.unknown_item",
            context={"item": code},
            item=code,
            title_zh=self.title_zh,
            scheme=self.id,
        )

    def dimension_name(self, code: str, *, english: bool = False) -> str:
        """A dimension's published (Chinese) name, or its English translation for English pages
        (the Chinese name when the rule file gives none; the code for an unknown dimension).

        Examples
        --------
        >>> s = scheme_from_dict({"id": "t", "title_zh": "测试", "levels": [],
        ...     "dimensions": [{"code": "d", "name_zh": "维度", "name_en": "Dimension"},
        ...                    {"code": "e", "name_zh": "另一维度"}]})
        >>> s.dimension_name("d"), s.dimension_name("d", english=True)
        ('维度', 'Dimension')
        >>> s.dimension_name("e", english=True), s.dimension_name("x")
        ('另一维度', 'x')
        """
        zh = {code: name for code, name, _ in self.dimensions}
        if english and code in dict(self.dimension_names_en):
            return dict(self.dimension_names_en)[code]
        return zh.get(code, code)

    def level_name(self, code: int) -> str:
        return next((lv.name_zh for lv in self.levels if lv.code == code), NO_LEVEL_ZH)

    @property
    def caveats(self) -> tuple[str, ...]:
        out = [
            "{} ({}).".format(
                *words.both("digital.level_unverified", level_name=lv.name_zh, level=lv.code)
            )
            for lv in self.levels
            if not lv.verified
        ]
        return tuple(out)


def _need(data: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise words.error("digital.rule_field_missing", DataError, key=key, where=where)
    return data[key]


def scheme_from_dict(data: Mapping[str, Any]) -> Scheme:
    """Build and check a :class:`Scheme` from the mapping of a rule file.

    Examples
    --------
    >>> s = scheme_from_dict({"id": "t", "version": "1", "title_zh": "测试", "scorable": True,
    ...     "dimensions": [{"code": "d", "name_zh": "维度"}],
    ...     "items": [{"code": "q", "dimension": "d", "title_zh": "题", "kind": "single",
    ...                "options": [{"code": "A", "label_zh": "否", "points": 0},
    ...                            {"code": "B", "label_zh": "是", "points": 50}]}],
    ...     "levels": [{"code": 1, "name_zh": "一级", "min_score": 20}]})
    >>> s.item("q").max_points
    50.0
    """
    sid = str(_need(data, "id", "scheme"))
    dims = tuple(
        (str(d["code"]), str(d["name_zh"]), bool(d.get("scored", True)))
        for d in _need(data, "dimensions", sid)
    )
    dim_codes = {d[0] for d in dims}
    items: list[Item] = []
    for raw in data.get("items") or []:
        code = str(_need(raw, "code", sid))
        kind = raw.get("kind")
        opts = tuple(
            Option(
                str(o["code"]),
                str(o["label_zh"]),
                float(o["points"]),
                bool(o.get("exclusive", False)),
            )
            for o in raw.get("options") or []
        )
        problems = []
        if kind not in ("single", "multi"):
            problems.append(f"kind={kind!r}")
        if raw.get("dimension") not in dim_codes:
            problems.append(f"dimension={raw.get('dimension')!r}")
        if len(opts) < 2 or len({o.code for o in opts}) != len(opts):
            problems.append("options")
        if any(o.points < 0 for o in opts) or (kind == "single" and any(o.exclusive for o in opts)):
            problems.append("points/exclusive")
        if problems:
            raise words.error(
                "digital.rule_item_malformed",
                DataError,
                item=code,
                problems_zh="，".join(problems),
                problems_en=", ".join(problems),
            )
        items.append(
            Item(
                code,
                str(raw["dimension"]),
                str(raw["title_zh"]),
                kind,
                opts,
                raw.get("capability"),
                str(raw.get("source", "")),
            )
        )
    if len({it.code for it in items}) != len(items):
        raise words.error("digital.duplicate_items", DataError, scheme=sid)
    levels = tuple(
        sorted(
            (
                Level(
                    int(lv["code"]),
                    str(lv["name_zh"]),
                    float(lv["min_score"]),
                    lv.get("scenario_level"),
                    int(lv.get("min_scenarios", 0)),
                    int(lv.get("min_binding", 0)),
                    bool(lv.get("verified", True)),
                )
                for lv in _need(data, "levels", sid)
            ),
            key=lambda lv: lv.code,
        )
    )
    if any(a.min_score > b.min_score for a, b in itertools.pairwise(levels)):
        raise words.error("digital.levels_not_increasing", DataError, scheme=sid)
    sc = data.get("scenarios") or {}
    scenarios = tuple(
        Scenario(
            str(s["code"]),
            str(s["name_zh"]),
            bool(s["binding"]),
            s.get("capability"),
            tuple(s.get("levels_zh") or ()),
        )
        for s in (sc.get("list") or [])
    )
    return Scheme(
        sid,
        str(data.get("version", "")),
        str(data.get("title_zh", sid)),
        str(data.get("document_number", "")),
        dims,
        tuple(items),
        levels,
        scenarios,
        bool(data.get("scorable", bool(items))),
        tuple(
            str(m.get("what", m)) if isinstance(m, dict) else str(m)
            for m in data.get("missing") or []
        ),
        str(data.get("title_en") or ""),
        tuple(
            (str(d["code"]), str(d["name_en"]))
            for d in _need(data, "dimensions", sid)
            if d.get("name_en")
        ),
    )


@lru_cache(maxsize=1)
def packaged_rules() -> frozenset[str]:
    """The names of the packaged rule files of ``gaodi/analytics/rules/digital/`` (without
    .yaml), listed once: the only names :func:`read_rule` opens.

    >>> sorted(packaged_rules())
    ['gbt39116_2020', 'miit_sme_digital_2022', 'miit_sme_digital_2024']
    """
    folder = resources.files("gaodi.analytics").joinpath(_RULES)
    names = (p.name for p in folder.iterdir() if p.is_file())
    return frozenset(n[: -len(".yaml")] for n in names if n.endswith(".yaml"))


def read_rule(name: str) -> Mapping[str, Any]:
    """Read a packaged rule file of ``gaodi/analytics/rules/digital/`` (``name`` without .yaml).

    ``name`` comes from users (an API body, a form, a CLI option): it is looked up among
    :func:`packaged_rules` and never joined into a path, so ``../../etc/x`` or a name longer
    than the file system takes is the same unknown scheme, and whether some YAML file exists
    elsewhere on the server cannot be told from the answer.

    >>> from gaodi.core.errors import GaodiError
    >>> try:
    ...     read_rule("../digital/miit_sme_digital_2024")
    ... except GaodiError as e:
    ...     print(e.zh)
    没有名为“../digital/miit_sme_digital_2024”的评测方案。
    """
    if name not in packaged_rules():
        raise words.error("digital.no_such_scheme", name=name)
    return read_yaml(resources.files("gaodi.analytics").joinpath(f"{_RULES}/{name}.yaml"))


def load_scheme(scheme_id: str = "miit_sme_digital_2024") -> Scheme:
    """Load a packaged MIIT scheme (``miit_sme_digital_2022`` or ``miit_sme_digital_2024``).

    Examples
    --------
    >>> s = load_scheme("miit_sme_digital_2024")
    >>> (len(s.items), len(s.scenarios), sum(i.max_points for i in s.items))
    (15, 16, 100.0)
    """
    return scheme_from_dict(read_rule(scheme_id))


# ----------------------------------------------------------------------------- answers
@dataclass(frozen=True)
class Response:
    """Checked answers: the chosen option codes per item and the scenario levels."""

    choices: Mapping[str, frozenset[str]]
    scenarios: Mapping[str, int]


def validate_answers(
    scheme: Scheme,
    answers: Mapping[str, str | Sequence[str]],
    scenario_levels: Mapping[str, int] | None = None,
    *,
    complete: bool = True,
) -> Response:
    """Check answers against ``scheme``; raise :class:`ValidationError` naming the item.

    Refused: an unscorable scheme, an unknown item or scenario, an option the item does not
    have, several options on a single-choice item, an exclusive option (``无``) combined with
    others, a scenario level outside 0..4, and (when ``complete``) unanswered items/scenarios.

    Examples
    --------
    >>> from gaodi.core.errors import ValidationError
    >>> s = load_scheme()
    >>> try:
    ...     validate_answers(s, {"b_equipment_digital": "Z"}, complete=False)
    ... except ValidationError as e:
    ...     print(e.zh)
    题目“b_equipment_digital”（企业的生产设备数字化率）没有选项“Z”；可选：A、B、C、D、E。
    """
    if not scheme.scorable:
        raise words.error("digital.not_scorable", title_zh=scheme.title_zh, scheme=scheme.id)
    choices: dict[str, frozenset[str]] = {}
    for code, raw in answers.items():
        item = scheme.item(code)
        chosen = frozenset([raw] if isinstance(raw, str) else [str(c) for c in raw])
        valid = {o.code for o in item.options}
        for c in sorted(chosen - valid):
            raise words.error(
                "digital.no_such_option",
                context={"item": code, "option": c},
                item=code,
                title_zh=item.title_zh,
                option=c,
                valid_zh=words.listing(sorted(valid)),
                valid_en=", ".join(sorted(valid)),
            )
        if item.kind == "single" and len(chosen) != 1:
            raise words.error(
                "digital.single_choice", context={"item": code}, item=code, title_zh=item.title_zh
            )
        exclusive = {o.code for o in item.options if o.exclusive}
        if not chosen or (chosen & exclusive and len(chosen) > 1):
            raise words.error(
                "digital.multi_choice", context={"item": code}, item=code, title_zh=item.title_zh
            )
        choices[code] = chosen
    scen: dict[str, int] = {}
    known = {s.code: s for s in scheme.scenarios}
    for code, lv in (scenario_levels or {}).items():
        if code not in known:
            raise words.error("digital.unknown_scenario", context={"scenario": code}, scenario=code)
        if isinstance(lv, bool) or not isinstance(lv, int) or not 0 <= lv <= 4:
            raise words.error(
                "digital.bad_scenario_level",
                context={"scenario": code, "value": lv},
                scenario=code,
                name_zh=known[code].name_zh,
            )
        scen[code] = lv
    if complete:
        for it in scheme.items:
            if it.code not in choices:
                raise words.error(
                    "digital.unanswered",
                    context={"item": it.code},
                    item=it.code,
                    title_zh=it.title_zh,
                )
        for s in scheme.scenarios:
            if s.code not in scen:
                raise words.error(
                    "digital.scenario_unrated",
                    context={"scenario": s.code},
                    scenario=s.code,
                    name_zh=s.name_zh,
                )
    return Response(choices, scen)


# ----------------------------------------------------------------------------- scoring
@dataclass(frozen=True)
class DigitalScore:
    scheme_id: str
    total: float
    by_dimension: Mapping[str, float]
    item_points: Mapping[str, float]
    level: int
    level_name_zh: str
    caveats: tuple[str, ...]


def _level_ok(level: Level, total: float, scen: Mapping[str, int], scheme: Scheme) -> bool:
    if total + _EPS < level.min_score:
        return False
    if level.scenario_level is None or not scheme.scenarios:
        return True
    reached = [s for s in scheme.scenarios if scen.get(s.code, 0) >= level.scenario_level]
    return (
        len(reached) >= level.min_scenarios and sum(s.binding for s in reached) >= level.min_binding
    )


def attained_level(
    scheme: Scheme, total: float, scenario_levels: Mapping[str, int] | None = None
) -> int:
    """Highest level ``L`` whose conditions hold together with those of every level below.

    Notes
    -----
    Bands are lower-closed, :math:`L = \\max\\{l : S \\ge s_l\\}` with ``s_l`` the level's
    ``min_score`` (20/40/60/80): a total of exactly 40.0 is 二级, 39.999 is 一级. The 2022 text
    reads 一级（20-40分）… 四级（80分以上）; "以上" includes the number, hence lower-closed. A
    level with a scenario rule also needs ``min_scenarios`` scenarios rated at least
    ``scenario_level``, ``min_binding`` of them binding. 0 means no level.

    References
    ----------
    工信厅企业〔2022〕32号 §一; 工信厅企业〔2024〕56号 (see the rule files for sources).

    Examples
    --------
    >>> s = load_scheme("miit_sme_digital_2022")
    >>> [attained_level(s, x) for x in (19.5, 20.0, 39.99, 40.0, 80.0, 100.0)]
    [0, 1, 1, 2, 4, 4]
    """
    out = 0
    for lv in scheme.levels:
        if not _level_ok(lv, total, scenario_levels or {}, scheme):
            break
        out = lv.code
    return out


def score_response(
    scheme: Scheme,
    answers: Mapping[str, str | Sequence[str]],
    scenario_levels: Mapping[str, int] | None = None,
) -> DigitalScore:
    """Score a complete questionnaire: points by item and dimension, total, level.

    Notes
    -----
    Single-choice item: the chosen option's points. Multiple-choice item: the sum of the
    chosen options' points (the 2024 system gives each option its own points, e.g. 4 x 1.25
    for 网络安全). :math:`S = \\sum_i p_i`, dimension scores are the sums over their items.

    References
    ----------
    MIIT 中小企业数字化水平评测指标（2024年版）, items as served by zjtx.miit.gov.cn.

    Examples
    --------
    >>> s = load_scheme()
    >>> answers = {i.code: i.options[0].code for i in s.items}
    >>> answers["b_info_systems"] = "E"                       # 全覆盖, 10 points
    >>> answers["b_network_security"] = ["B", "C"]            # 1.25 + 1.25
    >>> r = score_response(s, answers, {c.code: 0 for c in s.scenarios})
    >>> r.total, r.by_dimension["basic"], r.level_name_zh
    (12.5, 12.5, '未达一级')
    """
    resp = validate_answers(scheme, answers, scenario_levels)
    pts = {it.code: it.points(resp.choices[it.code]) for it in scheme.items}
    by_dim = {
        d: _r(math.fsum(pts[i.code] for i in scheme.items if i.dimension == d))
        for d, _, scored in scheme.dimensions
        if scored
    }
    total = _r(math.fsum(pts.values()))
    level = attained_level(scheme, total, resp.scenarios)
    return DigitalScore(
        scheme.id, total, by_dim, pts, level, scheme.level_name(level), scheme.caveats
    )


# ----------------------------------------------------------------------------- gap
@dataclass(frozen=True)
class Move:
    item: str
    title_zh: str
    dimension: str
    capability: str | None
    current_points: float
    target_options: tuple[str, ...]
    target_points: float
    gain: float


@dataclass(frozen=True)
class ScenarioShortfall:
    target_level: int
    need_total: int
    need_binding: int
    candidates: tuple[str, ...]


@dataclass(frozen=True)
class LevelGap:
    current_level: int
    next_level: int | None
    total: float
    points_needed: float
    moves: tuple[Move, ...]
    plan: tuple[Move, ...]
    scenario_shortfall: ScenarioShortfall | None
    scenario_levels: Mapping[str, int]


def gap_to_next_level(
    scheme: Scheme,
    answers: Mapping[str, str | Sequence[str]],
    scenario_levels: Mapping[str, int] | None = None,
) -> LevelGap:
    """What separates a response from the next level, item by item.

    Notes
    -----
    For every item below its maximum, one move: to the best option (single choice) or to all
    options (multiple choice), gaining :math:`g_i = p_i^{max} - p_i`. Moves are ranked by
    :math:`g_i` (descending; ties in questionnaire order). ``points_needed`` is
    :math:`\\max(0, s_{L+1} - S)`; ``plan`` is the shortest prefix of the ranking whose gains
    reach it. A scenario rule adds how many more scenarios (and binding ones) must reach the
    next level's scenario grade; candidates are the scenarios below it, binding first, then
    the closest.

    Examples
    --------
    >>> s = load_scheme()
    >>> a = {i.code: i.options[-1].code if i.kind == "single" else [i.options[0].code]
    ...      for i in s.items}
    >>> g = gap_to_next_level(s, a, {c.code: 4 for c in s.scenarios})
    >>> g.current_level, g.next_level, g.total, g.points_needed
    (2, 3, 57.0, 3.0)
    >>> [(m.item, m.gain) for m in g.moves[:3]]
    [('b_data_collection', 10.0), ('b_network', 8.0), ('m_mechanisms', 7.5)]
    >>> [m.item for m in g.plan]
    ['b_data_collection']
    """
    score = score_response(scheme, answers, scenario_levels)
    resp = validate_answers(scheme, answers, scenario_levels)
    nxt = next((lv for lv in scheme.levels if lv.code > score.level), None)
    if nxt is None:
        return LevelGap(score.level, None, score.total, 0.0, (), (), None, resp.scenarios)
    moves = []
    for it in scheme.items:
        cur = score.item_points[it.code]
        if it.kind == "single":
            best = max(it.options, key=lambda o: o.points)
            target: tuple[str, ...] = (best.code,)
        else:
            target = tuple(o.code for o in it.options if not o.exclusive)
        tp = it.points(frozenset(target))
        if tp > cur + _EPS:
            moves.append(
                Move(
                    it.code, it.title_zh, it.dimension, it.capability, cur, target, tp, _r(tp - cur)
                )
            )
    order = {it.code: k for k, it in enumerate(scheme.items)}
    moves.sort(key=lambda m: (-m.gain, order[m.item]))
    needed = _r(max(0.0, nxt.min_score - score.total))
    plan: list[Move] = []
    acc = 0.0
    for m in moves:
        if acc + _EPS >= needed:
            break
        plan.append(m)
        acc += m.gain
    shortfall = None
    if nxt.scenario_level is not None and scheme.scenarios:
        t = nxt.scenario_level
        reached = [s for s in scheme.scenarios if resp.scenarios.get(s.code, 0) >= t]
        below = sorted(
            (s for s in scheme.scenarios if resp.scenarios.get(s.code, 0) < t),
            key=lambda s: (not s.binding, -resp.scenarios.get(s.code, 0)),
        )
        shortfall = ScenarioShortfall(
            t,
            max(0, nxt.min_scenarios - len(reached)),
            max(0, nxt.min_binding - sum(s.binding for s in reached)),
            tuple(s.code for s in below),
        )
    return LevelGap(
        score.level,
        nxt.code,
        score.total,
        needed,
        tuple(moves),
        tuple(plan),
        shortfall,
        resp.scenarios,
    )


# ----------------------------------------------------------------------------- needs
def capability_needs(
    scheme: Scheme, gap: LevelGap, *, scenario_points: float = 2.5
) -> dict[str, float]:
    """Turn a level gap into needs by GB/T 39116 sub-domain: ``{capability: weight}``.

    Notes
    -----
    An item move adds its gain :math:`g_i` to its item's capability; a scenario below the next
    level's grade adds ``scenario_points`` per missing grade step to its capability. The
    item/scenario -> sub-domain mapping and ``scenario_points`` (2.5, one option step of a
    10-point item) are Gaodi conventions, not MIIT text.

    Examples
    --------
    >>> s = load_scheme()
    >>> a = {i.code: i.options[0].code for i in s.items}
    >>> levels = {c.code: 1 for c in s.scenarios} | {"energy": 0}
    >>> needs = capability_needs(s, gap_to_next_level(s, a, levels))
    >>> needs["info_security"], needs["energy_management"]
    (10.0, 2.5)
    """
    out: dict[str, float] = {}
    for m in gap.moves:
        if m.capability:
            out[m.capability] = _r(out.get(m.capability, 0.0) + m.gain)
    sf = gap.scenario_shortfall
    if sf is not None:
        scen = {s.code: s for s in scheme.scenarios}
        cur = gap.scenario_levels
        for code in sf.candidates:
            cap = scen[code].capability
            if cap:
                steps = sf.target_level - cur.get(code, 0)
                out[cap] = _r(out.get(cap, 0.0) + scenario_points * max(steps, 1))
    return out
