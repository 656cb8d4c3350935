"""Law of the values: goodness of fit of every element-wise random initializer."""

import pytest
from hypothesis import given

from initializer_conformance.conformance import properties
from initializer_conformance.conformance.assertions import assert_law
from initializer_conformance.conformance.identifiers import ELEMENTWISE
from initializer_conformance.conformance.run import current
from initializer_conformance.conformance.sampling import sample_case
from initializer_conformance.conformance.strategies import ELEMENTWISE_EXAMPLES, cases, pinned

PROPERTY = properties.LAW


@pytest.mark.parametrize("identifier", ELEMENTWISE)
@given(case=cases())
@pinned(*ELEMENTWISE_EXAMPLES)
def test_law(identifier, case):
    """KS and Cramér-von Mises against the spec's exact CDF."""
    ctx, law, sample = sample_case(identifier, case)
    assert_law(sample, law, ctx, current().hypothesis_alpha)
