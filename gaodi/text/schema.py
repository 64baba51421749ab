"""The JSON shape of an extracted plan (the output of ``gaodi plan extract``).

The keys are those the first extraction issue specified, plus from issue #13 two target
attributes (``size_class``: the class of what a count counts; ``annual``: the value holds each
year), the learned model's ``confidence``, the targets it ``set_aside`` and the numbers it
``suggested``::

    {"title", "actions": [{"number", "title", "text"}],
     "targets": [{"indicator", "value", "value_max", "unit", "year", "comparator", "action",
                  "quote", "size_class", "annual", "confidence"}],
     "qualitative": [{"verb", "object", "action", "quote"}],
     "set_aside": [{"target": {…}, "reason", "reason_en"}],
     "suggested": [{"target": {…}, "reason", "reason_en"}]}

The new keys have defaults, so extractions saved before them still validate.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Number = int | float


class ExtractedAction(BaseModel):
    """A numbered action (行动/任务) of the plan and the text under its heading."""

    model_config = ConfigDict(extra="forbid")

    number: str = Field(
        description="The action's number as an Arabic numeral, e.g. '3' for （三）."
    )
    title: str = Field(min_length=1, description="The heading, e.g. '实施智能制造赋能行动'.")
    text: str = Field(description="Everything under the heading up to the next action.")


class ExtractedTarget(BaseModel):
    """A quantitative target: indicator, value (or range) in the unit as written, year."""

    model_config = ConfigDict(extra="forbid")

    indicator: str = Field(min_length=1, description="What is measured, e.g. '新材料产业产值'.")
    value: Number = Field(description="The value in `unit` as written: 2500 for '2500亿元'.")
    value_max: Number | None = Field(None, description="Upper end of a range ('1—2个'), else null.")
    unit: str | None = Field(
        description="The unit as written: '亿元', '个', '%', '万元/人'; null if none."
    )
    year: int | None = Field(ge=1949, le=2100, description="Target year; null for '每年' targets.")
    comparator: Literal[">=", "<=", "="] = Field(
        description="'>=' 以上/超过/突破, '<=' 以内/控制在."
    )
    action: str | None = Field(description="Number of the action the target sits in, or null.")
    quote: str = Field(min_length=1, description="The clause of the text that states the target.")
    size_class: str | None = Field(
        None,
        description="The size class of what is counted, as written: '千亿级' in "
        "'打造5个千亿级园区' (a count of 5 with a class, not a money target); else null.",
    )
    annual: bool = Field(
        False,
        description="True when the value holds for each year (年均增长8%, 每年新增10家), "
        "false when it is reached by the target year (cumulative or a level).",
    )
    confidence: float | None = Field(
        None,
        ge=0,
        le=1,
        description="The learned model's probability that this is a target "
        "(gaodi.text.learned); null when it gave no opinion or was not asked.",
    )

    @model_validator(mode="after")
    def _range(self) -> ExtractedTarget:
        if self.value_max is not None and self.value_max < self.value:
            raise ValueError("value_max must not be below value")
        return self


class ExtractedGoal(BaseModel):
    """A qualitative goal: '培育一批智能制造标杆企业' -> verb '培育', object '智能制造标杆企业'."""

    model_config = ConfigDict(extra="forbid")

    verb: str = Field(min_length=1)
    object: str = Field(min_length=1)
    action: str | None
    quote: str = Field(min_length=1)


class JudgedTarget(BaseModel):
    """A target read from the text that the learned model judged otherwise than the rules,
    with the model's reason; kept apart for the reviewer (the text-review page lists it)."""

    model_config = ConfigDict(extra="forbid")

    target: ExtractedTarget
    reason: str = Field(
        min_length=1,
        description="Why, in Chinese: the probability and the features that pushed it most.",
    )
    reason_en: str = Field(min_length=1, description="The same reason in English.")


class SetAsideTarget(JudgedTarget):
    """A target the rules found and the learned model judged unlikely: kept for the reviewer
    to restore, with what pushed the model's probability down."""


class SuggestedTarget(JudgedTarget):
    """A number the rules passed over that the learned model judged may be a target, read with
    the fields the rules give a target (``targets.sketch_target``): suggested to the reviewer
    to adopt, with what pushed the model's probability up."""


class PlanExtraction(BaseModel):
    """Everything ``extract_plan`` reads from a plan text."""

    model_config = ConfigDict(extra="forbid")

    title: str | None
    actions: list[ExtractedAction]
    targets: list[ExtractedTarget]
    qualitative: list[ExtractedGoal]
    set_aside: list[SetAsideTarget] = Field(
        default_factory=list,
        description="Targets the rules found that the learned model judged unlikely (below "
        "gaodi.text.learned.SET_ASIDE_BELOW), each with its reason; not loaded as targets.",
    )
    suggested: list[SuggestedTarget] = Field(
        default_factory=list,
        description="Numbers the rules passed over that the learned model judged may be "
        "targets (at least gaodi.text.learned.SUGGEST_FROM), each read as a target with its "
        "reason; not loaded as targets.",
    )

    @model_validator(mode="after")
    def _actions_exist(self) -> PlanExtraction:
        numbers = {a.number for a in self.actions}
        if len(numbers) != len(self.actions):
            raise ValueError("action numbers must be unique")
        judged = (*self.set_aside, *self.suggested)
        refs = [t.action for t in (*self.targets, *(j.target for j in judged))]
        refs += [g.action for g in self.qualitative]
        for ref in refs:
            if ref is not None and ref not in numbers:
                raise ValueError(f"unknown action {ref!r}")
        return self
