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

Install: ``pip install -e ".[keras]"`` installs Keras only; the backend is separate
(the numpy backend needs nothing more; ``jax``, ``torch`` or ``tensorflow`` otherwise).

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

Seeds: ``seed`` goes to Keras unchanged. ``seed=int``: every call draws anew from
the seed (jax, tensorflow: stateless ops keyed by ``[seed, 0]``; torch: a fresh
``torch.Generator`` seeded with it; numpy: ``numpy.random.default_rng([seed, 0])``), so
one instance returns the same values on every call.
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
``UserWarning`` (see the findings), and fast compilation unless
``JAX_DISABLE_MOST_OPTIMIZATIONS`` is set (``jax_disable_most_optimizations`` and XLA's older
CPU emitters: each shape's samplers compile about 8x faster, values within an ulp or two:
``adapters/jax_setup.py``). Integer dtypes
for a random initializer (one with a ``seed``): where Keras *refuses* them with another
exception type (torch's ``NotImplementedError`` "normal_kernel_cpu not implemented for 'Int'", TensorFlow's
``TypeError`` "Cannot convert 0.0 to EagerTensor of dtype int32"; the types in
``REJECTIONS``), that refusal becomes the spec's ``ValueError``. Where Keras instead
*tries to draw integers* (the tensorflow backend casts the uniform bounds to the integer
dtype and calls ``stateless_uniform``: ``InvalidArgumentError`` "Need minval < maxval"
when both bounds round to 0, integers when they do not; the numpy backend draws floats
and casts them), the error or the values surface unchanged, and the suite reports
them. A ``NotImplementedError`` for a floating dtype (``Orthogonal`` in float16 on jax
and torch: no QR in half precision on CPU), or TensorFlow's word for a missing kernel
(``Orthogonal`` in bfloat16 on tensorflow: its ``Qr`` has no bfloat16;
``keras_family.TENSORFLOW_NO_KERNEL``), is reported as "unsupported", with the reason.
Every other exception surfaces unchanged.

Validation: Keras's own (``scale <= 0``, unknown ``mode``/``distribution``,
``Orthogonal`` of rank < 2, ``Identity`` not 2-D, unknown identifier: all
``ValueError``).

Serialization (the optional API, ``adapters/keras_serialization.py``): Keras's own
``K.deserialize``, ``K.serialize``, ``get_config``, ``type(init).from_config`` and
``K.get``, untranslated. Keras 3's saving format and its classes for the six functions
depart from the spec's by design; ``Identity`` has no ``get_config`` (a round trip loses
the gain), a ``Constant`` without a value cannot be deserialized (``KeyError: 'value'``),
and ``deserialize`` of an unknown class name returns the name: all declared below, each
with a reproduction.

Edition: ``keras2`` (the seed page) by default, so that where Keras 3 departs from
Keras 2 (``reference/editions.py``, edition ``keras3``) the run says so.
``KerasKeras3Adapter`` (``--impl=initializer_conformance.adapters.keras_adapter:KerasKeras3Adapter``) is the
same adapter claiming edition ``keras3``: nothing needs translating, Keras 3 speaks
that vocabulary natively.
"""

from __future__ import annotations

import importlib
import importlib.metadata

import keras
import numpy as np

from .declarations import declare, deviating, keras3_rules, sixteen_bit_draws
from .keras_api import RANDOM
from .keras_family import KerasFamily
from .keras_serialization import KerasSerialization, serialization_deviations

BACKEND = keras.backend.backend()

if BACKEND == "jax":
    from .jax_setup import configure

    configure()  # x64 and compilation, as for the jax port (adapters/jax_setup.py)

K = keras.initializers

# Keras imports tensorflow, when it is installed, on the first serialize() (to look for a
# tf.TensorShape): a few seconds on an idle machine, but past the 60 s call timeout on a
# loaded one, where the interrupted import then broke every later serialization check
# (55 errors in one keras-torch run). Paid here, once, outside the suite's timer.
K.serialize(K.Zeros())


def backend_version(backend: str = BACKEND) -> str:
    """``"jax 0.10.2"``: the backend framework and its version."""
    try:
        return f"{backend} {importlib.import_module(backend).__version__}"
    except Exception:  # a backend module without __version__
        try:
            return f"{backend} {importlib.metadata.version(backend)}"
        except importlib.metadata.PackageNotFoundError:
            return backend


#: Keras 3 deviations that no edition of the spec allows, on every backend.
KERAS3_EVERY_EDITION = deviating(
    ["test_dtype[Identity-int32]", "test_dtype[Identity-int64]"],
    "Identity is gain * ops.eye(...): the float gain turns an integer eye into float "
    "(tensorflow: TypeError)",
    "Identity: wrong dtype|TypeError",
)

#: How a reproduction of a serialization finding starts (``K``: ``keras.initializers``).
EXAMPLE = 'python -c "import keras; K = keras.initializers;'

#: Keras 3's serialization bugs (the spec's serialization: conformance/test_serialization.py).
KERAS3_SERIALIZATION = {
    **deviating(
        [
            *(
                f"test_{test}[Constant]"
                for test in (
                    "get_config",
                    "config_round_trip",
                    "serialize_round_trip",
                    "serialized_form",
                    "get_resolves",
                )
            ),
            "test_get_resolves[constant]",
        ],
        "Constant.from_config reads config['value']: a Constant without a value (its "
        "default) cannot be deserialized, so get('constant') and deserialize({'class_name': "
        "'Constant', 'config': {}}) raise KeyError: 'value' (Dense(bias_initializer="
        f"'constant') fails). Reproduce: {EXAMPLE} K.get('constant')\"",
        "KeyError: 'value'",
    ),
    **deviating(
        ["test_get_config[Identity]"],
        "Identity has no get_config: its config is {} whatever the gain, so a saved Identity "
        f"comes back with gain 1. Reproduce: {EXAMPLE} i = K.Identity(gain=2.0); "
        'print(i.get_config(), K.Identity.from_config(i.get_config())((2, 2)))" prints {} '
        "and the identity",
        r"(?m)^\s*observed: differs from the spec in: gain missing \(the spec: [-+.\de]+\)$",
    ),
    **deviating(
        ["test_config_round_trip[Identity]", "test_serialize_round_trip[Identity]"],
        "Identity has no get_config, so a round trip returns gain 1 (see test_get_config"
        f"[Identity]). Reproduce: {EXAMPLE} i = K.Identity(gain=2.0); "
        'print(K.deserialize(K.serialize(i))((2, 2)))" prints the identity',
        r"(?m)^\s*observed: values: \d+ of \d+ entries differ",
    ),
    **deviating(
        ["test_serialization_value_error[get({'class_name': 'Zeros'})]"],
        "get accepts a serialized initializer without 'config' (the class with its "
        f"defaults). Reproduce: {EXAMPLE} print(K.get({{'class_name': 'Zeros'}}))\"",
        "invalid input accepted",
    ),
}

INTEGER_DTYPE_CHECKS = ("int32", "int64")

#: Deviations of one backend only.
BY_BACKEND: dict[str, dict] = {
    "jax": sixteen_bit_draws(
        "jax backend in float16/bfloat16 (keras.random on jax.random)",
        "draws in 16-bit arithmetic: a bfloat16 uniform takes 128 values on [0, 1), a "
        "bfloat16 normal never exceeds 2.89 std",
    ),
    "torch": sixteen_bit_draws(
        "torch backend in float16/bfloat16",
        "values on the wrong representable values (chi-square 18,000 on 199 degrees of freedom "
        "for a bfloat16 uniform), and float16 truncated normals leak: values 0.5 std beyond "
        "the bound (4 per 10^6)",
    )
    | deviating(
        # every check that pools enough truncated-normal values to meet one (the probes, on
        # every kernel and dtype; test_calls; test_bounds' examples on other seeds)
        [
            f"test_{test}[{name}{suffix}]"
            for name in (
                "TruncatedNormal",
                "VarianceScaling",
                "glorot_normal",
                "he_normal",
                "lecun_normal",
            )
            for test, suffix in (("bounds", ""), ("calls", ""), ("probe", "*"))
        ],
        "torch backend truncated_normal draws 4 candidates per value and keeps the first "
        "when none is within 2 std: ~4.3e-6 of the values lie outside the truncation bound",
        r"values outside the support\s+expected: TruncatedNormal",
    ),
    "tensorflow": {
        **sixteen_bit_draws(
            "tensorflow's random ops in float16/bfloat16",
            "draw in 16-bit arithmetic: a bfloat16 uniform's mean is 1.2 % of a std low, values "
            "sit on the wrong representable values (chi-square 5,957 on 199 degrees of freedom for "
            "a bfloat16 normal), and float16 truncated normals put values exactly on the bound "
            "(10 per 262,144 on 0)",
        ),
        **deviating(
            ["test_deterministic_exact[Constant]"],
            "tensorflow backend: Constant casts a Python float through float32 "
            "(convert_to_tensor), so float64 values are rounded to float32",
            "Constant: output differs",
        ),
        **deviating(
            ["test_zero_spread[RandomUniform]"],
            "tensorflow backend: the uniform's bounds pass through float32 "
            "(convert_to_tensor), so a float64 RandomUniform(0.3, 0.3) returns "
            "float32(0.3) = 0.30000001192092896",
            r"RandomUniform: output differs.*\n(?s:.*)dtype=float64",
        ),
        **deviating(
            ["test_constant_overflow[1e+39-bfloat16]", "test_constant_overflow[-1e+39-bfloat16]"],
            "tensorflow backend: Constant(±1e39) in bfloat16 raises ValueError (the value is "
            "converted as a float32 first) where IEEE 754 rounding gives ±inf",
            "raised ValueError: Can't convert",
        ),
        **deviating(
            ["test_signed_zero[Constant]"],
            "tensorflow backend: Constant(-0.0) returns +0.0 once Constant(0.0) was made "
            "(tensorflow's scalar conversion cache keys -0.0 and 0.0 alike)",
            "the sign of zero is lost",
        ),
        **deviating(
            [
                f"test_dtype[{name}-{dtype}]"
                for name in ("RandomUniform", "lecun_uniform", "glorot_uniform", "he_uniform")
                for dtype in INTEGER_DTYPE_CHECKS
            ],
            "tensorflow backend: the uniform initializers cast their bounds to the "
            "integer dtype and draw integers (InvalidArgumentError when both bounds "
            "round to 0)",
            "Need minval < maxval|invalid input accepted",
        ),
        **deviating(
            ["test_identity_square"],
            "tensorflow backend: Identity in an integer dtype raises TypeError",
            "TypeError: Cannot convert",
        ),
    },
    "numpy": {
        **deviating(
            [f"test_dtype[{name}-{dtype}]" for name in RANDOM for dtype in INTEGER_DTYPE_CHECKS],
            "numpy backend: random initializers accept integer dtypes (float draws cast "
            "to integers; Orthogonal returns float)",
            "invalid input accepted",
        ),
        **deviating(
            [
                "test_dtype[Orthogonal-float16]",
                "test_empty_shape[Orthogonal]",
                # the seed checks in every floating dtype
                *(
                    f"test_{check}[Orthogonal]"
                    for check in (
                        "seed_reproducible",
                        "seed_distinct_independent",
                        "seeded_calls_leave_global_state",
                        "seeded_same_across_processes",
                    )
                ),
            ],
            "numpy backend: Orthogonal in float16 raises TypeError (numpy.linalg.qr has "
            "no float16)",
            "TypeError: array type float16 is unsupported in linalg",
        ),
        **deviating(
            ["test_dtype[Orthogonal-bfloat16]", "test_dtype[Identity-bfloat16]"],
            "numpy backend: bfloat16 is dropped where NumPy promotes ml_dtypes' bfloat16: "
            "Orthogonal returns float64 (numpy.linalg.qr), Identity float32 (gain * eye). "
            f"Reproduce: KERAS_BACKEND=numpy {EXAMPLE} print(K.Identity()((3, 3), dtype='bfloat16').dtype)\"",
            "wrong dtype",
        ),
        **deviating(
            ["test_dtype[Orthogonal-float64]", "test_zero_gain[Orthogonal]"],
            "numpy backend: keras.ops.convert_to_tensor turns float64 arrays into "
            "float32, so Orthogonal's QR (and its result) is float32",
            "Orthogonal: (zeros: )?wrong dtype",
        ),
        **deviating(
            [
                "test_orthogonal_orthonormal",
                "test_orthogonal_haar[*]",  # after its Haar tests, which still judge the law
                "test_orthogonal_haar_large[*]",
            ],
            "numpy backend: float64 Orthogonal is computed in float32 (max |QtQ - I| = 5e-8)",
            "(?s)is not gain²·I.*dtype=float64",
        ),
    },
}


class KerasAdapter(KerasFamily, KerasSerialization):
    """``keras.initializers`` of Keras 3 on the backend Keras was imported with."""

    name = f"keras-{BACKEND}"
    module = K

    #: Confirmed deviations of Keras 3 on this backend from the Keras 2 page, each narrowed
    #: by ``match``: Keras 3's design changes, those of every edition, those of the backend.
    known_deviations = declare(
        keras3_rules("Keras 3"),
        KERAS3_EVERY_EDITION,
        BY_BACKEND.get(BACKEND, {}),
        KERAS3_SERIALIZATION,
        *serialization_deviations("Keras 3", EXAMPLE, axes=True, edition="keras2"),
    )

    def version(self) -> str:
        return f"{self.name} {keras.__version__} ({backend_version()})"

    def to_numpy(self, out) -> np.ndarray:
        if BACKEND == "torch":
            # keras.ops.convert_to_numpy calls np.array(tensor) there: a NumPy 2
            # DeprecationWarning on every call (27,000 in a default run), same values
            from .torch_adapter import host_array

            return host_array(out)
        if not keras.ops.shape(out):
            # tensorflow cannot hand NumPy a bfloat16 scalar (np.array of it raises "object
            # __array__ method not producing an array"): a rank-0 output goes through rank 1
            return np.asarray(keras.ops.convert_to_numpy(keras.ops.reshape(out, (1,)))).reshape(())
        return np.asarray(keras.ops.convert_to_numpy(out))


class KerasKeras3Adapter(KerasAdapter):
    """The same adapter claiming edition ``keras3`` (``--edition=keras3``)."""

    name = f"keras-{BACKEND}-keras3"
    edition = "keras3"
    #: Edition keras3 allows Keras 3's design changes: only the others remain.
    known_deviations = declare(
        KERAS3_EVERY_EDITION,
        BY_BACKEND.get(BACKEND, {}),
        KERAS3_SERIALIZATION,
        *serialization_deviations("Keras 3", EXAMPLE, axes=True, edition="keras3"),
    )
