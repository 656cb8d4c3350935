"""The suite's pytest hooks, for one run: the adapter under test, header and summary.

:class:`Suite` is registered by the ``pytest11`` plugin (:mod:`initializer_conformance.plugin`)
only when ``--impl`` is given. It owns the session's :class:`~.run.Run` (made the current
run before collection, retired at the end of the session), seeds every Hypothesis test
from ``--conformance-seed``, adds up the alphas the checks spend, turns the failures of
declared known deviations into xfails, and fails a run that passed nothing or declares a
stale deviation.

A run that did not run every check of the suite (checks deselected with ``-k``, ``-m``,
``--deselect`` or ``--lf``, selected by node id or file, stopped by ``-x`` or
``--maxfail``, interrupted) is *partial* (:meth:`Suite.partial`): it says so in the
terminal and its report, and can never say "conforms". A port's CI reads one line, and a
green subset is no evidence about the checks that did not run.
"""

from __future__ import annotations

import importlib.util
import os
import shlex
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import hypothesis
import pytest
from _pytest.junitxml import xml_key
from _pytest.reports import TestReport
from hypothesis import HealthCheck, Phase, settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.errors import FailedHealthCheck, Unsatisfiable

from initializer_conformance import adapters
from initializer_conformance.conformance import deviations, guard, options, properties, workers
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
from initializer_conformance.conformance.version import DISTRIBUTION, suite_version
from initializer_conformance.reference.editions import get_edition

SUITE_DIR = Path(__file__).resolve().parent
#: The key of a worker's ``workeroutput`` (xdist) that carries its count of deselected checks.
DESELECTED = "conformance_deselected"
#: The key of a worker's ``workeroutput`` that carries a usage error found at collection.
USAGE_ERROR = "conformance_usage_error"
#: Set by ``initializer-conformance`` to the command line as typed (pytest sees its own).
COMMAND_LINE = "INITIALIZER_CONFORMANCE_COMMAND"


def make_run(config) -> Run:
    """The run that ``config``'s options describe; :class:`pytest.UsageError` if they
    describe none (bad values, an adapter that cannot be loaded, unknown deviations)."""
    values = options.parse(config)
    try:
        what = f"--impl={values.impl}: importing and making the adapter"
        with guard.time_limit(values.import_timeout, what, "--import-timeout"):
            adapter = adapters.load_adapter(values.impl, values.device, values.device_source)
    except adapters.AdapterError as error:
        raise pytest.UsageError(str(error)) from None
    except guard.CallTimeout as error:
        raise pytest.UsageError(f"{error}: it hangs at import, or is far too slow") from None
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
        large=values.large,
        call_timeout=values.call_timeout,
        memory_limit=values.memory_limit,
        import_timeout=values.import_timeout,
        device=adapters.device_of(adapter),
        deviations=entries,
        invocation_dir=Path(config.invocation_params.dir),
        command=os.environ.pop(COMMAND_LINE, None)
        or shlex.join(["pytest", *config.invocation_params.args]),
    )


#: The reason of a check the quick profile leaves out (options.QUICK_LEAVES_OUT).
QUICK_SKIP = "not in the quick profile (a fixed large sample): run the ci profile for it"


class Suite:
    """The hooks of one conformance run (one pytest session)."""

    def __init__(self, config, run: Run):
        self.config, self.run = config, run
        activate(run)
        # Nothing but the report goes into the directory the run starts from (a port's
        # repository): Hypothesis keeps its files (the constants it reads from the code
        # under test, .hypothesis/constants) in a directory of this session, removed after.
        self._hypothesis_home = tempfile.mkdtemp(prefix="initializer-conformance-hypothesis-")
        set_hypothesis_home_dir(self._hypothesis_home)
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
        # Partial runs (see the module docstring): what was selected, deselected and ran.
        self.selected: int | None = None
        self.deselected = 0
        self.ran: set[str] = set()
        self.usage_error: str | None = None  # found by a worker at collection
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
        set_hypothesis_home_dir(None)  # the default again: <cwd>/.hypothesis
        shutil.rmtree(self._hypothesis_home, ignore_errors=True)

    @pytest.hookimpl(tryfirst=True, specname="pytest_collection_modifyitems")
    def pytest_collection_modifyitems_declared(self, config, items):
        # Before -k and -m deselect: a declared check that names none of the suite's
        # checks (a parameter that does not exist) is a usage error, when the run
        # collected the whole suite. An xdist worker cannot raise one (xdist would report an
        # internal error): it runs nothing and tells the controller (pytest_testnodedown).
        if not _collects_the_suite(config):
            return
        message = deviations.check_parameters(self.run.deviations, [i.nodeid for i in items])
        if message is None:
            return
        if not hasattr(config, "workerinput"):
            raise pytest.UsageError(message)
        config.workeroutput[USAGE_ERROR] = message
        items[:] = []

    def pytest_collection_modifyitems(self, items):
        if self.run.profile == "quick":  # skipped, saying why: never a silent pass
            for item in items:
                if getattr(item, "originalname", None) in options.QUICK_LEAVES_OUT:
                    item.add_marker(pytest.mark.skip(reason=QUICK_SKIP))
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
            # pytest words a skip of a subclass as "module.Class: message" at the line
            # that raised it, with Hypothesis's notes ("Falsifying explicit example: ...")
            # appended: the terminal shows the message alone, at the check.
            path, line, _ = item.location
            report.longrepr = (path, (line or 0) + 1, call.excinfo.value.msg)
        if call.when == "call":  # what the test is, for a deviation's selectors
            prop, initializer = properties.of_item(item, self.run.edition)
            test = {"property": prop, "initializer": initializer}
            report.user_properties.append((deviations.TEST_FIELDS, test))
        if call.when == "call" and report.failed:
            error = call.excinfo.value if call.excinfo is not None else None
            excused_by = deviations.excusing(self.run.deviations, item.nodeid, error, test)
            if excused_by:
                reasons = dict.fromkeys(self.run.deviations[i].reason for i in excused_by)
                report.outcome = "skipped"
                report.wasxfail = "known deviation: " + "; ".join(reasons)
                report.user_properties.append((deviations.EXCUSED_BY, excused_by))

    def pytest_deselected(self, items):
        self.deselected += len(items)
        if hasattr(self.config, "workerinput"):  # told to the controller (pytest_testnodedown)
            self.config.workeroutput[DESELECTED] = self.deselected

    def pytest_collection_finish(self, session):
        self.selected = len(session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids):
        self.selected = len(ids)  # every worker collects the same checks

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error):
        output = getattr(node, "workeroutput", None) or {}
        self.deselected = max(self.deselected, output.get(DESELECTED, 0))
        self.usage_error = self.usage_error or output.get(USAGE_ERROR)

    def partial(self, session, exitstatus) -> dict | None:
        """``None`` for a complete run (every check of the suite ran), else what ran and
        why not everything: ``{"ran", "selected", "of", "why"}``, ``of`` the number of
        checks of the whole suite (``None`` when the run collected only part of it)."""
        option, why = self.config.option, []
        if getattr(option, "keyword", ""):
            why.append(f"-k {option.keyword!r}")
        if getattr(option, "markexpr", ""):
            why.append(f"-m {option.markexpr!r}")
        if getattr(option, "deselect", None):
            why.append("--deselect")
        lf = self.config.pluginmanager.get_plugin("lfplugin")
        if getattr(option, "lf", False) and lf is not None and getattr(lf, "lastfailed", None):
            why.append("--lf")
        if getattr(option, "stepwise", False):
            why.append("--stepwise")
        if self.deselected and not why:
            why.append(f"{self.deselected} deselected")
        whole = _collects_the_suite(self.config)
        if not whole:
            why.append("checks named by node id or file")
        stopped = session.shouldfail or session.shouldstop
        if exitstatus == pytest.ExitCode.INTERRUPTED or stopped:
            why.append(f"stopped early ({stopped})" if isinstance(stopped, str) else "interrupted")
        selected = self.selected if self.selected is not None else len(self.ran)
        if len(self.ran) < selected and not any(w.startswith(("stopped", "inter")) for w in why):
            why.append("not every selected check ran")
        if not why and not self.deselected:
            return None
        return {
            "ran": len(self.ran),
            "selected": selected,
            "of": selected + self.deselected if whole else None,
            "why": why,
        }

    def pytest_runtest_logreport(self, report):
        if is_stale_report(report):
            return
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self.ran.add(report.nodeid)
        if report.when == "call":
            for key, value in report.user_properties:
                if key == "alpha_spent":
                    self.run.ledger.update(dict(value))
            deviations.record(self.run.deviations, report)

    def pytest_report_header(self, config):
        run = self.run
        given = config.getoption("--device") is None and os.environ.get(options.DEVICE_ENV)
        return [
            f"conformance: impl={run.impl} -> {adapters.describe(run.adapter)}, "
            f"device={run.device}" + (f" (from ${options.DEVICE_ENV})" if given else ""),
            f"conformance: {DISTRIBUTION} {suite_version()}, edition={run.edition.name} "
            f"({run.edition.title}), seed={run.seed}, profile={run.profile} "
            f"({run.max_examples} examples/property), false-alarm budget {FALSE_ALARM_BUDGET:g}",
        ] + [
            f"conformance: -n auto: {why}"
            for why in [config.stash.get(workers.DECISION, "")]
            if why
        ]

    def pytest_sessionstart(self, session):
        # --junitxml: the run's identity as properties of the test suite, so that a CI tool
        # reading only the XML knows which suite version, edition and profile gave it.
        xml = session.config.stash.get(xml_key, None)
        if xml is not None and not hasattr(session.config, "workerinput"):
            for name, value in junit_properties(self.run).items():
                xml.add_global_property(name, value)

    @pytest.hookimpl(tryfirst=True)  # before --junitxml writes its file
    def pytest_sessionfinish(self, session, exitstatus):
        worker = hasattr(session.config, "workerinput")
        if self.usage_error is not None:  # no report: the run did not start
            session.exitstatus = pytest.ExitCode.USAGE_ERROR
            return
        if not worker:
            self.run.partial = self.partial(session, exitstatus)
            xml = session.config.stash.get(xml_key, None)
            if xml is not None and self.run.partial is not None:
                text = f"{partial_text(self.run.partial)}; no conformance verdict"
                xml.add_global_property("initializer_conformance_partial", text)
        # A known deviation that now passes must be removed from the list: each stale one
        # is a failed test of its own (in pytest's counts, -ra, --junitxml), so that the
        # tools a CI reads show it, not only the exit status. A pattern's in a partial run
        # only warns: its other checks may not have run (a "*" entry's, under -k).
        if not worker and not session.config.getoption("--allow-stale-deviations"):
            for d in self._stale():
                session.testscollected += 1  # the terminal's progress counts it
                session.config.hook.pytest_runtest_logreport(report=_stale_report(d))
            if self._stale() and session.exitstatus == 0:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED
        # No silent greens: a run that passed nothing is not a pass.
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None and exitstatus == 0 and _nothing_passed(reporter):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def _stale(self) -> list:
        """The stale entries that fail the run (:func:`_surely_stale`)."""
        return [d for d in self.run.deviations if _surely_stale(d, self.run.partial)]

    def pytest_terminal_summary(self, terminalreporter, exitstatus, config):
        tr, run = terminalreporter, self.run
        if self.usage_error is not None:
            tr.write_line(f"ERROR: {self.usage_error}", red=True)
            return
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
        if self.run.partial is not None:
            tr.write_line(
                f"partial: {partial_text(self.run.partial)}; no conformance verdict", yellow=True
            )

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
            surely = _surely_stale(d, self.run.partial)
            fails = surely and not config.getoption("--allow-stale-deviations")
            tr.write_line(_stale_line(d, fails, surely), red=fails, yellow=not fails)
        for d in by_status["unmatched"]:
            tr.write_line(
                f"known deviation {d.check!r} ({d.source}): its checks failed, but not "
                f"as its {d.says} says: not excused",
                red=True,
            )
        if by_status["not reached"]:
            tr.write_line(
                f"known deviations not reached: {len(by_status['not reached'])} (their checks "
                f"passed here; the same declarations excused failures elsewhere in the run)"
            )
        if self.run.partial is not None and len(by_status["not run"]) > 5:
            # a subset of the checks ran: most declarations name checks it deselected
            n = len(by_status["not run"])
            tr.write_line(
                f"known deviations not run: {n} (their checks did not run in this partial run)"
            )
            return
        for d in by_status["not run"]:
            tr.write_line(
                f"known deviation {d.check!r} ({d.source}) matched no check that ran "
                f"(deselected, unsupported, or no such parameter)",
                yellow=True,
            )


def junit_properties(run: Run) -> dict[str, str]:
    """The run's identity, as ``--junitxml`` records it (``<testsuite><properties>``)."""
    return {
        "initializer_conformance_version": suite_version(),
        "initializer_conformance_impl": run.impl,
        "initializer_conformance_adapter": adapters.describe(run.adapter),
        "initializer_conformance_device": run.device,
        "initializer_conformance_edition": run.edition.name,
        "initializer_conformance_profile": run.profile,
        "initializer_conformance_seed": str(run.seed),
    }


#: The ``user_properties`` key that marks the report of a stale known deviation (no check
#: of the suite: :func:`_stale_report`).
STALE = "conformance_stale_deviation"
#: The "file" part of the node id of those reports: ``known-deviations::test_law[he_normal]``.
STALE_NODE = "known-deviations"


def _stale_report(d: deviations.Deviation) -> TestReport:
    """A failed test report for the stale known deviation ``d``: named after its check, with
    the terminal's message, so that pytest's counts and --junitxml show it as a failure."""
    passed = ", ".join(deviations.test_id(n) for n in d.passed)
    message = (
        f"STALE known deviation {d.check!r} ({d.source}): its checks now pass ({passed}); "
        f"remove it from the declarations (--allow-stale-deviations only warns)"
    )
    return TestReport(
        nodeid=f"{STALE_NODE}::{d.check}",
        location=(STALE_NODE, None, d.check),
        keywords={},
        outcome="failed",
        longrepr=message,
        when="call",
        user_properties=[(STALE, d.check)],
    )


def is_stale_report(report) -> bool:
    """Whether ``report`` is one of :func:`_stale_report`'s (not a check of the suite)."""
    return any(key == STALE for key, _ in getattr(report, "user_properties", ()))


def _stale_line(d: deviations.Deviation, fails: bool, surely: bool) -> str:
    """The summary's line of a stale entry: its checks that passed, and what follows."""
    if fails:
        then = " (this fails the run; --allow-stale-deviations to only warn)"
    elif not surely:
        then = " (a pattern, in a partial run: its other checks may not have run)"
    else:
        then = ""
    return (
        f"STALE known deviation {d.check!r} ({d.source}): its checks now pass "
        f"({', '.join(deviations.test_id(n) for n in d.passed)}); remove it{then}"
    )


def _surely_stale(d: deviations.Deviation, partial: dict | None) -> bool:
    """Whether a stale entry fails the run: in a full run, or naming one check (which ran
    and passed); a pattern in a partial run may have checks that did not run."""
    return d.status == "stale" and (partial is None or "*" not in d.check)


def partial_text(partial: dict) -> str:
    """``90 of 461 checks ran (-k 'fans')``: what a partial run ran, and why no more (the
    report says the same, ``reports/results.py``; the suite does not import the reports)."""
    ran, of = partial["ran"], partial["of"]
    if of is not None:
        counted = f"{ran} of {of} checks ran"
    else:
        counted = f"{ran} check{'s' * (ran != 1)} ran"
    return f"{counted} ({', '.join(partial['why'])})" if partial["why"] else counted


def _collects_the_suite(config) -> bool:
    """Whether the run's arguments name the whole suite (its directory, or a directory or
    package holding it), not some of its files or checks."""
    for arg in config.args:
        base, _, rest = str(arg).partition("::")
        if rest:
            continue
        path = Path(config.invocation_params.dir, base)
        if config.option.pyargs and not path.exists():
            try:
                module = importlib.util.find_spec(base) if base and "/" not in base else None
            except (ImportError, ValueError):
                module = None
            locations = getattr(module, "submodule_search_locations", None)
            if not locations:
                continue
            path = Path(next(iter(locations)))
        path = path.resolve()
        if path == SUITE_DIR or path in SUITE_DIR.parents:
            return True
    return False


def _tally(cases: Counter) -> str:
    """``RandomUniform in float64 x12, ...``: each unsupported case and how often."""
    return ", ".join(f"{case} x{n}" for case, n in cases.most_common())


def _nothing_passed(reporter) -> bool:
    """Tests ran, and none passed (all skipped, unsupported or errored)."""
    ran = any(reporter.stats.get(key) for key in ("skipped", "xfailed", "failed", "error"))
    return ran and not reporter.stats.get("passed")
