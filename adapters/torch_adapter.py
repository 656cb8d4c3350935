"""PyTorch adapter (``--impl=torch``): the Keras initializers as a torch port writes them.

Every identifier is mapped to the ``torch.nn.init`` function a port author would
call, applied to the tensor torch itself would hold, so that torch computes the
fans on the layout it really uses. Nothing is drawn with NumPy: NumPy only
receives the finished tensor (``tensor.numpy()``).

Mapping (Keras 2 name -> torch)
===============================

=====================  ==========================================================================
Keras 2                torch (``I = torch.nn.init``)
=====================  ==========================================================================
Zeros / zeros, zero    ``I.zeros_(w)``
Ones / ones, one       ``I.ones_(w)``
Constant(value)        ``I.constant_(w, value)``
RandomNormal           ``I.normal_(w, mean, std=stddev)``
RandomUniform          ``I.uniform_(w, a=minval, b=maxval)``
TruncatedNormal        ``I.trunc_normal_(w, mean, std=stddev, a=mean - 2*stddev, b=mean + 2*stddev)``
                       (torch's ``a``/``b`` are *absolute* bounds, Keras truncates at 2 stddev)
VarianceScaling        composed (torch has no VarianceScaling): ``I._calculate_fan_in_and_fan_out(w)``
                       for the fans, then ``normal`` -> ``I.trunc_normal_(w, 0, s, -2s, 2s)`` with
                       ``s = sqrt(scale / n) / 0.87962566103423978``; ``uniform`` ->
                       ``I.uniform_(w, -l, l)`` with ``l = sqrt(3 * scale / n)``
glorot_uniform         ``I.xavier_uniform_(w)``                       (gain 1)
glorot_normal          ``I.xavier_normal_(w)``                        (gain 1; torch: *untruncated*)
he_uniform             ``I.kaiming_uniform_(w, nonlinearity="relu")``  (gain sqrt(2))
he_normal              ``I.kaiming_normal_(w, nonlinearity="relu")``   (gain sqrt(2); *untruncated*)
lecun_uniform          ``I.kaiming_uniform_(w, nonlinearity="linear")`` (gain 1)
lecun_normal           ``I.kaiming_normal_(w, nonlinearity="linear")``  (gain 1; *untruncated*)
Orthogonal(gain)       ``I.orthogonal_(w, gain)``
Identity(gain)         ``I.eye_(w)`` then ``w.copy_(w * gain)`` (``eye_`` has no gain; multiplying
                       out of place and copying back keeps integer dtypes working)
=====================  ==========================================================================

The six named functions go to torch's own named functions, as a port would: torch's
``*_normal_`` functions draw an *untruncated* normal of the same variance (by design
in torch; the Keras 2 page truncates). ``VarianceScaling`` itself has no torch
equivalent, so it is composed from torch's fan function and ``trunc_normal_`` /
``uniform_``.

Layout
------
The suite speaks Keras layout: ``(in, out)`` for a dense kernel, ``(*k, in, out)``
for a convolution. torch stores ``(out, in)`` and ``(out, in, *k)``. The adapter
allocates the torch-layout tensor, initializes it with ``torch.nn.init``, and
permutes it back to Keras layout. Rank 0 and 1 tensors are the same in both.

torch's fan function raises ``ValueError`` for tensors of rank < 2 (the spec
defines fans ``(1, 1)`` and ``(n, n)`` there). The adapter lets that ``ValueError``
surface: the suite reports it as a failure of a valid configuration, which is the
truthful statement (torch cannot do it); turning it into ``NotImplementedError``
would hide it among "unsupported" features.

Seeds
-----
``seed=int``: a fresh ``torch.Generator(device=d).manual_seed(seed)`` per call, passed as
``generator=`` (every random ``torch.nn.init`` function accepts it in torch >= 2.1),
so equal seeds give equal values and the global RNG is untouched.
``seed=None``: ``generator=None``, i.e. torch's global default generator, as a torch
user would (torch 2.13 seeds it from the OS at import: ``torch.initial_seed()``
differs between processes), so unseeded calls and instances differ.

Device
------
``TorchAdapter(device=...)`` (``--device``): any device string ``torch.device`` takes
(``cpu`` by default, ``cuda``, ``cuda:1``, ``mps``, ``xpu``, ...). The tensor is
allocated there (``torch.empty(..., device=d)``), the generator of a seeded call is
made there (``torch.Generator(device=d)``: CUDA's Philox generator, not the CPU's
Mersenne Twister, so the same seed gives other values on another device), and the
result is copied to the host (``.cpu()``) for NumPy. The device is checked when the
adapter is made, by a small seeded draw on it: a device this machine lacks is a
``ValueError`` naming the devices it has.

dtypes
------
``float16``/``float32``/``float64`` (and integer names for the deterministic
initializers) map to the torch dtype of the same name. torch rejects integer dtypes
in its random kernels with ``NotImplementedError``/``RuntimeError``
(``"normal_kernel_cpu" not implemented for 'Int'``); the adapter translates exactly
those rejections, for non-floating dtypes only, into ``ValueError`` (the spec's
error). A ``NotImplementedError`` torch raises for a *floating* dtype
(``orthogonal_`` in float16: no QR for Half on CPU) stays ``NotImplementedError``
("unsupported"), with the reason.

Validation
----------
Errors come from torch where torch checks (``orthogonal_`` rank < 2, ``eye_`` not 2-D,
fans of rank < 2). torch accepts a non-square ``eye_`` (the rectangular identity):
that is left for the suite to see. ``VarianceScaling`` has no torch class, so its
composition validates ``scale > 0``, ``mode`` and ``distribution`` as a careful port
of the Keras page would. Unknown identifiers and unknown config keys (not in the
Keras signature) raise ``ValueError``, like the Keras constructors.

Edition: ``keras2`` (the seed page; torch makes no claim about Keras). The
``TorchKeras3Adapter`` variant translates the Keras 3 vocabulary instead.
"""

from __future__ import annotations

import math

import torch
import torch.nn.init as I

from .declarations import (
    declare,
    deviating,
    fans_undefined_below_rank_2,
    sixteen_bit_draws,
    untruncated_normal_presets,
    zero_fans_divided,
)
from .keras_api import ALIASES, KERAS3_ALIASES
from .port import Port, bfloat16_array, dtype_name, no_such_device
from .variance_scaling import TRUNCATED_NORMAL_STD_FACTOR, check_variance_scaling, divisor

_DTYPES = {
    name: getattr(torch, name)
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
        "bool",
    )
}


def torch_dtype(dtype) -> torch.dtype:
    """The torch dtype named like ``dtype`` (``None``: float32, the Keras default)."""
    name = dtype_name(dtype)
    if name not in _DTYPES:
        raise ValueError(f"torch adapter: no torch dtype for {dtype!r}")
    return _DTYPES[name]


def torch_devices() -> list[str]:
    """The devices torch can draw on here: the CPU, and each device of the accelerator."""
    names = ["cpu"]
    accelerator = getattr(torch, "accelerator", None)  # torch >= 2.6
    if accelerator is not None and accelerator.is_available():
        kind = accelerator.current_accelerator().type
        names += [f"{kind}:{i}" for i in range(accelerator.device_count())]
    elif torch.cuda.is_available():
        names += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    return names


def check_torch_device(name: str) -> str:
    """``name`` as ``torch.device`` spells it, if torch can draw there (a seeded normal
    brought to the host); else ``ValueError`` naming the devices it can draw on."""
    try:
        device = torch.device(name.strip().lower())
        module = getattr(torch, device.type, None)  # torch.cuda, torch.mps, torch.xpu, ...
        if not getattr(module, "is_available", lambda: True)():
            raise RuntimeError(f"torch.{device.type}.is_available() is False")
        generator = torch.Generator(device=device).manual_seed(0)
        torch.empty(2, device=device).normal_(generator=generator).cpu()
    except (RuntimeError, AssertionError, ValueError) as error:
        raise no_such_device("torch", name, error, torch_devices()) from None
    return str(device)


def torch_shape(shape: tuple[int, ...]) -> tuple[int, ...]:
    """Keras layout ``(*k, in, out)`` -> torch layout ``(out, in, *k)``."""
    if len(shape) < 2:
        return shape
    return (shape[-1], shape[-2], *shape[:-2])


def to_keras_layout(tensor: torch.Tensor) -> torch.Tensor:
    """torch layout ``(out, in, *k)`` -> Keras layout ``(*k, in, out)``."""
    rank = tensor.dim()
    if rank < 2:
        return tensor
    return tensor.permute(*range(2, rank), 1, 0).contiguous()


# -- fill functions: (native tensor, generator) -> None, all through torch.nn.init ---------


def _variance_scaling(scale, mode, distribution, distributions):
    check_variance_scaling(scale, mode, distribution, distributions)  # torch has no VarianceScaling
    family = distributions[distribution]

    def fill(w, gen):
        fan_in, fan_out = I._calculate_fan_in_and_fan_out(w)  # torch's fans, torch's layout
        n = divisor(mode, fan_in, fan_out)
        std = math.sqrt(scale / n)
        if family == "truncated_normal":
            parent = std / TRUNCATED_NORMAL_STD_FACTOR
            I.trunc_normal_(w, 0.0, parent, -2.0 * parent, 2.0 * parent, generator=gen)
        elif family == "normal":
            I.normal_(w, 0.0, std, generator=gen)
        else:
            limit = math.sqrt(3.0 * scale / n)
            I.uniform_(w, -limit, limit, generator=gen)

    return fill


def _truncated_normal(mean, stddev):
    def fill(w, gen):
        I.trunc_normal_(w, mean, stddev, mean - 2.0 * stddev, mean + 2.0 * stddev, generator=gen)

    return fill


def _identity(gain):
    def fill(w, gen):
        I.eye_(w)  # ValueError unless 2-D; rectangular shapes give the rectangular identity
        with torch.no_grad():
            w.copy_(w * gain)

    return fill


def _fill_builders(distributions):
    return {
        "Zeros": lambda: lambda w, gen: I.zeros_(w),
        "Ones": lambda: lambda w, gen: I.ones_(w),
        "Constant": lambda value: lambda w, gen: I.constant_(w, value),
        "RandomNormal": lambda mean, stddev: (
            lambda w, gen: I.normal_(w, mean, stddev, generator=gen)
        ),
        "RandomUniform": lambda minval, maxval: (
            lambda w, gen: I.uniform_(w, minval, maxval, generator=gen)
        ),
        "TruncatedNormal": _truncated_normal,
        "VarianceScaling": lambda scale, mode, distribution: _variance_scaling(
            scale, mode, distribution, distributions
        ),
        "glorot_uniform": lambda: lambda w, gen: I.xavier_uniform_(w, generator=gen),
        "glorot_normal": lambda: lambda w, gen: I.xavier_normal_(w, generator=gen),
        "he_uniform": lambda: (
            lambda w, gen: I.kaiming_uniform_(w, nonlinearity="relu", generator=gen)
        ),
        "he_normal": lambda: (
            lambda w, gen: I.kaiming_normal_(w, nonlinearity="relu", generator=gen)
        ),
        "lecun_uniform": lambda: (
            lambda w, gen: I.kaiming_uniform_(w, nonlinearity="linear", generator=gen)
        ),
        "lecun_normal": lambda: (
            lambda w, gen: I.kaiming_normal_(w, nonlinearity="linear", generator=gen)
        ),
        "Orthogonal": lambda gain: lambda w, gen: I.orthogonal_(w, gain, generator=gen),
        "Identity": _identity,
    }


#: torch's deviations in every edition.
DEVIATIONS = (
    fans_undefined_below_rank_2(
        "torch.nn.init._calculate_fan_in_and_fan_out",
        "ValueError: Fan in and fan out can not be computed",
    ),
    untruncated_normal_presets("torch.nn.init.xavier_normal_ / kaiming_normal_"),
    zero_fans_divided(
        "torch.nn.init.xavier_normal_ / xavier_uniform_ (2 / (fan_in + fan_out), 0 for a "
        "(0, 0) kernel)",
        ("glorot_normal", "glorot_uniform"),
    ),
    deviating(
        ["test_zero_spread[TruncatedNormal]"],
        "torch.nn.init.trunc_normal_ standardizes its bounds by the std, (a - mean) / std: "
        "std=0 raises ZeroDivisionError where the spec returns the mean",
        "raised ZeroDivisionError",
    ),
    deviating(
        ["test_constant_overflow[*]"],
        "torch.nn.init.constant_ (Tensor.fill_) refuses a value beyond the 16-bit dtype's "
        "largest finite one (RuntimeError, even 65,519, which rounds to 65,504 in float16) "
        "where the spec converts it as IEEE 754 does, to ±inf or the largest finite value",
        "raised RuntimeError: value cannot be converted to type c10::(Half|BFloat16) "
        "without overflow",
    ),
    sixteen_bit_draws(
        "torch.nn.init in float16/bfloat16",
        "uniform_ returns minval for a draw that rounds to maxval (round(maxval) holds no "
        "value, round(minval) twice its mass), and trunc_normal_ puts 3x its mass on the "
        "lower bound's value (1,623 values on -2 per 10^7 in float16 where 553 are expected)",
    ),
)


def host_array(tensor):
    """A tensor's values as a NumPy array on the host, bit for bit (bfloat16 through its
    bits: NumPy has no bfloat16 of its own, port.py)."""
    host = tensor.detach().cpu()
    if host.dtype == torch.bfloat16:
        return bfloat16_array(host.view(torch.int16).numpy())
    return host.numpy()


class TorchAdapter(Port):
    """The Keras 2 initializers through ``torch.nn.init`` (see the module docstring)."""

    name = "torch"
    distributions = {"normal": "truncated_normal", "uniform": "uniform"}
    aliases = ALIASES
    #: Confirmed in reports/FINDINGS.md (torch), each with a standalone reproduction.
    known_deviations = declare(
        *DEVIATIONS,
        {
            f"test_identity_shape[{shape}]": {
                "reason": "torch.nn.init.eye_ fills any 2-D tensor, square or not (as Keras 3)",
                "match": "Identity: invalid input accepted",
            }
            for shape in ("(2, 3)", "(5, 1)", "(1, 4)")
        },
        {
            "test_empty_shape[Identity]": {
                "reason": "torch.nn.init.eye_ fills any 2-D tensor, square or not (as Keras 3)",
                "match": "Identity: invalid input accepted",
            }
        },
    )

    def version(self) -> str:
        return f"torch {torch.__version__}" + ("" if self.device == "cpu" else f" ({self.device})")

    def seed_global(self, seed: int) -> None:
        """``torch.manual_seed(seed)``: the global generator, from which unseeded draws come
        (the suite checks that a seeded call leaves it alone)."""
        torch.manual_seed(seed)

    def check_device(self, device: str) -> str:
        return check_torch_device(device)

    def build(self, name: str, kwargs: dict):
        seed = kwargs.pop("seed", None)
        fill = _fill_builders(self.distributions)[name](**kwargs)
        device = torch.device(self.device)

        def draw(shape, dtype):
            native = torch.empty(torch_shape(shape), dtype=torch_dtype(dtype), device=device)
            generator = None if seed is None else torch.Generator(device=device).manual_seed(seed)
            fill(native, generator)
            return host_array(to_keras_layout(native))

        return draw


class TorchKeras3Adapter(TorchAdapter):
    """The same port, translating the Keras 3 vocabulary (``--edition=keras3``)."""

    name = "torch-keras3"
    edition = "keras3"
    known_deviations = declare(*DEVIATIONS)  # eye_ on non-square shapes is keras3's rule
    distributions = {
        "normal": "truncated_normal",
        "truncated_normal": "truncated_normal",
        "untruncated_normal": "normal",
        "uniform": "uniform",
    }
    aliases = {**ALIASES, **KERAS3_ALIASES}
