"""The report plugin: every conformance run writes a results file and a page.

The suite's ``pytest11`` plugin (:mod:`initializer_conformance.plugin`) registers
:class:`ReportPlugin` in ``pytest_configure`` (as pytest-html does), unless
``--no-report``; the options are in :mod:`initializer_conformance.conformance.options`. By
default ``pytest conformance --impl=torch`` writes ``reports/torch.json`` (schema
``initializer-conformance/results/1``) and ``reports/torch.html`` under the directory
pytest was started from, the name being the adapter's ``name`` made file-safe
(``mutant:SwappedFans`` -> ``mutant-SwappedFans``). ``--report-json PATH`` /
``--report-html PATH`` choose a path (the other file, when not given, goes next to it). A
run started from inside a running test (the project's own tests run the suite as a
subprocess) writes no report unless a path is given, so that tests never write into
``reports/``.

A partial run (``-k``, node ids, ``-x``, an interrupt: ``Run.partial``) writes its default
files as ``reports/NAME.partial.json`` and ``.html``: the full run's files, which a port's
CI uploads and ``reports merge`` reads, are never replaced by a subset's. A path given
with ``--report-json`` / ``--report-html`` is written as asked (its page says "partial").
The Markdown summary is written only when asked (``--report-summary PATH``), and then
appended to ``$GITHUB_STEP_SUMMARY`` too when that is set; a partial run's says so, and
never "conforms".

Data flow, xdist included. In the process that runs a test, the plugin resets the checks'
record (the run's :class:`~initializer_conformance.conformance.record.Record`) before the
test, and attaches to its reports, as ``user_properties``, what the test is about
(property, initializer, parameters) and, to the call report only, the checks' findings.
``user_properties`` travel to the xdist controller with the reports; the findings are not
left on the item, so ``--junitxml`` does not copy them into its ``<properties>``. Only the
controller (or the single process without xdist) gathers the reports and writes the files,
once, at the end of the session.
"""

from __future__ import annotations

import linecache
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from initializer_conformance import adapters
from initializer_conformance.conformance import properties
from initializer_conformance.conformance.plugin import is_stale_report
from initializer_conformance.conformance.record import findings
from initializer_conformance.conformance.run import FALSE_ALARM_BUDGET, Run
from initializer_conformance.conformance.sampling import UNSUPPORTED, UNSUPPORTED_CASES
from initializer_conformance.reports import results

ITEM = "conformance_item"
FINDINGS = "conformance_findings"
REPRODUCE = "conformance_reproduce"
FAILURES = "conformance_failures"
LONGREPR_LIMIT = 20_000


def _check_writable(path: Path) -> None:
    problem = ""
    if path.is_dir():
        problem = "it is a directory"
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            problem = "a file stands where its directory should be"
        except OSError as error:
            problem = f"its directory cannot be made: {error.strerror or error}"
        else:
            if not os.access(path.parent, os.W_OK) or (
                path.exists() and not os.access(path, os.W_OK)
            ):
                problem = "it is not writable"
    if problem:
        raise pytest.UsageError(
            f"cannot write the report to {path}: {problem} "
            f"(--report-html / --report-json, or --no-report)"
        )


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def _text(error: BaseException) -> str:
    """``AssertionError: [law] ...``: an exception without the notes Hypothesis adds to it
    ("Falsifying example: ...": the message's ``case:`` line says it in the suite's words)."""
    return f"{type(error).__name__}: {error}"


def _check_line(error: BaseException, item) -> str | None:
    """``conformance/test_fans.py:25: assert_scale(...)``: the last line of the check's
    own file in the traceback of ``error`` (where the check failed, not where the helper
    it called raised)."""
    path, found = str(item.path), None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            found = tb.tb_lineno
        tb = tb.tb_next
    if found is None:
        return None
    source = linecache.getline(path, found).strip()
    return f"conformance/{item.path.name}:{found}" + (f": {source}" if source else "")


def _nothing() -> None:
    pass


def _short_output(config) -> bool:
    """Whether the terminal tells failures the suite's way: unless ``-v``, ``--tb`` or
    ``-r`` asked for pytest's (its tracebacks, Hypothesis's notes, the check's source)."""
    option = config.option
    return (
        config.get_verbosity() <= 0
        and getattr(option, "tbstyle", "auto") == "auto"
        and getattr(option, "reportchars", "fE") == "fE"
        and not getattr(option, "fulltrace", False)
    )


def _exception_is_assertion(excinfo) -> bool:
    if excinfo.errisinstance(AssertionError):
        return True
    group = excinfo.value
    return isinstance(group, BaseExceptionGroup) and any(
        isinstance(e, AssertionError) for e in group.exceptions
    )


class ReportPlugin:
    """Gathers the run's results and writes them; a usage error, before any test runs, if
    a report cannot be written where asked."""

    def __init__(self, config, run: Run):
        self.config, self.run = config, run
        self.tests: dict[str, dict] = {}
        self.order: dict[str, int] = {}
        self.started = time.time()
        self.written: list[Path] = []
        self.summaries: list[Path] = []
        self.problem = ""
        self.data: dict | None = None  # the results, built at the end of the session
        self.short = False  # the terminal tells failures by cause (pytest_sessionstart)
        self.html_path, self.json_path = self._paths()
        self.default_paths = (
            config.getoption("--report-html") is None and config.getoption("--report-json") is None
        )
        summary = config.getoption("--report-summary", None)
        for path in (
            self.html_path,
            self.json_path,
            Path(config.invocation_params.dir) / (os.path.expanduser(summary)) if summary else None,
        ):
            if path is not None:
                _check_writable(path)
        run.record.enabled = True  # the checks keep their findings (in every process)

    # -- where -------------------------------------------------------------------------

    def _paths(self) -> tuple[Path | None, Path | None]:
        html, js = self.config.getoption("--report-html"), self.config.getoption("--report-json")
        base = Path(self.config.invocation_params.dir)
        if self.config.getoption("--no-report"):  # the terminal and --report-summary only
            return None, None
        if html is None and js is None:
            if "PYTEST_CURRENT_TEST" in os.environ:  # started from inside a test
                return None, None
            stem = base / "reports" / results.slug(getattr(self.run.adapter, "name", "report"))
            return stem.with_suffix(".html"), stem.with_suffix(".json")
        html = base / os.path.expanduser(html) if html is not None else None
        js = base / os.path.expanduser(js) if js is not None else None
        return html or js.with_suffix(".html"), js or html.with_suffix(".json")

    # -- in the process that runs the test (a worker under xdist) -------------------------

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        self.run.record.reset()
        yield

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        params = results.jsonable(getattr(getattr(item, "callspec", None), "params", {}))
        prop, initializer = properties.of_item(item, self.run.edition)
        info = {
            "property": prop,
            "initializer": initializer,
            "function": getattr(item, "originalname", item.name),
            "params": params,
        }
        if call.excinfo is not None:
            info["exception"] = call.excinfo.typename
            info["assertion"] = _exception_is_assertion(call.excinfo)
            if not isinstance(call.excinfo.value, BaseExceptionGroup):
                info["text"] = _text(call.excinfo.value)
                info["at"] = _check_line(call.excinfo.value, item)
        report.user_properties.append((ITEM, info))
        if call.when == "call":
            error = call.excinfo.value if call.excinfo is not None else None
            report.user_properties.append(
                (FINDINGS, results.jsonable(findings(self.run.record, error)))
            )
            if isinstance(error, BaseExceptionGroup) and len(error.exceptions) > 1:
                report.user_properties.append(
                    (FAILURES, results.jsonable(self._failures(item, error)))
                )
            report.user_properties.append((REPRODUCE, self.run.reproduce_item(item)))
            self.run.record.reset()

    def _failures(self, item, group: BaseExceptionGroup) -> list[dict]:
        """Each failure Hypothesis found in one check, with its own findings and the
        reason of the known deviation that excuses it (if one does)."""
        out = []
        for error in group.exceptions:
            excusing = [
                d for d in self.run.deviations if d.matches(item.nodeid) and d.excuses(error)
            ]
            entry = {
                "message": _text(error),
                "exception": type(error).__name__,
                "findings": findings(self.run.record, error),
                "at": _check_line(error, item),
            }
            if excusing:
                entry["deviation"] = excusing[0].reason
            out.append(entry)
        return out

    # -- in the controller (or the only process) ------------------------------------------

    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self, session):
        self.started = time.time()
        tr = self.config.pluginmanager.get_plugin("terminalreporter")
        self.short = tr is not None and _short_output(self.config)
        if self.short:  # the failures are told by cause (pytest_terminal_summary)
            # pytest's FAILURES and ERRORS sections off, for this reporter only: the
            # reports keep their whole traceback (the results file and the page show it)
            tr.summary_failures = tr.summary_errors = _nothing
            tr.reportchars = tr.reportchars.replace("f", "").replace("E", "")
            tr.showfspath = False  # a line of dots, not a line per initializer's module

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report):
        if _is_worker(self.config) or is_stale_report(report):  # stale: in "deviations"
            return
        props = dict(report.user_properties)
        info = props.get(ITEM, {})
        entry = self.tests.setdefault(
            report.nodeid,
            {
                "nodeid": report.nodeid,
                "property": info.get("property", results.property_of(report.nodeid)),
                "initializer": info.get("initializer", results.OTHER),
                "function": info.get("function", ""),
                "params": info.get("params", {}),
                "outcome": None,
                "duration": 0.0,
                "findings": [],
            },
        )
        entry["duration"] += float(getattr(report, "duration", 0.0) or 0.0)
        if FINDINGS in props:
            entry["findings"] = props[FINDINGS]
        if REPRODUCE in props:
            entry["reproduce"] = props[REPRODUCE]
        if FAILURES in props:
            entry["failures"] = props[FAILURES]
        if UNSUPPORTED_CASES in props:
            entry["unsupported_cases"] = [list(c) for c in props[UNSUPPORTED_CASES]]
        outcome = self._outcome(report, info)
        if outcome is None:
            return
        if (
            entry["outcome"] is None
            or results.SEVERITY[outcome] > results.SEVERITY[entry["outcome"]]
        ):
            entry["outcome"] = outcome
            if outcome != "pass":
                self._explain(entry, report, info)

    @staticmethod
    def _outcome(report, info: dict) -> str | None:
        if report.passed:
            return "pass" if report.when == "call" else None
        if report.skipped:
            if hasattr(report, "wasxfail"):
                return "known-deviation"
            return "unsupported" if UNSUPPORTED in dict(report.user_properties) else "skipped"
        if report.when != "call" or not info.get("assertion", False):
            return "error"
        return "fail"

    def _explain(self, entry: dict, report, info: dict) -> None:
        if report.skipped and isinstance(report.longrepr, tuple):
            message = str(report.longrepr[2]).removeprefix("Skipped: ")
        else:
            crash = getattr(report.longrepr, "reprcrash", None)
            message = crash.message if crash is not None else report.longreprtext
            text = report.longreprtext
            entry["longrepr"] = (
                text
                if len(text) <= LONGREPR_LIMIT
                else (
                    text[:LONGREPR_LIMIT] + f"\n... ({len(text) - LONGREPR_LIMIT} more characters)"
                )
            )
        if info.get("text") and report.when == "call":
            message = info["text"]  # the exception alone, without Hypothesis's notes
        if info.get("at"):
            entry["at"] = info["at"]
        if report.failed and report.when != "call":
            message = f"error in {report.when}: {message}"
        entry["message"] = message
        if hasattr(report, "wasxfail"):
            entry["deviation"] = report.wasxfail.removeprefix("known deviation: ")
        if report.failed:
            entry["exception"] = info.get("exception")

    @pytest.hookimpl(trylast=True)
    def pytest_collectreport(self, report):
        if _is_worker(self.config) or not report.failed:
            return
        nodeid = report.nodeid or "(collection)"
        self.tests[nodeid] = {
            "nodeid": nodeid,
            "property": results.property_of(nodeid),
            "initializer": results.OTHER,
            "function": "",
            "params": {},
            "outcome": "error",
            "duration": 0.0,
            "findings": [],
            "message": f"collection error: {report.longreprtext}",
            "longrepr": report.longreprtext[:LONGREPR_LIMIT],
        }

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session, exitstatus):
        if (
            _is_worker(self.config)
            or self.config.option.collectonly
            or session.exitstatus == pytest.ExitCode.USAGE_ERROR
        ):
            return
        summaries = self._summary_paths()
        if self.run.partial is not None and self.default_paths and self.json_path is not None:
            self.html_path, self.json_path = (
                p.with_name(p.name.removesuffix(p.suffix) + ".partial" + p.suffix)
                for p in (self.html_path, self.json_path)
            )
        try:
            self.data = data = results.build(self._run(session), self._tests())
            if self.json_path is not None:
                self.written.append(results.write(data, self.json_path))
        except Exception as error:  # a report problem must not hide the run's outcome
            self.problem = f"results not written: {type(error).__name__}: {error}"
            return
        self._write_summaries(data, summaries)
        if self.html_path is None:
            return
        try:
            from . import render

            page = render.run_page(
                data, results_link=os.path.relpath(self.json_path, self.html_path.parent)
            )
            self.html_path.parent.mkdir(parents=True, exist_ok=True)
            self.html_path.write_text(page, encoding="utf-8")
            self.written.append(self.html_path)
        except Exception as error:
            self.problem = f"HTML page not written: {type(error).__name__}: {error}"

    def _summary_paths(self) -> list[tuple[Path, bool]]:
        """Where the Markdown summary goes, only when asked: ``--report-summary PATH``
        (written) and then ``$GITHUB_STEP_SUMMARY`` (appended to) when that is set. Without
        the option nothing goes to the job summary: a job that runs the suite more than
        once (a subset, a reproduce command) gets only the summaries it asked for. A run
        started from inside a test without report paths (the project's own tests) leaves
        the job summary alone."""
        option = self.config.getoption("--report-summary", None)
        if not option:
            return []
        paths = [(Path(self.config.invocation_params.dir) / os.path.expanduser(option), False)]
        github = os.environ.get("GITHUB_STEP_SUMMARY")
        inside_test = "PYTEST_CURRENT_TEST" in os.environ and self.default_paths
        if github and not inside_test:
            paths.append((Path(github), True))
        return paths

    def _write_summaries(self, data: dict, paths: list[tuple[Path, bool]]) -> None:
        from . import summary

        cwd = Path(self.config.invocation_params.dir)

        def show(path: Path) -> str:
            try:
                return path.resolve().relative_to(cwd.resolve()).as_posix()
            except ValueError:
                return str(path)

        files = [show(p) for p in (self.html_path, self.json_path) if p is not None]
        try:
            text = summary.markdown(data, files)
        except Exception as error:
            self.problem = f"summary not written: {type(error).__name__}: {error}"
            return
        for path, append in paths:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                with path.open("a" if append else "w", encoding="utf-8") as out:
                    out.write(text + "\n")
                if not append:
                    self.summaries.append(path)
            except OSError as error:
                self.problem = f"summary not written to {path}: {error}"

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session):
        self.order.update((item.nodeid, i) for i, item in enumerate(session.items))

    @pytest.hookimpl(trylast=True, optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids):
        if not self.order:  # every worker collects the same items, in the same order
            self.order.update((nodeid, i) for i, nodeid in enumerate(ids))

    def _tests(self) -> list[dict]:
        """The tests in collection order (xdist reports them in completion order)."""
        tests = [
            entry for entry in self.tests.values() if entry["outcome"] is not None
        ]  # None: interrupted after its setup
        for entry in tests:
            entry["duration"] = round(entry["duration"], 4)
            if entry["outcome"] == "skipped":
                entry.pop("reproduce", None)
        return sorted(tests, key=lambda e: self.order.get(e["nodeid"], len(self.order)))

    def _run(self, session) -> dict:
        import hypothesis
        import numpy
        import scipy

        run = self.run
        try:
            version = str(run.adapter.version())
        except Exception as error:
            version = f"version() raised {type(error).__name__}: {error}"
        ledger = sorted(run.ledger.items())
        workers = getattr(self.config.option, "numprocesses", None)
        return {
            "suite": {"name": results.SUITE, "version": results.suite_version()},
            "adapter": {
                "impl": run.impl,
                "name": str(run.adapter.name),
                "version": version,
                "description": adapters.describe(run.adapter),
            },
            "device": run.device,
            "edition": run.edition.name,
            "seed": run.seed,
            "profile": run.profile,
            "platform": {
                "system": platform.system(),
                "machine": platform.machine(),
                "platform": platform.platform(),
                "python": platform.python_version(),
                "implementation": sys.implementation.name,
                "numpy": numpy.__version__,
                "scipy": scipy.__version__,
                "hypothesis": hypothesis.__version__,
                "pytest": pytest.__version__,
                "workers": workers if isinstance(workers, int) else None,
            },
            "started": datetime.fromtimestamp(self.started, UTC).isoformat(timespec="seconds"),
            "duration": round(time.time() - self.started, 3),
            "exitstatus": int(session.exitstatus),
            "alpha": {
                "spent": sum(alpha * count for alpha, count in ledger),
                "budget": FALSE_ALARM_BUDGET,
                "tests": sum(c for _, c in ledger),
                "tiers": [{"alpha": a, "count": c} for a, c in ledger],
            },
            "command": run.command,
            "deviations": [d.as_dict() for d in run.deviations],
            **({"partial": run.partial} if run.partial is not None else {}),
        }

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter):
        if _is_worker(self.config) or self.config.option.collectonly:
            return
        tr = terminalreporter
        cwd = Path.cwd()

        def show(path: Path) -> str:
            try:
                return str(path.resolve().relative_to(cwd))
            except ValueError:
                return str(path)

        if self.summaries:
            tr.write_line("summary: " + ", ".join(show(p) for p in self.summaries))
        if self.written:
            tr.write_line(
                "report: "
                + ", ".join(f"{show(p)} ({p.stat().st_size / 1024:.0f} KB)" for p in self.written)
            )
        elif self.config.getoption("--no-report"):
            tr.write_line("report: none (--no-report)")
        elif self.html_path is None and self.json_path is None:
            tr.write_line(
                "report: none (run from inside a test; pass --report-html or "
                "--report-json to write one)"
            )
        if self.problem:
            tr.write_line(f"report: {self.problem}", red=True)
        if self.data is None:
            return
        from . import terminal

        if self.short:
            failures = terminal.failure_lines(self.data)
            if failures:
                tr.section("failures by cause", red=True)
                for line in failures[1:]:
                    tr.write_line(line)
                tr.write_sep("-")
            for line in terminal.failed_lines(self.data):
                tr.write_line(line, red=True)
            for report in tr.stats.get("failed", []):
                if is_stale_report(report):
                    tr.write_line(f"FAILED {report.nodeid} - stale known deviation", red=True)
        _, css = results.headline(self.data)
        tr.write_line(
            terminal.verdict_line(self.data),
            bold=True,
            green=css == "pass",
            yellow=css == "known-deviation",
            red=css in ("fail", "error"),
        )
