"""Independence: large outputs are not made of repeated blocks or correlated draws, in every
floating dtype the adapter supports (``conformance/each_dtype.py``)."""

import numpy as np
import pytest

from initializer_conformance.conformance import dependence, each_dtype, properties, stats, streams
from initializer_conformance.conformance.assertions import fail, judge
from initializer_conformance.conformance.fixed_cases import INDEPENDENCE_SHAPE
from initializer_conformance.conformance.identifiers import ELEMENTWISE
from initializer_conformance.conformance.run import FIXED_ALPHA
from initializer_conformance.conformance.sampling import Context, generate

PROPERTY = properties.INDEPENDENCE

SHAPE = INDEPENDENCE_SHAPE


@pytest.mark.parametrize("identifier", ELEMENTWISE)
def test_independence(identifier):
    """No repeated rows or columns; no lag-1 correlation along either axis. In every
    floating dtype the adapter supports: each axis's correlation is one test of the family
    of dtypes (Bonferroni), so 2 tests per initializer, as in float32 alone."""
    config = {"seed": streams.seed("independence", ELEMENTWISE.index(identifier))}
    drawn = each_dtype.each(
        lambda dtype: generate(identifier, config, SHAPE, dtype).astype(np.float64)
    )
    for dtype, x in drawn.items():
        for axis, name in ((0, "rows"), (1, "columns")):
            distinct = np.unique(x, axis=axis).shape[axis]
            if distinct < x.shape[axis]:
                fail(
                    "independence",
                    f"{identifier}: repeated {name}",
                    ctx=Context(identifier, config, SHAPE, dtype),
                    expected=f"{x.shape[axis]} distinct {name} (a continuous law repeats none)",
                    observed=f"{distinct} distinct {name} in {dtype}: the output repeats blocks",
                )
    each = {
        what: [
            (dtype, stats.correlation(first(x), second(x), FIXED_ALPHA, f"{what} in {dtype}"))
            for dtype, x in drawn.items()
        ]
        for what, first, second in (
            ("lag 1 along rows", lambda x: x[:, :-1], lambda x: x[:, 1:]),
            ("lag 1 along columns", lambda x: x[:-1, :], lambda x: x[1:, :]),
        )
    }
    verdicts = [
        dependence.family(tests, FIXED_ALPHA, f"{what}, {len(drawn)} dtype(s)")
        for what, tests in each.items()
    ]
    # the failure shows its worst dtype's case (float32 when it passes)
    worst = min((t for tests in each.values() for t in tests), key=lambda dv: dv[1].pvalue)[0]
    judge(
        "independence",
        f"{identifier}: neighbouring values are correlated",
        ctx=Context(
            identifier, config, SHAPE, worst if not all(v.passed for v in verdicts) else "float32"
        ),
        verdicts=verdicts,
        expected="independent entries (zero serial correlation)",
        observed=f"{SHAPE[0] * SHAPE[1]} values in each of {', '.join(drawn)}; the serial "
        "correlations below",
        causes=(),
    )
