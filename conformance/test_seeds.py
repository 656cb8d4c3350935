"""Seeds: same seed, same values; distinct seeds, independent values; no seed, fresh values."""

import numpy as np
import pytest

from initializer_conformance.conformance import stats
from initializer_conformance.conformance.assertions import fail, judge
from initializer_conformance.conformance.identifiers import RANDOM
from initializer_conformance.conformance.run import FIXED_ALPHA, current
from initializer_conformance.conformance.sampling import (
    Context,
    as_output,
    call,
    derived_seed,
    generate,
    make,
)

SHAPE = (32, 64)


def _seed(identifier: str, index: int) -> int:
    return derived_seed(current().seed, 1000 + 10 * RANDOM.index(identifier) + index)


def _call(init, identifier: str, config: dict) -> np.ndarray:
    """One more call of the instance ``init``."""
    return as_output(call(init, identifier, config, SHAPE, "float32"), SHAPE, "the call")


@pytest.mark.parametrize("identifier", RANDOM)
def test_seed_reproducible(identifier):
    """Two initializers made separately with one seed return identical values; seed 0
    is a seed like any other (not "no seed")."""
    for seed in (0, _seed(identifier, 0)):
        config = {"seed": seed}
        first, second = (generate(identifier, config, SHAPE, "float32") for _ in range(2))
        if not np.array_equal(first, second):
            fail(
                "seeds",
                f"{identifier}: same seed, different values",
                ctx=Context(identifier, config, SHAPE, "float32"),
                expected="identical arrays",
                observed=f"{int((first != second).sum())} of {first.size} entries differ",
            )


@pytest.mark.parametrize("identifier", RANDOM)
def test_seed_repeated_calls(identifier):
    """One seeded instance called twice (only where the edition specifies it)."""
    if current().edition.seeded_calls_repeat is None:
        pytest.skip(
            f"edition {current().edition.name} does not specify repeated calls of a seeded instance"
        )
    config = {"seed": _seed(identifier, 1)}
    init = make(identifier, config)
    first, second = (_call(init, identifier, config) for _ in range(2))
    if np.array_equal(first, second) != current().edition.seeded_calls_repeat:
        fail(
            "seeds",
            f"{identifier}: repeated calls of one seeded instance",
            ctx=Context(identifier, config, SHAPE, "float32"),
            expected=f"{'identical' if current().edition.seeded_calls_repeat else 'different'} "
            f"values (edition {current().edition.name})",
            observed="the opposite",
        )


@pytest.mark.parametrize("identifier", RANDOM)
def test_seed_distinct_independent(identifier):
    """Distinct seeds give different, uncorrelated values."""
    seeds = _seed(identifier, 2), _seed(identifier, 3)
    a, b = (generate(identifier, {"seed": s}, SHAPE, "float32") for s in seeds)
    ctx = Context(identifier, {"seed": list(seeds)}, SHAPE, "float32")
    if np.array_equal(a, b):
        fail(
            "seeds",
            f"{identifier}: distinct seeds, identical values",
            ctx=ctx,
            expected="different values",
            observed="identical arrays (the seed is ignored?)",
        )
    verdict = stats.correlation(a, b, FIXED_ALPHA, "outputs of two seeds")
    judge(
        "seeds",
        f"{identifier}: outputs of distinct seeds are correlated",
        ctx=ctx,
        verdicts=[verdict],
        expected="independent outputs (zero correlation)",
        observed=f"r = {verdict.effect}",
        causes=(),
    )


@pytest.mark.parametrize("identifier", RANDOM)
def test_unseeded_calls_differ(identifier):
    """``seed=None``: each instance returns fresh values; so does each call, unless the
    edition says that one unseeded instance repeats (Keras 3)."""
    ctx = Context(identifier, {"seed": None}, SHAPE, "float32")
    init = make(identifier, {"seed": None})
    first, second = (_call(init, identifier, {"seed": None}) for _ in range(2))
    other = generate(identifier, {"seed": None}, SHAPE, "float32")
    if np.array_equal(first, other):
        fail(
            "seeds",
            f"{identifier}: two unseeded instances returned identical values",
            ctx=ctx,
            expected="fresh values in every unseeded instance",
            observed="identical arrays",
        )
    repeat = current().edition.unseeded_calls_repeat
    if np.array_equal(first, second) != repeat:
        fail(
            "seeds",
            f"{identifier}: two calls of one unseeded instance returned "
            f"{'different' if repeat else 'identical'} values",
            ctx=ctx,
            expected=f"{'identical' if repeat else 'fresh'} values on every call of one "
            f"unseeded instance (edition {current().edition.name})",
            observed=f"{'different' if repeat else 'identical'} arrays",
        )
