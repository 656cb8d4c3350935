"""Precision probes: one large sample per random family, sized for a stated power.

Each probe draws the number of values at which the variance test detects a 1 %
relative error of the std with probability >= 0.99 at the fixed tier's alpha
(``stats.samples_for_scale_power``), then runs every element-wise check on it.
Seeds come from ``--conformance-seed``.
"""

import pytest

from initializer_conformance.conformance import assertions as check
from initializer_conformance.conformance.probes import MARGIN, POWER, PROBES, RELATIVE_STD_ERROR
from initializer_conformance.conformance.run import FIXED_ALPHA, current
from initializer_conformance.conformance.sampling import Context, collect, derived_seed
from initializer_conformance.conformance.stats import samples_for_scale_power
from initializer_conformance.reference.laws import Normal


@pytest.mark.parametrize("probe", PROBES)
def test_probe(probe):
    identifier = probe.split("[")[0]
    config, shape = PROBES[probe]
    config = {**config, "seed": derived_seed(current().seed, 1 + list(PROBES).index(probe))}
    ctx = Context(identifier, config, shape, "float32")
    law = ctx.law()
    n = int(MARGIN * samples_for_scale_power(law, RELATIVE_STD_ERROR, FIXED_ALPHA, POWER))
    sample = collect(identifier, config, shape, "float32", n, max_calls=1000)
    check.assert_scale(sample, law, ctx, FIXED_ALPHA)
    check.assert_law(sample, law, ctx, FIXED_ALPHA)
    check.assert_support(sample, law, ctx)
    if isinstance(law, Normal):
        check.assert_tail_mass(sample, law, ctx, FIXED_ALPHA)
    else:
        check.assert_no_point_mass(sample, law, ctx, FIXED_ALPHA)
