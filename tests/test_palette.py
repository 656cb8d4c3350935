"""The palettes are derived from the bug catalogue, not picked: a palette change for speed
cannot silently drop a class of bugs.

For every fan bug of ``reference/bugs.py`` (every way of computing the fans or the divisor
n of VarianceScaling), test_fans' shapes hold one where the bug moves the std by at least
10 %, *and* where the variance test, on the number of values test_fans pools there,
detects that move with power >= 0.9 at the Hypothesis tier's alpha.
"""

import math

import pytest

from initializer_conformance import reference
from initializer_conformance.conformance import stats
from initializer_conformance.conformance.run import PINNED_EXAMPLES, Run
from initializer_conformance.conformance.sampling import MAX_CALLS, N_TARGET
from initializer_conformance.conformance.strategies import (
    ELEMENTWISE_EXAMPLES,
    FAN_EXAMPLES,
    FAN_MAX_CALLS,
    FAN_SHAPES,
    MATRIX_EXAMPLES,
)
from initializer_conformance.reference.bugs import BUGS
from initializer_conformance.reference.variance_scaling import MODES

#: The bugs of the catalogue that are a wrong n of VarianceScaling (fans or mode).
FAN_BUGS = (
    "swapped_fans",
    "torch_layout_fans",
    "receptive_field_ignored",
    "fan_avg_not_halved",
    "fan_avg_floor_division",
    *(f"mode_{mode}" for mode in MODES),
)
FAMILIES = ("normal", "uniform")  # edition keras2: "normal" is the truncated normal
ALPHA = Run().hypothesis_alpha  # the default (ci) profile's


def pooled(shape, max_calls):
    size = max(1, math.prod(shape))
    return size * max(1, min(max_calls, math.ceil(N_TARGET / size)))


def detected_on(bug: str, shape) -> bool:
    """Whether some config of VarianceScaling (mode x family) on ``shape`` has ``bug`` move
    the std by >= 10 % and beyond what test_fans' variance test detects with power 0.9."""
    n = pooled(shape, FAN_MAX_CALLS)
    for mode in MODES:
        for family in FAMILIES:
            init = reference.make(
                "VarianceScaling", {"scale": 1.0, "mode": mode, "distribution": family}
            )
            wrong = BUGS[bug].law(init, shape)
            if wrong is None:
                continue
            spec = init.law(shape)
            ratio = wrong.std / spec.std
            low, high = stats.detectable_std_errors(spec, n, ALPHA, 0.9)
            if abs(ratio - 1) >= 0.1 and (ratio > 1 + high or ratio < 1 - low):
                return True
    return False


@pytest.mark.parametrize("bug", FAN_BUGS)
def test_every_fan_bug_is_detectable_on_a_fan_shape(bug):
    shapes = [*FAN_SHAPES, *(case.shape for case in FAN_EXAMPLES)]
    assert any(detected_on(bug, shape) for shape in shapes), (
        f"no shape of test_fans' palette shows {bug!r} with power 0.9"
    )


def test_catalogue_fan_bugs_are_all_listed():
    """A new fan bug in the catalogue must be added here (and so checked above)."""
    fan_like = {key for key in BUGS if "fan" in key or key.startswith("mode_")}
    assert fan_like <= set(FAN_BUGS)


def test_integer_division_needs_the_small_odd_kernel():
    """The palette's only shape for fan_avg's integer division is (1, 2): without it (or
    with fewer calls pooled) the class would be silently dropped."""
    shapes = [*FAN_SHAPES, *(case.shape for case in FAN_EXAMPLES if case.shape != (1, 2))]
    assert not any(detected_on("fan_avg_floor_division", shape) for shape in shapes)
    assert pooled((1, 2), MAX_CALLS) < pooled((1, 2), FAN_MAX_CALLS)


def test_pinned_examples_fit_the_budget():
    """The alpha of a Hypothesis test is budgeted for PINNED_EXAMPLES pinned cases."""
    for examples in (ELEMENTWISE_EXAMPLES, FAN_EXAMPLES, MATRIX_EXAMPLES):
        assert len(examples) <= PINNED_EXAMPLES
