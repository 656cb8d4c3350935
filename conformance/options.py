"""The suite's command-line options, and their parsing.

Registered by the ``pytest11`` plugin (:mod:`initializer_conformance.plugin`) in every
pytest run of an environment where the suite is installed, so this module imports
nothing heavy (no NumPy, SciPy or Hypothesis): installing the suite must not slow down
or change any other pytest run. Values are checked in :func:`parse` (a usage error,
exit code 4, before any test runs), not by ``argparse`` choices that would need the
reference to list them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import pytest

DEFAULT_SEED = 20_261_129
DEFAULT_CALL_TIMEOUT = 60.0  # seconds
#: Seconds allowed for importing and making the adapter (its framework's import included),
#: in the run's process and in each fresh process of test_seeds.py: tensorflow takes some
#: 10-30 s on a busy 2-core machine; a module that hangs at import ends the run after this.
DEFAULT_IMPORT_TIMEOUT = 300.0
DEFAULT_MEMORY_LIMIT = 6 * 2**30  # bytes
#: The environment variable that gives ``--device`` when the option is not on the command
#: line (a CI job's matrix sets it once for every command of the job).
DEVICE_ENV = "INITIALIZER_CONFORMANCE_DEVICE"

#: Hypothesis profiles: name -> max_examples per property test.
PROFILES = {"quick": 5, "ci": 25, "thorough": 200}
#: The checks the quick profile leaves out, each reported as skipped and saying so: the
#: fixed tier's large samples, which cost the same in every profile (the precision probes,
#: the Haar laws on many matrices, the fresh processes, the structure and independence of
#: 524,288 values, the pairs of seeds). Quick is the Hypothesis tier at 5 examples and the
#: exact checks; what it still catches, and what it does not, is measured by
#: ``benchmarks/kill_table.py --profile quick``.
QUICK_LEAVES_OUT = (
    "test_probe",
    "test_orthogonal_haar",
    "test_orthogonal_haar_large",
    "test_seeded_same_across_processes",
    "test_unseeded_differs_across_processes",
    "test_seed_distinct_independent",
    "test_independence",
    "test_serial_dependence",
    "test_long_range_dependence",
    "test_moments",
    "test_repeats",
    "test_float64_precision",
)


def add(parser) -> None:
    """The options of the suite and of its reports, in two groups of ``pytest --help``."""
    group = parser.getgroup("initializer-conformance", "initializer conformance suite")
    group.addoption(
        "--impl",
        default=None,
        help="implementation under test: a built-in adapter name (numpy, torch, "
        "jax, flax, keras, tf_keras, mlx, paddle, tinygrad, ...), a name "
        "registered under the entry-point group "
        "'initializer_conformance.adapters', or module:attribute. Without "
        "it, the suite's plugin does nothing",
    )
    group.addoption(
        "--edition",
        default=None,
        help="spec edition to test against: keras2 (the seed page) or keras3 "
        "(default: the adapter's `edition`, else keras2)",
    )
    group.addoption(
        "--conformance-seed",
        default=None,
        help=f"seed of every random choice of the suite (default {DEFAULT_SEED}: "
        "fixed, so that CI runs are deterministic)",
    )
    group.addoption(
        "--conformance-profile",
        default="ci",
        choices=sorted(PROFILES),
        help="how many Hypothesis examples per property: "
        + ", ".join(f"{k}={v}" for k, v in PROFILES.items())
        + "; quick also leaves out the fixed tier's large samples (probes, Haar laws, fresh "
        "processes, structure)",
    )
    group.addoption(
        "--large",
        action="store_true",
        default=False,
        help="also check large outputs (conformance/test_large.py: float32 outputs above "
        "2^20 and 2^24 values and a 1024x1024 Orthogonal, about 80 M values); without it "
        "they are recorded as not run",
    )
    group.addoption(
        "--device",
        default=None,
        metavar="NAME",
        help="the device the adapter draws on, as its framework names it (torch: cuda, "
        "cuda:1, mps; jax, mlx, paddle: gpu; tinygrad: CUDA, METAL, CL, CPU:X86, ...); "
        f"default: ${DEVICE_ENV}, else the adapter's own (the CPU). An adapter that "
        "takes no device draws on the CPU only",
    )
    group.addoption(
        "--call-timeout",
        default=DEFAULT_CALL_TIMEOUT,
        type=float,
        metavar="SECONDS",
        help=f"time limit of one call into the adapter; a call that takes longer "
        f"is an error of its check (default {DEFAULT_CALL_TIMEOUT:g}; 0: none)",
    )
    group.addoption(
        "--import-timeout",
        default=DEFAULT_IMPORT_TIMEOUT,
        type=float,
        metavar="SECONDS",
        help="time limit of importing and making the adapter (its framework included), in "
        "the run and in the fresh processes of the seed checks; longer is a usage error, or "
        f"an error of the check (default {DEFAULT_IMPORT_TIMEOUT:g}; 0: none)",
    )
    group.addoption(
        "--memory-limit",
        default="6GiB",
        metavar="SIZE",
        help="resident memory of a test process above which calls into the adapter "
        "are errors, e.g. 6GiB, 500MB (default 6GiB; 0: none)",
    )
    group.addoption(
        "--known-deviations",
        default=None,
        metavar="FILE",
        help='TOML file of known deviations, \'"check" = "reason"\' per line, '
        "added to the adapter's `known_deviations` (see docs/configuration.md)",
    )
    group.addoption(
        "--ignore-known-deviations",
        action="store_true",
        default=False,
        help="ignore the adapter's `known_deviations`: report every deviation",
    )
    group.addoption(
        "--allow-stale-deviations",
        action="store_true",
        default=False,
        help="only warn (do not fail) when a declared known deviation now passes",
    )
    group = parser.getgroup(
        "initializer-conformance-report", "initializer conformance reports (JSON and HTML)"
    )
    group.addoption(
        "--report-html",
        default=None,
        metavar="PATH",
        help="write the run's HTML page here (default: reports/NAME.html, NAME the adapter's name)",
    )
    group.addoption(
        "--report-json",
        default=None,
        metavar="PATH",
        help="write the run's results file here (default: reports/NAME.json)",
    )
    group.addoption(
        "--no-report",
        action="store_true",
        default=False,
        help="write neither the JSON results nor the HTML page",
    )
    group.addoption(
        "--report-summary",
        default=None,
        metavar="PATH",
        help="also write a short Markdown summary of the run here (it is appended "
        "to $GITHUB_STEP_SUMMARY whenever that is set)",
    )


@dataclass(frozen=True)
class Options:
    """The checked values of the suite's options."""

    impl: str
    edition: str | None
    seed: int
    profile: str
    call_timeout: float
    memory_limit: int
    import_timeout: float = DEFAULT_IMPORT_TIMEOUT
    device: str | None = None  # None: the adapter's default device
    #: Where ``device`` was given, as messages name it: ``--device``, or the variable
    #: :data:`DEVICE_ENV` (a CI job's setting, not an option on the command line).
    device_source: str = "--device"
    large: bool = False  # --large: the checks of large outputs run


def parse(config) -> Options:
    """The suite's options of ``config``, checked (:class:`pytest.UsageError` if not)."""
    return Options(
        impl=config.getoption("--impl"),
        edition=config.getoption("--edition"),
        seed=_seed(config.getoption("--conformance-seed")),
        profile=config.getoption("--conformance-profile"),
        call_timeout=_timeout(config.getoption("--call-timeout"), "--call-timeout"),
        memory_limit=_size(config.getoption("--memory-limit")),
        import_timeout=_timeout(config.getoption("--import-timeout"), "--import-timeout"),
        device=_device(config.getoption("--device")),
        device_source=device_source(config.getoption("--device")),
        large=config.getoption("--large"),
    )


def device_source(option: str | None) -> str:
    """``--device`` if the option was given, else ``$INITIALIZER_CONFORMANCE_DEVICE``."""
    return "--device" if option is not None else f"${DEVICE_ENV}"


def _device(value: str | None) -> str | None:
    """``--device``, else the environment's :data:`DEVICE_ENV`, else ``None`` (checked by
    the adapter, which alone knows its framework's devices)."""
    source = "--device"
    if value is None:
        source, value = DEVICE_ENV, os.environ.get(DEVICE_ENV)
        if not value:  # unset or empty: the adapter's default
            return None
    if not value.strip():
        raise pytest.UsageError(f"{source} must name a device (e.g. cpu, cuda), got {value!r}")
    return value.strip()


def _seed(value) -> int:
    if value is None:
        return DEFAULT_SEED
    try:
        seed = int(value)
    except ValueError:
        raise pytest.UsageError(
            f"--conformance-seed must be a non-negative integer, got {value!r}"
        ) from None
    if not 0 <= seed < 2**32:
        raise pytest.UsageError(f"--conformance-seed must be in [0, 2**32), got {seed}")
    return seed


def _timeout(value: float, option: str) -> float:
    if not value >= 0:
        raise pytest.UsageError(f"{option} must be >= 0 seconds, got {value}")
    return value


_UNITS = {
    "": 1,
    "b": 1,
    "k": 10**3,
    "kb": 10**3,
    "kib": 2**10,
    "m": 10**6,
    "mb": 10**6,
    "mib": 2**20,
    "g": 10**9,
    "gb": 10**9,
    "gib": 2**30,
}


def _size(value: str) -> int:
    match = re.fullmatch(r"\s*([0-9.]+)\s*([a-zA-Z]*)\s*", str(value))
    unit = _UNITS.get(match.group(2).lower()) if match else None
    try:
        size = float(match.group(1)) * unit if match and unit else -1.0
    except ValueError:
        size = -1.0
    if not size >= 0:
        raise pytest.UsageError(
            f"--memory-limit must be a size such as 6GiB, 500MB or 0, got {value!r}"
        )
    return int(size)
