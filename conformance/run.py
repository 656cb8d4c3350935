"""The state of one conformance run: the adapter, the edition, the seed, the alpha ledger.

One :class:`Run` per pytest session, owned by the suite's plugin
(:class:`~initializer_conformance.conformance.plugin.Suite`), which makes it the
:func:`current` run in ``pytest_configure`` (before collection) and retires it in
``pytest_unconfigure``: nothing of one session (adapter, samples, ledger, findings) is
seen by the next one in the same process. The checks read it through :func:`current`
(Hypothesis tests cannot take function-scoped fixtures).

False-alarm budget
------------------
A conforming implementation must fail a full default run with probability at most
``FALSE_ALARM_BUDGET``. Every statistical test *spends* its alpha in the ledger; by
Bonferroni the run's false-alarm probability is at most the sum. The budget is
shared between two tiers (see docs/statistics.md):

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

import hashlib
import os
import shlex
from collections import Counter, OrderedDict, deque
from dataclasses import dataclass, field
from pathlib import Path

from initializer_conformance.adapters import DEFAULT_DEVICE
from initializer_conformance.conformance.options import (
    DEFAULT_CALL_TIMEOUT,
    DEFAULT_IMPORT_TIMEOUT,
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_SEED,
    PROFILES,
)
from initializer_conformance.conformance.record import Record
from initializer_conformance.reference.editions import DEFAULT_EDITION, Edition

FALSE_ALARM_BUDGET = 1e-3
HYPOTHESIS_SHARE = 7e-4
HYPOTHESIS_SLOTS = 100  # statistical tests in one round of examples (upper bound)
PINNED_EXAMPLES = 8  # @example cases per property test (upper bound)
FIXED_SLOTS = 400  # statistical tests of the fixed tier (upper bound)
FIXED_ALPHA = (FALSE_ALARM_BUDGET - HYPOTHESIS_SHARE) / FIXED_SLOTS  # 7.5e-7

#: The command that runs the installed suite (``[project.scripts]`` in pyproject.toml).
COMMAND = "initializer-conformance"
PACKAGE = "initializer_conformance"


class SampleStore:
    """Samples already drawn in this run and process, least recently used first.

    test_bounds, test_law and test_scale draw the same cases (one strategy, one seed),
    so each sample is drawn once and checked three ways: the run is about 40 % faster.
    Neither guarantee changes: each check still sees the same n values (power), and the
    false-alarm bound is a union bound, which needs no independence between checks.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes, self.bytes, self.samples = max_bytes, 0, OrderedDict()

    def get(self, key):
        if key in self.samples:
            self.samples.move_to_end(key)
        return self.samples.get(key)

    def put(self, key, sample) -> None:
        self.samples[key] = sample
        self.bytes += sample.values.nbytes
        while self.bytes > self.max_bytes:
            self.bytes -= self.samples.popitem(last=False)[1].values.nbytes


#: Ample: the three checks of one initializer run one after the other (conformance/plugin.py),
#: so a run needs about 30 samples of 160 kB (20,000 float64 values) at a time.
SAMPLE_STORE_BYTES = 128 * 2**20


@dataclass
class Run:
    adapter: object = None
    impl: str = ""
    edition: Edition = DEFAULT_EDITION
    seed: int = DEFAULT_SEED
    profile: str = "ci"
    large: bool = False  # --large: the checks of large outputs (test_large.py) run
    call_timeout: float = DEFAULT_CALL_TIMEOUT  # seconds per adapter call (guard.py); 0: none
    memory_limit: int = DEFAULT_MEMORY_LIMIT  # resident bytes per test process; 0: none
    #: seconds for importing and making the adapter (guard.py, test_seeds.py); 0: none
    import_timeout: float = DEFAULT_IMPORT_TIMEOUT
    #: Where the adapter draws, as it names it (``--device``; "cpu" for one that takes none).
    device: str = DEFAULT_DEVICE
    #: guard.py: the first timeout of each code path in this process (a later call of it
    #: fails at once), and the last initializers the adapter made (their calls' code path).
    timeouts: dict = field(default_factory=dict)
    made: deque = field(default_factory=lambda: deque(maxlen=8))
    deviations: list = field(default_factory=list)  # conformance.deviations.Deviation
    spent: list[tuple[str, float]] = field(default_factory=list)  # (test name, alpha), this process
    ledger: Counter = field(default_factory=Counter)  # alpha -> tests, whole run (controller)
    record: Record = field(default_factory=Record)  # the current test's checks, for the reports
    samples: SampleStore = field(default_factory=lambda: SampleStore(SAMPLE_STORE_BYTES))
    invocation_dir: Path = field(default_factory=Path.cwd)  # where the run was started
    item: object = None  # the pytest item running in this process, if any
    command: str = ""  # the command line that started the run, as typed
    #: The current test's unsupported cases, one per rejected example: (identifier,
    #: case, message), e.g. ("RandomUniform", "RandomUniform in float64", "...").
    unsupported: list[tuple[str, str, str]] = field(default_factory=list)
    supported: int = 0  # the current test's adapter calls that returned
    #: ``None`` for a complete run; for a partial one (checks deselected, named, stopped
    #: early), what ran: ``{"ran", "selected", "of", "why"}`` (set at the end of the session).
    partial: dict | None = None

    def __repr__(self) -> str:
        return (
            f"Run(impl={self.impl!r}, edition={self.edition.name!r}, seed={self.seed}, "
            f"profile={self.profile!r})"
        )

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

    def reproduce(
        self, module: str, path: str | os.PathLike, name: str, *, deviation: bool = False
    ) -> str:
        """The command that replays the check ``name`` (e.g. ``test_fans[VarianceScaling]``)
        of the test module ``module`` (its ``__name__``) at ``path``, exactly, from the
        directory the run started in: same adapter, device, edition, seed and profile,
        writing no report. A known deviation is replayed as the failure it is
        (``--ignore-known-deviations``).

        A checkout's suite run with ``pytest conformance`` from the checkout is replayed
        with pytest and the file's path; otherwise (the installed suite, or a run started
        elsewhere) with the suite's command and the check's module, which work from any
        directory."""
        relative = _relative(path, self.invocation_dir)
        if not module.startswith(f"{PACKAGE}.") and relative is not None:
            head = ["pytest", shlex.quote(f"{relative}::{name}")]
        else:
            head = [COMMAND, shlex.quote(f"{PACKAGE}.conformance.{Path(path).stem}::{name}")]
        options = [
            f"--impl={shlex.quote(self.impl)}",
            f"--edition={self.edition.name}",
            f"--conformance-seed={self.seed}",
            f"--conformance-profile={self.profile}",
        ]
        if self.large:
            options.append("--large")
        if self.call_timeout != DEFAULT_CALL_TIMEOUT:
            options.append(f"--call-timeout={self.call_timeout:g}")
        if self.memory_limit != DEFAULT_MEMORY_LIMIT:
            options.append(f"--memory-limit={self.memory_limit}")
        if self.import_timeout != DEFAULT_IMPORT_TIMEOUT:
            options.append(f"--import-timeout={self.import_timeout:g}")
        if self.device.lower() != DEFAULT_DEVICE:
            options.append(f"--device={shlex.quote(self.device)}")
        if deviation:
            options.append("--ignore-known-deviations")
        return " ".join([*head, *options, "--no-report"])

    def reproduce_test(self) -> str:
        """:meth:`reproduce_item` of the test running now."""
        return "(not run by pytest)" if self.item is None else self.reproduce_item(self.item)

    def reproduce_item(self, item) -> str:
        """:meth:`reproduce` of a pytest item (a declared known deviation is replayed as
        the failure it is)."""
        deviation = any(d.matches(item.nodeid) for d in self.deviations)
        return self.reproduce(item.module.__name__, item.path, item.name, deviation=deviation)


def _relative(path, start: Path) -> str | None:
    try:
        return Path(path).resolve().relative_to(start.resolve()).as_posix()
    except ValueError:
        return None


def case_seed(seed: int, subject: str) -> int:
    """The seed of the Hypothesis cases of ``subject`` (an initializer, or a test without
    one) in a run of seed ``seed``: a hash of both, so that each initializer draws its own
    cases and nearby run seeds share none."""
    digest = hashlib.blake2b(f"{seed}/cases/{subject}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


def item_subject(item) -> str:
    """What a pytest item's cases are drawn for: its ``identifier`` parameter (the
    initializer), else the test's name."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    return str(params.get("identifier", getattr(item, "originalname", item.name)))


_current: Run | None = None


def current() -> Run:
    """The run of the pytest session in progress (set by the suite's plugin)."""
    if _current is None:
        raise RuntimeError(
            "no conformance run is active: the suite's checks run under "
            "`pytest --impl=...` (or `initializer-conformance --impl=...`)"
        )
    return _current


def activate(run: Run | None) -> None:
    """Make ``run`` the current run (``None``: end it). Called by the suite's plugin, and by
    tests that call checks directly."""
    global _current
    _current = run
