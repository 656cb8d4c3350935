"""Variance and mean of every element-wise random initializer, on drawn configs."""

import pytest
from hypothesis import given

from initializer_conformance.conformance import properties
from initializer_conformance.conformance.assertions import assert_scale
from initializer_conformance.conformance.identifiers import ELEMENTWISE
from initializer_conformance.conformance.run import current
from initializer_conformance.conformance.sampling import sample_case
from initializer_conformance.conformance.strategies import ELEMENTWISE_EXAMPLES, cases, pinned

PROPERTY = properties.SCALE


@pytest.mark.parametrize("identifier", ELEMENTWISE)
@given(case=cases())
@pinned(*ELEMENTWISE_EXAMPLES)
def test_scale(identifier, case):
    """Spread about the spec's mean (variance test) and centre (mean test)."""
    ctx, law, sample = sample_case(identifier, case)
    assert_scale(sample, law, ctx, current().hypothesis_alpha)
