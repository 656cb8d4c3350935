"""The structure checks (conformance/test_structure.py) in-process: conforming float32
generators pass them, each structural mutant fails its check, and the failure names the
likely cause (the mutants of this family have no catalogued cause in reference/bugs.py,
so tests/test_mutants.py cannot check their message)."""

import numpy as np
import pytest

from initializer_conformance import reference
from initializer_conformance.adapters import conforming, mutants
from initializer_conformance.conformance import test_structure as checks

CHECKS = {
    "test_float64_precision": checks.test_float64_precision,
    "test_repeats": checks.test_repeats,
    "test_moments": checks.test_moments,
    "test_serial_dependence": checks.test_serial_dependence,
}
IDENTIFIERS = ("RandomNormal", "RandomUniform", "TruncatedNormal", "glorot_uniform")


@pytest.mark.parametrize("adapter", [conforming.TorchLikeFloat32, conforming.JaxLikeFloat32])
@pytest.mark.parametrize("identifier", IDENTIFIERS)
def test_conforming_float32_generators_pass(reference_run, adapter, identifier):
    """A 23-bit (JAX) or 24-bit (torch) uniform grid, float32 arithmetic, clamps at the
    bounds: repeats up to the bound, the right shape and no dependence."""
    reference_run.adapter = adapter()
    for check in CHECKS.values():
        check(identifier)


CAUGHT = {
    "Float64ComputedInFloat32": (
        "RandomUniform",
        "float64 output computed in float32 and cast: 100.00% of the values are float32",
    ),
    "TenBitLevels": (
        "TruncatedNormal",
        "values on a coarse grid: as many coinciding pairs as 1024",
    ),
    "RecycledBlock": ("he_normal", "recycled values: each output repeats one block of 1000"),
    "ShapeCachedOutputs": ("RandomNormal", "recycled outputs: calls 1 and 2, with distinct seeds"),
    "StudentTNormal": ("RandomNormal", "tails heavier than the law's (kurtosis 3.0"),
    "SignFollowsMagnitude": ("glorot_uniform", "each value depends on its neighbour along rows"),
}


@pytest.mark.parametrize("name", CAUGHT)
def test_each_structural_mutant_fails_its_check_with_its_cause(reference_run, name):
    mutant = mutants.MUTANTS[name]
    identifier, cause = CAUGHT[name]
    reference_run.adapter = mutant()
    with pytest.raises(AssertionError) as failure:
        CHECKS[mutant.caught_by](identifier)
    assert f"likely cause: {cause}" in str(failure.value), str(failure.value)


def test_the_float64_check_names_a_coarse_float64_generator(reference_run):
    """float64 values scaled from float32 uniforms are not float32 numbers, but they repeat:
    the check counts both."""

    class Float32Uniforms(mutants.Mutant):
        def mutate(self, name, config, init):
            def call(shape, dtype=None):
                law = init.law(tuple(shape))
                u = init.rng().random(tuple(shape), dtype=np.float32).astype(np.float64)
                return law.low + (law.high - law.low) * u

            return call if isinstance(init, reference.RandomUniform) else init

    reference_run.adapter = Float32Uniforms()
    with pytest.raises(AssertionError, match="likely cause: float64 values on a coarse grid"):
        checks.test_float64_precision("RandomUniform")
