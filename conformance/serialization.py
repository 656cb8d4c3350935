"""The serialization checks' calls and comparisons (``conformance/test_serialization.py``):
the adapter's optional serialization API reached under the run's limits, configs compared
key by key, values of an initializer and of its round trip compared exactly.

An adapter without a method the check needs, or whose method raises
``NotImplementedError``, makes that check unsupported (never a pass); an initializer that
raises it for a dtype when called makes that case unsupported (:func:`~.sampling.unsupported`:
the check goes on with the other cases).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from initializer_conformance import reference
from initializer_conformance.conformance import guard
from initializer_conformance.conformance.assertions import fail
from initializer_conformance.conformance.identifiers import DETERMINISTIC
from initializer_conformance.conformance.run import current
from initializer_conformance.conformance.sampling import (
    UNSUPPORTED,
    Context,
    Unsupported,
    as_output,
    unsupported,
)
from initializer_conformance.conformance.strategies import Case

#: The check name of every failure (``assertions.fail``).
CHECK = "serialization"
#: The shapes values are compared on: a Conv2D kernel, and a square matrix for Identity.
KERNEL = (3, 3, 4, 6)
SQUARE = (5, 5)


@dataclass(frozen=True, eq=False)
class Trip(Context):
    """The case of a serialization check: the initializer and config it starts from, the
    shape and dtype its values are compared on, and the adapter calls that went round."""

    calls: str = ""

    def call(self) -> str:
        return self.calls


def shape_of(identifier: str) -> tuple[int, ...]:
    name = reference.canonical_name(identifier, current().edition)
    return SQUARE if name == "Identity" else KERNEL


def shown(method: str, args: tuple) -> str:
    """``method(*args)`` as a call is written; ``from_config``'s instance is ``get(name)``."""
    if method == "from_config" and isinstance(args[0], str):
        return f"from_config(get({args[0]!r}), {args[1]!r})"
    return f"{method}({', '.join(map(repr, args))})"


# -- calling the optional API -----------------------------------------------------------------


def api(method: str, identifier: str, *args, what: str = ""):
    """``adapter.<method>(*args)`` under the run's limits. An adapter without the method, or
    whose method raises ``NotImplementedError``, makes the whole check unsupported at once:
    the method is missing for this initializer whatever the config, and rejecting every
    Hypothesis example one by one would only spend Hypothesis's search for valid ones."""
    function = getattr(current().adapter, method, None)
    if not callable(function):
        raise Unsupported(  # what is unsupported is the method, for every initializer
            f"{method}()",
            f"{UNSUPPORTED}: {method}(): {current().adapter.name} has no {method}() (the "
            f"serialization API is optional: adapters/port.py, Serialization)",
        )
    try:
        return guard.call(f"adapter.{what or shown(method, args)}", function, *args)
    except NotImplementedError as error:
        raise Unsupported(
            identifier,
            f"{UNSUPPORTED}: {identifier}: {current().adapter.name}.{method}() raised "
            f"NotImplementedError: {error}",
        ) from error


def values(init, ctx: Trip, who: str) -> np.ndarray:
    """The first call of ``init`` (``who`` names it in a message), as a checked array."""
    where = f"{who}({ctx.shape!r}, {ctx.dtype!r})"
    try:
        out = guard.call(where, init, ctx.shape, ctx.dtype)
    except NotImplementedError as error:  # this dtype: the case is unsupported
        unsupported(ctx.identifier, error, f" in {ctx.dtype}")
    current().supported += 1  # a supported case (sampling.unsupported counts them)
    return as_output(out, ctx.shape, where)


def same(a, b) -> bool:
    """``a == b`` as a config value: by value (``0 == 0.0``), arrays entry-wise."""
    try:
        return bool(a == b)
    except Exception:  # an array, or a value whose comparison is not a bool
        try:
            return bool(np.array_equal(a, b))
        except Exception:
            return repr(a) == repr(b)


def differences(got, want: dict, whose: str) -> list[str]:
    """How the dict ``got`` differs from ``want`` (``whose`` names it), key by key in sorted
    order: ``key=value (whose: value)``, ``key=value (not in whose)``, ``key missing``."""
    if not isinstance(got, dict):
        return [f"not a dict: {describe(got)}"]
    found = []
    for key in sorted(set(got) | set(want), key=str):
        if key not in got:
            found.append(f"{key} missing ({whose}: {want[key]!r})")
        elif key not in want:
            found.append(f"{key}={got[key]!r} (not in {whose})")
        elif not same(got[key], want[key]):
            found.append(f"{key}={got[key]!r} ({whose}: {want[key]!r})")
    return found


def describe(value) -> str:
    """What came back, without an object's address (two runs print the same message)."""
    if value is None or isinstance(value, (str, int, float, list, tuple, dict)):
        return f"{type(value).__name__} {value!r}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    shown = repr(value)
    return shown if " at 0x" not in shown else f"a {type(value).__qualname__}"


def unequal(a: np.ndarray, b: np.ndarray) -> str:
    """How the values of x (``a``) and y (``b``) differ: how many, and the first."""
    if a.shape != b.shape:
        return f"shapes {a.shape} and {b.shape}"
    wrong = a != b
    at = tuple(int(i) for i in np.argwhere(wrong)[0])
    return (
        f"{int(wrong.sum())} of {a.size} entries differ; at {at}: x {a[at].item()!r}, "
        f"y {b[at].item()!r}"
    )


def seeded_or_exact(identifier: str, config: dict) -> bool:
    """Whether two instances made from ``config`` must draw identical values."""
    name = reference.canonical_name(identifier, current().edition)
    return name in DETERMINISTIC or config.get("seed") is not None


def assert_same_values(x, y, ctx: Trip, title: str, found: list[str], went: str) -> None:
    """Fail with ``found`` (the differences already found), and the values of the first calls
    of ``x`` and ``y`` if they must agree and do not; ``went``: what went round (said after
    the differences, so that the failure shows what x said it was)."""
    __tracebackhide__ = True
    if seeded_or_exact(ctx.identifier, ctx.config):
        a, b = values(x, ctx, "x"), values(y, ctx, "y")
        if a.shape != b.shape or not np.array_equal(a, b):
            found = [*found, f"values: {unequal(a, b)}"]
    if found:
        fail(
            CHECK,
            title,
            ctx=ctx,
            expected="an equivalent initializer: the same config and, "
            + (
                "seeded or deterministic, the same values"
                if seeded_or_exact(ctx.identifier, ctx.config)
                else "unseeded, fresh values"
            ),
            observed="; ".join(found) + f"\n            went round: {went}",
        )


def config_of(init, ctx: Trip, who: str) -> dict:
    """``adapter.get_config(init)`` (``who`` names ``init``), which must be a dict."""
    __tracebackhide__ = True
    config = api("get_config", ctx.identifier, init, what=f"get_config({who})")
    if not isinstance(config, dict):
        fail(
            CHECK,
            f"{ctx.identifier}: get_config({who}) is not a dict",
            ctx=ctx,
            expected="a dict of the constructor's keyword arguments",
            observed=describe(config),
        )
    return config


def rebuilt(method: str, ctx: Trip, *args, what: str):
    """``adapter.<method>(*args)`` of x's own config or serialized form: an exception is a
    failure of the round trip (x cannot be rebuilt from what it says it is)."""
    __tracebackhide__ = True
    try:
        return api(method, ctx.identifier, *args, what=what)
    except (ValueError, TypeError, KeyError) as error:
        fail(
            CHECK,
            f"{ctx.identifier}: {what} raised",
            ctx=ctx,
            expected="x rebuilt from its own config",
            observed=f"{type(error).__name__}: {error}",
        )


# -- the checks ---------------------------------------------------------------------------------


def start(identifier: str, case: Case, calls: str) -> tuple[Trip, object]:
    """``(ctx, x)``: the drawn case's initializer, made as the spec makes it,
    ``x = deserialize({"class_name": identifier, "config": config})``."""
    config = case.config(identifier)
    data = {"class_name": identifier, "config": config}
    made = shown("deserialize", (data,))
    ctx = Trip(
        identifier, config, shape_of(identifier), case.dtype, calls=f"x = adapter.{made}; {calls}"
    )
    return ctx, api("deserialize", identifier, data, what=made)


def class_names(identifier: str) -> list[str]:
    """The class names that the spec's ``deserialize`` resolves to ``identifier``'s
    initializer: the name the spec serializes it with (``VarianceScaling`` for the six
    functions), and every identifier of the edition that names it."""
    edition = current().edition
    name = reference.canonical_name(identifier, edition)
    spec = reference.serialize(reference.make(name, {}, edition))["class_name"]
    names = {s for s, n in reference.identifiers(edition).items() if n == name}
    return sorted({spec, *names})
