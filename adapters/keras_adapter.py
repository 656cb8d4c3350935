"""Keras 3 adapter (``--impl=keras``): ``keras.initializers`` itself, on any Keras backend.

Keras 3 is the framework the spec is written about, so the adapter translates
nothing it does not have to. An identifier that ``keras.initializers`` exports (every
class name and its snake_case name: ``GlorotUniform``, ``glorot_uniform``,
``constant``, ...) is the class a port author writes,
``keras.initializers.GlorotUniform(**config)``; the Keras 2 aliases that are only
string identifiers (``zero``, ``one``, ``normal``, ``uniform``), and unknown names, go
through ``keras.initializers.get({"class_name": identifier, "config": config})`` (what a
layer does with a string or a serialized initializer). Either way Keras resolves the
name, fills in its own defaults and validates the config; the instance is called as a
layer calls it, ``init(shape, dtype)``, and the result goes through
``numpy.asarray(keras.ops.convert_to_numpy(x))``. Nothing is drawn with NumPy by the
adapter (the ``numpy`` *backend* of Keras draws with NumPy: that is Keras's code).
(Why not ``get`` for every name: ``keras.initializers.get("constant")`` raises
``KeyError: 'value'`` in Keras 3.15.1, so ``Dense(bias_initializer="constant")`` fails;
through ``get`` that one bug would fail every ``Constant`` check and hide how
``Constant`` handles values and dtypes. It is reported as a finding with its own
reproduction instead.)

Backend: Keras reads ``KERAS_BACKEND`` (``jax``, ``torch``, ``tensorflow``, ``numpy``;
else ``~/.keras/keras.json``, else ``tensorflow``) when it is first imported, so set it
before the run: ``KERAS_BACKEND=torch pytest conformance --impl=keras``. The
adapter's ``name`` is ``keras-<backend>`` (reports go to ``reports/keras-<backend>.*``)
and ``version()`` names Keras and the backend framework, e.g.
``keras-jax 3.15.1 (jax 0.10.2)``.

Mapping (Keras 2 name -> Keras 3, ``K = keras.initializers``)
=============================================================

=====================  ==========================================================================
Keras 2                Keras 3 (the exported class; the alias-only names through ``K.get``)
=====================  ==========================================================================
Zeros / zeros, zero    ``K.Zeros()``
Ones / ones, one       ``K.Ones()``
Constant(value)        ``K.Constant(value)``  (Keras 3 default ``value=0.0``; ``K.get("constant")``
                       without a value raises ``KeyError``, hence the class, see above)
RandomNormal           ``K.RandomNormal(mean, stddev, seed)``  (aliases ``random_normal``, ``normal``)
RandomUniform          ``K.RandomUniform(minval, maxval, seed)``  (``random_uniform``, ``uniform``)
TruncatedNormal        ``K.TruncatedNormal(mean, stddev, seed)``  (``truncated_normal``); stddev is the
                       parent normal's, bounds ``mean +- 2 stddev``, as in Keras 2
VarianceScaling        ``K.VarianceScaling(scale, mode, distribution, seed)``, no translation:
                       Keras 3 itself maps the Keras 2 word ``"normal"`` to ``"truncated_normal"``
                       (and lower-cases the word); it also accepts ``"truncated_normal"`` and
                       ``"untruncated_normal"`` (an untruncated normal of the same variance),
                       which the Keras 2 page does not have: the Keras 2 run reports them.
                       Its default ``distribution`` is ``"truncated_normal"`` (= Keras 2 ``"normal"``)
glorot_uniform         ``K.GlorotUniform(seed)``  (= VarianceScaling(1, "fan_avg", "uniform"))
glorot_normal          ``K.GlorotNormal(seed)``   (= VarianceScaling(1, "fan_avg", "truncated_normal"))
he_uniform             ``K.HeUniform(seed)``      (= VarianceScaling(2, "fan_in", "uniform"))
he_normal              ``K.HeNormal(seed)``       (= VarianceScaling(2, "fan_in", "truncated_normal"))
lecun_uniform          ``K.LecunUniform(seed)``   (= VarianceScaling(1, "fan_in", "uniform"))
lecun_normal           ``K.LecunNormal(seed)``    (= VarianceScaling(1, "fan_in", "truncated_normal"))
Orthogonal(gain)       ``K.Orthogonal(gain, seed)``
Identity(gain)         ``K.Identity(gain)``  (Keras 3: any 2-D shape, ``gain * eye(rows, cols)``)
=====================  ==========================================================================

Signatures and defaults: Keras's own. The adapter does not use
``adapters.keras_api.bind``: filling in the Keras 2 defaults would hide Keras 3's
defaults from the suite, and the alias table is part of what is tested. The one
translation: a config key that the Keras constructor does not have makes Keras raise
``TypeError`` (Python's "got an unexpected keyword argument", wrapped by Keras's
deserializer); the spec calls an unknown key an invalid configuration, so exactly
that ``TypeError`` becomes ``ValueError`` (with Keras's message). Keys Keras 3 accepts
beyond the Keras 2 page (``input_axes``, ``output_axes``) pass through.

Layout: Keras layout natively (``(in, out)``, ``(*k, in, out)``); no transposition.

Seeds: ``seed`` goes to Keras unchanged. ``seed=int``: Keras draws with stateless
ops keyed by ``[seed, 0]``, so one instance returns the same values on every call.
``seed=None``: Keras's own unseeded behaviour, i.e. the instance picks a seed once,
when it is made (``random.randint`` of Python's ``random``), and returns the same
values on every call (documented: "an initializer seeded with an integer or None
(unseeded) will produce the same random values across multiple calls"); the
suite reports that as a finding. (Fresh values per call need
``seed=keras.random.SeedGenerator()``, which is not ``seed=None``.)

dtypes: the dtype name goes to Keras unchanged (``None``: Keras's ``floatx()``,
float32). On the jax backend the adapter sets ``jax.config.update("jax_enable_x64",
True)`` when imported (process-wide, as ``adapters.jax_adapter`` does): without it
JAX returns float32 for ``"float64"`` and int32 for ``"int64"``, with only a
``UserWarning`` (see the findings). Integer dtypes for a random initializer (one with
a ``seed``): where Keras *rejects* them with another exception type (torch's
``NotImplementedError`` "normal_kernel_cpu not implemented for 'Int'", TensorFlow's
``TypeError``/``InvalidArgumentError``), that rejection becomes the spec's
``ValueError``; where Keras returns values, they are returned (and reported). A
``NotImplementedError`` for a floating dtype (``Orthogonal`` in float16 on jax and
torch: no QR in half precision on CPU) is reported as "unsupported", with the reason.
Every other exception surfaces unchanged.

Validation: Keras's own (``scale <= 0``, unknown ``mode``/``distribution``,
``Orthogonal`` of rank < 2, ``Identity`` not 2-D, unknown identifier: all
``ValueError``).

Edition: ``keras2`` (the seed page) by default, so that where Keras 3 departs from
Keras 2 (``reference/editions.py``, edition ``keras3``) the run says so.
``KerasKeras3Adapter`` (``--impl=adapters.keras_adapter:KerasKeras3Adapter``) is the
same adapter claiming edition ``keras3``: nothing needs translating, Keras 3 speaks
that vocabulary natively.
"""

from __future__ import annotations

import importlib
import importlib.metadata

import keras
import numpy as np

BACKEND = keras.backend.backend()

if BACKEND == "jax":
    import jax

    jax.config.update("jax_enable_x64", True)  # else float64 silently becomes float32

K = keras.initializers


def backend_version(backend: str = BACKEND) -> str:
    """``"jax 0.10.2"``: the backend framework and its version."""
    try:
        return f"{backend} {importlib.import_module(backend).__version__}"
    except Exception:  # a backend module without __version__
        try:
            return f"{backend} {importlib.metadata.version(backend)}"
        except importlib.metadata.PackageNotFoundError:
            return backend


def is_floating(dtype) -> bool:
    """Whether the dtype asked for is a floating dtype (``None``: floatx, float32)."""
    if dtype is None:
        return True
    try:
        return np.dtype(dtype).kind == "f"
    except TypeError:  # a name NumPy does not know (e.g. "bfloat16" without ml_dtypes)
        return "float" in str(dtype)


def _unknown_key_error(error: TypeError) -> bool:
    """Whether Keras's ``TypeError`` says a config key is not a constructor argument."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if "unexpected keyword argument" in str(error):
            return True
        error = error.__cause__ or error.__context__
    return False


class KerasAdapter:
    """``keras.initializers`` of Keras 3 on the backend Keras was imported with."""

    name = f"keras-{BACKEND}"
    edition = "keras2"
    module = K

    #: Confirmed deviations of Keras 3 from the Keras 2 page (check id -> reason),
    #: common to every backend, then per backend.
    known_deviations: dict[str, str] = {}

    def version(self) -> str:
        return f"{self.name} {keras.__version__} ({backend_version()})"

    def to_numpy(self, out) -> np.ndarray:
        return np.asarray(keras.ops.convert_to_numpy(out))

    def resolve(self, identifier: str, config: dict):
        """The initializer for ``identifier`` with ``config``, made by the framework.

        An exported name (``GlorotUniform``, ``glorot_uniform``, ``constant``, ...) is
        the class a port author writes: ``keras.initializers.NAME(**config)``. The
        other string identifiers (``zero``, ``one``, ``normal``, ``uniform``, and any
        unknown name) go through ``initializers.get({"class_name": ..., "config": ...})``.
        """
        module = self.module
        cls = getattr(module, identifier, None) if isinstance(identifier, str) else None
        try:
            if isinstance(cls, type) and issubclass(cls, module.Initializer):
                return cls(**config)
            return module.get({"class_name": identifier, "config": dict(config)})
        except TypeError as error:
            if _unknown_key_error(error):
                raise ValueError(f"{self.name}: invalid config {config!r} for {identifier!r}: "
                                 f"{error}") from error
            raise

    def make(self, identifier: str, config: dict):
        init = self.resolve(identifier, config or {})
        random = hasattr(init, "seed")  # Keras's random initializers, and only they, keep a seed

        def call(shape, dtype=None):
            shape = tuple(int(d) for d in shape)
            try:
                out = init(shape, dtype=dtype)
                return self.to_numpy(out)
            except ValueError:
                raise
            except Exception as error:
                if random and not is_floating(dtype):
                    raise ValueError(f"{self.name} rejects dtype {dtype} for {identifier}: "
                                     f"{type(error).__name__}: {error}") from error
                if isinstance(error, NotImplementedError):
                    raise NotImplementedError(
                        f"{self.name}: {identifier} is not implemented for dtype {dtype}: "
                        f"{error!r}") from error
                raise

        return call


class KerasKeras3Adapter(KerasAdapter):
    """The same adapter claiming edition ``keras3`` (``--edition=keras3``)."""

    name = f"keras-{BACKEND}-keras3"
    edition = "keras3"
    known_deviations: dict[str, str] = {}
