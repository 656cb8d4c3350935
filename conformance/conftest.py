"""The pytest plugin of the suite: options, the adapter under test, header and summary.

``pytest conformance --impl=NAME`` loads the adapter once, before collection, into
``conformance.run.RUN``; every check reads it from there. The report plugin
(``reports/plugin.py``: ``reports/NAME.json`` and ``reports/NAME.html``) is registered
here too, unless ``--no-report``.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import hypothesis
import pytest
from hypothesis import HealthCheck, Phase, settings

import adapters
import reports.plugin
from reference.editions import EDITIONS, get_edition

from . import deviations
from .run import FALSE_ALARM_BUDGET, PROFILES, RUN
from .sampling import SHARED_SAMPLES, UNSUPPORTED


def pytest_addoption(parser):
    group = parser.getgroup("conformance", "initializer conformance suite")
    group.addoption("--impl", default=None,
                    help="implementation under test: a built-in adapter name "
                         f"({', '.join(sorted(adapters.BUILTINS))}), a registered entry point, "
                         "or module:attribute")
    group.addoption("--edition", default=None, choices=sorted(EDITIONS),
                    help="spec edition to test against (default: the adapter's `edition`, "
                         "else keras2, the seed page)")
    group.addoption("--conformance-seed", default=None,
                    help=f"seed of every random choice of the suite (default {RUN.seed}: "
                         "fixed, so that CI runs are deterministic)")
    group.addoption("--conformance-profile", default="ci", choices=sorted(PROFILES),
                    help="how many Hypothesis examples per property: "
                         + ", ".join(f"{k}={v}" for k, v in PROFILES.items()))
    group.addoption("--call-timeout", default=RUN.call_timeout, type=float, metavar="SECONDS",
                    help=f"time limit of one call into the adapter; a call that takes longer "
                         f"is an error of its check (default {RUN.call_timeout:g}; 0: none)")
    group.addoption("--memory-limit", default="6GiB", metavar="SIZE",
                    help="resident memory of a test process above which calls into the adapter "
                         "are errors, e.g. 6GiB, 500MB (default 6GiB; 0: none)")
    group.addoption("--known-deviations", default=None, metavar="FILE",
                    help="TOML file of known deviations, '\"check\" = \"reason\"' per line, "
                         "added to the adapter's `known_deviations` (see README)")
    group.addoption("--ignore-known-deviations", action="store_true", default=False,
                    help="ignore the adapter's `known_deviations`: report every deviation")
    group.addoption("--allow-stale-deviations", action="store_true", default=False,
                    help="only warn (do not fail) when a declared known deviation now passes")
    reports.plugin.add_options(parser)


def _seed(value) -> int:
    if value is None:
        return RUN.seed
    try:
        seed = int(value)
    except ValueError:
        raise pytest.UsageError(f"--conformance-seed must be a non-negative integer, "
                                f"got {value!r}") from None
    if not 0 <= seed < 2**32:
        raise pytest.UsageError(f"--conformance-seed must be in [0, 2**32), got {seed}")
    return seed


_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "kib": 2**10, "m": 10**6, "mb": 10**6,
          "mib": 2**20, "g": 10**9, "gb": 10**9, "gib": 2**30}


def _size(value: str) -> int:
    match = re.fullmatch(r"\s*([0-9.]+)\s*([a-zA-Z]*)\s*", str(value))
    unit = match and _UNITS.get(match.group(2).lower())
    try:
        size = float(match.group(1)) * unit if unit else -1
    except ValueError:
        size = -1
    if not size >= 0:
        raise pytest.UsageError(f"--memory-limit must be a size such as 6GiB, 500MB or 0, "
                                f"got {value!r}")
    return int(size)


def _limits(config) -> tuple[float, int]:
    timeout = config.getoption("--call-timeout")
    if not timeout >= 0:
        raise pytest.UsageError(f"--call-timeout must be >= 0 seconds, got {timeout}")
    return timeout, _size(config.getoption("--memory-limit"))


def _deviations(config, adapter) -> list:
    try:
        entries = deviations.declared(adapter, config.getoption("--known-deviations"),
                                      config.getoption("--ignore-known-deviations"))
        deviations.check_names(entries, deviations.suite_functions(Path(__file__).parent))
    except deviations.DeviationError as error:
        raise pytest.UsageError(str(error)) from None
    return entries


def pytest_configure(config):
    impl = config.getoption("--impl")
    try:
        adapter = adapters.load_adapter(impl)
    except adapters.AdapterError as error:
        raise pytest.UsageError(str(error)) from None
    try:
        edition = get_edition(config.getoption("--edition") or getattr(adapter, "edition", None))
    except ValueError as error:
        raise pytest.UsageError(f"the adapter's edition: {error}") from None
    RUN.adapter, RUN.impl, RUN.edition = adapter, impl, edition
    RUN.seed = _seed(config.getoption("--conformance-seed"))
    RUN.profile = config.getoption("--conformance-profile")
    RUN.call_timeout, RUN.memory_limit = _limits(config)
    RUN.deviations = _deviations(config, adapter)
    RUN.spent.clear()
    RUN.ledger.clear()
    settings.register_profile(
        "conformance", max_examples=RUN.max_examples, database=None, deadline=None,
        print_blob=False, phases=[p for p in Phase if p is not Phase.explain],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    settings.load_profile("conformance")
    reports.plugin.configure(config)
    # pytest-benchmark turns itself off under xdist with a warning from every process; the
    # suite has no benchmarks, so it is turned off quietly.
    if hasattr(config.option, "benchmark_disable") and (
            config.getoption("dist", "no") != "no" or "PYTEST_XDIST_WORKER" in os.environ):
        config.option.benchmark_disable = True


def pytest_collection_modifyitems(items):
    # Every Hypothesis test draws from the run's seed: a run is replayed exactly by
    # giving the same --conformance-seed, and examples never come from global state.
    for item in items:
        function = getattr(item, "function", None)
        if getattr(function, "is_hypothesis_test", False):
            hypothesis.seed(RUN.seed)(function)
    # The checks that share their samples (conformance/sampling.py) run one initializer
    # after the other, so that xdist, which hands out runs of consecutive tests, mostly
    # sends the three of one initializer to the same worker.
    first: dict[str, int] = {}

    def position(indexed):
        index, item = indexed
        if getattr(item, "originalname", None) not in SHARED_SAMPLES:
            return index
        return first.setdefault(item.callspec.params["identifier"], index)

    items[:] = [item for _, item in sorted(enumerate(items), key=position)]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    # The alphas a test spent travel with its report, so that the controller of an
    # xdist run (which runs no test itself) can add up the whole run's ledger.
    start = len(RUN.spent)
    yield
    spent = Counter(alpha for _, alpha in RUN.spent[start:])
    item.user_properties.append(("alpha_spent", sorted(spent.items())))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # A failure (or error) of a declared known deviation is an xfail: reported with its
    # reason, not failing the run (conformance/deviations.py).
    report = (yield).get_result()
    if call.when == "call" and report.failed:
        error = call.excinfo.value if call.excinfo is not None else None
        excused_by = deviations.excusing(RUN.deviations, item.nodeid, error)
        if excused_by:
            reasons = dict.fromkeys(RUN.deviations[i].reason for i in excused_by)
            report.outcome = "skipped"
            report.wasxfail = "known deviation: " + "; ".join(reasons)
            report.user_properties.append((deviations.EXCUSED_BY, excused_by))


def pytest_runtest_logreport(report):
    if report.when == "call":
        for key, value in report.user_properties:
            if key == "alpha_spent":
                RUN.ledger.update(dict(value))
        deviations.record(RUN.deviations, report)


def pytest_report_header(config):
    return [f"conformance: impl={RUN.impl} -> {adapters.describe(RUN.adapter)}",
            f"conformance: edition={RUN.edition.name} ({RUN.edition.title}), "
            f"seed={RUN.seed}, profile={RUN.profile} ({RUN.max_examples} examples/property), "
            f"false-alarm budget {FALSE_ALARM_BUDGET:g}"]


def _skips(terminalreporter) -> list:
    return terminalreporter.stats.get("skipped", [])


def _is_unsupported(report) -> bool:
    return isinstance(report.longrepr, tuple) and f"{UNSUPPORTED}:" in str(report.longrepr[2])


def pytest_sessionfinish(session, exitstatus):
    # No silent greens: a run that passed nothing is not a pass.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and exitstatus == 0 and _nothing_passed(reporter):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    # A known deviation that now passes must be removed from the list.
    if (session.exitstatus == 0 and _stale() and not hasattr(session.config, "workerinput")
            and not session.config.getoption("--allow-stale-deviations")):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _stale() -> list:
    return [d for d in RUN.deviations if d.status == "stale"]


def _nothing_passed(reporter) -> bool:
    """Tests ran, and none passed (all skipped, unsupported or errored)."""
    ran = any(reporter.stats.get(key) for key in ("skipped", "xfailed", "failed", "error"))
    return ran and not reporter.stats.get("passed")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    tr = terminalreporter
    tr.section("conformance")
    unsupported = sorted({str(r.longrepr[2]).split(f"{UNSUPPORTED}: ", 1)[1].split(":")[0]
                          for r in _skips(tr) if _is_unsupported(r)})
    tr.write_line(f"adapter: {adapters.describe(RUN.adapter)}; edition {RUN.edition.name}; "
                  f"seed {RUN.seed}")
    if unsupported:
        tr.write_line(f"unsupported (NotImplementedError: not a pass, not conforming): "
                      f"{', '.join(unsupported)}", yellow=True)
    spent = sum(alpha * count for alpha, count in RUN.ledger.items())
    tiers = ", ".join(f"{count} at alpha {alpha:.3g}" for alpha, count in sorted(RUN.ledger.items()))
    tr.write_line(f"statistical tests: {sum(RUN.ledger.values())} ({tiers or 'none'}), alpha spent "
                  f"{spent:.3g} (bound on the false-alarm probability; budget "
                  f"{FALSE_ALARM_BUDGET:g})", red=spent > FALSE_ALARM_BUDGET)
    _summarize_deviations(tr, config)
    if _nothing_passed(tr):
        tr.write_line("no check passed: this run does not show conformance", red=True)


def _summarize_deviations(tr, config) -> None:
    by_status = {status: [d for d in RUN.deviations if d.status == status]
                 for status in ("applied", "stale", "unmatched", "not run")}
    if by_status["applied"]:
        tr.write_line(f"known deviations ({len(by_status['applied'])} declared, "
                      f"{sum(len(d.failed) for d in by_status['applied'])} checks excused):")
        for d in by_status["applied"]:
            tr.write_line(f"  {d.check}: {d.reason} [{len(d.failed)} check(s)]")
    for d in by_status["stale"]:
        fails = not config.getoption("--allow-stale-deviations")
        tr.write_line(f"STALE known deviation {d.check!r} ({d.source}): its checks now pass "
                      f"({', '.join(deviations.test_id(n) for n in d.passed)}); remove it"
                      + (" (this fails the run; --allow-stale-deviations to only warn)"
                         if fails else ""), red=fails, yellow=not fails)
    for d in by_status["unmatched"]:
        tr.write_line(f"known deviation {d.check!r} ({d.source}): its checks failed, but not "
                      f"as its match {d.match!r} says: not excused", red=True)
    for d in by_status["not run"]:
        tr.write_line(f"known deviation {d.check!r} ({d.source}) matched no check that ran "
                      f"(deselected, unsupported, or no such parameter)", yellow=True)
