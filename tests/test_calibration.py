"""Meta-tests of the calibration: the corrected tests at their degenerate extremes, each
rejection probability the audit computes checked against Monte Carlo or exact laws, and the
audit's cases against the cases a real run draws.

A rejection probability computed by ``benchmarks/calibration.py`` is compared with the
rate of rejections of many simulated samples at a level where Monte Carlo resolves it
(alpha 1e-2 to 5e-2, 4,000 to 20,000 samples: within 4 binomial standard errors).
"""

import json
import math

import numpy as np
import pytest
from scipy import stats as sps

from benchmarks import calibration as audit
from benchmarks.runs import suite_process
from initializer_conformance.adapters.conforming import TorchLikeFloat32
from initializer_conformance.conformance import stats
from initializer_conformance.conformance.run import Run, activate, case_seed
from initializer_conformance.conformance.sampling import MAX_CALLS, derived_seed
from initializer_conformance.conformance.strategies import ELEMENTWISE_EXAMPLES
from initializer_conformance.reference import rounding
from initializer_conformance.reference.dtypes import Rounded
from initializer_conformance.reference.laws import Normal, TruncatedNormal, Uniform


def within_mc(rate: float, expected: float, trials: int) -> bool:
    se = math.sqrt(max(expected * (1 - expected), 1e-12) / trials)
    return abs(rate - expected) <= 4 * se + 1e-12


def rounded_samples(law: Rounded, n: int, trials: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.choice(law.values, size=(trials, n), p=law.masses)


# -- the mean test ---------------------------------------------------------------------------


def test_mean_on_one_atom_is_exact():
    """A law narrower than an ulp has one atom: every value on it is certain (p = 1), any
    other value impossible (p = 0); never a t statistic of 0/0."""
    law = Rounded(Uniform(1.0, 1.0 + 1e-4), "bfloat16")
    assert law.values.size == 1
    assert stats.mean(np.full(64, law.values[0]), law, 1e-7).pvalue == 1.0
    assert stats.mean(np.full(64, 1.0078125), law, 1e-7).pvalue == 0.0


def test_mean_when_every_value_coincides():
    """Seed 534's case: TruncatedNormal(1, 0.001) in bfloat16 at n = 64 puts 64 equal values
    with probability 0.84; the t-test gave p = 0. The exact law: all on the heavy atom is the
    likeliest sum (p = 1); all on the light atom has the probability of that (m^64, twice)."""
    law = Rounded(TruncatedNormal(1.0, 0.001), "bfloat16")
    heavy, light = np.argmax(law.masses), np.argmin(law.masses)
    assert stats.mean(np.full(64, law.values[heavy]), law, 2e-7).pvalue == 1.0
    p = stats.mean(np.full(64, law.values[light]), law, 2e-7).pvalue
    assert p == pytest.approx(law.masses[light] ** 64, rel=1e-6)


def test_mean_on_two_atoms_is_the_binomial_law():
    law = Rounded(TruncatedNormal(1.0, 0.001), "bfloat16")
    low, high = law.values
    for j in range(1, 8):
        x = np.array([low] * j + [high] * (64 - j))
        expected = sps.binom.sf(j - 1, 64, law.masses[0])
        # the FFT of the lattice law errs by about 1e-14 absolute, far below any alpha
        assert stats.mean(x, law, 1e-7).pvalue == pytest.approx(expected, rel=1e-6, abs=1e-13)


@pytest.mark.parametrize(
    ("law", "dtype"),
    [
        (Normal(3.0, 0.006), "bfloat16"),
        (Normal(6.0, 0.0078125), "bfloat16"),
        (Uniform(5.0, 5.02), "bfloat16"),
        (TruncatedNormal(2.0, 0.004), "bfloat16"),
    ],
)
def test_mean_rejection_matches_monte_carlo(law, dtype):
    """The audit's exact rejection probability of the lattice mean test, and the rate of a
    simulation, at alpha 0.05."""
    r, n, trials, alpha = Rounded(law, dtype), 64, 8000, 0.05
    computed = audit._lattice_rejection(stats.lattice_sum(r, n), alpha)
    assert computed <= alpha
    x = rounded_samples(r, n, trials)
    rate = np.mean([stats.mean(row, r, alpha).pvalue < alpha for row in x])
    assert within_mc(rate, computed, trials), (rate, computed)


# -- the counts test -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("law", "dtype", "n"),
    [
        (Normal(3.0, 0.006), "bfloat16", 64),
        (Normal(0.0, 1.0), "bfloat16", 64),
        (Uniform(5.0, 5.02), "bfloat16", 64),
        (Normal(0.0, 1.0), "float16", 2000),
    ],
)
def test_counts_rejection_is_bounded_by_alpha_and_matches_monte_carlo(law, dtype, n):
    """The audit's Bonferroni sum is at most alpha, and at least the simulated rate (it is
    an upper bound: the union of the cells' rejections)."""
    r, trials, alpha = Rounded(law, dtype), 4000, 0.05
    bound = audit.counts_rejection(r, n, alpha)
    assert bound <= alpha
    x = rounded_samples(r, n, trials, seed=1)
    rate = np.mean([stats.discrete_counts(row, r, alpha).pvalue < alpha for row in x])
    assert rate <= bound + 4 * math.sqrt(bound / trials), (rate, bound)


def test_counts_on_one_atom_is_not_tested():
    law = Rounded(Uniform(1.0, 1.0 + 1e-4), "bfloat16")
    verdict = stats.discrete_counts(np.full(64, law.values[0]), law, 1e-7)
    assert not verdict.tested and verdict.passed and "not tested" in verdict.describe()


def test_chisquare_of_zero_degrees_is_not_tested():
    """One cell of transitions: 0 degrees of freedom, nothing to test, and the record says
    so (it was a p = 1 'pass')."""
    verdict = stats.serial_independence([np.zeros((4, 16), dtype=np.int64)], 8, 1e-7, "rows")
    assert not verdict.tested and verdict.passed and "not tested" in verdict.describe()


def test_a_test_with_nothing_to_test_spends_no_alpha(reference_run):
    from initializer_conformance.conformance.assertions import judge
    from initializer_conformance.conformance.sampling import Context

    untested = stats.serial_independence([np.zeros((4, 16), dtype=np.int64)], 8, 1e-7, "rows")
    tested = stats.count(5, 100, 0.05, 1e-7, "x")
    judge(
        "structure",
        "t",
        ctx=Context("RandomNormal", {}, (4, 16), "float32"),
        verdicts=[untested, tested],
        expected="",
        observed="",
    )
    assert [alpha for _, alpha in reference_run.spent] == [1e-7]


# -- the variance test -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("law", "dtype"),
    [
        (Normal(8.067340900452681, 0.05), "bfloat16"),
        (Normal(3.0, 0.006), "bfloat16"),
        (TruncatedNormal(2.0, 0.004), "bfloat16"),
    ],
)
def test_variance_on_a_narrow_law_is_exact_and_conservative(law, dtype):
    """The 3-atom bfloat16 law of RandomNormal(8.07, 0.05) rejected at 1.6x alpha at n = 64
    under Pearson III; the bracketed exact law bounds its rejection by alpha, and a
    simulation stays under the bound."""
    r, n, trials, alpha = Rounded(law, dtype), 64, 6000, 0.02
    spread = stats.binned_spread(r, n)
    assert spread is not None
    bound = spread.rejection_bound(alpha)
    assert bound <= alpha
    x = rounded_samples(r, n, trials, seed=2)
    rate = np.mean([stats.variance(row, r, alpha).pvalue < alpha for row in x])
    assert rate <= bound + 4 * math.sqrt(bound / trials), (rate, bound)


@pytest.mark.parametrize(
    ("mean", "shape", "n"),
    [
        (9.218625114631248, (1, 1), 64),  # seed 1206: two heavy atoms, two of 6e-12
        (-6.734170312143961, (1, 2000), 20000),  # two heavy atoms, two of 1.5e-6 and 2e-6
    ],
)
def test_variance_on_two_heavy_atoms_and_light_ones_is_exact(mean, shape, n):
    """Pearson III rejected these bfloat16 laws (RandomNormal(mean, mean/1000)) at 22,942
    and 5.96 times alpha (the 1,500-seed audit). The law of the atoms' counts is exact: its
    rejection probability, computed over every sum, is at most alpha at the suite's alpha
    and at 1e-2, where a simulation agrees with it."""
    r = Rounded(Normal(mean, abs(mean) / 1000), "bfloat16")
    assert np.count_nonzero(r.masses > 1e-15) == 4  # the light atoms are there
    spread = stats.atom_counts_spread(r, n)
    assert spread is not None and spread.dropped < stats.DROPPED_BUDGET
    hypothesis_alpha = Run().hypothesis_alpha
    assert audit.atom_counts_rejection(spread, hypothesis_alpha) <= hypothesis_alpha
    alpha, trials = 1e-2, 3000
    computed = audit.atom_counts_rejection(spread, alpha)
    assert computed <= alpha
    x = rounded_samples(r, n, trials, seed=3)
    rate = np.mean([stats.variance(row, r, alpha).pvalue < alpha for row in x])
    assert within_mc(rate, computed, trials), (rate, computed)
    assert audit.variance_rejection(audit.of_rounded(r), n, hypothesis_alpha) > 5 * hypothesis_alpha


def test_variance_on_two_atoms_is_the_binomial_law():
    """No light atom: S is affine in the count of the farther atom, a binomial."""
    r = Rounded(TruncatedNormal(1.0, 0.001), "bfloat16")
    far = int(np.argmax(np.abs(r.values - r.mean)))
    for j in (0, 3, 60, 64):
        x = np.array([r.values[far]] * j + [r.values[1 - far]] * (64 - j))
        tails = sps.binom.cdf(j, 64, r.masses[far]), sps.binom.sf(j - 1, 64, r.masses[far])
        expected = min(1.0, 2 * min(tails))
        assert stats.variance(x, r, 1e-7).pvalue == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_pearson_three_was_anti_conservative_on_the_narrow_law():
    """What the exact test replaced: the audit's exact enumeration of the three heavy atoms
    of RandomNormal(8.07, 0.05) in bfloat16 finds Pearson III rejecting above alpha."""
    r = Rounded(Normal(8.067340900452681, 0.05), "bfloat16")
    alpha = Run().hypothesis_alpha
    assert audit.variance_rejection(audit.of_rounded(r), 64, alpha) > 1.2 * alpha


# -- the saddlepoint against exact laws -----------------------------------------------------------


@pytest.mark.parametrize("n", [64, 300])
def test_saddlepoint_matches_irwin_hall(n):
    """The uniform family's tail at 5 std, saddlepoint against the exact Irwin-Hall law."""
    law = audit.continuous("uniform")  # U(-1, 1)
    sd = math.sqrt(1 / 3)
    a = 5 * sd / math.sqrt(n)
    exact = sps.irwinhall(n).sf((a + 1) / 2 * n)  # sum of n U(0, 1)
    assert law.upper_tail(n, a) == pytest.approx(exact, rel=0.02)


def test_saddlepoint_bounds_an_exact_lattice_sum():
    r = Rounded(Normal(3.0, 0.05), "bfloat16")
    n, alpha = 64, 1e-5
    lattice = stats.lattice_sum(r, n)
    assert lattice is not None
    exact = audit._lattice_rejection(lattice, alpha)
    points = audit.of_rounded(r)
    sd = math.sqrt(np.dot(points.weights, (points.points - points.mean) ** 2))
    z = sps.norm.isf(alpha / 2) * sd / math.sqrt(n)
    approx = points.upper_tail(n, points.mean + z) + points.lower_tail(n, points.mean - z)
    # on a lattice the saddlepoint (no continuity correction) errs high: the audit's
    # figures for such laws are upper bounds
    assert exact <= approx <= 1.3 * exact


# -- the point mass at a bound --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("law", "bound"),
    [
        (Uniform(1.0, 1.001), 1.0),
        (Uniform(8.0, 8.008), 8.0),
        (Uniform(-10.0, -9.99), -10.0),
        (Uniform(-0.3573738720869386, -0.3563738720869386), -0.3563738720869386),
    ],
)
def test_point_mass_null_holds_the_cells_of_a_narrow_uniform(law, bound):
    """The torch-like port on a narrow uniform in float32: the window's count under the port
    (enumerated exactly) is within the null's probability, and a simulation of the port's
    draws rejects at the rate the audit computes (alpha 0.05, where Monte Carlo resolves)."""
    window, p0 = rounding.at_bound(law, "float32", bound)
    p_true = audit.window_probability(law, "float32", bound, "torch-like")
    assert p_true <= p0
    n, trials, alpha = 20_000, 4000, 0.05
    port = TorchLikeFloat32()
    rng = np.random.default_rng(3)
    draws = port.draw(law, rng, (trials, n)).astype(np.float64)
    counts = np.count_nonzero(np.abs(draws - bound) <= window, axis=1)
    assert within_mc(counts.mean() / n, p_true, trials * n)
    rate = np.mean(sps.binom.sf(counts - 1, n, p0) < alpha)
    assert within_mc(rate, audit.excess_rejection(n, p0, p_true, alpha), trials)


@pytest.mark.parametrize(
    ("mean", "side"),
    [(2.0955997361542025, 0), (-9.224770242794017, 0), (5.418220802384317, 1)],
)
def test_point_mass_null_holds_a_narrow_truncated_normals_ulp_at_the_bound(mean, side):
    """TruncatedNormal(m, m/1000) in float32: both float32 ports put more in the window of
    the lower bound than the law (their support starts an ulp away: 1.075 times the
    law's mass there); the null holds that ulp's cell (it rejected at 1.75 times alpha in
    the 2,520-seed audit), so every implementation's rejection is at most alpha."""
    law = TruncatedNormal(mean, abs(mean) / 1000)
    bound = law.support[side]
    _, p0 = rounding.at_bound(law, "float32", bound)
    alpha = Run().hypothesis_alpha
    for impl in audit.IMPLS:
        p_true = audit.window_probability(law, "float32", bound, impl)
        assert p_true <= p0, impl
        assert audit.excess_rejection(20_160, p0, p_true, alpha) <= alpha, impl


def test_point_mass_null_counts_a_whole_cell_at_the_windows_edge():
    """The window of U[1, 1.001) in float32 holds 4 float32 values above the bound; their
    rounding cells reach half an ulp past the window (the null integrated only the window,
    and rejected at 4.7x alpha), and a port's bounds and width rounded to float32 may move
    its end by an ulp (the audit found U[-0.3574, -0.3564) at 1.4x alpha without it)."""
    law = Uniform(1.0, 1.001)
    window, p0 = rounding.at_bound(law, "float32", 1.0)
    ulp = float(np.spacing(np.float32(1.0)))
    inside = math.floor(window / ulp)
    cells = (inside + 0.5) * ulp / 0.001
    assert p0 == pytest.approx(cells + ulp / 0.001 + rounding.epsilon("float32"))


# -- the audit's cases are the run's ------------------------------------------------------------


def recorded_calls(tmp_path, monkeypatch, selection: str, *args: str) -> list:
    """The adapter calls ``[identifier, config, shape, dtype]`` of a suite run of the checks
    ``selection`` (``-k``) against the recording reference (tests/recording_adapter.py)."""
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("RECORD_CALLS", str(log))
    result = suite_process(
        "-k",
        selection,
        "--impl=tests.recording_adapter:Recording",
        *args,
        "-q",
        "--no-report",
        "-p",
        "no:randomly",
    )
    assert result.returncode == 0, result.stdout[-2000:]
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_audit_enumerates_the_cases_a_run_draws(tmp_path, monkeypatch):
    """A run of test_scale for RandomNormal with a recording adapter draws exactly the
    cases the audit enumerates for that seed, in order."""
    seed = 17
    calls = recorded_calls(
        tmp_path, monkeypatch, "test_scale and RandomNormal", f"--conformance-seed={seed}"
    )
    activate(Run(seed=seed))
    try:
        prop = audit.properties()[0]
        drawn = audit.enumerate_cases(prop.strategy, case_seed(seed, "RandomNormal"), 25)
        expected = []
        for case in [*prop.pinned, *drawn]:
            first = ["RandomNormal", case.config("RandomNormal"), list(case.shape), case.dtype]
            if first not in expected:
                expected.append(first)
    finally:
        activate(None)
    position = 0
    for first in expected:  # each case's first call, in order
        position = calls.index(first, position) + 1
    assert len(drawn) == 25 and MAX_CALLS == 64


def test_each_initializer_draws_its_own_cases(tmp_path, monkeypatch):
    """One run seed, two initializers: their drawn cases (shape, dtype, seed) differ (one
    seed for all gave every element-wise initializer the same 25 cases), and the checks of
    one initializer that share samples draw the same ones (test_law's calls are all
    test_scale's: no new call)."""
    calls = recorded_calls(
        tmp_path, monkeypatch, "(test_scale or test_law) and (RandomNormal or RandomUniform)"
    )
    pinned = {derived_seed(case.seed, i) for case in ELEMENTWISE_EXAMPLES for i in range(64)}
    drawn = {
        name: [
            (tuple(shape), dtype, config["seed"])
            for n, config, shape, dtype in calls
            if n == name and config["seed"] not in pinned
        ]
        for name in ("RandomNormal", "RandomUniform")
    }
    assert drawn["RandomNormal"] and drawn["RandomUniform"]
    # Hypothesis starts every property with its simplest case (the first shape, float32,
    # seed 0, no knobs): that one is shared; the others are each initializer's own
    shared = set(drawn["RandomNormal"]) & set(drawn["RandomUniform"])
    assert {seed for _, _, seed in shared} <= {derived_seed(0, i) for i in range(64)}
    assert len(calls) == len({json.dumps(call) for call in calls})  # samples shared


# -- the Cramér-von Mises tail ---------------------------------------------------------------


@pytest.mark.parametrize(("n", "alpha", "trials"), [(64, 1e-2, 100_000), (256, 1e-3, 200_000)])
def test_cvm_importance_sampling_matches_plain_monte_carlo(n, alpha, trials):
    """The audit's CvM rejection probability (importance sampling, unbiased for any tilt)
    against plain simulation of W² at levels plain simulation resolves."""
    from benchmarks import cvm_tail

    estimate, se = cvm_tail.rejection(n, alpha, replicates=20_000, seed=1)
    assert se < 0.03 * estimate
    rng = np.random.default_rng(2)
    grid = (2 * np.arange(1, n + 1) - 1) / (2 * n)
    hits = 0
    for _ in range(trials // 10_000):
        u = np.sort(rng.random((10_000, n)), axis=1)
        w2 = 1 / (12 * n) + np.square(u - grid).sum(axis=1)
        hits += int(np.count_nonzero(w2 >= cvm_tail.critical(n, alpha)))
    rate = hits / trials
    assert abs(rate - estimate) <= 4 * math.hypot(se, math.sqrt(rate / trials)), (rate, estimate)


def test_cvm_critical_value_is_where_the_suites_pvalue_crosses_alpha():
    from benchmarks import cvm_tail

    for n, alpha in [(64, 2.12e-7), (20480, 7.5e-7)]:
        w = cvm_tail.critical(n, alpha)
        assert (
            cvm_tail.suite_pvalue(w * (1 - 1e-6), n) >= alpha > cvm_tail.suite_pvalue(w * 1.01, n)
        )
        u = np.linspace(0, 1, n, endpoint=False) ** 1.05  # a sample with W² near nothing
        assert stats.cramervonmises_pvalue(*_w2_and_scipy_p(u)) == pytest.approx(
            cvm_tail.suite_pvalue(_w2_and_scipy_p(u)[0], n), rel=1e-9
        )


def _w2_and_scipy_p(u: np.ndarray) -> tuple[float, float]:
    result = sps.cramervonmises(u, "uniform")
    return float(result.statistic), float(result.pvalue)


def test_the_fixed_tier_computed_is_what_the_probes_and_calls_spend():
    """Every element-wise test of test_probes and test_calls has its case in the audit's
    fixed tier: their ledger, less what the audit computes, leaves only exact tests."""
    left = audit.fixed_ledger("conformance/test_probes.py", "conformance/test_calls.py")
    assert set(left) <= {"binomial", "Kolmogorov-Smirnov"}, left
    assert all(audit.FIXED_METHODS[name][1] for name in left)
    computed = audit.fixed_tier(audit.runs.FIXED_ALPHA)["by_test"]
    assert computed["Cramér-von Mises"] == computed["variance"] == computed["mean"] > 0


def test_the_cases_cache_gives_the_cases_hypothesis_draws(tmp_path, monkeypatch):
    """``$CALIBRATION_CASES_CACHE``: a seed's cases are drawn once, then read back equal."""
    from initializer_conformance.conformance import strategies

    monkeypatch.setenv(audit.CASES_CACHE, str(tmp_path / "cases.sqlite"))
    activate(Run(seed=7))
    try:
        strategy = strategies.cases()
        drawn = audit.enumerate_cases(strategy, 12345, 5)
        monkeypatch.setattr(audit, "_draw_cases", lambda *args: pytest.fail("not cached"))
        assert audit.enumerate_cases(strategy, 12345, 5) == drawn
    finally:
        activate(None)


def test_the_committed_audit_meets_the_gates():
    """The committed audit (``benchmarks/results/calibration.json.gz``, its statistics'
    version the code's): for each implementation, the expected false alarms per run (the
    Hypothesis tier's mean over the audited seeds, CvM computed per n, plus the fixed tier:
    probes and calls computed, every other slot at its alpha) at most 1e-3; no stored worst
    case and no CvM n above 1.5 times its alpha; the seeds earlier versions failed are
    audited and ordinary."""
    store = audit.load(audit.RESULTS / "calibration.json.gz")
    assert store.pop("_method") == audit.METHOD, "the committed audit is of other statistics"
    store.pop("_seconds", None)
    alpha = Run().hypothesis_alpha
    ns = tuple(sorted({int(n) for r in store.values() for n in r["cvm"]}))
    cvm = audit._cvm_table(alpha, ns)
    totals = [audit.seed_totals(r, alpha, cvm) for r in store.values()]
    fixed = audit.fixed_tier(audit.runs.FIXED_ALPHA)
    computed = sum(fixed["by_test"].values())
    others = (audit.runs.FIXED_SLOTS - computed) * audit.runs.FIXED_ALPHA
    for impl in audit.IMPLS:
        rate = float(np.mean([t[impl] for t in totals])) + fixed["expected"][impl] + others
        assert rate <= 1e-3, (impl, rate)
    worst = max(ratio for r in store.values() for ratio, _ in r["worst"])
    assert worst <= 1.5, worst
    assert max(p / alpha for p in cvm.values()) <= 1.5
    for seed in (534, 1988, 1206):
        assert max(audit.seed_totals(store[str(seed)], alpha, cvm).values()) < 1e-3


def test_the_committed_report_lists_each_worst_case_once():
    """A case that many seeds draw (a bfloat16 law on one shape) is one line of the
    report's worst cases, at its highest ratio, not one line per seed."""
    text = (audit.RESULTS / "calibration.md").read_text()
    section = text.split("## Worst cases", 1)[1].split("\n## ", 1)[0]
    cases = [line.split(": ", 1)[1] for line in section.splitlines() if line.startswith("- ")]
    assert len(cases) == len(set(cases)) > 0, cases


@pytest.mark.parametrize("seed", range(3))
def test_the_ports_window_by_bisection_is_the_enumeration(seed):
    """The float32 ports' values are monotone along their grid, so the points in a bound's
    window are a run from the bound, found by bisection: the same count as enumerating
    every point, on narrow and wide uniforms and truncated normals, in float32 and 16 bits."""
    rng = np.random.default_rng(seed)
    for _ in range(4):
        scale, loc = 10 ** rng.uniform(-3, 1), float(rng.choice([0.0, rng.uniform(-10, 10)]))
        if rng.random() < 0.5:
            width = scale * float(rng.choice([1e-3, 1e-2, 1.0]))
            law = Uniform(loc, loc + width)
        else:
            law = TruncatedNormal(loc, scale * float(rng.choice([1e-3, 1e-2, 1.0])))
        dtype = str(rng.choice(["float32", "float16", "bfloat16"]))
        for bound in law.support:
            window, _ = rounding.at_bound(law, dtype, bound)
            for impl, bits in audit.GRID_BITS.items():
                args = (law, dtype, bound, window, bits, impl)
                assert audit._port_float32_window(*args) == audit._port_float32_window(
                    *args, enumerate_all=True
                ), (law, dtype, bound, impl)


def test_every_fixed_test_left_at_its_alpha_is_bounded_by_it():
    """The fixed tier's tests that the audit counts at their alpha (the ledger of the
    modules that held the 22 tests not computed before: transitions, white noise, Haar
    traces, Orthogonal's seeds), less those it computes: each one's p-value bounds its
    rejection probability by alpha (an exact test, KS, the random signs' or the moments'
    bound). The transitions are computed, not counted."""
    left = audit.fixed_ledger(
        "conformance/test_structure.py",
        "conformance/test_seeds.py",
        "conformance/test_orthogonal.py",
        "conformance/test_independence.py",
    )
    assert "chi-square of transitions" not in left
    assert {"traces tr Q^j", "column-sign correlation"} <= set(left), left
    assert all(audit.FIXED_METHODS[name][1] for name in left), left
