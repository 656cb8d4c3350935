"""PaddlePaddle adapter (``--impl=paddle``): the Keras initializers as a Paddle port writes them.

Every identifier is mapped to the ``paddle.nn.initializer`` class a port author would
use, applied the way a Paddle layer applies it: ``paddle.create_parameter(shape, dtype,
default_initializer=init)`` (what ``nn.Linear(..., weight_attr=ParamAttr(initializer=
init))`` does), on the parameter shape Paddle itself would hold, so that Paddle
computes the fans on the layout it really uses. Nothing is drawn with NumPy: NumPy only
receives the finished tensor (``tensor.numpy()``).

Mapping (Keras 2 name -> Paddle)
================================

=====================  ==========================================================================
Keras 2                Paddle (``I = paddle.nn.initializer``)
=====================  ==========================================================================
Zeros / zeros, zero    ``I.Constant(0.0)``
Ones / ones, one       ``I.Constant(1.0)``
Constant(value)        ``I.Constant(value)``
RandomNormal           ``I.Normal(mean=mean, std=stddev)``
RandomUniform          ``I.Uniform(low=minval, high=maxval)``
TruncatedNormal        ``I.TruncatedNormal(mean, std=stddev, a=mean - 2*stddev, b=mean + 2*stddev)``
                       (Paddle's ``a``/``b`` are *absolute* cut-offs, default ``-2.0``/``2.0`` whatever
                       the std; Keras truncates at 2 stddev around the mean)
VarianceScaling        composed (Paddle has no VarianceScaling): ``I.Initializer()._compute_fans(w)``
                       (Paddle's fan function, on Paddle's layout), then ``"normal"`` ->
                       ``I.TruncatedNormal(0, s, a=-2s, b=2s)`` with ``s = sqrt(scale / n) /
                       0.87962566103423978``; ``"uniform"`` -> ``I.Uniform(-l, l)`` with
                       ``l = sqrt(3 * scale / n)``; with the port's validation of scale, mode and
                       distribution
glorot_uniform         ``I.XavierUniform()``                                  (gain 1)
glorot_normal          ``I.XavierNormal()``                                   (Paddle: *untruncated*)
he_uniform             ``I.KaimingUniform(nonlinearity="relu", mode="fan_in")``   (gain sqrt(2))
he_normal              ``I.KaimingNormal(nonlinearity="relu", mode="fan_in")``    (*untruncated*)
lecun_uniform          ``I.KaimingUniform(nonlinearity="linear", mode="fan_in")`` (gain 1)
lecun_normal           ``I.KaimingNormal(nonlinearity="linear", mode="fan_in")``  (*untruncated*)
Orthogonal(gain)       ``I.Orthogonal(gain)``
Identity(gain)         composed (Paddle's ``Dirac`` is for 3-D to 5-D convolution kernels only):
                       the port checks the shape (2-D and square, else ``ValueError``), then
                       ``I.Assign(paddle.scale(paddle.eye(n, dtype=dtype), gain))``
=====================  ==========================================================================

Translations: Paddle's ``Kaiming*`` default to ``nonlinearity="relu"`` (gain sqrt(2)),
``negative_slope=0`` and ``mode="fan_in"``, i.e. Keras's He initializers; the adapter
passes them explicitly, and ``"linear"`` (gain 1) for LeCun's. Paddle's ``Normal`` and
``Uniform`` default to ``std=1`` and ``[-1, 1)``, its ``TruncatedNormal`` to ``std=1``
with bounds ``±2`` (absolute): the adapter always passes the Keras values. Paddle's
``XavierNormal``/``KaimingNormal`` draw an *untruncated* normal of the Keras variance (by
design in Paddle; the Keras 2 page truncates).

Layout
------
The suite speaks Keras layout: ``(in, out)`` for a dense kernel, ``(*k, in, out)``
for a convolution. Paddle's ``_compute_fans`` reads rank 0 as ``(1, 1)``, rank 1
``(n,)`` as ``(n, n)``, rank 2 as ``(in, out)`` (``nn.Linear.weight`` is ``[in, out]``,
like Keras), and rank >= 3 as ``(out, in, *k)`` (``nn.Conv2D.weight`` is
``[out, in, kh, kw]``, like torch). So the adapter creates the parameter in the Keras
shape for rank <= 2 and in ``(out, in, *k)`` for rank >= 3, initializes it there, and
permutes it back to Keras layout. (``Orthogonal`` flattens Paddle's tensor as
``(shape[0], prod(shape[1:]))``: ``(in, out)`` for rank 2, ``(out, in·k)`` for a
kernel; the latter is the transpose of Keras's ``(k·in, out)`` up to a permutation of
its columns, so orthonormal rows there are orthonormal columns in Keras layout.)

Seeds
-----
Paddle's initializers take no seed or generator of their own (the public classes pass
``seed=0``: "use the global generator"): ``seed=int`` -> ``paddle.seed(seed)`` right
before the parameter is created. This reseeds Paddle's *global* default CPU generator
(and the CUDA/XPU ones of a build that has them): process-wide state, as for a Paddle
user. ``seed=None`` -> the global generator as it stands, which advances on every draw:
unseeded calls and instances differ.

Device
------
``PaddleAdapter(device=...)`` (``--device``): a Paddle place, ``cpu`` (the default),
``gpu``, ``gpu:1``, ``xpu:0``, ... Every call runs under ``paddle.device.device_guard(d)``,
so the parameter is created, initialized and permuted there (and ``paddle.seed`` seeds
that device's generator too); ``.numpy()`` copies it to the host. A device this machine
lacks (not ``cpu``, not in ``paddle.device.get_available_device()``, or one this build
of Paddle was not compiled for) is a ``ValueError`` when the adapter is made, naming the
devices it has.

dtypes
------
The dtype name is passed to ``create_parameter`` as is (Paddle accepts NumPy dtype
names). Paddle rejects integer dtypes in its random kernels with ``RuntimeError``
(``(NotFound) The kernel with key (CPU, ..., int32) of kernel `uniform` is not
registered``); the adapter translates exactly those rejections, for non-floating dtypes
of random initializers only, into ``ValueError`` (the spec's error). For a *floating*
dtype, a missing kernel (``qr`` has no float16 on CPU: ``Orthogonal`` in float16) is
reported as ``NotImplementedError`` ("unsupported"), with the reason
(:meth:`PaddleAdapter.lacks_kernel`). Paddle draws
float16 ``XavierNormal``/``KaimingNormal``/``TruncatedNormal`` in float32 and casts.

Validation: from Paddle where Paddle checks. Paddle validates with ``assert`` in
several places (``Orthogonal`` of rank < 2: ``AssertionError: Only Tensor with 2 or
more dimensions can be initialized by Orthogonal``; ``Uniform`` with ``high < low``):
the adapter lets those ``AssertionError`` surface, so the suite sees the exception type
Paddle really raises (the spec asks for ``ValueError``; an ``assert`` also vanishes under
``python -O``). ``VarianceScaling`` and ``Identity`` have no Paddle class, so their
compositions validate as a careful port of the Keras page would. Unknown identifiers
and unknown config keys (not in the Keras signature) raise ``ValueError``, like the
Keras constructors.

Edition: ``keras2`` (the seed page; Paddle makes no claim about Keras).
"""

from __future__ import annotations

import math
import re
import sys
import warnings

# paddle 3.3 crashes the process (SIGSEGV in paddle.base.core) when imported after
# tensorflow (which keras 3 imports when installed): say so instead of crashing.
if "tensorflow" in sys.modules:
    raise ImportError(
        "paddle cannot be imported after tensorflow in one process (paddle 3.3 "
        "segfaults in paddle.base.core); run paddle in a process of its own"
    )

with warnings.catch_warnings():  # "No ccache found" from paddle.utils.cpp_extension
    warnings.simplefilter("ignore")
    import paddle
    import paddle.nn.initializer as I

from .declarations import declare, deviating, untruncated_normal_presets, zero_fans_divided
from .port import Port, bfloat16_array, dtype_name, no_such_device
from .variance_scaling import TRUNCATED_NORMAL_STD_FACTOR, check_variance_scaling, divisor


def paddle_dtype(dtype) -> str:
    """A dtype name Paddle accepts (``None``: float32, the Keras default)."""
    return dtype_name(dtype)


def paddle_devices() -> list[str]:
    """The devices Paddle can use here, as ``--device`` names them."""
    return ["cpu", *paddle.device.get_available_device()]


def check_paddle_device(name: str) -> str:
    """``name`` in Paddle's spelling if this machine has that device (``gpu`` for the
    current GPU, ``gpu:i``), else ``ValueError`` naming the devices it has."""
    device = name.strip().lower()
    available = paddle_devices()
    try:
        paddle.device.device_guard(device)  # Paddle's parsing ('gpu' in a CPU build raises)
    except (ValueError, RuntimeError) as error:
        # paddle 3.3 formats a match object into its message ("should not be <re.Match ...>")
        reason = re.sub(
            r"<re\.Match object; span=\(\d+, \d+\), match=('[^']*')>", r"\1", str(error)
        )
        raise no_such_device("paddle", name, reason, available) from None
    if device in available or any(d.partition(":")[0] == device for d in available):
        return device
    raise no_such_device("paddle", name, "not in paddle.device.get_available_device()", available)


def paddle_shape(shape: tuple[int, ...]) -> tuple[int, ...]:
    """Keras layout -> Paddle layout: as is for rank <= 2, ``(out, in, *k)`` for rank >= 3."""
    if len(shape) < 3:
        return shape
    return (shape[-1], shape[-2], *shape[:-2])


def to_keras_layout(tensor: paddle.Tensor) -> paddle.Tensor:
    """Paddle layout -> Keras layout ``(*k, in, out)`` (rank >= 3: from ``(out, in, *k)``)."""
    rank = tensor.ndim
    if rank < 3:
        return tensor
    return paddle.transpose(tensor, [*range(2, rank), 1, 0])


# -- initializer builders: (native shape, dtype) -> a paddle.nn.initializer instance ---------


def _variance_scaling(scale, mode, distribution):
    check_variance_scaling(scale, mode, distribution)  # paddle has no VarianceScaling

    def build(shape, dtype):
        # Paddle's fan function reads only the shape; give it a tensor of the native shape.
        fan_in, fan_out = I.Initializer()._compute_fans(paddle.empty(shape, dtype="float32"))
        n = divisor(mode, fan_in, fan_out)
        if distribution == "normal":
            parent = math.sqrt(scale / n) / TRUNCATED_NORMAL_STD_FACTOR
            return I.TruncatedNormal(0.0, parent, a=-2.0 * parent, b=2.0 * parent)
        limit = math.sqrt(3.0 * scale / n)
        return I.Uniform(-limit, limit)

    return build


def _identity(gain):
    def build(shape, dtype):
        # Paddle has no identity initializer for 2-D weights: the port checks the shape.
        if len(shape) != 2 or shape[0] != shape[1]:
            raise ValueError(f"Identity: the shape must be 2-D and square, got {shape!r}")
        return I.Assign(paddle.scale(paddle.eye(shape[0], dtype=dtype), gain))

    return build


def _fixed(factory):
    return lambda shape, dtype: factory()


BUILDERS = {
    "Zeros": lambda: _fixed(lambda: I.Constant(0.0)),
    "Ones": lambda: _fixed(lambda: I.Constant(1.0)),
    "Constant": lambda value: _fixed(lambda: I.Constant(value)),
    "RandomNormal": lambda mean, stddev: _fixed(lambda: I.Normal(mean=mean, std=stddev)),
    "RandomUniform": lambda minval, maxval: _fixed(lambda: I.Uniform(low=minval, high=maxval)),
    "TruncatedNormal": lambda mean, stddev: _fixed(
        lambda: I.TruncatedNormal(mean, stddev, a=mean - 2.0 * stddev, b=mean + 2.0 * stddev)
    ),
    "VarianceScaling": _variance_scaling,
    "glorot_uniform": lambda: _fixed(I.XavierUniform),
    "glorot_normal": lambda: _fixed(I.XavierNormal),
    "he_uniform": lambda: _fixed(lambda: I.KaimingUniform(nonlinearity="relu", mode="fan_in")),
    "he_normal": lambda: _fixed(lambda: I.KaimingNormal(nonlinearity="relu", mode="fan_in")),
    "lecun_uniform": lambda: _fixed(lambda: I.KaimingUniform(nonlinearity="linear", mode="fan_in")),
    "lecun_normal": lambda: _fixed(lambda: I.KaimingNormal(nonlinearity="linear", mode="fan_in")),
    "Orthogonal": lambda gain: _fixed(lambda: I.Orthogonal(gain)),
    "Identity": _identity,
}


class PaddleAdapter(Port):
    """The Keras 2 initializers through ``paddle.nn.initializer`` (see the module docstring)."""

    name = "paddle"

    #: Confirmed deviations of Paddle itself from the Keras 2 page, each reproduced by a
    #: standalone script (reports/FINDINGS-mlx-paddle-tinygrad.md) and narrowed by ``match``.
    known_deviations = declare(
        untruncated_normal_presets("paddle.nn.initializer.XavierNormal / KaimingNormal"),
        deviating(
            ["test_spec_value_error[Orthogonal-*]", "test_empty_shape[Orthogonal]"],
            "Orthogonal rejects rank < 2 with an assert (AssertionError, and nothing "
            "under python -O), not ValueError",
            "AssertionError",
        ),
        deviating(
            ["test_dtype[Identity-int64]", "test_identity_square"],
            "paddle.nn.initializer.Assign (the only way to give a 2-D parameter fixed "
            "values) has no int64",
            "Unsupported dtype int64",
        ),
        zero_fans_divided(
            "paddle.nn.initializer.XavierUniform/KaimingUniform/KaimingNormal",
            names=("he_uniform", "he_normal", "lecun_uniform", "lecun_normal"),
        ),
        deviating(
            ["test_empty_shape[RandomUniform]"],
            "paddle.nn.initializer.Uniform on an empty parameter raises RuntimeError "
            "(PreconditionNotMet: Tensor not initialized yet) where the spec returns an "
            "empty array",
            r"RuntimeError: \(PreconditionNotMet\) Tensor not initialized yet",
        ),
        deviating(
            ["test_zero_spread[RandomNormal]", "test_zero_spread[RandomUniform]"],
            "paddle's Normal and Uniform hold mean/std and low/high as float32 attributes: "
            "a float64 RandomNormal(0.3, 0.0) or RandomUniform(0.3, 0.3) is float32(0.3) = "
            "0.30000001192092896",
            r"output differs(?s:.*)dtype=float64",
        ),
        deviating(
            ["test_zero_spread[TruncatedNormal]"],
            "paddle.nn.initializer.TruncatedNormal with std 0 returns NaN for every value in "
            "bfloat16 (float32 and float64: the mean)",
            r"non-finite values(?s:.*)dtype=bfloat16",
        ),
    )

    def version(self) -> str:
        return f"paddle {paddle.__version__} ({self.device.upper()})"

    def check_device(self, device: str) -> str:
        return check_paddle_device(device)

    def lacks_kernel(self, error: BaseException, dtype: str) -> bool:
        """Paddle's missing kernel: ``RuntimeError: (NotFound) The kernel with key (CPU,
        ..., float16) of kernel `qr` is not registered``."""
        return isinstance(error, RuntimeError) and "(NotFound)" in str(error)

    def build(self, name: str, kwargs: dict):
        seed = kwargs.pop("seed", None)
        make_initializer = BUILDERS[name](**kwargs)

        def draw_here(shape, dtype):
            pdtype = paddle_dtype(dtype)
            native = paddle_shape(shape)
            if seed is not None:
                paddle.seed(seed)  # the global default generator (see "Seeds")
            initializer = make_initializer(native, pdtype)  # Identity computes here
            param = paddle.create_parameter(list(native), pdtype, default_initializer=initializer)
            host = to_keras_layout(param).numpy()
            if param.dtype == paddle.bfloat16:  # .numpy() gives its bits as uint16 (port.py)
                return bfloat16_array(host)
            return host

        def draw(shape, dtype):
            with paddle.device.device_guard(self.device):
                return draw_here(shape, dtype)

        return draw
