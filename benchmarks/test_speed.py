"""Speed of the suite, with pytest-benchmark: ``pytest benchmarks --benchmark-only``.

The full default run against the reference must take <= 60 s on 2 cores (serial);
the micro-benchmarks show where a run's time goes.
"""

import numpy as np
import pytest

from initializer_conformance import adapters, reference
from initializer_conformance.conformance import stats
from initializer_conformance.conformance.run import Run, activate
from initializer_conformance.conformance.sampling import collect

from .runs import run_suite


@pytest.fixture(autouse=True)
def reference_run():
    activate(Run(adapter=adapters.load_adapter("numpy"), impl="numpy"))
    yield
    activate(None)


@pytest.mark.parametrize("workers", [None, "2"], ids=["serial", "xdist-2"])
def test_full_default_run(benchmark, workers):
    args = ("--impl=numpy",) + (("-n", workers) if workers else ())
    outcome = benchmark.pedantic(run_suite, args=args, rounds=1, iterations=1)
    assert outcome.returncode == 0, outcome.summary
    if workers is None:
        assert outcome.seconds <= 60, f"the full default run took {outcome.seconds:.0f} s"


def test_hypothesis_example_statistics(benchmark):
    """What one Hypothesis example of test_law costs on 20,000 values (TruncatedNormal)."""
    law = reference.TruncatedNormal(stddev=0.3).law(())
    x = law.sample(np.random.default_rng(0), (20_000,))
    benchmark(lambda: [*stats.goodness_of_fit(x, law, 1e-7), stats.variance(x, law, 1e-7)])


def test_probe_sample(benchmark):
    """Drawing one probe's sample from the reference (he_normal, 190,120 values)."""
    benchmark(collect, "he_normal", {"seed": 1}, (3, 3, 64, 128), "float32", 190_120, 1000)
