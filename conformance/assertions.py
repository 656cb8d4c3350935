"""Checks that assert, with one message format for every failure.

A failure message says: what was expected (the law, its formula and numbers), what
was observed, each statistical test with statistic, p-value, alpha, n and effect
size, the configuration, and two ways to reproduce (the pytest command, and the
adapter call).

The same parts are also kept as data, for the HTML/JSON reports: every failure, and
every statistical check that passes, is added to the run's record (``current().record``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn

import numpy as np

from initializer_conformance.conformance.run import current
from initializer_conformance.reference import dtypes, rounding
from initializer_conformance.reference.laws import (
    ElementwiseLaw,
    HaarOrthogonal,
    Normal,
    TruncatedNormal,
)

from . import stats
from .diagnosis import Cause, diagnose
from .record import expected_law
from .sampling import Context, Sample


def fail(
    check: str,
    title: str,
    *,
    ctx: Context | None,
    expected: str,
    observed: str,
    verdicts: Sequence[stats.Verdict] = (),
    causes: Sequence[Cause | str] = (),
    law=None,
    sample: Sample | None = None,
) -> NoReturn:
    """Fail the check ``check`` (a property: "law", "scale", "bounds", ...) with the one
    message format; ``law`` and ``sample`` only feed the report's plots. ``causes``: the
    catalogue's bugs the failure points to (a free-text cause names none: it reports as
    "no catalogued cause")."""
    __tracebackhide__ = True  # the message says it all; not this helper's source and locals
    run = current()
    lines = [f"[{check}] {title}", f"  expected: {expected}", f"  observed: {observed}"]
    lines += [f"  {'FAIL' if not v.passed else 'pass'} {v.describe()}" for v in verdicts]
    lines += [f"  likely cause: {cause}" for cause in causes]
    if ctx is not None:
        lines += [f"  case:     {ctx}", f"  call:     {ctx.call()}"]
    lines += [
        f"  adapter:  {run.adapter.name}, edition {run.edition.name}",
        f"  reproduce: {run.reproduce_test()}",
    ]
    message = "\n".join(lines)
    run.record.add(
        check,
        title,
        ctx,
        expected,
        observed,
        verdicts,
        causes,
        passed=False,
        law=law,
        sample=sample,
        message=message,
    )
    error = AssertionError(message)
    # what the failure is, as fields (pickled with it: xdist), which a known deviation
    # declared by what it is reads (conformance/deviations.py) instead of the message
    error.fields = {
        "check": check,
        "dtype": None if ctx is None else ctx.dtype,
        "shape": None if ctx is None else list(ctx.shape),
        "bugs": [c.bug for c in causes if isinstance(c, Cause)],
    }
    raise error


def judge(
    check: str,
    title: str,
    *,
    ctx: Context,
    verdicts: Sequence[stats.Verdict],
    law=None,
    sample: Sample | None = None,
    expected: str | None = None,
    observed: str | None = None,
    causes: Sequence[Cause | str] | None = None,
) -> None:
    """The one path of every statistical check: spend each verdict's alpha in the run's
    ledger, then fail if any verdict rejects, else record the pass for the report.

    ``expected`` defaults to the law with its derivation, ``observed`` to the sample's
    summary, ``causes`` to the diagnosis of the sample (the fitted likely causes)."""
    __tracebackhide__ = True
    run = current()
    for v in verdicts:
        if v.tested:  # a test with nothing to test spends nothing
            run.spend(v.test, v.alpha)
    if not all(v.passed for v in verdicts):
        if causes is None:
            causes = diagnose(ctx, law, sample.values, run.edition) if sample is not None else ()
        fail(
            check,
            title,
            ctx=ctx,
            verdicts=verdicts,
            law=law,
            sample=sample,
            causes=causes,
            expected=expected if expected is not None else expected_law(law, ctx),
            observed=observed if observed is not None else sample.summary(),
        )
    run.record.add(
        check, title, ctx, expected, observed, verdicts, (), passed=True, law=law, sample=sample
    )


# -- element-wise laws ---------------------------------------------------------------------


def assert_law(sample: Sample, law: ElementwiseLaw, ctx: Context, alpha: float) -> None:
    """Goodness of fit against the exact law in the output's dtype: Kolmogorov-Smirnov and
    Cramér-von Mises, and for a 16-bit dtype the exact counts of its representable values.

    When the counts test rejects a 16-bit sample, the values sit on the wrong representable
    values: the signature of a draw computed in 16-bit arithmetic (PyTorch #145498), which
    the failure names as a likely cause besides the fitted ones."""
    __tracebackhide__ = True
    verdicts = stats.goodness_of_fit(sample.values, dtypes.in_dtype(law, ctx.dtype), alpha)
    causes = None  # the diagnosis' fitted causes
    if ctx.dtype in dtypes.SIXTEEN_BIT and not verdicts[-1].passed:
        fitted = diagnose(ctx, law, sample.values, current().edition)
        causes = [*fitted, Cause("low_precision_arithmetic")]
    judge(
        "law",
        f"{ctx.identifier}: values do not follow the spec's law",
        ctx=ctx,
        verdicts=verdicts,
        law=law,
        sample=sample,
        causes=causes,
    )


def assert_scale(sample: Sample, law: ElementwiseLaw, ctx: Context, alpha: float) -> None:
    """Variance (about the spec's mean) and mean of the values, against the law in the
    output's dtype (a 16-bit dtype's rounded law has its own, exact moments)."""
    __tracebackhide__ = True
    x, exact = sample.values, dtypes.in_dtype(law, ctx.dtype)
    judge(
        "scale",
        f"{ctx.identifier}: spread or centre differs from the spec",
        ctx=ctx,
        verdicts=[stats.variance(x, exact, alpha), stats.mean(x, exact, alpha)],
        law=law,
        sample=sample,
    )


def assert_support(sample: Sample, law: ElementwiseLaw, ctx: Context) -> None:
    """Nothing outside the law's support (deterministic: a conforming draw never is),
    beyond the rounding a conforming implementation may do (``reference/rounding.py``:
    on the scale of its arithmetic, never an ulp of the bound itself, which is subnormal at
    a bound of 0)."""
    __tracebackhide__ = True
    x = sample.values
    lo, hi = law.support
    slack = rounding.support_slack(law, ctx.dtype)
    below, above = x < lo - slack, x > hi + slack
    if below.any() or above.any():
        spread = np.sqrt(stats.central_moments(law)[0])
        worst = max(lo - x.min(), x.max() - hi)
        fail(
            "bounds",
            f"{ctx.identifier}: values outside the support",
            ctx=ctx,
            expected=f"{law.formula}: every value in [{lo:.6g}, {hi:.6g}] "
            f"(± {slack:.3g} of rounding in {ctx.dtype})",
            observed=f"{int(below.sum())} values below and {int(above.sum())} above, of "
            f"{x.size}; the farthest is {worst:.6g} ({worst / spread:.3g} std) "
            f"outside; {sample.summary()}",
            causes=diagnose(ctx, law, x, current().edition),
            law=law,
            sample=sample,
        )


def assert_no_point_mass(sample: Sample, law: ElementwiseLaw, ctx: Context, alpha: float) -> None:
    """No excess of values at a finite bound (clipping instead of redrawing piles them there).

    Counts the values near each bound (``rounding.at_bound``: within twice the support
    slack, or on the bound's own value in a 16-bit dtype) and compares, by a one-sided
    binomial test, with what a conforming implementation may put there: the law's own
    mass there plus an atom of ``BOUND_ATOM·eps`` on the bound itself.
    Clipping a normal at ±2 std puts 2.3 % on each bound, 10^5 times that allowance in
    float32.
    """
    __tracebackhide__ = True
    x = sample.values
    verdicts, at_bounds = [], 0
    for bound in law.support:
        if not np.isfinite(bound):
            continue
        window, p0 = rounding.at_bound(law, ctx.dtype, bound)
        k = int(np.count_nonzero(np.abs(x - bound) <= window))
        at_bounds += k
        verdicts.append(
            stats.excess_count(
                k, x.size, p0, alpha, f"values within {window:.3g} of the bound {bound:.6g}"
            )
        )
    clipped = Cause(
        "clipped_truncation",
        f"{at_bounds / x.size:.2%} of the values sit on a bound"
        + (
            " (clipping a normal at ±2 std puts 4.55 % there)"
            if isinstance(law, TruncatedNormal)
            else ""
        ),
    )
    judge(
        "bounds",
        f"{ctx.identifier}: a point mass at a bound",
        ctx=ctx,
        verdicts=verdicts,
        law=law,
        sample=sample,
        expected=law.formula,
        causes=[clipped],
    )


def assert_tail_mass(sample: Sample, law: Normal, ctx: Context, alpha: float) -> None:
    """An untruncated normal has 4.55 % of its mass beyond 2 std: a truncated one has none."""
    __tracebackhide__ = True
    x = sample.values
    exact = dtypes.in_dtype(law, ctx.dtype)
    if isinstance(exact, dtypes.Rounded):
        p0 = exact.probability(np.abs(exact.values - law.loc) > 2 * law.scale)
    else:
        p0 = float(2 * law.dist.sf(law.loc + 2 * law.scale))
    k = int(np.count_nonzero(np.abs(x - law.loc) > 2 * law.scale))
    judge(
        "bounds",
        f"{ctx.identifier}: wrong tail mass beyond 2 std",
        ctx=ctx,
        verdicts=[stats.count(k, x.size, p0, alpha, "beyond mean ± 2 std")],
        law=law,
        sample=sample,
    )


# -- structure ------------------------------------------------------------------------------


def assert_orthogonal(q: np.ndarray, law: HaarOrthogonal, ctx: Context) -> None:
    """``QᵀQ = gain²·I`` (tall or square) or ``QQᵀ = gain²·I`` (wide), entry-wise within
    ``rounding.orthonormality_tolerance(dtype, m) = eps·(4 + 2·m)``, ``m`` the long side
    (SPEC.md, decision 14: the rounding of the entries, and a QR in the dtype's own
    arithmetic, whose loss of orthogonality grows with ``m``). With ``gain = 0`` the
    output is all zeros (``0·Q``). Deterministic: a conforming output cannot fail it."""
    __tracebackhide__ = True
    m = q.astype(np.float64).reshape(law.rows, law.cols)
    if m.size == 0:
        return  # no columns (or rows) to be orthonormal: decision 13
    gram = m.T @ m if law.rows >= law.cols else m @ m.T
    kind = "QᵀQ" if law.rows >= law.cols else "QQᵀ"
    tol = rounding.orthonormality_tolerance(ctx.dtype, max(law.rows, law.cols))
    if law.gain == 0:
        if np.any(m != 0):
            fail(
                "orthogonality",
                f"{ctx.identifier}: gain 0, but not all zeros",
                ctx=ctx,
                expected=f"{law.formula}: 0·Q, every entry 0",
                observed=f"{int(np.count_nonzero(m))} of {m.size} entries are not 0 "
                f"(largest |entry| {np.abs(m).max():.3g})",
                law=law,
            )
        return
    error = float(np.abs(gram - law.gain**2 * np.eye(gram.shape[0])).max()) / law.gain**2
    if not error <= tol:
        fail(
            "orthogonality",
            f"{ctx.identifier}: {kind} is not gain²·I",
            ctx=ctx,
            expected=f"{law.formula}; max |{kind}/gain² - I| <= eps·(4 + 2·m) = {tol:.3g} "
            f"(eps = {dtypes.epsilon(ctx.dtype):.3g} of {ctx.dtype}, m = "
            f"{max(law.rows, law.cols)})",
            observed=f"max |{kind}/gain² - I| = {error:.3g} ({error / tol:.3g} times the "
            f"allowance); diag({kind})/gain² in [{np.diag(gram).min() / law.gain**2:.6g}, "
            f"{np.diag(gram).max() / law.gain**2:.6g}]",
            law=law,
        )


def assert_exact(out: np.ndarray, expected: np.ndarray, ctx: Context, what: str) -> None:
    """Entry-wise equality with the spec's exact array (in the requested dtype)."""
    __tracebackhide__ = True
    want = expected.astype(ctx.dtype)
    if not np.array_equal(out.astype(ctx.dtype), want):
        wrong = out.astype(ctx.dtype) != want
        index = tuple(int(i) for i in np.argwhere(wrong)[0])
        fail(
            "exact",
            f"{ctx.identifier}: output differs from {what}",
            ctx=ctx,
            expected=f"{what}; e.g. at {index}: {want[index]!r}",
            observed=f"{int(wrong.sum())} of {want.size} entries differ; at {index}: "
            f"{out[index]!r}",
        )
