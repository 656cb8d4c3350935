"""The state of one conformance run: the adapter, the edition, the seed, the alpha ledger.

Configured once by the plugin (``conformance/conftest.py``) before collection, read by
the checks. Hypothesis tests cannot take function-scoped fixtures, hence a module
object rather than fixtures.

False-alarm budget
------------------
A conforming implementation must fail a full default run with probability at most
``FALSE_ALARM_BUDGET``. Every statistical test *spends* its alpha in the ledger; by
Bonferroni the run's false-alarm probability is at most the sum. The budget is
shared between two tiers (see README, "Statistical guarantees"):

* the Hypothesis tier: ``HYPOTHESIS_SHARE`` split evenly over the
  ``HYPOTHESIS_SLOTS`` statistical tests that one round of examples performs
  (one example of every property test), times the profile's ``max_examples`` plus
  pinned examples;
* the fixed tier (precision probes, Haar, seeds, independence):
  ``FIXED_ALPHA`` per test, ``FIXED_SLOTS`` tests at most.

The plugin prints the ledger's total at the end of the run, and a test of the
project asserts that a default run stays within the budget.
"""

from __future__ import annotations

import shlex
from collections import Counter
from dataclasses import dataclass, field

from reference.editions import DEFAULT_EDITION, Edition

FALSE_ALARM_BUDGET = 1e-3
HYPOTHESIS_SHARE = 7e-4
HYPOTHESIS_SLOTS = 100  # statistical tests in one round of examples (upper bound)
PINNED_EXAMPLES = 6  # @example cases per property test (upper bound)
FIXED_SLOTS = 150  # statistical tests of the fixed tier (upper bound)
FIXED_ALPHA = (FALSE_ALARM_BUDGET - HYPOTHESIS_SHARE) / FIXED_SLOTS  # 2e-6

DEFAULT_SEED = 20_261_129

#: Hypothesis profiles: name -> max_examples per property test.
PROFILES = {"quick": 5, "ci": 25, "thorough": 200}


@dataclass
class Run:
    adapter: object = None
    impl: str = ""
    edition: Edition = DEFAULT_EDITION
    seed: int = DEFAULT_SEED
    profile: str = "ci"
    call_timeout: float = 60.0  # seconds per adapter call (conformance/guard.py); 0: none
    memory_limit: int = 6 * 2**30  # resident bytes per test process; 0: none
    deviations: list = field(default_factory=list)  # conformance.deviations.Deviation
    spent: list[tuple[str, float]] = field(default_factory=list)  # (test name, alpha), this process
    ledger: Counter = field(default_factory=Counter)  # alpha -> tests, whole run (controller)

    @property
    def max_examples(self) -> int:
        return PROFILES[self.profile]

    @property
    def hypothesis_alpha(self) -> float:
        """Alpha of one statistical test in one Hypothesis example."""
        return HYPOTHESIS_SHARE / (HYPOTHESIS_SLOTS * (self.max_examples + PINNED_EXAMPLES))

    def spend(self, test: str, alpha: float) -> float:
        self.spent.append((test, alpha))
        return alpha

    def reproduce(self, nodeid: str) -> str:
        """The command that replays ``nodeid`` exactly (same adapter, edition, seed)."""
        return " ".join([
            "pytest", shlex.quote(nodeid), f"--impl={shlex.quote(self.impl)}",
            f"--edition={self.edition.name}", f"--conformance-seed={self.seed}",
            f"--conformance-profile={self.profile}"])


RUN = Run()
