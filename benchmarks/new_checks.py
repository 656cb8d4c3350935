"""Each check the input-space issue (#26) added: the mutants built for it, its power, its
cost per framework.

    python -m benchmarks.new_checks [--output benchmarks/results/new_checks.md]

One row per check. Its mutants are the bugs of ``adapters/mutants.py`` built to show it,
and "caught by it" is read from the committed kill table (``results/kill_table.json``): the
check's own tests failed in the mutant's full default run. Its power is computed here for
the statistical checks (against the mutant's effect, at the alpha the check spends, from
the sample sizes of ``conformance/fixed_cases.py``), and is 1 for the checks that compare
exactly (bits, shapes, errors). Its cost is the seconds its tests took in each committed
framework page (``benchmarks/check_costs.py``; the large outputs measured apart).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import optimize, stats

from initializer_conformance import reference
from initializer_conformance.conformance import spectral
from initializer_conformance.conformance.fixed_cases import (
    OTHER_CALLS,
    STRUCTURE_CALLS,
    STRUCTURE_SHAPE,
)
from initializer_conformance.conformance.run import FIXED_ALPHA
from initializer_conformance.reference import dtypes

from . import check_costs, kill_table
from .runs import ROOT

#: The floating dtypes a structure check draws (one family of them, Bonferroni).
DTYPES = 4
#: Values of one float32 structure sample, and of one output in each other dtype.
FLOAT32_VALUES = STRUCTURE_CALLS * math.prod(STRUCTURE_SHAPE)
OTHER_VALUES = OTHER_CALLS * math.prod(STRUCTURE_SHAPE)


def transitions_miss(rho: float = 0.05, bins: int = 8) -> tuple[float, float]:
    """``(miss, noncentrality)`` of ``test_serial_dependence`` against an AR(1) of
    correlation ``rho`` along the flattened output (normal law): the rows' test alone (the
    columns', a member of the same family, only adds power), a noncentral chi-square of
    (bins-1)² degrees whose noncentrality is the float32 sample's transitions along its
    flattened outputs, each cell's mass from the bivariate normal, at the family's level
    for one member (rows and columns in 4 dtypes); the miss is Chernoff's bound on its
    lower tail (scipy's CDF underflows there)."""
    edges = stats.norm.ppf(np.linspace(0, 1, bins + 1))
    edges[0], edges[-1] = -40.0, 40.0
    joint = stats.multivariate_normal(cov=[[1, rho], [rho, 1]])
    cdf = np.array([[joint.cdf([a, b]) for b in edges] for a in edges])
    cells = cdf[1:, 1:] - cdf[:-1, 1:] - cdf[1:, :-1] + cdf[:-1, :-1]
    rows, cols = STRUCTURE_SHAPE
    pairs = STRUCTURE_CALLS * (rows * cols - 1)  # along each flattened output
    noncentrality = pairs * float(np.sum((cells - 1 / bins**2) ** 2) * bins**2)
    df = (bins - 1) ** 2
    critical = stats.chi2.isf(FIXED_ALPHA / (2 * DTYPES), df)

    def log_chernoff(t: float) -> float:  # log of E[exp(-tX)]·exp(tc) >= log P(X <= c)
        return t * critical - df / 2 * math.log1p(2 * t) - noncentrality * t / (1 + 2 * t)

    bound = optimize.minimize_scalar(log_chernoff, bounds=(0, 50), method="bounded").fun
    return math.exp(bound), noncentrality


def kurtosis_miss(nu: float = 100.0) -> float:
    """``test_moments`` against a Student-t of ``nu`` degrees scaled to the law's std
    (excess kurtosis 6/(nu-4)): the kurtosis score's shift over its normal-law std
    ``√(24/n)``, at the two scores' and the dtypes' Bonferroni level, two-sided, its upper
    side alone (a lower bound of the power)."""
    shift = 6 / (nu - 4) / math.sqrt(24 / FLOAT32_VALUES)
    critical = stats.norm.isf(FIXED_ALPHA / DTYPES / 2 / 2)
    return float(stats.norm.cdf(critical - shift))


def lag_miss(rho: float = 0.05) -> float:
    """``test_long_range_dependence`` against a correlation ``rho`` at one arbitrary lag,
    on the smallest sample it tests (one output: 131,072 values), its three tests in four
    dtypes a Bonferroni family."""
    return spectral.lag_miss(OTHER_VALUES, rho, FIXED_ALPHA / (3 * DTYPES))


def flush_miss() -> float:
    """The float16 subnormal probe (``RandomNormal(0, 2^-13)``, 512×512) against a flush of
    the subnormals to zero, by its exact count of the value 0 alone (a lower bound: the
    probe's variance test sees it too): the count at 0 is binomial at the law's mass there,
    and at the subnormals' mass once flushed; the cell's level is the probe's alpha over
    the law's atoms (Bonferroni over more cells than the test has: a lower bound again);
    the miss is Chernoff's bound on the flushed count's lower tail."""
    law = dtypes.in_dtype(reference.make("RandomNormal", {"stddev": 2.0**-13}).law((1,)), "float16")
    n = 512 * 512
    zero = law.probability(law.values == 0)
    flushed = law.probability(np.abs(law.values) < 2.0**-14)
    critical = stats.binom.isf(FIXED_ALPHA / law.values.size, n, zero)
    share = critical / n  # Chernoff: log P(X <= share·n) <= -n·KL(share || flushed)
    kl = share * math.log(share / flushed) + (1 - share) * math.log((1 - share) / (1 - flushed))
    return math.exp(-n * kl)


@dataclass(frozen=True)
class Check:
    item: int  # of issue #26
    what: str
    functions: tuple[str, ...]  # module::function, as check_costs names them
    mutants: tuple[str, ...]
    power: Callable[[], str]  # computed when the table is made


def power(miss: float) -> str:
    """``1 - miss``, written so that a power near 1 keeps its digits."""
    if miss < 1e-300:
        return "1 - (below 1e-300)"
    if miss < 1e-12:
        return f"1 - (below {miss:.0e})"
    return f"1 - {miss:.1e}" if miss < 1e-4 else f"{1 - miss:.5f}"


def exact() -> str:
    return "1 (an exact comparison)"


def transitions_power() -> str:
    miss, noncentrality = transitions_miss()
    return (
        f"{power(miss)} against an AR(1) of ρ = 0.05 (noncentral chi-square, "
        f"noncentrality {noncentrality:,.0f})"
    )


#: The checks, by the item of issue #26 they answer (powers computed when the table is made).
CHECKS = [
    Check(
        1,
        "seeds in every floating dtype: reproducible, distinct, independent, no global state",
        (
            "test_seeds::test_seed_reproducible",
            "test_seeds::test_seed_distinct_independent",
            "test_seeds::test_unseeded_calls_differ",
            "test_seeds::test_seeded_calls_leave_global_state",
        ),
        ("SeedIgnored16Bit",),
        exact,
    ),
    Check(
        1,
        "neighbours independent in every dtype (transitions between law quantiles)",
        ("test_structure::test_serial_dependence",),
        ("SignFollowsMagnitude", "SeriallyCorrelated"),
        transitions_power,
    ),
    Check(
        1,
        "the law's shape in every dtype (skewness and kurtosis)",
        ("test_structure::test_moments",),
        ("StudentTNormal",),
        lambda: f"{power(kurtosis_miss())} against a Student-t of 100 degrees (kurtosis score)",
    ),
    Check(
        3,
        "large outputs: repeated blocks at any offset, law, long-range structure",
        ("test_large::test_large_output",),
        ("CounterWrapsAt2To24", "ChunkKeyReused"),
        lambda: "1 for a repeated block of 8 values or more (exact windows)",
    ),
    Check(
        3,
        "Orthogonal at 1024×1024: orthonormality and Haar law",
        ("test_large::test_large_orthogonal",),
        ("GramSchmidtAbove1000",),
        exact,
    ),
    Check(
        4,
        "long-range dependence: every lag, Bartlett, periodogram ordinates",
        ("test_structure::test_long_range_dependence",),
        ("CorrelatedAtALongLag", "MirroredHalves"),
        lambda: (
            f"{power(lag_miss())} against ρ = 0.05 at one arbitrary lag, the worst (n/2) of 131,072 values"
        ),
    ),
    Check(
        5,
        "orthonormality of every Orthogonal output, tolerance by dtype and size",
        (  # the large shapes' orthonormality runs inside their Haar test: costed with it
            "test_orthogonal::test_orthogonal_orthonormal",
            "test_orthogonal::test_orthogonal_haar_large",
        ),
        ("OrthogonalGramSchmidtFloat32",),
        exact,
    ),
    Check(
        6,
        "edge values: empty shapes, zero spread, zero gain, 16-bit overflow, -0, largest seed",
        (
            "test_edges::test_empty_shape",
            "test_edges::test_zero_spread",
            "test_edges::test_zero_gain",
            "test_edges::test_constant_overflow",
            "test_edges::test_signed_zero",
            "test_edges::test_largest_seed",
        ),
        (
            "ZeroFanDivision",
            "TruncatedNormalZeroStddevNaN",
            "IdentityIgnoresGain",
            "ConstantIgnoresValue",
        ),
        exact,
    ),
    Check(
        7,
        "seeded values identical across processes (PYTHONHASHSEED differs)",
        ("test_seeds::test_seeded_same_across_processes",),
        ("HashSeededStream",),
        exact,
    ),
    Check(
        8,
        "float16 subnormals (a probe with 38 % of its mass below 2^-14)",
        ("test_probes::test_probe[RandomNormal-float16-subnormal]",),
        ("Float16FlushToZero",),
        lambda: f"at least {power(flush_miss())} against a flush to zero (the count at 0 alone)",
    ),
    Check(
        2,
        "each initializer its own cases; a palette with every fan bug's shape",
        ("test_fans::test_fans",),
        ("FanAvgFloorDivision",),
        lambda: (
            "every fan bug of the catalogue at 10 % of the std or more on a palette "
            "shape (tests/test_palette.py); caught in the kill table's run"
        ),
    ),
]


def table() -> str:
    targets, costs = check_costs.costs()
    costs.update(check_costs.costs(key=check_costs.test_of)[1])  # a parametrised test alone
    runs = kill_table.load()
    lines = [
        "# The input-space checks (#26): power and cost per framework",
        "",
        "`python -m benchmarks.new_checks`. Caught: the mutant's full default run failed this "
        "check's tests (`results/kill_table.json`). Seconds: the check's tests in each committed "
        "framework page (a loaded machine; `test_large` alone and serial), as "
        "`results/check_costs.md`.",
        "",
        "| item | check | mutants (caught by it) | power | " + " | ".join(targets) + " |",
        "|---|---|---|---|" + "---|" * len(targets),
    ]
    for check in sorted(CHECKS, key=lambda c: c.item):
        functions = {f.split("::")[1].split("[")[0] for f in check.functions}
        caught = ", ".join(
            f"`{m}` ({'yes' if functions & set(runs[m]['checks']) else '**no**'})"
            for m in check.mutants
        )
        seconds = [sum(costs.get(f, {}).get(t, 0.0) for f in check.functions) for t in targets]
        lines.append(
            f"| {check.item} | {check.what} | {caught} | {check.power()} | "
            + " | ".join(f"{s:.1f}" for s in seconds)
            + " |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks/results/new_checks.md")
    args = parser.parse_args()
    text = table()
    args.output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
