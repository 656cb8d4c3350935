"""The precision probes: one large sample per random family, sized for a stated power.

Each probe draws the number of values at which the variance test detects a 1 %
relative error of the std with probability >= 0.99 at the fixed tier's alpha
(:func:`~initializer_conformance.conformance.stats.samples_for_scale_power`, times
``MARGIN``). ``test_probes.py`` runs every element-wise check on them;
``benchmarks/power.py`` measures their power.
"""

from __future__ import annotations

from dataclasses import dataclass

from initializer_conformance.conformance import assertions as check
from initializer_conformance.conformance.run import FIXED_ALPHA
from initializer_conformance.reference import PRESETS
from initializer_conformance.reference.laws import Normal

KERNEL = (3, 3, 64, 128)  # fan_in 576 != fan_out 1152, receptive field 9
DENSE = (384, 640)  # a rank-2 Dense kernel: fan_in 384 != fan_out 640, no receptive field

#: identifier -> (config, shape): non-default knobs, so that a wrong default shows too
#: in the Hypothesis tier, and a wrong knob shows here. VarianceScaling: every mode x
#: distribution, each at its own non-default scale.
PROBES = {
    "RandomNormal": ({"mean": 0.25, "stddev": 1.5}, (512, 512)),
    "RandomUniform": ({"minval": -0.2, "maxval": 0.6}, (512, 512)),
    "TruncatedNormal": ({"mean": -1.0, "stddev": 0.5}, (512, 512)),
    **{
        f"VarianceScaling[{mode}-{distribution}]": (
            {"scale": scale, "mode": mode, "distribution": distribution},
            KERNEL,
        )
        for (mode, distribution), scale in {
            ("fan_in", "normal"): 3.0,
            ("fan_out", "normal"): 2.0,
            ("fan_avg", "normal"): 0.25,
            ("fan_in", "uniform"): 1.5,
            ("fan_out", "uniform"): 4.0,
            ("fan_avg", "uniform"): 0.5,
        }.items()
    },
    **{name: ({}, KERNEL) for name in PRESETS},
}


#: Probes of one dtype's range: (identifier, variant) -> (config, shape). float16's
#: subnormals (|x| < 2^-14 = 6.1e-5): a normal of std 2^-13 puts 38 % of its mass there,
#: which an implementation that flushes subnormals to zero (a GPU kernel's FTZ/DAZ mode,
#: ARM's FZ16) moves onto 0, where the law has 2e-4 of its mass. Both the variance test
#: (the std 1.6 % low: p = 4e-63 on the mutant Float16FlushToZero) and the exact counts
#: test's cell of 0 (about 100 expected of 524,288 values; flushed, about 200,000) see it.
RANGE_PROBES = {
    ("RandomNormal", "subnormal"): ({"mean": 0.0, "stddev": 2.0**-13}, (512, 512)),
}


@dataclass(frozen=True)
class Probe:
    """One probe: the family ``name`` of :data:`PROBES`, in ``dtype``, on its shape or
    on ``shape``; or, with a ``variant``, the entry of :data:`RANGE_PROBES`."""

    name: str
    dtype: str = "float32"
    shape: tuple[int, ...] | None = None
    variant: str = ""

    @property
    def id(self) -> str:
        """The test id: ``he_normal``, ``he_normal-dense``, ``RandomNormal-bfloat16``,
        ``RandomNormal-float16-subnormal``..."""
        return "-".join(
            [self.name]
            + ([self.dtype] if self.dtype != "float32" else [])
            + (["dense"] if self.shape == DENSE else [])
            + ([self.variant] if self.variant else [])
        )

    @property
    def identifier(self) -> str:
        return self.name.split("[")[0]

    def case(self) -> tuple[dict, tuple[int, ...]]:
        if self.variant:
            config, shape = RANGE_PROBES[self.name, self.variant]
        else:
            config, shape = PROBES[self.name]
        return config, self.shape or shape


#: Every probe: each family in float32 on its shape; the presets again on a Dense kernel
#: (their fans there have no receptive field); the base families in float64 (a port that
#: computes float64 in float32 and casts fails elsewhere, but a float64-only scale error
#: shows only here); and in each 16-bit dtype, against the law rounded to the dtype
#: (reference/dtypes.py), where low-precision arithmetic bugs live (PyTorch #145498).
ALL_PROBES = (
    [Probe(name) for name in PROBES]
    + [Probe(name, shape=DENSE) for name in PRESETS]
    + [
        Probe(name, dtype)
        for dtype in ("float64", "float16", "bfloat16")
        for name in (
            "RandomNormal",
            "RandomUniform",
            "TruncatedNormal",
            "VarianceScaling[fan_out-normal]",
            "VarianceScaling[fan_in-uniform]",
        )
    ]
    + [Probe("RandomNormal", "float16", variant="subnormal")]
)

RELATIVE_STD_ERROR = 0.01
POWER = 0.99
MARGIN = 1.3  # draw 30 % more than the normal-theory minimum (power 0.9995 by normal theory)


def check_probe(sample, law, ctx, alpha: float | None = None) -> None:
    """Every element-wise check of a probe's sample (``test_probe``, and the power
    benchmark, which measures these very checks): scale, law, support, and the tail mass
    (normal laws) or point masses at the bounds (bounded ones)."""
    __tracebackhide__ = True
    alpha = FIXED_ALPHA if alpha is None else alpha
    check.assert_scale(sample, law, ctx, alpha)
    check.assert_law(sample, law, ctx, alpha)
    check.assert_support(sample, law, ctx)
    if isinstance(law, Normal):
        check.assert_tail_mass(sample, law, ctx, alpha)
    else:
        check.assert_no_point_mass(sample, law, ctx, alpha)
