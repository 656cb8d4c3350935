"""Edge values (issue #26, B): the reference's decisions (SPEC.md, decision 13), the checks
of conformance/test_edges.py in-process (the reference passes each, the edge mutants fail
theirs with the failure a user would read), and the framework declarations' reasons."""

import warnings

import numpy as np
import pytest

from initializer_conformance import reference
from initializer_conformance.adapters import mutants
from initializer_conformance.conformance import test_edges as checks
from initializer_conformance.conformance.identifiers import ALL, RANDOM
from initializer_conformance.reference.base import MAX_SEED


@pytest.mark.parametrize("identifier", ALL)
@pytest.mark.parametrize("shape", checks.EMPTY_SHAPES)
def test_reference_empty_shapes(identifier, shape):
    """An empty array of the shape and dtype, or the initializer's own ValueError (rank < 2
    for Orthogonal, not square for Identity): never a fan of 0 divided by."""
    config = {"seed": 1} if identifier in RANDOM else {}
    init = reference.make(identifier, config)
    rejected = (identifier == "Orthogonal" and len(shape) < 2) or (
        identifier == "Identity" and shape != (0, 0)
    )
    if rejected:
        with pytest.raises(ValueError):
            init(shape, "float32")
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = init(shape, "bfloat16")
    assert out.shape == shape and out.size == 0 and out.dtype.name == "bfloat16"


@pytest.mark.parametrize("identifier", checks.ZERO_SPREAD)
def test_reference_zero_spread_is_the_constant(identifier):
    knobs, value = checks.ZERO_SPREAD[identifier]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = reference.make(identifier, {**knobs, "seed": 3})((5, 5), "float64")
    assert np.all(out == value)


def test_reference_constant_overflow_is_inf_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.all(reference.Constant(1e5)((2,), "float16") == np.inf)
        assert np.all(reference.Constant(-1e39)((2,), "bfloat16") == -np.inf)
        assert np.all(reference.Constant(65519.0)((2,), "float16") == 65504.0)
        assert np.all(reference.Constant(65520.0)((2,), "float16") == np.inf)


def test_reference_signed_zeros():
    for dtype in ("float16", "bfloat16", "float32", "float64"):
        assert np.all(np.signbit(reference.Constant(-0.0)((3,), dtype).astype(np.float64)))
        assert not np.any(np.signbit(reference.Zeros()((3,), dtype).astype(np.float64)))


def test_largest_seed_is_32_bits_and_its_own_stream():
    assert MAX_SEED == 2**32 - 1
    a, b = (reference.RandomNormal(seed=MAX_SEED)((8,)) for _ in range(2))
    assert np.array_equal(a, b)
    assert not np.array_equal(a, reference.RandomNormal(seed=2**31 - 1)((8,)))


CHECKS = {
    "test_empty_shape": (checks.test_empty_shape, ALL),
    "test_zero_spread": (checks.test_zero_spread, list(checks.ZERO_SPREAD)),
    "test_zero_gain": (checks.test_zero_gain, ["Orthogonal", "Identity"]),
    "test_signed_zero": (checks.test_signed_zero, ["Constant", "Zeros"]),
    "test_largest_seed": (checks.test_largest_seed, RANDOM),
}


@pytest.mark.parametrize("name", CHECKS)
def test_the_reference_passes_every_edge_check(reference_run, name):
    check, identifiers = CHECKS[name]
    for identifier in identifiers:
        check(identifier)
    for value, dtype in checks.OVERFLOW:
        checks.test_constant_overflow(value, dtype)


CAUGHT = {
    "ZeroFanDivision": (
        "glorot_uniform",
        "the empty shape (0, 0): the call raised",  # fan_avg of (0, 0) is 0
        "raised ZeroDivisionError",
    ),
    "TruncatedNormalZeroStddevNaN": ("TruncatedNormal", "non-finite values (NaN or Inf)", ""),
}


@pytest.mark.parametrize("name", CAUGHT)
def test_each_edge_mutant_fails_its_check(reference_run, name):
    mutant = mutants.MUTANTS[name]
    identifier, title, observed = CAUGHT[name]
    reference_run.adapter = mutant()
    check = CHECKS[mutant.caught_by][0]
    with pytest.raises(AssertionError) as failure:
        check(identifier)
    assert title in str(failure.value) and observed in str(failure.value), str(failure.value)


def test_the_edge_mutants_are_the_reference_elsewhere(reference_run):
    """Off their edge, the mutants draw what the reference draws (ZeroFanDivision) or a
    truncated normal of the law (TruncatedNormalZeroStddevNaN, by the inverse CDF)."""
    same = mutants.ZeroFanDivision().make("he_normal", {"seed": 4})((3, 5), "float32")
    assert np.array_equal(same, reference.make("he_normal", {"seed": 4})((3, 5), "float32"))
    x = mutants.TruncatedNormalZeroStddevNaN().make("TruncatedNormal", {"seed": 4})(
        (10_000,), "float64"
    )
    assert np.all(np.abs(x) <= 0.1) and abs(x.std() / (0.05 * 0.8796256610342398) - 1) < 0.03
