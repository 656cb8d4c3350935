"""Power of the precision probes: how often each probe catches a bug of a given size.

    python -m benchmarks.power [--reps 200]

For every probe of ``conformance/probes.py`` (one per random family), draws
``reps`` samples of the probe's size from a *wrong* law and counts how often the
probe's checks reject it at the probe's alpha:

* scale: the spec's law with its std multiplied by 1 + e (e = -0.5 %, ±1 %, +2 %);
* shape, at the same variance: a uniform law, an untruncated normal, a normal
  clipped at ±2 std (for truncated-normal families), a truncated normal (for
  untruncated ones), a normal (for uniform ones).

Writes ``benchmarks/results/power.md``.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from initializer_conformance import reference
from initializer_conformance.conformance import stats
from initializer_conformance.conformance.probes import MARGIN, POWER, PROBES, RELATIVE_STD_ERROR
from initializer_conformance.conformance.run import FIXED_ALPHA, Run
from initializer_conformance.reference.laws import Normal, TruncatedNormal, Uniform

from .runs import ROOT

EFFECTS = (-0.005, -0.01, 0.01, 0.02)


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


def rejects(x: np.ndarray, law) -> bool:
    """Whether the probe's checks (as in ``test_probe``) reject the sample."""
    lo, hi = law.support
    if x.min() < lo or x.max() > hi:
        return True
    verdicts = [
        stats.variance(x, law, FIXED_ALPHA),
        stats.mean(x, law, FIXED_ALPHA),
        *stats.goodness_of_fit(x, law, FIXED_ALPHA),
    ]
    if isinstance(law, Normal):
        k = int(np.count_nonzero(np.abs(x - law.loc) > 2 * law.scale))
        verdicts.append(
            stats.count(
                k, x.size, float(2 * law.dist.sf(law.loc + 2 * law.scale)), FIXED_ALPHA, "tail"
            )
        )
    else:
        for bound in law.support:
            k = int(np.count_nonzero(np.abs(x - bound) <= 1e-12 * max(1.0, abs(bound))))
            verdicts.append(stats.excess_count(k, x.size, 1e-9, FIXED_ALPHA, "bound"))
    return not all(v.passed for v in verdicts)


def rate(draw, law, n, reps, rng, test=rejects) -> tuple[float, float]:
    start = time.perf_counter()
    hits = sum(test(draw(rng, n), law) for _ in range(reps))
    return hits / reps, (time.perf_counter() - start) / reps


def variance_rejects(x: np.ndarray, law) -> bool:
    return not stats.variance(x, law, FIXED_ALPHA).passed


#: Probes whose law differs only by location and scale have the same power: one per family.
FAMILIES = (
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling[fan_out-normal]",
    "VarianceScaling[fan_avg-uniform]",
)


#: Pooled sample sizes of one Hypothesis example: a scalar's 256 calls ... a full example.
SAMPLE_SIZES = (256, 1_024, 4_096, 20_000)


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
            cells.append(f"−{low:.1%} / +{high:.1%}")
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(2026)
    scale_rows, shape_rows = [], []
    for probe in FAMILIES:
        config, shape = PROBES[probe]
        identifier = probe.split("[")[0]
        law = reference.make(identifier, config).law(shape)
        minimum = stats.samples_for_scale_power(law, RELATIVE_STD_ERROR, FIXED_ALPHA, POWER)
        n = int(MARGIN * minimum)
        cells = []
        for effect in EFFECTS:
            wrong = scaled(law, 1 + effect)
            detected, _ = rate(
                lambda r, m, wrong=wrong: wrong.sample(r, (m,)),
                law,
                n,
                args.reps,
                rng,
                variance_rejects,
            )
            cells.append(f"{detected:.3f}")
        null, seconds = rate(
            lambda r, m, law=law: law.sample(r, (m,)), law, n, args.reps, rng, variance_rejects
        )
        scale_rows.append(
            f"| {probe} | {type(law).__name__} | {n:,} | {minimum:,} | "
            + " | ".join(cells)
            + f" | {null:.3f} | {seconds * 1000:.0f} ms |"
        )
        for name, draw in same_variance_alternatives(law).items():
            detected, _ = rate(draw, law, n, args.reps, rng)
            shape_rows.append(f"| {probe} | {name} | {n:,} | {detected:.3f} |")
        print(scale_rows[-1], flush=True)
    lines = [
        "# Power of the precision probes",
        "",
        f"{args.reps} replicates per cell, alpha {FIXED_ALPHA:g} per statistical test "
        f"(the fixed tier's), samples drawn from the law directly (`python -m benchmarks.power`).",
        "`minimum` is the normal-theory minimum n for detecting a 1 % std error with power "
        f"{POWER} ({MARGIN}× of it is drawn).",
        "",
        "## Scale: detection rate of a relative std error e by the variance test",
        "",
        "The six presets' probes are VarianceScaling laws (normal or uniform) and have the "
        "power of the VarianceScaling rows.",
        "",
        "| probe | law | n | minimum n | "
        + " | ".join(f"e={e:+.1%}" for e in EFFECTS)
        + " | rejections at e=0 | time per replicate |",
        "|---|---|---|---|" + "---|" * len(EFFECTS) + "---|---|",
        *scale_rows,
        "",
        "## One Hypothesis example: the std error its variance test detects",
        "",
        f"An example pools n = min(20,000, 256 × output size) values; its tests run at alpha "
        f"{Run().hypothesis_alpha:.3g} (profile `ci`). The relative std error detected with "
        "power 0.9 (normal theory, `stats.detectable_std_errors`), too small / too large:",
        "",
        *sample_size_table(),
        "",
        "## Shape: detection rate of a wrong family with the right mean and variance",
        "",
        "All the probe's checks: support, variance, mean, KS, Cramér-von Mises, tail or "
        "point mass.",
        "",
        "| probe | wrong law | n | detection rate |",
        "|---|---|---|---|",
        *shape_rows,
        "",
    ]
    (ROOT / "benchmarks/results/power.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
