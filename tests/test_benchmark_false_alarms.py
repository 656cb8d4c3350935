"""The false-alarm benchmark's results file: written after every run, read back to resume;
and the seeds it takes from the calibration audit."""

from benchmarks import calibration, cvm_tail
from benchmarks.false_alarms import FAILED_BEFORE, Run, read, riskiest, write
from initializer_conformance.conformance.run import Run as SuiteRun


def test_results_round_trip_and_rerun(tmp_path):
    output = tmp_path / "false_alarms.md"
    runs = [
        Run(1, 0, 61.0, "196 passed in 60.1s", "abc1234", []),
        Run(2, 1, 70.0, "1 failed, 195 passed in 69.0s", "abc1234", ["conformance/t.py::t[X]"]),
        Run(3, 0, 64.0, "196 passed in 63.0s", "def5678+", []),
    ]
    write(runs, [], range(1, 101), 2, "numpy", output)
    text = output.read_text()
    assert "failing runs: **1**" in text and "at commit abc1234, def5678+" in text
    assert "- seed 2 failed at abc1234: conformance/t.py::t[X]" in text

    assert read(output, []) == (runs, [])
    kept, notes = read(output, [2])
    assert [r.seed for r in kept] == [1, 3]
    assert notes == [
        "- note: seed 2 run again; earlier: exit 1 at abc1234 (conformance/t.py::t[X])"
    ]
    write(kept, notes, range(1, 101), 2, "numpy", output)
    assert read(output, [])[1] == notes  # the note stays when the file is rewritten


def test_the_riskiest_seeds_come_from_the_audit_with_their_cvm_tests(tmp_path, monkeypatch):
    """Seeds ranked by expected false alarms, the CvM tests of each (the committed table's
    rejection at n = 64) included; the seeds earlier versions failed come after them."""
    alpha = SuiteRun().hypothesis_alpha
    cvm = cvm_tail.load()[cvm_tail.key(64, alpha)]["rejection"]
    seeds = {
        "7": {"seed": 7, "expected": dict.fromkeys(calibration.IMPLS, 4.0e-4), "cvm": {}},
        "8": {"seed": 8, "expected": dict.fromkeys(calibration.IMPLS, 3.9e-4), "cvm": {"64": 1000}},
        "9": {"seed": 9, "expected": dict.fromkeys(calibration.IMPLS, 5.0e-4), "cvm": {}},
    }
    store = tmp_path / "calibration.json.gz"
    calibration.save(store, {"_method": calibration.METHOD, **seeds})
    assert 3.9e-4 + 1000 * cvm > 5.0e-4  # seed 8 is the riskiest through its CvM tests
    assert calibration.riskiest_seeds(store) == [8, 9, 7]
    monkeypatch.setattr(calibration, "RESULTS", tmp_path)
    assert riskiest(2) == [8, 9, *FAILED_BEFORE]
