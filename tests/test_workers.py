"""``-n auto`` runs a port serially where xdist's workers cannot pay for themselves
(``conformance/workers.py``), and keeps them for a slow port, a port that cannot be
probed, and a count the user set."""

import os
import time

from benchmarks.runs import suite_process
from initializer_conformance.adapters.reference_numpy import ReferenceAdapter
from initializer_conformance.conformance import workers
from tests.faulty_adapters import SlowCalls

#: One initializer's dtype checks: the run is the header and a few tests.
SUBSET = ("-n", "auto", "-k", "test_dtype and RandomNormal", "--no-report", "-p", "no:randomly")


def test_the_probe_times_the_reference_below_the_threshold_and_a_slow_port_above():
    assert workers.probe_seconds(ReferenceAdapter()) < workers.SERIAL_BELOW / 5
    start = time.perf_counter()
    seconds = workers.probe_seconds(SlowCalls())
    assert workers.SERIAL_BELOW <= seconds < workers.SERIAL_BELOW + 0.2  # stopped there
    assert time.perf_counter() - start < workers.SERIAL_BELOW + 0.5


def test_a_fast_port_runs_serially():
    result = suite_process("--impl=numpy", *SUBSET)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "conformance: -n auto: serial: the probe took" in result.stdout
    assert "created:" not in result.stdout  # xdist started no worker


def test_a_slow_port_keeps_the_workers():
    result = suite_process("--impl=tests.faulty_adapters:SlowCalls", *SUBSET)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "conformance: -n auto: workers: the probe took at least" in result.stdout
    assert "created:" in result.stdout


def test_a_hanging_port_is_probed_no_longer_than_the_call_timeout():
    """The probe calls ``he_uniform``, which hangs: it stops at ``--call-timeout`` and
    leaves the run to the workers (whose checks of RandomNormal pass)."""
    start = time.perf_counter()
    result = suite_process("--impl=tests.faulty_adapters:Hangs", "--call-timeout=2", *SUBSET)
    assert "conformance: -n auto: workers: the probe failed (CallTimeout)" in result.stdout
    assert result.returncode == 0, result.stdout[-2000:]
    assert time.perf_counter() - start < 60


def test_a_count_the_user_set_is_obeyed(monkeypatch):
    monkeypatch.setitem(os.environ, "PYTEST_XDIST_AUTO_NUM_WORKERS", "1")
    result = suite_process("--impl=numpy", *SUBSET)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "-n auto: serial" not in result.stdout and "created: 1/1 worker" in result.stdout
