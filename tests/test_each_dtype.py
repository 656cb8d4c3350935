"""Seeds, independence and structure in every floating dtype (issue #26, D): the helpers of
conformance/each_dtype.py, the reference passing the seed checks in every dtype in-process,
and the mutant whose 16-bit path ignores the seed failing them."""

import numpy as np
import pytest

from initializer_conformance.adapters import mutants
from initializer_conformance.adapters.reference_numpy import ReferenceAdapter
from initializer_conformance.conformance import each_dtype
from initializer_conformance.conformance import test_independence as independence
from initializer_conformance.conformance import test_seeds as seeds
from initializer_conformance.conformance.sampling import Unsupported


def test_break_ties_keeps_the_order_of_distinct_values_and_breaks_every_tie():
    x = np.array([0.5, 0.25, 0.5, 0.5, 1.0, 0.25])
    y = each_dtype.break_ties(x, 3)
    assert np.unique(y).size == x.size
    assert np.all(np.argsort(x, kind="stable")[[0, 1]] == np.sort(np.flatnonzero(x == 0.25)))
    order = np.argsort(y)
    assert list(x[order]) == sorted(x)  # distinct values keep their order
    distinct = np.array([0.1, 0.3, 0.2])
    assert np.array_equal(each_dtype.break_ties(distinct, 3), distinct)


class Float16Unsupported(ReferenceAdapter):
    name = "float16-unsupported"

    def make(self, identifier, config):
        init = super().make(identifier, config)

        def call(shape, dtype=None):
            if dtype == "float16":
                raise NotImplementedError("no float16 here")
            return init(shape, dtype)

        return call


class Float32Unsupported(Float16Unsupported):
    def make(self, identifier, config):
        init = super().make(identifier, config)

        def call(shape, dtype=None):
            if dtype == "float32":
                raise NotImplementedError("no float32 here")
            return init(shape, dtype)

        return call


def test_each_leaves_out_an_unsupported_dtype_but_not_float32(reference_run):
    from initializer_conformance.conformance.sampling import generate

    reference_run.adapter = Float16Unsupported()
    drawn = each_dtype.each(lambda d: generate("RandomNormal", {"seed": 1}, (2, 2), d))
    assert list(drawn) == ["float32", "bfloat16", "float64"]
    reference_run.adapter = Float32Unsupported()
    with pytest.raises(Unsupported):
        each_dtype.each(lambda d: generate("RandomNormal", {"seed": 1}, (2, 2), d))


@pytest.mark.parametrize(
    "check",
    [
        seeds.test_seed_reproducible,
        seeds.test_seed_repeated_calls,
        seeds.test_unseeded_calls_differ,
        seeds.test_seeded_calls_leave_global_state,
        seeds.test_seed_distinct_independent,
    ],
)
def test_the_reference_passes_the_seed_checks_in_every_dtype(reference_run, check, request):
    try:
        check("TruncatedNormal")
    except pytest.skip.Exception:
        assert check is seeds.test_seed_repeated_calls  # keras2 does not specify it
    spent = [test for test, _ in reference_run.spent]
    if check is seeds.test_seed_distinct_independent:
        assert len(spent) == 3, spent  # one test per family, as in float32 alone
        assert ["14" in spent[0], "28" in spent[1], "28" in spent[2]] == [True] * 3, spent


def test_the_reference_passes_independence_in_every_dtype(reference_run):
    independence.test_independence("RandomUniform")
    assert len(reference_run.spent) == 2


def test_a_16_bit_path_that_ignores_the_seed_fails_reproducibility(reference_run):
    reference_run.adapter = mutants.SeedIgnored16Bit()
    with pytest.raises(AssertionError) as failure:
        seeds.test_seed_reproducible("RandomNormal")
    assert "same seed, different values" in str(failure.value)
    assert "dtype=float16" in str(failure.value)
    float32 = reference_run.adapter.make("RandomNormal", {"seed": 5})
    assert np.array_equal(float32((3, 3), "float32"), float32((3, 3), "float32"))
