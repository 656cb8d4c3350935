"""The false-alarm benchmark's results file: written after every run, read back to resume."""

from benchmarks.false_alarms import Run, read, write


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
