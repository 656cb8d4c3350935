"""The reference's API: exact initializers, dtypes, seeds, identifiers, configs, errors.

Expected values are literals or written from the seed page here, never read back
from the reference.
"""

from __future__ import annotations

import inspect
import json
import math

import numpy as np
import pytest

from initializer_conformance import reference as ref
from initializer_conformance.reference import laws

FLOATS = ["float16", "float32", "float64"]
INTS = ["int32", "int64"]
SHAPES = [(), (5,), (1, 1), (4, 6), (2, 3, 4), (3, 3, 16, 32), (2, 3, 4, 5, 6), (0, 3)]

#: One factory per random initializer of the seed page: seed -> instance.
RANDOM = {
    "RandomNormal": lambda seed: ref.RandomNormal(seed=seed),
    "RandomUniform": lambda seed: ref.RandomUniform(seed=seed),
    "TruncatedNormal": lambda seed: ref.TruncatedNormal(seed=seed),
    "VarianceScaling": lambda seed: ref.VarianceScaling(seed=seed),
    "VarianceScaling(uniform)": lambda seed: ref.VarianceScaling(distribution="uniform", seed=seed),
    "Orthogonal": lambda seed: ref.Orthogonal(seed=seed),
    "lecun_uniform": lambda seed: ref.lecun_uniform(seed=seed),
    "glorot_normal": lambda seed: ref.glorot_normal(seed=seed),
    "glorot_uniform": lambda seed: ref.glorot_uniform(seed=seed),
    "he_normal": lambda seed: ref.he_normal(seed=seed),
    "lecun_normal": lambda seed: ref.lecun_normal(seed=seed),
    "he_uniform": lambda seed: ref.he_uniform(seed=seed),
}
DETERMINISTIC = {
    "Zeros": ref.Zeros,
    "Ones": ref.Ones,
    "Constant": lambda: ref.Constant(3),
    "Identity": ref.Identity,
}


def shape_for(name: str, shape):
    """Identity needs a square matrix, Orthogonal a rank >= 2."""
    if name == "Identity":
        return (3, 3)
    if name == "Orthogonal" and len(shape) < 2:
        return (4, 6)
    return shape


# --- Zeros, Ones, Constant, Identity: exact -----------------------------------------


@pytest.mark.parametrize("dtype", FLOATS + INTS)
@pytest.mark.parametrize("shape", [(), (5,), (2, 3), (2, 3, 4)])
def test_zeros_ones_exact(shape, dtype):
    for init, value in [(ref.Zeros(), 0), (ref.Ones(), 1)]:
        out = init(shape, dtype)
        assert type(out) is np.ndarray and out.shape == shape and out.dtype == np.dtype(dtype)
        assert np.array_equal(out, np.full(shape, value, dtype=dtype))
        assert (out == value).all()


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("value", [0, 0.5, -3.25, 1e-3, 7, np.float32(0.1)])
def test_constant_exact_floats(value, dtype):
    out = ref.Constant(value)((2, 3), dtype)
    assert out.dtype == np.dtype(dtype)
    assert np.array_equal(out, np.full((2, 3), value, dtype=dtype))


@pytest.mark.parametrize("dtype", INTS)
@pytest.mark.parametrize("value", [0, 7, -2, 2**31 - 1, 3.0])
def test_constant_exact_ints(value, dtype):
    out = ref.Constant(value)((4,), dtype)
    assert out.dtype == np.dtype(dtype)
    assert out.tolist() == [int(value)] * 4


def test_constant_default_value_is_zero():
    assert ref.Constant().value == 0
    assert ref.Constant()((2,)).tolist() == [0.0, 0.0]


@pytest.mark.parametrize("edition", ["keras2", "keras3"])
@pytest.mark.parametrize("gain", [1.0, 2.5, -1.0, 0.0])
@pytest.mark.parametrize("n", [1, 3, 5])
@pytest.mark.parametrize("dtype", FLOATS)
def test_identity_square_exact(n, gain, dtype, edition):
    out = ref.Identity(gain=gain, edition=edition)((n, n), dtype)
    expected = np.zeros((n, n), dtype=dtype)
    for i in range(n):
        expected[i, i] = gain
    assert out.dtype == np.dtype(dtype) and np.array_equal(out, expected)


@pytest.mark.parametrize("dtype", INTS)
def test_identity_integer_dtypes(dtype):
    assert ref.Identity(gain=3)((2, 2), dtype).tolist() == [[3, 0], [0, 3]]


@pytest.mark.parametrize("shape", [(2, 3), (3, 2), (1, 4)])
def test_identity_non_square(shape):
    with pytest.raises(ValueError, match="square"):
        ref.Identity()(shape)
    with pytest.raises(ValueError):
        ref.Identity(edition="keras2")(shape)
    out = ref.Identity(gain=2.0, edition="keras3")(shape)
    expected = np.zeros(shape, dtype=np.float32)
    for i in range(min(shape)):
        expected[i, i] = 2.0
    assert out.dtype == np.float32 and np.array_equal(out, expected)


@pytest.mark.parametrize("edition", ["keras2", "keras3"])
@pytest.mark.parametrize("shape", [(), (3,), (2, 2, 2), (1, 1, 1, 1)])
def test_identity_non_2d_raises(shape, edition):
    with pytest.raises(ValueError, match="2-D"):
        ref.Identity(edition=edition)(shape)


# --- output type, shape and dtype ---------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", [*RANDOM, *DETERMINISTIC])
def test_output_is_ndarray_of_shape_default_float32(name, shape):
    shape = shape_for(name, shape)
    init = RANDOM[name](1) if name in RANDOM else DETERMINISTIC[name]()
    out = init(shape)
    assert type(out) is np.ndarray, f"{name}{shape}: got {type(out).__name__}, not an ndarray"
    assert out.shape == shape and out.dtype == np.float32
    assert np.isfinite(out).all()
    out = init(list(shape), None)  # any sequence of ints is a shape; None means float32
    assert type(out) is np.ndarray and out.shape == shape and out.dtype == np.float32


@pytest.mark.parametrize("dtype", [*FLOATS, np.float64, np.dtype("float16")])
@pytest.mark.parametrize("name", [*RANDOM, *DETERMINISTIC])
def test_float_dtypes_honoured(name, dtype):
    init = RANDOM[name](1) if name in RANDOM else DETERMINISTIC[name]()
    out = init(shape_for(name, (4, 6)), dtype)
    assert type(out) is np.ndarray and out.dtype == np.dtype(dtype)


@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8", "bool", "complex64"])
@pytest.mark.parametrize("name", list(RANDOM))
def test_random_initializers_reject_non_float_dtypes(name, dtype):
    init = RANDOM[name](1)
    with pytest.raises(ValueError) as excinfo:
        init((4, 6), dtype)
    assert excinfo.type is ValueError
    assert "dtype" in str(excinfo.value) and np.dtype(dtype).name in str(excinfo.value)


@pytest.mark.parametrize("dtype", [*INTS, "uint8", "int16"])
@pytest.mark.parametrize("name", list(DETERMINISTIC))
def test_deterministic_initializers_accept_integer_dtypes(name, dtype):
    out = DETERMINISTIC[name]()(shape_for(name, (2, 2)), dtype)
    assert out.dtype == np.dtype(dtype)


# --- seeds --------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(RANDOM))
def test_seeded_instances_are_reproducible(name):
    make = RANDOM[name]
    shape = (4, 6)
    a = make(42)
    first = a(shape)
    assert np.array_equal(first, a(shape)), "a seeded instance must repeat on every call"
    assert np.array_equal(first, make(42)(shape)), "two instances with one seed must agree"
    assert np.array_equal(first, make(np.int64(42))(shape)), "numpy int seeds are ints"
    assert not np.array_equal(first, make(43)(shape)), "distinct seeds must differ"
    assert not np.array_equal(first, make(0)(shape))


@pytest.mark.parametrize("name", list(RANDOM))
def test_unseeded_calls_differ(name):
    init = RANDOM[name](None)
    assert init.seed is None
    a, b = init((4, 6)), init((4, 6))
    assert not np.array_equal(a, b), "seed=None: successive calls must return fresh values"
    assert not np.array_equal(a, RANDOM[name](None)((4, 6)))


@pytest.mark.parametrize("name", [n for n in RANDOM if "(" not in n])
def test_keras3_unseeded_instance_repeats_but_instances_differ(name):
    init = ref.make(name, {}, "keras3")
    assert np.array_equal(init((4, 6)), init((4, 6))), "keras3: the instance draws its seed once"
    assert not np.array_equal(init((4, 6)), ref.make(name, {}, "keras3")((4, 6)))


@pytest.mark.parametrize("seed", [0, 1, 2**32, 2**63])
def test_large_and_zero_seeds_accepted(seed):
    assert ref.RandomNormal(seed=seed).seed == seed


def test_seed_zero_is_a_seed_not_none():
    a = ref.RandomNormal(seed=0)
    assert np.array_equal(a((3,)), a((3,)))


def test_global_random_state_untouched():
    """Explicit version of the autouse guard in conftest.py, with every initializer."""
    original = np.random.get_state()
    np.random.seed(1234)
    before = np.random.get_state()
    for make in RANDOM.values():
        for seed in (None, 7):
            make(seed)((4, 6))
    for make in DETERMINISTIC.values():
        make()((3, 3))
    after = np.random.get_state()
    assert before[0] == after[0] and np.array_equal(before[1], after[1]) and before[2:] == after[2:]
    # and the global stream is not what seeded instances draw from
    np.random.seed(7)
    legacy = np.random.standard_normal(3) * 0.05
    np.random.set_state(original)  # leave the global state as we found it
    assert not np.allclose(ref.RandomNormal(seed=7)((3,), "float64"), legacy)


# --- identifiers: get() -------------------------------------------------------------


def _vs(scale, mode, dist):
    return (ref.VarianceScaling, {"scale": scale, "mode": mode, "distribution": dist, "seed": None})


#: identifier -> (class, config of the instance get() must build). Written from the
#: seed page (names, defaults) and Keras 2's compatibility aliases.
IDENTIFIERS = {
    "Zeros": (ref.Zeros, {}),
    "zeros": (ref.Zeros, {}),
    "zero": (ref.Zeros, {}),
    "Ones": (ref.Ones, {}),
    "ones": (ref.Ones, {}),
    "one": (ref.Ones, {}),
    "Constant": (ref.Constant, {"value": 0}),
    "constant": (ref.Constant, {"value": 0}),
    "RandomNormal": (ref.RandomNormal, {"mean": 0.0, "stddev": 0.05, "seed": None}),
    "random_normal": (ref.RandomNormal, {"mean": 0.0, "stddev": 0.05, "seed": None}),
    "normal": (ref.RandomNormal, {"mean": 0.0, "stddev": 0.05, "seed": None}),
    "RandomUniform": (ref.RandomUniform, {"minval": -0.05, "maxval": 0.05, "seed": None}),
    "random_uniform": (ref.RandomUniform, {"minval": -0.05, "maxval": 0.05, "seed": None}),
    "uniform": (ref.RandomUniform, {"minval": -0.05, "maxval": 0.05, "seed": None}),
    "TruncatedNormal": (ref.TruncatedNormal, {"mean": 0.0, "stddev": 0.05, "seed": None}),
    "truncated_normal": (ref.TruncatedNormal, {"mean": 0.0, "stddev": 0.05, "seed": None}),
    "VarianceScaling": _vs(1.0, "fan_in", "normal"),
    "Orthogonal": (ref.Orthogonal, {"gain": 1.0, "seed": None}),
    "orthogonal": (ref.Orthogonal, {"gain": 1.0, "seed": None}),
    "Identity": (ref.Identity, {"gain": 1.0}),
    "identity": (ref.Identity, {"gain": 1.0}),
    "lecun_uniform": _vs(1.0, "fan_in", "uniform"),
    "glorot_normal": _vs(1.0, "fan_avg", "normal"),
    "glorot_uniform": _vs(1.0, "fan_avg", "uniform"),
    "he_normal": _vs(2.0, "fan_in", "normal"),
    "lecun_normal": _vs(1.0, "fan_in", "normal"),
    "he_uniform": _vs(2.0, "fan_in", "uniform"),
}
KERAS3_EXTRA = {
    "variance_scaling": _vs(1.0, "fan_in", "normal"),
    "GlorotNormal": _vs(1.0, "fan_avg", "normal"),
    "GlorotUniform": _vs(1.0, "fan_avg", "uniform"),
    "HeNormal": _vs(2.0, "fan_in", "normal"),
    "HeUniform": _vs(2.0, "fan_in", "uniform"),
    "LecunNormal": _vs(1.0, "fan_in", "normal"),
    "LecunUniform": _vs(1.0, "fan_in", "uniform"),
}
#: std (or exact value) of each identifier's law on shape (4, 6): fan_in 4, fan_out 6.
LAW_ON_4x6 = {
    ref.Zeros: 0.0,
    ref.Ones: 1.0,
    ref.Constant: 0.0,
    ref.RandomNormal: (laws.Normal, 0.05),
    ref.RandomUniform: (laws.Uniform, 0.1 / math.sqrt(12)),
    ref.TruncatedNormal: (laws.TruncatedNormal, 0.05 * 0.8796256610342398),
}
PRESET_STD_ON_4x6 = {
    ("fan_in", "uniform", 1.0): math.sqrt(3 / 4) / math.sqrt(3),  # lecun_uniform
    ("fan_avg", "normal", 1.0): math.sqrt(2 / 10),  # glorot_normal
    ("fan_avg", "uniform", 1.0): math.sqrt(6 / 10) / math.sqrt(3),  # glorot_uniform
    ("fan_in", "normal", 2.0): math.sqrt(2 / 4),  # he_normal
    ("fan_in", "normal", 1.0): math.sqrt(1 / 4),  # lecun_normal, VarianceScaling
    ("fan_in", "uniform", 2.0): math.sqrt(6 / 4) / math.sqrt(3),  # he_uniform
}


def _check_kind_and_law(init, cls, config):
    assert type(init) is cls
    assert init.get_config() == config
    shape = (4, 4) if cls is ref.Identity else (4, 6)
    law = init.law(shape)
    if cls in (ref.Zeros, ref.Ones, ref.Constant):
        assert type(law) is laws.Exact and (law.array == LAW_ON_4x6[cls]).all()
    elif cls is ref.Identity:
        assert type(law) is laws.Exact and np.array_equal(law.array, np.eye(4))
    elif cls is ref.Orthogonal:
        assert type(law) is laws.HaarOrthogonal and law.gain == 1.0
    elif cls is ref.VarianceScaling:
        key = (config["mode"], config["distribution"], config["scale"])
        family = laws.TruncatedNormal if config["distribution"] == "normal" else laws.Uniform
        assert type(law) is family
        assert law.std == pytest.approx(PRESET_STD_ON_4x6[key], rel=1e-14)
    else:
        family, std = LAW_ON_4x6[cls]
        assert type(law) is family and law.std == pytest.approx(std, rel=1e-14)


@pytest.mark.parametrize("edition", ["keras2", "keras3"])
@pytest.mark.parametrize("identifier", list(IDENTIFIERS))
def test_get_string_identifiers(identifier, edition):
    cls, config = IDENTIFIERS[identifier]
    init = ref.get(identifier, edition=edition)
    _check_kind_and_law(init, cls, config)
    assert init.edition is ref.get_edition(edition)


@pytest.mark.parametrize("identifier", list(KERAS3_EXTRA))
def test_keras3_aliases_only_in_keras3(identifier):
    cls, config = KERAS3_EXTRA[identifier]
    _check_kind_and_law(ref.get(identifier, edition="keras3"), cls, config)
    with pytest.raises(ValueError, match=repr(identifier)):
        ref.get(identifier)
    with pytest.raises(ValueError, match=repr(identifier)):
        ref.get(identifier, edition="keras2")


def test_identifier_sets_are_exactly_the_expected_ones():
    assert set(ref.identifiers()) == set(IDENTIFIERS)
    assert set(ref.identifiers("keras2")) == set(IDENTIFIERS)
    assert set(ref.identifiers("keras3")) == set(IDENTIFIERS) | set(KERAS3_EXTRA)
    for name in IDENTIFIERS:
        assert ref.canonical_name(name) in set(ref.CLASSES) | set(ref.FUNCTIONS)


def test_get_passes_through_instances_none_and_callables():
    init = ref.he_normal(seed=3)
    assert ref.get(init) is init
    assert ref.get(ref.Zeros()) == ref.Zeros()
    assert ref.get(None) is None

    def my_init(shape, dtype=None):
        return np.full(shape, 0.25, dtype=dtype)

    assert ref.get(my_init) is my_init
    assert ref.get(my_init)((2,), "float32").tolist() == [0.25, 0.25]
    lam = lambda shape, dtype=None: np.zeros(shape, dtype)
    assert ref.get(lam) is lam


@pytest.mark.parametrize("edition", ["keras2", "keras3"])
def test_get_dict(edition):
    init = ref.get(
        {"class_name": "RandomNormal", "config": {"mean": 1.0, "stddev": 2.0, "seed": 5}},
        edition=edition,
    )
    assert type(init) is ref.RandomNormal and init.get_config() == {
        "mean": 1.0,
        "stddev": 2.0,
        "seed": 5,
    }
    assert init.law((2,)) == laws.Normal(1.0, 2.0)
    init = ref.get({"class_name": "he_normal", "config": {"seed": 1}}, edition=edition)
    assert init == ref.VarianceScaling(2.0, "fan_in", "normal", 1, edition=edition)
    init = ref.get({"class_name": "zeros", "config": {}}, edition=edition)
    assert type(init) is ref.Zeros


# --- get_config / from_config / serialize / deserialize ----------------------------

ROUND_TRIP = [
    ref.Zeros(),
    ref.Ones(),
    ref.Constant(),
    ref.Constant(2.5),
    ref.Constant(-3),
    ref.RandomNormal(),
    ref.RandomNormal(1.0, 0.2, seed=3),
    ref.RandomUniform(),
    ref.RandomUniform(-1.0, 2.0, seed=4),
    ref.TruncatedNormal(),
    ref.TruncatedNormal(0.5, 0.1, seed=5),
    ref.VarianceScaling(),
    ref.VarianceScaling(0.5, "fan_out", "uniform", seed=6),
    ref.VarianceScaling(3.0, "fan_avg", "normal", seed=7),
    ref.Orthogonal(),
    ref.Orthogonal(gain=2.0, seed=8),
    ref.Identity(),
    ref.Identity(gain=0.5),
    ref.lecun_uniform(seed=9),
    ref.glorot_normal(seed=10),
    ref.glorot_uniform(seed=11),
    ref.he_normal(seed=12),
    ref.lecun_normal(seed=13),
    ref.he_uniform(seed=14),
    ref.he_uniform(),
]


def _output_shape(init):
    return (3, 3) if isinstance(init, ref.Identity) else (3, 4)


@pytest.mark.parametrize("init", ROUND_TRIP, ids=repr)
def test_config_round_trip(init):
    config = init.get_config()
    params = [p for p in inspect.signature(type(init)).parameters if p != "edition"]
    assert set(config) == set(params), "get_config() holds exactly the constructor's arguments"
    rebuilt = type(init).from_config(config)
    assert rebuilt == init and rebuilt.get_config() == config
    shape = _output_shape(init)
    if getattr(init, "seed", 0) is not None:
        assert np.array_equal(rebuilt(shape), init(shape))


@pytest.mark.parametrize("init", ROUND_TRIP, ids=repr)
def test_serialize_round_trip(init):
    data = ref.serialize(init)
    assert set(data) == {"class_name", "config"}
    assert data["class_name"] == type(init).__name__
    data = json.loads(json.dumps(data))  # serializable as JSON
    rebuilt = ref.deserialize(data)
    assert rebuilt == init
    assert ref.get(data) == init
    shape = _output_shape(init)
    if getattr(init, "seed", 0) is not None:
        assert np.array_equal(rebuilt(shape), init(shape))


@pytest.mark.parametrize(
    "init",
    [
        ref.VarianceScaling(1.0, "fan_in", "untruncated_normal", seed=1, edition="keras3"),
        ref.VarianceScaling(2.0, "fan_avg", "truncated_normal", seed=2, edition="keras3"),
        ref.Identity(gain=2.0, edition="keras3"),
        ref.he_normal(seed=3, edition="keras3"),
    ],
    ids=repr,
)
def test_keras3_round_trip_with_edition(init):
    rebuilt = ref.deserialize(ref.serialize(init), edition="keras3")
    assert rebuilt == init and rebuilt.edition is ref.KERAS3
    shape = (3, 4)
    assert np.array_equal(rebuilt(shape), init(shape))


def test_equality():
    assert ref.he_normal(seed=1) == ref.VarianceScaling(2.0, "fan_in", "normal", 1)
    assert ref.he_normal(seed=1) != ref.he_normal(seed=2)
    assert ref.he_normal(seed=1) != ref.he_uniform(seed=1)
    assert ref.Zeros() != ref.Constant(0)
    assert ref.Identity() != ref.Identity(edition="keras3")


# --- keras3 VarianceScaling distributions -------------------------------------------


def test_keras3_variance_scaling_distributions():
    shape = (3, 3, 16, 32)
    law = ref.VarianceScaling(2.0, "fan_in", "untruncated_normal", edition="keras3").law(shape)
    assert type(law) is laws.Normal and law.loc == 0.0
    assert law.scale == pytest.approx(math.sqrt(2 / 144), rel=1e-15)
    trunc = ref.VarianceScaling(2.0, "fan_in", "truncated_normal", edition="keras3").law(shape)
    normal = ref.VarianceScaling(2.0, "fan_in", "normal", edition="keras3").law(shape)
    assert type(trunc) is laws.TruncatedNormal and trunc == normal
    assert trunc.std == pytest.approx(math.sqrt(2 / 144), rel=1e-15)


# --- every ValueError, one table ----------------------------------------------------


def _call(init, shape, dtype=None):
    return lambda: init(shape, dtype)


#: (id, action, substrings the message must contain: the argument, the value received)
BAD_INPUTS = [
    ("VS scale=0", lambda: ref.VarianceScaling(scale=0), ["scale", "0"]),
    ("VS scale=-1", lambda: ref.VarianceScaling(scale=-1), ["scale", "-1"]),
    ("VS scale=-0.5", lambda: ref.VarianceScaling(scale=-0.5), ["scale", "-0.5"]),
    ("VS scale=True", lambda: ref.VarianceScaling(scale=True), ["scale", "True"]),
    ("VS scale='2'", lambda: ref.VarianceScaling(scale="2"), ["scale", "'2'"]),
    ("VS scale=nan", lambda: ref.VarianceScaling(scale=float("nan")), ["scale", "nan"]),
    ("VS mode=fan_mid", lambda: ref.VarianceScaling(mode="fan_mid"), ["mode", "'fan_mid'"]),
    ("VS mode=FAN_IN", lambda: ref.VarianceScaling(mode="FAN_IN"), ["mode", "'FAN_IN'"]),
    ("VS mode=None", lambda: ref.VarianceScaling(mode=None), ["mode", "None"]),
    ("VS mode=list", lambda: ref.VarianceScaling(mode=["fan_in"]), ["mode", "['fan_in']"]),
    (
        "VS distribution=gaussian",
        lambda: ref.VarianceScaling(distribution="gaussian"),
        ["distribution", "'gaussian'"],
    ),
    (
        "VS distribution=list",
        lambda: ref.VarianceScaling(distribution=["normal"]),
        ["distribution", "['normal']"],
    ),
    (
        "VS keras2 truncated_normal",
        lambda: ref.VarianceScaling(distribution="truncated_normal"),
        ["distribution", "'truncated_normal'"],
    ),
    (
        "VS keras2 untruncated_normal",
        lambda: ref.VarianceScaling(distribution="untruncated_normal", edition="keras2"),
        ["distribution", "'untruncated_normal'"],
    ),
    (
        "VS keras3 gaussian",
        lambda: ref.VarianceScaling(distribution="gaussian", edition="keras3"),
        ["distribution", "'gaussian'"],
    ),
    ("Constant value='x'", lambda: ref.Constant(value="x"), ["value", "'x'"]),
    ("Constant value=None", lambda: ref.Constant(value=None), ["value", "None"]),
    ("Constant value=True", lambda: ref.Constant(value=True), ["value", "True"]),
    ("Constant value=[1]", lambda: ref.Constant(value=[1.0]), ["value", "[1.0]"]),
    *[
        (
            f"{name} seed={seed!r}",
            (lambda make, seed: lambda: make(seed))(make, seed),  # noqa: B023 (bound now)
            ["seed", repr(seed)],
        )
        for name, make in RANDOM.items()
        for seed in (-1, 1.5, True, "3")
    ],
    *[
        (
            f"{name} dtype=int32",
            (lambda make, name: lambda: make(1)(shape_for(name, (4, 6)), "int32"))(make, name),  # noqa: B023
            ["dtype", "int32"],
        )
        for name, make in RANDOM.items()
    ],
    ("Identity keras2 (2, 3)", _call(ref.Identity(), (2, 3)), ["shape", "(2, 3)"]),
    ("Identity keras2 (3,)", _call(ref.Identity(), (3,)), ["shape", "(3,)"]),
    (
        "Identity keras3 (2, 2, 2)",
        _call(ref.Identity(edition="keras3"), (2, 2, 2)),
        ["shape", "(2, 2, 2)"],
    ),
    ("Orthogonal ()", _call(ref.Orthogonal(), ()), ["shape", "()"]),
    ("Orthogonal (5,)", _call(ref.Orthogonal(), (5,)), ["shape", "(5,)"]),
    ("shape (2, -1)", _call(ref.RandomNormal(), (2, -1)), ["shape", "(2, -1)"]),
    ("shape (2.5,)", _call(ref.Zeros(), (2.5,)), ["shape", "(2.5,)"]),
    ("shape 5", _call(ref.Ones(), 5), ["shape", "5"]),
    ("shape (True,)", _call(ref.he_normal(), (True,)), ["shape", "(True,)"]),
    ("get unknown string", lambda: ref.get("nope"), ["identifier", "'nope'"]),
    ("get 42", lambda: ref.get(42), ["identifier", "42"]),
    ("get list", lambda: ref.get([1, 2]), ["identifier", "[1, 2]"]),
    ("get 1.5", lambda: ref.get(1.5), ["identifier", "1.5"]),
    ("get Initializer", lambda: ref.get("Initializer"), ["identifier", "'Initializer'"]),
    (
        "get keras3 alias in keras2",
        lambda: ref.get("GlorotUniform"),
        ["identifier", "'GlorotUniform'"],
    ),
    (
        "get dict missing config",
        lambda: ref.get({"class_name": "Zeros"}),
        ["class_name", "['class_name']"],
    ),
    (
        "get dict wrong keys",
        lambda: ref.get({"name": "Zeros", "config": {}}),
        ["class_name", "['config', 'name']"],
    ),
    (
        "get dict extra key",
        lambda: ref.get({"class_name": "Zeros", "config": {}, "x": 1}),
        ["class_name", "['class_name', 'config', 'x']"],
    ),
    (
        "get dict unknown class",
        lambda: ref.get({"class_name": "Nope", "config": {}}),
        ["identifier", "'Nope'"],
    ),
    (
        "deserialize unknown keyword",
        lambda: ref.deserialize({"class_name": "RandomNormal", "config": {"foo": 1}}),
        ["foo"],
    ),
    (
        "get Zeros with a value",
        lambda: ref.get({"class_name": "Zeros", "config": {"value": 1}}),
        ["value"],
    ),
    (
        "get preset with scale",
        lambda: ref.get({"class_name": "he_normal", "config": {"scale": 1}}),
        ["scale"],
    ),
    ("make unknown keyword", lambda: ref.make("Orthogonal", {"gain": 1.0, "sed": 3}), ["sed"]),
    ("from_config unknown keyword", lambda: ref.RandomNormal.from_config({"foo": 1}), ["foo"]),
    ("from_config Zeros value", lambda: ref.Zeros.from_config({"value": 2}), ["value"]),
    (
        "from_config bad scale",
        lambda: ref.VarianceScaling.from_config(
            {"scale": -2.0, "mode": "fan_in", "distribution": "normal", "seed": None}
        ),
        ["scale", "-2.0"],
    ),
    ("unknown edition", lambda: ref.get("zeros", edition="keras4"), ["edition", "'keras4'"]),
    ("unknown edition ctor", lambda: ref.Zeros(edition="tf1"), ["edition", "'tf1'"]),
]


@pytest.mark.parametrize(
    "action,needles", [b[1:] for b in BAD_INPUTS], ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_inputs_raise_value_error_naming_argument_and_value(action, needles):
    with pytest.raises(Exception) as excinfo:
        action()
    assert excinfo.type is ValueError, (
        f"expected ValueError, got {excinfo.type.__name__}: {excinfo.value}"
    )
    message = str(excinfo.value)
    for needle in needles:
        assert needle in message, f"{needle!r} not in the message {message!r}"
