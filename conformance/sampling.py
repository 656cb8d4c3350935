"""Calling the adapter: make initializers, draw outputs, gather large samples.

Every output goes through :func:`as_output`, which turns what the adapter returned
into a NumPy array and fails, saying what was wrong, if it is not an array of the
requested shape with finite values. ``NotImplementedError`` from the adapter
marks the case unsupported (:func:`unsupported`): recorded and counted, never a pass.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import NoReturn

import hypothesis
import numpy as np
import pytest

from initializer_conformance import reference
from initializer_conformance.conformance.run import current
from initializer_conformance.reference import dtypes
from initializer_conformance.reference.editions import Edition

from . import calllog, guard

#: The user property of a check's report that names what the adapter did not support.
UNSUPPORTED = "unsupported"
#: The user property of a check's report that counts the cases it could not test.
UNSUPPORTED_CASES = "unsupported_cases"


class Unsupported(pytest.skip.Exception):
    """The adapter raised ``NotImplementedError``: the check is recorded as unsupported
    (a skip, never a pass), and the plugin puts ``identifier`` on its report."""

    def __init__(self, identifier: str, message: str):
        super().__init__(message)
        self.identifier = identifier


@dataclass(frozen=True, eq=False)
class Context:
    """What was asked of the adapter (identifier, config, shape, dtype), and under which
    edition of the spec."""

    identifier: str
    config: dict
    shape: tuple[int, ...]
    dtype: str
    edition: Edition = field(default_factory=lambda: current().edition, repr=False)

    def __str__(self) -> str:
        return f"{self.identifier}({self.config}), shape={self.shape}, dtype={self.dtype}"

    def call(self) -> str:
        return f"adapter.make({self.identifier!r}, {self.config!r})({self.shape!r}, {self.dtype!r})"

    def law(self):
        """The spec's law for this context (``ValueError`` if the spec rejects it)."""
        return reference.make(self.identifier, self.config, self.edition).law(self.shape)

    def derivation(self) -> str:
        """How the law's numbers follow from the shape, for the fan-scaled initializers."""
        init = reference.make(self.identifier, self.config, self.edition)
        if not isinstance(init, reference.VarianceScaling):
            return ""
        fan_in, fan_out = reference.fans(self.shape)
        n = reference.variance_scaling.MODES[init.mode](fan_in, fan_out)
        return (
            f"VarianceScaling(scale={init.scale}, mode={init.mode!r}, "
            f"distribution={init.distribution!r}): fans{self.shape} = (fan_in={fan_in}, "
            f"fan_out={fan_out}), n = {n:g}, variance = scale / n = {init.scale / n:.6g}, "
            f"std = {np.sqrt(init.scale / n):.6g}"
        )


def unsupported(identifier: str, error: NotImplementedError, case: str = "") -> NoReturn:
    """What the adapter does not support: in a Hypothesis example, that case is recorded
    (``Run.unsupported``) and rejected, so the property goes on testing the cases the
    adapter supports (other dtypes, configs) and draws as many of them as the profile
    says; outside one (a fixed check), the check is unsupported. A property whose every
    case was unsupported is reported unsupported by the plugin, never a pass."""
    run = current()
    message = f"{run.adapter.name} raised NotImplementedError: {error}"
    if hypothesis.currently_in_test_context():
        run.unsupported.append((identifier, f"{identifier}{case}", message))
        if run.supported or len(run.unsupported) < UNSUPPORTED_STREAK:
            hypothesis.reject()
        # Nothing supported in the first cases: the property tests nothing (without this,
        # Hypothesis would try hundreds of cases before giving up).
        cases = ", ".join(sorted({c for _, c, _ in run.unsupported}))
        raise Unsupported(
            identifier,
            f"{UNSUPPORTED}: tested nothing: the first {len(run.unsupported)} "
            f"cases were unsupported ({cases}); e.g. {identifier}{case}: {message}",
        )
    raise Unsupported(identifier, f"{UNSUPPORTED}: {identifier}{case}: {message}")


#: Unsupported cases in a row, none supported, after which a property stops: a property
#: draws a dtype the adapter lacks with probability <= 3/4 per case (one of four float
#: dtypes supported), so a supported case is missed 20 times in a row with p <= 0.3 %.
UNSUPPORTED_STREAK = 20


def make(identifier: str, config: dict):
    """``adapter.make(identifier, config)``; a skip if the adapter does not support it."""
    try:
        return guard.call(
            f"adapter.make({identifier!r}, {config!r})",
            current().adapter.make,
            identifier,
            dict(config),
        )
    except NotImplementedError as error:
        unsupported(identifier, error, f"({_knobs(config)})")


def _knobs(config: dict) -> str:
    """The config without its seed: what an unsupported case is recorded as."""
    return ", ".join(f"{k}={v!r}" for k, v in config.items() if k != "seed")


def call(init, identifier: str, config: dict, shape: tuple[int, ...], dtype: str):
    """``init(shape, dtype)``, what the adapter returned, unconverted; a skip if the
    adapter does not support it."""
    if calllog.ENABLED:  # benchmarks/frameworks.py counts the calls
        calllog.before_call()
    try:
        out = guard.call(
            Context(identifier, config, shape, dtype).call(), init, tuple(shape), dtype
        )
        current().supported += 1
        if calllog.ENABLED:
            calllog.log_call(identifier, shape, dtype)
        return out
    except NotImplementedError as error:
        unsupported(identifier, error, f" in {dtype}")


def as_output(out, shape: tuple[int, ...], where: str) -> np.ndarray:
    """``numpy.asarray(out)``, checked for shape and finiteness (dtype is checked apart)."""
    claimed = getattr(out, "shape", None)
    if isinstance(claimed, tuple):  # checked before converting: the array may be huge
        _check_shape(tuple(claimed), shape, where, out)
    try:
        array = np.asarray(out)
    except Exception as error:
        raise AssertionError(
            f"{where} returned {type(out).__name__}, which numpy.asarray cannot convert: "
            f"{type(error).__name__}: {error}"
        ) from error
    floating = array.dtype.kind == "f" or array.dtype.name in dtypes.SIXTEEN_BIT  # bfloat16: "V"
    if array.dtype == object or not (floating or array.dtype.kind in "biu"):
        raise AssertionError(
            f"{where} returned a {type(out).__name__} of dtype {array.dtype}, "
            f"expected a numeric array"
        )
    _check_shape(array.shape, shape, where, out)
    if floating and not np.isfinite(array).all():
        bad = int(np.size(array) - np.isfinite(array).sum())
        raise AssertionError(
            f"{where} returned {bad} non-finite values (NaN or Inf) of {array.size}"
        )
    return array


def _check_shape(got: tuple, shape: tuple[int, ...], where: str, out) -> None:
    if got != tuple(shape):
        raise AssertionError(
            f"{where} returned a {type(out).__name__} of shape {got}, expected {tuple(shape)} "
            f"(Keras layout: a kernel is (*receptive_field, in, out); layout translation is "
            f"the adapter's job)"
        )


def generate(identifier: str, config: dict, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    """One output of ``make(identifier, config)(shape, dtype)``, as a checked array."""
    out = call(make(identifier, config), identifier, config, shape, dtype)
    return as_output(out, shape, Context(identifier, config, shape, dtype).call())


def derived_seed(seed: int, index: int) -> int:
    """The ``index``-th seed derived from ``seed`` (index 0 is ``seed`` itself).

    A hash, not ``seed + index``, so that derived streams of nearby seeds never overlap.
    """
    if index == 0:
        return seed
    digest = hashlib.blake2b(f"{seed}/{index}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "little") & 0x7FFF_FFFF


@dataclass(frozen=True)
class Sample:
    """Values pooled from ``calls`` outputs, one per derived seed, as float64."""

    values: np.ndarray
    calls: int

    def summary(self) -> str:
        x = self.values
        return (
            f"n={x.size} values from {self.calls} call(s): mean={x.mean():.6g}, "
            f"std={x.std():.6g}, min={x.min():.6g}, max={x.max():.6g}"
        )


def collect(
    identifier: str, config: dict, shape: tuple[int, ...], dtype: str, n_target: int, max_calls: int
) -> Sample:
    """Draw outputs with seeds derived from ``config["seed"]`` until ``n_target`` values
    (or ``max_calls`` calls) are pooled."""
    size = max(1, math.prod(shape))
    calls = max(1, min(max_calls, math.ceil(n_target / size)))
    outputs = [
        generate(identifier, {**config, "seed": derived_seed(config["seed"], i)}, shape, dtype)
        for i in range(calls)
    ]
    return Sample(np.concatenate([o.astype(np.float64).ravel() for o in outputs]), calls)


#: Values pooled per Hypothesis example, and the most calls made to pool them. A call is
#: what a framework pays for (tinygrad: about 0.1 s of Python each; JAX and Keras: a
#: dispatch per operation), and the outputs of one or a few values are where calls buy the
#: fewest values: at 64 calls an output of 313 values or more still pools 20,000, and a
#: scalar pools 64 (its law, support and scale are tested at that power; docs/statistics.md, "Power").
N_TARGET = 20_000
MAX_CALLS = 64


def sample_case(identifier: str, case, n_target: int = N_TARGET, max_calls: int = MAX_CALLS):
    """``(context, spec law, pooled sample)`` for a drawn :class:`~conformance.strategies.Case`."""
    ctx = Context(identifier, case.config(identifier), case.shape, case.dtype)
    law = ctx.law()
    store = current().samples
    key = (identifier, repr(ctx.config), ctx.shape, ctx.dtype, n_target, max_calls)
    sample = store.get(key)
    if sample is None:
        sample = collect(identifier, ctx.config, ctx.shape, ctx.dtype, n_target, max_calls)
        sample.values.flags.writeable = False  # shared by the checks that reuse it
        store.put(key, sample)
    current().supported += 1  # drawn now or by a check before: either way, a tested case
    return ctx, law, sample


#: The checks that call :func:`sample_case` with the same cases (one strategy, one seed).
SHARED_SAMPLES = ("test_bounds", "test_law", "test_scale")
