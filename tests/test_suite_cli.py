"""The suite as a user runs it: `pytest conformance --impl=...`, its errors and its verdicts."""

import re

import pytest

from initializer_conformance import adapters
from initializer_conformance.conformance import run

from conftest import run_suite

USAGE_ERROR = 4


@pytest.fixture(scope="module")
def reference_run():
    return run_suite("--impl=numpy", "-q")


def test_reference_passes_the_full_default_run(reference_run):
    assert reference_run.returncode == 0, reference_run.stdout[-3000:]
    assert re.search(r"\d+ passed", reference_run.stdout)
    assert " failed" not in reference_run.stdout.splitlines()[-1]


def test_full_run_stays_within_the_false_alarm_budget(reference_run):
    """The ledger's total, and each tier's count, stay within what run.py declares."""
    line = re.search(r"statistical tests: (\d+) \((.*)\), alpha spent ([\d.e-]+)",
                     reference_run.stdout)
    assert line, reference_run.stdout[-2000:]
    assert int(line.group(1)) > 1000  # the run really tests
    assert float(line.group(3)) <= run.FALSE_ALARM_BUDGET
    tiers = {float(alpha): int(count)
             for count, alpha in re.findall(r"(\d+) at alpha ([\d.e-]+)", line.group(2))}
    hypothesis_tier = run.HYPOTHESIS_SLOTS * (run.PROFILES["ci"] + run.PINNED_EXAMPLES)
    (alpha_h, count_h), (alpha_f, count_f) = sorted(tiers.items())  # Hypothesis: smaller alpha
    assert alpha_h == pytest.approx(run.Run().hypothesis_alpha, rel=1e-2)
    assert alpha_f == pytest.approx(run.FIXED_ALPHA, rel=1e-2)
    assert count_h <= hypothesis_tier and count_f <= run.FIXED_SLOTS


def test_header_names_adapter_edition_and_seed():
    result = run_suite("--impl=numpy", "--conformance-seed=7", "-k", "test_identity_square", "--co")
    header = result.stdout
    assert "impl=numpy -> numpy (reference spec on numpy" in header
    assert "edition=keras2" in header and "seed=7" in header


def test_keras3_edition_of_the_reference_passes():
    result = run_suite("--impl=numpy-keras3", "-q", "-k", "identity or api or seeds")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "edition keras3" in result.stdout


def test_module_attribute_adapter(tmp_path):
    (tmp_path / "my_port.py").write_text(
        "import numpy as np\n"
        "class Port:\n"
        "    name = 'my-port'\n"
        "    def version(self):\n"
        "        return 'my-port 0.1'\n"
        "    def make(self, identifier, config):\n"
        "        if identifier not in ('Identity', 'identity'):\n"
        "            raise NotImplementedError('only Identity')\n"
        "        gain = config.get('gain', 1.0)\n"
        "        def init(shape, dtype):\n"
        "            if len(shape) != 2 or shape[0] != shape[1]:\n"
        "                raise ValueError('square only')\n"
        "            return (gain * np.eye(shape[0])).astype(dtype)\n"
        "        return init\n")
    result = run_suite("--impl=my_port:Port", "-k", "identity or Zeros", "-o", f"pythonpath={tmp_path}")
    assert "impl=my_port:Port -> my-port (my-port 0.1)" in result.stdout, result.stdout[-2000:]
    assert result.returncode == 0, result.stdout[-3000:]
    assert "unsupported (NotImplementedError: not a pass" in result.stdout


@pytest.mark.parametrize("args, message", [
    ((), "--impl is required"),
    (("--impl=no_such_adapter",), "unknown --impl='no_such_adapter'; built-in names: flax, jax"),
    (("--impl=json:dumps",), "is not an adapter: it lacks name, version"),
    (("--impl=no_such_module:Adapter",), "cannot import module 'no_such_module'"),
    (("--impl=numpy", "--conformance-seed=minus-one"), "--conformance-seed must be a non-negative"),
    (("--impl=numpy", "--edition=keras9"), "invalid choice: 'keras9'"),
])
def test_bad_input_is_a_usage_error(args, message):
    result = run_suite(*args, "-q")
    assert result.returncode == USAGE_ERROR, result.stdout + result.stderr
    assert message in result.stderr


def test_missing_framework_names_the_extra(monkeypatch):
    monkeypatch.setitem(adapters.BUILTINS, "fakeframework",
                        adapters.Builtin("initializer_conformance.adapters.fake:Adapter", "fakeframework",
                                         "fakeframework_not_installed"))
    with pytest.raises(adapters.AdapterError, match=r'pip install -e "\.\[fakeframework\]"'):
        adapters.load_adapter("fakeframework")


def test_entry_point_adapter(monkeypatch):
    """Installed packages add --impl names through the entry-point group."""
    from importlib.metadata import EntryPoint

    point = EntryPoint("myport", "initializer_conformance.adapters.reference_numpy:ReferenceAdapter",
                       adapters.ENTRY_POINT_GROUP)
    monkeypatch.setattr(adapters, "entry_points",
                        lambda group: [point] if group == adapters.ENTRY_POINT_GROUP else [])
    assert adapters.load_adapter("myport").name == "numpy"
