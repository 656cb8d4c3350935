"""``Initializer``: the base class (seed page: "all initializers inherit from it").

An initializer is a callable ``init(shape, dtype=None) -> numpy.ndarray`` whose
output has exactly that shape and dtype (``float32`` when ``dtype`` is ``None``),
and follows the law ``init.law(shape)``.

Decisions:

* dtype: random initializers accept only floating dtypes (float16, bfloat16,
  float32, float64: ``reference/dtypes.py``) and raise ``ValueError`` for any other; deterministic ones
  (``Zeros``, ``Ones``, ``Constant``, ``Identity``) also accept integer dtypes
  and return the exact value converted as ``numpy`` converts it.
* Draws are made in float64 and rounded once to the requested dtype.
* Seeds: ``seed`` is ``None`` or a non-negative ``int``. With an int seed, every
  call of the instance (and of any instance with that seed and config) returns
  the same values, from ``numpy.random.default_rng(seed)``. With ``seed=None``
  the instance owns a fresh, OS-seeded ``Generator`` and successive calls return
  fresh values. Global random state is never touched. The spec's seeds are the ints from
  0 to ``MAX_SEED`` = 2^32 - 1, each its own stream: a 32-bit state holds them all
  (torch's CPU generator keeps the low 32 bits of its seed, Keras 3's seed state is
  uint32). A larger seed is outside the spec: an implementation may reject it with
  ``ValueError`` or fold it into 32 bits (the reference accepts it).
* Empty shapes: a shape with a zero dimension gives an empty array of that shape and
  dtype, whatever the initializer, wherever its shape rules accept the shape (Orthogonal
  needs rank >= 2, Identity a square 2-D shape in edition keras2: ``(0, 0)``). Nothing is
  drawn and nothing is divided by a fan of 0: every fan is at least 1 (decision 3).
* Signed zeros: where the spec gives the value, its sign is kept: ``Constant(-0.0)`` is
  ``-0.0`` in every floating dtype and ``Zeros`` is ``+0.0``. A zero the arithmetic makes
  (``gain·0`` of Identity or Orthogonal, ``mean + 0·z`` of a normal with ``stddev=0``) may
  have either sign; values are compared as numbers there.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

from .dtypes import FLOATS, resolve
from .editions import Edition, get_edition
from .laws import Law

DEFAULT_DTYPE = np.dtype("float32")
#: The largest seed of the spec (module docstring, "Seeds"): 2^32 - 1.
MAX_SEED = 2**32 - 1
FLOAT_DTYPES = tuple(resolve(d) for d in FLOATS)


def normalize_shape(shape) -> tuple[int, ...]:
    """``shape`` as a tuple of non-negative ints; ``ValueError`` otherwise."""
    try:
        dims = tuple(shape)
    except TypeError:
        raise ValueError(f"shape must be a tuple of ints, got {shape!r}") from None
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 0:
            raise ValueError(f"shape must be a tuple of non-negative ints, got {shape!r}")
    return tuple(int(d) for d in dims)


def build(factory, config: dict, name: str, **extra):
    """``factory(**config, **extra)``, where an unknown keyword is an invalid
    configuration (``ValueError`` naming the keywords accepted), not a ``TypeError``."""
    accepted = _keywords(factory)
    unknown = sorted(set(config) - set(accepted))
    if unknown:
        raise ValueError(
            f"{name}: invalid config {config!r}: unknown keyword(s) "
            f"{', '.join(unknown)}; accepted: {', '.join(accepted) or 'none'}"
        )
    return factory(**config, **extra)


@functools.cache
def _keywords(factory) -> list[str]:
    # cached: inspect.signature costs more than drawing a small tensor
    return [
        p.name
        for p in inspect.signature(factory).parameters.values()
        if p.kind is p.POSITIONAL_OR_KEYWORD
    ]


class Initializer:
    """Base class of every initializer.

    Subclasses define :meth:`law` (what the output must follow) and
    :meth:`get_config`; the base turns the law into an array.
    """

    #: Whether integer dtypes are accepted (deterministic initializers only).
    accepts_integer_dtypes = False
    #: Whether the values are drawn (a random law) or fixed (an exact array).
    random = True
    #: Whether every value follows one law on its own (i.i.d.), or the output is a
    #: matrix whose entries depend on each other (Orthogonal, Identity).
    elementwise = True

    def __init__(self, *, edition: str | Edition | None = None):
        self.edition = get_edition(edition)

    def __call__(self, shape, dtype=None) -> np.ndarray:
        shape = normalize_shape(shape)
        return self._generate(shape, self._check_dtype(dtype))

    def law(self, shape: tuple[int, ...]) -> Law:
        """The law the output for ``shape`` must follow."""
        raise NotImplementedError  # pragma: no cover

    def _generate(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        raise NotImplementedError  # pragma: no cover

    def _check_dtype(self, dtype) -> np.dtype:
        resolved = DEFAULT_DTYPE if dtype is None else resolve(dtype)
        if resolved in FLOAT_DTYPES:
            return resolved
        if self.accepts_integer_dtypes and resolved.kind in "iu":
            return resolved
        allowed = "a floating or integer" if self.accepts_integer_dtypes else "a floating"
        raise ValueError(
            f"{type(self).__name__}: dtype must be {allowed} dtype "
            f"({', '.join(FLOATS)}{', int*, uint*' if self.accepts_integer_dtypes else ''}), "
            f"got {resolved.name}"
        )

    def get_config(self) -> dict:
        """The constructor's keyword arguments, such that ``cls(**config)`` rebuilds it."""
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Initializer:
        return build(cls, config, cls.__name__)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other) -> bool:
        return (
            type(self) is type(other)
            and self.get_config() == other.get_config()
            and self.edition == other.edition
        )

    __hash__ = None


class RandomInitializer(Initializer):
    """An initializer whose output is random: owns the seed and the generator.

    Unseeded draws and the global generator: an unseeded instance (``seed=None``) may draw
    from the framework's global generator (Keras's own do: ``keras.utils.set_random_seed``
    and ``tf.random.set_seed`` make them reproducible), or from a generator of its own as
    this reference does; either conforms. Either way its values follow the law
    (``test_calls``), successive calls and separate instances give fresh values
    (``test_unseeded_calls_differ``), and two fresh processes differ
    (``test_unseeded_differs_across_processes``). A *seeded* call may not read or move any
    global generator (decision 9): it returns the same values after any global seeding,
    and the unseeded draw that follows it is the one that would have followed without it
    (``test_seeded_calls_leave_global_state``, through the adapter's optional
    ``seed_global(seed)``).

    Decision (the seed page says only "seed: A Python integer. Used to seed the random
    generator"): forbidding the global generator for unseeded draws would fail every Keras
    backend for the mechanism Keras documents for reproducible training; allowing a seeded
    call to touch it would let one seeded layer shift every unseeded layer made after it.
    ``tests/test_global_generator.py`` runs the suite on a port whose unseeded draws come
    from a reseedable global generator (it passes) and on one whose seeded calls also
    consume it (it fails, named).
    """

    def __init__(self, seed: int | None = None, *, edition: str | Edition | None = None):
        super().__init__(edition=edition)
        if seed is not None and (
            isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0
        ):
            raise ValueError(
                f"{type(self).__name__}: seed must be None or a non-negative int, got {seed!r}"
            )
        self.seed = None if seed is None else int(seed)
        # Unseeded instances keep one OS-seeded stream: successive calls differ, unless
        # the edition says they repeat (Keras 3 draws the instance's seed once).
        self._unseeded_rng = np.random.default_rng() if seed is None else None
        self._instance_seed = (
            int(self._unseeded_rng.integers(2**63))
            if seed is None and self.edition.unseeded_calls_repeat
            else None
        )

    def rng(self) -> np.random.Generator:
        """The generator for one call: a fresh ``default_rng(seed)`` when seeded (or, in an
        edition where unseeded calls repeat, seeded by the instance's own draw)."""
        seed = self.seed if self.seed is not None else self._instance_seed
        return self._unseeded_rng if seed is None else np.random.default_rng(seed)

    def _generate(self, shape, dtype):
        # asarray: for shape () numpy arithmetic yields a scalar, not a 0-d array
        return np.asarray(self.law(shape).sample(self.rng(), shape)).astype(dtype)


class DeterministicInitializer(Initializer):
    """An initializer whose output is exactly ``law(shape).array``."""

    accepts_integer_dtypes = True
    random = False

    def _generate(self, shape, dtype):
        with np.errstate(over="ignore"):  # a value beyond the dtype's range is ±inf: Constant
            return np.asarray(self.law(shape).array).astype(dtype)
