"""The fixed tier's correlations, skewness-kurtosis tests and Poisson counts, computed
(``benchmarks/fixed_tier.py``):
the importance samplers agree with the exact law and with plain Monte Carlo, the bounds hold
where the tail is measured, the families are the suite's, and the committed table meets the
calibration gate (issue #25)."""

import math

import numpy as np
import pytest
from scipy import stats as sps

from benchmarks import calibration, fixed_tier
from initializer_conformance.conformance import stats
from initializer_conformance.conformance.run import FIXED_ALPHA
from initializer_conformance.reference import laws

NORMAL = laws.Normal(0.0, 0.05)
UNIFORM = laws.Uniform(-0.05, 0.05)
TRUNCATED = laws.TruncatedNormal(0.0, 0.05)


def test_the_pairs_sampler_finds_the_exact_law_of_normal_pairs_far_in_the_tail():
    """At 1e-6 (plain Monte Carlo would see 0.003 rejections in 3,000 samples), the
    weighted sampler finds the exact rejection of Fisher's z under the correlation's exact
    law, in float64 and in float32 (scale-free), within 4 standard errors."""
    n, level = 1024, 1e-6
    exact = fixed_tier.exact_pairs_rejection(n, level)
    found = fixed_tier.pairs_rejection(
        [(NORMAL, "float64"), (laws.Normal(3.0, 7.0), "float32")], n, level, 3000
    )
    for p, se in found:
        assert se < 0.1 * p
        assert abs(p - exact) < 4 * se, (p, se, exact)


def _plain(draws, pairs, level):
    z = fixed_tier.fisher_z(*pairs)
    hit = np.abs(z) > fixed_tier.critical_z(level)
    return hit.mean(), hit.std() / math.sqrt(hit.size)


@pytest.mark.parametrize("law", [UNIFORM, TRUNCATED], ids=["uniform", "truncated"])
@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
def test_importance_sampling_agrees_with_plain_monte_carlo(law, dtype):
    """At a level plain Monte Carlo resolves (1e-2), on small outputs rounded to the dtype:
    independent pairs and lag 1 within chains, the tilted families' samplers and weights
    included."""
    level, replicates = 1e-2, 100_000
    family = fixed_tier.family_of(law)
    rng = np.random.default_rng(5)
    y = family.tilted(rng, np.zeros((replicates, 2, 64)))
    x = fixed_tier.in_dtype(law, y, dtype)
    plain = _plain(y, (x[:, 0], x[:, 1]), level)
    (weighted,) = fixed_tier.pairs_rejection([(law, dtype)], 64, level, 20_000, seed=1)
    assert abs(plain[0] - weighted[0]) < 4 * math.hypot(plain[1], weighted[1])
    chains = x.reshape(replicates, 4, 32)
    plain = _plain(
        None,
        (chains[:, :, :-1].reshape(replicates, -1), chains[:, :, 1:].reshape(replicates, -1)),
        level,
    )
    (weighted,) = fixed_tier.lag_rejection([(law, dtype)], 4, 32, level, 20_000, seed=2, chunk=500)
    assert abs(plain[0] - weighted[0]) < 4 * math.hypot(plain[1], weighted[1])


@pytest.mark.parametrize("name", ["normal", "uniform", "truncated"])
def test_each_tilt_is_a_law_and_its_normaliser_is_its_moment_generating_function(name):
    """``tilted(s)`` draws from ``f(y)·exp(s·y) / M(s)``: its mean is ``(log M)'(s)``, and
    at ``s = 0`` it is the standardised law (mean 0, variance 1)."""
    family = fixed_tier.Family(name)
    rng = np.random.default_rng(0)
    y = family.tilted(rng, np.zeros(400_000))
    assert abs(y.mean()) < 0.01 and abs(y.var() - 1) < 0.01
    for s in (0.3, -0.7):
        drawn = family.tilted(rng, np.full(400_000, s))
        h = 1e-5
        slope = (family.log_mgf(np.array(s + h)) - family.log_mgf(np.array(s - h))) / (2 * h)
        assert abs(drawn.mean() - slope) < 0.01, (s, drawn.mean(), slope)


def test_the_families_are_the_correlations_a_run_spends():
    """Lag 1 along rows and columns per element-wise initializer, each of the 4 dtypes at
    alpha/4; seeds: 7 pairs in 4 dtypes at alpha/28: every Pearson correlation of a default
    run's ledger. Orthogonal's seeds have a bounded test of their own."""
    families = fixed_tier.families(FIXED_ALPHA)
    assert len(families) == 30
    levels = sorted({m["level"] for f in families for m in f["members"]})
    assert levels == [FIXED_ALPHA / 28, FIXED_ALPHA / 4]
    spent = calibration.fixed_ledger(
        "conformance/test_independence.py", "conformance/test_seeds.py"
    )
    computed = calibration.fixed_tier(FIXED_ALPHA)["by_test"].get("correlation", 0)
    assert spent.get("correlation", 0) + computed == len(families)
    assert spent["column-sign correlation"] == 1


def test_the_committed_table_covers_every_family_within_the_gate():
    table = fixed_tier.load()["families"]
    assert set(table) == {f["test"] for f in fixed_tier.families(FIXED_ALPHA)}
    for test, row in table.items():
        assert row["alpha"] == FIXED_ALPHA
        assert row["se"] < 0.15 * row["rejection"], test
        assert row["rejection"] <= 1.5 * FIXED_ALPHA, (test, row["rejection"] / FIXED_ALPHA)


def test_the_collision_probability_estimate_is_unbiased():
    """On a law of 10^5 equally likely values, ``Σ p_v² = 1e-5``."""
    values = np.random.default_rng(3).integers(0, 100_000, 400_000)
    q, se = fixed_tier.collision_probability(values)
    assert abs(q - 1e-5) < 4 * se and se < 0.05 * q


def test_the_pairs_tail_bound_holds_where_the_tail_is_measured():
    """Coinciding pairs among 2,000 values of 10^5 equally likely ones (20 pairs expected):
    the bound is above the measured tail at every count, and falls as the count grows."""
    rng = np.random.default_rng(4)
    n, atoms, runs = 2000, 100_000, 4000
    counts = np.empty(runs)
    for r in range(runs):
        _, c = np.unique(rng.integers(0, atoms, n), return_counts=True)
        counts[r] = np.sum(c * (c - 1) // 2)
    bounds = []
    for k in (25, 30, 35, 40):
        measured = np.mean(counts >= k)
        bound = fixed_tier.pairs_tail_bound(n, 1 / atoms, 1 / atoms, k)
        assert bound >= measured, (k, bound, measured)
        bounds.append(bound)
    assert bounds == sorted(bounds, reverse=True) and bounds[-1] < 0.05


def test_the_critical_count_is_where_the_suites_poisson_test_rejects():
    expected = 31_890.0
    k = fixed_tier.poisson_critical(expected, FIXED_ALPHA)
    assert stats.excess_events(k, expected, FIXED_ALPHA, "x").pvalue < FIXED_ALPHA
    assert stats.excess_events(k - 1, expected, FIXED_ALPHA, "x").pvalue >= FIXED_ALPHA


def test_the_committed_counts_cover_every_poisson_test_of_a_run_within_the_gate():
    """test_repeats and test_float64_precision, one per element-wise initializer: every
    implementation's bound below its alpha (all 20 Poisson tests a default run spends)."""
    counts = fixed_tier.load()["counts"]
    assert len(counts) == 2 * len(fixed_tier.ELEMENTWISE) == 20
    for test, row in counts.items():
        assert row["alpha"] == FIXED_ALPHA
        for found in [row, *row.get("implementations", {}).values()]:
            assert found["rejection"] <= FIXED_ALPHA, (test, found)


def test_the_vectorised_statistic_is_the_suites():
    """``fisher_z`` is ``stats.correlation``'s statistic, replicate by replicate."""
    rng = np.random.default_rng(6)
    a, b = rng.random((5, 300)), rng.random((5, 300))
    b[1] = a[1] + 0.1 * b[1]  # one strongly correlated replicate
    z = fixed_tier.fisher_z(a, b)
    for i in range(5):
        assert z[i] == pytest.approx(stats.correlation(a[i], b[i], 1e-3, "x").statistic, rel=1e-12)


def test_the_moments_statistic_is_the_suites():
    """The vectorised statistic of the skewness and kurtosis scores is
    ``stats.skewness_kurtosis``'s, row by row, for each family."""
    rng = np.random.default_rng(6)
    for law in (NORMAL, UNIFORM, TRUNCATED):
        x = law.sample(rng, (3, 5000))
        batch = fixed_tier.moments_statistic(x, law)
        for row, statistic in zip(x, batch, strict=True):
            assert statistic == stats.skewness_kurtosis(row, law, FIXED_ALPHA).statistic


@pytest.mark.parametrize(
    "law", [NORMAL, UNIFORM, TRUNCATED], ids=["normal", "uniform", "truncated"]
)
def test_the_moments_sampler_agrees_with_plain_monte_carlo(law):
    """At a level plain Monte Carlo resolves (1e-2), on 1,000 values in bfloat16 and in
    float32: the mixture of tilts, its cells and its weights are unbiased."""
    level, n, replicates = 1e-2, 1000, 20_000
    rng = np.random.default_rng(7)
    x = law.sample(rng, (replicates, n))
    targets = [(law, "bfloat16"), (law, "float32")]
    found = fixed_tier.moments_rejection(targets, n, level, 2000, chunk=200, seed=8)
    critical = sps.norm.isf(level / 4)
    for (_, dtype), (p, se) in zip(targets, found, strict=True):
        hit = (
            fixed_tier.moments_statistic(
                fixed_tier.in_dtype(law, (x - law.mean) / law.std, dtype), law
            )
            > critical
        )
        plain, plain_se = hit.mean(), hit.std() / math.sqrt(hit.size)
        assert se < 0.1 * p
        assert abs(plain - p) < 4 * math.hypot(plain_se, se), (dtype, plain, p, se)


def test_the_moments_sampler_reaches_the_far_tail():
    """At 1e-7 on 131,072 normal values, the suite's smallest sample (plain Monte Carlo
    would see 0.05 rejections in 500,000 samples), 500 weighted samples estimate the
    rejection to 20 %, and it is within the calibration gate."""
    level = 1e-7
    ((p, se),) = fixed_tier.moments_rejection([(NORMAL, "float64")], 131_072, level, 500, chunk=20)
    assert se < 0.2 * p
    assert level / 2 < p < 1.5 * level, p / level


def test_the_committed_moments_cover_every_skewness_kurtosis_test_within_the_gate():
    """test_moments, one per element-wise initializer, each dtype's test at alpha/4: every
    skewness-kurtosis test a default run spends, none above 1.5 times its alpha."""
    table = fixed_tier.load()["moments"]
    assert {row["identifier"] for row in table.values()} == set(fixed_tier.ELEMENTWISE)
    spent = calibration.fixed_ledger("conformance/test_structure.py")
    assert "skewness and kurtosis" not in spent  # every one of them computed
    for test, row in table.items():
        assert row["alpha"] == FIXED_ALPHA
        assert [m["dtype"] for m in row["members"]] == list(fixed_tier.DTYPES)
        assert row["se"] < 0.15 * row["rejection"], test
        assert row["rejection"] <= 1.5 * FIXED_ALPHA, (test, row["rejection"] / FIXED_ALPHA)


def test_the_transitions_null_by_importance_sampling_matches_plain_simulation():
    """The importance sampler of the transitions' chi-square (Dirichlet rows, the weight of
    the table alone) agrees with 20,000 plain draws where those resolve the level (2
    chains of 400 codes in 4 cells, 1 % and 0.3 %), within 4 standard errors of both."""
    levels = [1e-2, 3e-3]
    found = fixed_tier.transitions_rejection(2, 400, 4, levels, 2000, seed=1)
    rng = np.random.default_rng(5)
    pvalues = np.array(
        [
            stats.serial_independence([rng.integers(0, 4, (2, 400))], 4, 0.01, "").pvalue
            for _ in range(20_000)
        ]
    )
    for level in levels:
        plain = float(np.mean(pvalues < level))
        error = math.hypot(found[level][1], math.sqrt(plain * (1 - plain) / pvalues.size))
        assert abs(found[level][0] - plain) < 4 * error, (level, found[level], plain)


def test_the_committed_transitions_are_within_the_gate():
    """The transitions' chi-squares, one computed null for every initializer: each family
    (rows and columns in 4 dtypes) within 1.5 times its alpha, to a standard error below
    15 % of it, both shapes a run draws computed."""
    table = fixed_tier.load()["transitions"]
    assert len(table) == 10
    for test, row in table.items():
        assert row["alpha"] == FIXED_ALPHA
        assert {(m["dtype"], m["along"]) for m in row["members"]} == {
            (d, a) for d in fixed_tier.DTYPES for a in ("rows", "columns")
        }
        assert row["se"] < 0.15 * row["rejection"], test
        assert row["rejection"] <= 1.5 * FIXED_ALPHA, (test, row["rejection"] / FIXED_ALPHA)


def test_members_that_share_an_estimate_add_their_errors():
    """Rows and columns of one shape are one estimate: their errors add (6 members of the
    1-chain shape and 2 of the 4-chain one), where independent ones would add in
    quadrature and understate the family's error."""
    members = [{"chains": 1, "se": 1.0}] * 6 + [{"chains": 4, "se": 2.0}] * 2
    assert fixed_tier.shared_estimates_se(members) == pytest.approx(math.hypot(6, 4))
