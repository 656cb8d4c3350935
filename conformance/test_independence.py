"""Independence: large outputs are not made of repeated blocks or correlated draws."""

import numpy as np
import pytest

from initializer_conformance.conformance import stats
from initializer_conformance.conformance.assertions import fail, judge
from initializer_conformance.conformance.identifiers import ELEMENTWISE
from initializer_conformance.conformance.run import FIXED_ALPHA, current
from initializer_conformance.conformance.sampling import Context, derived_seed, generate

SHAPE = (256, 512)


@pytest.mark.parametrize("identifier", ELEMENTWISE)
def test_independence(identifier):
    """No repeated rows or columns; no lag-1 correlation along either axis."""
    config = {"seed": derived_seed(current().seed, 2000 + ELEMENTWISE.index(identifier))}
    ctx = Context(identifier, config, SHAPE, "float32")
    x = generate(identifier, config, SHAPE, "float32").astype(np.float64)
    for axis, name in ((0, "rows"), (1, "columns")):
        distinct = np.unique(x, axis=axis).shape[axis]
        if distinct < x.shape[axis]:
            fail(
                "independence",
                f"{identifier}: repeated {name}",
                ctx=ctx,
                expected=f"{x.shape[axis]} distinct {name} (a continuous law repeats none)",
                observed=f"{distinct} distinct {name}: the output repeats blocks",
            )
    verdicts = [
        stats.correlation(x[:, :-1], x[:, 1:], FIXED_ALPHA, "lag 1 along rows"),
        stats.correlation(x[:-1, :], x[1:, :], FIXED_ALPHA, "lag 1 along columns"),
    ]
    judge(
        "independence",
        f"{identifier}: neighbouring values are correlated",
        ctx=ctx,
        verdicts=verdicts,
        expected="independent entries (zero serial correlation)",
        observed=f"{x.size} values; the serial correlations below",
        causes=(),
    )
