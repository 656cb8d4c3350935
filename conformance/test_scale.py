"""Variance and mean of every element-wise random initializer, on drawn configs."""

import pytest
from hypothesis import given

from .assertions import assert_scale
from .identifiers import ELEMENTWISE
from .run import RUN
from .sampling import sample_case
from .strategies import cases
from .test_law import pinned


@pytest.mark.parametrize("identifier", ELEMENTWISE)
@given(case=cases())
@pinned
def test_scale(identifier, case):
    """Spread about the spec's mean (variance test) and centre (mean test)."""
    ctx, law, sample = sample_case(identifier, case)
    assert_scale(sample, law, ctx, RUN.hypothesis_alpha)
