"""Why the pool refuses a run: each says so in plain words; pages word it from the fields."""

from __future__ import annotations

from nnlib.cost import CostCheck, MemoryCheck


class PoolFull(RuntimeError):
    """The queue is at its limit; the message says so in plain words."""


class TooCostly(ValueError):
    """The work cap refuses this run; .check holds the estimate, the cap and what fits."""

    def __init__(self, check: CostCheck):
        self.check = check
        super().__init__(
            f"this run would take about {check.estimate_s:,.0f} CPU-seconds; one run may take at most "
            f"{check.cap_s:,.0f} here"
        )


class TooLarge(ValueError):
    """The memory budget refuses this run; .check holds the estimate, the budget and what fits."""

    def __init__(self, check: MemoryCheck):
        self.check = check
        super().__init__(
            f"this run would hold about {check.estimate_bytes / 2**20:,.0f} MB; one run may hold at most "
            f"{check.budget_bytes / 2**20:,.0f} MB here"
        )
