"""The suite as a port's CI uses it: the wheel, installed into a fresh virtual environment,
run from the port's own repository (which has an ``adapters/`` package and a pytest
configuration of its own).

Slow (a venv and the suite's dependencies, about a minute from pip's cache), and the
only test of what a user installs: the packages and data files of the wheel, the
``pytest11`` plugin, the command, and the reproduce commands it prints.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import venv
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from benchmarks.runs import ROOT

USAGE_ERROR = 4

PORT_ADAPTERS = '''\
"""The port's own adapters package (the suite's namespace must not shadow it)."""
from initializer_conformance.adapters.reference_numpy import ReferenceAdapter


class MyAdapter(ReferenceAdapter):
    name = "my-port"
'''

PORT_BUGGY = """\
from initializer_conformance.adapters.mutants import SwappedFans


class Buggy(SwappedFans):
    name = "my-buggy-port"
"""

# A hostile configuration: if the suite read it, warnings would be errors and the port's
# conftest would refuse the run.
PORT_PYPROJECT = """\
[tool.pytest.ini_options]
testpaths = ["tests"]
addopts = "-W error --strict-markers"
"""

PORT_CONFTEST = """\
def pytest_configure(config):
    if config.getoption("--impl", None):
        raise RuntimeError("the port's conftest.py was loaded into the suite's run")
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # Built from a copy: pip builds in the source tree, and setuptools' build/ directory
    # would otherwise be left in the checkout (and reused by the next build).
    source, out = tmp_path_factory.mktemp("source") / "src", tmp_path_factory.mktemp("wheel")
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv*", ".tox", "build", "dist", "*.egg-info", "__pycache__", "frameworks"
        ),
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (path,) = out.glob("initializer_conformance-*.whl")
    return path


@pytest.fixture(scope="module")
def python(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel and its dependencies, and nothing of the checkout."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
        timeout=900,
    )
    return python


@pytest.fixture
def port(tmp_path) -> Path:
    (tmp_path / "adapters").mkdir()
    (tmp_path / "adapters" / "__init__.py").write_text(PORT_ADAPTERS)
    (tmp_path / "adapters" / "buggy.py").write_text(PORT_BUGGY)
    (tmp_path / "pyproject.toml").write_text(PORT_PYPROJECT)
    (tmp_path / "conftest.py").write_text(PORT_CONFTEST)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_port.py").write_text(
        "def test_port():\n    assert sum([1, 2]) == 3\n"
    )
    return tmp_path


def _run(
    argv: list[str] | str, cwd: Path, python: Path, **environ: str
) -> subprocess.CompletedProcess:
    """``argv`` (a list, or a shell command) in ``cwd`` with the venv's ``bin`` first on
    the PATH and nothing of this test run in the environment."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "PYTHONPATH",
            "PYTEST_ADDOPTS",
            "PYTEST_CURRENT_TEST",
            "VIRTUAL_ENV",
            "GITHUB_STEP_SUMMARY",
        )
    }
    env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(environ)
    return subprocess.run(
        argv,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
        shell=isinstance(argv, str),
    )


def _version(python: Path) -> str:
    return _run(
        [
            str(python),
            "-c",
            "from importlib.metadata import version as v; print(v('initializer-conformance'))",
        ],
        Path.cwd(),
        python,
    ).stdout.strip()


def _files(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_the_wheel_is_one_namespace_with_its_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"initializer_conformance"}
    for needed in (
        "initializer_conformance/pytest.ini",
        "initializer_conformance/reports/templates/run.html.j2",
        "initializer_conformance/reports/schema/results-1.json",
        "initializer_conformance/conformance/test_law.py",
        "initializer_conformance/reference/laws.py",
    ):
        assert needed in names
    metadata = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    entry_points = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "[pytest11]" in entry_points and "initializer-conformance =" in entry_points
    assert any(n.endswith((".dist-info/licenses/LICENSE", "/LICENSE")) for n in names)


def test_a_conforming_port_passes_from_its_own_repository(python, port):
    result = _run(
        ["initializer-conformance", "--impl=adapters:MyAdapter", "-k", "fans or identity or api"],
        port,
        python,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "impl=adapters:MyAdapter -> my-port" in result.stdout
    assert "warning" not in result.stdout.splitlines()[-1]  # e.g. pytest's rewrite warning
    results = json.loads((port / "reports" / "my-port.partial.json").read_text())
    assert results["command"].startswith("initializer-conformance --impl=adapters:MyAdapter")
    assert (port / "reports" / "my-port.partial.html").exists()  # -k: a partial run's files
    for written in (".pytest_cache", ".hypothesis", ".benchmarks"):  # nothing but the report
        assert not (port / written).exists(), written


def test_a_buggy_port_fails_and_its_reproduce_command_replays_the_failure(python, port):
    summary = port / "step-summary.md"
    result = _run(
        [
            "initializer-conformance",
            "--impl=adapters.buggy:Buggy",
            "-k",
            "test_fans",
            "--junitxml=reports/conformance.xml",
            "--report-summary=reports/summary.md",
        ],
        port,
        python,
        GITHUB_STEP_SUMMARY=str(summary),
    )
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    # the terminal (#27 item 5): by cause, short blocks, FAILED lines with a reason, a verdict
    assert "failures by cause" in out and "cause 1 of 1: fan_in and fan_out swapped" in out
    assert "at:       conformance/test_fans.py:" in out
    assert "Failing explicit example" not in out
    assert not re.search(r"^(FAILED|ERROR) .*site-packages", out, re.M)  # check ids instead
    assert re.search(r"^FAILED test_fans\[\w+\] - \[scale\] ", out, re.M), out[-3000:]
    verdict = next(line for line in out.splitlines() if line.startswith("verdict: "))
    assert verdict.startswith("verdict: my-buggy-port: does not conform: ")
    assert "partial run: " in verdict  # -k (item 1): a finding, never "conforms"
    # the version of the wheel in the XML and the summaries (item 8), no verdict (item 1)
    xml = ET.parse(port / "reports" / "conformance.xml").getroot().find("testsuite")
    properties = {p.get("name"): p.get("value") for p in xml.find("properties")}
    assert properties["initializer_conformance_version"] == _version(python)
    assert properties["initializer_conformance_partial"].endswith("; no conformance verdict")
    for text in ((port / "reports" / "summary.md").read_text(), summary.read_text()):
        assert (
            "does not conform" in text
            and "partial run" in text
            and "conforms" not in (text.replace("does not conform", ""))
        )
        assert f"initializer-conformance {_version(python)}" in text
    reproduce = next(
        line.split("reproduce: ", 1)[1]
        for line in result.stdout.splitlines()
        if "reproduce: initializer-conformance" in line
    )
    before = _files(port / "reports")
    replay = _run(shlex.split(reproduce), port, python)
    assert replay.returncode == 1, replay.stdout[-3000:]
    assert "1 failed" in replay.stdout.splitlines()[-1]
    assert "[scale] VarianceScaling" in replay.stdout or "[scale] " in replay.stdout
    assert _files(port / "reports") == before  # the replay did not overwrite the report


def test_the_ports_own_pytest_run_is_untouched(python, port):
    result = _run([str(python), "-m", "pytest", "-q"], port, python)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "1 passed" in result.stdout
    assert "conformance" not in result.stdout
    assert "benchmark" not in result.stdout  # the suite brings no pytest-benchmark along
    for written in ("reports", ".benchmarks", ".hypothesis"):
        assert not (port / written).exists(), written


def test_the_pyargs_route_and_python_m(python, tmp_path):
    result = _run(
        [
            str(python),
            "-m",
            "pytest",
            "--pyargs",
            "initializer_conformance.conformance",
            "--impl=numpy",
            "-k",
            "identity",
            "--no-report",
            "-p",
            "no:cacheprovider",
        ],
        tmp_path,
        python,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "passed" in result.stdout
    result = _run([str(python), "-m", "initializer_conformance", "--help"], tmp_path, python)
    assert result.returncode == 0 and "--impl=IMPL" in result.stdout


def test_a_missing_framework_is_a_usage_error_with_the_install_command(python, port):
    result = _run(["initializer-conformance", "--impl=torch"], port, python)
    assert result.returncode == USAGE_ERROR
    assert "pip install torch --index-url https://download.pytorch.org/whl/cpu" in result.stderr
    assert not (port / "reports").exists()  # a usage error writes no report


PORT_HANGS = """\
import time

from initializer_conformance.adapters.reference_numpy import ReferenceAdapter


class Hangs(ReferenceAdapter):
    name = "my-hanging-port"

    def make(self, identifier, config):
        init = super().make(identifier, config)
        if identifier in ("RandomNormal", "random_normal"):
            return lambda shape, dtype=None: time.sleep(3600)
        return init
"""


def test_known_deviations_are_strict_and_stale_ones_fail_in_junit(python, port):
    """#27 items 2 and 3 through the wheel: a misspelled key is a usage error with a
    "did you mean"; a declaration whose check passes is a failed test case of the XML."""
    (port / "known.toml").write_text(
        '"test_law[he_normal]" = { reason = "x", mach = "untruncated" }\n'
    )
    result = _run(
        ["initializer-conformance", "--impl=adapters:MyAdapter", "--known-deviations=known.toml"],
        port,
        python,
    )
    assert result.returncode == USAGE_ERROR, result.stdout[-3000:] + result.stderr[-3000:]
    assert "unknown key 'mach' (did you mean 'match'?)" in result.stderr, result.stderr
    assert not (port / "reports").exists()
    (port / "known.toml").write_text('"test_fans[he_normal]" = "fixed long ago"\n')
    result = _run(
        [
            "initializer-conformance",
            "--impl=adapters:MyAdapter",
            "--known-deviations=known.toml",
            "-k",
            "test_fans and he_normal",
            "--junitxml=junit.xml",
            "--no-report",
        ],
        port,
        python,
    )
    assert result.returncode == 1, result.stdout[-3000:]
    assert "FAILED known-deviations::test_fans[he_normal]" in result.stdout
    xml = ET.parse(port / "junit.xml").getroot().find("testsuite")
    assert xml.get("failures") == "1"


def test_the_command_speaks_for_itself(python, port, tmp_path_factory):
    """#27 items 4 and 7 through the wheel: its own help, version and messages."""
    head = _run("initializer-conformance --help | head -1", port, python)
    assert head.stdout.startswith("usage: initializer-conformance --impl=IMPL [options]")
    assert "Traceback" not in head.stderr and "BrokenPipe" not in head.stderr
    version = _run(["initializer-conformance", "--version"], port, python).stdout
    assert version.splitlines()[0] == f"initializer-conformance {_version(python)}"
    typo = _run(["initializer-conformance", "--impl=torhc"], port, python)
    assert typo.returncode == USAGE_ERROR and "did you mean 'torch'" in typo.stderr, typo.stderr
    no_class = _run(["initializer-conformance", "--impl=adapters"], port, python)
    assert no_class.returncode == USAGE_ERROR
    assert "write --impl=adapters:MyAdapter (module:class)" in no_class.stderr, no_class.stderr
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    lost = _run(["initializer-conformance", "--impl=adapters.buggy:Buggy"], elsewhere, python)
    assert lost.returncode == USAGE_ERROR
    assert f"in the current directory {elsewhere}" in lost.stderr, lost.stderr
    device = _run(
        ["initializer-conformance", "--impl=adapters:MyAdapter"],
        port,
        python,
        INITIALIZER_CONFORMANCE_DEVICE="cuda",
    )
    assert device.returncode == USAGE_ERROR, device.stdout[-2000:]
    assert "$INITIALIZER_CONFORMANCE_DEVICE=cuda: " in device.stderr, device.stderr


def test_a_hanging_initializer_costs_one_timeout(python, port):
    """#27 item 9 through the wheel: RandomNormal never returns; with --call-timeout=3 its
    checks end in about one timeout (each later one refused at once), the fresh-process
    check included, and the run names the first timeout."""
    (port / "hangs.py").write_text(PORT_HANGS)
    start = time.perf_counter()
    result = _run(
        [
            "initializer-conformance",
            "--impl=hangs:Hangs",
            "--call-timeout=3",
            "--conformance-profile=quick",
            "-k",
            "RandomNormal or random_normal",
            "--no-report",
        ],
        port,
        python,
    )
    elapsed = time.perf_counter() - start
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    assert "did not return within 3 s (--call-timeout)" in result.stdout
    errors = re.findall(r"^ERROR (\S+) - ", result.stdout, re.M)
    assert len(errors) >= 10, result.stdout[-3000:]
    assert elapsed < 3 * 3 + 60, elapsed  # 3 timeouts plus the run's own time
