"""The precision probes: one large sample per random family, sized for a stated power.

Each probe draws the number of values at which the variance test detects a 1 %
relative error of the std with probability >= 0.99 at the fixed tier's alpha
(:func:`~initializer_conformance.conformance.stats.samples_for_scale_power`, times
``MARGIN``). ``test_probes.py`` runs every element-wise check on them;
``benchmarks/power.py`` measures their power.
"""

from __future__ import annotations

from initializer_conformance.reference import PRESETS

KERNEL = (3, 3, 64, 128)  # fan_in 576 != fan_out 1152, receptive field 9

#: identifier -> (config, shape): non-default knobs, so that a wrong default shows too
#: in the Hypothesis tier, and a wrong knob shows here.
PROBES = {
    "RandomNormal": ({"mean": 0.25, "stddev": 1.5}, (512, 512)),
    "RandomUniform": ({"minval": -0.2, "maxval": 0.6}, (512, 512)),
    "TruncatedNormal": ({"mean": -1.0, "stddev": 0.5}, (512, 512)),
    "VarianceScaling[normal]": (
        {"scale": 2.0, "mode": "fan_out", "distribution": "normal"},
        KERNEL,
    ),
    "VarianceScaling[uniform]": (
        {"scale": 0.5, "mode": "fan_avg", "distribution": "uniform"},
        KERNEL,
    ),
    **{name: ({}, KERNEL) for name in PRESETS},
}

#: The families probed again in each 16-bit dtype (the same config and shape), against the
#: law rounded to the dtype (reference/dtypes.py): where low-precision arithmetic bugs live
#: (PyTorch #145498).
LOW_PRECISION = dict.fromkeys(
    ("float16", "bfloat16"),
    ("RandomNormal", "RandomUniform", "TruncatedNormal", "VarianceScaling[normal]"),
)

#: Every probe: (name in PROBES, dtype).
ALL_PROBES = [(name, "float32") for name in PROBES] + [
    (name, dtype) for dtype, names in LOW_PRECISION.items() for name in names
]

RELATIVE_STD_ERROR = 0.01
POWER = 0.99
MARGIN = 1.3  # draw 30 % more than the normal-theory minimum (power 0.9995 by normal theory)
