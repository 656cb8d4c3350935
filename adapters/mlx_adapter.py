"""MLX adapter (``--impl=mlx``): the Keras initializers as an MLX port writes them.

Every identifier is mapped to ``mlx.nn.init`` (an initializer there is a factory
``f(..., dtype)`` returning ``init(array, ...)``, which reads only the array's *shape*
and returns a new array), composed with ``mlx.core.random`` where ``mlx.nn.init`` has
no single equivalent. Each initializer is applied to an array of the layout MLX itself
uses, so that MLX's own fan function runs on the layout it really sees. Nothing is
drawn with NumPy: NumPy only receives the finished array (``numpy.asarray``).

Mapping (Keras 2 name -> MLX)
=============================

=====================  ==========================================================================
Keras 2                MLX (``I = mlx.nn.init``, ``R = mlx.core.random``, ``d`` = the MLX dtype)
=====================  ==========================================================================
Zeros / zeros, zero    ``I.constant(0, d)(w)``  (``mlx.nn.init`` has no zeros/ones)
Ones / ones, one       ``I.constant(1, d)(w)``
Constant(value)        ``I.constant(value, d)(w)`` (``mx.full(shape, value, dtype=d)``: MLX promotes
                       ``d`` with the type of ``value``, so a float ``value`` with an integer ``d``
                       gives a float32 array; left for the suite to see. Zeros and Ones pass the
                       Python ints 0 and 1, which keep every dtype)
RandomNormal           ``I.normal(mean=mean, std=stddev, dtype=d)(w)``
RandomUniform          ``I.uniform(low=minval, high=maxval, dtype=d)(w)``
TruncatedNormal        composed (``mlx.nn.init`` has none): ``R.truncated_normal(-2.0, 2.0, shape, d,
                       key) * stddev + mean``. ``R.truncated_normal``'s bounds are in units of the
                       *standard* normal it samples (not absolute), so ``±2`` is Keras's ``±2 stddev``
VarianceScaling        composed (MLX has no VarianceScaling): ``I._calculate_fan_in_fan_out(w)``
                       (MLX's fan function, on MLX's layout), then ``"normal"`` ->
                       ``R.truncated_normal(-2, 2, shape, d, key) * s``, ``s = sqrt(scale / n) /
                       0.87962566103423978``; ``"uniform"`` -> ``R.uniform(-l, l, shape, d, key)``,
                       ``l = sqrt(3 * scale / n)``; with the port's validation of scale, mode and
                       distribution
glorot_uniform         ``I.glorot_uniform(d)(w)``                          (gain 1)
glorot_normal          ``I.glorot_normal(d)(w)``                           (gain 1; MLX: *untruncated*)
he_uniform             ``I.he_uniform(d)(w, mode="fan_in", gain=sqrt(2))``
he_normal              ``I.he_normal(d)(w, mode="fan_in", gain=sqrt(2))``  (MLX: *untruncated*)
lecun_uniform          ``I.he_uniform(d)(w, mode="fan_in", gain=1.0)``
lecun_normal           ``I.he_normal(d)(w, mode="fan_in", gain=1.0)``      (MLX: *untruncated*)
Orthogonal(gain)       ``I.orthogonal(gain, d)(w)`` on the 2-D MLX weight; for rank > 2 (MLX's
                       ``orthogonal`` takes 2-D arrays only) the port applies it to the MLX kernel
                       flattened as ``(out, prod(rest))`` and reshapes back (composed)
Identity(gain)         ``I.identity(d)(w)`` (MLX checks: 2-D and square, else ``ValueError``), then
                       ``(eye * gain).astype(d)`` (``identity`` has no gain; MLX promotes an integer
                       array times a Python float to float32, hence the cast back)
=====================  ==========================================================================

Translations: MLX's ``he_normal``/``he_uniform`` compute ``std = gain / sqrt(fan)`` and
``limit = gain * sqrt(3 / fan)`` with a *default gain of 1.0*: called with its defaults,
MLX's "he" initializers are LeCun's. A port must pass ``gain=sqrt(2)`` for Keras's He
initializers; the adapter does, and uses ``gain=1.0`` for LeCun's. MLX's
``glorot_normal``/``he_normal`` draw an *untruncated* normal of the Keras variance (by
design in MLX; the Keras 2 page truncates at 2 stddev). ``I.normal``/``I.uniform``
default to ``std=1`` and ``[0, 1)``: the adapter always passes the Keras values.

Layout
------
The suite speaks Keras layout: ``(in, out)`` for a dense kernel, ``(*k, in, out)``
for a convolution. MLX stores ``nn.Linear.weight`` as ``(out, in)`` and
``nn.Conv2d.weight`` as ``(out, kh, kw, in)`` (channels last): ``(out, *k, in)``.
MLX's fan function reads exactly that: ``fan_in = shape[-1] * prod(shape[1:-1])``,
``fan_out = shape[0] * prod(shape[1:-1])``. The adapter allocates the MLX-layout
array (``mx.zeros``), initializes it with ``mlx.nn.init``, and transposes the result
back to Keras layout. Rank 0 and 1 are the same in both layouts; MLX's fan function
raises ``ValueError`` for them (the spec defines ``(1, 1)`` and ``(n, n)``): the adapter
lets it surface, as a failure of a valid configuration, not "unsupported".

Seeds
-----
``mlx.nn.init``'s initializers take no key: they draw from MLX's *global* PRNG, so
``seed=int`` -> ``mx.random.seed(seed)`` right before the call (this reseeds the global
PRNG of the process, as an MLX user would). Where the adapter calls ``mlx.core.random``
itself (``TruncatedNormal``, ``VarianceScaling``), which takes a key, ``seed=int`` ->
``key=mx.random.key(seed)`` and the global PRNG is untouched. ``seed=None`` -> no key,
i.e. the global PRNG, which MLX seeds from the clock at start-up and which advances on
every draw: unseeded calls and instances differ. (MLX arrays are lazy, but the key is
split when the graph is built, so evaluating later does not change the values.)

Device
------
``MlxAdapter(device=...)`` (``--device``): ``cpu`` (the default) or ``gpu`` (Metal on
macOS, CUDA on Linux builds that have it), with ``:i`` for the i-th device of the kind.
Every call runs under ``mx.stream(d)``, so the arrays are made and the random kernels
run there. A device this machine lacks (``mx.is_available``) is a ``ValueError`` when the
adapter is made, naming the devices it has.

dtypes
------
The dtype name maps to the ``mlx.core`` dtype of the same name (``float64`` exists on
the CPU device only: on the GPU a float64 draw fails, and the suite sees it).
MLX rejects integer dtypes in ``R.normal``/``R.uniform``/``R.truncated_normal`` with
``ValueError`` itself. ``I.orthogonal`` does not: it computes in float32 and casts, so
for an integer dtype it returns the orthogonal matrix truncated to integers (zeros); the
port checks the dtype of ``Orthogonal`` itself (``ValueError``, Keras's rule).
MLX's uniform sampler has no float64 (``RuntimeError: [uniform] Unsupported type.``;
``truncated_normal`` and the ``*_uniform`` initializers use it too). An MLX user who needs
float64 weights draws in float32 and casts, and so does the port: on exactly that
``RuntimeError`` for float64, the same fill is redone in float32 (same seed) and cast
with ``astype(mx.float64)``. Those float64 outputs therefore carry float32 resolution
(the suite cannot tell; reported apart as a finding). ``I.orthogonal`` draws and factors
in float32 whatever the dtype, so its float64 output has float32 precision too: that
one is MLX's own behaviour, left for the suite to see.

Validation: from MLX where MLX checks (fans of rank < 2, ``orthogonal`` not 2-D,
``identity`` not square, integer dtypes of its samplers). ``VarianceScaling`` has no MLX
class, so its composition validates ``scale > 0``, ``mode`` and ``distribution`` as a
careful port of the Keras page would. Unknown identifiers and unknown config keys (not
in the Keras signature) raise ``ValueError``, like the Keras constructors.

Edition: ``keras2`` (the seed page; MLX makes no claim about Keras).
"""

from __future__ import annotations

import math

import mlx.core as mx
import mlx.nn.init as I
import numpy as np

from .declarations import (
    declare,
    deviating,
    fans_undefined_below_rank_2,
    sixteen_bit_draws,
    untruncated_normal_presets,
    zero_fans_divided,
)
from .keras_api import FAN_SCALED
from .port import Port, bfloat16_array, dtype_name, no_such_device
from .variance_scaling import TRUNCATED_NORMAL_STD_FACTOR, check_variance_scaling, divisor

_DTYPES = {
    name: getattr(mx, name)
    for name in (
        "float16",
        "float32",
        "float64",
        "bfloat16",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "bool_",
    )
}
_DTYPES["bool"] = _DTYPES.pop("bool_")


def mlx_dtype(dtype):
    """The MLX dtype named like ``dtype`` (``None``: float32, the Keras default)."""
    name = dtype_name(dtype)
    if name not in _DTYPES:
        raise ValueError(f"mlx adapter: no MLX dtype for {dtype!r}")
    return _DTYPES[name]


_KINDS = {"cpu": mx.cpu, "gpu": mx.gpu}


def mlx_devices() -> list[str]:
    """The devices MLX can use here, as ``--device`` names them."""
    names = []
    for kind, device_type in _KINDS.items():
        count = mx.device_count(device_type) if mx.is_available(mx.Device(device_type)) else 0
        names += [kind] if count == 1 else [f"{kind}:{i}" for i in range(count)]
    return names


def mlx_device(name: str) -> mx.Device:
    """The MLX device ``kind[:i]`` names, or ``ValueError`` naming the devices MLX has here."""
    kind, _, index = name.strip().lower().partition(":")
    try:
        position = int(index or 0)
        if kind not in _KINDS:
            raise ValueError(f"no device kind {kind!r}, MLX has {' and '.join(_KINDS)}")
        device = mx.Device(_KINDS[kind], position)
        if position < 0 or not mx.is_available(device):
            raise ValueError("not available")
    except ValueError as error:
        raise no_such_device("mlx", name, error, mlx_devices()) from None
    return device


def mlx_shape(shape: tuple[int, ...]) -> tuple[int, ...]:
    """Keras layout ``(*k, in, out)`` -> MLX layout ``(out, *k, in)``."""
    if len(shape) < 2:
        return shape
    return (shape[-1], *shape[:-2], shape[-2])


def to_keras_layout(array: mx.array) -> mx.array:
    """MLX layout ``(out, *k, in)`` -> Keras layout ``(*k, in, out)``."""
    rank = array.ndim
    if rank < 2:
        return array
    return mx.transpose(array, (*range(1, rank - 1), rank - 1, 0))


def _is_floating(dtype) -> bool:
    return mx.issubdtype(dtype, mx.floating)


# -- fill functions: (native array, dtype, seed) -> new native array ----------------------


def _seeded(seed):
    """``mlx.nn.init`` takes no key: seed MLX's global PRNG (seed=None: leave it)."""
    if seed is not None:
        mx.random.seed(seed)


def _key(seed):
    return None if seed is None else mx.random.key(seed)


def _nn_init(factory):
    """An ``mlx.nn.init`` initializer, drawn from the (re)seeded global PRNG."""

    def fill(w, d, seed):
        _seeded(seed)
        return factory(d)(w)

    return fill


def _truncated_normal(mean, stddev):
    def fill(w, d, seed):
        return mx.random.truncated_normal(-2.0, 2.0, w.shape, d, key=_key(seed)) * stddev + mean

    return fill


def _variance_scaling(scale, mode, distribution):
    check_variance_scaling(scale, mode, distribution)  # mlx has no VarianceScaling

    def fill(w, d, seed):
        fan_in, fan_out = I._calculate_fan_in_fan_out(w)  # MLX's fans, MLX's layout
        n = divisor(mode, fan_in, fan_out)
        if distribution == "normal":
            parent = math.sqrt(scale / n) / TRUNCATED_NORMAL_STD_FACTOR
            return mx.random.truncated_normal(-2.0, 2.0, w.shape, d, key=_key(seed)) * parent
        limit = math.sqrt(3.0 * scale / n)
        return mx.random.uniform(-limit, limit, w.shape, d, key=_key(seed))

    return fill


def _he(factory, gain):
    def fill(w, d, seed):
        _seeded(seed)
        return factory(d)(w, mode="fan_in", gain=gain)

    return fill


def _orthogonal(gain):
    def fill(w, d, seed):
        if not _is_floating(d):
            # I.orthogonal computes in float32 and casts: it would return zeros.
            raise ValueError(f"Orthogonal: a floating dtype is required, got {d}")
        _seeded(seed)
        init = I.orthogonal(gain, d)
        if w.ndim <= 2:
            return init(w)  # MLX's own check: ValueError unless 2-D
        # MLX's orthogonal is 2-D only: the port flattens the MLX kernel (out, *k, in).
        flat = init(mx.zeros((w.shape[0], math.prod(w.shape[1:])), dtype=d))
        return flat.reshape(w.shape)

    return fill


def _identity(gain):
    def fill(w, d, seed):
        eye = I.identity(d)(w)  # ValueError unless 2-D and square
        return (eye * gain).astype(d)

    return fill


BUILDERS = {
    "Zeros": lambda: _nn_init(lambda d: I.constant(0, d)),
    "Ones": lambda: _nn_init(lambda d: I.constant(1, d)),
    "Constant": lambda value: _nn_init(lambda d: I.constant(value, d)),
    "RandomNormal": lambda mean, stddev: _nn_init(
        lambda d: I.normal(mean=mean, std=stddev, dtype=d)
    ),
    "RandomUniform": lambda minval, maxval: _nn_init(
        lambda d: I.uniform(low=minval, high=maxval, dtype=d)
    ),
    "TruncatedNormal": _truncated_normal,
    "VarianceScaling": _variance_scaling,
    "glorot_uniform": lambda: _nn_init(I.glorot_uniform),
    "glorot_normal": lambda: _nn_init(I.glorot_normal),
    "he_uniform": lambda: _he(I.he_uniform, math.sqrt(2.0)),
    "he_normal": lambda: _he(I.he_normal, math.sqrt(2.0)),
    "lecun_uniform": lambda: _he(I.he_uniform, 1.0),
    "lecun_normal": lambda: _he(I.he_normal, 1.0),
    "Orthogonal": _orthogonal,
    "Identity": _identity,
}


class MlxAdapter(Port):
    """The Keras 2 initializers through ``mlx.nn.init`` (see the module docstring)."""

    name = "mlx"
    rejections = ()  # MLX raises ValueError itself for an integer dtype of a random law

    #: Confirmed deviations of MLX itself from the Keras 2 page, each reproduced by a
    #: standalone script (reports/FINDINGS-mlx-paddle-tinygrad.md) and narrowed by
    #: ``match`` to the failure it explains.
    known_deviations = declare(
        fans_undefined_below_rank_2(
            "mlx.nn.init's fan function (_calculate_fan_in_fan_out)",
            "ValueError: Glorot / He initialization requires at least 2 dimensional input",
            empty_shape=False,
        ),
        zero_fans_divided(
            "mlx.nn.init's fan function (_calculate_fan_in_fan_out)",
            names=[n for n in FAN_SCALED if n != "VarianceScaling"],
        ),
        deviating(
            ["test_empty_shape[VarianceScaling]"],  # its first empty shape is (0,)
            "mlx.nn.init's fan function (_calculate_fan_in_fan_out) raises for rank 0 and 1; "
            "the spec defines fans (1, 1) and (n, n)",
            "ValueError: Glorot / He initialization requires at least 2 dimensional input",
        ),
        untruncated_normal_presets("mlx.nn.init.glorot_normal / he_normal"),
        deviating(
            ["test_float64_precision[*]"],
            "MLX's samplers draw float64 weights at float32 resolution: uniform has no float64 "
            "(the port draws in float32 and casts, as an MLX user must), normal transforms "
            "float32 uniforms",
            "likely cause: float64 (output computed in float32 and cast|values on a coarse grid)",
        ),
        deviating(
            ["test_zero_spread[RandomUniform]"],
            "MLX's uniform has no float64: the port draws in float32 and casts, so a float64 "
            "RandomUniform(0.3, 0.3) is float32(0.3) = 0.30000001192092896",
            r"RandomUniform: output differs(?s:.*)dtype=float64",
        ),
        deviating(
            [
                "test_orthogonal_orthonormal",
                "test_orthogonal_haar[*]",  # after its Haar tests, which still judge the law
                "test_orthogonal_haar_large[*]",
                *(
                    f"test_{check}[Orthogonal]"
                    for check in (
                        "seed_reproducible",
                        "seed_distinct_independent",
                        "unseeded_calls_differ",
                        "seeded_calls_leave_global_state",
                        "seeded_same_across_processes",
                    )
                ),
            ],
            "mlx.nn.init.orthogonal draws and factors in float32 whatever the dtype: a "
            "float64 Q has float32 precision (max |QtQ - I| = 2.5e-7)",
            "(?s)is not gain²·I.*dtype=float64",
        ),
        sixteen_bit_draws(
            "mlx.random in float16/bfloat16",
            "draws in 16-bit arithmetic: values on the wrong representable values (chi-square "
            "up to 34,000 on 199 degrees of freedom in bfloat16), a bfloat16 truncated normal "
            "0.35 % narrow, float16 truncated values exactly on ±2 std",
        ),
    )

    def version(self) -> str:
        return f"mlx {mx.__version__} ({mlx_device(self.device)})"

    def check_device(self, device: str) -> str:
        mlx_device(device)
        return device.strip().lower()

    def build(self, name: str, kwargs: dict):
        seed = kwargs.pop("seed", None)
        fill = BUILDERS[name](**kwargs)
        device = mlx_device(self.device)

        def draw_here(shape, dtype):
            d = mlx_dtype(dtype)
            native = mx.zeros(mlx_shape(shape), dtype=d)
            try:
                out = fill(native, d, seed)
                mx.eval(out)
            except RuntimeError as error:
                if d != mx.float64 or "Unsupported type" not in str(error):
                    raise
                # MLX's uniform sampler has no float64: draw in float32 and cast, as a port
                # must (see "dtypes" in the module docstring).
                out = fill(mx.zeros(native.shape, dtype=mx.float32), mx.float32, seed)
                out = out.astype(mx.float64)
            out = to_keras_layout(out)
            mx.eval(out)
            if out.dtype == mx.bfloat16:  # NumPy takes it as float32, exactly (port.py)
                return bfloat16_array(np.asarray(out.astype(mx.float32)))
            return np.asarray(out)

        def draw(shape, dtype):
            with mx.stream(device):
                return draw_here(shape, dtype)

        return draw
