"""The suite as a user runs it: `pytest conformance --impl=...`, its errors and its verdicts."""

import platform
import re
import shlex
import subprocess
import sys

import pytest

from benchmarks.runs import ROOT, suite_process
from initializer_conformance import adapters
from initializer_conformance.conformance import run
from initializer_conformance.conformance.version import suite_version

USAGE_ERROR = 4


@pytest.fixture(scope="module")
def reference_run():
    return suite_process("--impl=numpy", "-q")


def test_reference_passes_the_full_default_run(reference_run):
    assert reference_run.returncode == 0, reference_run.stdout[-3000:]
    assert re.search(r"\d+ passed", reference_run.stdout)
    assert " failed" not in reference_run.stdout.splitlines()[-1]
    assert "partial:" not in reference_run.stdout  # every check ran: a verdict


def test_full_run_stays_within_the_false_alarm_budget(reference_run):
    """The ledger's total, and each tier's count, stay within what run.py declares."""
    line = re.search(
        r"statistical tests: (\d+) \((.*)\), alpha spent ([\d.e-]+)", reference_run.stdout
    )
    assert line, reference_run.stdout[-2000:]
    assert int(line.group(1)) > 1000  # the run really tests
    assert float(line.group(3)) <= run.FALSE_ALARM_BUDGET
    tiers = {
        float(alpha): int(count)
        for count, alpha in re.findall(r"(\d+) at alpha ([\d.e-]+)", line.group(2))
    }
    hypothesis_tier = run.HYPOTHESIS_SLOTS * (run.PROFILES["ci"] + run.PINNED_EXAMPLES)
    (alpha_h, count_h), (alpha_f, count_f) = sorted(tiers.items())  # Hypothesis: smaller alpha
    assert alpha_h == pytest.approx(run.Run().hypothesis_alpha, rel=1e-2)
    assert alpha_f == pytest.approx(run.FIXED_ALPHA, rel=1e-2)
    assert count_h <= hypothesis_tier and count_f <= run.FIXED_SLOTS


def test_header_names_adapter_edition_and_seed():
    result = suite_process(
        "--impl=numpy", "--conformance-seed=7", "-k", "test_identity_square", "--co"
    )
    header = result.stdout
    assert "impl=numpy -> numpy (reference spec on numpy" in header
    assert "edition=keras2" in header and "seed=7" in header
    assert f"conformance: initializer-conformance {suite_version()}, edition=" in header


def test_keras3_edition_of_the_reference_passes():
    result = suite_process("--impl=numpy-keras3", "-q", "-k", "identity or api or seeds")
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
        "        return init\n"
    )
    result = suite_process(
        "--impl=my_port:Port", "-k", "identity or Zeros", "-o", f"pythonpath={tmp_path}"
    )
    assert "impl=my_port:Port -> my-port (my-port 0.1)" in result.stdout, result.stdout[-2000:]
    assert result.returncode == 0, result.stdout[-3000:]
    assert "unsupported (NotImplementedError: not a pass" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        ((), "the conformance suite needs --impl"),
        (
            ("--impl=no_such_adapter",),
            "unknown --impl='no_such_adapter'; built-in names: flax, jax",
        ),
        (("--impl=json:dumps",), "is not an adapter: it lacks name, version"),
        (("--impl=torhc",), "unknown --impl='torhc' (did you mean 'torch'?); built-in names"),
        (("--impl=no_such_module:Adapter",), "cannot import module 'no_such_module'"),
        (
            ("--impl=numpy", "--conformance-seed=minus-one"),
            "--conformance-seed must be a non-negative",
        ),
        (("--impl=numpy", "--edition=keras9"), "--edition: unknown spec edition 'keras9'"),
        (
            ("--impl=tests.bad_adapters:NeedsArguments",),
            "cannot make an adapter from the class tests.bad_adapters.NeedsArguments: its constructor "
            "needs device",
        ),
        (
            ("--impl=tests.bad_adapters:RaisesInConstructor",),
            "its constructor raised RuntimeError: no device",
        ),
        (
            ("--impl=tests.bad_adapters:WrongMake",),
            "tests.bad_adapters.WrongMake instance.make(identifier) cannot be called as "
            "make(identifier, config)",
        ),
        (
            ("--impl=tests.bad_adapters:NotAnAdapter",),
            "tests.bad_adapters.NotAnAdapter instance is not an adapter: it lacks version",
        ),
    ],
)
def test_bad_input_is_a_usage_error(args, message):
    result = suite_process(*args, "-q")
    assert result.returncode == USAGE_ERROR, result.stdout + result.stderr
    assert message in result.stderr
    assert " at 0x" not in result.stderr  # names, not memory addresses


def test_a_usage_error_writes_no_report(tmp_path):
    """A run that ends in a usage error writes no report, and overwrites none."""
    page = tmp_path / "kept.html"
    page.write_text("an earlier run's page")
    result = suite_process("--impl=numpy", "--conformance-seed=-1", "--report-html", str(page))
    assert result.returncode == USAGE_ERROR
    assert page.read_text() == "an earlier run's page"
    assert not (tmp_path / "kept.json").exists()


def test_a_module_of_the_current_directory_not_on_the_path_is_explained(tmp_path):
    (tmp_path / "my_port.py").write_text("class Port: pass\n")
    plain = [
        sys.executable,
        "-c",
        "import sys, pytest; sys.path.remove('') if '' in sys.path "
        "else None; sys.exit(pytest.main(sys.argv[1:]))",
    ]
    result = subprocess.run(
        [
            *plain,
            "--pyargs",
            "initializer_conformance.conformance",
            "--impl=my_port:Port",
            "-p",
            "no:cacheprovider",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == USAGE_ERROR, result.stdout + result.stderr
    assert "'my_port' is in the current directory" in result.stderr
    assert "run `initializer-conformance` or `python -m pytest`" in result.stderr


def test_missing_framework_names_the_extra(monkeypatch):
    monkeypatch.setitem(
        adapters.BUILTINS,
        "fakeframework",
        adapters.Builtin(
            "initializer_conformance.adapters.fake:Adapter",
            "fakeframework",
            "fakeframework_not_installed",
        ),
    )
    with pytest.raises(
        adapters.AdapterError,
        match=r'install it with: pip install "initializer-conformance\[fakeframework\]"',
    ):
        adapters.load_adapter("fakeframework")


def test_entry_point_adapter(monkeypatch):
    """Installed packages add --impl names through the entry-point group."""
    from importlib.metadata import EntryPoint

    point = EntryPoint(
        "myport",
        "initializer_conformance.adapters.reference_numpy:ReferenceAdapter",
        adapters.ENTRY_POINT_GROUP,
    )
    monkeypatch.setattr(
        adapters,
        "entry_points",
        lambda group: [point] if group == adapters.ENTRY_POINT_GROUP else [],
    )
    assert adapters.load_adapter("myport").name == "numpy"


def test_the_quick_start_leaves_a_checkout_clean():
    """``pytest conformance --impl=numpy`` writes reports/numpy.{html,json}: ignored files,
    never a committed one (the committed framework reports are in reports/frameworks/)."""
    git = ["git", "-C", str(ROOT)]
    if subprocess.run([*git, "rev-parse"], capture_output=True).returncode != 0:
        pytest.skip("not a git checkout")
    written = ["reports/numpy.html", "reports/numpy.json", "reports/my-port.xml"]
    ignored = subprocess.run([*git, "check-ignore", *written], capture_output=True, text=True)
    assert ignored.stdout.split() == written
    committed = subprocess.run(
        [*git, "ls-files", "reports/*.html", "reports/*.json"], capture_output=True, text=True
    ).stdout.split()
    assert not [path for path in committed if path.count("/") == 1]  # reports/NAME.*


# -- the command speaks for itself (issue 27) -----------------------------------------------


def _command(*args: str, shell: str | None = None) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "initializer_conformance", *args]
    return subprocess.run(
        shell if shell is not None else argv,
        shell=shell is not None,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_help_is_the_suites_usage_and_options_first():
    result = _command("--help")
    assert result.returncode == 0 and not result.stderr, result.stderr
    text = result.stdout
    assert text.startswith("usage: initializer-conformance --impl=IMPL [options]")
    for option in ("--impl=IMPL", "--known-deviations=FILE", "--report-summary=PATH"):
        assert option in text
    assert "--conformance-profile={ci,quick,thorough}" in text
    assert text.index("--impl=IMPL ") < text.index("Any pytest option passes through")
    assert "--help-pytest" in text and "--basetemp" not in text  # pytest's are one flag away
    pytest_help = _command("--help-pytest")
    assert pytest_help.returncode == 0
    assert pytest_help.stdout.startswith("usage: initializer-conformance ")
    assert "--basetemp" in pytest_help.stdout and "--impl=IMPL" in pytest_help.stdout


def test_version_names_the_suite_its_editions_and_python():
    result = _command("--version")
    assert result.returncode == 0, result.stderr
    suite, editions, python = result.stdout.splitlines()
    assert suite == f"initializer-conformance {suite_version()}"
    assert editions.startswith("spec editions: keras2 (default): ") and "keras3: " in editions
    assert python.startswith(f"Python {platform.python_version()} ")


def test_a_usage_error_is_the_commands_own():
    result = _command("--impl=numpy", "--no-such-option")
    assert result.returncode == USAGE_ERROR
    assert "initializer-conformance: error: unrecognized arguments: --no-such-option" in (
        result.stderr
    )
    assert "pytest.main()" not in result.stderr + result.stdout


def test_no_traceback_into_a_closed_pipe():
    """pytest's help is longer than a pipe's buffer: ``head -1`` closes it mid-write."""
    for flag in ("--help", "--help-pytest"):
        command = f"{shlex.quote(sys.executable)} -m initializer_conformance {flag} | head -1"
        result = _command(shell=command)
        assert result.stdout.startswith("usage: initializer-conformance ")
        assert len(result.stdout.splitlines()) == 1
        assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr


MY_PORT = """\
from initializer_conformance.adapters.reference_numpy import ReferenceAdapter


class MyAdapter(ReferenceAdapter):
    name = "my-port"


class Helper:
    pass
"""


def _in(cwd, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "initializer_conformance", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_module_not_found_names_the_directory_searched(tmp_path):
    """Started from the wrong directory: the message says which one it was."""
    result = _in(tmp_path, "--impl=my_port:MyAdapter")
    assert result.returncode == USAGE_ERROR, result.stdout + result.stderr
    assert (
        f"cannot import module 'my_port': ModuleNotFoundError: No module named 'my_port' "
        f"(looked for my_port.py and the package my_port/ in the current directory {tmp_path} "
        f"and "
    ) in result.stderr
    assert "start the command from the directory that holds my_port.py" in result.stderr


def test_a_module_without_a_class_is_told_the_module_class_form(tmp_path):
    (tmp_path / "my_port.py").write_text(MY_PORT)
    result = _in(tmp_path, "--impl=my_port")
    assert result.returncode == USAGE_ERROR, result.stdout + result.stderr
    assert (
        "--impl=my_port names a module, not an adapter: write --impl=my_port:MyAdapter "
        "(module:class); adapter classes in my_port: MyAdapter"
    ) in result.stderr
    assert "Helper" not in result.stderr


def test_unsupported_checks_are_shown_without_the_suites_internals():
    result = suite_process(
        "--impl=tests.partial_adapters:NoRandomNormal",
        "--no-report",
        "-rs",
        "-k",
        "test_law and RandomNormal or test_dtype and RandomNormal and float32 or test_identity_square",
    )
    assert result.returncode == 0, result.stdout[-3000:]
    skipped = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert skipped and all(": unsupported: " in line for line in skipped), skipped
    for internal in ("sampling.Unsupported", "conformance/sampling.py", "explicit example"):
        assert internal not in result.stdout
    assert "SKIPPED [1] conformance/test_dtype.py:" in result.stdout


def test_quick_leaves_out_the_fixed_large_samples_saying_so(tmp_path):
    """The quick profile skips the fixed tier's large samples (options.QUICK_LEAVES_OUT),
    each reported as skipped with its reason (never a silent pass), and runs the rest."""
    import json

    from initializer_conformance.conformance import options

    report = tmp_path / "results.json"
    result = suite_process(
        "--impl=numpy", "--conformance-profile=quick", "-rs", "--report-json", str(report)
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "verdict: numpy: conforms (quick profile)" in result.stdout
    tests = json.loads(report.read_text())["tests"]
    left_out = [t for t in tests if t["function"] in options.QUICK_LEAVES_OUT]
    assert left_out and all(t["outcome"] == "skipped" for t in left_out)
    assert {t["function"] for t in left_out} == set(options.QUICK_LEAVES_OUT)
    assert all(t["outcome"] == "pass" for t in tests if t["function"] == "test_law")
    assert "not in the quick profile" in result.stdout
