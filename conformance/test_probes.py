"""Precision probes: one large sample per random family, sized for a stated power.

Each probe draws the number of values at which the variance test detects a 1 %
relative error of the std with probability >= 0.99 at the fixed tier's alpha
(``stats.samples_for_scale_power``), then runs every element-wise check on it: in
float32 for every family, the presets again on a Dense kernel, and the base families in
float64, float16 and bfloat16 (``probes.ALL_PROBES``).
Seeds come from ``--conformance-seed``.
"""

import pytest

from initializer_conformance.conformance import properties, streams
from initializer_conformance.conformance.probes import (
    ALL_PROBES,
    MARGIN,
    POWER,
    RELATIVE_STD_ERROR,
    check_probe,
)
from initializer_conformance.conformance.run import FIXED_ALPHA
from initializer_conformance.conformance.sampling import Context, collect
from initializer_conformance.conformance.stats import samples_for_scale_power
from initializer_conformance.reference import dtypes

PROPERTY = properties.PROBES


@pytest.mark.parametrize("probe", [probe.id for probe in ALL_PROBES])
def test_probe(probe):
    """The probe ``probe`` (its id: a plain string, for the reports and ``-k``)."""
    probe = next(p for p in ALL_PROBES if p.id == probe)
    config, shape = probe.case()
    config = {**config, "seed": streams.seed("probes", ALL_PROBES.index(probe))}
    ctx = Context(probe.identifier, config, shape, probe.dtype)
    law = ctx.law()
    exact = dtypes.in_dtype(law, probe.dtype)
    n = int(MARGIN * samples_for_scale_power(exact, RELATIVE_STD_ERROR, FIXED_ALPHA, POWER))
    sample = collect(probe.identifier, config, shape, probe.dtype, n, max_calls=1000)
    check_probe(sample, law, ctx)
