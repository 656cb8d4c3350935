"""The kit of the built-in ports: the adapter protocol as a type, and a base class.

:class:`Adapter` documents the protocol for third-party ports (a ``typing.Protocol``:
nothing to inherit, nothing to import; a type checker can check a port against it).

:class:`Port` is what the built-in ports share: ``make`` built from two hooks,

* :meth:`Port.resolve`: the Keras identifier and config -> ``(name, kwargs)`` (default:
  :func:`~.keras_api.bind`, the Keras 2 signature with its defaults, and the port's
  aliases);
* :meth:`Port.build`: ``(name, kwargs)`` -> ``draw(shape, dtype)``, the framework's
  initializer with its seed, returning an array in Keras layout (the mapping table,
  the layout and the seed are the port's);

and the part no port should write twice: the shape made a tuple of ints, and the
framework's refusals translated. A random initializer asked for an integer dtype, when
the framework refuses it with one of :attr:`Port.rejections`, raises the spec's
``ValueError``; a ``NotImplementedError`` the framework raises for a floating dtype stays
one ("unsupported"), with the port's name, the initializer and the dtype.

The device: ``Port(device="cuda")`` is what ``--device cuda`` makes; the port checks the
device when it is made (:meth:`Port.check_device`, a ``ValueError`` naming the devices
this machine has), and ``build`` places its draws on ``self.device``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Protocol, runtime_checkable

import ml_dtypes  # bfloat16 for NumPy, as JAX and TensorFlow give it
import numpy as np

from .keras_api import ALIASES, RANDOM, bind, canonical


@runtime_checkable
class Adapter(Protocol):
    """How the suite reaches an implementation (docs/adapters.md).

    ``known_deviations`` and ``edition`` are optional attributes; the serialization API
    (``get``, ``serialize``, ``deserialize``, ``get_config``, ``from_config``: see
    :class:`Serialization`) is five optional methods. A check that needs one the adapter
    lacks (or that raises ``NotImplementedError``) is recorded as unsupported, never a pass.
    """

    name: str

    def version(self) -> str:
        """E.g. ``"myframework 1.4.2"``, shown in the header and the report."""
        ...

    def make(self, identifier: str, config: dict) -> Callable[[tuple[int, ...], str], Any]:
        """``init(shape, dtype)`` returning anything ``numpy.asarray`` takes, in Keras layout;
        ``NotImplementedError`` for what the framework lacks, ``ValueError`` for what the
        spec calls invalid (here or from ``init``)."""
        ...


@runtime_checkable
class Serialization(Adapter, Protocol):
    """An adapter with the optional serialization API (``conformance/test_serialization.py``):
    the framework's own ``deserialize``, ``serialize``, ``get_config``, ``from_config`` and
    ``get``, one line each in a port whose framework has them.

    Decision: the methods take and return the framework's initializer objects, which the
    suite never looks into. It makes them only with ``deserialize``, ``from_config`` and
    ``get``, reads them only with ``serialize`` and ``get_config``, and calls them as it
    calls what ``make`` returns (``init(shape, dtype)``, values in Keras layout) to compare
    an initializer's values with its round trip's. They are kept apart from ``make``, whose
    callable needs no config: a port wraps its framework's object once, for calling, and a
    port without the API changes nothing. An initializer is made from a seed-page name and
    a config as the spec makes it, ``deserialize({"class_name": name, "config": config})``
    (the six functions, ``he_normal`` ..., have no class in the spec); ``from_config``
    rebuilds one as Keras does, with the class of an instance
    (``type(init).from_config(config)``). Configs and serialized forms are plain dicts,
    compared exactly with the spec's (the reference's ``get_config`` and ``serialize``).
    """

    def deserialize(self, data: dict) -> Callable[..., Any]:
        """The initializer ``{"class_name": ..., "config": ...}`` describes (``class_name``: a
        seed-page name, or what ``serialize`` wrote); ``ValueError`` for what the spec calls
        invalid."""
        ...

    def serialize(self, init: Any) -> dict:
        """``{"class_name": ..., "config": ...}``: what ``deserialize`` reads back."""
        ...

    def get_config(self, init: Any) -> dict:
        """``init``'s config: every keyword argument of its constructor, defaults too."""
        ...

    def from_config(self, init: Any, config: dict) -> Callable[..., Any]:
        """An initializer of ``init``'s class made from ``config``:
        ``type(init).from_config(config)``; ``ValueError`` for an invalid config."""
        ...

    def get(self, identifier: Any) -> Callable[..., Any]:
        """The initializer a string identifier names, with its defaults (a dict: as
        ``deserialize``); ``ValueError`` for what the spec cannot interpret."""
        ...


Draw = Callable[[tuple[int, ...], Any], Any]

#: The exception types with which frameworks refuse a dtype (torch: NotImplementedError
#: "normal_kernel_cpu not implemented for 'Int'"; TensorFlow: TypeError "Cannot convert 0.0
#: to EagerTensor of dtype int32"). Only these, for an integer dtype of a random
#: initializer, become the spec's ValueError; anything else (TensorFlow's
#: InvalidArgumentError "Need minval < maxval", raised *while drawing* integers) surfaces.
REJECTIONS: tuple[type[BaseException], ...] = (NotImplementedError, TypeError, RuntimeError)


def no_such_device(framework: str, name: str, reason, devices: list[str]) -> ValueError:
    """The error of a port asked for a device it cannot draw on (``reason``: a message or
    the framework's exception, of which the first sentence is kept), naming the devices
    this machine has. ``--device`` turns it into a usage error, before any test."""
    text = str(reason).strip().splitlines()[0] if str(reason).strip() else type(reason).__name__
    text = text.split(". ")[0]
    return ValueError(
        f"{framework} cannot draw on device {name!r} on this machine ({text}); devices "
        f"here: {', '.join(devices) or 'none'}"
    )


def dtype_name(dtype) -> str:
    """The NumPy name of the dtype asked for (``None``: float32, the Keras default)."""
    if dtype is None:
        return "float32"
    return dtype if isinstance(dtype, str) else np.dtype(dtype).name


def is_floating(dtype) -> bool:
    """Whether the dtype asked for is a floating dtype (``None``: floatx, float32)."""
    if dtype is None:
        return True
    try:
        resolved = np.dtype(dtype)
    except TypeError:  # a name NumPy does not know
        return "float" in str(dtype)
    return resolved.kind == "f" or resolved == ml_dtypes.bfloat16  # bfloat16's kind is "V"


def bfloat16_array(host: np.ndarray) -> np.ndarray:
    """A framework's bfloat16 output as NumPy's bfloat16 (``ml_dtypes``), bit for bit.

    NumPy has no bfloat16 of its own, so frameworks hand theirs over as raw 16-bit
    patterns (paddle's uint16; torch's ``view(torch.int16)``) or as float32 (mlx, tinygrad),
    which holds every bfloat16 exactly. Call it only on an array the framework made in
    bfloat16: a float32 array made in float32 would be rounded, hiding a wrong dtype."""
    if host.dtype in (np.uint16, np.int16):
        return host.view(ml_dtypes.bfloat16)
    return host.astype(ml_dtypes.bfloat16)


class Port:
    """Base class of the built-in ports (see the module docstring)."""

    name: str
    edition: ClassVar[str] = "keras2"
    aliases: ClassVar[dict[str, str]] = ALIASES
    known_deviations: ClassVar[dict] = {}
    #: What the framework raises when it refuses a dtype (see :data:`REJECTIONS`).
    rejections: ClassVar[tuple[type[BaseException], ...]] = REJECTIONS
    #: Where the port draws when no device is asked for: the framework's CPU.
    default_device: ClassVar[str] = "cpu"

    def __init__(self, device: str | None = None):
        """``device``: where the draws are made (``--device``; ``None``: the CPU), as the
        framework names it. Checked here, before any test, by :meth:`check_device`."""
        self.device: str = self.default_device if device is None else self.check_device(str(device))

    def check_device(self, device: str) -> str:
        """``device`` in the port's canonical spelling (what ``--device`` replays it with),
        or ``ValueError`` naming the devices this machine has if the port cannot draw
        there. The kit's default: the CPU only, for a port that does not place its draws
        (its framework's default device); the framework ports override it."""
        if device.strip().lower() != self.default_device.lower():
            raise ValueError(
                f"{self.name} does not place its draws on a device: it takes no device "
                f"but {self.default_device!r}, got {device!r}"
            )
        return self.default_device

    def version(self) -> str:
        raise NotImplementedError

    def resolve(self, identifier: str, config: dict) -> tuple[str, dict]:
        """``(name, kwargs)`` of a Keras identifier and config; ``ValueError`` if unknown."""
        return bind(identifier, config, self.aliases)

    def build(self, name: str, kwargs: dict) -> Draw:
        """``draw(shape, dtype)`` of the initializer ``name`` made with ``kwargs``."""
        raise NotImplementedError

    def lacks_kernel(self, error: BaseException, dtype: str) -> bool:
        """Whether ``error``, raised for the floating ``dtype``, says the framework has no
        kernel for it (then the case is unsupported, not a failure). The kit's default:
        only ``NotImplementedError`` says so. A port overrides it with its framework's
        wording, as narrowly as that allows: anything else surfaces as an error."""
        return False

    def is_random(self, name: str) -> bool:
        return canonical(name) in RANDOM

    def make(self, identifier: str, config: dict):
        name, kwargs = self.resolve(identifier, dict(config or {}))
        draw = self.build(name, kwargs)
        random = self.is_random(name)

        def init(shape, dtype=None):
            shape = tuple(int(d) for d in shape)
            try:
                return draw(shape, dtype)
            except Exception as error:
                if isinstance(error, self.rejections) and random and not is_floating(dtype):
                    raise ValueError(
                        f"{self.name} rejects dtype {dtype} for {name}: "
                        f"{type(error).__name__}: {error}"
                    ) from error
                if isinstance(error, NotImplementedError) or (
                    is_floating(dtype) and self.lacks_kernel(error, dtype)
                ):
                    raise NotImplementedError(
                        f"{self.name}: {name} is not implemented for dtype {dtype}: "
                        f"{type(error).__name__}: {first_line(error)}"
                    ) from error
                raise

        return init


def first_line(error: BaseException) -> str:
    """What an error says, in a line: a failed compiler's (``CalledProcessError``) first
    diagnostic from its standard error, else the message's first line."""
    stderr = getattr(error, "stderr", None)
    if isinstance(stderr, bytes):
        stderr = stderr.decode(errors="replace")
    lines = [line for line in (stderr or str(error)).splitlines() if line.strip()]
    diagnostics = [line for line in lines if "error" in line.lower()]
    return (diagnostics or lines or [""])[0].strip()


def _conforms(port: Port) -> Adapter:
    """(For the type checker, CI's mypy: a :class:`Port` is an :class:`Adapter`.)"""
    return port
