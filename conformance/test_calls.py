"""Unseeded instances and repeated calls follow the spec's law, like seeded first calls.

Every other sample the suite law-tests comes from the *first* call of a *seeded* instance
(``sampling.collect``). A port can draw unseeded instances, or the second and later calls
of one instance, through another code path (a default generator made elsewhere, state
carried from call to call): a port with "std x3 for unseeded instances" or "std x3 on the
second and later calls" passed the whole suite before this module. So, for every
element-wise random initializer, values are pooled from three sources:

1. the first call of each of several **unseeded instances**;
2. the **2nd..k-th calls of one unseeded instance** that are fresh, where the edition says
   they draw fresh values (``Edition.unseeded_calls_repeat`` false: keras2; a call that
   repeats an earlier one is ``test_unseeded_calls_differ``'s finding, and adds nothing
   here); where it says they repeat (keras3), each must equal the first call exactly;
3. the **2nd..k-th calls of one seeded instance** that are fresh: where the edition says
   they repeat (keras3), each must equal the first call exactly; where it leaves it open
   (keras2: ``seeded_calls_repeat`` is ``None``), a call that repeats an earlier one is
   allowed and adds nothing, and a call that does not is a draw like any other and must
   follow the law.

and the pool gets the checks a seeded sample gets (``test_probes``' order: the variance
and mean tests, KS and Cramér-von Mises, the support), each at the fixed tier's alpha
(``FIXED_ALPHA``): 4 statistical tests per initializer, 40 in all. A failure names the
source that differs (each is compared, descriptively, with seeded first calls).

Sample size: each source draws a third of ``MARGIN`` (1.3, as the probes) times the
normal-theory n at which the variance test detects a **5 % error of the std in one source
alone** (diluted to a third of the pool: a relative change of the pool's variance of
``(1 - 0.95²)/3``) with **power 0.99** (``stats.samples_for_scale_power``). At
``FIXED_ALPHA`` = 7.5e-7 that is, per source, 43,418 values for a normal law, 29,645 for a
truncated normal, 17,368 for a uniform (10, 7 and 4 calls of ``SHAPE``); the sizes follow
``FIXED_ALPHA``. Measured (``benchmarks/results/calls_and_seeds.md``), a 5 % error (x1.05
or x0.95) of the std in one of three sources is detected in 500 of 500 replicates for each
family and direction; at the bare normal-theory n (no margin) in about 0.99
(``tests/test_call_sources.py`` checks the first on 100 replicates). A source that a
conforming port leaves empty (seeded calls that repeat) only raises the others' share of
the pool, and the power with it.

Unseeded values are fresh in every run (the spec says so): unlike the rest of the run,
this module's samples are not replayed exactly by ``--conformance-seed``, and its passing
statistics differ from run to run. A failure's ``reproduce`` command draws again, with the
same power.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from scipy import stats as scipy_stats

from initializer_conformance.conformance import properties, stats, streams
from initializer_conformance.conformance.assertions import assert_support, fail, judge
from initializer_conformance.conformance.diagnosis import FIT, Cause, diagnose
from initializer_conformance.conformance.fixed_cases import (
    CALLS_SHAPE,
    calls_config,
    calls_per_source,
)
from initializer_conformance.conformance.identifiers import ELEMENTWISE
from initializer_conformance.conformance.run import FIXED_ALPHA, current
from initializer_conformance.conformance.sampling import (
    Context,
    Sample,
    as_output,
    call,
    collect,
    make,
)

PROPERTY = properties.CALLS


@dataclass
class Source:
    """The outputs of one source, and what they are in words."""

    label: str
    outputs: list[np.ndarray]

    @property
    def values(self) -> np.ndarray:
        return np.concatenate([o.astype(np.float64).ravel() for o in self.outputs])

    def describe(self, law) -> str:
        x = self.values
        return (
            f"{self.label}: std {np.sqrt(np.mean((x - law.mean) ** 2)) / law.std:.3f}x the "
            f"spec's, KS p={scipy_stats.kstest(x, law.dist.cdf).pvalue:.3g} ({x.size} values)"
        )

    def fits(self, law) -> bool:
        return bool(scipy_stats.kstest(self.values, law.dist.cdf).pvalue >= FIT)


def _call(init, identifier: str, config: dict) -> np.ndarray:
    out = call(init, identifier, config, CALLS_SHAPE, "float32")
    return as_output(out, CALLS_SHAPE, Context(identifier, config, CALLS_SHAPE, "float32").call())


def later_calls(identifier: str, config: dict, count: int, repeat: bool | None) -> list:
    """The fresh ones (equal to no earlier call) of calls 2..``count + 1`` of one instance
    made with ``config``; if ``repeat`` (the edition says they repeat), there must be none.
    Where the edition says they are fresh, one that is not is ``test_unseeded_calls_differ``'s
    finding (a known deviation of Keras 3 ports under keras2): it only adds nothing here."""
    init = make(identifier, config)
    outputs = [_call(init, identifier, config) for _ in range(count + 1)]
    fresh = [
        out
        for i, out in enumerate(outputs[1:], start=1)
        if not any(np.array_equal(out, earlier) for earlier in outputs[:i])
    ]
    seeded = "seeded" if config["seed"] is not None else "unseeded"
    if repeat and fresh:
        fail(
            "seeds",
            f"{identifier}: a later call of one {seeded} instance differs from its first",
            ctx=Context(identifier, config, CALLS_SHAPE, "float32"),
            expected=f"every call of one {seeded} instance returns the first call's values "
            f"(edition {current().edition.name})",
            observed=f"{len(fresh)} of calls 2..{count + 1} differ from the first",
        )
    return [] if repeat else fresh


@pytest.mark.parametrize("identifier", ELEMENTWISE)
def test_calls(identifier):
    """Unseeded instances, and the later calls of one instance, follow the spec's law."""
    run = current()
    base = calls_config(identifier)
    unseeded = {**base, "seed": None}
    seed = streams.seed("calls", ELEMENTWISE.index(identifier))
    ctx = Context(identifier, unseeded, CALLS_SHAPE, "float32")
    law = ctx.law()
    calls = math.ceil(calls_per_source(law) / math.prod(CALLS_SHAPE))
    sources = [
        Source(
            f"{calls} unseeded instances (first calls)",
            [_call(make(identifier, unseeded), identifier, unseeded) for _ in range(calls)],
        ),
        Source(
            f"calls 2..{calls + 1} of one unseeded instance",
            later_calls(identifier, unseeded, calls, run.edition.unseeded_calls_repeat),
        ),
        Source(
            f"the fresh ones of calls 2..{calls + 1} of one seeded instance (seed {seed})",
            later_calls(identifier, {**base, "seed": seed}, calls, run.edition.seeded_calls_repeat),
        ),
    ]
    sources = [s for s in sources if s.outputs]
    sample = Sample(
        np.concatenate([s.values for s in sources]), sum(len(s.outputs) for s in sources)
    )
    observed = f"{sample.summary()}; pooled from " + "; ".join(
        f"{s.label} ({len(s.outputs)} call(s))" for s in sources
    )
    scale = [
        stats.variance(sample.values, law, FIXED_ALPHA),
        stats.mean(sample.values, law, FIXED_ALPHA),
    ]
    judge(
        "scale",
        f"{identifier}: unseeded instances or later calls: spread or centre differs from the spec",
        ctx=ctx,
        verdicts=scale,
        law=law,
        sample=sample,
        observed=observed,
        causes=causes(identifier, base, seed, law, ctx, sources, sample, scale),
    )
    goodness = stats.goodness_of_fit(sample.values, law, FIXED_ALPHA)
    judge(
        "law",
        f"{identifier}: unseeded instances or later calls: values do not follow the spec's law",
        ctx=ctx,
        verdicts=goodness,
        law=law,
        sample=sample,
        observed=observed,
        causes=causes(identifier, base, seed, law, ctx, sources, sample, goodness),
    )
    assert_support(sample, law, ctx)


def causes(identifier, base, seed, law, ctx, sources, sample, verdicts) -> list[Cause]:
    """The likely causes of a failure of ``verdicts`` (none if they pass): which source
    differs from seeded first calls (descriptive KS fits at ``diagnosis.FIT``, no alpha
    spent), then the catalogue's fits of the pool."""
    if all(v.passed for v in verdicts):
        return []
    reference = collect(
        identifier, {**base, "seed": seed}, CALLS_SHAPE, "float32", calls_per_source(law), 1000
    )
    first = Source(f"seeded instances (first calls, seeds derived from {seed})", [reference.values])
    found = []
    unseeded_first, later = sources[0], sources[1:]
    if not unseeded_first.fits(law) and first.fits(law):
        found.append(
            Cause("unseeded_law", f"{unseeded_first.describe(law)}; {first.describe(law)}")
        )
    misfits = [s for s in later if not s.fits(law)]
    if misfits and unseeded_first.fits(law) and first.fits(law):
        found.append(
            Cause(
                "later_calls_law",
                "; ".join(s.describe(law) for s in [*misfits, unseeded_first, first]),
            )
        )
    return found + diagnose(ctx, law, sample.values, current().edition)
