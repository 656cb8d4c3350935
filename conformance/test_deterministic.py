"""Zeros, Ones, Constant: exact values for every dtype that makes sense."""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from initializer_conformance.conformance import properties
from initializer_conformance.conformance.assertions import assert_exact
from initializer_conformance.conformance.sampling import Context, generate
from initializer_conformance.conformance.strategies import FLOAT_DTYPES, INT_DTYPES, shapes

PROPERTY = properties.DETERMINISTIC

values = st.one_of(st.integers(-1000, 1000).map(float), st.floats(-1e4, 1e4, allow_subnormal=False))


@pytest.mark.parametrize("identifier", ["Zeros", "Ones", "Constant"])
@given(
    shape=shapes(max_side=16),
    dtype=st.sampled_from(FLOAT_DTYPES + INT_DTYPES),
    value=st.one_of(st.none(), values),
)
# Every profile tries a value that float32 cannot hold, in float64 (a value rounded through
# float32 must fail), and a float value in an integer dtype.
@example(shape=(2, 3), dtype="float64", value=0.1)
@example(shape=(2, 3), dtype="int32", value=7.0)
def test_deterministic_exact(identifier, shape, dtype, value):
    config = {}
    if identifier == "Constant" and value is not None:
        config["value"] = float(round(value)) if dtype in INT_DTYPES else value
    ctx = Context(identifier, config, shape, dtype)
    assert_exact(
        generate(identifier, config, shape, dtype),
        np.asarray(ctx.law().array),
        ctx,
        ctx.law().formula,
    )
