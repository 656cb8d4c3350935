"""Results data for the report tests: one test entry and one run, as the plugin writes them
(``reports/schema/results-1.json``)."""

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
