"""The catalogue of porting bugs: the law a port with each known bug draws instead.

One entry per bug: its *cause* (the text a failure's "likely cause" line names) and the
law it produces for an initializer of the spec on a shape (``None`` where the bug changes
nothing for that initializer). Read by both sides of the suite's power:

* the mutants (``adapters/mutants.py``): a mutant is the reference drawing from one
  bug's law, under the conditions its port has the bug in (a default left out, say);
* the diagnosis (``conformance/diagnosis.py``): when a sample fails the spec's law, every
  bug whose law it fits becomes a likely cause of the failure.

So a bug is described once, and the message a mutant must produce is the catalogue's.
The comments name the public issues where each bug was seen.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from scipy import stats as scipy_stats

from .base import Initializer
from .distributions import RandomNormal, RandomUniform, TruncatedNormal
from .fans import fans
from .laws import TRUNCATED_NORMAL_STD_FACTOR, ElementwiseLaw, Normal, Uniform
from .laws import TruncatedNormal as TruncatedNormalLaw
from .variance_scaling import MODES, VarianceScaling, variance_scaling_law


@dataclass(frozen=True)
class AbsoluteTruncation(ElementwiseLaw):
    """N(loc, scale²) truncated to loc ± 2 in absolute units (not ± 2·scale)."""

    loc: float
    scale: float

    @property
    def mean(self) -> float:
        return self.loc

    @property
    def dist(self):
        return scipy_stats.truncnorm(
            -2 / self.scale, 2 / self.scale, loc=self.loc, scale=self.scale
        )

    @property
    def formula(self) -> str:
        return f"Normal(mean={self.loc:.6g}, std={self.scale:.6g}) truncated to mean ± 2"


Law = Callable[[Initializer, tuple[int, ...]], ElementwiseLaw | None]


@dataclass(frozen=True)
class Bug:
    """A porting bug: what a failure names it (``cause``, a sentence; ``label``, the few
    words of a report's chip), and the law it draws (or ``None``: the bug is not a wrong
    element-wise law, e.g. clipping, which leaves point masses)."""

    cause: str
    law: Law | None = None
    label: str = ""


# -- VarianceScaling: the divisor n and the family ------------------------------------------


def _family(init: VarianceScaling) -> str:
    return init.edition.variance_scaling_distributions[init.distribution]


def _with_fans(wrong_fans: Callable[[tuple[int, ...]], tuple[float, float] | None]) -> Law:
    """The law of a VarianceScaling whose fans are ``wrong_fans(shape)``."""

    def law(init, shape):
        wrong = wrong_fans(shape) if isinstance(init, VarianceScaling) else None
        if wrong is None:
            return None
        return variance_scaling_law(init.scale, MODES[init.mode](*wrong), _family(init))

    return law


def _swapped(shape):
    fan_in, fan_out = fans(shape)
    return fan_out, fan_in


def _torch_layout(shape):
    if len(shape) < 2:
        return None
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _channels_only(shape):
    return (shape[-2], shape[-1]) if len(shape) >= 3 else None


def _variance_scaling(
    condition: Callable[[VarianceScaling], bool],
    law: Callable[[VarianceScaling, float, str], ElementwiseLaw],
) -> Law:
    """A bug of VarianceScaling where ``condition(init)``: ``law(init, n, family)``."""

    def wrong(init, shape):
        if not isinstance(init, VarianceScaling) or not condition(init):
            return None
        return law(init, MODES[init.mode](*fans(shape)), _family(init))

    return wrong


def _mode(mode: str) -> Law:
    def law(init, shape):
        if not isinstance(init, VarianceScaling) or init.mode == mode:
            return None
        return variance_scaling_law(init.scale, MODES[mode](*fans(shape)), _family(init))

    return law


def _fan_avg_not_halved(init, shape):
    if not isinstance(init, VarianceScaling) or init.mode != "fan_avg":
        return None
    return variance_scaling_law(init.scale, sum(fans(shape)), _family(init))


def _fan_avg_floor_division(init, shape):
    if not isinstance(init, VarianceScaling) or init.mode != "fan_avg":
        return None
    n = sum(fans(shape)) // 2
    if 2 * n == sum(fans(shape)):  # an even sum: the same n
        return None
    return variance_scaling_law(init.scale, max(1, n), _family(init))


def _he_scale_1_96(init, shape):
    if not isinstance(init, VarianceScaling) or init.scale != 2.0:
        return None
    return variance_scaling_law(1.96, MODES[init.mode](*fans(shape)), _family(init))


# -- truncation ------------------------------------------------------------------------------


def _untruncated(init, shape):
    if isinstance(init, TruncatedNormal):
        return Normal(init.mean, init.stddev)
    if isinstance(init, VarianceScaling) and _family(init) == "truncated_normal":
        return variance_scaling_law(init.scale, MODES[init.mode](*fans(shape)), "normal")
    return None


def _truncated(init, shape):
    if isinstance(init, RandomNormal):
        return TruncatedNormalLaw(init.mean, init.stddev)
    if isinstance(init, VarianceScaling) and _family(init) == "normal":
        return variance_scaling_law(init.scale, MODES[init.mode](*fans(shape)), "truncated_normal")
    return None


def _of(cls, law):
    """A bug of the initializer class ``cls`` only: ``law(init)``."""
    return lambda init, shape: law(init) if type(init) is cls else None


#: The catalogue, by key (the mutants name their bug by key).
BUGS: dict[str, Bug] = {
    # fans (tensorflow #31192, pytorch #30079, tvm #9336, keras #2252)
    "swapped_fans": Bug("fan_in and fan_out swapped", _with_fans(_swapped), "fans swapped"),
    "torch_layout_fans": Bug(
        "fans computed for torch's (out, in, *k) layout on a Keras (*k, in, out) shape",
        _with_fans(_torch_layout),
        "fans layout",
    ),
    "receptive_field_ignored": Bug(
        "receptive field ignored: fans are the channel counts",
        _with_fans(_channels_only),
        "receptive field",
    ),
    "fan_avg_not_halved": Bug(
        "fan_avg = fan_in + fan_out, not halved", _fan_avg_not_halved, "fan_avg"
    ),
    # Keras 1 on Python 2: (fan_in + fan_out) / 2 of two ints is an integer division
    "fan_avg_floor_division": Bug(
        "fan_avg = (fan_in + fan_out) // 2: integer division",
        _fan_avg_floor_division,
        "fan_avg // 2",
    ),
    **{
        f"mode_{mode}": Bug(
            f"mode {mode!r} used instead of the given mode", _mode(mode), "fan mode"
        )
        for mode in MODES
    },
    # constants of VarianceScaling (keras #8048, tensorflow #16344, tfjs #8594)
    "missing_truncation_correction": Bug(
        "missing the truncated-normal correction 0.8796: sqrt(scale / n) used as the parent std",
        _variance_scaling(
            lambda i: _family(i) == "truncated_normal",
            lambda i, n, f: TruncatedNormalLaw(0.0, math.sqrt(i.scale / n)),
        ),
        "0.8796 missing",
    ),
    "uniform_limit_without_three": Bug(
        "uniform limit sqrt(scale / n): the factor 3 is missing",
        _variance_scaling(
            lambda i: _family(i) == "uniform",
            lambda i, n, f: Uniform(-math.sqrt(i.scale / n), math.sqrt(i.scale / n)),
        ),
        "uniform limit",
    ),
    "he_scale_1_96": Bug("scale 1.96 instead of 2 (std 1 % low)", _he_scale_1_96, "scale 1.96"),
    # families
    "untruncated_normal": Bug(
        "untruncated normal where a truncated one is specified", _untruncated, "untruncated"
    ),
    "truncated_normal": Bug(
        "truncated normal where an untruncated one is specified", _truncated, "truncated"
    ),
    "uniform_instead_of_normal": Bug(
        "uniform law where a (truncated) normal is specified",
        _variance_scaling(
            lambda i: _family(i) == "truncated_normal",
            lambda i, n, f: variance_scaling_law(i.scale, n, "uniform"),
        ),
        "wrong family",
    ),
    "normal_instead_of_uniform": Bug(
        "normal law where a uniform one is specified",
        _variance_scaling(
            lambda i: _family(i) == "uniform",
            lambda i, n, f: variance_scaling_law(i.scale, n, "truncated_normal"),
        ),
        "wrong family",
    ),
    # truncation (pytorch-image-models #1286, pytorch #155588, transformers #27906)
    "absolute_truncation": Bug(
        "truncated at mean ± 2 in absolute units, not mean ± 2·stddev",
        _of(TruncatedNormal, lambda i: AbsoluteTruncation(i.mean, i.stddev)),
        "truncation",
    ),
    "stddev_as_output_std": Bug(
        "stddev taken as the output's std (parent std = stddev / 0.8796)",
        _of(
            TruncatedNormal,
            lambda i: TruncatedNormalLaw(i.mean, i.stddev / TRUNCATED_NORMAL_STD_FACTOR),
        ),
        "truncation",
    ),
    "clipped_truncation": Bug(
        "values beyond the bounds clipped to them instead of redrawn", label="clipped"
    ),
    # 16-bit outputs computed in 16-bit arithmetic (PyTorch #145498: trunc_normal_ on
    # bfloat16/float16 drew its uniform and evaluated erfinv in the low precision)
    "low_precision_arithmetic": Bug(
        "the draw computed in the 16-bit dtype's own arithmetic (uniform, inverse CDF, "
        "scaling), not in float32 and rounded once",
        label="16-bit arithmetic",
    ),
    # defaults of another framework (torch.nn.init)
    "torch_normal_default": Bug(
        "torch's default std=1.0 used",
        _of(RandomNormal, lambda i: Normal(i.mean, 1.0)),
        "another default",
    ),
    "torch_uniform_default": Bug(
        "torch's default interval [0, 1) used",
        _of(RandomUniform, lambda i: Uniform(0.0, 1.0)),
        "another default",
    ),
    "symmetric_uniform": Bug(
        "interval [-maxval, maxval) used",
        _of(RandomUniform, lambda i: Uniform(-i.maxval, i.maxval)),
        "symmetric interval",
    ),
    # calls and seeds: not a law of the output, a way of drawing it (conformance/test_calls.py
    # and test_seeds.py name them; keras-hub #352, keras #19361 are of this family)
    "unseeded_law": Bug(
        "unseeded instances draw from another law than seeded ones", label="unseeded law"
    ),
    "later_calls_law": Bug(
        "the second and later calls of an instance draw from another law than its first call",
        label="later calls",
    ),
    "related_seed_streams": Bug(
        "two distinct seeds give related streams (a seed-derivation bug)", label="related seeds"
    ),
    "global_state_touched": Bug(
        "a seeded call changes the process's global random state (it reseeds it or draws from it)",
        label="global state",
    ),
    "fixed_process_seed": Bug(
        "unseeded draws start from the same state in every process (a fixed default seed)",
        label="fixed seed",
    ),
    "process_dependent_seed": Bug(
        "a seeded stream depends on the process, not only on the seed (a per-process hash, "
        "id or state mixed into it)",
        label="per-process seed",
    ),
}


def laws_of_bugs(init: Initializer, shape: tuple[int, ...]) -> Iterator[tuple[str, ElementwiseLaw]]:
    """``(key, law)`` of every bug of the catalogue that changes ``init`` on ``shape``."""
    for key, bug in BUGS.items():
        law = bug.law(init, shape) if bug.law is not None else None
        if law is not None:
            yield key, law
