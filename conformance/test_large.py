"""Large outputs: what only a real model's kernels show (run with ``--large``).

A dense kernel of 4096×4096 holds 16.8 M values, an embedding tens of millions. Generators
go wrong there in ways small outputs cannot show: a 32-bit counter or offset that wraps
(the values repeat after 2^24 draws), a kernel launched in chunks that reuses its key
(every chunk the same values), another code path for large sizes. For each random family
of the spec (RandomNormal, RandomUniform, TruncatedNormal: the three laws every other
random initializer is one of), one float32 output above 2^20 values (1025×1024) and one
above 2^24 (4097×4097), each checked for:

* **repeated blocks at any offset**: no :data:`WINDOW` consecutive values of the flattened
  output occur twice (every window hashed, the candidates compared exactly). Under the
  law two windows coincide with probability below ``q^WINDOW`` per pair, ``q`` the
  chance that two values coincide (about 2^-24 for a float32 law): 10^-150 for 16.8 M
  values. Deterministic: a conforming output cannot fail it, and it spends no alpha;
* **the law**, of the whole output and of each of its :data:`CHUNKS` consecutive chunks
  (Kolmogorov-Smirnov, one Bonferroni family): a chunk of another law (a large-size path,
  a wrapped counter's zeros) shows;
* **long-range dependence**: the correlation at every lag and Bartlett's cumulative
  periodogram of the normal scores of the flattened output's first 2^20 or
  :data:`SPECTRAL_VALUES` values (``spectral.py``: a power of 2, whose FFTs are fast; a
  correlation of 0.008 at any lag up to 2^21 is missed with probability 1.1e-4);

and Orthogonal at 1024×1024 (orthonormal within ``eps·(4 + 2·m)``, SPEC.md decision 14,
and the Haar law of its first column's entries). About 80 M values are drawn: the reference
takes about 20 s, which the default run does not pay; ``--large`` runs these checks, and
without it they are recorded as not run.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as scipy_stats

from initializer_conformance.conformance import (
    dependence,
    outputs,
    properties,
    spectral,
    stats,
    streams,
)
from initializer_conformance.conformance.assertions import fail, judge
from initializer_conformance.conformance.dependence import WINDOW, repeated_windows
from initializer_conformance.conformance.run import FIXED_ALPHA, current
from initializer_conformance.conformance.sampling import Context, Sample

PROPERTY = properties.LARGE

FAMILIES = ("RandomNormal", "RandomUniform", "TruncatedNormal")
SHAPES = {"above 2^20": (1025, 1024), "above 2^24": (4097, 4097)}
ORTHOGONAL_SHAPE = (1024, 1024)
#: Consecutive chunks whose law is tested one by one.
CHUNKS = 16
#: The values of an output whose spectrum is tested: its lag sums take two FFTs of twice
#: the length and its normal scores two CDFs a value (2^24 values: 21 s; 2^22: 4 s).
SPECTRAL_VALUES = 1 << 22


@pytest.fixture(autouse=True)
def _only_with_large():
    if not current().large:
        pytest.skip("large outputs: run with --large (about 80 M values)")


def _output(identifier: str, label: str):
    shape = SHAPES[label]
    index = FAMILIES.index(identifier) * len(SHAPES) + list(SHAPES).index(label)
    config = {"seed": streams.seed("large", index)}
    ctx = Context(identifier, config, shape, "float32")
    return ctx, ctx.law(), outputs.generate(identifier, config, shape, "float32")


@pytest.mark.parametrize("identifier", FAMILIES)
def test_large_output(identifier):
    """One float32 output of each of SHAPES: no repeated block, the law in every chunk, no
    dependence at any lag (module docstring). The statistical tests of both outputs are one
    family (Bonferroni): one test of the fixed tier per family, 4 with Orthogonal's."""
    tests, drawn = [], {}
    for label in SHAPES:
        ctx, law, out = _output(identifier, label)
        x = np.ravel(out)
        _assert_no_repeated_block(x, ctx, law)
        values = x.astype(np.float64)
        chunks = [np.sort(c) for c in np.array_split(law.cdf(values), CHUNKS)]
        whole = np.sort(np.concatenate(chunks))  # of sorted runs: 4 times a fresh sort's speed
        parts = [("whole", whole), *((f"chunk {k + 1}", c) for k, c in enumerate(chunks))]
        tests += [(f"{what} of {ctx.shape}", _uniform_ks(p, what)) for what, p in parts]
        head = values[: min(SPECTRAL_VALUES, 1 << (x.size.bit_length() - 1))]
        power = spectral.spectrum(stats.gaussianized(head, law, "float32", ctx.config["seed"]))
        tests += [
            (f"every lag of {ctx.shape}", spectral.lag_correlations(power, FIXED_ALPHA, label)),
            (f"Bartlett of {ctx.shape}", spectral.bartlett(power, FIXED_ALPHA, label)),
        ]
        drawn[label] = ctx, law, Sample(values, 1)
    ctx, law, sample = drawn["above 2^24"]
    judge(
        "law",
        f"{identifier}: a large output's values do not follow the spec's law, or depend on "
        f"each other",
        ctx=ctx,
        verdicts=[dependence.family(tests, FIXED_ALPHA, f"{len(tests)} tests, 2 outputs")],
        law=law,
        sample=sample,
        expected=f"{law.formula} in each output of {', '.join(map(str, SHAPES.values()))} and "
        f"in each of its {CHUNKS} chunks; no correlation at any lag of its first "
        f"{min(SPECTRAL_VALUES, 1 << 20):,} or {SPECTRAL_VALUES:,} values",
        observed=f"{sample.summary()} (the output of {ctx.shape})",
        causes=(),
    )


def _assert_no_repeated_block(x: np.ndarray, ctx: Context, law) -> None:
    __tracebackhide__ = True
    pairs = repeated_windows(x)
    if pairs:
        (i, j), more = pairs[0], len(pairs) - 1
        fail(
            "independence",
            f"{ctx.identifier}: a block of the output repeats at offset {j - i}",
            ctx=ctx,
            expected=f"{law.formula}; no {WINDOW} consecutive values twice (probability "
            f"below 1e-100 for {x.size} values)",
            observed=f"values {i}..{i + WINDOW - 1} and {j}..{j + WINDOW - 1} of the flattened "
            f"output are equal"
            + (f", and {more} more pairs" if more else "")
            + f": a generator whose counter or key repeats after {j - i} values",
        )


def _uniform_ks(u: np.ndarray, what: str) -> stats.Verdict:
    d, pvalue = stats.uniform_ks_sorted(u)
    return stats.Verdict(
        f"Kolmogorov-Smirnov ({what})",
        d,
        pvalue,
        FIXED_ALPHA,
        u.size,
        f"max |ECDF - CDF| = {d:.4g} over {u.size} values",
    )


def test_large_orthogonal():
    """Orthogonal at 1024×1024: orthonormal (``outputs.generate`` checks every Orthogonal
    output, within eps·(4 + 2·m)), and its first column's entries, times √m, follow the
    law of a Haar column's (Q[i, 0]²·m/gain² ~ m·Beta(1/2, (m - 1)/2), KS)."""
    config = {"gain": 1.0, "seed": streams.seed("large", 10)}
    ctx = Context("Orthogonal", config, ORTHOGONAL_SHAPE, "float32")
    law = ctx.law()
    q = outputs.generate("Orthogonal", config, ORTHOGONAL_SHAPE, "float32").astype(np.float64)
    m = ORTHOGONAL_SHAPE[0]
    column = q.reshape(law.rows, law.cols)[:, 0]
    beta = scipy_stats.beta(0.5, (m - 1) / 2)
    ks = scipy_stats.kstest(column**2, beta.cdf)
    judge(
        "law",
        "Orthogonal: a large matrix's column is not a Haar column",
        ctx=ctx,
        verdicts=[
            stats.Verdict(
                "Kolmogorov-Smirnov (Q[i, 0]² ~ Beta(1/2, (m - 1)/2))",
                float(ks.statistic),
                float(ks.pvalue),
                FIXED_ALPHA,
                m,
                f"max |ECDF - CDF| = {ks.statistic:.4g} over the {m} entries of column 0",
            )
        ],
        law=law,
        expected=f"{law.formula}: each column uniform on the unit sphere",
        observed=f"column 0: sum of squares {float(np.sum(column**2)):.6f}",
        causes=(),
    )
