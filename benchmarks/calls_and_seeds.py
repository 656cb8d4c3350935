"""Power of ``test_calls`` and the null law of the seeds' rank table, measured.

    python -m benchmarks.calls_and_seeds [--reps 500] [--pairings 1000000]

* ``test_calls`` pools three sources (unseeded instances, later calls of an unseeded and of
  a seeded instance), each of ``calls_per_source(law)`` values rounded up to whole calls. For each
  law family, a 5 % error of the std (x1.05, x0.95) in *one* source of three (or of two,
  when seeded calls repeat): how often the variance test rejects the pool at
  ``FIXED_ALPHA``, with the margin (what the suite draws) and at the bare normal-theory n.
* ``dependence.rank_table`` (``test_seed_distinct_independent``): the rate of p-values below
  1e-2 ... 1e-6 over random pairings of two outputs of 4096 values (the null law), and
  that of Pearson's chi-square of the same tables (which it replaced: its tail is heavy).

Writes ``benchmarks/results/calls_and_seeds.md``.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
from scipy import stats as scipy_stats

from initializer_conformance import reference
from initializer_conformance.conformance import dependence, stats
from initializer_conformance.conformance.fixed_cases import (
    CALLS_SHAPE,
    CALLS_SOURCES,
    calls_config,
    calls_per_source,
)
from initializer_conformance.conformance.probes import MARGIN
from initializer_conformance.conformance.run import FIXED_ALPHA

from .runs import ROOT

FAMILIES = ("RandomNormal", "TruncatedNormal", "RandomUniform")


def detection(law, n: int, factor: float, sources: int, reps: int, rng) -> float:
    hits = 0
    for _ in range(reps):
        parts = [law.sample(rng, (n,)) for _ in range(sources)]
        parts[0] = law.mean + factor * (parts[0] - law.mean)
        x = np.concatenate(parts).astype(np.float32).astype(np.float64)
        hits += not stats.variance(x, law, FIXED_ALPHA).passed
    return hits / reps


def rank_table_null(pairings: int, rng, batch: int = 2000) -> dict[float, int]:
    """Counts of p-values below each level over random pairings of fixed octiles: the
    p-value of ``dependence.rank_table`` (64 times the smallest exact two-sided
    hypergeometric tail of a cell), vectorised, with the chi-square(49) p-value of the same
    tables beside it."""
    n, k = 4096, dependence.RANK_BINS
    rows = np.arange(n) * k // n
    base = np.tile(np.arange(n), (batch, 1))
    cell = scipy_stats.hypergeom(n, n // k, n // k)
    counts = np.arange(n // k + 1)
    tails = np.minimum(1.0, 2 * np.minimum(cell.cdf(counts), cell.sf(counts - 1)))
    found = {(name, level): 0 for name in ("exact", "chi2") for level in LEVELS}
    for _ in range(pairings // batch):
        cols = rng.permuted(base, axis=1) * k // n
        cells = rows[None, :] * k + cols + (np.arange(batch) * k * k)[:, None]
        tables = np.bincount(cells.ravel(), minlength=batch * k * k).reshape(batch, k * k)
        exact = np.minimum(1.0, k * k * tails[tables].min(axis=1))
        expected = n / (k * k)
        chi2 = scipy_stats.chi2.sf(((tables - expected) ** 2 / expected).sum(1), (k - 1) ** 2)
        for level in LEVELS:
            found["exact", level] += int(np.sum(exact < level))
            found["chi2", level] += int(np.sum(chi2 < level))
    return found


LEVELS = (1e-2, 1e-3, 1e-4, 1e-5, 1e-6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=500)
    parser.add_argument("--pairings", type=int, default=1_000_000)
    args = parser.parse_args()
    rng = np.random.default_rng(2024)
    start = time.perf_counter()
    size = math.prod(CALLS_SHAPE)
    lines = [
        "# Power of test_calls, and the null law of the seeds' rank table",
        "",
        f"{args.reps} replicates per cell, alpha {FIXED_ALPHA:.3g} (the fixed tier's), "
        f"samples drawn from the law directly (`python -m benchmarks.calls_and_seeds`).",
        "",
        "| family | per source (drawn) | bare n | error | one of 3, drawn | one of 2, drawn "
        "| one of 3, bare n |",
        "|---|---|---|---|---|---|---|",
    ]
    for identifier in FAMILIES:
        law = reference.make(identifier, calls_config(identifier)).law(CALLS_SHAPE)
        drawn = math.ceil(calls_per_source(law) / size) * size
        bare = math.ceil(calls_per_source(law) / MARGIN)
        for factor in (1.05, 0.95):
            cells = [
                detection(law, drawn, factor, CALLS_SOURCES, args.reps, rng),
                detection(law, drawn, factor, 2, args.reps, rng),
                detection(law, bare, factor, CALLS_SOURCES, args.reps, rng),
            ]
            lines.append(
                f"| {identifier} | {drawn} | {bare} | x{factor} | "
                + " | ".join(f"{c:.3f}" for c in cells)
                + " |"
            )
            print(lines[-1], flush=True)
    found = rank_table_null(args.pairings, rng)
    lines += [
        "",
        f"Rank table (8 x 8 octiles, 4096 pairs), {args.pairings} random pairings: p-values "
        f"below each level, of the test (`dependence.rank_table`: exact cell tails, "
        f"Bonferroni) and of Pearson's chi-square(49) of the same tables:",
        "",
        "| level | rank_table | chi-square | expected |",
        "|---|---|---|---|",
        *(
            f"| {level:g} | {found['exact', level]} | {found['chi2', level]} | "
            f"{level * args.pairings:g} |"
            for level in LEVELS
        ),
        "",
        f"({time.perf_counter() - start:.0f} s)",
    ]
    (ROOT / "benchmarks" / "results" / "calls_and_seeds.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines[-8:]))


if __name__ == "__main__":
    main()
