"""Fixtures of the project's tests.

The reference promises (``reference/base.py``) never to touch numpy's global
random state. Every test in ``tests/`` runs under :func:`_global_random_state_untouched`,
which fails the test if the legacy global ``numpy.random`` state changed while it ran.
:func:`reference_run` makes a run of the reference current, for tests that call the
suite's checks directly. (Suite processes start through ``benchmarks/runs.py``.)
"""

import numpy as np
import pytest

from initializer_conformance import adapters
from initializer_conformance.conformance.run import Run, activate


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
