"""The suite's pytest hooks, for one run: the adapter under test, header and summary.

:class:`Suite` is registered by the ``pytest11`` plugin (:mod:`initializer_conformance.plugin`)
only when ``--impl`` is given. It owns the session's :class:`~.run.Run` (made the current
run before collection, retired at the end of the session), seeds every Hypothesis test
from ``--conformance-seed``, adds up the alphas the checks spend, turns the failures of
declared known deviations into xfails, and fails a run that passed nothing or declares a
stale deviation.
"""

from __future__ import annotations

import os
import shlex
from collections import Counter
from pathlib import Path

import hypothesis
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import FailedHealthCheck, Unsatisfiable

from initializer_conformance import adapters
from initializer_conformance.conformance import deviations, options
from initializer_conformance.conformance.run import (
    FALSE_ALARM_BUDGET,
    Run,
    activate,
    case_seed,
    item_subject,
)
from initializer_conformance.conformance.sampling import (
    SHARED_SAMPLES,
    UNSUPPORTED,
    UNSUPPORTED_CASES,
    Unsupported,
)
from initializer_conformance.conformance.strategies import drawn_from_the_seed_only
from initializer_conformance.reference.editions import get_edition

SUITE_DIR = Path(__file__).resolve().parent
#: Set by ``initializer-conformance`` to the command line as typed (pytest sees its own).
COMMAND_LINE = "INITIALIZER_CONFORMANCE_COMMAND"


def make_run(config) -> Run:
    """The run that ``config``'s options describe; :class:`pytest.UsageError` if they
    describe none (bad values, an adapter that cannot be loaded, unknown deviations)."""
    values = options.parse(config)
    try:
        adapter = adapters.load_adapter(values.impl, values.device)
    except adapters.AdapterError as error:
        raise pytest.UsageError(str(error)) from None
    try:
        edition = get_edition(values.edition or getattr(adapter, "edition", None))
    except ValueError as error:
        source = "--edition" if values.edition else "the adapter's edition"
        raise pytest.UsageError(f"{source}: {error}") from None
    try:
        entries = deviations.declared(
            adapter,
            config.getoption("--known-deviations"),
            config.getoption("--ignore-known-deviations"),
        )
        deviations.check_names(entries, deviations.suite_functions(SUITE_DIR))
    except deviations.DeviationError as error:
        raise pytest.UsageError(str(error)) from None
    return Run(
        adapter=adapter,
        impl=values.impl,
        edition=edition,
        seed=values.seed,
        profile=values.profile,
        call_timeout=values.call_timeout,
        memory_limit=values.memory_limit,
        device=adapters.device_of(adapter),
        deviations=entries,
        invocation_dir=Path(config.invocation_params.dir),
        command=os.environ.pop(COMMAND_LINE, None)
        or shlex.join(["pytest", *config.invocation_params.args]),
    )


class Suite:
    """The hooks of one conformance run (one pytest session)."""

    def __init__(self, config, run: Run):
        self.config, self.run = config, run
        activate(run)
        settings.register_profile(
            "initializer-conformance",
            max_examples=run.max_examples,
            database=None,
            deadline=None,
            print_blob=False,
            phases=[p for p in Phase if p is not Phase.explain],
            suppress_health_check=[
                HealthCheck.too_slow,
                HealthCheck.data_too_large,
                HealthCheck.filter_too_much,  # unsupported cases are rejected (sampling.py)
            ],
        )
        self._previous_profile = settings._current_profile
        settings.load_profile("initializer-conformance")
        self._seed_only = drawn_from_the_seed_only()
        self._seed_only.__enter__()
        # pytest-benchmark turns itself off under xdist with a warning from every process;
        # the suite has no benchmarks, so it is turned off quietly.
        if hasattr(config.option, "benchmark_disable") and (
            config.getoption("dist", "no") != "no" or "PYTEST_XDIST_WORKER" in os.environ
        ):
            config.option.benchmark_disable = True

    def pytest_unconfigure(self, config):
        self._seed_only.__exit__(None, None, None)
        activate(None)
        settings.load_profile(self._previous_profile or "default")

    def pytest_collection_modifyitems(self, items):
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
    def pytest_runtest_call(self, item):
        # The alphas a test spent travel with its report, so that the controller of an
        # xdist run (which runs no test itself) can add up the whole run's ledger.
        start = len(self.run.spent)
        self.run.item, self.run.unsupported, self.run.supported = item, [], 0
        # Every Hypothesis test draws from a seed derived from the run's and the initializer
        # it tests: a run is replayed exactly by giving the same --conformance-seed, each
        # initializer explores cases of its own (one seed for all drew the same 25 cases
        # for every initializer), and examples never come from global state. The checks of
        # one initializer that share their samples (sampling.SHARED_SAMPLES) draw the same.
        if getattr(getattr(item, "function", None), "is_hypothesis_test", False):
            hypothesis.seed(case_seed(self.run.seed, item_subject(item)))(item.function)
        try:
            outcome = yield
        finally:
            self.run.item = None
        spent = Counter(alpha for _, alpha in self.run.spent[start:])
        item.user_properties.append(("alpha_spent", sorted(spent.items())))
        # Unsupported cases were rejected one by one (sampling.unsupported); they are
        # counted on the report, and a property that tested nothing is unsupported.
        cases = Counter(case for _, case, _ in self.run.unsupported)
        if cases:
            item.user_properties.append((UNSUPPORTED_CASES, sorted(cases.items())))
            if outcome.excinfo is not None and isinstance(
                outcome.excinfo[1], (Unsatisfiable, FailedHealthCheck)
            ):
                identifier, case, message = self.run.unsupported[0]
                outcome.force_exception(
                    Unsupported(
                        identifier,
                        f"{UNSUPPORTED}: tested nothing: every case was unsupported "
                        f"({_tally(cases)}); e.g. {case}: {message}",
                    )
                )

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        # A failure (or error) of a declared known deviation is an xfail: reported with its
        # reason, not failing the run (conformance/deviations.py).
        report = (yield).get_result()
        if call.excinfo is not None and isinstance(call.excinfo.value, Unsupported):
            report.user_properties.append((UNSUPPORTED, call.excinfo.value.identifier))
        if call.when == "call" and report.failed:
            error = call.excinfo.value if call.excinfo is not None else None
            excused_by = deviations.excusing(self.run.deviations, item.nodeid, error)
            if excused_by:
                reasons = dict.fromkeys(self.run.deviations[i].reason for i in excused_by)
                report.outcome = "skipped"
                report.wasxfail = "known deviation: " + "; ".join(reasons)
                report.user_properties.append((deviations.EXCUSED_BY, excused_by))

    def pytest_runtest_logreport(self, report):
        if report.when == "call":
            for key, value in report.user_properties:
                if key == "alpha_spent":
                    self.run.ledger.update(dict(value))
            deviations.record(self.run.deviations, report)

    def pytest_report_header(self, config):
        run = self.run
        return [
            f"conformance: impl={run.impl} -> {adapters.describe(run.adapter)}, "
            f"device={run.device}",
            f"conformance: edition={run.edition.name} ({run.edition.title}), "
            f"seed={run.seed}, profile={run.profile} ({run.max_examples} examples/property), "
            f"false-alarm budget {FALSE_ALARM_BUDGET:g}",
        ]

    def pytest_sessionfinish(self, session, exitstatus):
        # No silent greens: a run that passed nothing is not a pass.
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None and exitstatus == 0 and _nothing_passed(reporter):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        # A known deviation that now passes must be removed from the list.
        if (
            session.exitstatus == 0
            and self._stale()
            and not hasattr(session.config, "workerinput")
            and not session.config.getoption("--allow-stale-deviations")
        ):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def _stale(self) -> list:
        return [d for d in self.run.deviations if d.status == "stale"]

    def pytest_terminal_summary(self, terminalreporter, exitstatus, config):
        tr, run = terminalreporter, self.run
        tr.section("conformance")
        unsupported = sorted(
            {
                dict(r.user_properties)[UNSUPPORTED]
                for r in tr.stats.get("skipped", [])
                if UNSUPPORTED in dict(r.user_properties)
            }
        )
        tr.write_line(
            f"adapter: {adapters.describe(run.adapter)}; edition {run.edition.name}; "
            f"seed {run.seed}"
        )
        if unsupported:
            tr.write_line(
                f"unsupported (NotImplementedError: not a pass, not conforming): "
                f"{', '.join(unsupported)}",
                yellow=True,
            )
        cases: Counter = Counter()  # unsupported case -> checks that could not test it
        for r in tr.stats.get("passed", []) + tr.stats.get("failed", []):
            cases.update(case for case, _ in dict(r.user_properties).get(UNSUPPORTED_CASES, ()))
        if cases:
            listed = ", ".join(f"{case} ({n} checks)" for case, n in sorted(cases.items()))
            tr.write_line(
                f"unsupported cases (NotImplementedError; the checks tested the other "
                f"cases): {listed}",
                yellow=True,
            )
        spent = sum(alpha * count for alpha, count in run.ledger.items())
        tiers = ", ".join(
            f"{count} at alpha {alpha:.3g}" for alpha, count in sorted(run.ledger.items())
        )
        tr.write_line(
            f"statistical tests: {sum(run.ledger.values())} ({tiers or 'none'}), alpha "
            f"spent {spent:.3g} (bound on the false-alarm probability; budget "
            f"{FALSE_ALARM_BUDGET:g})",
            red=spent > FALSE_ALARM_BUDGET,
        )
        self._summarize_deviations(tr, config)
        if _nothing_passed(tr):
            tr.write_line("no check passed: this run does not show conformance", red=True)

    def _summarize_deviations(self, tr, config) -> None:
        by_status = {
            status: [d for d in self.run.deviations if d.status == status]
            for status in ("applied", "stale", "unmatched", "not run", "not reached")
        }
        if by_status["applied"]:
            # One line per reason (a reason is often declared for many checks), its
            # checks named after it.
            reasons: dict[str, list[str]] = {}
            for d in by_status["applied"]:
                names = reasons.setdefault(d.reason, [])
                names += [n for n in map(deviations.test_id, d.failed) if n not in names]
            excused = len({n for d in by_status["applied"] for n in d.failed})
            tr.write_line(
                f"known deviations ({excused} check{'s' * (excused != 1)} excused, "
                f"{len(reasons)} reason{'s' * (len(reasons) != 1)}, "
                f"{len(by_status['applied'])} declared):"
            )
            for reason, names in reasons.items():
                shown = ", ".join(names[:4]) + (
                    f" and {len(names) - 4} more" if len(names) > 4 else ""
                )
                tr.write_line(f"  {shown}: {reason} [{len(names)} check(s)]")
        for d in by_status["stale"]:
            fails = not config.getoption("--allow-stale-deviations")
            tr.write_line(
                f"STALE known deviation {d.check!r} ({d.source}): its checks now pass "
                f"({', '.join(deviations.test_id(n) for n in d.passed)}); remove it"
                + (" (this fails the run; --allow-stale-deviations to only warn)" if fails else ""),
                red=fails,
                yellow=not fails,
            )
        for d in by_status["unmatched"]:
            tr.write_line(
                f"known deviation {d.check!r} ({d.source}): its checks failed, but not "
                f"as its match {d.match!r} says: not excused",
                red=True,
            )
        if by_status["not reached"]:
            tr.write_line(
                f"known deviations not reached: {len(by_status['not reached'])} (their checks "
                f"passed here; the same declarations excused failures elsewhere in the run)"
            )
        for d in by_status["not run"]:
            tr.write_line(
                f"known deviation {d.check!r} ({d.source}) matched no check that ran "
                f"(deselected, unsupported, or no such parameter)",
                yellow=True,
            )


def _tally(cases: Counter) -> str:
    """``RandomUniform in float64 x12, ...``: each unsupported case and how often."""
    return ", ".join(f"{case} x{n}" for case, n in cases.most_common())


def _nothing_passed(reporter) -> bool:
    """Tests ran, and none passed (all skipped, unsupported or errored)."""
    ran = any(reporter.stats.get(key) for key in ("skipped", "xfailed", "failed", "error"))
    return ran and not reporter.stats.get("passed")
