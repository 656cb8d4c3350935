"""The pytest plugin of the suite: options, the adapter under test, header and summary.

``pytest conformance --impl=NAME`` loads the adapter once, before collection, into
``conformance.run.RUN``; every check reads it from there. The report plugin
(``reports/plugin.py``: ``reports/NAME.json`` and ``reports/NAME.html``) is registered
here too, unless ``--no-report``.
"""

from __future__ import annotations

from collections import Counter

import hypothesis
import pytest
from hypothesis import HealthCheck, Phase, settings

import adapters
import reports.plugin
from reference.editions import EDITIONS, get_edition

from .run import FALSE_ALARM_BUDGET, PROFILES, RUN
from .sampling import UNSUPPORTED


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
    RUN.spent.clear()
    RUN.ledger.clear()
    settings.register_profile(
        "conformance", max_examples=RUN.max_examples, database=None, deadline=None,
        print_blob=False, phases=[p for p in Phase if p is not Phase.explain],
        suppress_health_check=[HealthCheck.too_slow,
                                                 HealthCheck.data_too_large])
    settings.load_profile("conformance")
    reports.plugin.configure(config)


def pytest_collection_modifyitems(items):
    # Every Hypothesis test draws from the run's seed: a run is replayed exactly by
    # giving the same --conformance-seed, and examples never come from global state.
    for item in items:
        function = getattr(item, "function", None)
        if getattr(function, "is_hypothesis_test", False):
            hypothesis.seed(RUN.seed)(function)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    # The alphas a test spent travel with its report, so that the controller of an
    # xdist run (which runs no test itself) can add up the whole run's ledger.
    start = len(RUN.spent)
    yield
    spent = Counter(alpha for _, alpha in RUN.spent[start:])
    item.user_properties.append(("alpha_spent", sorted(spent.items())))


def pytest_runtest_logreport(report):
    if report.when == "call":
        for key, value in report.user_properties:
            if key == "alpha_spent":
                RUN.ledger.update(dict(value))


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


def _nothing_passed(reporter) -> bool:
    """Tests ran, and none passed (all skipped, unsupported or errored)."""
    ran = any(reporter.stats.get(key) for key in ("skipped", "failed", "error"))
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
    if _nothing_passed(tr):
        tr.write_line("no check passed: this run does not show conformance", red=True)
