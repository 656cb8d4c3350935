"""Fans: VarianceScaling and its six specializations on shapes where fans matter."""

import pytest
from hypothesis import given

from initializer_conformance.conformance import properties
from initializer_conformance.conformance.assertions import assert_scale
from initializer_conformance.conformance.identifiers import FAN_SCALED
from initializer_conformance.conformance.run import current
from initializer_conformance.conformance.sampling import sample_case
from initializer_conformance.conformance.strategies import (
    FAN_EXAMPLES,
    FAN_MAX_CALLS,
    cases,
    fan_shapes,
    pinned,
)

PROPERTY = properties.FANS


@pytest.mark.parametrize("identifier", FAN_SCALED)
@given(case=cases(fan_shapes()))
@pinned(*FAN_EXAMPLES)
def test_fans(identifier, case):
    """The variance is scale / n with n from the Keras-layout fans of the shape."""
    ctx, law, sample = sample_case(identifier, case, max_calls=FAN_MAX_CALLS)
    assert_scale(sample, law, ctx, current().hypothesis_alpha)
