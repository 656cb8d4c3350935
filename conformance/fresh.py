"""Seeded calls in fresh interpreters, as ``test_seeds.fresh_outputs`` starts them.

A seeded initializer must return the same values in every process: a training run is
reproduced in another process, on another day. Within one process a seed can look
reproducible and still not be: a port that mixes ``hash(name)`` (randomized per process
by ``PYTHONHASHSEED``), an ``id()`` or the process's first unseeded draw into its seeded
stream returns the same values twice in one process and other values in the next.
:func:`seeded_outputs` makes the same seeded calls in two fresh processes with different
``PYTHONHASHSEED`` (0, which turns the randomization off, and 1), started as
``test_seeds.py`` starts its fresh processes (the run's ``--impl``, its import path, its
directory).

Timeouts: each call in a child is bounded by the run's ``--call-timeout`` (a ``SIGALRM``
timer, as ``guard.py`` bounds a call in the test process: a call that hangs is reported
as that call's error), and the parent waits for the import allowance plus
``--call-timeout`` per call, never more (no limit with ``--call-timeout=0``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from initializer_conformance.conformance.run import current

#: Run in a fresh interpreter: ``argv[1]`` the run's ``--impl``, ``argv[2]`` the calls as
#: JSON ``[[identifier, config, shape, dtype], ...]``, ``argv[3]`` the seconds one call may
#: take (0: no limit). Prints one JSON line: per call, the values as float64 (exact for
#: every floating dtype of the spec), or ``{"unsupported": ...}``, ``{"error": ...}``, or
#: ``{"timeout": "call"}`` (and ``"not called"`` for that initializer's later calls).
SEEDED_PROCESS = """
import json, signal, sys
import numpy as np
from initializer_conformance.adapters import load_adapter

class CallTimeout(BaseException):
    pass

def interrupt(signum, frame):
    raise CallTimeout()

limit = float(sys.argv[3])
timed = limit > 0 and hasattr(signal, "setitimer")
if timed:
    signal.signal(signal.SIGALRM, interrupt)
adapter = load_adapter(sys.argv[1])
out = []
hung = set()  # an initializer that timed out is not called again (one time limit each)
for identifier, config, shape, dtype in json.loads(sys.argv[2]):
    if identifier in hung:
        out.append({"timeout": "not called"})
        continue
    if timed:
        signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        value = np.asarray(adapter.make(identifier, config)(tuple(shape), dtype))
        out.append(value.astype(np.float64).ravel().tolist())
    except NotImplementedError as error:
        out.append({"unsupported": str(error)})
    except CallTimeout:
        hung.add(identifier)
        out.append({"timeout": "call"})
    except Exception as error:
        out.append({"error": f"{type(error).__name__}: {error}"})
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
print("SEEDED " + json.dumps(out))
"""

#: ``PYTHONHASHSEED`` of the two processes: 0 (no randomization) and 1.
HASH_SEEDS = ("0", "1")

_seeded: dict = {}  # the run -> (the calls, the two processes' outputs)


def seeded_outputs(calls: list, import_allowance: float) -> list[list]:
    """The outputs of ``calls`` (``[identifier, config, shape, dtype]`` each) in two fresh
    processes with the ``PYTHONHASHSEED`` of :data:`HASH_SEEDS`; started once per run (and
    per xdist worker). ``import_allowance``: the seconds a process may take to start and
    import the adapter (``--import-timeout`` plus ``test_seeds.FRESH_SLACK``)."""
    run = current()
    if _seeded.get("run") is not run or _seeded.get("calls") != calls:
        if not run.impl:
            pytest.skip("the adapter was not named by --impl: no fresh process can load it")
        limit = run.call_timeout
        argv = [sys.executable, "-c", SEEDED_PROCESS, run.impl, json.dumps(calls), repr(limit)]
        path = [os.path.abspath(p) if p else os.getcwd() for p in sys.path]
        processes = [
            subprocess.Popen(
                argv,
                cwd=run.invocation_dir,
                env={**os.environ, "PYTHONPATH": os.pathsep.join(path), "PYTHONHASHSEED": seed},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for seed in HASH_SEEDS
        ]
        timeout = import_allowance + len(calls) * limit if limit > 0 else None
        outputs = []
        for process, seed in zip(processes, HASH_SEEDS, strict=True):
            try:
                stdout, stderr = process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                stdout, stderr = process.communicate()
                stderr += f"\n(killed after {timeout:g} s: the import allowance plus "
                stderr += f"--call-timeout={limit:g} s for each of {len(calls)} calls)"
            lines = [line for line in stdout.splitlines() if line.startswith("SEEDED ")]
            if process.returncode != 0 or not lines:
                for other in processes:
                    other.kill()
                raise RuntimeError(
                    f"a fresh process (PYTHONHASHSEED={seed}) could not load --impl={run.impl} "
                    f"and make its seeded calls (exit status {process.returncode}): "
                    f"{stderr[-2000:]}"
                )
            outputs.append(json.loads(lines[-1][len("SEEDED ") :]))
        _seeded.update(run=run, calls=calls, outputs=outputs)
    return _seeded["outputs"]
