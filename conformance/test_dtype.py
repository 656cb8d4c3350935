"""dtype: the result has the dtype asked for; random initializers reject integer dtypes."""

import pytest

from initializer_conformance.conformance.assertions import fail
from initializer_conformance.conformance.errors import assert_value_error
from initializer_conformance.conformance.identifiers import ALL, DETERMINISTIC, RANDOM
from initializer_conformance.conformance.sampling import Context, as_output, call, make
from initializer_conformance.conformance.strategies import ALL_FLOAT_DTYPES, INT_DTYPES


def _shape(identifier):
    return (6, 6) if identifier == "Identity" else (4, 6)


@pytest.mark.parametrize("dtype", ALL_FLOAT_DTYPES + INT_DTYPES)
@pytest.mark.parametrize("identifier", ALL)
def test_dtype(identifier, dtype):
    shape = _shape(identifier)
    config = {"seed": 7} if identifier in RANDOM else {}
    if dtype in INT_DTYPES and identifier not in DETERMINISTIC:
        assert_value_error(identifier, config, shape, dtype,
                           "random initializers accept floating dtypes only (spec decision)")
        return
    ctx = Context(identifier, config, shape, dtype)
    returned = call(make(identifier, config), identifier, config, shape, dtype)
    out = as_output(returned, shape, ctx.call())
    if out.dtype != dtype:
        kind = "" if hasattr(returned, "dtype") else (
            f" (the adapter returned a {type(returned).__name__}, which has no dtype: "
            f"numpy.asarray chose one)")
        fail("dtype", f"{identifier}: wrong dtype", ctx=ctx, expected=f"an array of dtype {dtype}",
             observed=f"dtype {out.dtype}{kind}")
