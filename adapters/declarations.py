"""Known deviations the built-in adapters share: how they are declared, and the
departures from the Keras 2 page that several frameworks make (each adapter narrows them
by ``match`` to the failure they explain; see ``conformance/deviations.py``)."""

from __future__ import annotations

from .keras_api import FAN_SCALED, NORMAL_PRESETS


def declare(*groups: dict) -> dict:
    """Merge groups of ``{check: entry}`` into ``{check: [entries]}`` (a check may have
    several narrowed entries, one per failure)."""
    merged: dict[str, list] = {}
    for group in groups:
        for check, entry in group.items():
            merged.setdefault(check, []).append(entry)
    return merged


def deviating(checks, reason: str, match: str) -> dict:
    """One known deviation of several checks: ``{check: {reason, match}}``."""
    return {check: {"reason": reason, "match": match} for check in checks}


def fans_undefined_below_rank_2(where: str, match: str, empty_shape: bool = True) -> dict:
    """The framework's fan function raises for rank 0 and 1 (shapes the Hypothesis
    tier draws); ``match``: the framework's error. ``empty_shape``: the rank-1 empty shape
    (0,) is the first empty shape to fail (else a fan of 0 fails first: declare
    :func:`zero_fans_divided`)."""
    tests = ("law", "scale", "bounds", "fans") + (("empty_shape",) if empty_shape else ())
    return deviating(
        [f"test_{test}[{name}]" for test in tests for name in FAN_SCALED],
        f"{where} raises for rank 0 and 1; the spec defines fans (1, 1) and (n, n)",
        match,
    )


def zero_fans_divided(where: str, names=FAN_SCALED) -> dict:
    """The framework's ``names`` divide by a fan of 0 (a shape with a zero dimension):
    ZeroDivisionError where the spec returns an empty array (SPEC.md, decisions 3 and 13)."""
    return deviating(
        [f"test_empty_shape[{name}]" for name in names],
        f"{where} divides by the fan, which is 0 for a shape with a zero dimension: "
        f"ZeroDivisionError where the spec returns an empty array (its fans are at least 1)",
        "raised ZeroDivisionError",
    )


def untruncated_normal_presets(where: str, names=NORMAL_PRESETS) -> dict:
    """The normal presets ``names`` draw an untruncated normal (of the right std), where
    Keras truncates at 2 std: every failure of theirs whose likely cause is that bug,
    whichever check met it (declared by what it is: no test id, no message text)."""
    return {
        "*": {
            "reason": f"{where} draw an untruncated normal of the right std (by design); "
            f"Keras truncates",
            "cause": "untruncated_normal",
            "initializer": list(names),
        }
    }


# -- 16-bit draws (SPEC.md, decision 12) ---------------------------------------------------

SIXTEEN_BIT = ("float16", "bfloat16")


#: The properties whose checks test the law of an initializer's values, each in every
#: dtype: a 16-bit draw that is not the law rounded once may fail any of them, whichever
#: the profile's examples reach (the quick profile's few examples reach fewer than ci's).
LAW_PROPERTIES = ("law", "scale", "bounds", "calls", "fans", "probes", "structure")


def sixteen_bit_draws(where: str, what: str, dtypes=SIXTEEN_BIT, properties=LAW_PROPERTIES):
    """The framework's float16/bfloat16 draws are not the law rounded once (SPEC.md, decision
    12): ``what`` it does instead. Declared for the failures of 16-bit cases of every
    check of the law (by the failure's dtype and the test's property: no test id, no
    message text), so the same checks in float32 and float64 still fail."""
    return {
        "*": {
            "reason": f"{where}: {what} (reports/frameworks/FINDINGS-16bit.md)",
            "dtype": list(dtypes),
            "property": list(properties),
        }
    }


# -- Keras 3's documented departures (keras, tf_keras) -----------------------------------


def keras3_rules(where: str) -> dict:
    """Keras 3's documented departures from the Keras 2 page, which tf_keras 2.x follows
    too: deviations under edition keras2, the rules of edition keras3."""
    return {
        **deviating(
            ["test_unseeded_calls_differ[*]"],
            f"{where} by design (documented): an unseeded initializer draws its seed "
            f"once, when made, and returns the same values on every call",
            "two calls of one unseeded instance returned identical values",
        ),
        **deviating(
            [
                f"test_spec_value_error[VarianceScaling-{{'distribution': '{name}'}}-(4, 4)]"
                for name in ("truncated_normal", "untruncated_normal")
            ],
            f"{where} by design (documented): VarianceScaling accepts "
            f"distribution='truncated_normal' and 'untruncated_normal' (Keras 2: "
            f"'normal' or 'uniform')",
            "VarianceScaling: invalid input accepted",
        ),
        **deviating(
            [f"test_identity_shape[{shape}]" for shape in ("(2, 3)", "(5, 1)", "(1, 4)")]
            + ["test_empty_shape[Identity]"],  # (0, 3): not square
            f"{where} by design: Identity returns gain * eye(rows, cols) for any 2-D "
            f"shape (Keras 2: square only)",
            "Identity: invalid input accepted",
        ),
    }
