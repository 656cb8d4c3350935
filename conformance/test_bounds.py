"""Support and truncation: bounds, point masses at bounds, tail mass."""

import pytest
from hypothesis import given

from reference.laws import Normal

from .assertions import assert_no_point_mass, assert_support, assert_tail_mass
from .identifiers import ELEMENTWISE
from .run import RUN
from .sampling import sample_case
from .strategies import cases
from .test_law import pinned


@pytest.mark.parametrize("identifier", ELEMENTWISE)
@given(case=cases())
@pinned
def test_bounds(identifier, case):
    """Nothing outside the support; for bounded laws no pile-up at a bound (clipping);
    for untruncated normals the right mass beyond 2 std."""
    ctx, law, sample = sample_case(identifier, case)
    assert_support(sample, law, ctx)
    if isinstance(law, Normal):
        assert_tail_mass(sample, law, ctx, RUN.hypothesis_alpha)
    else:
        assert_no_point_mass(sample, law, ctx, RUN.hypothesis_alpha)
