"""Results data for the report tests: a test entry and a run as the plugin writes them
(``reports/schema/results-1.json``), and suite runs that write a report."""

from benchmarks.runs import suite_process
from initializer_conformance.reports import results


def a_test(nodeid, outcome, initializer, prop, findings=(), **extra) -> dict:
    """A test entry of a results file."""
    return {
        "nodeid": nodeid,
        "property": prop,
        "initializer": initializer,
        "function": nodeid.split("::")[-1].split("[")[0],
        "params": {},
        "outcome": outcome,
        "duration": 0.01,
        "findings": list(findings),
        **extra,
    }


def a_run(name="numpy", edition="keras2", **extra) -> dict:
    """The run part of a results file."""
    return {
        "suite": {"name": results.SUITE, "version": "0.1.0"},
        "adapter": {
            "impl": name,
            "name": name,
            "version": f"{name} 1.0",
            "description": f"{name} ({name} 1.0)",
        },
        "edition": edition,
        "seed": 1,
        "profile": "ci",
        "platform": {
            "system": "Linux",
            "machine": "x86_64",
            "platform": "Linux",
            "python": "3.11",
            "numpy": "2.0",
            "workers": None,
        },
        "started": "2026-01-01T00:00:00+00:00",
        "duration": 1.5,
        "exitstatus": 0,
        "alpha": {
            "spent": 1e-5,
            "budget": 1e-3,
            "tests": 5,
            "tiers": [{"alpha": 2e-6, "count": 5}],
        },
        **extra,
    }


_RUNS: dict[tuple, tuple] = {}


def suite_report(tmp_path_factory, name: str, *args: str):
    """``suite_process(*args)`` writing its report to a tmp dir, once per process (the
    browser test reuses the SwappedFans run): ``(result, directory)``."""
    if args not in _RUNS:
        out = tmp_path_factory.mktemp(name)
        _RUNS[args] = suite_process(*(a.format(out=out) for a in args)), out
    return _RUNS[args]


#: A mutant with a failure (test_fans[he_normal]) and a pass (test_probe[glorot_uniform]).
SWAPPED_FANS = (
    "--impl=initializer_conformance.adapters.mutants:SwappedFans",
    "-k",
    "test_fans and he_normal or test_probe and glorot_uniform and not dense",
    "--report-html={out}/page.html",
)
