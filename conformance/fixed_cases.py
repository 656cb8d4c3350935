"""What the fixed tier's checks draw: their shapes, pairs of seeds and sample sizes.

One place that the checks (``test_calls``, ``test_independence``, ``test_seeds``,
``test_structure``, ``test_orthogonal``) and the
benchmarks that compute or measure them (``benchmarks/calibration.py``,
``benchmarks/fixed_tier.py``, ``benchmarks/calls_and_seeds.py``) read: no module imports a
test module for its constants.
"""

from __future__ import annotations

import math

from . import stats, streams
from .identifiers import RANDOM
from .probes import MARGIN, PROBES
from .run import FIXED_ALPHA
from .strategies import FLOAT_DTYPES

# -- test_calls: unseeded instances and later calls --------------------------------------------

CALLS_SHAPE = (3, 3, 16, 32)  # a conv kernel: fan_in 144 != fan_out 288, receptive field 9
#: The std error of one source that the pooled variance test sees with ``CALLS_POWER``.
CALLS_STD_ERROR = 0.05
CALLS_POWER = 0.99
#: Unseeded instances, later calls of one unseeded instance, later calls of a seeded one.
CALLS_SOURCES = 3


def calls_config(identifier: str) -> dict:
    """The knobs of the identifier's first precision probe (``probes.PROBES``): not the
    defaults, so that a path that drops a knob shows."""
    return dict(next(c for p, (c, _) in PROBES.items() if p.split("[")[0] == identifier))


def calls_per_source(law) -> int:
    """Values each source draws: a third of ``MARGIN`` times the n at which the variance
    test sees a ``CALLS_STD_ERROR`` of the std in one source (a third of the pool)."""
    diluted = (1 - (1 - CALLS_STD_ERROR) ** 2) / CALLS_SOURCES  # relative change of the variance
    equivalent = 1 - math.sqrt(1 - diluted)  # the std error with that change, undiluted
    n = stats.samples_for_scale_power(law, equivalent, FIXED_ALPHA, CALLS_POWER)
    return math.ceil(MARGIN * n / CALLS_SOURCES)


# -- test_independence and test_structure ----------------------------------------------------

INDEPENDENCE_SHAPE = (256, 512)
STRUCTURE_SHAPE = (256, 512)
STRUCTURE_CALLS = 4  # float32 outputs per initializer: 524,288 values
OTHER_CALLS = 1  # outputs in each other floating dtype (moments, serial dependence)
FLOAT64_CALLS = 2  # float64 outputs: 262,144 values

# -- test_seeds: outputs of distinct seeds -------------------------------------------------------

#: Outputs compared by pairs of distinct seeds: 4096 values each (64 per cell of the rank
#: table, see ``conformance/dependence.py``).
PAIR_SHAPE = (64, 64)

#: How two seeds may relate, and the seed-derivation bug each pair exposes: ``s`` is odd and
#: below 2^30, ``t`` below 2^16 (both derived from the run's seed, per initializer).
SEED_PAIRS = {
    "s and s + 1 (s odd)": lambda s, t: (s, s + 1),  # 2k+1, 2k+2: a stream offset by seed
    "s and s XOR 1": lambda s, t: (s, s ^ 1),  # 2k+1, 2k: seed // 2
    "s and 2s": lambda s, t: (s, 2 * s),  # a seed shifted into the state
    "0 and 1": lambda s, t: (0, 1),  # the smallest seeds (0 is a seed: keras #19361)
    "2^31 - 2 and 2^31 - 1": lambda s, t: (2**31 - 2, 2**31 - 1),  # near int32's limit
    "t and t + 2^30 (bit 30 only)": lambda s, t: (t, t + 2**30),  # a seed cut to 30 bits
    "t and t + 0x7fff0000 (bits 16-30 only)": lambda s, t: (t, t + 0x7FFF_0000),  # to 16 bits
}


def seeded_calls(run_seed: int) -> list[list]:
    """The seeded calls ``test_seeded_same_across_processes`` makes in fresh processes: every
    random initializer in every floating dtype, one seed each (derived from the run's
    seed), as JSON-ready lists (``tests/test_seeded_processes.py`` pins their values)."""
    return [
        [
            identifier,
            {"seed": streams.seed("seeds", 10 * RANDOM.index(identifier) + 5, run_seed)},
            list(SEEDED_SHAPE),
            dtype,
        ]
        for identifier in RANDOM
        for dtype in FLOAT_DTYPES
    ]


#: The shape of each seeded call made in fresh processes.
SEEDED_SHAPE = (4, 4)

# -- test_orthogonal: Haar matrices, pooled over draws ---------------------------------------

#: shape -> draws. A tall, a wide, a square and a rank-3 shape.
HAAR_SHAPES = {(3, 3): 1500, (6, 2): 1500, (2, 5): 1500, (2, 2, 3): 1500}
#: shape -> draws, more than 16 entries each: a square (the eigenvalues), a tall and a
#: rank-3 wide one (the Stiefel law), each long side 4 times its short side.
LARGE_HAAR_SHAPES = {(256, 256): 24, (512, 128): 64, (2, 64, 512): 64}
