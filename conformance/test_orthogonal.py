"""Orthogonal: orthonormality times gain, and the Haar distribution."""

import numpy as np
import pytest
from hypothesis import given
from scipy import stats as scipy_stats

from initializer_conformance.conformance import outputs, properties, sampling, stats, streams
from initializer_conformance.conformance.assertions import assert_orthogonal, judge
from initializer_conformance.conformance.fixed_cases import HAAR_SHAPES, LARGE_HAAR_SHAPES
from initializer_conformance.conformance.outputs import generate
from initializer_conformance.conformance.run import FIXED_ALPHA
from initializer_conformance.conformance.sampling import Context, derived_seed
from initializer_conformance.conformance.strategies import (
    FLOAT_DTYPES,
    MATRIX_EXAMPLES,
    cases,
    matrix_shapes,
    pinned,
)

PROPERTY = properties.ORTHOGONALITY


@given(case=cases(matrix_shapes(), FLOAT_DTYPES))
@pinned(*MATRIX_EXAMPLES)
def test_orthogonal_orthonormal(case):
    """QᵀQ = gain²·I (tall, square) or QQᵀ = gain²·I (wide), rank > 2 flattened as
    (prod(shape[:-1]), shape[-1]), within eps·(4 + 2·m) (SPEC.md, decision 14). Every other
    Orthogonal output the suite draws is held to the same (``conformance/outputs.py``)."""
    ctx = Context("Orthogonal", case.config("Orthogonal"), case.shape, case.dtype)
    assert_orthogonal(generate("Orthogonal", ctx.config, ctx.shape, ctx.dtype), ctx.law(), ctx)


#: Powers of Q whose traces are tested (Diaconis-Shahshahani), square shapes from 64 on.
TRACE_POWERS, TRACE_MIN_SIZE = 8, 64
GAIN = 1.5


def _draws(shape, draws: int, seed: int):
    """``(ctx, law, matrices, check)``: ``draws`` outputs with seeds derived from the run's
    seed, as ``(rows, cols)`` matrices divided by the gain (float64), and ``check()``, which
    checks each output orthonormal (``outputs.check``: the large shapes are where a port's
    own orthogonalization loses it). The Haar tests run before ``check()``: a law that is
    wrong is told even where the outputs are orthonormal only to float32 precision (a
    declared deviation of some ports)."""
    config = {"gain": GAIN, "seed": seed}
    ctx = Context("Orthogonal", config, shape, "float64")
    law = ctx.law()
    calls = [{**config, "seed": derived_seed(config["seed"], i)} for i in range(draws)]
    outs = [sampling.generate("Orthogonal", c, shape, "float64") for c in calls]
    mats = np.stack([out.reshape(law.rows, law.cols) / GAIN for out in outs])

    def check() -> None:
        __tracebackhide__ = True
        for c, out in zip(calls, outs, strict=True):
            outputs.check("Orthogonal", c, shape, "float64", out)

    return ctx, law, mats, check


def _ks(values: np.ndarray, cdf, what: str, effect: str) -> stats.Verdict:
    ks = scipy_stats.kstest(values, cdf)
    return stats.Verdict(
        f"Kolmogorov-Smirnov ({what})",
        float(ks.statistic),
        float(ks.pvalue),
        FIXED_ALPHA,
        values.size,
        effect,
    )


def _haar_verdicts(mats: np.ndarray) -> tuple[list[stats.Verdict], list[str]]:
    """The tests of the Haar law on ``draws`` matrices ``(draws, rows, cols)``, and what
    each says it tested.

    Every shape: the signs of the diagonal entries are fair coins, and ``Q[0,0]²`` follows
    Beta(1/2, (m - 1)/2), m the length of the orthonormal columns (rows, if wide).
    Square: the determinant is ±1 with probability 1/2 each; the eigenangles follow the
    exact one-point law of O(n) (:func:`stats.eigenangle_cdf`, pooled over the draws:
    the angles of one matrix repel each other, so every count has at most a binomial
    variance and the KS p-value is conservative); from n = 64 on, the traces of Q..Q^8
    (Diaconis-Shahshahani). Tall or wide: the squared norm of the last row of the tall
    form (the projection of a fixed direction on the random column space) follows
    Beta(k/2, (m - k)/2); it is exactly 1/4 for four stacked square blocks.
    """
    draws, rows, cols = mats.shape
    diagonal = np.diagonal(mats, axis1=1, axis2=2)
    positive = int((diagonal > 0).sum())
    m = max(rows, cols)
    verdicts = [stats.count(positive, diagonal.size, 0.5, FIXED_ALPHA, "positive diagonal entries")]
    tested = ["diagonal signs fair coins"]
    if m > 1:
        corner = mats[:, 0, 0] ** 2
        beta = scipy_stats.beta(0.5, (m - 1) / 2)
        verdicts.append(
            _ks(
                corner,
                beta.cdf,
                f"Q[0,0]² ~ Beta(1/2, {(m - 1) / 2:g})",
                f"mean Q[0,0]² = {corner.mean():.4g} (expected {1 / m:.4g})",
            )
        )
        tested.append("Q[0,0]² ~ Beta(1/2, (m-1)/2)")
    if rows == cols:
        angles, dets, eigenvalues = [], [], []
        for q in mats:
            a, det, values = stats.eigenangles(q)
            dets.append(det)
            eigenvalues.append(values)
            angles.append(stats.eigenangle_cdf(a, rows, det))
        positive_det = sum(d > 0 for d in dets)
        verdicts.append(stats.count(positive_det, draws, 0.5, FIXED_ALPHA, "determinants +1"))
        u = np.concatenate(angles)
        if u.size:
            verdicts.append(
                _ks(
                    u,
                    "uniform",
                    f"eigenangles of O({rows}), exact one-point law, pooled",
                    f"{u.size} angles; mean CDF value {u.mean():.4f} (expected 0.5)",
                )
            )
        tested.append("det ±1 fair; eigenangles as under Haar O(n)")
        if rows >= TRACE_MIN_SIZE:
            verdicts.append(stats.haar_traces(eigenvalues, TRACE_POWERS, FIXED_ALPHA))
            tested.append(f"tr Q^j ~ N(η_j, j), j <= {TRACE_POWERS} (moments bound)")
    else:
        tall = mats if rows > cols else np.swapaxes(mats, 1, 2)
        k = tall.shape[2]
        last = np.sum(tall[:, -1, :] ** 2, axis=1)
        projection = scipy_stats.beta(k / 2, (m - k) / 2)
        verdicts.append(
            _ks(
                last,
                projection.cdf,
                f"|last row of the tall form|² ~ Beta({k / 2:g}, {(m - k) / 2:g})",
                f"mean {last.mean():.4g} (expected {k / m:.4g}), std {last.std():.3g} "
                f"(expected {projection.std():.3g})",
            )
        )
        tested.append("|projection of a fixed direction|² ~ Beta(k/2, (m-k)/2)")
    return verdicts, tested


def _judge_haar(shape, draws: int, seed: int) -> None:
    __tracebackhide__ = True
    ctx, law, mats, check_orthonormal = _draws(shape, draws, seed)
    verdicts, tested = _haar_verdicts(mats)
    positive = int((np.diagonal(mats, axis1=1, axis2=2) > 0).sum())
    judge(
        "orthogonality",
        "Orthogonal: not Haar-distributed",
        ctx=ctx,
        verdicts=verdicts,
        expected=f"{law.formula}; {'; '.join(tested)}",
        observed=f"{draws} draws with derived seeds; {positive} of "
        f"{draws * min(law.rows, law.cols)} diagonal entries positive",
        causes=(),
    )
    check_orthonormal()


@pytest.mark.parametrize("shape", HAAR_SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_orthogonal_haar(shape):
    """Haar distribution, on many seeded draws of a small shape: the signs of the diagonal
    entries are independent fair coins, Q[0, 0]² / gain² ~ Beta(1/2, (m - 1)/2) with m the
    length of the orthonormal columns (rows, for a wide matrix); the determinant and the
    eigenangles (square), the projection of a fixed direction (tall, wide)."""
    _judge_haar(shape, HAAR_SHAPES[shape], streams.seed("haar", list(HAAR_SHAPES).index(shape)))


@pytest.mark.parametrize("shape", LARGE_HAAR_SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_orthogonal_haar_large(shape):
    """The Haar law where small shapes cannot see it: a port whose large matrices take
    another path (a QR without the sign fix, square blocks stacked) passes every test of
    the small shapes. 256×256: determinant, eigenangles and the traces of Q..Q^8;
    512×128 and (2, 64, 512) (128×512, wide): diagonal signs, Q[0,0]², and the projection
    of a fixed direction on the column space."""
    _judge_haar(
        shape,
        LARGE_HAAR_SHAPES[shape],
        streams.seed("large haar", list(LARGE_HAAR_SHAPES).index(shape)),
    )
