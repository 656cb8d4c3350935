"""The checks of a test, kept as data for the HTML/JSON reports (``reports/``).

Every failure, and every statistical check that passes, is added to the run's
:class:`Record` (``current().record``) by :mod:`~initializer_conformance.conformance.assertions`;
the report plugin resets it before each test and turns it into :func:`findings` after it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from initializer_conformance.reference.laws import ElementwiseLaw

from .diagnosis import Cause

if TYPE_CHECKING:
    from initializer_conformance.conformance.sampling import Context, Sample


def expected_law(law, ctx: Context) -> str:
    """The law's formula, and how its numbers follow from the context's shape."""
    derivation = ctx.derivation()
    return law.formula + (f"\n            from {derivation}" if derivation else "")


#: Sample values kept per check for the report's plots: a failing check keeps more.
VALUES_KEPT = {False: 2000, True: 250}
HISTOGRAM_BINS = 60


class Record:
    """The checks of the current test's examples, as data for the reports.

    Every failure, and every statistical check that passes, is added. A check on a new
    :class:`~conformance.sampling.Context` (a new Hypothesis example) starts a new list.
    The lists of the last few failing examples are kept by failure message, so that
    :func:`findings` can return the example whose failure the test reports (the
    minimal one Hypothesis replays last, or the explicit example it names), and
    otherwise the example that ran last. Objects are kept as they are;
    :func:`findings` turns them into JSON data once, after the test. Nothing is kept
    unless the report plugin enabled the record (``--no-report`` costs nothing).
    """

    KEPT_FAILURES = 16
    enabled = False

    def __init__(self, enabled: bool = False):
        self.enabled = enabled
        self.reset()

    def reset(self) -> None:
        self.ctx, self.checks, self.failures = None, [], {}

    def add(
        self,
        check,
        title,
        ctx,
        expected,
        observed,
        verdicts,
        causes,
        *,
        passed,
        law=None,
        sample=None,
        message=None,
    ) -> None:
        if not self.enabled:
            return
        if ctx is not self.ctx:
            self.ctx, self.checks = ctx, []
        self.checks.append(
            dict(
                check=check,
                title=title,
                ctx=ctx,
                expected=expected,
                observed=observed,
                verdicts=tuple(verdicts),
                causes=list(causes),
                passed=passed,
                law=law,
                sample=sample,
            )
        )
        if message is not None:
            self.failures.pop(message, None)
            self.failures[message] = self.checks
            while len(self.failures) > self.KEPT_FAILURES:
                del self.failures[next(iter(self.failures))]

    def example(self, error: BaseException | None = None) -> list[dict]:
        """The checks of the example that raised ``error`` (none if it is not a failure of
        this module), or without an error those of the example that ran last."""
        if error is None:
            return self.checks
        errors = [error]
        while errors:
            e = errors.pop(0)
            if str(e) in self.failures:
                return self.failures[str(e)]
            errors += list(getattr(e, "exceptions", ()))
        return []


def findings(record: Record, error: BaseException | None = None) -> list[dict]:
    """The checks of the test's reported example (:meth:`Record.example`) as plain data
    (dicts, lists, str, float, int, bool, None)::

        {"check": "scale", "title": ..., "passed": false, "expected": ..., "observed": ...,
         "statistics": [{"test", "statistic", "pvalue", "alpha", "n", "effect", "passed", "tested"}],
         "causes": [text...], "bugs": [{"bug", "label", "cause", "text", "p"}...],
         "case": {"identifier", "config", "shape", "dtype", "seed"},
         "call": "adapter.make(...)(...)", "law": {"formula", "type", "params",
         "identifier", "config", "shape", "edition"},
         "sample": {"n", "calls", "mean", "std", "min", "max", "values", "histogram"}}

    ``causes`` are the likely causes as the message prints them; ``bugs`` the ones that
    name a bug of the catalogue, as fields (its key and label, the fit's KS p-value).
    ``sample.values`` is a deterministic subsample: the order statistics of ranks
    ``round(linspace(0, n - 1, k))`` (so it holds the minimum and the maximum, and its
    ECDF is the sample's), ``k`` at most 2000 for a failing check, 250 for a passing
    one; ``sample.histogram`` counts all ``n`` values. A sample that several checks of
    the example share is written once: on the failing check, else on the first.
    """
    checks = record.example(error)
    carrier: dict[int, int] = {}  # id(sample) -> index of the check that writes it
    for i, check in enumerate(checks):
        key = id(check["sample"])
        if check["sample"] is not None and (
            key not in carrier or (checks[carrier[key]]["passed"] and not check["passed"])
        ):
            carrier[key] = i
    return [
        _finding(check, carrier.get(id(check["sample"])) == i) for i, check in enumerate(checks)
    ]


def _finding(check: dict, with_sample: bool = True) -> dict:
    ctx, law, sample = check["ctx"], check["law"], check["sample"]
    expected = check["expected"]
    if expected is None:
        expected = expected_law(law, ctx) if law is not None and ctx is not None else ""
    observed = check["observed"]
    if observed is None:
        observed = sample.summary() if sample is not None else ""
    return {
        "check": check["check"],
        "title": f"[{check['check']}] {check['title']}",
        "passed": check["passed"],
        "expected": expected,
        "observed": observed,
        "statistics": [
            {
                "test": v.test,
                "statistic": float(v.statistic),
                "pvalue": float(v.pvalue),
                "alpha": float(v.alpha),
                "n": int(v.n),
                "effect": v.effect,
                "passed": bool(v.passed),
                "tested": bool(v.tested),
            }
            for v in check["verdicts"]
        ],
        "causes": [str(cause) for cause in check["causes"]],
        "bugs": [cause.as_dict() for cause in check["causes"] if isinstance(cause, Cause)],
        "case": None
        if ctx is None
        else {
            "identifier": ctx.identifier,
            "config": dict(ctx.config),
            "shape": list(ctx.shape),
            "dtype": ctx.dtype,
            "seed": ctx.config.get("seed"),
        },
        "call": "" if ctx is None else ctx.call(),
        "law": _law_data(law, ctx),
        "sample": _sample_data(sample, VALUES_KEPT[check["passed"]])
        if (sample is not None and with_sample)
        else None,
    }


def _law_data(law, ctx: Context | None) -> dict | None:
    """Enough to rebuild the law: its type and parameters, and the spec call that made it
    (``reference.make(identifier, config, edition).law(shape)``)."""
    if law is None:
        return None
    params = {}
    for name in getattr(law, "__dataclass_fields__", {}):
        value = getattr(law, name)
        if isinstance(value, (int, float, np.integer, np.floating)):
            params[name] = float(value)
        elif isinstance(value, tuple):
            params[name] = [int(v) for v in value]
    data = {"formula": law.formula, "type": type(law).__name__, "params": params}
    if isinstance(law, ElementwiseLaw):
        data.update(
            mean=float(law.mean), std=float(law.std), support=[float(b) for b in law.support]
        )
    if ctx is not None:
        data.update(
            identifier=ctx.identifier,
            config=dict(ctx.config),
            shape=list(ctx.shape),
            edition=ctx.edition.name,
        )
    return data


def _sample_data(sample: Sample, keep: int) -> dict:
    x = np.sort(sample.values)
    ranks = np.unique(np.round(np.linspace(0, x.size - 1, min(keep, x.size))).astype(np.int64))
    lo, hi = float(x[0]), float(x[-1])
    counts, edges = np.histogram(
        x,
        bins=HISTOGRAM_BINS if hi > lo else 1,
        range=(lo, hi) if hi > lo else (lo - 0.5, hi + 0.5),
    )
    return {
        "n": int(x.size),
        "calls": int(sample.calls),
        "mean": float(x.mean()),
        "std": float(x.std()),
        "min": lo,
        "max": hi,
        "values": [float(f"{v:.7g}") for v in x[ranks]],
        "histogram": {
            "edges": [float(f"{e:.7g}") for e in edges],
            "counts": [int(c) for c in counts],
        },
    }
