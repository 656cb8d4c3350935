"""Fixtures of the project's tests.

The reference promises (``reference/base.py``) never to touch numpy's global
random state. Every test in ``tests/`` runs under :func:`_global_random_state_untouched`,
which fails the test if the legacy global ``numpy.random`` state changed while it ran.
:func:`reference_run` makes a run of the reference current, for tests that call the
suite's checks directly. Suite processes start through ``benchmarks/runs.py``, here from
preloaded forks (``benchmarks/preloaded.py``): over a hundred runs, 2.5 s of imports each.
"""

import numpy as np
import pytest

from benchmarks import runs
from initializer_conformance import adapters
from initializer_conformance.conformance.run import Run, activate

runs.preload()


def pytest_xdist_make_scheduler(config, log):
    """Work stealing for ``-n``'s default ``load``: the tests take from 0.01 s to a minute
    (whole suite runs), and ``load`` leaves a worker idle behind a few long ones at the end."""
    if config.getoption("dist") == "load":
        from xdist.scheduler import WorkStealingScheduling

        return WorkStealingScheduling(config, log)
    return None


def _states_equal(a, b) -> bool:
    return a[0] == b[0] and np.array_equal(a[1], b[1]) and tuple(a[2:]) == tuple(b[2:])


@pytest.fixture(autouse=True)
def _global_random_state_untouched():
    before = np.random.get_state()
    yield
    after = np.random.get_state()
    assert _states_equal(before, after), (
        "the test (or the reference) changed numpy's global random state"
    )


@pytest.fixture
def reference_run():
    """A run of the reference adapter made current, for tests that call checks directly
    (the suite's plugin does this for a pytest session); retired afterwards."""
    run = Run(adapter=adapters.load_adapter("numpy"), impl="numpy")
    activate(run)
    yield run
    activate(None)
