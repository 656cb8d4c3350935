"""``conformance/test_calls.py`` and the global-state and fresh-process checks of
``conformance/test_seeds.py``, run in-process: their sample sizes have the power the
module states, they follow the edition, and their optional adapter hook works."""

import math

import numpy as np
import pytest

from initializer_conformance import reference
from initializer_conformance.adapters.mutants import UnseededWiderLaw
from initializer_conformance.adapters.reference_numpy import (
    ReferenceAdapter,
    ReferenceKeras3Adapter,
)
from initializer_conformance.conformance import stats
from initializer_conformance.conformance.fixed_cases import (
    CALLS_SHAPE as SHAPE,
)
from initializer_conformance.conformance.fixed_cases import (
    CALLS_SOURCES as SOURCES,
)
from initializer_conformance.conformance.fixed_cases import (
    calls_config as config_of,
)
from initializer_conformance.conformance.fixed_cases import (
    calls_per_source as per_source,
)
from initializer_conformance.conformance.run import FIXED_ALPHA
from initializer_conformance.conformance.test_calls import test_calls as calls_check
from initializer_conformance.conformance.test_seeds import (
    test_seeded_calls_leave_global_state as global_state_check,
)
from initializer_conformance.conformance.test_seeds import (
    test_unseeded_differs_across_processes as fresh_process_check,
)
from initializer_conformance.reference import KERAS2, KERAS3


@pytest.mark.parametrize("identifier", ["RandomNormal", "TruncatedNormal", "RandomUniform"])
@pytest.mark.parametrize("factor", [1.05, 0.95])
def test_a_five_percent_error_in_one_source_is_seen(identifier, factor):
    """The pool's size as drawn (whole calls): the variance test sees a 5 % error of the
    std in one source of three at the fixed tier's alpha in at least 99 of 100 replicates
    (benchmarks/calls_and_seeds.py measures more)."""
    law = reference.make(identifier, config_of(identifier)).law(SHAPE)
    size = math.prod(SHAPE)
    n = math.ceil(per_source(law) / size) * size
    rng = np.random.default_rng(11)
    hits = 0
    for _ in range(100):
        parts = [law.sample(rng, (n,)) for _ in range(SOURCES)]
        parts[0] = law.mean + factor * (parts[0] - law.mean)
        hits += not stats.variance(np.concatenate(parts), law, FIXED_ALPHA).passed
    assert hits >= 99


def test_the_reference_passes_in_its_edition(reference_run):
    calls_check("glorot_uniform")
    reference_run.adapter, reference_run.edition = ReferenceKeras3Adapter(), KERAS3
    calls_check("glorot_uniform")


def test_fresh_later_calls_fail_where_the_edition_says_they_repeat(reference_run):
    reference_run.adapter, reference_run.edition = ReferenceAdapter(), KERAS3
    with pytest.raises(AssertionError, match="a later call of one unseeded instance differs"):
        calls_check("glorot_uniform")


def test_repeating_later_calls_add_nothing_where_the_edition_says_they_are_fresh(
    reference_run,
):
    """That is test_unseeded_calls_differ's finding (a Keras 3 port under keras2): the
    pool holds the unseeded instances' first calls only, and they pass."""
    reference_run.adapter, reference_run.edition = ReferenceKeras3Adapter(), KERAS2
    calls_check("glorot_uniform")

    class WiderKeras3(UnseededWiderLaw):  # what the pool holds is law-tested
        edition = "keras3"

    reference_run.adapter = WiderKeras3()
    with pytest.raises(AssertionError, match="unseeded instances draw from another law"):
        calls_check("glorot_uniform")


class GlobalGeneratorPort(ReferenceAdapter):
    """Unseeded draws come from one "framework" generator that ``seed_global`` seeds (as
    torch's default generator and ``torch.manual_seed``); seeded draws have their own."""

    name = "global-generator-port"
    reseeds_on_seeded_calls = False

    def __init__(self):
        self.generator = np.random.default_rng(0)

    def seed_global(self, seed: int) -> None:
        self.generator = np.random.default_rng(seed)

    def make(self, identifier, config):
        init = super().make(identifier, config)
        if not isinstance(init, reference.base.RandomInitializer):
            return init
        if config.get("seed") is None:
            init.rng = lambda: self.generator
            return init

        def call(shape, dtype=None):
            if self.reseeds_on_seeded_calls:  # as the mlx, paddle and tinygrad ports do
                self.seed_global(config["seed"])
            return init(shape, dtype)

        return call


class ReseedingPort(GlobalGeneratorPort):
    name = "reseeding-port"
    reseeds_on_seeded_calls = True


def test_the_global_generator_hook(reference_run):
    reference_run.adapter = GlobalGeneratorPort()
    global_state_check("RandomNormal")
    reference_run.adapter = ReseedingPort()
    with pytest.raises(AssertionError, match="changed the framework's global generator"):
        global_state_check("RandomNormal")


def test_a_seeded_draw_that_reads_the_global_state_fails(reference_run):
    class ReadsGlobal(GlobalGeneratorPort):
        def make(self, identifier, config):
            init = super().make(identifier, config)
            if config.get("seed") is None or identifier != "RandomNormal":
                return init
            return lambda shape, dtype=None: init(shape, dtype) + self.generator.random()

    reference_run.adapter = ReadsGlobal()
    with pytest.raises(AssertionError, match="a seeded draw depends on the global random state"):
        global_state_check("RandomNormal")


def test_no_fresh_process_without_an_impl(reference_run):
    reference_run.impl = ""
    with pytest.raises(pytest.skip.Exception, match="not named by --impl"):
        fresh_process_check("RandomNormal")
