"""Values in their indicator's unit: a sheet of targets or observations holds many indicators,
each in its own unit, so what the importer does about units is done row by row here.

* A value column headed with a unit ("数值（万元）") is converted to each row's indicator's
  unit when the two are of one kind (万元 → 亿元), and said once per pair of units; a row whose
  indicator's unit is of another kind is refused naming both (:class:`HeaderUnit`).
* A value in (0, 1] of an indicator in % whose other values are all above 1 is warned of
  (:func:`ratio_hints`).
"""

from __future__ import annotations

from fractions import Fraction

from sqlalchemy import select

from gaodi.core.batching import fetch_in
from gaodi.exchange.importer import Context
from gaodi.exchange.percent import ratio_for_percent
from gaodi.exchange.units import convert, factor, is_known, same_unit
from gaodi.exchange.validate import Table, conversion_note, header_unit
from gaodi.plans.checks import COUNTED
from gaodi.plans.models import Observation, Target


class HeaderUnit:
    """The unit a value column's header names, converted row by row to the row's indicator's.

    The column's own unit is "按指标单位", so the sheet reader took "数值（万元）" for a note and
    a 万元 figure of an indicator in 亿元 was stored 10,000 times too large, without a word.
    """

    def __init__(self, t: Table, key: str) -> None:
        self.key = key
        header = t.headers.get(key)
        found = header_unit(header, t.spec.column(key)) if header else None
        self.unit = found if found is not None and is_known(found) else None
        self.counts: dict[tuple[str, Fraction], int] = {}

    def apply(self, ctx: Context, t: Table, i: int, code: str, unit: str) -> bool:
        """Convert row ``i``'s value from the header's unit to ``unit`` (its indicator's);
        False after refusing the row (units of two kinds)."""
        value = t.col(self.key)[i]
        if self.unit is None or value is None or same_unit(self.unit, unit):
            return True
        by = factor(self.unit, unit)
        if by is None:
            header = t.header(self.key)
            ctx.fail(
                t,
                i,
                self.key,
                f"列“{header}”的单位（{self.unit}）与指标“{code}”的单位（{unit}）不同，无法换算；"
                f"请按{unit}填写，并去掉表头中的单位（或把不同单位的指标分表导入）。",
                f"Column '{header}' is in {self.unit}, indicator '{code}' in {unit}, and one "
                f"cannot be converted to the other; give the value in {unit} and take the unit "
                "out of the header (or import indicators of other units in another file).",
            )
            return False
        t.columns[self.key][i] = convert(value, by)
        self.counts[(unit, by)] = self.counts.get((unit, by), 0) + 1
        return True

    def notes(self, t: Table) -> list[tuple[str, str]]:
        """One sentence per pair of units converted, for the import's report."""
        header, letter = t.header(self.key), t.letters.get(self.key, "?")
        return [
            conversion_note(t.sheet_name, letter, header, self.unit or "", unit, by, n)
            for (unit, by), n in self.counts.items()
        ]


def ratio_hints(
    ctx: Context,
    t: Table,
    rows: list[int],
    keys: tuple[str, ...],
    indicators: dict[str, tuple[int, str, str, str]],
) -> dict[int, tuple[str, str]]:
    """Warn (in the report, not refuse) of each value in (0, 1] of an indicator in % whose
    other values, stored or in the file, are all above 1: 0.6 among 17–50 is a ratio typed for
    a percentage (:func:`~gaodi.exchange.percent.ratio_for_percent`). Growth rates are left
    alone: 0.6 % growth is ordinary. The file's own values in (0, 1] are the suspects, not the
    yardstick, so a whole file typed as ratios is still warned of. Returns the warning of
    each warned row (by index), for a refusal of the same row to repeat it."""
    percent = {
        code: iid
        for code, (iid, _, unit, kind) in indicators.items()
        if unit and factor(unit, "%") == 1 and kind != "yoy"
    }
    codes = {i: t.col("indicator")[i] for i in rows if t.col("indicator")[i] in percent}
    out: dict[int, tuple[str, str]] = {}
    if not codes:
        return out
    code_of = {percent[c]: c for c in codes.values()}
    known: dict[str, list[float]] = {c: [] for c in codes.values()}
    observed = select(Observation.indicator_id, Observation.value).where(
        Observation.status.in_(COUNTED), Observation.kind != "yoy"
    )
    for iid, value in fetch_in(ctx.session, observed, Observation.indicator_id, code_of):
        known[code_of[iid]].append(value)
    targets = select(Target.indicator_id, Target.value, Target.value_max, Target.baseline)
    for iid, *stored in fetch_in(ctx.session, targets, Target.indicator_id, code_of):
        known[code_of[iid]].extend(v for v in stored if v is not None)
    for i, code in codes.items():
        in_file = (t.col(key)[i] for key in keys)
        known[code].extend(v for v in in_file if v is not None and not 0 < v <= 1)
    for i, code in codes.items():
        for key in keys:
            col = t.spec.column(key)
            hint = ratio_for_percent((col.zh, col.en), t.col(key)[i], known[code])
            if hint is not None:
                row = t.row_numbers[i]
                ctx.notes.append(
                    (
                        f"“{t.sheet_name}”第 {row} 行 {hint[0]}",
                        f"'{t.sheet_name}' row {row}: {hint[1]}",
                    )
                )
                out[i] = hint
    return out
