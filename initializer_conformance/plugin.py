"""The pytest plugin of initializer-conformance (entry point ``pytest11``).

Installed with the suite, so it is loaded by every pytest run of the environment, and
does nothing there unless ``--impl`` is given: it adds the suite's options (light: this
module imports neither NumPy nor the suite), and a run that collects the suite's own
test files without ``--impl`` is a usage error that says what is missing.

With ``--impl``, it makes the run (:func:`~initializer_conformance.conformance.plugin.make_run`:
adapter, edition, seed, limits, known deviations; a usage error before any test runs if
one of them is wrong) and registers the suite's hooks
(:class:`~initializer_conformance.conformance.plugin.Suite`) and the report's
(:class:`~initializer_conformance.reports.plugin.ReportPlugin`: with ``--no-report`` it
writes no file, and still tells the terminal the verdict and the failures by cause). The suite
never imports the reports; the reports read the suite's run.
"""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

import pytest

from initializer_conformance.conformance import options

SUITE = "initializer_conformance.conformance"


def pytest_addoption(parser):
    options.add(parser)


def pytest_configure(config):
    if config.getoption("--impl") is None:
        if _names_the_suite(config):
            raise pytest.UsageError(
                "the conformance suite needs --impl: which implementation to test? e.g. "
                "--impl=numpy (the reference), --impl=torch, or --impl=my_module:MyAdapter"
            )
        return
    # pytest-benchmark (if installed) makes its storage, ./.benchmarks, when it is
    # configured (after this hook): a conformance run keeps it out of the port's directory.
    storage = getattr(config.option, "benchmark_storage", None)
    if storage == "file://./.benchmarks":
        config.option.benchmark_storage = "file://" + str(
            Path(tempfile.gettempdir()) / "initializer-conformance-benchmarks"
        )
    from initializer_conformance.conformance.plugin import Suite, make_run

    run = make_run(config)
    from initializer_conformance.reports.plugin import ReportPlugin

    # Registered with --no-report too: it tells the terminal the verdict and the causes.
    report = ReportPlugin(config, run)  # a usage error if its paths cannot be written
    config.pluginmanager.register(report, "initializer-conformance-report")
    config.pluginmanager.register(Suite(config, run), "initializer-conformance-suite")


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_auto_num_workers(config):
    """``-n auto``: no worker where workers cannot pay for themselves, a port whose calls
    are fast (``conformance/workers.py``); ``None``: xdist's own count."""
    if config.getoption("--impl") is None:
        return None
    from initializer_conformance.conformance import workers

    count, why = workers.auto_workers(config)
    config.stash[workers.DECISION] = why
    return count


def module_path(name: str) -> Path | None:
    """The file (or, for a package, the directory) of the module ``name``, without
    importing it; ``None`` if there is none."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(spec.origin) if spec.origin else None


def suite_dir() -> Path:
    """Where the suite's test files are (site-packages, or a checkout's ``conformance/``)."""
    path = module_path(SUITE)
    assert path is not None, "the suite's own package is installed with this plugin"
    return path.resolve()


def _names_the_suite(config) -> bool:
    suite = suite_dir()
    for arg in config.args:
        base = str(arg).split("::")[0]
        path = Path(config.invocation_params.dir, base)
        if config.option.pyargs and not path.exists():
            found = module_path(base)
            if found is None:
                continue
            path = found
        path = path.resolve()
        if path == suite or suite in path.parents:
            return True
    return False
