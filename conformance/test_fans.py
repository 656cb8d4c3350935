"""Fans: VarianceScaling and its six specializations on shapes where fans matter."""

import pytest
from hypothesis import example, given

from initializer_conformance.conformance.assertions import assert_scale
from initializer_conformance.conformance.identifiers import FAN_SCALED
from initializer_conformance.conformance.run import current
from initializer_conformance.conformance.sampling import sample_case
from initializer_conformance.conformance.strategies import Case, cases, fan_shapes

FAN_EXAMPLES = (Case((3, 3, 16, 32), seed=11), Case((64, 16), seed=12), Case((16, 64), seed=13),
                Case((5, 2, 8), seed=14), Case((2, 3, 3, 4, 10), seed=15), Case((300,), seed=16))


def fan_examples(test):
    for case in reversed(FAN_EXAMPLES):
        test = example(case=case)(test)
    return test


@pytest.mark.parametrize("identifier", FAN_SCALED)
@given(case=cases(fan_shapes()))
@fan_examples
def test_fans(identifier, case):
    """The variance is scale / n with n from the Keras-layout fans of the shape."""
    ctx, law, sample = sample_case(identifier, case)
    assert_scale(sample, law, ctx, current().hypothesis_alpha)
