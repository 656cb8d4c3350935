"""Identity: exactly gain·I, and the shape errors of the edition."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from initializer_conformance.conformance import properties
from initializer_conformance.conformance.assertions import assert_exact
from initializer_conformance.conformance.errors import assert_value_error
from initializer_conformance.conformance.run import current
from initializer_conformance.conformance.sampling import Context, generate
from initializer_conformance.conformance.strategies import FLOAT_DTYPES, INT_DTYPES

PROPERTY = properties.IDENTITY


@given(
    n=st.integers(1, 64),
    gain=st.one_of(st.none(), st.floats(-10, 10, allow_subnormal=False)),
    dtype=st.sampled_from(FLOAT_DTYPES + INT_DTYPES),
)
def test_identity_square(n, gain, dtype):
    if dtype in INT_DTYPES and gain is not None:
        gain = float(round(gain))  # integer dtypes: integral gains only (spec decision)
    config = {} if gain is None else {"gain": gain}
    ctx = Context("Identity", config, (n, n), dtype)
    assert_exact(
        generate("Identity", config, (n, n), dtype),
        ctx.law().array,
        ctx,
        f"gain·eye({n}) with gain={config.get('gain', 1.0)}",
    )


NON_SQUARE = [(2, 3), (5, 1), (1, 4)]
NOT_2D = [(), (3,), (2, 2, 2), (1, 3, 3)]


@pytest.mark.parametrize("shape", NON_SQUARE + NOT_2D, ids=str)
def test_identity_shape(shape):
    """Non-square 2-D: ``ValueError`` in keras2, ``gain·eye(rows, cols)`` in keras3;
    not 2-D: ``ValueError`` in every edition."""
    config = {"gain": 2.0}
    if len(shape) == 2 and not current().edition.identity_requires_square:
        ctx = Context("Identity", config, shape, "float32")
        assert_exact(
            generate("Identity", config, shape, "float32"),
            2.0 * np.eye(*shape),
            ctx,
            f"2.0·eye{shape} (edition {current().edition.name})",
        )
    else:
        assert_value_error(
            "Identity",
            config,
            shape,
            "float32",
            f"edition {current().edition.name}: Identity needs a "
            f"{'square ' if current().edition.identity_requires_square else ''}2-D shape",
        )
