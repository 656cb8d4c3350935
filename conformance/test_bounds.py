"""Support and truncation: bounds, point masses at bounds, tail mass."""

import pytest
from hypothesis import given

from initializer_conformance.conformance import properties
from initializer_conformance.conformance.assertions import (
    assert_no_point_mass,
    assert_support,
    assert_tail_mass,
)
from initializer_conformance.conformance.identifiers import ELEMENTWISE
from initializer_conformance.conformance.run import current
from initializer_conformance.conformance.sampling import sample_case
from initializer_conformance.conformance.strategies import ELEMENTWISE_EXAMPLES, cases, pinned
from initializer_conformance.reference.laws import Normal

PROPERTY = properties.BOUNDS


@pytest.mark.parametrize("identifier", ELEMENTWISE)
@given(case=cases())
@pinned(*ELEMENTWISE_EXAMPLES)
def test_bounds(identifier, case):
    """Nothing outside the support; for bounded laws no pile-up at a bound (clipping);
    for untruncated normals the right mass beyond 2 std."""
    ctx, law, sample = sample_case(identifier, case)
    assert_support(sample, law, ctx)
    if isinstance(law, Normal):
        assert_tail_mass(sample, law, ctx, current().hypothesis_alpha)
    else:
        assert_no_point_mass(sample, law, ctx, current().hypothesis_alpha)
