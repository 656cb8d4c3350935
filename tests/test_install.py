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
import shlex
import shutil
import subprocess
import sys
import venv
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


def _run(argv: list[str], cwd: Path, python: Path) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTEST_ADDOPTS", "PYTEST_CURRENT_TEST", "VIRTUAL_ENV")
    }
    env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=900, env=env)


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
    result = _run(
        ["initializer-conformance", "--impl=adapters.buggy:Buggy", "-k", "test_fans"], port, python
    )
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
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
