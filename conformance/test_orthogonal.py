"""Orthogonal: orthonormality times gain, and the Haar distribution."""

import numpy as np
import pytest
from hypothesis import given
from scipy import stats as scipy_stats

from initializer_conformance.conformance import stats
from initializer_conformance.conformance.assertions import assert_orthogonal, judge
from initializer_conformance.conformance.run import FIXED_ALPHA, current
from initializer_conformance.conformance.sampling import Context, derived_seed, generate
from initializer_conformance.conformance.strategies import (
    FLOAT_DTYPES,
    MATRIX_EXAMPLES,
    cases,
    matrix_shapes,
    pinned,
)


@given(case=cases(matrix_shapes(), FLOAT_DTYPES))
@pinned(*MATRIX_EXAMPLES)
def test_orthogonal_orthonormal(case):
    """QᵀQ = gain²·I (tall, square) or QQᵀ = gain²·I (wide), rank > 2 flattened as
    (prod(shape[:-1]), shape[-1])."""
    ctx = Context("Orthogonal", case.config("Orthogonal"), case.shape, case.dtype)
    assert_orthogonal(generate("Orthogonal", ctx.config, ctx.shape, ctx.dtype), ctx.law(), ctx)


#: shape -> draws. A tall, a wide, a square and a rank-3 shape.
HAAR_SHAPES = {(3, 3): 1500, (6, 2): 1500, (2, 5): 1500, (2, 2, 3): 1500}


@pytest.mark.parametrize("shape", HAAR_SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_orthogonal_haar(shape):
    """Haar distribution, on many seeded draws: the signs of the diagonal entries are
    independent fair coins, and Q[0, 0]² / gain² ~ Beta(1/2, (m - 1)/2) with m the length
    of the orthonormal columns (rows, for a wide matrix)."""
    draws, gain = HAAR_SHAPES[shape], 1.5
    config = {
        "gain": gain,
        "seed": derived_seed(current().seed, 100 + list(HAAR_SHAPES).index(shape)),
    }
    ctx = Context("Orthogonal", config, shape, "float64")
    law = ctx.law()
    rows, cols = law.rows, law.cols
    mats = np.stack(
        [
            generate(
                "Orthogonal", {**config, "seed": derived_seed(config["seed"], i)}, shape, "float64"
            ).reshape(rows, cols)
            / gain
            for i in range(draws)
        ]
    )
    diagonal = np.diagonal(mats, axis1=1, axis2=2)
    positive = int((diagonal > 0).sum())
    m = max(rows, cols)
    corner = mats[:, 0, 0] ** 2
    beta = scipy_stats.beta(0.5, (m - 1) / 2) if m > 1 else None
    verdicts = [stats.count(positive, diagonal.size, 0.5, FIXED_ALPHA, "positive diagonal entries")]
    if beta is not None:
        ks = scipy_stats.kstest(corner, beta.cdf)
        verdicts.append(
            stats.Verdict(
                f"Kolmogorov-Smirnov (Q[0,0]² ~ Beta(1/2, {(m - 1) / 2:g}))",
                float(ks.statistic),
                float(ks.pvalue),
                FIXED_ALPHA,
                draws,
                f"mean Q[0,0]² = {corner.mean():.4g} (expected {1 / m:.4g})",
            )
        )
    judge(
        "orthogonality",
        "Orthogonal: not Haar-distributed",
        ctx=ctx,
        verdicts=verdicts,
        expected=f"{law.formula}; diagonal signs fair coins; Q[0,0]² ~ Beta(1/2, (m-1)/2)",
        observed=f"{draws} draws with derived seeds; {positive} of {diagonal.size} diagonal "
        f"entries positive",
        causes=(),
    )
