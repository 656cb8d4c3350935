"""Counting what a run asks of its adapter, for ``benchmarks/frameworks.py``.

With ``INITIALIZER_CONFORMANCE_CALL_LOG=DIR`` set, every process of a run (the pytest
process and each xdist worker) appends one line per adapter call made through
:func:`~initializer_conformance.conformance.sampling.call` to ``DIR/<pid>.tsv``:

``identifier  shape  dtype  values  peak RSS (KiB)  JAX compilations  JAX compile seconds  check``

(``check``: the test that made the call, ``conformance/test_law.py::test_law``).

The benchmark reads the lines back (calls, values drawn, distinct shapes, distinct
(initializer, shape, dtype), the calls of each check, the peak RSS of each worker, JAX's
compilations). Without the variable, :data:`ENABLED` is false and ``sampling.call``
does nothing more than test it: a normal run pays one attribute read per call.

JAX's compilations are counted with ``jax.monitoring``'s backend-compile event (one per
XLA compilation, jit caches and eager ops alike), from the first call on: the listener is
registered when the first call is logged, if the adapter has imported JAX by then.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: The variable naming the directory of the logs.
VARIABLE = "INITIALIZER_CONFORMANCE_CALL_LOG"
ENABLED = bool(os.environ.get(VARIABLE))

#: JAX's event for one XLA backend compilation (``jax._src.dispatch.BACKEND_COMPILE_EVENT``).
JAX_COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"

_state: dict = {"file": None, "jax": None, "compiles": 0, "compile_seconds": 0.0}


def _on_duration(event: str, duration: float, **_) -> None:
    if event == JAX_COMPILE_EVENT:
        _state["compiles"] += 1
        _state["compile_seconds"] += duration


def before_call() -> None:
    """Start counting JAX's compilations once JAX is imported (before the call compiles)."""
    if _state["jax"] is None and "jax" in sys.modules:
        import jax.monitoring

        jax.monitoring.register_event_duration_secs_listener(_on_duration)
        _state["jax"] = True


def log_call(identifier: str, shape: tuple[int, ...], dtype: str) -> None:
    """One line for one call of ``identifier`` on ``shape`` and ``dtype``."""
    if _state["file"] is None:
        directory = Path(os.environ[VARIABLE])
        directory.mkdir(parents=True, exist_ok=True)
        _state["file"] = open(directory / f"{os.getpid()}.tsv", "a", buffering=1)  # noqa: SIM115
    size = 1
    for side in shape:
        size *= side
    import resource  # POSIX only: the benchmark's logs are made on Linux

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    # the check that made the call: pytest's current test, without its parameters
    check = os.environ.get("PYTEST_CURRENT_TEST", "-").split(" ")[0].split("[")[0]
    _state["file"].write(
        f"{identifier}\t{tuple(shape)!r}\t{dtype}\t{size}\t{peak}\t"
        f"{_state['compiles']}\t{_state['compile_seconds']:.3f}\t{check}\n"
    )
