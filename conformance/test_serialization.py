"""Serialization: ``get_config`` / ``from_config``, ``serialize`` / ``deserialize`` and ``get``.

The spec's functions (``reference/registry.py``, ``Initializer.get_config`` and
``from_config`` in ``reference/base.py``) reached through the adapter's optional
serialization API (``adapters/port.py: Serialization``). A check that needs a method the
adapter lacks, or that raises ``NotImplementedError``, is unsupported, never a pass.

As Keras 3's own tests do for every initializer (``run_class_serialization_test``), each
check makes an initializer ``x`` from a drawn config (the knobs of ``strategies.py``,
pinned: all defaults, and every knob set) as the spec makes it,
``deserialize({"class_name": name, "config": config})``, and goes round:

* ``test_get_config``: ``get_config(x)`` has exactly the keys and values of the spec's
  ``get_config`` (every constructor argument, defaults included);
* ``test_config_round_trip``: ``y = from_config(x, get_config(x))`` (x's class, as
  ``type(x).from_config``) has x's config and draws x's values;
* ``test_serialize_round_trip``: ``y = deserialize(serialize(x))`` serializes as x does and
  draws x's values;
* ``test_serialized_form``: ``serialize(x)`` is what the spec's ``deserialize`` reads:
  exactly ``class_name`` and ``config``, the config ``get_config(x)``, the class name one
  that the spec resolves to x's initializer;
* ``test_get_resolves``: every string identifier of the edition: ``get(identifier)``
  serializes as its seed-page name deserialized with an empty config (same class, same
  defaults) and, deterministic, draws its values;
* ``test_serialization_value_error``: what the spec calls invalid raises ``ValueError``.

Values are compared on one shape per initializer (a Conv2D kernel, a square matrix for
``Identity``): the round trip is about the config, and one shape keeps the frameworks that
compile per shape fast. A deterministic initializer and a seeded random one must draw
identical values: distinct instances with one seed agree in every edition, so the first
call of each is compared (whether one seeded instance repeats is the edition's
``seeded_calls_repeat``, tested in ``test_seeds``); an unseeded one only its config.

Every comparison is exact: these checks spend no alpha, and a conforming implementation
never fails them.
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from initializer_conformance import reference
from initializer_conformance.conformance import guard, properties
from initializer_conformance.conformance.assertions import fail
from initializer_conformance.conformance.identifiers import ALL
from initializer_conformance.conformance.run import current
from initializer_conformance.conformance.sampling import unsupported
from initializer_conformance.conformance.serialization import (
    CHECK,
    KERNEL,
    Trip,
    api,
    assert_same_values,
    class_names,
    config_of,
    describe,
    differences,
    rebuilt,
    shape_of,
    shown,
    start,
)
from initializer_conformance.conformance.strategies import Case, cases, pinned

PROPERTY = properties.SERIALIZATION

#: The dtypes values are compared in (the round trip is about the config, not the dtype).
DTYPES = ("float32", "float64")

#: Every profile tries the defaults (no knob set) and every knob set to a value that is no
#: default (a round trip that drops an argument cannot pass both).
EXAMPLES = (
    Case(KERNEL, seed=0),
    Case(
        KERNEL,
        "float64",
        seed=7,
        knobs={
            "mean": 0.5,
            "stddev": 2.0,
            "minval": -1.5,
            "maxval": 3.0,
            "scale": 2.5,
            "mode": "fan_out",
            "distribution": "uniform",
            "gain": 3.0,
            "value": 1.5,
        },
    ),
)


def pytest_generate_tests(metafunc):
    """Parameters from the run's edition, at collection (as in ``test_api``)."""
    edition = current().edition
    if metafunc.function is test_get_resolves:
        metafunc.parametrize("identifier", sorted(reference.identifiers(edition)))
    elif metafunc.function is test_serialization_value_error:
        invalid = invalid_calls(edition)
        metafunc.parametrize("method, args, why", invalid, ids=[shown(m, a) for m, a, _ in invalid])


@pytest.mark.parametrize("identifier", ALL)
@given(case=cases(st.just(KERNEL), DTYPES))
@pinned(*EXAMPLES)
def test_get_config(identifier, case):
    """``get_config`` has exactly the spec's keys and values, defaults included."""
    ctx, x = start(identifier, case, "adapter.get_config(x)")
    want = reference.make(identifier, ctx.config, current().edition).get_config()
    found = differences(config_of(x, ctx, "x"), want, "the spec")
    if found:
        fail(
            CHECK,
            f"{identifier}: get_config differs from the spec",
            ctx=ctx,
            expected=f"{want!r} (every constructor argument of {identifier}, defaults included)",
            observed="differs from the spec in: " + "; ".join(found),
        )


@pytest.mark.parametrize("identifier", ALL)
@given(case=cases(st.just(KERNEL), DTYPES))
@pinned(*EXAMPLES)
def test_config_round_trip(identifier, case):
    """``from_config(x, get_config(x))`` has x's config, and x's values."""
    rebuild = "from_config(x, get_config(x))"
    ctx, x = start(identifier, case, f"y = adapter.{rebuild}; x(shape, dtype) == y(shape, dtype)")
    before = config_of(x, ctx, "x")
    y = rebuilt("from_config", ctx, x, copy.deepcopy(before), what=rebuild)
    after = config_of(y, ctx, "y")
    assert_same_values(
        x,
        y,
        ctx,
        f"{identifier}: y = {rebuild} is not x",
        [f"config {f}" for f in differences(after, before, "x's")],
        f"get_config(x) = {before!r}",
    )


@pytest.mark.parametrize("identifier", ALL)
@given(case=cases(st.just(KERNEL), DTYPES))
@pinned(*EXAMPLES)
def test_serialize_round_trip(identifier, case):
    """``deserialize(serialize(x))`` serializes as x does, and draws x's values."""
    ctx, x = start(
        identifier, case, "y = adapter.deserialize(adapter.serialize(x)); x(...) == y(...)"
    )
    data = api("serialize", identifier, x, what="serialize(x)")
    y = rebuilt("deserialize", ctx, copy.deepcopy(data), what="deserialize(serialize(x))")
    again = api("serialize", identifier, y, what="serialize(y)")
    found = differences(again, data, "serialize(x)") if isinstance(data, dict) else []
    assert_same_values(
        x,
        y,
        ctx,
        f"{identifier}: y = deserialize(serialize(x)) is not x",
        [f"serialize(y) {f}" for f in found],
        f"serialize(x) = {data!r}",
    )


@pytest.mark.parametrize("identifier", ALL)
@given(case=cases(st.just(KERNEL), DTYPES))
@pinned(*EXAMPLES)
def test_serialized_form(identifier, case):
    """``serialize(x)`` is ``{"class_name": ..., "config": get_config(x)}``, exactly those
    keys, with a class name the spec resolves to x's initializer."""
    ctx, x = start(identifier, case, "adapter.serialize(x), adapter.get_config(x)")
    data = api("serialize", identifier, x, what="serialize(x)")
    config = config_of(x, ctx, "x")
    accepted = class_names(identifier)
    found = []
    if not isinstance(data, dict):
        found.append(f"not a dict: {describe(data)}")
    else:
        if set(data) != {"class_name", "config"}:
            found.append(f"keys {sorted(data, key=str)!r} (spec: exactly ['class_name', 'config'])")
        if data.get("class_name") not in accepted:
            found.append(f"class_name {data.get('class_name')!r} is not one of {accepted!r}")
        if "config" in data:
            differ = differences(data["config"], config, "get_config(x)")
            if differ:
                found.append("config " + ", ".join(differ))
    if found:
        fail(
            CHECK,
            f"{identifier}: serialize(x) is not the spec's serialized form",
            ctx=ctx,
            expected=f"{{'class_name': one of {accepted!r}, 'config': get_config(x)}}, "
            f"exactly these keys (what the spec's deserialize reads)",
            observed="; ".join(found),
        )


def test_get_resolves(identifier):
    """``get(identifier)`` is its seed-page name deserialized with an empty config: the same
    class and defaults (``serialize``), and, deterministic, the same values."""
    name = reference.canonical_name(identifier, current().edition)
    made = shown("deserialize", ({"class_name": name, "config": {}},))
    ctx = Trip(
        identifier,
        {},
        shape_of(identifier),
        "float32",
        calls=f"x = adapter.get({identifier!r}); y = adapter.{made}; "
        f"adapter.serialize(x) == adapter.serialize(y)",
    )
    x = api("get", identifier, identifier)
    y = api("deserialize", identifier, {"class_name": name, "config": {}}, what=made)
    got = api("serialize", identifier, x, what="serialize(x)")
    want = api("serialize", identifier, y, what="serialize(y)")
    found = differences(got, want, "serialize(y)") if isinstance(want, dict) else []
    assert_same_values(
        x,
        y,
        ctx,
        f"get({identifier!r}) is not {name} with its defaults",
        found,
        f"serialize(x) = {got!r}",
    )


# -- invalid input --------------------------------------------------------------------------


def invalid_calls(edition) -> list[tuple[str, tuple, str]]:
    """``(method, args, why)`` for every ``ValueError`` of the spec's identifier machinery
    (SPEC.md, "String identifiers and aliases"; decision 11), and a validation error through
    each of ``deserialize`` and ``from_config`` (a rebuild that skips the constructor's
    checks)."""
    every = {i for e in reference.EDITIONS.values() for i in reference.identifiers(e)}
    keys = "a serialized initializer has exactly the keys 'class_name' and 'config'"
    unknown_key = "an unknown config keyword is an invalid config (decision 11)"
    return [
        ("get", ("nope",), "unknown identifier"),
        ("get", (42,), "not an identifier: an int"),
        ("get", ([1, 2],), "not an identifier: a list"),
        *[
            ("get", (other,), f"not an identifier of edition {edition.name}")
            for other in sorted(every - set(reference.identifiers(edition)))
        ],
        ("get", ({"class_name": "Zeros"},), keys),
        ("get", ({"class_name": "RandomNormal", "config": {"foo": 1}},), unknown_key),
        ("deserialize", ({"class_name": "Zeros"},), keys),
        ("deserialize", ({"class_name": "nope", "config": {}},), "unknown class_name"),
        ("deserialize", ({"class_name": "RandomNormal", "config": {"foo": 1}},), unknown_key),
        (
            "deserialize",
            ({"class_name": "VarianceScaling", "config": {"scale": 0.0}},),
            "scale <= 0",
        ),
        # from_config(get(name), config): an instance of the class, rebuilt from config
        ("from_config", ("RandomNormal", {"foo": 1}), unknown_key),
        ("from_config", ("VarianceScaling", {"mode": "fan_mid"}), "unknown mode"),
    ]


def test_serialization_value_error(method, args, why):
    """``ValueError`` from the method, or (as ``make`` may) from the first call of what it
    returned."""
    call = shown(method, args)
    about = next((a for a in args if isinstance(a, str)), f"{method}()")
    args = copy.deepcopy(args)
    if method == "from_config":
        args = (api("get", about, about), *args[1:])
    returned = out = None
    try:
        returned = out = api(method, about, *args, what=call)
        if callable(returned):  # as make's initializers, it may raise when called
            call = f"{call}((4, 4), 'float32')"
            out = guard.call(f"adapter.{call}", returned, (4, 4), "float32")
    except ValueError:
        return
    except NotImplementedError as error:
        unsupported(about, error)
    except Exception as error:
        fail(
            CHECK,
            f"adapter.{call}: wrong exception type",
            ctx=None,
            expected=f"ValueError ({why})",
            observed=f"{type(error).__name__}: {error}",
        )
    fail(
        CHECK,
        f"adapter.{call}: invalid input accepted",
        ctx=None,
        expected=f"ValueError ({why})",
        observed=f"no error; returned {describe(returned)}"
        + ("" if out is returned else f", whose call returned {describe(out)}"),
    )
