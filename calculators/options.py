"""The three options' monthly cost side by side and which one is cheapest.

These are the Costs page's headline figures (the first cloud model, local, hybrid) taken
from one :class:`~calculators.report.CostReport`: the Recommendation's cost factor, the
report and ``crossover recommend --json`` cite them, so no page can quote other numbers.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from calculators.report import CostReport

__all__ = ["OPTION_ORDER", "OptionCosts", "option_costs"]

OptionName = Literal["cloud", "local", "hybrid"]
# Ties go to the plainer setup: a hybrid that costs the same as cloud or local keeps (almost)
# nothing on the other route, so the pure option is the one to cite; cloud before local.
OPTION_ORDER: tuple[OptionName, ...] = ("cloud", "local", "hybrid")


class OptionCosts(BaseModel):
    """Monthly USD per option at the scenario's volume, and what each figure stands for."""

    model_config = ConfigDict(frozen=True)

    requests_per_month: int
    cloud: float
    local: float
    hybrid: float
    cloud_model: str
    cloud_ref: str
    local_gpus: int
    hybrid_local_share: float

    def of(self, option: OptionName) -> float:
        """One option's monthly cost."""
        return float(getattr(self, option))

    @property
    def cheapest(self) -> OptionName:
        """The option with the lowest monthly cost (the simpler one on a tie)."""
        return min(OPTION_ORDER, key=lambda o: (round(self.of(o), 2), OPTION_ORDER.index(o)))

    def saving(self, option: OptionName, against: OptionName) -> float:
        """How much less ``option`` costs than ``against``, as a share of ``against`` (0..1)."""
        other = self.of(against)
        return 0.0 if other <= 0 else max(0.0, (other - self.of(option)) / other)

    def as_json(self) -> dict[str, float | str]:
        """``{"cloud", "local", "hybrid", "cheapest"}``: rounded the way ``crossover costs --json`` rounds."""
        return {"cloud": usd(self.cloud), "local": usd(self.local), "hybrid": usd(self.hybrid), "cheapest": self.cheapest}


def usd(value: float) -> float:
    """Money as the CLI prints it: cents."""
    return round(value, 2)


def option_costs(report: CostReport) -> OptionCosts:
    """The headline figures of a cost report, one per option."""
    first = report.cloud[0]
    return OptionCosts(
        requests_per_month=report.requests_per_month,
        cloud=first.monthly_usd,
        local=report.local.monthly_usd,
        hybrid=report.hybrid.monthly_usd,
        cloud_model=first.price.label,
        cloud_ref=first.price.ref,
        local_gpus=report.local.gpus,
        hybrid_local_share=report.hybrid.local_share,
    )
