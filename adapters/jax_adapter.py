"""JAX adapter (``--impl=jax``): the Keras initializers as a JAX port writes them.

Every identifier is mapped to ``jax.nn.initializers`` (an initializer there is a
function ``init(key, shape, dtype)``), composed with ``jax.random`` / ``jax.numpy``
where ``jax.nn.initializers`` has no single equivalent. Nothing is drawn with NumPy:
NumPy only receives the finished array (``numpy.asarray``).

Mapping (Keras 2 name -> JAX)
=============================

=====================  ==========================================================================
Keras 2                JAX (``I = jax.nn.initializers``)
=====================  ==========================================================================
Zeros / zeros, zero    ``I.zeros``
Ones / ones, one       ``I.ones``
Constant(value)        ``I.constant(value)``
RandomNormal           ``I.normal(stddev)(key, shape, dtype) + mean`` (``I.normal`` has no mean)
RandomUniform          ``jax.random.uniform(key, shape, dtype, minval, maxval)``: ``I.uniform(scale)``
                       draws U[0, scale) only, so a port wraps ``jax.random.uniform``
TruncatedNormal        ``I.truncated_normal(stddev, lower=-2.0, upper=2.0)(key, shape, dtype) + mean``
                       (its ``stddev`` is the parent normal's and the bounds are in units of it,
                       as in Keras; it has no mean)
VarianceScaling        ``I.variance_scaling(scale, mode, distribution')`` with the Keras word
                       translated: Keras ``"normal"`` (truncated) -> JAX ``"truncated_normal"``,
                       ``"uniform"`` -> ``"uniform"``; any other string is passed unchanged, so
                       JAX's own validation decides (JAX also knows ``"truncated_normal"``, its
                       untruncated ``"normal"`` and mode ``"fan_geo_avg"``)
glorot_uniform         ``I.glorot_uniform()``   (= variance_scaling(1, "fan_avg", "uniform"))
glorot_normal          ``I.glorot_normal()``    (= variance_scaling(1, "fan_avg", "truncated_normal"))
he_uniform             ``I.he_uniform()``       (= variance_scaling(2, "fan_in", "uniform"))
he_normal              ``I.he_normal()``        (= variance_scaling(2, "fan_in", "truncated_normal"))
lecun_uniform          ``I.lecun_uniform()``    (= variance_scaling(1, "fan_in", "uniform"))
lecun_normal           ``I.lecun_normal()``     (= variance_scaling(1, "fan_in", "truncated_normal"))
Orthogonal(gain)       ``I.orthogonal(scale=gain, column_axis=-1)``
Identity(gain)         composed: ``jnp.array(gain, dtype) * jnp.eye(rows, cols, dtype=dtype)``.
                       ``jax.nn.initializers`` has no identity initializer. ``jnp.eye`` takes
                       ``(N, M)``, not a shape, so the port must check the shape itself: rank 2,
                       and square in edition keras2 (the seed page's rule), else ``ValueError``.
                       Identity results therefore test ``jnp.eye`` plus this adapter's checks.
=====================  ==========================================================================

Defaults: the JAX functions' own defaults differ from Keras's (``I.normal()`` and
``I.truncated_normal()`` default to ``stddev=1e-2``, ``I.uniform()`` to ``scale=1e-2``,
``I.variance_scaling`` has no defaults): the adapter always passes the Keras
values (missing config keys take the Keras defaults).

Layout: ``jax.nn.initializers`` uses the Keras layout natively (``in_axis=-2``,
``out_axis=-1``: ``(in, out)``, ``(*k, in, out)``), and ``orthogonal``'s
``column_axis=-1`` flattens as Keras does; no transposition is done. JAX's fan
function raises ``ValueError`` for rank < 2 with the default ``in_axis`` (the spec
defines fans there): the adapter lets it surface, as a failure, not "unsupported".

Seeds: ``seed=int`` -> ``jax.random.key(seed)`` on every call (JAX is stateless:
one seeded instance returns the same values on every call). ``seed=None`` -> each
instance takes a base key seeded from ``os.urandom`` when made, and each call uses
``jax.random.fold_in(base, call_index)``: unseeded calls and instances differ.
(``os.urandom`` only seeds the key; every number is drawn by ``jax.random``.)

Device: ``JaxAdapter(device=...)`` (``--device``): a JAX platform, ``cpu`` (the default,
whatever JAX's default backend is), ``gpu``, ``tpu``, with ``:i`` for the i-th device of
the platform (``gpu:1``). Every call runs under ``jax.default_device(d)``, so the key,
the sampler and its result live there (GPU random bits come from the same threefry
keys, but the samplers' arithmetic is compiled for the GPU); ``numpy.asarray`` copies the
result to the host. A platform or index this machine lacks is a ``ValueError`` when the
adapter is made, naming the devices it has.

dtypes: the adapter sets ``jax.config.update("jax_enable_x64", True)`` when
imported, else JAX silently returns float32 for ``float64`` (and int32 for
``int64``). This is process-wide: it changes JAX's default dtypes for other code in
the same process (the adapter itself always passes explicit dtypes). JAX rejects
integer dtypes in its random functions with ``ValueError`` itself; JAX's own
``NotImplementedError`` (``orthogonal`` in float16: no QR for float16 on CPU) is
reported as "unsupported", with the reason.

Compilation: JAX compiles every operation anew for each new shape and dtype (the
samplers of ``jax.random`` are jitted with the shape static), and a run asks for hundreds
of (initializer, shape, dtype): at XLA's default optimisation level those compilations
were most of a run (a default run: about 650 compilations in two workers, 1,746 s of
compiling on the shared 2-core machine, 1.5 s on average when idle). The adapter sets
``jax.config.update("jax_disable_most_optimizations", True)`` when imported
(process-wide, like ``jax_enable_x64``): XLA's backend optimisation level 0 without its
expensive LLVM passes, which compiles the samplers about 4.6x faster (32 first draws of
four initializers, four shapes, two dtypes: 72 s instead of 333 s on the loaded
machine; a default run: 618 compilations in 132 s of compiling). It computes the
same random bits and the same transforms; only the instructions differ, so a value moves
by an ulp or two where XLA would have fused a multiply and an add (measured: 152 of 1,776
values of ``he_normal``, ``glorot_uniform``, ``normal`` and ``truncated_normal`` draws in
float32 and float64, by at most 2.4e-7), far below what any check can see (a bound is
allowed 2 eps of its scale, SPEC.md decision 10). JAX's own variable decides when set:
``JAX_DISABLE_MOST_OPTIMIZATIONS=0 pytest conformance --impl=jax`` compiles at XLA's
default level. The adapter also sets ``--xla_cpu_use_fusion_emitters=false`` in
``XLA_FLAGS`` (unless it is set there): XLA's older LLVM emitters compile the fused
kernels about 2x faster and compute the very same values (``adapters/jax_setup.py``).

Validation: from JAX where JAX checks (unknown ``mode``/``distribution`` raise
``ValueError`` when called, ``orthogonal`` rank < 2). JAX does not check
``scale > 0``: the adapter adds no check, so the suite sees what JAX returns.
Unknown identifiers and unknown config keys (not in the Keras signature) raise
``ValueError``, like the Keras constructors.

Edition: ``keras2`` (the seed page; JAX documents its initializers as "consistent
with definitions used in Keras", written against Keras 2). ``JaxKeras3Adapter``
translates the Keras 3 vocabulary instead (``"untruncated_normal"`` -> JAX
``"normal"``, rectangular identity, the class-name aliases).
"""

from __future__ import annotations

import itertools
import os

import jax

from .jax_setup import configure

configure()  # x64, compilation (see "Compilation" in the docstring)

import jax.numpy as jnp  # noqa: E402
import jaxlib  # noqa: E402
import numpy as np  # noqa: E402

from .declarations import (  # noqa: E402
    declare,
    fans_undefined_below_rank_2,
    sixteen_bit_draws,
    zero_fans_divided,
)
from .keras_api import ALIASES, KERAS3_ALIASES, PRESETS  # noqa: E402
from .port import Port, no_such_device  # noqa: E402

PLATFORMS = ("cpu", "gpu", "tpu")


def jax_devices() -> list[str]:
    """The devices of every platform JAX can use here, as ``--device`` names them."""
    names = []
    for platform in PLATFORMS:
        try:
            found = jax.devices(platform)
        except RuntimeError:  # no such backend here
            continue
        names += [platform] if len(found) == 1 else [f"{platform}:{i}" for i in range(len(found))]
    return names


def jax_device(name: str):
    """The JAX device ``platform[:i]`` names (``i``: its position in ``jax.devices(platform)``),
    or ``ValueError`` naming the devices JAX has here."""
    platform, _, index = name.strip().lower().partition(":")
    try:
        position, found = int(index or 0), jax.devices(platform)
        if not 0 <= position < len(found):
            raise IndexError(f"{len(found)} {platform} device(s), no {platform}:{position}")
        return found[position]
    except (RuntimeError, ValueError, IndexError) as error:
        raise no_such_device("jax", name, error, jax_devices()) from None


def canonical_dtype(dtype):
    """A dtype name JAX understands (``None``: float32, the Keras default)."""
    return "float32" if dtype is None else dtype


#: JAX's deviations in every edition (reports/FINDINGS.md, each with a reproduction).
DEVIATIONS = (
    fans_undefined_below_rank_2(
        "jax.nn.initializers' fan function (default in_axis=-2, out_axis=-1)",
        "ValueError: Can't compute input and output sizes of a [01]-dimensional",
    ),
    zero_fans_divided("jax.nn.initializers.variance_scaling (scale / fan, no floor of 1)"),
    {
        f"test_spec_value_error[VarianceScaling-{{'scale': {scale}}}-(4, 4)]": {
            "reason": "jax.nn.initializers.variance_scaling does not check scale > 0 "
            "(zeros for 0, NaN for -1)",
            "match": "invalid input accepted",
        }
        for scale in ("0.0", "-1.0")
    },
    sixteen_bit_draws(
        "jax.random in float16/bfloat16",
        "draws in 16-bit arithmetic: a bfloat16 uniform takes 128 values on [0, 1) with "
        "mean 0.4964 (float16: 1,024 values, mean 0.4990), and a bfloat16 normal never "
        "exceeds 2.89 std (the erfinv of that uniform)",
    ),
)


class JaxAdapter(Port):
    """The Keras 2 initializers through ``jax.nn.initializers`` (see the module docstring)."""

    name = "jax"
    rejections = (NotImplementedError,)  # JAX raises the spec's errors itself
    #: Keras word -> JAX word for VarianceScaling's ``distribution``; others pass unchanged.
    distributions = {"normal": "truncated_normal", "uniform": "uniform"}
    identity_requires_square = True
    aliases = ALIASES
    known_deviations = declare(
        *DEVIATIONS,
        {
            "test_spec_value_error[VarianceScaling-{'distribution': 'truncated_normal'}-(4, 4)]": {
                "reason": "JAX knows distribution 'truncated_normal' (Keras 3's word), which "
                "keras2 rejects",
                "match": "invalid input accepted",
            }
        },
    )

    def version(self) -> str:
        return f"jax {jax.__version__}, jaxlib {jaxlib.__version__} ({self.device})"

    def check_device(self, device: str) -> str:
        jax_device(device)
        return device.strip().lower()

    # -- what differs between JAX and Flax -------------------------------------------------

    def initializers(self):
        """The module a user takes initializers from."""
        return jax.nn.initializers

    def key_source(self, seed):
        """A function returning the key of one call."""
        if seed is not None:
            return lambda: jax.random.key(seed)
        base = jax.random.key(int.from_bytes(os.urandom(4), "little"))
        counter = itertools.count()
        return lambda: jax.random.fold_in(base, next(counter))

    def zeros(self):
        return self.initializers().zeros

    def ones(self):
        return self.initializers().ones

    # -- the mapping -------------------------------------------------------------------------

    def initializer(self, name: str, kwargs: dict):
        """The JAX initializer ``init(key, shape, dtype)`` for a Keras name and its kwargs."""
        I = self.initializers()
        if name == "Zeros":
            return self.zeros()
        if name == "Ones":
            return self.ones()
        if name == "Constant":
            return I.constant(kwargs["value"])
        if name == "RandomNormal":
            mean, stddev = kwargs["mean"], kwargs["stddev"]
            normal = I.normal(stddev)
            return lambda key, shape, dtype: normal(key, shape, dtype) + jnp.array(mean, dtype)
        if name == "RandomUniform":
            minval, maxval = kwargs["minval"], kwargs["maxval"]
            return lambda key, shape, dtype: jax.random.uniform(key, shape, dtype, minval, maxval)
        if name == "TruncatedNormal":
            mean, stddev = kwargs["mean"], kwargs["stddev"]
            truncated = I.truncated_normal(stddev, lower=-2.0, upper=2.0)
            return lambda key, shape, dtype: truncated(key, shape, dtype) + jnp.array(mean, dtype)
        if name == "VarianceScaling":
            distribution = kwargs["distribution"]
            if isinstance(distribution, str):
                distribution = self.distributions.get(distribution, distribution)
            return I.variance_scaling(kwargs["scale"], kwargs["mode"], distribution)
        if name in PRESETS:
            return getattr(I, name)()
        if name == "Orthogonal":
            return I.orthogonal(scale=kwargs["gain"], column_axis=-1)
        if name == "Identity":
            return self.identity(kwargs["gain"])
        raise AssertionError(name)  # pragma: no cover - bind() knows every name

    def identity(self, gain):
        square = self.identity_requires_square

        def init(key, shape, dtype):
            # jnp.eye takes (N, M): the port checks the shape (no JAX identity initializer).
            if len(shape) != 2 or (square and shape[0] != shape[1]):
                raise ValueError(
                    f"Identity: the shape must be 2-D{' and square' * square}, got {shape!r}"
                )
            return jnp.array(gain, dtype) * jnp.eye(*shape, dtype=dtype)

        return init

    def build(self, name: str, kwargs: dict):
        seed = kwargs.pop("seed", None)
        init = self.initializer(name, kwargs)
        next_key = self.key_source(seed)
        device = jax_device(self.device)

        def draw(shape, dtype):
            with jax.default_device(device):
                return np.asarray(init(next_key(), shape, canonical_dtype(dtype)))

        return draw


class JaxKeras3Adapter(JaxAdapter):
    """The same port, translating the Keras 3 vocabulary (``--edition=keras3``)."""

    name = "jax-keras3"
    edition = "keras3"
    known_deviations = declare(*DEVIATIONS)
    distributions = {
        "normal": "truncated_normal",
        "truncated_normal": "truncated_normal",
        "untruncated_normal": "normal",
        "uniform": "uniform",
    }
    identity_requires_square = False
    aliases = {**ALIASES, **KERAS3_ALIASES}
