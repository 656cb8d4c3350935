"""Power of the precision probes: how often each probe catches a bug of a given size.

    python -m benchmarks.power [--reps 200] [--reps16 50]

For probes of ``conformance/probes.py`` (one per random family), draws ``reps``
samples of the probe's size from a *wrong* law and counts how often the probe's own
checks (``probes.check_probe``, what ``test_probe`` runs) reject it:

* scale: the spec's law with its std multiplied by 1 + e (e = -0.5 %, ±1 %, +2 %), by
  the variance test alone;
* shape, at the same variance: a uniform law, an untruncated normal, a normal
  clipped at ±2 std (for truncated-normal families), a truncated normal (for
  untruncated ones), a normal (for uniform ones);
* in each 16-bit dtype (``reps16`` replicates): std errors, a fraction of the values
  clipped to a bound, and (truncated normal) PyTorch #145498's draw in 16-bit arithmetic.

Samples are drawn from the law directly (then rounded to the probe's dtype). The
diagnosis (which only words a failure's message) is off. Writes
``benchmarks/results/power.md``.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
from scipy import special

from initializer_conformance import reference
from initializer_conformance.adapters.reference_numpy import ReferenceAdapter
from initializer_conformance.conformance import assertions, stats
from initializer_conformance.conformance.probes import (
    MARGIN,
    POWER,
    RELATIVE_STD_ERROR,
    Probe,
    check_probe,
)
from initializer_conformance.conformance.run import FIXED_ALPHA, Run, activate
from initializer_conformance.conformance.sampling import MAX_CALLS, N_TARGET, Context, Sample
from initializer_conformance.reference import dtypes
from initializer_conformance.reference.laws import (
    TRUNCATION_WIDTH,
    Normal,
    TruncatedNormal,
    Uniform,
)

from .runs import ROOT

EFFECTS = (-0.005, -0.01, 0.01, 0.02)
EFFECTS16 = (-0.01, 0.01, 0.02)
CLIPPED = (1e-4, 3e-4, 1e-3)  # fractions of the values clipped to a bound

#: Probes whose law differs only by location and scale have the same power: one per family.
FAMILIES = tuple(
    Probe(name)
    for name in (
        "RandomNormal",
        "RandomUniform",
        "TruncatedNormal",
        "VarianceScaling[fan_out-normal]",
        "VarianceScaling[fan_avg-uniform]",
    )
)
FAMILIES16 = tuple(
    Probe(name, dtype)
    for dtype in dtypes.SIXTEEN_BIT
    for name in ("RandomNormal", "RandomUniform", "TruncatedNormal")
)


class Checks:
    """A probe's context, its law and its sample size, and whether its checks reject."""

    def __init__(self, probe: Probe):
        config, shape = probe.case()
        self.probe, self.dtype = probe, probe.dtype
        self.ctx = Context(probe.identifier, {**config, "seed": 0}, shape, probe.dtype)
        self.law = self.ctx.law()
        exact = dtypes.in_dtype(self.law, self.dtype)
        self.minimum = stats.samples_for_scale_power(exact, RELATIVE_STD_ERROR, FIXED_ALPHA, POWER)
        self.n = int(MARGIN * self.minimum)

    def rounded(self, x: np.ndarray) -> np.ndarray:
        """Values as the probe's dtype returns them."""
        return x.astype(dtypes.resolve(self.dtype)).astype(np.float64)

    def rejects(self, x: np.ndarray) -> bool:
        try:
            check_probe(Sample(self.rounded(x), 1), self.law, self.ctx)
        except AssertionError:
            return True
        finally:
            run.record.reset()
        return False

    def variance_rejects(self, x: np.ndarray) -> bool:
        exact = dtypes.in_dtype(self.law, self.dtype)
        return not stats.variance(self.rounded(x), exact, FIXED_ALPHA).passed


run = Run(adapter=ReferenceAdapter(), impl="numpy")  # the messages name an adapter


def rate(draw, n: int, reps: int, rng, test) -> tuple[float, float]:
    """(rejection rate of ``test`` on ``reps`` samples ``draw(rng, n)``, seconds per sample)."""
    start = time.perf_counter()
    hits = sum(test(draw(rng, n)) for _ in range(reps))
    return hits / reps, (time.perf_counter() - start) / reps


def sampler(law):
    """draw(rng, n): ``n`` values of ``law``."""
    return lambda rng, n: law.sample(rng, (n,))


def scaled(law, factor):
    """The law's family with its spread multiplied by ``factor`` about the same mean."""
    if isinstance(law, Uniform):
        half = factor * (law.high - law.low) / 2
        return Uniform(law.mean - half, law.mean + half)
    return type(law)(law.loc, law.scale * factor)


def same_variance_alternatives(law):
    """Wrong families with the law's mean and variance: name -> draw(rng, n)."""
    mean, std = law.mean, law.std
    uniform = Uniform(mean - math.sqrt(3) * std, mean + math.sqrt(3) * std)
    alternatives = (
        {}
        if isinstance(law, Uniform)
        else {"uniform, same variance": lambda rng, n: uniform.sample(rng, (n,))}
    )
    if isinstance(law, TruncatedNormal):
        normal = Normal(mean, std)
        alternatives["untruncated normal, same variance"] = lambda rng, n: normal.sample(rng, (n,))
        alternatives["parent normal clipped at ±2 std"] = lambda rng, n: np.clip(
            law.loc + law.scale * rng.standard_normal(n), *law.support
        )
    elif isinstance(law, Normal):
        truncated = TruncatedNormal(mean, std / reference.TRUNCATED_NORMAL_STD_FACTOR)
        alternatives["truncated normal, same variance"] = lambda rng, n: truncated.sample(rng, (n,))
    else:
        normal = Normal(mean, std)
        alternatives["normal, same variance"] = lambda rng, n: normal.sample(rng, (n,))
    return alternatives


def clipped(law, fraction: float):
    """draw(rng, n): the bounded law, with ``fraction`` of the values put on its bounds,
    half on each."""
    lo, hi = law.support

    def draw(rng, n):
        x = law.sample(rng, (n,))
        k = rng.binomial(n, fraction)
        where = rng.choice(n, size=k, replace=False)
        x[where] = np.where(rng.random(k) < 0.5, lo, hi)
        return x

    return draw


def low_precision_truncated(law: TruncatedNormal, dtype: str):
    """draw(rng, n): PyTorch #145498 (``adapters/mutants.py: LowPrecisionInverseCDF``)."""
    kind = dtypes.resolve(dtype)

    def low(x):
        return np.asarray(x, dtype=np.float64).astype(kind).astype(np.float64)

    def draw(rng, n):
        lo = low(2 * special.ndtr(-TRUNCATION_WIDTH) - 1)
        hi = low(2 * special.ndtr(TRUNCATION_WIDTH) - 1)
        u = low(lo + low(hi - lo) * low(rng.random(n)))
        x = low(low(low(special.erfinv(u)) * low(law.scale * math.sqrt(2))) + law.loc)
        return np.clip(x, *(low(b) for b in law.support))

    return draw


#: Pooled sample sizes of one Hypothesis example: a scalar's MAX_CALLS values ... a full one.
SAMPLE_SIZES = (MAX_CALLS, 256, 1_024, 4_096, N_TARGET)


def sample_size_table() -> list[str]:
    """A Markdown table: per law family and pooled n, the std errors one example detects."""
    alpha = Run().hypothesis_alpha
    laws = {
        "normal": Normal(0.0, 1.0),
        "uniform": Uniform(-1.0, 1.0),
        "truncated normal": TruncatedNormal(0.0, 1.0),
    }
    rows = ["| law | " + " | ".join(f"n = {n:,}" for n in SAMPLE_SIZES) + " |"]
    rows.append("|---|" + "---|" * len(SAMPLE_SIZES))
    for name, law in laws.items():
        cells = []
        for n in SAMPLE_SIZES:
            low, high = stats.detectable_std_errors(law, n, alpha, 0.9)
            cells.append(f"{'none' if math.isnan(low) else f'−{low:.1%}'} / +{high:.1%}")
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--reps16", type=int, default=50)
    args = parser.parse_args()
    activate(run)
    assertions.diagnose = lambda *a, **k: []  # the diagnosis only words the message
    rng = np.random.default_rng(2026)
    scale_rows, shape_rows, rows16 = [], [], []
    for probe in FAMILIES:
        c = Checks(probe)
        cells = []
        for effect in EFFECTS:
            wrong = scaled(c.law, 1 + effect)
            detected, _ = rate(sampler(wrong), c.n, args.reps, rng, c.variance_rejects)
            cells.append(f"{detected:.3f}")
        null, seconds = rate(sampler(c.law), c.n, args.reps, rng, c.variance_rejects)
        scale_rows.append(
            f"| {probe.id} | {type(c.law).__name__} | {c.n:,} | {c.minimum:,} | "
            + " | ".join(cells)
            + f" | {null:.3f} | {seconds * 1000:.0f} ms |"
        )
        for name, draw in same_variance_alternatives(c.law).items():
            detected, _ = rate(draw, c.n, args.reps, rng, c.rejects)
            shape_rows.append(f"| {probe.id} | {name} | {c.n:,} | {detected:.3f} |")
        print(scale_rows[-1], flush=True)
    for probe in FAMILIES16:
        c = Checks(probe)
        cells = []
        for effect in EFFECTS16:
            wrong = scaled(c.law, 1 + effect)
            cells.append(rate(sampler(wrong), c.n, args.reps16, rng, c.rejects))
        for fraction in CLIPPED:  # bounded laws: a normal has no bound to clip to
            bounded = np.isfinite(c.law.support[0])
            draw = clipped(c.law, fraction)
            cells.append(rate(draw, c.n, args.reps16, rng, c.rejects) if bounded else None)
        if isinstance(c.law, TruncatedNormal):
            draw = low_precision_truncated(c.law, probe.dtype)
            cells.append(rate(draw, c.n, args.reps16, rng, c.rejects))
        else:
            cells.append(None)
        null = rate(sampler(c.law), c.n, args.reps16, rng, c.rejects)
        rows16.append(
            f"| {probe.id} | {c.n:,} | "
            + " | ".join("—" if cell is None else f"{cell[0]:.2f}" for cell in cells)
            + f" | {null[0]:.2f} | {null[1] * 1000:.0f} ms |"
        )
        print(rows16[-1], flush=True)
    lines = [
        "# Power of the precision probes",
        "",
        f"{args.reps} replicates per cell ({args.reps16} in 16-bit dtypes), alpha "
        f"{FIXED_ALPHA:.3g} per statistical test (the fixed tier's), samples drawn from the "
        "law directly and rounded to the probe's dtype (`python -m benchmarks.power`).",
        "`minimum` is the normal-theory minimum n for detecting a 1 % std error with power "
        f"{POWER} ({MARGIN}× of it is drawn).",
        "",
        "## Scale: detection rate of a relative std error e by the variance test",
        "",
        "The presets' probes are VarianceScaling laws (normal or uniform) and have the "
        "power of the VarianceScaling rows.",
        "",
        "| probe | law | n | minimum n | "
        + " | ".join(f"e={e:+.1%}" for e in EFFECTS)
        + " | rejections at e=0 | time per replicate |",
        "|---|---|---|---|" + "---|" * len(EFFECTS) + "---|---|",
        *scale_rows,
        "",
        "## Shape: detection rate of a wrong family with the right mean and variance",
        "",
        "All the probe's checks (`probes.check_probe`): variance, mean, KS, Cramér-von Mises, "
        "support, tail or point mass.",
        "",
        "| probe | wrong law | n | detection rate |",
        "|---|---|---|---|",
        *shape_rows,
        "",
        "## 16-bit dtypes: detection rate by all the probe's checks",
        "",
        "Against the law rounded to the dtype (`reference/dtypes.py`): std errors e; a "
        "fraction f of the values clipped to a bound (a port that keeps out-of-range draws "
        "after a few rejection tries; bounded laws only); PyTorch #145498's draw "
        "(uniform, erfinv and scaling in 16-bit arithmetic).",
        "",
        "| probe | n | "
        + " | ".join(f"e={e:+.0%}" for e in EFFECTS16)
        + " | "
        + " | ".join(f"f={f:g}" for f in CLIPPED)
        + " | #145498 | rejections of the law | time per replicate |",
        "|---|---|" + "---|" * (len(EFFECTS16) + len(CLIPPED) + 3),
        *rows16,
        "",
        "## One Hypothesis example: the std error its variance test detects",
        "",
        f"An example pools n = min({N_TARGET:,}, {MAX_CALLS} × output size) values; its tests "
        f"run at alpha {Run().hypothesis_alpha:.3g} (profile `ci`). The relative std error its "
        "variance test detects with power 0.9 (`stats.detectable_std_errors`: the test's own "
        "Pearson III law, exact for a normal law), too small / too large (none: no std that "
        "small):",
        "",
        *sample_size_table(),
        "",
    ]
    (ROOT / "benchmarks/results/power.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
