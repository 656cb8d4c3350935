"""Precision probes: one large sample per random family, sized for a stated power.

Each probe draws the number of values at which the variance test detects a 1 %
relative error of the std with probability >= 0.99 at the fixed tier's alpha
(``stats.samples_for_scale_power``), then runs every element-wise check on it.
Seeds come from ``--conformance-seed``.
"""

import pytest

from initializer_conformance.reference.laws import Normal

from initializer_conformance.conformance import assertions as check
from initializer_conformance.conformance.run import FIXED_ALPHA, current
from initializer_conformance.conformance.sampling import Context, collect, derived_seed
from initializer_conformance.conformance.stats import samples_for_scale_power

KERNEL = (3, 3, 64, 128)  # fan_in 576 != fan_out 1152, receptive field 9

#: identifier -> (config, shape): non-default knobs, so that a wrong default shows too
#: in the Hypothesis tier, and a wrong knob shows here.
PROBES = {
    "RandomNormal": ({"mean": 0.25, "stddev": 1.5}, (512, 512)),
    "RandomUniform": ({"minval": -0.2, "maxval": 0.6}, (512, 512)),
    "TruncatedNormal": ({"mean": -1.0, "stddev": 0.5}, (512, 512)),
    "VarianceScaling[normal]": ({"scale": 2.0, "mode": "fan_out", "distribution": "normal"}, KERNEL),
    "VarianceScaling[uniform]": ({"scale": 0.5, "mode": "fan_avg", "distribution": "uniform"},
                                 KERNEL),
    **{name: ({}, KERNEL) for name in ("lecun_uniform", "glorot_normal", "glorot_uniform",
                                       "he_normal", "lecun_normal", "he_uniform")},
}

RELATIVE_STD_ERROR = 0.01
POWER = 0.99
MARGIN = 1.3  # draw 30 % more than the normal-theory minimum (power 0.9995 by normal theory)


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
