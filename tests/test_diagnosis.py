"""The likely causes a failure names (``conformance/diagnosis.py``, issue #28 item 3): the
best fit, and another only when the sample fits it as well (two bugs of one law)."""

import numpy as np
import pytest

from initializer_conformance import reference
from initializer_conformance.conformance import diagnosis
from initializer_conformance.conformance.sampling import Context
from initializer_conformance.reference import KERAS2

SHAPE = (3, 3, 16, 32)


def _causes(reference_run, bug: str) -> list[diagnosis.Cause]:
    law = reference.make("he_normal", {}).law(SHAPE)
    (alternative,) = [
        alt for key, alt in diagnosis.candidates("he_normal", {}, SHAPE, KERAS2) if key == bug
    ]
    values = alternative.sample(np.random.default_rng(1), (2000,))
    return diagnosis.diagnose(Context("he_normal", {}, SHAPE, "float32"), law, values, KERAS2)


def test_a_fit_ten_times_worse_is_not_named(reference_run):
    """A sample of sqrt(scale / n) as the parent std fits its bug (p = 0.53), and an
    untruncated normal only at p = 0.02: one cause."""
    (cause,) = _causes(reference_run, "missing_truncation_correction")
    assert cause.bug == "missing_truncation_correction" and cause.pvalue > 0.1
    assert cause.text.startswith("missing the truncated-normal correction")


def test_two_bugs_of_one_law_are_both_named(reference_run):
    """he_normal's swapped fans and mode 'fan_out' give the same law: the sample cannot tell
    them apart, and both are named."""
    causes = _causes(reference_run, "swapped_fans")
    assert {c.bug for c in causes} == {"swapped_fans", "mode_fan_out"}
    assert {c.as_dict()["label"] for c in causes} == {"fans swapped", "fan mode"}


def test_a_cause_is_a_bug_of_the_catalogue_and_prints_as_the_message_did():
    cause = diagnosis.Cause("swapped_fans", fits="Normal(0, 1)", pvalue=0.25)
    assert str(cause) == "fan_in and fan_out swapped (the sample fits Normal(0, 1): KS p=0.25)"
    assert cause.as_dict() == {
        "bug": "swapped_fans",
        "label": "fans swapped",
        "cause": "fan_in and fan_out swapped",
        "text": str(cause),
        "p": 0.25,
    }
    assert str(diagnosis.Cause("related_seed_streams", "seeds 1 and 2")).endswith(": seeds 1 and 2")
    with pytest.raises(KeyError, match="no bug 'swaped_fans'"):
        diagnosis.Cause("swaped_fans")
