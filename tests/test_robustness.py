"""A misbehaving adapter never crashes the run or hides a result.

Each faulty adapter (``tests/faulty_adapters.py``) breaks ``he_uniform`` only; the run
must finish, record the fault as the failure or error of the checks that met it, say
what went wrong, and pass the checks of the healthy initializers.
"""

import json
import subprocess
import sys
import time

import pytest

from benchmarks.runs import ROOT, suite_command, suite_process
from initializer_conformance.conformance import guard
from initializer_conformance.conformance.run import Run, activate
from initializer_conformance.conformance.sampling import generate
from tests.faulty_adapters import UniformSamplerHangs

#: A fast subset: the faulty initializer and a healthy one, in three properties.
SUBSET = (
    "-k",
    "(he_uniform or glorot_uniform) and (test_law or test_dtype or test_seed_reproducible)",
    "--conformance-profile=quick",
)


def faulty_run(tmp_path, fault: str, *args: str, subset: tuple[str, ...] = SUBSET):
    """``(process, {test id: test})`` of a subset run against ``faulty_adapters:fault``."""
    report = tmp_path / "results.json"
    result = suite_process(
        f"--impl=tests.faulty_adapters:{fault}", *subset, "--report-json", str(report), *args
    )
    assert report.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    tests = {t["nodeid"].split("::")[-1]: t for t in json.loads(report.read_text())["tests"]}
    return result, tests


def _healthy_pass(tests) -> None:
    healthy = {k: t["outcome"] for k, t in tests.items() if "glorot_uniform" in k}
    assert len(healthy) == 8 and set(healthy.values()) == {"pass"}, healthy


@pytest.mark.parametrize(
    "fault, outcome, message",
    [
        ("RaisesInMake", "error", "RuntimeError: the port crashed in make"),
        ("RaisesInCall", "error", "RuntimeError: the port crashed in the call"),
        ("WrongShape", "fail", ", 1), expected ("),
        ("ReturnsScalar", "fail", "returned a float of shape (), expected ("),
        ("ReturnsObject", "fail", "returned a object of dtype object, expected a numeric array"),
        ("ReturnsNaN", "fail", "returned 1 non-finite values (NaN or Inf) of "),
        ("ReturnsInf", "fail", "returned 1 non-finite values (NaN or Inf) of "),
        ("HugeArray", "fail", "returned a ndarray of shape (1000000, 1000000), expected ("),
    ],
)
def test_a_fault_is_the_result_of_the_checks_that_met_it(tmp_path, fault, outcome, message):
    result, tests = faulty_run(tmp_path, fault)
    assert result.returncode == 1, result.stdout[-3000:]
    faulty = {k: t for k, t in tests.items() if "he_uniform" in k}
    for key in ("test_dtype[he_uniform-float32]", "test_seed_reproducible[he_uniform]"):
        assert faulty[key]["outcome"] == outcome, (key, faulty[key])
        assert message in faulty[key]["message"] + faulty[key].get("longrepr", ""), faulty[key]
    assert faulty["test_law[he_uniform]"]["outcome"] == outcome
    _healthy_pass(tests)


def test_an_adapter_exception_names_the_call_and_keeps_the_traceback(tmp_path):
    _, tests = faulty_run(tmp_path, "RaisesInCall")
    longrepr = tests["test_dtype[he_uniform-float32]"]["longrepr"]
    assert (
        "raised by the adapter in adapter.make('he_uniform', {'seed': 7})((4, 6), "
        "'float32')" in longrepr
    )
    assert "tests/faulty_adapters.py:" in longrepr  # the adapter's own frame


def test_a_list_or_wrong_dtype_fails_the_dtype_check_saying_so(tmp_path):
    _, tests = faulty_run(tmp_path, "ReturnsList")
    assert tests["test_law[he_uniform]"]["outcome"] == "pass"  # the values are right
    failure = tests["test_dtype[he_uniform-float32]"]
    assert failure["outcome"] == "fail"
    assert "dtype float64 (the adapter returned a list, which has no dtype" in failure["longrepr"]
    _, tests = faulty_run(tmp_path, "WrongDtype")  # float64, whatever was asked
    assert [k for k, t in tests.items() if t["outcome"] != "pass"] == [
        f"test_dtype[he_uniform-{dtype}]"
        for dtype in ("float16", "bfloat16", "float32", "int32", "int64")
    ]
    assert "dtype float64" in tests["test_dtype[he_uniform-float32]"]["longrepr"]


@pytest.mark.parametrize("fault", ["Hangs", "BusyLoops"])
def test_a_hanging_call_is_an_error_after_the_time_limit(tmp_path, fault):
    result, tests = faulty_run(tmp_path, fault, "--call-timeout=0.5")
    assert result.returncode == 1
    faulty = [t for k, t in tests.items() if "he_uniform" in k]
    assert len(faulty) == 8 and all(t["outcome"] == "error" for t in faulty), faulty
    assert all("did not return within 0.5 s (--call-timeout)" in t["message"] for t in faulty)
    # No replay of a hung call: Hypothesis reports the first one at once.
    assert tests["test_law[he_uniform]"]["duration"] < 5
    _healthy_pass(tests)


#: Every check that calls RandomNormal (also as the alias random_normal), and a healthy
#: initializer's; but the check that calls the adapter in fresh processes (test_seeds.py:
#: test_unseeded_differs_across_processes, tested below).
NORMAL_SUBSET = (
    "-k",
    "(RandomNormal or random_normal or glorot_uniform) and not across_processes",
    "--conformance-profile=quick",
)


def _timeouts(tests) -> tuple[list, list]:
    """``(timeouts, calls refused as known hangs)`` among the results ``tests``."""
    return (
        [t for t in tests if t.get("exception") == "CallTimeout"],
        [t for t in tests if t.get("exception") == "KnownHang"],
    )


def test_a_hanging_initializer_costs_one_timeout_per_run(tmp_path):
    """RandomNormal never returns: the first check that calls it pays the time limit,
    every later one is an error at once that names it; the other initializers pass."""
    timeout = 3  # s
    start = time.perf_counter()
    result, tests = faulty_run(
        tmp_path, "NormalHangs", f"--call-timeout={timeout}", subset=NORMAL_SUBSET
    )
    elapsed = time.perf_counter() - start
    assert result.returncode == 1, result.stdout[-3000:]
    errors = [t for t in tests.values() if t["outcome"] == "error"]
    assert all("glorot_uniform" not in t["nodeid"] for t in errors), errors
    first, known = _timeouts(errors)
    assert len(errors) >= 10 and len(first) == 1 and len(known) == len(errors) - 1, [
        t["message"] for t in errors
    ]
    (check,) = first
    call = check["message"].split(": ", 1)[1].split(" did not return within ")[0]
    assert f"did not return within {timeout} s (--call-timeout)" in check["message"]
    assert check["duration"] >= timeout
    for t in known:
        assert "was not called: the same code path (calls of the RandomNormal that" in t["message"]
        assert (
            f"did not return within {timeout} s (--call-timeout) in {check['nodeid']}, "
            f"as {call}: it hangs" in t["message"]
        ), t
        assert t["duration"] < timeout / 2, t
    # The errors cost one time limit in all; one per check would have cost
    # len(errors) * timeout (> 30 s), more than the whole run takes.
    assert sum(t["duration"] for t in errors) < 2 * timeout, errors
    assert elapsed < len(errors) * timeout, elapsed
    healthy = {k: t["outcome"] for k, t in tests.items() if "glorot_uniform" in k}
    assert set(healthy.values()) <= {"pass", "skipped"}, healthy
    assert list(healthy.values()).count("pass") >= 10, healthy


def test_the_code_path_is_the_initializer_and_the_config_but_its_numbers():
    """Same initializer and distribution, other seed, numbers, shape, dtype: refused at
    once. Another distribution or mode: called. A new run: called again."""
    run = Run(adapter=UniformSamplerHangs(), impl="UniformSamplerHangs", call_timeout=0.5)
    activate(run)
    try:
        with pytest.raises(guard.CallTimeout) as hung:
            generate("VarianceScaling", {"distribution": "uniform", "seed": 1}, (4, 6), "float32")
        assert not isinstance(hung.value, guard.KnownHang)
        first = "adapter.make('VarianceScaling', {'distribution': 'uniform', 'seed': 1})((4, 6), "
        for config, shape, dtype in [
            ({"distribution": "uniform", "seed": 2, "scale": 3.0}, (2, 2, 3, 5), "float64"),
            ({"distribution": "uniform", "seed": None}, (7,), "int32"),
        ]:
            start = time.perf_counter()
            with pytest.raises(guard.KnownHang, match="in \\(not run by pytest\\), as ") as known:
                generate("VarianceScaling", config, shape, dtype)
            assert time.perf_counter() - start < run.call_timeout / 2
            assert f"as {first}'float32'): it hangs" in str(known.value)
            assert "(calls of the VarianceScaling(distribution='uniform') that" in str(known.value)
        # The other samplers of the same initializer are still tested.
        out = generate("VarianceScaling", {"distribution": "normal", "seed": 1}, (4, 6), "float32")
        assert out.shape == (4, 6)
        with pytest.raises(guard.CallTimeout) as hung:  # another mode: another code path
            generate(
                "VarianceScaling", {"distribution": "uniform", "mode": "fan_out"}, (4, 6), "float32"
            )
        assert not isinstance(hung.value, guard.KnownHang) and len(run.timeouts) == 2
    finally:
        activate(None)
    activate(Run(adapter=UniformSamplerHangs(), impl="UniformSamplerHangs", call_timeout=0.5))
    try:
        with pytest.raises(guard.CallTimeout) as hung:
            generate("VarianceScaling", {"distribution": "uniform", "seed": 1}, (4, 6), "float32")
        assert not isinstance(hung.value, guard.KnownHang)
    finally:
        activate(None)


TWO_HANGING_RUNS = """
import sys, pytest
for report in sys.argv[1:]:
    pytest.main(["conformance", "--impl=tests.faulty_adapters:NormalHangs", "-q",
                 "-p", "no:cacheprovider", "-p", "no:xdist", "--call-timeout=1",
                 "-k", "test_identifier_resolves and (RandomNormal or random_normal)",
                 "--report-json", report])
"""


def test_two_sessions_in_one_process_do_not_share_their_timeouts(tmp_path):
    """Each session pays its own first timeout: remembered by the process, the second
    session's RandomNormal would be refused at once."""
    reports = [tmp_path / "first.json", tmp_path / "second.json"]
    result = subprocess.run(
        [sys.executable, "-c", TWO_HANGING_RUNS, *map(str, reports)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    for report in reports:
        assert report.exists(), result.stdout[-3000:] + result.stderr[-3000:]
        tests = json.loads(report.read_text())["tests"]
        first, known = _timeouts(tests)
        assert len(tests) == 2 and len(first) == 1 and len(known) == 1, tests
        assert first[0]["nodeid"].endswith("[RandomNormal]")


def _run_measured(tmp_path, *args: str, held: int = 0):
    """``(process, results, peak bytes)`` of ``pytest conformance ARGS`` started by a
    process that holds ``held`` bytes resident and then becomes the suite (exec), as an
    IDE or a big test worker would start it."""
    report, peak_file = tmp_path / "results.json", tmp_path / "peak"
    argv, env = suite_command(
        *args, "--report-json", str(report), "-p", "tests.peak_memory", "-p", "no:xdist"
    )
    env["PEAK_MEMORY_FILE"] = str(peak_file)
    launcher = f"import os, sys; held = b'x' * {held}; os.execv(sys.executable, sys.argv[1:])"
    result = subprocess.run(
        [sys.executable, "-c", launcher, *argv], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert report.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    return result, json.loads(report.read_text())["tests"], int(peak_file.read_text())


def test_a_leaking_adapter_is_stopped_at_the_memory_limit(tmp_path):
    limit = 1024  # MiB; the leak keeps 64 MiB per call, the suite itself needs ~200
    result, tests, peak = _run_measured(
        tmp_path, "--impl=tests.faulty_adapters:Leaks", *SUBSET, f"--memory-limit={limit}MiB"
    )
    assert result.returncode == 1, result.stdout[-3000:]
    errors = [t["message"] for t in tests if t["outcome"] == "error"]
    assert errors and all("memory limit of 1024 MiB (--memory-limit)" in m for m in errors)
    assert any("the adapter is not called again" in m for m in errors)
    assert limit * 2**20 < peak < (limit + 3 * 64) * 2**20, peak / 2**20  # reached, bounded


def test_the_memory_of_the_process_that_started_the_suite_is_not_counted(tmp_path):
    # Linux carries the peak of getrusage over fork and exec: a suite started by a process
    # holding more than the limit must still measure only its own memory.
    result, tests, peak = _run_measured(
        tmp_path, "--impl=numpy", *SUBSET, "--memory-limit=512MiB", held=768 * 2**20
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert {t["outcome"] for t in tests} == {"pass"} and len(tests) == 16
    assert peak < 512 * 2**20, peak / 2**20


@pytest.mark.parametrize("fault", ["NothingSupported", "EverythingRaises"])
def test_a_run_that_passes_nothing_is_not_green(fault):
    result = suite_process(
        f"--impl=tests.faulty_adapters:{fault}", "-q", "--conformance-profile=quick", "--no-report"
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert "no check passed: this run does not show conformance" in result.stdout
    if fault == "NothingSupported":
        assert "unsupported (NotImplementedError: not a pass" in result.stdout
    else:  # a broken port fails its checks (only the optional API it lacks is unsupported)
        assert " failed" in result.stdout.splitlines()[-1], result.stdout[-2000:]


@pytest.mark.parametrize(
    "source, cause",
    [
        ("raise RuntimeError('no GPU found')", "RuntimeError: no GPU found"),
        ("import not_a_framework_module", "ModuleNotFoundError: No module named 'not_a_framework"),
        ("raise SystemExit(3)", "SystemExit: 3"),
    ],
)
def test_an_adapter_module_failing_at_import_is_one_usage_error(tmp_path, source, cause):
    (tmp_path / "broken_port.py").write_text(source + "\n")
    result = suite_process("--impl=broken_port:Adapter", "-o", f"pythonpath={tmp_path}")
    assert result.returncode == 4, result.stdout[-2000:] + result.stderr[-2000:]
    assert f"cannot import module 'broken_port': {cause}" in result.stderr
    assert "Traceback" not in result.stderr


# -- bounded waits outside one call (issue 27) -----------------------------------------------


def test_a_hang_in_the_fresh_processes_costs_one_timeout_not_ten_minutes(tmp_path):
    """test_seeds' fresh processes call the adapter under the run's time limit too: a
    RandomNormal that hangs there is an error after --call-timeout (the wait was 600 s)."""
    timeout = 2
    start = time.perf_counter()
    result, tests = faulty_run(
        tmp_path,
        "NormalHangs",
        f"--call-timeout={timeout}",
        subset=("-k", "across_processes"),
    )
    elapsed = time.perf_counter() - start
    assert result.returncode == 1, result.stdout[-3000:]
    hung = tests["test_unseeded_differs_across_processes[RandomNormal]"]
    assert hung["outcome"] == "error" and hung["exception"] == "CallTimeout", hung
    assert (
        "in a fresh process, adapter.make('RandomNormal', {'seed': None})((4, 4), 'float32') "
        f"did not return within {timeout} s (--call-timeout)"
    ) in hung["message"]
    # the seeded check in fresh processes: an error after one time limit (or at once)
    seeded = tests["test_seeded_same_across_processes[RandomNormal]"]
    assert seeded["outcome"] == "error", seeded
    assert seeded["exception"] in ("CallTimeout", "KnownHang"), seeded
    others = [t["outcome"] for k, t in tests.items() if "RandomNormal" not in k]
    assert len(others) == 20 and set(others) == {"pass"}, others  # unseeded and seeded
    assert elapsed < 120, elapsed


def test_a_hanging_initializer_ends_a_default_run_within_three_timeouts(tmp_path):
    """The whole default run (fresh processes included) against an adapter whose
    RandomNormal never returns: the hang costs at most three time limits in all; every
    other check of RandomNormal fails at once, in this process and in the fresh ones."""
    timeout = 5
    result, tests = faulty_run(tmp_path, "NormalHangs", f"--call-timeout={timeout}", subset=())
    assert result.returncode == 1, result.stdout[-3000:]
    errors = [t for t in tests.values() if t["outcome"] == "error"]
    first, known = _timeouts(errors)
    assert first and len(first) + len(known) == len(errors) >= 15, [
        t["message"][:200] for t in errors
    ]
    assert sum(t["duration"] for t in errors) < 3 * timeout + 5, [
        (t["nodeid"], t["duration"]) for t in errors
    ]
    fresh = tests["test_unseeded_differs_across_processes[RandomNormal]"]
    assert fresh["exception"] == "KnownHang" and fresh["duration"] < 1, fresh
    assert "was not called in fresh processes" in fresh["message"]
    passed = [t for t in tests.values() if t["outcome"] == "pass"]
    assert len(passed) > 300


def test_a_module_that_hangs_at_import_is_a_usage_error_after_the_import_timeout(tmp_path):
    (tmp_path / "slow_port.py").write_text("import time\ntime.sleep(3600)\n")
    start = time.perf_counter()
    result = suite_process(
        "--impl=slow_port:Port", "--import-timeout=1", "-o", f"pythonpath={tmp_path}", "-q"
    )
    assert result.returncode == 4, result.stdout[-3000:] + result.stderr[-3000:]
    assert (
        "--impl=slow_port:Port: importing and making the adapter did not finish within 1 s "
        "(--import-timeout): it hangs at import, or is far too slow"
    ) in result.stderr
    assert time.perf_counter() - start < 60
