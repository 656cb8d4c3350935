"""The likely causes a failure names (``conformance/diagnosis.py``, issue #28 item 3): the
best fit, and another only when the sample fits it as well (two bugs of one law)."""

import numpy as np

from initializer_conformance import reference
from initializer_conformance.conformance import diagnosis
from initializer_conformance.conformance.sampling import Context
from initializer_conformance.reference import KERAS2

SHAPE = (3, 3, 16, 32)


def _causes(reference_run, marker: str) -> list[str]:
    law = reference.make("he_normal", {}).law(SHAPE)
    (alternative,) = [
        alt
        for cause, alt in diagnosis.candidates("he_normal", {}, SHAPE, KERAS2)
        if marker in cause
    ]
    values = alternative.sample(np.random.default_rng(1), (2000,))
    return diagnosis.diagnose(Context("he_normal", {}, SHAPE, "float32"), law, values, KERAS2)


def test_a_fit_ten_times_worse_is_not_named(reference_run):
    """A sample of sqrt(scale / n) as the parent std fits its bug (p = 0.53), and an
    untruncated normal only at p = 0.02: one cause."""
    (cause,) = _causes(reference_run, "0.8796")
    assert cause.startswith("missing the truncated-normal correction")


def test_two_bugs_of_one_law_are_both_named(reference_run):
    """he_normal's swapped fans and mode 'fan_out' give the same law: the sample cannot tell
    them apart, and both are named."""
    causes = _causes(reference_run, "swapped")
    assert len(causes) == 2
    assert {c.split(" (")[0] for c in causes} == {
        "fan_in and fan_out swapped",
        "mode 'fan_out' used instead of the given mode",
    }
