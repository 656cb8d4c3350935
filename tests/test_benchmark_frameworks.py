"""The framework benchmark counts what a run asks of its adapter (``benchmarks/frameworks.py``
through ``conformance/calllog.py``): here on a small run of the reference."""

import argparse
import sys

from benchmarks import frameworks


def test_a_run_is_counted_per_check():
    measured = frameworks.run(
        sys.executable, "numpy", 1, "ci", ["-k", "RandomUniform and (test_law or test_probe)"]
    )
    assert measured.exit == 0, measured.summary
    assert measured.calls == sum(measured.by_check.values()) > 0
    assert set(measured.by_check) == {"test_law", "test_probe"}, measured.by_check
    assert measured.values >= measured.calls and measured.shapes >= 2
    assert measured.combinations >= measured.shapes
    assert measured.workers_mib and measured.largest_mib > 0
    assert measured.compiles == 0  # no JAX here

    args = argparse.Namespace(python=sys.executable, profile="ci", workers=1)
    page = frameworks.report([measured], args, "today", "numpy")
    assert "| numpy | 0 |" in page and "`test_probe`" in page and "Bounds: all met." in page


def test_the_findings_table_is_the_results_page():
    """``--findings``: the table of run times in docs/findings.md is written from the
    results page, every target a row, its ratio to the reference's wall time."""
    batch = [
        frameworks.Measurement(
            "numpy", 0, 40.0, "511 passed", (0.1, 1.0), calls=15_699, shapes=68, largest_mib=250
        ),
        frameworks.Measurement(
            "keras:jax",
            0,
            100.0,
            "417 passed",
            (1.0, 2.0),
            calls=17_197,
            shapes=71,
            largest_mib=1462,
            compiles=825,
            compile_seconds=30.0,
            workers_mib=[900.0, 910.0],
        ),
    ]
    args = argparse.Namespace(python=sys.executable, profile="ci", workers="auto")
    table = frameworks.findings_table(frameworks.report(batch, args, "today", "numpy"))
    assert table.splitlines()[2:] == [
        "| numpy (reference) | 40.0 s | 1.0 | 15,699 | 68 | - | 250 MiB |",
        "| keras, jax backend | 100.0 s | 2.5 | 17,197 | 71 | 825 | 1462 MiB |",
    ]
    assert table.splitlines()[0] in frameworks.FINDINGS.read_text()  # the table it replaces
