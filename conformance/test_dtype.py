"""dtype: the result has the dtype asked for; random initializers reject integer dtypes."""

import pytest

from initializer_conformance.conformance import properties
from initializer_conformance.conformance.errors import assert_dtype
from initializer_conformance.conformance.identifiers import ALL
from initializer_conformance.conformance.strategies import FLOAT_DTYPES, INT_DTYPES

PROPERTY = properties.DTYPE


@pytest.mark.parametrize("dtype", FLOAT_DTYPES + INT_DTYPES)
@pytest.mark.parametrize("identifier", ALL)
def test_dtype(identifier, dtype):
    assert_dtype(identifier, dtype)
