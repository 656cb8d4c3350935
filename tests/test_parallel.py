"""A run with pytest-xdist gives the verdicts and the results file of a serial run.

Everything random in a run comes from ``--conformance-seed``: Hypothesis examples (no
example database), the seeds passed to the adapter, the derived seeds of the probes.
Only timings and the command line may differ.
"""

import json

from benchmarks.runs import suite_process

TIMINGS = ("started", "duration", "command")


def _results(tmp_path, name: str, *args: str) -> dict:
    path = tmp_path / f"{name}.json"
    # The probes (11 fixed large samples, a third of the run's time) are left out, and
    # test_calls: it law-tests unseeded instances, whose values are fresh in every run.
    result = suite_process(
        "--impl=numpy",
        "--conformance-profile=quick",
        "-k",
        "not test_probe and not test_calls",
        "--report-json",
        str(path),
        *args,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    data = json.loads(path.read_text())
    for key in TIMINGS:
        data.pop(key)
    data["platform"].pop("workers")
    for test in data["tests"]:
        test.pop("duration")
    return data


def test_serial_and_parallel_runs_write_identical_results(tmp_path):
    serial = _results(tmp_path, "serial", "-p", "no:xdist")
    parallel = _results(tmp_path, "parallel", "-n", "2")
    assert len(serial["tests"]) > 200 and serial["alpha"]["tests"] > 500
    assert [t["nodeid"] for t in parallel["tests"]] == [t["nodeid"] for t in serial["tests"]]
    for a, b in zip(serial["tests"], parallel["tests"], strict=True):
        assert a == b, a["nodeid"]
    assert parallel == serial
