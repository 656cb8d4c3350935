"""The framework benchmark counts what a run asks of its adapter (``benchmarks/frameworks.py``
through ``conformance/calllog.py``): here on a small run of the reference."""

import argparse
import sys

from benchmarks import frameworks


def test_a_run_is_counted_per_check():
    measured = frameworks.run(
        sys.executable, "numpy", 1, "quick", ["-k", "RandomUniform and (test_law or test_probe)"]
    )
    assert measured.exit == 0, measured.summary
    assert measured.calls == sum(measured.by_check.values()) > 0
    assert set(measured.by_check) == {"test_law", "test_probe"}, measured.by_check
    assert measured.values >= measured.calls and measured.shapes >= 2
    assert measured.combinations >= measured.shapes
    assert measured.workers_mib and measured.largest_mib > 0
    assert measured.compiles == 0  # no JAX here

    args = argparse.Namespace(python=sys.executable, profile="quick", workers=1)
    page = frameworks.report([measured], args, "today", "numpy")
    assert "| numpy | 0 |" in page and "`test_probe`" in page and "Bounds: all met." in page
