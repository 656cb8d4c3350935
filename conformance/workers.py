"""``-n auto``: pytest-xdist's workers only where they pay for themselves.

A worker is a new process: it imports the suite and the framework, and draws again the
samples that one process shares between its checks. Where each call is fast, that costs
more than a second core saves. Measured on an idle 2-core machine, default profile,
serially against 2 workers: the reference 40 s against 45 s, torch 55 s against 60 s,
Keras on jax 135.7 s against 139.0 s; jax 119.3 s against 85.5 s, flax 132.3 s against
91.9 s, and tinygrad, whose calls compile a kernel per shape, about twice as fast with
its workers.

So ``-n auto`` (xdist's hook ``pytest_xdist_auto_num_workers``) first times a probe of
the port: after one call that pays its one-time set-up, the seeded 64×64 float32 outputs
of the 10 element-wise initializers, twice each (numpy 7 ms, torch 16 ms, mlx 15 ms; jax
and tinygrad pass the threshold on their first calls, which compile). Below
:data:`SERIAL_BELOW` the run is serial; above, xdist's own count (the CPUs). An explicit
``-n N`` and ``$PYTEST_XDIST_AUTO_NUM_WORKERS`` are obeyed as given.
"""

from __future__ import annotations

import os
import time

import pytest

#: A probe faster than this (seconds) runs the suite serially.
SERIAL_BELOW = 0.5
#: Each output of the probe.
PROBE_SHAPE = (64, 64)
#: The probe's seeds: each element-wise initializer is called once per seed.
PROBE_SEEDS = (1, 2)
#: What ``-n auto`` decided and why, for the run's header.
DECISION = pytest.StashKey[str]()


def probe_seconds(adapter, budget: float = SERIAL_BELOW) -> float:
    """The probe's time through ``adapter``, stopped once it passes ``budget``."""
    from initializer_conformance.conformance.identifiers import ELEMENTWISE

    adapter.make("RandomNormal", {"seed": 0})((8, 8), "float32")  # the one-time set-up
    start = time.perf_counter()
    for seed in PROBE_SEEDS:
        for name in ELEMENTWISE:
            adapter.make(name, {"seed": seed})(PROBE_SHAPE, "float32")
            if time.perf_counter() - start >= budget:
                return time.perf_counter() - start
    return time.perf_counter() - start


def auto_workers(config) -> tuple[int | None, str]:
    """``(workers, why)``: 0 where the port's probe is faster than :data:`SERIAL_BELOW`,
    ``None`` (xdist's own count) otherwise, or where the port cannot be probed (the run
    then reports why, as without ``-n``)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None, "$PYTEST_XDIST_AUTO_NUM_WORKERS"
    from initializer_conformance import adapters
    from initializer_conformance.conformance import guard, options

    try:
        values = options.parse(config)
        with guard.time_limit(values.import_timeout, "-n auto: the import", "--import-timeout"):
            adapter = adapters.load_adapter(values.impl, values.device, values.device_source)
        with guard.time_limit(values.call_timeout, "-n auto: the probe", "--call-timeout"):
            seconds = probe_seconds(adapter)
    except (Exception, guard.AdapterFault) as error:  # the run reports a port that fails
        return None, f"workers: the probe failed ({type(error).__name__})"
    if seconds < SERIAL_BELOW:
        return 0, (
            f"serial: the probe took {seconds * 1000:.0f} ms, workers pay from "
            f"{SERIAL_BELOW * 1000:.0f} ms"
        )
    return None, f"workers: the probe took at least {seconds:.2f} s"
